using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Dft;

/// <summary>
/// Radix-2 batched DFT over the columns of a row-major matrix, for any <see cref="MontyField31{TParams}"/>.
/// <list type="bullet">
/// <item>Forward: decimation in frequency (natural in → bit-reversed out), then a row bit-reversal. The
/// bit-reversed LDE skips that final permutation, which is why it is the cheaper of the two LDE forms.</item>
/// <item>Butterflies act on whole rows with one broadcast twiddle, so a row-major matrix vectorizes across
/// its columns (<see cref="PackedMontyField31{TParams}"/>). A single column is vectorized across consecutive
/// butterflies instead; widths 2..7 are transposed to columns in a scratch buffer, with the bit reversal
/// folded into the transposes.</item>
/// <item>Cache blocking: the levels whose butterfly span exceeds <see cref="CacheBlockBytes"/> run as full
/// passes (parallel over butterflies); once a block of rows fits, each block runs all remaining levels on
/// its own (parallel over blocks). DIT runs the same in the opposite order.</item>
/// <item>Twiddles come from <see cref="TwiddleCache{TParams}"/>, computed once per field and level.</item>
/// </list>
/// </summary>
[SkipLocalsInit]
public sealed partial class Radix2Dft<TParams> : ITwoAdicSubgroupDft<MontyField31<TParams>>
    where TParams : struct, IMontyParameters
{
    /// <summary>
    /// Matrices with at least this many elements (rows × columns) spread their work over threads. Measured on
    /// the shared 2-core development VM (docs/design.md, "DFT"): below 2^15 elements the Parallel.For
    /// overhead per level outweighs the gain.
    /// </summary>
    public const int DefaultParallelThreshold = 1 << 15;

    /// <summary>Bytes of rows a cache block may span (fits the per-core L2 with room for twiddles).</summary>
    public const int DefaultCacheBlockBytes = 1 << 17;

    /// <summary>Matrices narrower than this (other than a single column) are transposed to columns first.</summary>
    private const int NarrowWidth = 8;

    /// <summary>Smallest number of butterflies a parallel work item gets (a multiple of the vector width).</summary>
    private const int MinChunkPairs = 1024;

    /// <summary>The default instance: widest SIMD path, measured parallel threshold.</summary>
    public static Radix2Dft<TParams> Instance { get; } = new();

    public Radix2Dft()
        : this(PackedMontyField31<TParams>.BestPath, DefaultParallelThreshold, DefaultCacheBlockBytes)
    {
    }

    /// <summary>For tests and benchmarks: force a SIMD path, a parallel threshold (int.MaxValue = serial) and a cache block.</summary>
    internal Radix2Dft(SimdPath path, int parallelThreshold, int cacheBlockBytes = DefaultCacheBlockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheBlockBytes, 4);
        Path = PackedMontyField31<TParams>.Clamp(path);
        ParallelThreshold = parallelThreshold;
        CacheBlockBytes = cacheBlockBytes;
    }

    /// <summary>The SIMD path the kernels use.</summary>
    public SimdPath Path { get; }

    /// <summary>Element count (rows × columns) from which work is spread over threads.</summary>
    public int ParallelThreshold { get; }

    /// <summary>Bytes of rows that one cache block covers.</summary>
    public int CacheBlockBytes { get; }

    public void DftBatch(RowMajorMatrix<MontyField31<TParams>> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = LogHeight(matrix.Height, 0);
        Transform(matrix.Values, matrix.Width, log, dit: false, inverse: false, permute: true);
    }

    public void IdftBatch(RowMajorMatrix<MontyField31<TParams>> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = LogHeight(matrix.Height, 0);
        Transform(matrix.Values, matrix.Width, log, dit: false, inverse: true, permute: true);
        var nInv = MontyField31<TParams>.FromCanonical(1u << log).Inverse();
        ScaleAll(matrix.Values, nInv.Montgomery);
    }

    public void CosetDftBatch(RowMajorMatrix<MontyField31<TParams>> matrix, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = LogHeight(matrix.Height, 0);
        ScaleRows(matrix.Values, matrix.Width, shift.Powers(matrix.Height), bitReversedRows: false);
        Transform(matrix.Values, matrix.Width, log, dit: false, inverse: false, permute: true);
    }

    public RowMajorMatrix<MontyField31<TParams>> CosetLde(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        int log = LogHeight(evaluations.Height, addedBits);
        int n = 1 << log;
        int width = evaluations.Width;
        var result = new MontyField31<TParams>[checked((n << addedBits) * width)];
        evaluations.Values.CopyTo(result, 0);
        // Interpolate: DIF with inverse roots leaves coefficient br(i) in row i (no permutation needed).
        Transform(result, width, log, dit: false, inverse: true, permute: false);
        // Row i holds c_br(i): scale by shift^br(i)/n. In the bit-reversed order of the large size, c_j sits at
        // row br_N(j) = br_n(j)·2^addedBits, so row i moves to row i·2^addedBits; the rows between stay zero.
        ScaleRows(result.AsSpan(0, n * width), width, Powers(shift, n), bitReversedRows: true);
        if (addedBits > 0)
        {
            // Descending: the destination i·2^a of row i is above every row not yet moved.
            ref uint words = ref Words(result);
            for (int i = n - 1; i > 0; i--)
            {
                var src = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref words, (nint)i * width), width);
                src.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref words, ((nint)i << addedBits) * width), width));
                src.Clear();
            }
        }
        // Evaluate: DIT takes bit-reversed coefficients to natural-order evaluations.
        Transform(result, width, log + addedBits, dit: true, inverse: false, permute: false);
        return new RowMajorMatrix<MontyField31<TParams>>(result, width);
    }

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        int log = LogHeight(evaluations.Height, addedBits);
        int n = 1 << log;
        int width = evaluations.Width;
        var result = new MontyField31<TParams>[checked((n << addedBits) * width)];
        evaluations.Values.CopyTo(result, 0);
        // Interpolate to natural-order coefficients (bit-reverse the n input rows, DIT with inverse roots),
        // scale row i by shift^i/n, leave the zero padding, and DIF straight into bit-reversed evaluations.
        Transform(result, width, log, dit: true, inverse: true, permute: true);
        ScaleRows(result.AsSpan(0, n * width), width, Powers(shift, n), bitReversedRows: false);
        Transform(result, width, log + addedBits, dit: false, inverse: false, permute: false);
        return new RowMajorMatrix<MontyField31<TParams>>(result, width);
    }

    /// <summary>shift^i / n for i &lt; n.</summary>
    private static MontyField31<TParams>[] Powers(MontyField31<TParams> shift, int n)
    {
        var p = new MontyField31<TParams>[n];
        var acc = MontyField31<TParams>.FromCanonical((uint)n).Inverse();
        for (int i = 0; i < n; i++)
        {
            p[i] = acc;
            acc *= shift;
        }
        return p;
    }

    private static int LogHeight(int height, int addedBits)
    {
        if (height <= 0 || !BitOperations.IsPow2(height))
            throw new ArgumentException($"height {height} is not a power of two", nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(addedBits);
        int log = BitOperations.Log2((uint)height);
        if (log + addedBits > TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(height), $"2^{log + addedBits} rows exceed the two-adicity {TParams.TwoAdicity} of {TParams.Name}");
        return log;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref uint Words(MontyField31<TParams>[] array) =>
        ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetArrayDataReference(array));

    private bool IsParallel(long elements) => elements >= ParallelThreshold && Environment.ProcessorCount > 1;

    /// <summary>
    /// Runs all levels of a size-2^log transform on the first 2^log rows of <paramref name="data"/>.
    /// DIF: natural → bit-reversed; DIT: bit-reversed → natural. With <paramref name="permute"/> the bit
    /// reversal is applied too (before DIT, after DIF), so both give natural → natural.
    /// </summary>
    internal void Transform(MontyField31<TParams>[] data, int width, int log, bool dit, bool inverse, bool permute)
    {
        if (log == 0)
            return;
        int n = 1 << log;
        var levels = TwiddleCache<TParams>.Levels(log, inverse);
        if (width == 1 || width >= NarrowWidth)
        {
            if (permute && dit)
                ReverseRows(data, width, log);
            RunLevels(data, 0, width, log, dit, levels);
            if (permute && !dit)
                ReverseRows(data, width, log);
            return;
        }

        // Narrow: transpose into one contiguous column per matrix column, folding in the bit reversal.
        var scratch = ArrayPool<MontyField31<TParams>>.Shared.Rent(n * width);
        try
        {
            var src = data.AsSpan(0, n * width);
            var cols = scratch.AsSpan(0, n * width);
            bool before = permute && dit, after = permute && !dit;
            for (int i = 0; i < n; i++)
            {
                int r = before ? BitReversal.ReverseBits(i, log) : i;
                var row = src.Slice(r * width, width);
                for (int c = 0; c < width; c++)
                    cols[c * n + i] = row[c];
            }
            if (IsParallel((long)n * width) && n < ParallelThreshold)
            {
                // Each column alone is below the threshold: run the columns side by side.
                Parallel.For(0, width, c => RunLevels(scratch, (nint)c * n, 1, log, dit, levels));
            }
            else
            {
                for (int c = 0; c < width; c++)
                    RunLevels(scratch, (nint)c * n, 1, log, dit, levels);
            }
            for (int i = 0; i < n; i++)
            {
                int r = after ? BitReversal.ReverseBits(i, log) : i;
                var row = src.Slice(r * width, width);
                for (int c = 0; c < width; c++)
                    row[c] = cols[c * n + i];
            }
        }
        finally
        {
            ArrayPool<MontyField31<TParams>>.Shared.Return(scratch);
        }
    }

    /// <summary>All levels of one transform on 2^log rows of <paramref name="width"/> words at word offset <paramref name="offset"/>.</summary>
    private void RunLevels(MontyField31<TParams>[] data, nint offset, int width, int log, bool dit, uint[][] levels)
    {
        int n = 1 << log;
        bool parallel = IsParallel((long)n * width);
        // Largest power-of-two row count whose rows fit in one cache block.
        long rowBytes = (long)width * sizeof(uint);
        int blockLog = 0;
        while (blockLog < log && (rowBytes << (blockLog + 1)) <= CacheBlockBytes)
            blockLog++;

        if (!dit)
        {
            for (int j = log - 1; j >= blockLog; j--)
                FullLevel(data, offset, width, log, j, dit, levels[j], parallel);
        }
        if (blockLog > 0)
        {
            int blocks = n >> blockLog;
            int blockWords = width << blockLog;
            void Block(int b)
            {
                ref uint region = ref Unsafe.Add(ref Words(data), offset + (nint)b * blockWords);
                if (dit)
                {
                    for (int j = 0; j < blockLog; j++)
                        BlockLevel(ref region, width, 1 << blockLog, j, dit, levels[j]);
                }
                else
                {
                    for (int j = blockLog - 1; j >= 0; j--)
                        BlockLevel(ref region, width, 1 << blockLog, j, dit, levels[j]);
                }
            }
            if (parallel && blocks > 1)
                Parallel.For(0, blocks, Block);
            else
                for (int b = 0; b < blocks; b++)
                    Block(b);
        }
        if (dit)
        {
            for (int j = blockLog; j < log; j++)
                FullLevel(data, offset, width, log, j, dit, levels[j], parallel);
        }
    }

    /// <summary>Level j (half-size m = 2^j) over all rows of a block of <paramref name="rows"/> rows.</summary>
    private void BlockLevel(ref uint region, int width, int rows, int j, bool dit, uint[] level)
    {
        int m = 1 << j;
        for (int s = 0; s < rows; s += 2 * m)
            Segment(ref region, width, m, s, 0, m, dit, level);
    }

    /// <summary>Level j over all 2^log rows, as one pass; parallel over ranges of butterflies.</summary>
    private void FullLevel(MontyField31<TParams>[] data, nint offset, int width, int log, int j, bool dit, uint[] level, bool parallel)
    {
        int pairs = 1 << (log - 1);
        if (!parallel || pairs < 2 * MinChunkPairs / Math.Max(1, Math.Min(width, 64)))
        {
            Pairs(data, offset, width, j, dit, level, 0, pairs);
            return;
        }
        int chunkPairs = Math.Max(MinChunkPairs / Math.Min(width, 64), pairs / (Environment.ProcessorCount * 4));
        chunkPairs = (chunkPairs + 15) & ~15;
        int chunks = (pairs + chunkPairs - 1) / chunkPairs;
        Parallel.For(0, chunks, c => Pairs(data, offset, width, j, dit, level, c * chunkPairs, Math.Min(pairs, (c + 1) * chunkPairs)));
    }

    /// <summary>Butterflies with flat index in [i0, i1) of level j (index i: block i / m, position i mod m).</summary>
    private void Pairs(MontyField31<TParams>[] data, nint offset, int width, int j, bool dit, uint[] level, int i0, int i1)
    {
        ref uint region = ref Unsafe.Add(ref Words(data), offset);
        int m = 1 << j;
        int i = i0;
        while (i < i1)
        {
            int block = i >> j;
            int k = i & (m - 1);
            int kEnd = Math.Min(m, k + (i1 - i));
            Segment(ref region, width, m, block * 2 * m, k, kEnd, dit, level);
            i += kEnd - k;
        }
    }

    /// <summary>Butterflies k ∈ [k0, k1) of the group starting at row s: rows s + k and s + k + m, twiddle level[k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Segment(ref uint region, int width, int m, int s, int k0, int k1, bool dit, uint[] level)
    {
        ref uint tw = ref MemoryMarshal.GetArrayDataReference(level);
        var path = Path;
        if (width == 1)
        {
            ref uint a = ref Unsafe.Add(ref region, s + k0);
            ref uint b = ref Unsafe.Add(ref region, s + m + k0);
            if (dit)
                DitVec(ref a, ref b, ref Unsafe.Add(ref tw, k0), k1 - k0, path);
            else
                DifVec(ref a, ref b, ref Unsafe.Add(ref tw, k0), k1 - k0, path);
            return;
        }
        nint w = width;
        for (int k = k0; k < k1; k++)
        {
            ref uint a = ref Unsafe.Add(ref region, (s + k) * w);
            ref uint b = ref Unsafe.Add(ref region, (s + k + m) * w);
            if (dit)
                DitRows(ref a, ref b, width, Unsafe.Add(ref tw, k), path);
            else
                DifRows(ref a, ref b, width, Unsafe.Add(ref tw, k), path);
        }
    }

    /// <summary>Bit-reverses the first 2^log rows (parallel over row ranges for large matrices).</summary>
    private void ReverseRows(MontyField31<TParams>[] data, int width, int log)
    {
        int n = 1 << log;
        void Range(int i0, int i1)
        {
            ref uint words = ref Words(data);
            for (int i = i0; i < i1; i++)
            {
                int r = BitReversal.ReverseBits(i, log);
                if (i < r)
                    SwapWords(ref Unsafe.Add(ref words, (nint)i * width), ref Unsafe.Add(ref words, (nint)r * width), width);
            }
        }
        if (IsParallel((long)n * width) && n >= 64)
        {
            int chunks = Environment.ProcessorCount * 4;
            Parallel.For(0, chunks, c => Range((int)((long)n * c / chunks), (int)((long)n * (c + 1) / chunks)));
        }
        else
        {
            Range(0, n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapWords(ref uint a, ref uint b, int width)
    {
        nuint i = 0;
        nuint w = (nuint)width;
        for (; i + 16 <= w; i += 16)
        {
            var x = Vector512.LoadUnsafe(ref a, i);
            Vector512.LoadUnsafe(ref b, i).StoreUnsafe(ref a, i);
            x.StoreUnsafe(ref b, i);
        }
        for (; i < w; i++)
            (Unsafe.Add(ref a, i), Unsafe.Add(ref b, i)) = (Unsafe.Add(ref b, i), Unsafe.Add(ref a, i));
    }

    /// <summary>Multiplies every element by one constant (Montgomery word).</summary>
    private void ScaleAll(MontyField31<TParams>[] data, uint s)
    {
        int total = data.Length;
        if (IsParallel(total))
        {
            int chunks = Environment.ProcessorCount * 4;
            Parallel.For(0, chunks, c =>
            {
                int i0 = (int)((long)total * c / chunks), i1 = (int)((long)total * (c + 1) / chunks);
                PackedMontyField31<TParams>.ScaleInPlace(ref Unsafe.Add(ref Words(data), i0), i1 - i0, s, Path);
            });
        }
        else
        {
            PackedMontyField31<TParams>.ScaleInPlace(ref Words(data), total, s, Path);
        }
    }

    /// <summary>Row i ×= factors[i], or factors[br(i)] when <paramref name="bitReversedRows"/>.</summary>
    private void ScaleRows(Span<MontyField31<TParams>> data, int width, MontyField31<TParams>[] factors, bool bitReversedRows)
    {
        int n = factors.Length;
        Debug.Assert(data.Length == n * width);
        int log = BitOperations.Log2((uint)n);
        if (width == 1 && !bitReversedRows)
        {
            PackedMontyField31<TParams>.Binary<PackedMontyField31<TParams>.MulOp>(data, factors, data, Path);
            return;
        }
        ref uint words = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(data));
        for (int i = 0; i < n; i++)
        {
            var f = factors[bitReversedRows ? BitReversal.ReverseBits(i, log) : i];
            PackedMontyField31<TParams>.ScaleInPlace(ref Unsafe.Add(ref words, (nint)i * width), width, f.Montgomery, Path);
        }
    }
}
