using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        int qn = 1 << logQ, n = 1 << logN, d = 1 << logD, e = TDef.Degree;
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var omegaQ = MontyField31<TParams>.TwoAdicGenerator(logQ);
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var omegaNInv = omegaN.Inverse();
        var nF = MontyField31<TParams>.FromUInt64((ulong)n);

        // Points x_i = g·ω_Q^i, and the per-point denominators of the Lagrange selectors.
        var xs = new MontyField31<TParams>[qn];
        var firstDen = new MontyField31<TParams>[qn];
        var lastDen = new MontyField31<TParams>[qn];
        var x = shift;
        for (int i = 0; i < qn; i++)
        {
            xs[i] = x;
            firstDen[i] = (x - MontyField31<TParams>.One) * nF;
            lastDen[i] = (x * omegaN - MontyField31<TParams>.One) * nF;
            x *= omegaQ;
        }
        var firstInv = Fields.BatchInverse<MontyField31<TParams>>(firstDen);
        var lastInv = Fields.BatchInverse<MontyField31<TParams>>(lastDen);
        // Z_H(x_i) = g^n·ω_d^i − 1 takes only d values; none is zero because g ∉ H.
        var zh = new MontyField31<TParams>[d];
        var gn = shift.Pow((ulong)n);
        var omegaD = MontyField31<TParams>.TwoAdicGenerator(logD);
        var p = MontyField31<TParams>.One;
        for (int j = 0; j < d; j++)
        {
            zh[j] = gn * p - MontyField31<TParams>.One;
            p *= omegaD;
        }
        var zhInv = Fields.BatchInverse<MontyField31<TParams>>(zh);

        int constraints = air.ConstraintCount;
        int logUpConstraints = LogUp.ConstraintCount(air);
        var alphaPowers = alpha.Powers(constraints + logUpConstraints);
        int k = air.LogUpColumns;
        var result = new ExtensionField<MontyField31<TParams>, TDef>[qn];
        var program = air.Program;
        // Selector values and 1/Z_H per point (natural order): shared by both evaluation paths.
        var firsts = new MontyField31<TParams>[qn];
        var lasts = new MontyField31<TParams>[qn];
        var transitions = new MontyField31<TParams>[qn];
        for (int i = 0; i < qn; i++)
        {
            var zhValue = zh[i & (d - 1)];
            firsts[i] = zhValue * firstInv[i];
            lasts[i] = zhValue * lastInv[i];
            transitions[i] = xs[i] - omegaNInv;
        }
        var ctx = new Context(air, program, mainLde, preprocessedLde, logUpLde, publics, logQ, d, e, k, constraints, logUpConstraints,
            alphaPowers, gamma, beta, cumulativeSum, firsts, lasts, transitions, zhInv, result);
        const int Grain = 512;
        bool packed = !ForceScalar && qn >= 16 && PackedMontyField31<TParams>.BestPath == SimdPath.Vector512;
        Parallel.For(0, (qn + Grain - 1) / Grain, chunk =>
        {
            int start = chunk * Grain, end = Math.Min(qn, start + Grain);
            if (packed)
                EvaluatePacked(ctx, start, end);
            else
                EvaluateScalar(ctx, start, end);
        });
        return result;
    }

    /// <summary>Forces the scalar path (tests compare it with the packed one).</summary>
    internal static bool ForceScalar { get; set; }

    private sealed record Context(CompiledAir<MontyField31<TParams>> Air, ConstraintProgram<MontyField31<TParams>> Program,
        RowMajorMatrix<MontyField31<TParams>> Main, RowMajorMatrix<MontyField31<TParams>>? Preprocessed, RowMajorMatrix<MontyField31<TParams>>? LogUpLde,
        MontyField31<TParams>[] Publics, int LogQ, int D, int E, int K, int Constraints, int LogUpConstraints,
        ExtensionField<MontyField31<TParams>, TDef>[] AlphaPowers, ExtensionField<MontyField31<TParams>, TDef> Gamma,
        ExtensionField<MontyField31<TParams>, TDef> Beta, ExtensionField<MontyField31<TParams>, TDef> CumulativeSum,
        MontyField31<TParams>[] Firsts, MontyField31<TParams>[] Lasts, MontyField31<TParams>[] Transitions,
        MontyField31<TParams>[] ZhInv, ExtensionField<MontyField31<TParams>, TDef>[] Result);

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

    /// <summary>
    /// 16 points per step: the constraint program runs on AVX-512 lanes, and the fold Σ_q α^q·C_q is
    /// done per extension coefficient on vectors; the LogUp part (extension arithmetic) stays per point.
    /// </summary>
    [SkipLocalsInit]
    private static void EvaluatePacked(Context c, int start, int end)
    {
        var program = c.Program;
        var registers = new Vector512<uint>[program.InstructionCount];
        var outputs = new Vector512<uint>[program.ConstraintCount];
        int e = c.E;
        var alphaParts = new Vector512<uint>[c.Constraints * e];
        for (int q = 0; q < c.Constraints; q++)
            for (int j = 0; j < e; j++)
                alphaParts[q * e + j] = Vector512.Create(c.AlphaPowers[q][j].Montgomery);
        var rows = new int[16];
        var nextRows = new int[16];
        var acc = new Vector512<uint>[e];
        Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[e];
        var laneOutputs = new MontyField31<TParams>[program.ConstraintCount];
        var logUp = new LogUpScratch(c);
        for (int i0 = start; i0 < end; i0 += 16)
        {
            for (int j = 0; j < 16; j++)
            {
                rows[j] = Row(c, i0 + j);
                nextRows[j] = NextRow(c, i0 + j);
            }
            var inputs = new PackedLdeInputs(c, rows, nextRows, i0);
            program.EvaluatePacked512<TParams, PackedLdeInputs>(ref inputs, registers, outputs);
            Array.Clear(acc);
            for (int q = 0; q < c.Constraints; q++)
                for (int j = 0; j < e; j++)
                    acc[j] = PackedMontyField31<TParams>.Add(acc[j], PackedMontyField31<TParams>.Mul(outputs[q], alphaParts[q * e + j]));
            for (int lane = 0; lane < 16; lane++)
            {
                int i = i0 + lane;
                for (int j = 0; j < e; j++)
                    parts[j] = MontyField31<TParams>.FromMontgomery(acc[j].GetElement(lane));
                var value = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
                if (c.K > 0)
                {
                    for (int o = 0; o < laneOutputs.Length; o++)
                        laneOutputs[o] = MontyField31<TParams>.FromMontgomery(outputs[o].GetElement(lane));
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
                c.CumulativeSum, ExtensionField<MontyField31<TParams>, TDef>.FromBase(c.Firsts[i]), ExtensionField<MontyField31<TParams>, TDef>.FromBase(c.Lasts[i]),
                ExtensionField<MontyField31<TParams>, TDef>.FromBase(c.Transitions[i]), _results);
            var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int l = 0; l < _results.Length; l++)
                acc += c.AlphaPowers[c.Constraints + l] * _results[l];
            return acc;
        }
    }

    private readonly struct PackedLdeInputs(Context c, int[] rows, int[] nextRows, int i0) : IPackedConstraintInputs
    {
        [SkipLocalsInit]
        public Vector512<uint> Load(Variable v)
        {
            if (v.Source == VariableSource.Public)
                return Vector512.Create(c.Publics[v.Index].Montgomery);
            var m = v.Source == VariableSource.Main ? c.Main : c.Preprocessed!;
            var which = v.Offset == 0 ? rows : nextRows;
            Span<uint> lanes = stackalloc uint[16];
            var values = m.Values;
            int w = m.Width;
            for (int j = 0; j < 16; j++)
                lanes[j] = values[which[j] * w + v.Index].Montgomery;
            return Vector512.Create<uint>(lanes);
        }

        public Vector512<uint> IsFirstRow => Lanes(c.Firsts);

        public Vector512<uint> IsLastRow => Lanes(c.Lasts);

        public Vector512<uint> IsTransition => Lanes(c.Transitions);

        private Vector512<uint> Lanes(MontyField31<TParams>[] array) =>
            Vector512.Create<uint>(MemoryMarshal.Cast<MontyField31<TParams>, uint>(array.AsSpan(i0, 16)));
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
