using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Stark;

/// <summary>
/// Evaluates a table's folded constraints divided by the vanishing polynomial on the quotient domain
/// g·H_(n·d) (d = number of quotient chunks), reading the first n·d rows of the bit-reversed LDEs
/// (which are exactly the evaluations on g·H_(n·d), bit-reversed). The value at x is
/// (Σ_k α^k·C_k(x) + Σ_l α^(K+l)·L_l(x)) / Z_H(x), with C_k the AIR constraints and L_l the LogUp
/// constraints, in the order the verifier recomputes them at ζ.
/// </summary>
internal static class QuotientEvaluator<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public static ExtensionField<MontyField31<TParams>, TDef>[] Evaluate(
        CompiledAir<MontyField31<TParams>> air, int logN, RowMajorMatrix<MontyField31<TParams>> mainLde,
        RowMajorMatrix<MontyField31<TParams>>? preprocessedLde, RowMajorMatrix<MontyField31<TParams>>? logUpLde, MontyField31<TParams>[] publics,
        ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> cumulativeSum)
    {
        int logD = air.LogQuotientChunks;
        int logQ = logN + logD;
        int qn = 1 << logQ, d = 1 << logD, e = TDef.Degree;
        var simd = qn >= 16 ? KernelSelection.Simd<TParams>() : SimdPath.Scalar;
        // The reference kernels (KernelSelection.UseReference) are the scalar path and the packed path with per-point LogUp.
        bool reference = KernelSelection.IsReference(ReferenceFamily.LogUp);
        // The optimised packed kernel reads the selectors by LDE row (QuotientSelectorRows), the other paths by point.
        bool byRows = simd != SimdPath.Scalar && !reference;
        var selectors = byRows ? null : QuotientSelectors<TParams>.Compute(logN, logD);
        var rowSelectors = byRows ? QuotientSelectorRows<TParams>.Compute(logN, logD) : null;

        int constraints = air.ConstraintCount;
        int logUpConstraints = LogUp.ConstraintCount(air);
        var alphaPowers = alpha.Powers(constraints + logUpConstraints);
        int k = air.LogUpColumns;
        var result = new ExtensionField<MontyField31<TParams>, TDef>[qn];
        var program = air.Program;
        // Selector values and 1/Z_H per point (natural order) for the scalar and reference paths, per LDE row for the optimised one.
        var ctx = new Context(air, program, mainLde, preprocessedLde, logUpLde, publics, logQ, d, e, k, constraints, logUpConstraints,
            alphaPowers, gamma, beta, LogUp.SumPerRow<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(cumulativeSum, 1 << logN),
            selectors?.Firsts ?? [], selectors?.Lasts ?? [], selectors?.Transitions ?? [], selectors?.ZhInverse ?? [], rowSelectors, result);
        if (simd == SimdPath.Vector512)
            EvaluateAll<Lanes512<TParams>, Vector512<uint>>(ctx, reference);
        else if (simd == SimdPath.Vector256)
            EvaluateAll<Lanes256<TParams>, Vector256<uint>>(ctx, reference);
        else
            Parallel.For(0, (qn + Grain - 1) / Grain, chunk => EvaluateScalar(ctx, chunk * Grain, Math.Min(qn, (chunk + 1) * Grain)));
        return result;
    }

    private const int Grain = 512;

    /// <summary>The packed paths at one width: rows per point with the packed LogUp fold, or (reference) points with per-point LogUp.</summary>
    private static void EvaluateAll<TL, TV>(Context ctx, bool reference)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int qn = 1 << ctx.LogQ;
        var fast = reference ? null : new PackedLogUp<TL, TV>(ctx);
        Parallel.For(0, (qn + Grain - 1) / Grain, chunk =>
        {
            int start = chunk * Grain, end = Math.Min(qn, start + Grain);
            if (fast is not null)
                EvaluatePackedRows<TL, TV>(ctx, fast, start, end);
            else
                EvaluatePacked<TL, TV>(ctx, start, end);
        });
    }

    /// <summary>
    /// Constants of the packed LogUp fold, with α folded in. Group j's constraint L_j = g_j·Π_i fp_i −
    /// Σ_i m̃_i·Π_{l≠i} fp_l has weight a_j = α^(K+j); with P_1 = a_j·fp_1 and T_1 = g_j·P_1 − m̃_1·a_j, then
    /// T_i = T_(i−1)·fp_i − m̃_i·P_(i−1) and P_i = P_(i−1)·fp_i, the last T is a_j·L_j (expand: every term keeps
    /// a_j and all fingerprints but its own). a_j·fp_1 = a_j·(γ − bus) − Σ_v (a_j·β^(v+1))·x_v is D base
    /// products per value, so a group of one costs one packed extension product (with g), as unbatched LogUp
    /// did, and each further member two (one for the last).
    /// </summary>
    private sealed class PackedLogUp<TL, TV>
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        public readonly int[][] Members; // [j]: interactions of group j
        public readonly TV[][] GammaBus; // [i][c]: γ − bus_i, times a_j for the first member of group j
        public readonly TV[][] Betas; // [i][v·D + c]: β^(v+1), times a_j for the first member of group j
        public readonly TV[][] Alphas; // [l][c]: α^(K+l), l < groups
        public readonly int[] Offsets;
        public readonly int[] Counts;
        public readonly bool[] Sends;
        public readonly TV[] SumPerRow; // T/N

        public PackedLogUp(Context c)
        {
            var air = c.Air;
            int k = air.Interactions.Count, e = c.E, columns = air.LogUpGroups.Count;
            Members = [.. air.LogUpGroups.Select(g => g.ToArray())];
            GammaBus = new TV[k][];
            Betas = new TV[k][];
            Alphas = new TV[c.LogUpConstraints][];
            Offsets = new int[k];
            Counts = new int[k];
            Sends = new bool[k];
            for (int l = 0; l < c.LogUpConstraints; l++)
                Alphas[l] = PackedExtension<TParams, TDef, TL, TV>.Broadcast(c.AlphaPowers[c.Constraints + l]);
            int maxValues = k == 0 ? 0 : air.Interactions.Max(i => i.Values.Count);
            var betaPowers = c.Beta.Powers(maxValues + 1);
            for (int j = 0; j < columns; j++)
            {
                for (int a = 0; a < Members[j].Length; a++)
                {
                    int i = Members[j][a];
                    var interaction = air.Interactions[i];
                    var weight = a == 0 ? c.AlphaPowers[c.Constraints + j] : ExtensionField<MontyField31<TParams>, TDef>.One;
                    Offsets[i] = air.InteractionOutput(i);
                    Counts[i] = interaction.Values.Count;
                    Sends[i] = interaction.Kind == InteractionKind.Send;
                    GammaBus[i] = PackedExtension<TParams, TDef, TL, TV>.Broadcast(
                        weight * (c.Gamma - ExtensionField<MontyField31<TParams>, TDef>.FromBase(MontyField31<TParams>.FromUInt64((ulong)interaction.Bus))));
                    Betas[i] = new TV[Counts[i] * e];
                    for (int v = 0; v < Counts[i]; v++)
                        PackedExtension<TParams, TDef, TL, TV>.Broadcast(weight * betaPowers[v + 1]).CopyTo(Betas[i], v * e);
                }
            }
            SumPerRow = PackedExtension<TParams, TDef, TL, TV>.Broadcast(c.SumPerRow);
        }
    }

    /// <summary>
    /// The optimised kernel: one vector of consecutive LDE rows per step (16 with AVX-512, 8 with AVX2) (so the main, preprocessed and LogUp rows
    /// read are contiguous; their points are the bit-reversed indices), the constraint program on
    /// AVX-512 lanes, and the LogUp constraints on lanes too (<see cref="PackedLogUp"/>). The values
    /// equal the reference paths' point by point (tests compare them, and the proofs).
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EvaluatePackedRows<TL, TV>(Context c, PackedLogUp<TL, TV> lp, int start, int end)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        var program = c.Program;
        var registers = new TV[program.InstructionCount];
        var outputs = new TV[program.ConstraintCount];
        int e = c.E, columns = lp.Members.Length, n = TL.Count;
        var alphaParts = BroadcastAlphaPowers<TL, TV>(c);
        bool fold256 = typeof(TV) == typeof(Vector256<uint>) && e == 4;
        bool store256 = fold256;
        var rows = new int[n];
        var nextRows = new int[n];
        var points = new int[n];
        var acc = new TV[e];
        Span<TV> t = stackalloc TV[e];
        Span<TV> h = stackalloc TV[e];
        Span<TV> fp = stackalloc TV[e];
        Span<TV> p = stackalloc TV[e];
        Span<TV> sumLocal = stackalloc TV[e];
        Span<uint> lanes = stackalloc uint[16];
        var logUpValues = columns > 0 ? MemoryMarshal.Cast<MontyField31<TParams>, uint>(c.LogUpLde!.Values.AsSpan()) : default;
        int logUpWidth = columns > 0 ? c.LogUpLde!.Width : 0;
        // Selectors and 1/Z_H by LDE row: one contiguous load per vector.
        var rowSelectors = c.RowSelectors!;
        var firsts = MemoryMarshal.Cast<MontyField31<TParams>, uint>(rowSelectors.Firsts.AsSpan());
        var lasts = MemoryMarshal.Cast<MontyField31<TParams>, uint>(rowSelectors.Lasts.AsSpan());
        var transitions = MemoryMarshal.Cast<MontyField31<TParams>, uint>(rowSelectors.Transitions.AsSpan());
        var zhInv = MemoryMarshal.Cast<MontyField31<TParams>, uint>(rowSelectors.ZhInverse.AsSpan());
        // An extension element is its D base components (Montgomery words) in order (TDef is an inline array of them).
        var result = MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(c.Result.AsSpan());
        for (int r0 = start; r0 < end; r0 += n)
        {
            for (int j = 0; j < n; j++)
            {
                int i = Row(c, r0 + j); // bit reversal is an involution: row r holds point rev(r)
                points[j] = i;
                rows[j] = r0 + j;
                nextRows[j] = NextRow(c, i);
            }
            var first = TL.Create(firsts.Slice(r0, n));
            var last = TL.Create(lasts.Slice(r0, n));
            var transition = TL.Create(transitions.Slice(r0, n));
            var inputs = new PackedRowInputs<TL, TV>(c, rows, nextRows, first, last, transition);
            program.EvaluatePacked<TParams, TL, TV, PackedRowInputs<TL, TV>>(ref inputs, registers, outputs);
            Array.Clear(acc);
            if (fold256)
            {
                // AVX2, quartic: Σ_q α^q·C_q with one reduction per component (DelayedProducts256; the same values).
                DelayedProducts256<TParams>.FoldQuartic(Unsafe.As<Vector256<uint>[]>(outputs), c.Constraints,
                    Unsafe.As<Vector256<uint>[]>(alphaParts), Unsafe.As<Vector256<uint>[]>(acc));
            }
            else
            {
                for (int q = 0; q < c.Constraints; q++)
                    for (int j = 0; j < e; j++)
                        acc[j] = TL.Add(acc[j], TL.Mul(outputs[q], alphaParts[q * e + j]));
            }
            if (columns > 0)
            {
                sumLocal.Clear();
                for (int col = 0; col < columns; col++)
                {
                    var members = lp.Members[col];
                    if (col < columns - 1)
                    {
                        for (int cc = 0; cc < e; cc++)
                        {
                            h[cc] = LoadColumn<TL, TV>(logUpValues, logUpWidth, rows, col * e + cc, lanes);
                            sumLocal[cc] = TL.Add(sumLocal[cc], h[cc]);
                        }
                    }
                    else
                    {
                        // The last group's value: s' − s − Σ_(j<G−1) g_j + T/N (LogUp's cyclic running sum in column G − 1).
                        for (int cc = 0; cc < e; cc++)
                        {
                            var sLocal = LoadColumn<TL, TV>(logUpValues, logUpWidth, rows, col * e + cc, lanes);
                            var sNext = LoadColumn<TL, TV>(logUpValues, logUpWidth, nextRows, col * e + cc, lanes);
                            h[cc] = TL.Add(TL.Sub(TL.Sub(sNext, sLocal), sumLocal[cc]), lp.SumPerRow[cc]);
                        }
                    }
                    // First member: P = a·fp (a folded into the constants), T = g·P − m̃·a.
                    int i0 = members[0];
                    Fingerprint(lp, i0, outputs, p);
                    PackedExtension<TParams, TDef, TL, TV>.Mul(p, h, t);
                    var m = outputs[lp.Offsets[i0] + lp.Counts[i0]];
                    var alpha = lp.Alphas[col];
                    for (int cc = 0; cc < e; cc++)
                    {
                        var am = TL.Mul(alpha[cc], m);
                        t[cc] = lp.Sends[i0] ? TL.Sub(t[cc], am) : TL.Add(t[cc], am);
                    }
                    // Further members: T ← T·fp − m̃·P, P ← P·fp.
                    for (int a = 1; a < members.Length; a++)
                    {
                        int i = members[a];
                        Fingerprint(lp, i, outputs, fp);
                        PackedExtension<TParams, TDef, TL, TV>.Mul(t, fp, t);
                        m = outputs[lp.Offsets[i] + lp.Counts[i]];
                        PackedExtension<TParams, TDef, TL, TV>.MulBase(p, m, h);
                        for (int cc = 0; cc < e; cc++)
                            t[cc] = lp.Sends[i] ? TL.Sub(t[cc], h[cc]) : TL.Add(t[cc], h[cc]);
                        if (a + 1 < members.Length)
                            PackedExtension<TParams, TDef, TL, TV>.Mul(p, fp, p);
                    }
                    for (int cc = 0; cc < e; cc++)
                        acc[cc] = TL.Add(acc[cc], t[cc]);
                }
            }
            // ·1/Z_H(x) on the lanes (an extension value times a base one is each component times it: the scalar product's
            // values), then each lane's D components straight into its point's result.
            var zh = TL.Create(zhInv.Slice(r0, n));
            if (store256)
            {
                // AVX2, quartic: the four component vectors transposed into each lane's four words, one 16-byte store per point.
                var accs = Unsafe.As<Vector256<uint>[]>(acc);
                var zh256 = Unsafe.As<TV, Vector256<uint>>(ref zh);
                StoreQuartic256(result, points, PackedMontyField31<TParams>.Mul(accs[0], zh256), PackedMontyField31<TParams>.Mul(accs[1], zh256),
                    PackedMontyField31<TParams>.Mul(accs[2], zh256), PackedMontyField31<TParams>.Mul(accs[3], zh256));
                continue;
            }
            for (int cc = 0; cc < e; cc++)
            {
                TL.Store(TL.Mul(acc[cc], zh), lanes);
                for (int j = 0; j < n; j++)
                    result[points[j] * e + cc] = lanes[j];
            }
        }
    }

    /// <summary>
    /// Lane j's quartic value (component c in vector c) into result words points[j]·4 … points[j]·4 + 3: a 4×8 transpose
    /// (32-bit then 64-bit unpacks give lanes j and j + 4 of each 128-bit half side by side), then one 16-byte store per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQuartic256(Span<uint> result, int[] points, Vector256<uint> a0, Vector256<uint> a1, Vector256<uint> a2, Vector256<uint> a3)
    {
        var t0 = Avx2.UnpackLow(a0, a1); // a0_0 a1_0 a0_1 a1_1 | a0_4 a1_4 a0_5 a1_5
        var t1 = Avx2.UnpackHigh(a0, a1); // a0_2 a1_2 a0_3 a1_3 | a0_6 a1_6 a0_7 a1_7
        var t2 = Avx2.UnpackLow(a2, a3);
        var t3 = Avx2.UnpackHigh(a2, a3);
        var u0 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32(); // lane 0 | lane 4
        var u1 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32(); // lane 1 | lane 5
        var u2 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32(); // lane 2 | lane 6
        var u3 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32(); // lane 3 | lane 7
        u0.GetLower().CopyTo(result.Slice(points[0] * 4, 4));
        u1.GetLower().CopyTo(result.Slice(points[1] * 4, 4));
        u2.GetLower().CopyTo(result.Slice(points[2] * 4, 4));
        u3.GetLower().CopyTo(result.Slice(points[3] * 4, 4));
        u0.GetUpper().CopyTo(result.Slice(points[4] * 4, 4));
        u1.GetUpper().CopyTo(result.Slice(points[5] * 4, 4));
        u2.GetUpper().CopyTo(result.Slice(points[6] * 4, 4));
        u3.GetUpper().CopyTo(result.Slice(points[7] * 4, 4));
    }

    /// <summary>Interaction i's fingerprint (times its group's weight for a first member) from the program outputs: D base products per value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fingerprint<TL, TV>(PackedLogUp<TL, TV> lp, int i, TV[] outputs, Span<TV> fp)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int o = lp.Offsets[i], count = lp.Counts[i], e = fp.Length;
        var betas = lp.Betas[i];
        var gammaBus = lp.GammaBus[i];
        for (int cc = 0; cc < e; cc++)
        {
            var v = gammaBus[cc];
            for (int j = 0; j < count; j++)
                v = TL.Sub(v, TL.Mul(betas[j * e + cc], outputs[o + j]));
            fp[cc] = v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TV LoadColumn<TL, TV>(ReadOnlySpan<uint> values, int width, int[] rows, int column, Span<uint> lanes)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        for (int j = 0; j < TL.Count; j++)
            lanes[j] = values[rows[j] * width + column];
        return TL.Create(lanes);
    }

    private sealed record Context(CompiledAir<MontyField31<TParams>> Air, ConstraintProgram<MontyField31<TParams>> Program,
        RowMajorMatrix<MontyField31<TParams>> Main, RowMajorMatrix<MontyField31<TParams>>? Preprocessed, RowMajorMatrix<MontyField31<TParams>>? LogUpLde,
        MontyField31<TParams>[] Publics, int LogQ, int D, int E, int K, int Constraints, int LogUpConstraints,
        ExtensionField<MontyField31<TParams>, TDef>[] AlphaPowers, ExtensionField<MontyField31<TParams>, TDef> Gamma,
        ExtensionField<MontyField31<TParams>, TDef> Beta, ExtensionField<MontyField31<TParams>, TDef> SumPerRow,
        MontyField31<TParams>[] Firsts, MontyField31<TParams>[] Lasts, MontyField31<TParams>[] Transitions,
        MontyField31<TParams>[] ZhInv, QuotientSelectorRows<TParams>? RowSelectors, ExtensionField<MontyField31<TParams>, TDef>[] Result);

    private static int Row(Context c, int i) => BitReversal.ReverseBits(i, c.LogQ);

    private static int NextRow(Context c, int i) => BitReversal.ReverseBits((i + c.D) & ((1 << c.LogQ) - 1), c.LogQ);

    private static void EvaluateScalar(Context c, int start, int end)
    {
        var program = c.Program;
        var registers = new MontyField31<TParams>[program.InstructionCount];
        var outputs = new MontyField31<TParams>[program.ConstraintCount];
        var logUp = new LogUpScratch(c);
        for (int i = start; i < end; i++)
        {
            var inputs = new LdeInputs(c.Main, c.Preprocessed, Row(c, i), NextRow(c, i), c.Publics, c.Firsts[i], c.Lasts[i], c.Transitions[i]);
            program.Evaluate<MontyField31<TParams>, LdeInputs>(ref inputs, registers, outputs);
            var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int q = 0; q < c.Constraints; q++)
                acc += c.AlphaPowers[q] * outputs[q];
            if (c.K > 0)
                acc += logUp.Evaluate(i, outputs);
            c.Result[i] = acc * c.ZhInv[i & (c.D - 1)];
        }
    }

    /// <summary>Every α power's base components broadcast to every lane (Montgomery form): constraint q, component j at q·D + j.</summary>
    private static TV[] BroadcastAlphaPowers<TL, TV>(Context c)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int e = c.E;
        var parts = new TV[c.Constraints * e];
        for (int q = 0; q < c.Constraints; q++)
            for (int j = 0; j < e; j++)
                parts[q * e + j] = TL.Broadcast(c.AlphaPowers[q][j].Montgomery);
        return parts;
    }

    /// <summary>
    /// One vector of points per step (the reference packed path): the constraint program runs on SIMD
    /// lanes, and the fold Σ_q α^q·C_q is done per extension coefficient on vectors; the LogUp part
    /// (extension arithmetic) stays per point.
    /// </summary>
    [SkipLocalsInit]
    private static void EvaluatePacked<TL, TV>(Context c, int start, int end)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        var program = c.Program;
        var registers = new TV[program.InstructionCount];
        var outputs = new TV[program.ConstraintCount];
        int e = c.E, n = TL.Count;
        var alphaParts = BroadcastAlphaPowers<TL, TV>(c);
        var rows = new int[n];
        var nextRows = new int[n];
        var acc = new TV[e];
        Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[e];
        var laneOutputs = new MontyField31<TParams>[program.ConstraintCount];
        var logUp = new LogUpScratch(c);
        for (int i0 = start; i0 < end; i0 += n)
        {
            for (int j = 0; j < n; j++)
            {
                rows[j] = Row(c, i0 + j);
                nextRows[j] = NextRow(c, i0 + j);
            }
            var inputs = new PackedLdeInputs<TL, TV>(c, rows, nextRows, i0);
            program.EvaluatePacked<TParams, TL, TV, PackedLdeInputs<TL, TV>>(ref inputs, registers, outputs);
            Array.Clear(acc);
            for (int q = 0; q < c.Constraints; q++)
                for (int j = 0; j < e; j++)
                    acc[j] = TL.Add(acc[j], TL.Mul(outputs[q], alphaParts[q * e + j]));
            for (int lane = 0; lane < n; lane++)
            {
                int i = i0 + lane;
                for (int j = 0; j < e; j++)
                    parts[j] = MontyField31<TParams>.FromMontgomery(TL.Get(acc[j], lane));
                var value = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
                if (c.K > 0)
                {
                    for (int o = 0; o < laneOutputs.Length; o++)
                        laneOutputs[o] = MontyField31<TParams>.FromMontgomery(TL.Get(outputs[o], lane));
                    value += logUp.Evaluate(i, laneOutputs);
                }
                c.Result[i] = value * c.ZhInv[i & (c.D - 1)];
            }
        }
    }

    /// <summary>Per-point LogUp constraints (extension arithmetic), folded with their powers of α.</summary>
    private sealed class LogUpScratch(Context c)
    {
        private readonly ExtensionField<MontyField31<TParams>, TDef>[] _lifted = new ExtensionField<MontyField31<TParams>, TDef>[c.Program.ConstraintCount];
        private readonly ExtensionField<MontyField31<TParams>, TDef>[] _local = new ExtensionField<MontyField31<TParams>, TDef>[c.K];
        private readonly ExtensionField<MontyField31<TParams>, TDef>[] _next = new ExtensionField<MontyField31<TParams>, TDef>[c.K];
        private readonly ExtensionField<MontyField31<TParams>, TDef>[] _results = new ExtensionField<MontyField31<TParams>, TDef>[c.LogUpConstraints];

        public ExtensionField<MontyField31<TParams>, TDef> Evaluate(int i, ReadOnlySpan<MontyField31<TParams>> outputs)
        {
            for (int o = 0; o < outputs.Length; o++)
                _lifted[o] = ExtensionField<MontyField31<TParams>, TDef>.FromBase(outputs[o]);
            var localRow = c.LogUpLde!.Row(Row(c, i));
            var nextRow = c.LogUpLde.Row(NextRow(c, i));
            for (int col = 0; col < c.K; col++)
            {
                _local[col] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(localRow.Slice(col * c.E, c.E));
                _next[col] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(nextRow.Slice(col * c.E, c.E));
            }
            LogUp.EvaluateConstraints<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(c.Air, _lifted, _local, _next, c.Gamma, c.Beta,
                c.SumPerRow, _results);
            var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int l = 0; l < _results.Length; l++)
                acc += c.AlphaPowers[c.Constraints + l] * _results[l];
            return acc;
        }
    }

    private readonly struct PackedLdeInputs<TL, TV>(Context c, int[] rows, int[] nextRows, int i0) : IPackedConstraintInputs<TV>
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        [SkipLocalsInit]
        public TV Load(Variable v)
        {
            if (v.Source == VariableSource.Public)
                return TL.Broadcast(c.Publics[v.Index].Montgomery);
            var m = v.Source == VariableSource.Main ? c.Main : c.Preprocessed!;
            var which = v.Offset == 0 ? rows : nextRows;
            Span<uint> lanes = stackalloc uint[16];
            var values = m.Values;
            int w = m.Width;
            for (int j = 0; j < TL.Count; j++)
                lanes[j] = values[which[j] * w + v.Index].Montgomery;
            return TL.Create(lanes);
        }

        public TV IsFirstRow => Lanes(c.Firsts);

        public TV IsLastRow => Lanes(c.Lasts);

        public TV IsTransition => Lanes(c.Transitions);

        private TV Lanes(MontyField31<TParams>[] array) =>
            TL.Create(MemoryMarshal.Cast<MontyField31<TParams>, uint>(array.AsSpan(i0, TL.Count)));
    }

    private readonly struct PackedRowInputs<TL, TV>(Context c, int[] rows, int[] nextRows, TV first, TV last, TV transition)
        : IPackedConstraintInputs<TV>
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        public TV Load(Variable v)
        {
            if (v.Source == VariableSource.Public)
                return TL.Broadcast(c.Publics[v.Index].Montgomery);
            var m = v.Source == VariableSource.Main ? c.Main : c.Preprocessed!;
            var values = MemoryMarshal.Cast<MontyField31<TParams>, uint>(m.Values.AsSpan());
            Span<uint> lanes = stackalloc uint[16];
            return LoadColumn<TL, TV>(values, m.Width, v.Offset == 0 ? rows : nextRows, v.Index, lanes);
        }

        public TV IsFirstRow => first;

        public TV IsLastRow => last;

        public TV IsTransition => transition;
    }

    private readonly struct LdeInputs(RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, int row, int nextRow, MontyField31<TParams>[] publics,
        MontyField31<TParams> first, MontyField31<TParams> last, MontyField31<TParams> transition)
        : IConstraintInputs<MontyField31<TParams>, MontyField31<TParams>>
    {
        public MontyField31<TParams> Load(Variable v) => v.Source switch
        {
            VariableSource.Main => main[v.Offset == 0 ? row : nextRow, v.Index],
            VariableSource.Preprocessed => preprocessed![v.Offset == 0 ? row : nextRow, v.Index],
            _ => publics[v.Index],
        };

        public MontyField31<TParams> IsFirstRow => first;

        public MontyField31<TParams> IsLastRow => last;

        public MontyField31<TParams> IsTransition => transition;

        public MontyField31<TParams> Lift(MontyField31<TParams> constant) => constant;
    }
}
