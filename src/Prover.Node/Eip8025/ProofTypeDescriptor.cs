namespace Prover.Node.Eip8025;

/// <summary>
/// How this prover's proofs are named: <see cref="Id"/> is the EIP-8025 <c>ProofType</c> (uint8) written into
/// <see cref="ExecutionProof"/>, <see cref="Name"/> the zkboost-style string (<c>&lt;EL&gt;-&lt;zkVM&gt;</c>, as
/// <c>reth-sp1</c>) the HTTP API uses, and <see cref="MaxProofSize"/> the <c>MAX_PROOF_SIZE</c> the containers are
/// encoded and rooted with. The spec keeps no registry of proof type values yet, so the defaults are ours
/// (docs/design.md, "Node library"): a network that assigns values configures them here.
/// </summary>
public sealed record ProofTypeDescriptor(string Name, byte Id, int MaxProofSize)
{
    /// <summary>The default: <c>cevm-kbstark</c> (our C stateless validator on our KoalaBear STARK), id 0x4B ('K'), 16 MiB limit.</summary>
    public static ProofTypeDescriptor Default { get; } = new("cevm-kbstark", 0x4B, 16 << 20);
}
