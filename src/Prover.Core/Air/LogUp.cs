using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>
/// The LogUp (logarithmic-derivative) bus argument. With challenges γ (the pole) and β (tuple
/// compression), interaction i on a row contributes h_i = ±m_i / fp_i where
/// fp_i = γ − (bus_i + Σ_j β^(j+1)·v_ij). A table's LogUp trace holds the h_i columns and a running
/// sum s; its last value is the table's cumulative sum, and the sums over all tables of a proof must
/// add to zero.
///
/// Constraints (all over the extension field):
/// <list type="number">
/// <item>every row, every interaction: h_i·fp_i ∓ m_i = 0. Soundness: γ is sampled after the main
/// traces are committed, so fp_i = 0 on some row has probability ≤ rows/|F|; otherwise h_i is
/// forced to be exactly ±m_i/fp_i.</item>
/// <item>first row: s = Σ_i h_i; transition: s' = s + Σ_i h_i'; last row: s = the claimed
/// cumulative sum. Together: the claimed sum is Σ over rows and interactions of h_i.</item>
/// </list>
/// If the multisets sent and received differ (with multiplicities), Σ ±m/fp is a non-zero rational
/// function of γ with at most M poles, so a zero total has probability ≤ M/(|F| − M) (plus
/// fingerprint collisions, (w−1)/|F| per fraction, γ and β being drawn together): see Security/SecurityCalculator.
/// </summary>
public static class LogUp
{
    /// <summary>fp = γ − (bus + Σ_j β^(j+1)·values[j]).</summary>
    public static TExt Fingerprint<F, TExt>(int bus, ReadOnlySpan<TExt> values, TExt gamma, TExt beta)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        TExt acc = TExt.FromBase(F.FromUInt64((ulong)bus));
        TExt power = beta;
        foreach (var v in values)
        {
            acc += power * v;
            power *= beta;
        }
        return gamma - acc;
    }

    /// <summary>Same with base-field values (the prover's case): each term is an extension × base product.</summary>
    public static TExt Fingerprint<F, TExt>(int bus, ReadOnlySpan<F> values, TExt gamma, ReadOnlySpan<TExt> betaPowers)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        TExt acc = TExt.FromBase(F.FromUInt64((ulong)bus));
        for (int j = 0; j < values.Length; j++)
            acc += betaPowers[j + 1] * values[j];
        return gamma - acc;
    }

    /// <summary>
    /// Builds a table's LogUp trace: height × (D·(interactions + 1)) base-field columns, extension
    /// column c stored as base columns D·c … D·c + D − 1. Returns the trace and the cumulative sum.
    /// </summary>
    public static (RowMajorMatrix<F> Trace, TExt CumulativeSum) GenerateTrace<F, TExt>(
        CompiledAir<F> air, RowMajorMatrix<F> main, RowMajorMatrix<F>? preprocessed, IReadOnlyList<F> publicValues, TExt gamma, TExt beta)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(main);
        int k = air.Interactions.Count;
        if (k == 0)
            throw new InvalidOperationException($"{air.Name} has no bus interactions");
        int n = main.Height;
        int d = TExt.Degree;
        int maxValues = air.Interactions.Max(i => i.Values.Count);
        var betaPowers = beta.Powers(maxValues + 1);

        // Fingerprints of every (row, interaction), then one batch inversion.
        var fingerprints = new TExt[n * k];
        var multiplicities = new F[n * k];
        var program = air.Program;
        Parallel.For(0, (n + 1023) / 1024, chunk =>
        {
            var registers = new F[program.InstructionCount];
            var outputs = new F[program.ConstraintCount];
            int end = Math.Min(n, (chunk + 1) * 1024);
            for (int row = chunk * 1024; row < end; row++)
            {
                var inputs = new TraceRowInputs<F>(main, preprocessed, publicValues, row);
                program.Evaluate<F, TraceRowInputs<F>>(ref inputs, registers, outputs);
                for (int i = 0; i < k; i++)
                {
                    var interaction = air.Interactions[i];
                    int o = air.InteractionOutput(i);
                    var values = outputs.AsSpan(o, interaction.Values.Count);
                    fingerprints[row * k + i] = Fingerprint(interaction.Bus, values, gamma, betaPowers);
                    F m = outputs[o + interaction.Values.Count];
                    multiplicities[row * k + i] = interaction.Kind == InteractionKind.Send ? m : -m;
                }
            }
        });
        TExt[] inverses;
        try
        {
            inverses = Fields.BatchInverse<TExt>(fingerprints);
        }
        catch (DivideByZeroException)
        {
            // Probability ≤ rows/|F| for honest challenges; report rather than produce a bad trace.
            throw new InvalidOperationException($"{air.Name}: a LogUp fingerprint vanished for these challenges");
        }

        var trace = new RowMajorMatrix<F>(n, d * (k + 1));
        TExt running = default;
        for (int row = 0; row < n; row++)
        {
            var dest = trace.Row(row);
            TExt rowSum = default;
            for (int i = 0; i < k; i++)
            {
                TExt h = inverses[row * k + i] * multiplicities[row * k + i];
                rowSum += h;
                h.Coefficients.CopyTo(dest.Slice(d * i, d));
            }
            running += rowSum;
            running.Coefficients.CopyTo(dest.Slice(d * k, d));
        }
        return (trace, running);
    }

    /// <summary>
    /// Evaluates the LogUp constraints at one point, in the order documented on the class: one per
    /// interaction, then first-row, transition and last-row running-sum constraints.
    /// <paramref name="outputs"/> holds the AIR program's outputs at the point (lifted to TExt),
    /// <paramref name="local"/>/<paramref name="next"/> the LogUp trace's extension columns.
    /// </summary>
    public static void EvaluateConstraints<F, TExt>(
        CompiledAir<F> air, ReadOnlySpan<TExt> outputs, ReadOnlySpan<TExt> local, ReadOnlySpan<TExt> next,
        TExt gamma, TExt beta, TExt cumulativeSum, TExt isFirstRow, TExt isLastRow, TExt isTransition, Span<TExt> result)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        ArgumentNullException.ThrowIfNull(air);
        int k = air.Interactions.Count;
        TExt sumLocal = default, sumNext = default;
        for (int i = 0; i < k; i++)
        {
            var interaction = air.Interactions[i];
            int o = air.InteractionOutput(i);
            var values = outputs.Slice(o, interaction.Values.Count);
            TExt m = outputs[o + interaction.Values.Count];
            TExt fp = Fingerprint<F, TExt>(interaction.Bus, values, gamma, beta);
            result[i] = interaction.Kind == InteractionKind.Send ? local[i] * fp - m : local[i] * fp + m;
            sumLocal += local[i];
            sumNext += next[i];
        }
        TExt s = local[k], sNext = next[k];
        result[k] = isFirstRow * (s - sumLocal);
        result[k + 1] = isTransition * (sNext - s - sumNext);
        result[k + 2] = isLastRow * (s - cumulativeSum);
    }

    /// <summary>Number of constraints <see cref="EvaluateConstraints"/> produces for a table.</summary>
    public static int ConstraintCount<F>(CompiledAir<F> air) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(air);
        return air.Interactions.Count == 0 ? 0 : air.Interactions.Count + 3;
    }
}

/// <summary>Reads one row (and the cyclically next one) of concrete traces.</summary>
internal readonly struct TraceRowInputs<F>(RowMajorMatrix<F> main, RowMajorMatrix<F>? preprocessed, IReadOnlyList<F> publics, int row)
    : IConstraintInputs<F, F>
    where F : struct, IField<F>
{
    public F Load(Variable v)
    {
        int r = (row + v.Offset) % main.Height;
        return v.Source switch
        {
            VariableSource.Main => main[r, v.Index],
            VariableSource.Preprocessed => preprocessed![r, v.Index],
            _ => publics[v.Index],
        };
    }

    public F IsFirstRow => row == 0 ? F.One : F.Zero;

    public F IsLastRow => row == main.Height - 1 ? F.One : F.Zero;

    public F IsTransition => row == main.Height - 1 ? F.Zero : F.One;

    public F Lift(F constant) => constant;
}
