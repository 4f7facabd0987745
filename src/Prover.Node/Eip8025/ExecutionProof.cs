using Prover.Witness.Ssz;

namespace Prover.Node.Eip8025;

/// <summary>
/// EIP-8025 <c>ExecutionProof { proof_data: ByteList[MAX_PROOF_SIZE], proof_type: ProofType (uint8),
/// public_input: PublicInput }</c> (consensus-specs <c>specs/_features/eip8025*/proof-engine.md</c>; newer drafts
/// name the last field <c>public_inputs</c>, which changes neither the bytes nor the root). SSZ layout: a 4-byte
/// offset of <c>proof_data</c>, the type byte, the 32-byte root, then the proof bytes.
/// <para>
/// <c>MAX_PROOF_SIZE</c> is 307 200 bytes (300 KiB) in the current spec text and "not definitive"; our
/// proofs are larger today (1.5 MB for the smallest execution, docs/benchmarks.md), so the limit is a
/// parameter: it bounds decoding and sets the depth of <c>proof_data</c>'s Merkle tree, so two parties agree
/// on the root only when they use the same limit. <see cref="SpecMaxProofSize"/> is the spec's value.
/// </para>
/// </summary>
public sealed record ExecutionProof
{
    /// <summary><c>MAX_PROOF_SIZE</c> of the current spec text (300 KiB).</summary>
    public const int SpecMaxProofSize = 307_200;

    /// <summary><c>MAX_EXECUTION_PROOFS_PER_PAYLOAD</c>: at most this many proof types per payload.</summary>
    public const int MaxExecutionProofsPerPayload = 4;

    /// <summary>Fixed part: proof_data offset (4), proof_type (1), public_input (32).</summary>
    public const int FixedSize = 4 + 1 + PublicInput.Size;

    public ExecutionProof(byte[] proofData, byte proofType, PublicInput publicInput)
    {
        ProofData = proofData ?? throw new ArgumentNullException(nameof(proofData));
        ProofType = proofType;
        PublicInput = publicInput ?? throw new ArgumentNullException(nameof(publicInput));
    }

    /// <summary>Our proof file (a <c>zkvm</c> proof envelope) for the proof types this library produces.</summary>
    public byte[] ProofData { get; }

    public byte ProofType { get; }

    public PublicInput PublicInput { get; }

    /// <summary>The SSZ bytes; <see cref="ArgumentException"/> when <see cref="ProofData"/> exceeds <paramref name="maxProofSize"/>.</summary>
    public byte[] Encode(int maxProofSize = SpecMaxProofSize)
    {
        CheckLimit(maxProofSize);
        var w = new SszWriter(FixedSize + ProofData.Length);
        int start = w.Length;
        int offset = w.ReserveOffset();
        w.WriteBytes([ProofType]);
        PublicInput.Write(w);
        w.PatchOffset(offset, start);
        w.WriteBytes(ProofData);
        return w.ToArray();
    }

    /// <summary>Decodes SSZ bytes: the offset must be the fixed size, the proof at most <paramref name="maxProofSize"/> bytes, nothing may trail.</summary>
    public static ExecutionProof Decode(ReadOnlySpan<byte> bytes, int maxProofSize = SpecMaxProofSize)
    {
        if (maxProofSize < 0)
            throw new ArgumentOutOfRangeException(nameof(maxProofSize));
        if (bytes.Length < FixedSize)
            throw new SszException($"ExecutionProof needs at least {FixedSize} bytes, got {bytes.Length}", bytes.Length);
        var r = new SszReader(bytes);
        uint offset = r.ReadOffset();
        if (offset != FixedSize)
            throw new SszException($"proof_data offset must be {FixedSize}, got {offset}", 0);
        byte type = r.ReadBytes(1)[0];
        var publicInput = PublicInput.Read(ref r);
        if (r.Remaining > maxProofSize)
            throw new SszException($"proof_data is {r.Remaining} bytes, more than the limit of {maxProofSize}", FixedSize);
        var data = r.ReadArray(r.Remaining);
        r.CheckEnd();
        return new ExecutionProof(data, type, publicInput);
    }

    /// <summary><c>hash_tree_root</c> with <c>proof_data: ByteList[maxProofSize]</c>.</summary>
    public byte[] HashTreeRoot(int maxProofSize = SpecMaxProofSize)
    {
        CheckLimit(maxProofSize);
        var typeChunk = new byte[32];
        typeChunk[0] = ProofType;
        return Merkle.ContainerRoot(Merkle.ByteListRoot(ProofData, (ulong)maxProofSize), typeChunk, PublicInput.HashTreeRoot());
    }

    private void CheckLimit(int maxProofSize)
    {
        if (maxProofSize < 0)
            throw new ArgumentOutOfRangeException(nameof(maxProofSize));
        if (ProofData.Length > maxProofSize)
            throw new ArgumentException($"proof_data is {ProofData.Length} bytes, more than the limit of {maxProofSize}");
    }

    public bool Equals(ExecutionProof? other) => other is not null && ProofType == other.ProofType && PublicInput.Equals(other.PublicInput)
        && ProofData.AsSpan().SequenceEqual(other.ProofData);

    public override int GetHashCode() => HashCode.Combine(ProofType, PublicInput, ProofData.Length);
}
