using Prover.Witness.Ssz;

namespace Prover.Node.Eip8025;

/// <summary>
/// EIP-8025 <c>PublicInput { new_payload_request_root: Root }</c> (consensus-specs
/// <c>specs/_features/eip8025*/proof-engine.md</c>): the payload an execution proof is about.
/// </summary>
public sealed record PublicInput
{
    public const int Size = 32;

    public PublicInput(byte[] newPayloadRequestRoot)
    {
        ArgumentNullException.ThrowIfNull(newPayloadRequestRoot);
        if (newPayloadRequestRoot.Length != 32)
            throw new ArgumentException($"new_payload_request_root is 32 bytes, got {newPayloadRequestRoot.Length}", nameof(newPayloadRequestRoot));
        NewPayloadRequestRoot = newPayloadRequestRoot;
    }

    public byte[] NewPayloadRequestRoot { get; }

    public void Write(SszWriter w) => w.WriteVector(NewPayloadRequestRoot, 32, "new_payload_request_root");

    public static PublicInput Read(ref SszReader r) => new(r.ReadArray(32));

    /// <summary>A container of one 32-byte field: its root is the field itself.</summary>
    public byte[] HashTreeRoot() => Merkle.ContainerRoot(NewPayloadRequestRoot);

    public bool Equals(PublicInput? other) => other is not null && NewPayloadRequestRoot.AsSpan().SequenceEqual(other.NewPayloadRequestRoot);

    public override int GetHashCode() => BitConverter.ToInt32(NewPayloadRequestRoot, 0);
}
