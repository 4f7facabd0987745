namespace Prover.Node;

/// <summary>How far a <see cref="NodeProver"/> takes a proof (docs/design.md, "Recursion").</summary>
public enum ProofStage
{
    /// <summary>One STARK per shard with shared challenges (<c>zkvm</c> files): the fastest, the largest.</summary>
    Shards,

    /// <summary>The shard proofs aggregated into one root recursion proof (<c>zkvm-aggregate</c> files).</summary>
    Aggregated,

    /// <summary>The final low-rate proof over the root (<c>zkvm-final</c> files): one small proof, minutes and ~15 GB more at provable-100.</summary>
    Final,
}
