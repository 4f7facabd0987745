namespace Prover.Core.Stark;

/// <summary>
/// Upper bounds on the counts a serialised proof may claim, checked by <see cref="ProofSerializer"/> as each
/// count is read, before anything is allocated for it. A verifier derives them from its own configuration
/// and statement (<see cref="For"/>), so that parsing an attacker's proof allocates at most a small constant
/// times the configuration's proof size, whatever the proof claims (docs/design.md, "Proof format").
/// Counts that no configuration allows (trace heights beyond the field's two-adicity, FRI rounds beyond it, more
/// commitment trees than a STARK has, caps larger than the header's cap height allows) are rejected under any limits;
/// the query phase's lists are bounded by the header's query count q (at most q rows per matrix, q·(arity − 1) leaf
/// values per FRI step, q siblings per tree level).
/// </summary>
public sealed record ProofShapeLimits
{
    /// <summary>Commitment trees per query at most: preprocessed, main, LogUp, quotient.</summary>
    public const int MaxTrees = 4;

    /// <summary>Bounds only by the format and the proof's own length (parsing a proof for inspection).</summary>
    public static ProofShapeLimits Default { get; } = new();

    /// <summary>Most tables the proof may have.</summary>
    public int MaxTables { get; init; } = 4096;

    /// <summary>Most FRI queries the proof's header may claim (<see cref="StarkConfig.Validate"/> allows 1024); it bounds every list of the query phase.</summary>
    public int MaxQueries { get; init; } = 1024;

    /// <summary>Most public values of one table.</summary>
    public int MaxPublicValues { get; init; } = 1 << 16;

    /// <summary>Most opened values of one table in one list (a column count, or D times one).</summary>
    public int MaxOpenedValues { get; init; } = 1 << 16;

    /// <summary>
    /// Limits for a verifier of <paramref name="tables"/> tables under <paramref name="config"/>: exactly the
    /// configuration's query count and no more tables than the statement has (the verifier then checks the
    /// exact shape).
    /// </summary>
    public static ProofShapeLimits For(StarkConfig config, int tables)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 1);
        return new ProofShapeLimits { MaxTables = tables, MaxQueries = config.NumQueries };
    }
}
