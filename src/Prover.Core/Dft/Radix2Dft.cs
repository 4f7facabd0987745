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
    /// the shared 2-core development VM (docs/design.md, "DFT"): a parallel pass costs 10–15 µs of dispatch,
    /// a serial transform of 2^17 elements about 0.2–0.5 ms, so from 2^17 elements even two free cores pay
    /// back the dispatch several times over; below it serial is never worse.
    /// </summary>
    public const int DefaultParallelThreshold = 1 << 17;

    /// <summary>
    /// Bytes of rows a cache block may span: half the per-core L2 (512 KiB on the EPYC here), room left for twiddles. Strided
    /// groups run on a contiguous copy (<see cref="GatherStridedGroups"/>), so a block this size stays in L2; 2^18 × 64
    /// LDEs then take 2 passes per transform instead of 3 (best of 5: 304–320 ms against 341–353 ms with 128 KiB).
    /// </summary>
    public const int DefaultCacheBlockBytes = 1 << 18;

    /// <summary>Matrices narrower than this (other than a single column) are transposed to columns first.</summary>
    private const int NarrowWidth = 8;

    /// <summary>Bytes of consecutive rows that strided passes keep together (whole cache lines, vector-length runs).</summary>
    private const int MinRunBytes = 256;

    /// <summary>The default instance: widest SIMD path, measured parallel threshold.</summary>
    public static Radix2Dft<TParams> Instance { get; } = new();

    public Radix2Dft()
        : this(PackedMontyField31<TParams>.BestPath, DefaultParallelThreshold, DefaultCacheBlockBytes)
    {
    }

    /// <summary>For tests and benchmarks: force a SIMD path, a parallel threshold (int.MaxValue = serial) and a cache block.</summary>
    internal Radix2Dft(SimdPath path, int parallelThreshold, int cacheBlockBytes = DefaultCacheBlockBytes, bool gatherStridedGroups = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheBlockBytes, 4);
        Path = PackedMontyField31<TParams>.Clamp(path);
        ParallelThreshold = parallelThreshold;
        CacheBlockBytes = cacheBlockBytes;
        GatherStridedGroups = gatherStridedGroups;
    }

    /// <summary>
    /// Whether a strided pass copies each group into a contiguous scratch block, runs its levels there and copies it back
    /// (default), instead of running them in place (the reference path, kept for tests). In place, a group's rows lie
    /// 2^lo rows apart, a power-of-two stride in bytes that maps them all onto the same few cache sets: a group "in cache"
    /// thrashed L1 and L2 and every level went to memory (measured on the 2-core EPYC: the strided passes took 25 times
    /// the time of the contiguous one per level). Same butterflies on the same words, so the same output.
    /// </summary>
    internal bool GatherStridedGroups { get; }

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

    /// <summary>
    /// <see cref="CosetDftBatch"/> with its output rows left bit-reversed: the DIF without the closing row permutation, which a
    /// caller wanting bit-reversed evaluations (a committed LDE) would otherwise undo with a second one. Same values, rows at
    /// bit-reversed positions. Rows from <paramref name="nonzeroRows"/> on must be zero (coefficients padded for an LDE): only the
    /// rows before are scaled by shift^i.
    /// </summary>
    public void CosetDftBatchBitReversed(RowMajorMatrix<MontyField31<TParams>> matrix, MontyField31<TParams> shift, int nonzeroRows)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = LogHeight(matrix.Height, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(nonzeroRows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nonzeroRows, matrix.Height);
        ScaleRows(matrix.Values.AsSpan(0, nonzeroRows * matrix.Width), matrix.Width, shift.Powers(nonzeroRows), bitReversedRows: false);
        Transform(matrix.Values, matrix.Width, log, dit: false, inverse: false, permute: false);
    }

    public RowMajorMatrix<MontyField31<TParams>> CosetLde(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        int log = LogHeight(evaluations.Height, addedBits);
        int n = 1 << log;
        int width = evaluations.Width;
        // Uninitialized: rows [0, n) are copied in and the padding is cleared here, so each page is written once.
        var result = GC.AllocateUninitializedArray<MontyField31<TParams>>(checked((n << addedBits) * width));
        evaluations.Values.CopyTo(result, 0);
        result.AsSpan(n * width).Clear();
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
        // Uninitialized: rows [0, n) are copied in and the padding is cleared here, so each page is written once.
        var result = GC.AllocateUninitializedArray<MontyField31<TParams>>(checked((n << addedBits) * width));
        // Interpolate to natural-order coefficients (bit-reverse the n input rows, DIT with inverse roots),
        // scale row i by shift^i/n, leave the zero padding, and DIF straight into bit-reversed evaluations.
        if (width >= NarrowWidth && IsParallel((long)n * width))
        {
            // Large and wide: the copy lands the rows at their bit-reversed places (one pass instead of a copy and an in-place
            // reversal), and the copy, the padding's clearing and the scaling are spread over the threads like the levels.
            CopyRowsBitReversed(evaluations.Values, result, width, log);
            ParallelRows(n << addedBits, n, (r0, r1) => result.AsSpan(r0 * width, (r1 - r0) * width).Clear());
            Transform(result, width, log, dit: true, inverse: true, permute: false);
            var factors = Powers(shift, n);
            ParallelRows(n, 0, (r0, r1) => ScaleRows(result.AsSpan(r0 * width, (r1 - r0) * width), width, factors.AsSpan(r0, r1 - r0)));
        }
        else
        {
            evaluations.Values.CopyTo(result, 0);
            result.AsSpan(n * width).Clear();
            Transform(result, width, log, dit: true, inverse: true, permute: true);
            ScaleRows(result.AsSpan(0, n * width), width, Powers(shift, n), bitReversedRows: false);
        }
        Transform(result, width, log + addedBits, dit: false, inverse: false, permute: false);
        return new RowMajorMatrix<MontyField31<TParams>>(result, width);
    }

    /// <summary>
    /// <paramref name="body"/>(r0, r1) over the rows [<paramref name="first"/>, <paramref name="end"/>) in as many ranges as the
    /// parallel passes use, each whole rows (for the serial path: one range).
    /// </summary>
    private static void ParallelRows(int end, int first, Action<int, int> body)
    {
        int rows = end - first;
        if (rows <= 0)
            return;
        int chunks = Math.Min(rows, Environment.ProcessorCount * 4);
        Parallel.For(0, chunks, c => body(first + (int)((long)rows * c / chunks), first + (int)((long)rows * (c + 1) / chunks)));
    }

    /// <summary>
    /// Row i of <paramref name="source"/> to row br(i) of <paramref name="destination"/> for the 2^log rows of
    /// <paramref name="width"/> words, in parallel over destination ranges (each destination row is read from one source
    /// row, so the ranges are disjoint). Same rows as a copy followed by <see cref="ReverseRows"/>.
    /// </summary>
    private static void CopyRowsBitReversed(MontyField31<TParams>[] source, MontyField31<TParams>[] destination, int width, int log)
    {
        ParallelRows(1 << log, 0, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                source.AsSpan(BitReversal.ReverseBits(r, log) * width, width).CopyTo(destination.AsSpan(r * width, width));
        });
    }

    /// <summary>Row i ×= factors[i] for the rows of <paramref name="data"/>.</summary>
    private void ScaleRows(Span<MontyField31<TParams>> data, int width, ReadOnlySpan<MontyField31<TParams>> factors)
    {
        Debug.Assert(data.Length == factors.Length * width);
        ref uint words = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(data));
        for (int i = 0; i < factors.Length; i++)
            PackedMontyField31<TParams>.ScaleInPlace(ref Unsafe.Add(ref words, (nint)i * width), width, factors[i].Montgomery, Path);
    }

    /// <summary>shift^i / n for i &lt; n.</summary>
    private MontyField31<TParams>[] Powers(MontyField31<TParams> shift, int n)
    {
        var p = new MontyField31<TParams>[n];
        var acc = MontyField31<TParams>.FromCanonical((uint)n).Inverse();
        // The first 16 by the scalar chain, then 16 at a time: p[i + 16] = p[i]·shift^16 (no dependent chain).
        int head = Math.Min(n, 16);
        for (int i = 0; i < head; i++)
        {
            p[i] = acc;
            acc *= shift;
        }
        if (n > head)
        {
            var step = shift.Pow(16);
            for (int i = 16; i < n; i += 16)
            {
                var block = p.AsSpan(i, 16);
                p.AsSpan(i - 16, 16).CopyTo(block);
                PackedMontyField31<TParams>.ScaleInPlace(block, step, Path);
            }
        }
        return p;
    }

    /// <summary>log2 of a power-of-two height, checked so that an LDE by 2^addedBits stays within the field's two-adicity.</summary>
    public static int LogHeight(int height, int addedBits)
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// All levels of one transform on 2^log rows of <paramref name="width"/> words at word offset
    /// <paramref name="offset"/>, in passes of several levels each. A pass over levels [lo, hi] splits the rows
    /// into independent groups: the rows that agree on every index bit outside [lo, hi], widened by the c
    /// lowest bits into runs of 2^c consecutive rows so that narrow rows are read in whole cache lines and the
    /// single-column kernel has vectors to work on. A group spans at most <see cref="CacheBlockBytes"/>, so its
    /// levels run in cache and memory is streamed once per pass instead of once per level. The last pass
    /// (lo = 0) is made of contiguous blocks. Groups of a pass run in parallel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunLevels(MontyField31<TParams>[] data, nint offset, int width, int log, bool dit, uint[][] levels)
    {
        int n = 1 << log;
        bool parallel = IsParallel((long)n * width);
        long rowBytes = (long)width * sizeof(uint);
        // Rows per cache block (2^blockLog) and per contiguous run in strided passes (2^runLog, ≥ 256 bytes).
        int blockLog = 0;
        while (blockLog < log && (rowBytes << (blockLog + 1)) <= CacheBlockBytes)
            blockLog++;
        blockLog = Math.Max(blockLog, 1);
        int runLog = 0;
        while ((rowBytes << runLog) < MinRunBytes && runLog < blockLog - 1)
            runLog++;

        // Partition the levels from the top: [lo, hi] with 2^(hi−lo+1+c) rows per group, c = runLog (0 in the last pass).
        Span<(int Lo, int Hi, int Run)> passes = stackalloc (int, int, int)[32];
        int count = 0;
        for (int hi = log - 1; hi >= 0;)
        {
            if (hi + 1 <= blockLog)
            {
                passes[count++] = (0, hi, 0);
                break;
            }
            int lo = hi + 1 - (blockLog - runLog);
            passes[count++] = (lo, hi, runLog);
            hi = lo - 1;
        }
        for (int p = 0; p < count; p++)
        {
            var (lo, hi, run) = dit ? passes[count - 1 - p] : passes[p];
            RunPass(data, offset, width, log, lo, hi, run, dit, levels, parallel);
        }
    }

    /// <summary>One pass: levels [lo, hi] on every group (see <see cref="RunLevels"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPass(MontyField31<TParams>[] data, nint offset, int width, int log, int lo, int hi, int run, bool dit, uint[][] levels, bool parallel)
    {
        int span = hi - lo + 1;
        int groups = 1 << (log - span - run);
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void GroupsIn(int g0, int g1, uint[]? scratch)
        {
            ref uint region = ref Unsafe.Add(ref Words(data), offset);
            for (int g = g0; g < g1; g++)
            {
                if (lo == 0)
                {
                    // Contiguous block of 2^span rows.
                    ref uint block = ref Unsafe.Add(ref region, ((nint)g << span) * width);
                    // A single column on AVX-512 runs its four in-vector levels with permutes (Radix2Dft.Avx512.cs).
                    int low = width == 1 && Path == SimdPath.Vector512 && span > LowLevels ? LowLevels : 0;
                    if (dit)
                    {
                        if (low > 0)
                            DitLowLevels512(ref block, 1 << span, levels);
                        for (int j = low; j <= hi; j++)
                            BlockLevel(ref block, width, 1 << span, j, dit, levels[j]);
                    }
                    else
                    {
                        for (int j = hi; j >= low; j--)
                            BlockLevel(ref block, width, 1 << span, j, dit, levels[j]);
                        if (low > 0)
                            DifLowLevels512(ref block, 1 << span, levels);
                    }
                    continue;
                }
                int lowGroupBits = lo - run;
                int baseRow = ((g >> lowGroupBits) << (hi + 1)) | ((g & ((1 << lowGroupBits) - 1)) << run);
                if (scratch is not null)
                {
                    GatherGroup(ref region, scratch, width, baseRow, lo, span, run, toScratch: true);
                    ref uint words = ref MemoryMarshal.GetArrayDataReference(scratch);
                    for (int step = 0; step < span; step++)
                    {
                        int j = dit ? lo + step : hi - step;
                        GatheredLevel(ref words, width, baseRow, lo, span, run, j, dit, levels[j]);
                    }
                    GatherGroup(ref region, scratch, width, baseRow, lo, span, run, toScratch: false);
                    continue;
                }
                for (int step = 0; step < span; step++)
                {
                    int j = dit ? lo + step : hi - step;
                    StridedLevel(ref region, width, baseRow, lo, span, run, j, dit, levels[j]);
                }
            }
        }
        void Groups(int g0, int g1)
        {
            // One scratch block per task for the strided groups' contiguous copies (see GatherStridedGroups).
            uint[]? buffer = lo > 0 && GatherStridedGroups ? ArrayPool<uint>.Shared.Rent((1 << (span + run)) * width) : null;
            try
            {
                GroupsIn(g0, g1, buffer);
            }
            finally
            {
                if (buffer is not null)
                    ArrayPool<uint>.Shared.Return(buffer);
            }
        }
        if (parallel && groups > 1)
        {
            int perTask = Math.Max(1, groups / (Environment.ProcessorCount * 4));
            int tasks = (groups + perTask - 1) / perTask;
            Parallel.For(0, tasks, t => Groups(t * perTask, Math.Min(groups, (t + 1) * perTask)));
        }
        else
        {
            Groups(0, groups);
        }
    }

    /// <summary>
    /// Copies one strided group (rows baseRow + (t·2^lo) + u, t &lt; 2^span, u &lt; 2^run) between the matrix and
    /// <paramref name="scratch"/>, where it is contiguous: row t·2^run + u.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherGroup(ref uint region, uint[] scratch, int width, int baseRow, int lo, int span, int run, bool toScratch)
    {
        int runWords = width << run;
        for (int t = 0; t < 1 << span; t++)
        {
            var rows = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref region, (nint)(baseRow + (t << lo)) * width), runWords);
            var copy = scratch.AsSpan(t * runWords, runWords);
            if (toScratch)
                rows.CopyTo(copy);
            else
                copy.CopyTo(rows);
        }
    }

    /// <summary>
    /// <see cref="StridedLevel"/> on a group gathered by <see cref="GatherGroup"/>: the same butterflies and twiddles
    /// (the twiddle of a pair is fixed by its row in the matrix), with the partners 2^(j − lo + run) rows apart in the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatheredLevel(ref uint scratch, int width, int baseRow, int lo, int span, int run, int j, bool dit, uint[] level)
    {
        int m = 1 << j;
        int d = j - lo;
        int half = 1 << (span - 1);
        int runRows = 1 << run;
        int distance = 1 << (d + run);
        for (int q = 0; q < half; q++)
        {
            int t = ((q >> d) << (d + 1)) | (q & ((1 << d) - 1));
            int k0 = (baseRow + (t << lo)) & (m - 1);
            // Segment pairs rows s + k and s + k + distance with twiddle level[k]: s + k0 is the first row of run t in the copy.
            Segment(ref scratch, width, distance, (t << run) - k0, k0, k0 + runRows, dit, level);
        }
    }

    /// <summary>
    /// Level j within one strided group: rows baseRow + (t·2^lo) + u for t &lt; 2^span, u &lt; 2^run; the pairs
    /// are the t with bit j − lo clear and their partners 2^j rows further.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StridedLevel(ref uint region, int width, int baseRow, int lo, int span, int run, int j, bool dit, uint[] level)
    {
        int m = 1 << j;
        int d = j - lo;
        int half = 1 << (span - 1);
        int runRows = 1 << run;
        for (int q = 0; q < half; q++)
        {
            int t = ((q >> d) << (d + 1)) | (q & ((1 << d) - 1));
            int r = baseRow + (t << lo);
            int k0 = r & (m - 1);
            Segment(ref region, width, m, r - k0, k0, k0 + runRows, dit, level);
        }
    }

    /// <summary>Level j (half-size m = 2^j) over all rows of a contiguous block of <paramref name="rows"/> rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BlockLevel(ref uint region, int width, int rows, int j, bool dit, uint[] level)
    {
        int m = 1 << j;
        for (int s = 0; s < rows; s += 2 * m)
            Segment(ref region, width, m, s, 0, m, dit, level);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReverseRows(MontyField31<TParams>[] data, int width, int log)
    {
        int n = 1 << log;
        // Rows narrower than a cache line go tile by tile (see ReverseRowsBlocked); wide rows are swapped directly.
        int tileBits = width == 1 ? 5 : width < 4 ? 4 : width < 8 ? 3 : width < 16 ? 2 : 0;
        if (tileBits > 0 && log >= 2 * tileBits + 1)
        {
            ReverseRowsBlocked(data, width, log, tileBits);
            return;
        }
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

    /// <summary>
    /// Cache-friendly bit reversal for narrow rows. Split a row index into (h, m, l) with h and l of
    /// <paramref name="tileBits"/> bits each: br(h, m, l) = (br l, br m, br h). The rows sharing m form a tile of
    /// 2^tileBits runs of 2^tileBits consecutive rows (whole cache lines), and tile m maps onto tile br(m) with
    /// its rows transposed and bit-reversed. So each pair of tiles is read into two small buffers and written
    /// back crosswise, instead of one random access per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReverseRowsBlocked(MontyField31<TParams>[] data, int width, int log, int tileBits)
    {
        int midBits = log - 2 * tileBits;
        int mids = 1 << midBits;
        int tile = 1 << tileBits;
        int runWords = tile * width;
        void Range(int m0, int m1)
        {
            var bufferA = new uint[tile * runWords];
            var bufferB = new uint[tile * runWords];
            ref uint words = ref Words(data);
            for (int m = m0; m < m1; m++)
            {
                int mr = BitReversal.ReverseBits(m, midBits);
                if (mr < m)
                    continue;
                LoadTile(ref words, m, bufferA);
                if (mr != m)
                    LoadTile(ref words, mr, bufferB);
                StoreTile(ref words, mr, bufferA);
                if (mr != m)
                    StoreTile(ref words, m, bufferB);
            }
        }
        void LoadTile(ref uint words, int m, uint[] buffer)
        {
            for (int h = 0; h < tile; h++)
            {
                nint row = ((nint)h << (log - tileBits)) | ((nint)m << tileBits);
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref words, row * width), runWords).CopyTo(buffer.AsSpan(h * runWords));
            }
        }
        void StoreTile(ref uint words, int m, uint[] buffer)
        {
            // Destination row (h2, m, l2) receives source row (h = br l2, l = br h2) of the other tile.
            for (int h2 = 0; h2 < tile; h2++)
            {
                ref uint dst = ref Unsafe.Add(ref words, (((nint)h2 << (log - tileBits)) | ((nint)m << tileBits)) * width);
                int l = BitReversal.ReverseBits(h2, tileBits);
                for (int l2 = 0; l2 < tile; l2++)
                {
                    int h = BitReversal.ReverseBits(l2, tileBits);
                    ref uint src = ref buffer[(h * tile + l) * width];
                    for (int c = 0; c < width; c++)
                        Unsafe.Add(ref dst, l2 * width + c) = Unsafe.Add(ref src, c);
                }
            }
        }
        if (IsParallel((long)width << log) && mids >= 16)
        {
            int chunks = Math.Min(mids, Environment.ProcessorCount * 4);
            Parallel.For(0, chunks, c => Range((int)((long)mids * c / chunks), (int)((long)mids * (c + 1) / chunks)));
        }
        else
        {
            Range(0, mids);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapWords(ref uint a, ref uint b, int width)
    {
        nuint i = 0;
        nuint w = (nuint)width;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= w; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                Vector512.LoadUnsafe(ref b, i).StoreUnsafe(ref a, i);
                x.StoreUnsafe(ref b, i);
            }
        }
        for (; i + 8 <= w; i += 8)
        {
            var x = Vector256.LoadUnsafe(ref a, i);
            Vector256.LoadUnsafe(ref b, i).StoreUnsafe(ref a, i);
            x.StoreUnsafe(ref b, i);
        }
        for (; i < w; i++)
            (Unsafe.Add(ref a, i), Unsafe.Add(ref b, i)) = (Unsafe.Add(ref b, i), Unsafe.Add(ref a, i));
    }

    /// <summary>Multiplies every element by one constant (Montgomery word).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
