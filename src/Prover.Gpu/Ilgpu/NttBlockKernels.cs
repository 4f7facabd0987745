using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The inner levels of the batched radix-2 NTT (<see cref="NttKernels"/>) in group-local (shared) memory: explicitly grouped kernels
/// in which one group takes one column of one aligned chunk of 2^logChunk rows (logChunk ≤ <see cref="MaxLogChunk"/>), loads it into
/// shared memory, runs every level below logChunk there with a barrier between levels, and writes it back: one global read and write
/// per word for those levels instead of one per level. Level j's butterflies pair rows inside aligned blocks of 2^(j+1) rows, so for
/// j &lt; logChunk they never leave a chunk and are exactly the global kernel's (same twiddles tw[k &lt;&lt; (L − 1 − j)], same words).
/// The threads of a group stride over the chunk's butterflies, so any group size works (ILGPU's CPU accelerator runs groups of 2).
/// </summary>
public static class NttBlockKernels
{
    /// <summary>Largest chunk: 2^11 words of shared memory per group (8 KiB).</summary>
    public const int MaxLogChunk = 11;

    private const int ChunkWords = 1 << MaxLogChunk;

    /// <summary>
    /// DIT levels 0 … logChunk − 1 (bit-reversed → natural within the chunk's blocks): (x, y) ← (x + w·y, x − w·y). One group per
    /// (chunk, column): group g takes column g mod width of rows (g / width)·2^logChunk … + 2^logChunk − 1.
    /// </summary>
    public static void DitChunk(ArrayView<uint> data, ArrayView<uint> tw, int width, int logChunk, int tableLog, MontyField f)
    {
        var s = SharedMemory.Allocate<uint>(ChunkWords);
        int half = (1 << logChunk) >> 1;
        LoadChunk(data, s, width, logChunk);
        for (int j = 0; j < logChunk; j++)
        {
            int m = 1 << j, shift = tableLog - 1 - j;
            for (int t = Group.IdxX; t < half; t += Group.DimX)
            {
                int k = t & (m - 1);
                int a = ((t >> j) << (j + 1)) + k, b = a + m;
                uint x = s[a];
                uint y = f.Mul(s[b], tw[(long)k << shift]);
                s[a] = f.Add(x, y);
                s[b] = f.Sub(x, y);
            }
            Group.Barrier();
        }
        StoreChunk(data, s, width, logChunk);
    }

    /// <summary>DIF levels logChunk − 1 … 0 (natural → bit-reversed within the chunk's blocks): (x, y) ← (x + y, (x − y)·w). Groups as <see cref="DitChunk"/>.</summary>
    public static void DifChunk(ArrayView<uint> data, ArrayView<uint> tw, int width, int logChunk, int tableLog, MontyField f)
    {
        var s = SharedMemory.Allocate<uint>(ChunkWords);
        int half = (1 << logChunk) >> 1;
        LoadChunk(data, s, width, logChunk);
        for (int j = logChunk - 1; j >= 0; j--)
        {
            int m = 1 << j, shift = tableLog - 1 - j;
            for (int t = Group.IdxX; t < half; t += Group.DimX)
            {
                int k = t & (m - 1);
                int a = ((t >> j) << (j + 1)) + k, b = a + m;
                uint x = s[a];
                uint y = s[b];
                s[a] = f.Add(x, y);
                s[b] = f.Mul(f.Sub(x, y), tw[(long)k << shift]);
            }
            Group.Barrier();
        }
        StoreChunk(data, s, width, logChunk);
    }

    /// <summary>The group's (chunk, column) of <paramref name="data"/> into shared memory, then a barrier.</summary>
    private static void LoadChunk(ArrayView<uint> data, ArrayView<uint> s, int width, int logChunk)
    {
        long g = Grid.IdxX, chunk = g / width, c = g - chunk * width, baseRow = chunk << logChunk;
        for (int r = Group.IdxX; r < 1 << logChunk; r += Group.DimX)
            s[r] = data[(baseRow + r) * width + c];
        Group.Barrier();
    }

    /// <summary>Shared memory back into the group's (chunk, column) of <paramref name="data"/> (after the last level's barrier).</summary>
    private static void StoreChunk(ArrayView<uint> data, ArrayView<uint> s, int width, int logChunk)
    {
        long g = Grid.IdxX, chunk = g / width, c = g - chunk * width, baseRow = chunk << logChunk;
        for (int r = Group.IdxX; r < 1 << logChunk; r += Group.DimX)
            data[(baseRow + r) * width + c] = s[r];
    }
}
