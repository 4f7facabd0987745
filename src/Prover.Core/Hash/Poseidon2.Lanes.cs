using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Prover.Core.Hash;

/// <summary>
/// How many states an instance's batched kernels permute at once (<see cref="Lanes"/>). Width 16 takes the widest path
/// (<see cref="BatchLanes"/>). Width 24 with AVX-512 can also run 8-lane AVX2 blocks, and on CPUs that split 512-bit
/// operations in two (the AMD EPYC here) those measured faster per state (0.25 µs against 0.30 µs at KoalaBear-24), so
/// the instance times both once and keeps the faster. A lane's result does not depend on the lane count (every path is
/// the same arithmetic on the same words; tests compare each with the scalar reference), so the choice changes only time.
/// </summary>
public sealed partial class Poseidon2<TParams>
{
    private int _lanes; // 0 until chosen; set once (the first finished choice wins)

    /// <summary>States this instance's batched kernels (<see cref="PermuteMany"/>, sponge rows, compressions) permute at once.</summary>
    public int Lanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int lanes = Volatile.Read(ref _lanes);
            return lanes != 0 ? lanes : ChooseLanes();
        }
    }

    /// <summary>The lane counts this machine can run for this instance's batched kernels, widest first.</summary>
    internal int[] AvailableLanes =>
        BatchLanes == 16 ? (Avx2Lanes<TParams>.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? [16, 8, 1] : [16, 1]) :
        BatchLanes == 8 ? [8, 1] : [1];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ChooseLanes()
    {
        int chosen = BatchLanes;
        if (Width == 24 && BatchLanes == 16 && AvailableLanes.Contains(8))
        {
            TimeBlocks(16); // compiled and warm before timing
            TimeBlocks(8);
            chosen = TimeBlocks(16) <= TimeBlocks(8) ? 16 : 8;
        }
        // Every thread sees the same count from here on (a racing second measurement does not replace the first).
        Interlocked.CompareExchange(ref _lanes, chosen, 0);
        return Volatile.Read(ref _lanes);
    }

    /// <summary>Ticks of the best of 5 runs of 128 states through <paramref name="lanes"/>-lane blocks (16 or 8).</summary>
    [SkipLocalsInit]
    internal long TimeBlocks(int lanes)
    {
        Span<uint> soa = stackalloc uint[Width * lanes];
        soa.Clear();
        long best = long.MaxValue;
        for (int rep = 0; rep < 5; rep++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 128 / lanes; i++)
                PermuteBlock(soa);
            best = Math.Min(best, Stopwatch.GetTimestamp() - start);
        }
        return best;
    }

    /// <summary>Test hook: <see cref="PermuteMany"/> with an explicit lane count from <see cref="AvailableLanes"/>.</summary>
    internal void PermuteManyWithLanesForTest(int lanes, Span<Field.MontyField31<TParams>> states)
    {
        if (!AvailableLanes.Contains(lanes))
            throw new PlatformNotSupportedException($"{lanes}-lane blocks need instructions this machine lacks");
        PermuteManyCore(states, lanes);
    }
}
