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
        const int Grain = 512;
        Parallel.For(0, (qn + Grain - 1) / Grain, chunk =>
        {
            var registers = new MontyField31<TParams>[program.InstructionCount];
            var outputs = new MontyField31<TParams>[program.ConstraintCount];
            var lifted = new ExtensionField<MontyField31<TParams>, TDef>[program.ConstraintCount];
            var local = new ExtensionField<MontyField31<TParams>, TDef>[k];
            var next = new ExtensionField<MontyField31<TParams>, TDef>[k];
            var logUpResults = new ExtensionField<MontyField31<TParams>, TDef>[logUpConstraints];
            int end = Math.Min(qn, (chunk + 1) * Grain);
            for (int i = chunk * Grain; i < end; i++)
            {
                int row = BitReversal.ReverseBits(i, logQ);
                int nextRow = BitReversal.ReverseBits((i + d) & (qn - 1), logQ);
                var zhValue = zh[i & (d - 1)];
                var first = zhValue * firstInv[i];
                var last = zhValue * lastInv[i];
                var transition = xs[i] - omegaNInv;
                var inputs = new LdeInputs(mainLde, preprocessedLde, row, nextRow, publics, first, last, transition);
                program.Evaluate<MontyField31<TParams>, LdeInputs>(ref inputs, registers, outputs);
                var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
                for (int c = 0; c < constraints; c++)
                    acc += alphaPowers[c] * outputs[c];
                if (k > 0)
                {
                    for (int o = 0; o < outputs.Length; o++)
                        lifted[o] = ExtensionField<MontyField31<TParams>, TDef>.FromBase(outputs[o]);
                    var localRow = logUpLde!.Row(row);
                    var nextRowValues = logUpLde.Row(nextRow);
                    for (int c = 0; c < k; c++)
                    {
                        local[c] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(localRow.Slice(c * e, e));
                        next[c] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(nextRowValues.Slice(c * e, e));
                    }
                    LogUp.EvaluateConstraints<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(air, lifted, local, next, gamma, beta, cumulativeSum,
                        ExtensionField<MontyField31<TParams>, TDef>.FromBase(first), ExtensionField<MontyField31<TParams>, TDef>.FromBase(last),
                        ExtensionField<MontyField31<TParams>, TDef>.FromBase(transition), logUpResults);
                    for (int l = 0; l < logUpConstraints; l++)
                        acc += alphaPowers[constraints + l] * logUpResults[l];
                }
                result[i] = acc * zhInv[i & (d - 1)];
            }
        });
        return result;
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
