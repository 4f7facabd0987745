using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>
/// An AIR analysed once: its constraints, and the values and multiplicities of its bus interactions,
/// compiled into one <see cref="ConstraintProgram{F}"/> whose outputs are laid out as
/// [constraints…, then per interaction: values…, multiplicity]. Carries the degrees that size the
/// quotient.
/// </summary>
public sealed class CompiledAir<F> where F : struct, IField<F>
{
    private readonly int[] _interactionOffsets;
    private readonly Lazy<ConstraintProgram<F>> _interactionProgram;

    /// <summary>Compiles <paramref name="air"/>; its LogUp groups fill the quotient chunks its unbatched constraints need.</summary>
    public CompiledAir(IAir<F> air) : this(air, null)
    {
    }

    /// <summary>
    /// Compiles <paramref name="air"/>; with <paramref name="batching"/>, its LogUp grouping may raise the quotient's chunk
    /// count where that opens fewer elements (<see cref="LogUpBatching"/>).
    /// </summary>
    public CompiledAir(IAir<F> air, LogUpBatching? batching)
    {
        ArgumentNullException.ThrowIfNull(air);
        Air = air;
        var builder = new AirBuilder<F>(air.Width, air.PreprocessedWidth, air.PublicValueCount);
        air.Eval(builder);
        Interactions = builder.Interactions;
        MultiplicityBounds = Prover.Core.Air.MultiplicityBounds.Compute(builder.Constraints, builder.Interactions);
        FixedTuples = [.. builder.Interactions.Select(i => Prover.Core.Air.MultiplicityBounds.HasFixedTuple(i, builder.Constraints))];
        ConstraintCount = builder.Constraints.Count;
        var outputs = new List<SymbolicExpression<F>>(builder.Constraints);
        _interactionOffsets = new int[Interactions.Count];
        var fingerprintDegrees = new int[Interactions.Count];
        var multiplicityDegrees = new int[Interactions.Count];
        for (int i = 0; i < Interactions.Count; i++)
        {
            var interaction = Interactions[i];
            _interactionOffsets[i] = outputs.Count;
            outputs.AddRange(interaction.Values);
            outputs.Add(interaction.Multiplicity);
            // The fingerprint γ − (bus + Σ_j β^(j+1)·v_j) is linear in the values.
            fingerprintDegrees[i] = interaction.Values.Max(v => v.Degree);
            multiplicityDegrees[i] = interaction.Multiplicity.Degree;
        }
        Program = new ConstraintProgram<F>(outputs);
        // The program reads exactly these cells (constraints and interactions): only they are opened on the next row.
        NextMainColumns = [.. Program.Variables.Where(v => v.Source == VariableSource.Main && v.Offset == 1).Select(v => v.Index).Distinct().Order()];
        NextPreprocessedColumns = [.. Program.Variables.Where(v => v.Source == VariableSource.Preprocessed && v.Offset == 1).Select(v => v.Index).Distinct().Order()];
        _interactionProgram = new Lazy<ConstraintProgram<F>>(() => new ConstraintProgram<F>(outputs.GetRange(ConstraintCount, outputs.Count - ConstraintCount)));
        int constraintDegree = builder.Constraints.Count == 0 ? 1 : builder.Constraints.Max(c => c.Degree);
        // Unbatched, interaction i's constraint h·fp − m has degree max(1 + deg fp, deg m); the running-sum
        // constraints (selector × linear) have degree 2. That degree fixes the quotient's chunk count c, and the
        // batching may use any degree the same c allows (constraints of degree ≤ c + 1 give a quotient of degree
        // ≤ c·n, which fits c chunks of n): it never raises the quotient's size, only fills it, unless a
        // LogUpBatching lets it raise the chunk count where that opens fewer elements.
        int unbatched = constraintDegree;
        for (int i = 0; i < Interactions.Count; i++)
            unbatched = Math.Max(unbatched, Math.Max(Math.Max(1 + fingerprintDegrees[i], multiplicityDegrees[i]), 2));
        int logChunks = LogChunks(unbatched);
        if (Interactions.Count == 0)
            _logUpGroups = [];
        else if (batching is null)
        {
            LogUpDegreeBudget = 1 + (1 << logChunks);
            _logUpGroups = LogUpGrouping.Compute(fingerprintDegrees, multiplicityDegrees, LogUpDegreeBudget);
        }
        else
        {
            if (batching.MaxLogQuotientChunks < 0 || batching.ExtensionDegree < 1 || batching.OpenedRows < 0)
                throw new ArgumentException($"unusable LogUp batching {batching}", nameof(batching));
            (_logUpGroups, LogUpDegreeBudget) = batching.Choose(fingerprintDegrees, multiplicityDegrees, constraintDegree, logChunks);
        }
        int degree = constraintDegree;
        foreach (var group in _logUpGroups)
            degree = Math.Max(degree, Math.Max(LogUpGrouping.Degree(group, fingerprintDegrees, multiplicityDegrees), 2));
        MaxConstraintDegree = degree;
        LogQuotientChunks = LogChunks(degree);
        // Cannot happen: the budget 1 + 2^k keeps every group within 2^k chunks, and k is the unbatched count, or at
        // most the batching's maximum when that is larger.
        if (LogQuotientChunks < logChunks || LogQuotientChunks > Math.Max(logChunks, batching?.MaxLogQuotientChunks ?? logChunks))
            throw new InvalidOperationException($"{air.Name}: LogUp batching gave {1 << LogQuotientChunks} quotient chunks outside its bounds");
    }

