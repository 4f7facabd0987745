using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// DEEP batching: for every committed column f opened at point z with claimed value y, the function
/// (f(x) − y)/(x − z) is low-degree exactly when the claim is right (up to the proximity error).
/// All such functions of one LDE height are combined with powers of λ into one codeword per height,
/// which FRI then proves low-degree. Order of the λ powers: <see cref="StarkLayout{F}"/>.
/// </summary>
internal static class Deep<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>The opened values of a matrix at its p-th point.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] Claimed(OpenedMatrix m, TableOpenings<ExtensionField<MontyField31<TParams>, TDef>> o, int point) =>
        (m.Kind, point) switch
        {
            (CommitmentKind.Preprocessed, 0) => o.PreprocessedLocal,
            (CommitmentKind.Preprocessed, _) => o.PreprocessedNext,
            (CommitmentKind.Main, 0) => o.MainLocal,
            (CommitmentKind.Main, _) => o.MainNext,
            (CommitmentKind.LogUp, 0) => o.LogUpLocal,
            (CommitmentKind.LogUp, _) => o.LogUpNext,
            _ => o.Quotient,
        };

    /// <summary>The opening points of a matrix: ζ, and ζ·ω_n for matrices read on the next row.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef> Point(OpenedMatrix m, StarkLayout<MontyField31<TParams>> layout,
        ExtensionField<MontyField31<TParams>, TDef> zeta, int point) =>
        point == 0 ? zeta : zeta * MontyField31<TParams>.TwoAdicGenerator(layout.LogHeights[m.Table]);

    /// <summary>
    /// The prover's side: the batched DEEP codeword of every LDE height (bit-reversed order). Each height's
    /// codeword is made by <paramref name="backend"/> (<see cref="IProverBackend{TParams}.DeepReduce{TDef}"/>), which
    /// may read its device copies of the LDEs and keep the codeword on the device for FRI.
    /// </summary>
    public static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]> ReduceCodewords<TDigest>(IProverBackend<TParams> backend,
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<MerkleTree<TParams, TDigest>> trees,
        TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[] openings,
        ExtensionField<MontyField31<TParams>, TDef> zeta, ExtensionField<MontyField31<TParams>, TDef> lambda)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
            return ReduceCodewordsReference(layout, trees, openings, zeta, lambda);
        var lambdaPowers = lambda.Powers(layout.LambdaPowers);
        // Per height: its matrices (layout order) and its opening points (first-seen order). Σ over the matrices
        // opened at the same point z: T_z[r] = Σ_m λ^start·S_m[r] − Σ y_m, multiplied by 1/(x_r − z) once per point
        // rather than once per matrix (exact arithmetic, same sums as the reference).
        var heights = new List<int>();
        var matrices = new Dictionary<int, List<RowMajorMatrix<MontyField31<TParams>>>>();
        var points = new Dictionary<int, List<(ExtensionField<MontyField31<TParams>, TDef> Z, List<(int Matrix, ExtensionField<MontyField31<TParams>, TDef> Scale)> Scales, ExtensionField<MontyField31<TParams>, TDef> Y)>>();
        int maxWidth = 0;
        var selected = new List<RowMajorMatrix<MontyField31<TParams>>>();
        try
        {
            foreach (var m in layout.Matrices)
            {
                var matrix = trees[m.Tree].Matrices[m.IndexInTree];
                int logH = m.LogLdeHeight;
                if (!matrices.TryGetValue(logH, out var list))
                {
                    heights.Add(logH);
                    matrices[logH] = list = [];
                    points[logH] = [];
                }
                list.Add(matrix);
                int whole = list.Count - 1;
                maxWidth = Math.Max(maxWidth, matrix.Width);
                var atHeight = points[logH];
                for (int point = 0; point < m.PointCount; point++)
                {
                    var z = Point(m, layout, zeta, point);
                    var claimed = Claimed(m, openings[m.Table], point);
                    int start = m.LambdaAt(point), width = m.WidthAt(point);
                    var y = default(ExtensionField<MontyField31<TParams>, TDef>);
                    for (int c = 0; c < width; c++)
                        y += lambdaPowers[start + c] * claimed[c];
                    // A point that opens only some columns (ζ·ω: those read on the next row) combines only those: their own
                    // matrix in the height's list, scaled at this point alone.
                    int matrixIndex = whole;
                    if (m.Columns(point) is { } columns)
                    {
                        // Selected by the backend (on its device copy, if it keeps one); released once the codewords are made.
                        var selectedColumns = backend.SelectColumns(matrix, columns);
                        selected.Add(selectedColumns);
                        list.Add(selectedColumns);
                        matrixIndex = list.Count - 1;
                    }
                    int index = atHeight.FindIndex(p => p.Z == z);
                    if (index < 0)
                    {
                        atHeight.Add((z, [], default));
                        index = atHeight.Count - 1;
                    }
                    var entry = atHeight[index];
                    entry.Scales.Add((matrixIndex, lambdaPowers[start]));
                    atHeight[index] = (entry.Z, entry.Scales, entry.Y + y);
                }
            }
            var reduced = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]>();
            foreach (int logH in heights)
            {
                var list = matrices[logH];
                var deepPoints = new List<DeepPoint<TParams, TDef>>();
                foreach (var (z, scales, y) in points[logH])
                {
                    var perMatrix = new ExtensionField<MontyField31<TParams>, TDef>[list.Count];
                    foreach (var (matrix, scale) in scales)
                        perMatrix[matrix] += scale;
                    deepPoints.Add(new DeepPoint<TParams, TDef>(z, perMatrix, y));
                }
                reduced[logH] = backend.DeepReduce(logH, list, lambdaPowers.AsSpan(0, maxWidth), deepPoints);
            }
            return reduced;
        }
        finally
        {
            backend.Release(selected);
        }
    }

    /// <summary>The CPU implementation of <see cref="IProverBackend{TParams}.DeepReduce{TDef}"/> (column combinations through <paramref name="backend"/>).</summary>
    internal static ExtensionField<MontyField31<TParams>, TDef>[] ReduceHeight(IProverBackend<TParams> backend, int logH,
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> columnCoefficients,
        IReadOnlyList<DeepPoint<TParams, TDef>> points)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(points);
        CheckHeight(logH, matrices, columnCoefficients.Length, points);
        int h = 1 << logH;
        var terms = new ExtensionField<MontyField31<TParams>, TDef>[points.Count][];
        for (int p = 0; p < points.Count; p++)
            terms[p] = new ExtensionField<MontyField31<TParams>, TDef>[h];
        bool cpu = backend is CpuBackend<TParams> && !KernelSelection.IsReference(ReferenceFamily.Openings);
        for (int m = 0; m < matrices.Count; m++)
        {
            int width = matrices[m].Width;
            if (cpu)
            {
                // T_p[r] += Σ_c (scale_p·λ^c)·M[r, c]: the point's scale folded into the column coefficients (exact field
                // arithmetic, so the same values as scale·S(r) below), one pass over the matrix per point that opens it and
                // no extension product per row.
                var scaled = new ExtensionField<MontyField31<TParams>, TDef>[width];
                for (int p = 0; p < points.Count; p++)
                {
                    var scale = points[p].Scales[m];
                    if (scale.IsZero)
                        continue;
                    for (int c = 0; c < width; c++)
                        scaled[c] = scale * columnCoefficients[c];
                    ExtensionLinearAlgebra<TParams, TDef>.AccumulateRowCombinations(matrices[m], scaled, terms[p]);
                }
                continue;
            }
            // S(r) = Σ_c λ^c·M[r, c] (relative powers; each point scales it by its own start power).
            var s = backend.CombineColumns(matrices[m], columnCoefficients[..width]);
            for (int p = 0; p < points.Count; p++)
            {
                var scale = points[p].Scales[m];
                if (scale.IsZero)
                    continue; // not opened at this point (adding 0·S would change nothing)
                var t = terms[p];
                Parallel.For(0, (h + 1023) / 1024, chunk =>
                {
                    int end = Math.Min(h, (chunk + 1) * 1024);
                    for (int r = chunk * 1024; r < end; r++)
                        t[r] += scale * s[r];
                });
            }
        }
        var acc = new ExtensionField<MontyField31<TParams>, TDef>[h];
        var inverses = new ExtensionField<MontyField31<TParams>, TDef>[points.Count][];
        for (int p = 0; p < points.Count; p++)
        {
            var t = terms[p];
            var y = points[p].Y;
            var inv = inverses[p] = ShiftedInverseDistances(points, inverses, p, logH) ?? InverseDistances(points[p].Z, logH);
            Parallel.For(0, (h + 1023) / 1024, chunk =>
            {
                int end = Math.Min(h, (chunk + 1) * 1024);
                for (int r = chunk * 1024; r < end; r++)
                    acc[r] += inv[r] * (t[r] - y);
            });
        }
        return acc;
    }

    /// <summary>The shape checks of <see cref="IProverBackend{TParams}.DeepReduce{TDef}"/>'s arguments (shared by every backend).</summary>
    public static void CheckHeight(int logH, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int coefficientCount, IReadOnlyList<DeepPoint<TParams, TDef>> points)
    {
        if (logH < 0 || logH > TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(logH), $"no LDE domain of 2^{logH} points");
        foreach (var m in matrices)
        {
            if (m.Height != 1 << logH)
                throw new ArgumentException($"a matrix of {m.Height} rows at an LDE height of 2^{logH}", nameof(matrices));
            if (m.Width > coefficientCount)
                throw new ArgumentException($"a matrix of {m.Width} columns and {coefficientCount} column coefficients", nameof(matrices));
        }
        foreach (var p in points)
            if (p.Scales.Length != matrices.Count)
                throw new ArgumentException($"a point with {p.Scales.Length} weights for {matrices.Count} matrices", nameof(points));
    }

    /// <summary>The previous version (one 1/(x − z) product per matrix and point), the reference for the tests.</summary>
    internal static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]> ReduceCodewordsReference<TDigest>(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<MerkleTree<TParams, TDigest>> trees,
        TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[] openings,
        ExtensionField<MontyField31<TParams>, TDef> zeta, ExtensionField<MontyField31<TParams>, TDef> lambda)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        var lambdaPowers = lambda.Powers(layout.LambdaPowers);
        var reduced = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]>();
        var inverseCache = new Dictionary<(ExtensionField<MontyField31<TParams>, TDef>, int), ExtensionField<MontyField31<TParams>, TDef>[]>();
        foreach (var m in layout.Matrices)
        {
            var matrix = trees[m.Tree].Matrices[m.IndexInTree];
            int logH = m.LogLdeHeight, h = 1 << logH;
            if (!reduced.TryGetValue(logH, out var acc))
                reduced[logH] = acc = new ExtensionField<MontyField31<TParams>, TDef>[h];
            // S(r) = Σ_c λ^c·M[r, c] (relative powers; each point scales it by its own start power).
            var s = ExtensionLinearAlgebra<TParams, TDef>.RowCombinations(matrix, lambdaPowers.AsSpan(0, matrix.Width));
            for (int point = 0; point < m.PointCount; point++)
            {
                var z = Point(m, layout, zeta, point);
                var claimed = Claimed(m, openings[m.Table], point);
                int start = m.LambdaAt(point), width = m.WidthAt(point);
                var sp = m.Columns(point) is { } columns
                    ? ExtensionLinearAlgebra<TParams, TDef>.RowCombinations(SelectColumns(matrix, columns), lambdaPowers.AsSpan(0, width))
                    : s;
                var y = default(ExtensionField<MontyField31<TParams>, TDef>);
                for (int c = 0; c < width; c++)
                    y += lambdaPowers[start + c] * claimed[c];
                var scale = lambdaPowers[start];
                if (!inverseCache.TryGetValue((z, logH), out var inv))
                    inverseCache[(z, logH)] = inv = InverseDistances(z, logH);
                Parallel.For(0, (h + 1023) / 1024, chunk =>
                {
                    int end = Math.Min(h, (chunk + 1) * 1024);
                    for (int r = chunk * 1024; r < end; r++)
                        acc[r] += inv[r] * (scale * sp[r] - y);
                });
            }
        }
        return reduced;
    }

    /// <summary>The columns <paramref name="columns"/> of <paramref name="matrix"/>, in that order, as a new matrix.</summary>
    private static RowMajorMatrix<MontyField31<TParams>> SelectColumns(RowMajorMatrix<MontyField31<TParams>> matrix, IReadOnlyList<int> columns) =>
        ColumnSelection.Select(matrix, columns);

    /// <summary>
    /// 1/(x_r − z_p) from an earlier point's 1/(x_r − z_q) when z_p = z_q·ω^k (ω generating the LDE domain, k a power of two:
    /// ζ·ω_n next to ζ is k = 2^logH / n), else null: with x_i = g·ω^i (natural index i), x_i − z_q·ω^k = ω^k·(x_(i−k) − z_q), so
    /// 1/(x_i − z_p) = ω^−k·1/(x_(i−k) − z_q), a permutation of the earlier values times a constant instead of a batch
    /// inversion (the same field elements). Null under the reference kernels.
    /// </summary>
    private static ExtensionField<MontyField31<TParams>, TDef>[]? ShiftedInverseDistances(IReadOnlyList<DeepPoint<TParams, TDef>> points,
        ExtensionField<MontyField31<TParams>, TDef>[]?[] inverses, int p, int logH)
    {
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
            return null;
        int h = 1 << logH;
        var omega = MontyField31<TParams>.TwoAdicGenerator(logH);
        for (int q = 0; q < p; q++)
        {
            var earlier = inverses[q];
            if (earlier is null)
                continue;
            var power = omega; // ω^k for k = 2^j
            for (int j = 0; j < logH; j++, power = power.Square())
            {
                if (points[p].Z != points[q].Z * power)
                    continue;
                int k = 1 << j, mask = h - 1;
                var factor = power.Inverse();
                var result = new ExtensionField<MontyField31<TParams>, TDef>[h];
                Parallel.For(0, (h + 4095) / 4096, chunk =>
                {
                    int end = Math.Min(h, (chunk + 1) * 4096);
                    for (int r = chunk * 4096; r < end; r++)
                        result[r] = earlier[BitReversal.ReverseBits((BitReversal.ReverseBits(r, logH) - k) & mask, logH)] * factor;
                });
                return result;
            }
        }
        return null;
    }

    /// <summary>1/(x_r − z) for the points x_r = g·ω^bitrev(r) of the LDE domain of size 2^logH.</summary>
    private static ExtensionField<MontyField31<TParams>, TDef>[] InverseDistances(ExtensionField<MontyField31<TParams>, TDef> z, int logH)
    {
        // Chunks in parallel: each starts its powers at g·ω^start and inverts its own batch (inverses are
        // unique, so the values equal those of one serial batch inversion).
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
            return InverseDistancesReference(z, logH);
        int h = 1 << logH;
        var omega = MontyField31<TParams>.TwoAdicGenerator(logH);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[h];
        // x_i = g·ω^i = g·high[i >> half]·low[i & (2^half − 1)] (two small tables instead of an array of h points), and each
        // chunk's differences in its own buffer (no h-long temporaries).
        int half = logH / 2;
        var low = new MontyField31<TParams>[1 << half];
        var high = new MontyField31<TParams>[1 << (logH - half)];
        var power = MontyField31<TParams>.One;
        for (int i = 0; i < low.Length; i++, power *= omega)
            low[i] = power;
        var step = omega.Pow(1UL << half);
        power = MontyField31<TParams>.MultiplicativeGenerator;
        for (int i = 0; i < high.Length; i++, power *= step)
            high[i] = power;
        const int Grain = 4096;
        int chunks = (h + Grain - 1) / Grain;
        Parallel.For(0, chunks, () => new ExtensionField<MontyField31<TParams>, TDef>[Math.Min(h, Grain)], (chunk, _, diffs) =>
        {
            int start = chunk * Grain, end = Math.Min(h, start + Grain);
            for (int r = start; r < end; r++)
            {
                int i = logH == 0 ? 0 : BitReversal.ReverseBits(r, logH);
                diffs[r - start] = -(z - high[i >> half] * low[i & ((1 << half) - 1)]);
            }
            PackedBatchInverse<TParams, TDef>.Invert(diffs.AsSpan(0, end - start), result.AsSpan(start, end - start));
            return diffs;
        }, _ => { });
        return result;
    }

    /// <summary>The previous, serial version of <see cref="InverseDistances"/> (reference for the tests).</summary>
    private static ExtensionField<MontyField31<TParams>, TDef>[] InverseDistancesReference(ExtensionField<MontyField31<TParams>, TDef> z, int logH)
    {
        int h = 1 << logH;
        var omega = MontyField31<TParams>.TwoAdicGenerator(logH);
        var natural = new MontyField31<TParams>[h];
        var x = MontyField31<TParams>.MultiplicativeGenerator;
        for (int i = 0; i < h; i++)
        {
            natural[i] = x;
            x *= omega;
        }
        var diffs = new ExtensionField<MontyField31<TParams>, TDef>[h];
        for (int r = 0; r < h; r++)
            diffs[r] = -(z - natural[BitReversal.ReverseBits(r, logH)]);
        return Fields.BatchInverse<ExtensionField<MontyField31<TParams>, TDef>>(diffs);
    }

    /// <summary>
    /// The verifier's side: the batched DEEP value of each LDE height at one query. <paramref name="rows"/>[tree][matrix]
    /// is the matrix's opened row at the query (index shifted down to its height).
    /// </summary>
    public static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>> ReduceAtQuery(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<IReadOnlyList<MontyField31<TParams>[]>> rows, int index,
        TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[] openings,
        ExtensionField<MontyField31<TParams>, TDef> zeta, ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers) =>
        ReduceAtQuery(layout, rows, index, ClaimsAt(layout, openings, zeta, lambdaPowers), lambdaPowers);

    /// <summary>
    /// The query-independent part of the DEEP reduction, per matrix and point: the point z and
    /// Y = Σ_c λ^(start+c)·claimed_c (computed once per proof, not once per query).
    /// </summary>
    public static (ExtensionField<MontyField31<TParams>, TDef> Z, ExtensionField<MontyField31<TParams>, TDef> Y)[][] ClaimsAt(
        StarkLayout<MontyField31<TParams>> layout, TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[] openings,
        ExtensionField<MontyField31<TParams>, TDef> zeta, ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers)
    {
        var result = new (ExtensionField<MontyField31<TParams>, TDef>, ExtensionField<MontyField31<TParams>, TDef>)[layout.Matrices.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            var m = layout.Matrices[i];
            result[i] = new (ExtensionField<MontyField31<TParams>, TDef>, ExtensionField<MontyField31<TParams>, TDef>)[m.PointCount];
            for (int point = 0; point < m.PointCount; point++)
            {
                var claimed = Claimed(m, openings[m.Table], point);
                int start = m.LambdaAt(point), width = m.WidthAt(point);
                var y = default(ExtensionField<MontyField31<TParams>, TDef>);
                for (int c = 0; c < width; c++)
                    y += lambdaPowers[start + c] * claimed[c];
                result[i][point] = (Point(m, layout, zeta, point), y);
            }
        }
        return result;
    }

    /// <summary>
    /// The DEEP value of every LDE height at one query: Σ over matrices and points of (λ^start·S − Y)/(x − z) with
    /// S = Σ_c λ^c·row_c (extension × base products: the row is base-field) and Y from <see cref="ClaimsAt"/>; one
    /// inverse per distinct (height, point). Equal to <see cref="ReduceAtQueryReference"/> (Σ_c λ^(start+c)·(row_c −
    /// claimed_c)/(x − z) term by term), which a test compares it with.
    /// </summary>
    public static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>> ReduceAtQuery(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<IReadOnlyList<MontyField31<TParams>[]>> rows, int index,
        (ExtensionField<MontyField31<TParams>, TDef> Z, ExtensionField<MontyField31<TParams>, TDef> Y)[][] claims,
        ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers)
    {
        var reduced = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>();
        var inverses = new Dictionary<(int, ExtensionField<MontyField31<TParams>, TDef>), ExtensionField<MontyField31<TParams>, TDef>>();
        for (int i = 0; i < layout.Matrices.Count; i++)
        {
            var m = layout.Matrices[i];
            var row = rows[m.Tree][m.IndexInTree];
            int logH = m.LogLdeHeight;
            int r = index >> (layout.LogMaxLdeHeight - logH);
            var x = MontyField31<TParams>.MultiplicativeGenerator *
                    MontyField31<TParams>.TwoAdicGenerator(logH).Pow((ulong)BitReversal.ReverseBits(r, logH));
            reduced.TryGetValue(logH, out var acc);
            var full = default(ExtensionField<MontyField31<TParams>, TDef>);
            int fullWidth = -1;
            for (int point = 0; point < m.PointCount; point++)
            {
                var (z, y) = claims[i][point];
                int start = m.LambdaAt(point), width = m.WidthAt(point);
                var columns = m.Columns(point);
                ExtensionField<MontyField31<TParams>, TDef> s;
                if (columns is null && fullWidth == width)
                    s = full;
                else
                {
                    s = default;
                    for (int c = 0; c < width; c++)
                        s += lambdaPowers[c] * row[columns is null ? c : columns[c]];
                    if (columns is null)
                        (full, fullWidth) = (s, width);
                }
                if (!inverses.TryGetValue((logH, z), out var inv))
                    inverses[(logH, z)] = inv = (ExtensionField<MontyField31<TParams>, TDef>.FromBase(x) - z).Inverse();
                acc += (lambdaPowers[start] * s - y) * inv;
            }
            reduced[logH] = acc;
        }
        return reduced;
    }

    /// <summary>
    /// The DEEP values of every query at once (the verifier's path): the same sums as <see cref="ReduceAtQuery(StarkLayout{MontyField31{TParams}}, IReadOnlyList{IReadOnlyList{MontyField31{TParams}[]}}, int, ValueTuple{ExtensionField{MontyField31{TParams}, TDef}, ExtensionField{MontyField31{TParams}, TDef}}[][], ExtensionField{MontyField31{TParams}, TDef}[])"/>
    /// per query, with the distinct opening points (height, z) found once per proof, the matrices opened at one point
    /// summed before their single product with 1/(x − z), and every 1/(x − z) of every query from one batch inversion
    /// (exact arithmetic: the values are the per-query ones). <paramref name="rows"/>[q][tree][matrix] is query q's row.
    /// If some x − z is zero (ζ on an LDE coset: the per-query path then fails on its inverse), the per-query path runs,
    /// so the outcome, failure included, is that path's. Under <see cref="KernelSelection.UseReference(ReferenceFamily)"/>
    /// with <see cref="ReferenceFamily.Verifier"/> the per-query path always runs.
    /// </summary>
    public static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[] ReduceAtQueries(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<IReadOnlyList<IReadOnlyList<MontyField31<TParams>[]>>> rows, int[] indices,
        (ExtensionField<MontyField31<TParams>, TDef> Z, ExtensionField<MontyField31<TParams>, TDef> Y)[][] claims,
        ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(indices);
        if (rows.Count != indices.Length)
            throw new ArgumentException($"{rows.Count} rows for {indices.Length} queries", nameof(rows));
        if (KernelSelection.IsReference(ReferenceFamily.Verifier))
            return PerQuery(layout, rows, indices, claims, lambdaPowers);
        // Slots: the distinct (height, point) pairs, first-seen order; heights in first-seen order.
        var matrices = layout.Matrices;
        var slotOf = new int[matrices.Count][];
        var slotHeight = new List<int>();
        var slotZ = new List<ExtensionField<MontyField31<TParams>, TDef>>();
        var heights = new List<int>();
        var slotIndex = new Dictionary<(int, ExtensionField<MontyField31<TParams>, TDef>), int>();
        for (int i = 0; i < matrices.Count; i++)
        {
            var m = matrices[i];
            if (!heights.Contains(m.LogLdeHeight))
                heights.Add(m.LogLdeHeight);
            slotOf[i] = new int[m.PointCount];
            for (int point = 0; point < m.PointCount; point++)
            {
                var z = claims[i][point].Z;
                if (!slotIndex.TryGetValue((m.LogLdeHeight, z), out int slot))
                {
                    slotIndex[(m.LogLdeHeight, z)] = slot = slotHeight.Count;
                    slotHeight.Add(m.LogLdeHeight);
                    slotZ.Add(z);
                }
                slotOf[i][point] = slot;
            }
        }
        int slots = slotHeight.Count, queries = indices.Length;
        var denominators = new ExtensionField<MontyField31<TParams>, TDef>[queries * slots];
        var xs = new MontyField31<TParams>[TParams.TwoAdicity + 1];
        for (int q = 0; q < queries; q++)
        {
            foreach (int logH in heights)
            {
                int r = indices[q] >> (layout.LogMaxLdeHeight - logH);
                xs[logH] = MontyField31<TParams>.MultiplicativeGenerator *
                           MontyField31<TParams>.TwoAdicGenerator(logH).Pow((ulong)BitReversal.ReverseBits(r, logH));
            }
            for (int slot = 0; slot < slots; slot++)
            {
                var denominator = ExtensionField<MontyField31<TParams>, TDef>.FromBase(xs[slotHeight[slot]]) - slotZ[slot];
                if (denominator.IsZero)
                    return PerQuery(layout, rows, indices, claims, lambdaPowers);
                denominators[q * slots + slot] = denominator;
            }
        }
        var inverses = Fields.BatchInverse<ExtensionField<MontyField31<TParams>, TDef>>(denominators);
        // S = Σ_c λ^c·row_c coefficient by coefficient: D base-field dot products with one reduction each
        // (MontyField31.SumOfProducts), components[k][c] = coefficient k of λ^c; selected columns are gathered first.
        int d = TDef.Degree, maxWidth = 0;
        foreach (var m in matrices)
            maxWidth = Math.Max(maxWidth, m.Width);
        var components = new MontyField31<TParams>[d][];
        for (int k = 0; k < d; k++)
        {
            components[k] = new MontyField31<TParams>[maxWidth];
            for (int c = 0; c < maxWidth; c++)
                components[k][c] = lambdaPowers[c][k];
        }
        var gathered = new MontyField31<TParams>[maxWidth];
        var parts = new MontyField31<TParams>[d];
        // Octic extensions with AVX-512: λ^c's 8 coefficients are contiguous words, read in place by the kernel.
        bool octic = d == 8 && OcticKernels<TParams>.IsSupported && lambdaPowers.Length >= maxWidth;
        ReadOnlySpan<uint> lambdaWords = octic
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(lambdaPowers.AsSpan(0, maxWidth))
            : default;
        var result = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[queries];
        var numerators = new ExtensionField<MontyField31<TParams>, TDef>[slots];
        for (int q = 0; q < queries; q++)
        {
            Array.Clear(numerators);
            for (int i = 0; i < matrices.Count; i++)
            {
                var m = matrices[i];
                var row = rows[q][m.Tree][m.IndexInTree];
                var full = default(ExtensionField<MontyField31<TParams>, TDef>);
                int fullWidth = -1;
                for (int point = 0; point < m.PointCount; point++)
                {
                    int start = m.LambdaAt(point), width = m.WidthAt(point);
                    var columns = m.Columns(point);
                    ExtensionField<MontyField31<TParams>, TDef> sum;
                    if (columns is null && fullWidth == width)
                        sum = full;
                    else
                    {
                        ReadOnlySpan<MontyField31<TParams>> values = row.AsSpan(0, width);
                        if (columns is not null)
                        {
                            for (int c = 0; c < width; c++)
                                gathered[c] = row[columns[c]];
                            values = gathered.AsSpan(0, width);
                        }
                        if (octic)
                        {
                            // The 8 dot products at once (OcticKernels.Dot: the same words as the loop below).
                            OcticKernels<TParams>.Dot(System.Runtime.InteropServices.MemoryMarshal.Cast<MontyField31<TParams>, uint>(values), lambdaWords[..(8 * width)],
                                MontyField31<TParams>.AsMontgomery(parts));
                        }
                        else
                        {
                            for (int k = 0; k < d; k++)
                                parts[k] = MontyField31<TParams>.SumOfProducts(values, components[k].AsSpan(0, width));
                        }
                        sum = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
                        if (columns is null)
                            (full, fullWidth) = (sum, width);
                    }
                    numerators[slotOf[i][point]] += lambdaPowers[start] * sum - claims[i][point].Y;
                }
            }
            var reduced = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>();
            for (int slot = 0; slot < slots; slot++)
            {
                reduced.TryGetValue(slotHeight[slot], out var acc);
                reduced[slotHeight[slot]] = acc + numerators[slot] * inverses[q * slots + slot];
            }
            result[q] = reduced;
        }
        return result;
    }

    /// <summary><see cref="ReduceAtQuery(StarkLayout{MontyField31{TParams}}, IReadOnlyList{IReadOnlyList{MontyField31{TParams}[]}}, int, ValueTuple{ExtensionField{MontyField31{TParams}, TDef}, ExtensionField{MontyField31{TParams}, TDef}}[][], ExtensionField{MontyField31{TParams}, TDef}[])"/> at each query in turn.</summary>
    private static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[] PerQuery(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<IReadOnlyList<IReadOnlyList<MontyField31<TParams>[]>>> rows, int[] indices,
        (ExtensionField<MontyField31<TParams>, TDef> Z, ExtensionField<MontyField31<TParams>, TDef> Y)[][] claims,
        ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers)
    {
        var result = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[indices.Length];
        for (int q = 0; q < indices.Length; q++)
            result[q] = ReduceAtQuery(layout, rows[q], indices[q], claims, lambdaPowers);
        return result;
    }

    /// <summary>The DEEP reduction term by term (the reference <see cref="ReduceAtQuery(StarkLayout{MontyField31{TParams}}, IReadOnlyList{IReadOnlyList{MontyField31{TParams}[]}}, int, ValueTuple{ExtensionField{MontyField31{TParams}, TDef}, ExtensionField{MontyField31{TParams}, TDef}}[][], ExtensionField{MontyField31{TParams}, TDef}[])"/> is tested against).</summary>
    public static Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>> ReduceAtQueryReference(
        StarkLayout<MontyField31<TParams>> layout, IReadOnlyList<IReadOnlyList<MontyField31<TParams>[]>> rows, int index,
        TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[] openings,
        ExtensionField<MontyField31<TParams>, TDef> zeta, ExtensionField<MontyField31<TParams>, TDef>[] lambdaPowers)
    {
        var reduced = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>();
        foreach (var m in layout.Matrices)
        {
            var row = rows[m.Tree][m.IndexInTree];
            int logH = m.LogLdeHeight;
            int r = index >> (layout.LogMaxLdeHeight - logH);
            var x = MontyField31<TParams>.MultiplicativeGenerator *
                    MontyField31<TParams>.TwoAdicGenerator(logH).Pow((ulong)BitReversal.ReverseBits(r, logH));
            reduced.TryGetValue(logH, out var acc);
            for (int point = 0; point < m.PointCount; point++)
            {
                var z = Point(m, layout, zeta, point);
                var claimed = Claimed(m, openings[m.Table], point);
                int start = m.LambdaAt(point), width = m.WidthAt(point);
                var columns = m.Columns(point);
                var sum = default(ExtensionField<MontyField31<TParams>, TDef>);
                for (int c = 0; c < width; c++)
                    sum += lambdaPowers[start + c] * (ExtensionField<MontyField31<TParams>, TDef>.FromBase(row[columns is null ? c : columns[c]]) - claimed[c]);
                acc += sum * (ExtensionField<MontyField31<TParams>, TDef>.FromBase(x) - z).Inverse();
            }
            reduced[logH] = acc;
        }
        return reduced;
    }
}
