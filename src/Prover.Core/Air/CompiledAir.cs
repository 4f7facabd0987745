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

    public CompiledAir(IAir<F> air)
    {
        ArgumentNullException.ThrowIfNull(air);
        Air = air;
        var builder = new AirBuilder<F>(air.Width, air.PreprocessedWidth, air.PublicValueCount);
        air.Eval(builder);
        Interactions = builder.Interactions;
        MultiplicityBounds = Prover.Core.Air.MultiplicityBounds.Compute(builder.Constraints, builder.Interactions);
        ConstraintCount = builder.Constraints.Count;
        var outputs = new List<SymbolicExpression<F>>(builder.Constraints);
        _interactionOffsets = new int[Interactions.Count];
        int valueDegree = 0, multiplicityDegree = 0;
        for (int i = 0; i < Interactions.Count; i++)
        {
            var interaction = Interactions[i];
            _interactionOffsets[i] = outputs.Count;
            outputs.AddRange(interaction.Values);
            outputs.Add(interaction.Multiplicity);
            valueDegree = Math.Max(valueDegree, interaction.Values.Max(v => v.Degree));
            multiplicityDegree = Math.Max(multiplicityDegree, interaction.Multiplicity.Degree);
        }
        Program = new ConstraintProgram<F>(outputs);
        _interactionProgram = new Lazy<ConstraintProgram<F>>(() => new ConstraintProgram<F>(outputs.GetRange(ConstraintCount, outputs.Count - ConstraintCount)));
        int constraintDegree = builder.Constraints.Count == 0 ? 1 : builder.Constraints.Max(c => c.Degree);
        // LogUp rows: h·fingerprint(values) − m (degree 1 + deg(values), or deg(m)); running-sum rows are degree 2.
        int logUpDegree = Interactions.Count == 0 ? 0 : Math.Max(Math.Max(1 + valueDegree, multiplicityDegree), 2);
        MaxConstraintDegree = Math.Max(constraintDegree, logUpDegree);
        // The quotient C(x)/Z_H(x) has degree ≤ (d − 1)·n; it is split into a power-of-two number of chunks.
        int chunks = Math.Max(MaxConstraintDegree - 1, 1);
        LogQuotientChunks = chunks == 1 ? 0 : int.Log2(chunks - 1) + 1;
    }

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

    /// <summary>Number of AIR constraints (the first outputs of <see cref="Program"/>).</summary>
    public int ConstraintCount { get; }

    public IReadOnlyList<Interaction<F>> Interactions { get; }

    /// <summary>
    /// Per interaction: the largest absolute multiplicity the AIR's constraints allow on one row, or null when
    /// they do not bound it (<see cref="Prover.Core.Air.MultiplicityBounds"/>; what <see cref="BusBudget"/> sums).
    /// </summary>
    public IReadOnlyList<long?> MultiplicityBounds { get; }

    /// <summary>Largest degree over the AIR and LogUp constraints.</summary>
    public int MaxConstraintDegree { get; }

    /// <summary>log2 of the number of quotient chunks (each of trace height).</summary>
    public int LogQuotientChunks { get; }

    /// <summary>Output index of interaction <paramref name="i"/>'s first value; its multiplicity follows its values.</summary>
    public int InteractionOutput(int i) => _interactionOffsets[i];

    /// <summary>Number of extension-field columns of the LogUp trace: one per interaction plus the running sum.</summary>
    public int LogUpColumns => Interactions.Count == 0 ? 0 : Interactions.Count + 1;
}