    /// <summary>The quotient C(x)/Z_H(x) has degree ≤ (d − 1)·n; it is split into a power-of-two number of chunks.</summary>
    private static int LogChunks(int degree) => CompiledAirDegrees.LogChunks(degree);

    private readonly int[][] _logUpGroups;

    public IAir<F> Air { get; }

    public string Name => Air.Name;

    public int Width => Air.Width;

    public ConstraintProgram<F> Program { get; }

    /// <summary>
    /// The interaction outputs alone (values and multiplicities, the outputs of <see cref="Program"/> from
    /// <see cref="ConstraintCount"/> on, in the same order): what LogUp trace generation needs, without
    /// the AIR constraints.
    /// </summary>
    public ConstraintProgram<F> InteractionProgram => _interactionProgram.Value;

    /// <summary>
    /// Main columns that some constraint or interaction reads on the next row, ascending: the only main columns opened
    /// at ζ·ω (a value no constraint reads cannot change C(ζ), so opening it would prove nothing the verifier uses).
    /// </summary>
    public IReadOnlyList<int> NextMainColumns { get; }

    /// <summary>Preprocessed columns read on the next row, ascending (as <see cref="NextMainColumns"/>).</summary>
    public IReadOnlyList<int> NextPreprocessedColumns { get; }

    /// <summary>Number of AIR constraints (the first outputs of <see cref="Program"/>).</summary>
    public int ConstraintCount { get; }

    public IReadOnlyList<Interaction<F>> Interactions { get; }

    /// <summary>
    /// Per interaction: the largest absolute multiplicity the AIR's constraints allow on one row, or null when
    /// they do not bound it (<see cref="Prover.Core.Air.MultiplicityBounds"/>; what <see cref="BusBudget"/> sums).
    /// </summary>
    public IReadOnlyList<long?> MultiplicityBounds { get; }

    /// <summary>
    /// Per interaction: whether its tuple is fixed by the verifying key or the AIR's boolean columns
    /// (<see cref="Prover.Core.Air.MultiplicityBounds.HasFixedTuple{F}(Interaction{F}, IReadOnlyList{SymbolicExpression{F}})"/>),
    /// which is what lets its multiplicity be unbounded in <see cref="BusBudget"/>.
    /// </summary>
    public IReadOnlyList<bool> FixedTuples { get; }

    /// <summary>Largest degree over the AIR and LogUp constraints.</summary>
    public int MaxConstraintDegree { get; }

    /// <summary>log2 of the number of quotient chunks (each of trace height).</summary>
    public int LogQuotientChunks { get; }

    /// <summary>Output index of interaction <paramref name="i"/>'s first value; its multiplicity follows its values.</summary>
    public int InteractionOutput(int i) => _interactionOffsets[i];

    /// <summary>
    /// The interactions that share each LogUp column (<see cref="LogUpGrouping"/>): column j holds
    /// Σ_{i ∈ group j} ±m_i/fp_i. Every interaction is in exactly one group; empty without interactions.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> LogUpGroups => _logUpGroups;

    /// <summary>
    /// The largest degree a LogUp group's constraint may have (0 without interactions): the largest that fits the quotient
    /// chunks the unbatched AIR needs, or the one <see cref="LogUpBatching"/> chose.
    /// </summary>
    public int LogUpDegreeBudget { get; }

    /// <summary>
    /// Number of extension-field columns of the LogUp trace: one per group of interactions, the last group's replaced by the
    /// running sum (its values are implied by the cyclic running sum, <see cref="LogUp"/>).
    /// </summary>
    public int LogUpColumns => Interactions.Count == 0 ? 0 : _logUpGroups.Length;
}
