using Prover.Node.Eip8025;

namespace Prover.Node;

/// <summary>Options of a <see cref="NodeProver"/> (immutable; bind from configuration with the property names).</summary>
public sealed record NodeProverOptions
{
    /// <summary>The proof system's parameters (default: about 100 provable bits).</summary>
    public ProofConfiguration Configuration { get; init; } = ProofConfiguration.Provable100;

    /// <summary>
    /// log2 of the cycles per shard, 10 to 22. Default (null): the largest shard whose modelled peak memory fits
    /// <see cref="MemoryBudgetBytes"/> (<see cref="Prover.Core.Zkvm.Proving.ShardMemoryModel"/>, after a quick probe run);
    /// smaller shards need less memory and give larger proofs.
    /// </summary>
    public int? LogShardSize { get; init; }

    /// <summary>
    /// How shards are shaped (<see cref="Prover.Core.Zkvm.Proving.ZkvmProverOptions.ShapePolicy"/>): natural heights (default) or
    /// cut and padded to the shard budget (issue 14 piece (b)); in process or on a cluster (the same bytes).
    /// </summary>
    public Prover.Core.Zkvm.Proving.ShardShapePolicy ShapePolicy { get; init; } = Prover.Core.Zkvm.Proving.ShardShapePolicy.Natural;

    /// <summary>Memory the automatic shard size may plan for; null: 3/4 of the memory available to the process. Ignored with <see cref="LogShardSize"/>.</summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>Longest execution proved (<see cref="Prover.Core.Zkvm.Proving.ZkvmProverOptions.MaxCycles"/>): a longer one is a guest fault, not an out-of-memory kill.</summary>
    public long MaxCycles { get; init; } = Prover.Core.Zkvm.Proving.ZkvmProverOptions.DefaultMaxCycles;

    /// <summary>
    /// How far a proof is taken: the shard proofs (default), their aggregation tree's root, or the final proof over it
    /// (docs/design.md, "Recursion": the stages above shards cost minutes and ~15 GB at provable-100, so they are asked for).
    /// </summary>
    public ProofStage Stage { get; init; } = ProofStage.Shards;

    /// <summary>
    /// The aggregated and final stages' verifying keys kept on disk between runs (opt-in, null: none;
    /// <see cref="Prover.Core.Recursion.Aggregation.ZkvmKeyCache"/>): a second proof or verification of the same family
    /// skips the programs' setup. Not bound from configuration (it holds the cache's secret).
    /// </summary>
    public Prover.Core.Recursion.Aggregation.ZkvmKeyCache? KeyCache { get; init; }

    /// <summary>Where the heavy kernels run.</summary>
    public ProverBackendKind Backend { get; init; } = ProverBackendKind.Cpu;

    /// <summary>The guest proved (default: the embedded Ethereum block validator).</summary>
    public ProverGuest Guest { get; init; } = ProverGuest.Ethereum;

    /// <summary>The EIP-8025 proof type this prover's proofs carry (docs/design.md, "Node library").</summary>
    public ProofTypeDescriptor ProofType { get; init; } = ProofTypeDescriptor.Default;

    /// <summary>
    /// Provable security bits a proof must reach for <see cref="NodeProver.VerifyAsync"/> and
    /// <see cref="NodeProver.VerifyExecutionProofAsync"/> to accept it, whatever configuration the proof names.
    /// </summary>
    public int MinimumProvableBits { get; init; } = Prover.Core.Stark.VerificationPolicy.DefaultMinimumProvableBits;

    /// <summary>Accept proofs below <see cref="MinimumProvableBits"/> (development-configuration proofs): tests and development only.</summary>
    public bool AcceptInsecureProofs { get; init; }

    /// <summary>The verifier's policy: the one place these options map onto Core's.</summary>
    internal Prover.Core.Stark.VerificationPolicy VerificationPolicy => new() { MinimumProvableBits = MinimumProvableBits, AllowInsecure = AcceptInsecureProofs };

    /// <summary>How many proofs may run at once in one process (each takes the memory of a shard's traces).</summary>
    public int MaxConcurrentProofs { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Configuration);
        ArgumentNullException.ThrowIfNull(Guest);
        ArgumentNullException.ThrowIfNull(ProofType);
        if (MemoryBudgetBytes is <= 0)
            throw new ArgumentException($"MemoryBudgetBytes must be positive, got {MemoryBudgetBytes}");
        if (LogShardSize is < 10 or > 22)
            throw new ArgumentException($"LogShardSize must be between 10 and 22, got {LogShardSize}");
        if (MinimumProvableBits is < 0 or > 256)
            throw new ArgumentException($"MinimumProvableBits must be between 0 and 256, got {MinimumProvableBits}");
        if (MaxConcurrentProofs < 1)
            throw new ArgumentException($"MaxConcurrentProofs must be at least 1, got {MaxConcurrentProofs}");
    }
}
