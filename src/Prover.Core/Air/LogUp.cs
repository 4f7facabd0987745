using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>
/// The LogUp (logarithmic-derivative) bus argument, batched. With challenges γ (the pole) and β (tuple
/// compression), interaction i on a row contributes the fraction m̃_i/fp_i, m̃_i = ±m_i (+ send, − receive),
/// fp_i = γ − (bus_i + Σ_j β^(j+1)·v_ij). The interactions are split into groups
/// (<see cref="CompiledAir{F}.LogUpGroups"/>, <see cref="LogUpGrouping"/>), g_j = Σ_{i ∈ group j} m̃_i/fp_i per row.
/// A table of height N claims a cumulative sum T (the proof's value for it); the sums over all tables of a proof must
/// add to zero.
/// <para>
/// The LogUp trace is cyclic and holds G extension columns for G groups: g_0 … g_(G−2), then a running sum s with
/// s(ω·x) − s(x) = Σ_j g_j(x) − T/N on every row, the last row's next being row 0 (the prover starts at s_0 = 0). The last
/// group's column is not committed: wherever it is needed, ĝ = s' − s − Σ_(j&lt;G−1) g_j + T/N stands for it (linear in
/// committed columns, so every constraint keeps its degree). A table of one group commits only s.
/// </para>
/// Constraints (all over the extension field, on every row, no selectors), one per group:
/// <code>g_j·Π_i fp_i − Σ_i m̃_i·Π_{l≠i} fp_l = 0   (j &lt; G − 1),    ĝ·Π_i fp_i − Σ_i m̃_i·Π_{l≠i} fp_l = 0   (the last group)</code>
/// Soundness:
/// <list type="number">
/// <item>γ is sampled after the main traces are committed, so some fp_i vanishing on some row has probability
/// ≤ (rows × interactions)/|F|; when none vanishes, Π_i fp_i ≠ 0 and dividing by it shows that every committed g_j is
/// exactly Σ_i m̃_i/fp_i over its group, and so is ĝ on every row: a changed multiplicity, value or bus in one member,
/// or a fraction left out or counted twice, violates that group's constraint on that row. Batching changes only how
/// many columns carry the fractions, not which sum is proved, so the soundness error is that of unbatched LogUp.</item>
/// <item>The last group's constraint holding on all N rows means s_(i+1) − s_i = Σ_j g_j(i) − T/N for every i, the
/// wrap (row N − 1 to row 0) included: the constraint's quotient by Z_H exists only if it vanishes on all of H, and
/// the next-row opening is at ω·ζ, which H's cyclic structure maps row N − 1 to row 0. Summing the N identities, the
/// left side telescopes to 0, so T = Σ_rows Σ_j g_j(i) = Σ over rows and interactions of m̃/fp. The prover's choice of
/// s (any start value, any values) cannot change that sum: s only enters through its differences, which the identity
/// pins on every row. T/N needs N invertible: N is a power of two ≤ 2^30 below p. The verifier takes N from the
/// table's claimed height (bound in the transcript) and T from the proof (observed before α). A table of one row has
/// ω = 1, s' = s, and the identity reads Σ_j g_j(0) = T, still the claim.</item>
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
    /// Builds a table's LogUp trace (the reference: every fraction m̃_i/fp_i computed on its own, by one batch
    /// inversion of all fingerprints, then summed into its group's column): height × (D·groups) base-field
    /// columns (g_0 … g_(G−2), then the running sum s with s_0 = 0 and s_(i+1) = s_i + Σ_j g_j(i) − T/N), extension column c
    /// stored as base columns D·c … D·c + D − 1. Returns the trace and the cumulative sum T.
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
        var groups = air.LogUpGroups;
        int columns = groups.Count;
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

        // Per-row sums Σ_j g_j and the committed groups' columns; then T, and s from s_0 = 0.
        var trace = new RowMajorMatrix<F>(n, d * columns);
        var rowSums = new TExt[n];
        TExt total = default;
        for (int row = 0; row < n; row++)
        {
            var dest = trace.Row(row);
            TExt rowSum = default;
            for (int j = 0; j < columns; j++)
            {
                TExt g = default;
                foreach (int i in groups[j])
                    g += inverses[row * k + i] * multiplicities[row * k + i];
                rowSum += g;
                if (j < columns - 1)
                    g.Coefficients.CopyTo(dest.Slice(d * j, d));
            }
            rowSums[row] = rowSum;
            total += rowSum;
        }
        var perRow = SumPerRow<F, TExt>(total, n);
        TExt running = default;
        for (int row = 0; row < n; row++)
        {
            running.Coefficients.CopyTo(trace.Row(row).Slice(d * (columns - 1), d));
            running += rowSums[row] - perRow;
        }
        return (trace, total);
    }

    /// <summary>T/N: the claimed cumulative sum spread evenly over the table's <paramref name="height"/> rows (a power of two, below p, so invertible).</summary>
    public static TExt SumPerRow<F, TExt>(TExt cumulativeSum, int height)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        if (height <= 0 || (height & (height - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"a table height is a power of two, not {height}");
        return cumulativeSum * TExt.FromBase(F.FromUInt64((ulong)height).Inverse());
    }

    /// <summary>
    /// Evaluates the LogUp constraints at one point, one per group in group order (the class's list; the last group's
    /// column is ĝ = s' − s − Σ_(j&lt;G−1) g_j + T/N). <paramref name="outputs"/> holds the AIR program's outputs at the point
    /// (lifted to TExt), <paramref name="local"/>/<paramref name="next"/> the LogUp trace's extension columns (the committed
    /// groups, then the running sum) at the point and the next row's; <paramref name="sumPerRow"/> is T/N (<see cref="SumPerRow"/>).
    /// </summary>
    public static void EvaluateConstraints<F, TExt>(
        CompiledAir<F> air, ReadOnlySpan<TExt> outputs, ReadOnlySpan<TExt> local, ReadOnlySpan<TExt> next,
        TExt gamma, TExt beta, TExt sumPerRow, Span<TExt> result)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        ArgumentNullException.ThrowIfNull(air);
        var groups = air.LogUpGroups;
        int columns = groups.Count;
        TExt committed = default;
        for (int j = 0; j < columns; j++)
        {
            var members = groups[j];
            // g·Π_i fp_i − Σ_i m̃_i·Π_{l≠i} fp_l, written out term by term (the reference the packed kernels are checked against).
            var fingerprints = new TExt[members.Count];
            var signed = new TExt[members.Count];
            for (int a = 0; a < members.Count; a++)
            {
                var interaction = air.Interactions[members[a]];
                int o = air.InteractionOutput(members[a]);
                fingerprints[a] = Fingerprint<F, TExt>(interaction.Bus, outputs.Slice(o, interaction.Values.Count), gamma, beta);
                TExt m = outputs[o + interaction.Values.Count];
                signed[a] = interaction.Kind == InteractionKind.Send ? m : -m;
            }
            TExt product = TExt.One;
            foreach (var f in fingerprints)
                product *= f;
            TExt numerator = default;
            for (int a = 0; a < members.Count; a++)
            {
                TExt term = signed[a];
                for (int l = 0; l < members.Count; l++)
                    if (l != a)
                        term *= fingerprints[l];
                numerator += term;
            }
            TExt g;
            if (j < columns - 1)
            {
                g = local[j];
                committed += g;
            }
            else
            {
                // The implicit last group: ĝ = s' − s − Σ_(j<G−1) g_j + T/N (s is column G − 1).
                g = next[columns - 1] - local[columns - 1] - committed + sumPerRow;
            }
            result[j] = g * product - numerator;
        }
    }

    /// <summary>Number of constraints <see cref="EvaluateConstraints"/> produces for a table: one per group.</summary>
    public static int ConstraintCount<F>(CompiledAir<F> air) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(air);
        return air.Interactions.Count == 0 ? 0 : air.LogUpGroups.Count;
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
