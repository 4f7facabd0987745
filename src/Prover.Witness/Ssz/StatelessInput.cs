using System.Buffers.Binary;

namespace Prover.Witness.Ssz;

/// <summary>
/// The EF canonical guest input: <c>schema_id (u16 big-endian) || SSZ(StatelessInput)</c> with
/// <c>StatelessInput { new_payload_request, witness, chain_id: u64, public_keys: ProgressiveList[Bytes65] }</c>.
/// <see cref="PublicKeys"/> are the uncompressed secp256k1 keys (0x04 || x || y) of the transaction
/// senders, in payload order.
/// </summary>
public sealed record StatelessInput(NewPayloadRequest NewPayloadRequest, ExecutionWitness Witness, ulong ChainId, byte[][] PublicKeys)
{
    public const int FixedSize = 4 + 4 + 8 + 4;

    public Fork Fork => NewPayloadRequest.Fork;

    public ushort SchemaId => Fork.SchemaId();

    /// <summary>The SSZ container alone (no schema id).</summary>
    public void Write(SszWriter w)
    {
        int start = w.Length;
        int oRequest = w.ReserveOffset();
        int oWitness = w.ReserveOffset();
        w.WriteUInt64(ChainId);
        int oKeys = w.ReserveOffset();
        w.PatchOffset(oRequest, start);
        NewPayloadRequest.Write(w);
        w.PatchOffset(oWitness, start);
        Witness.Write(w);
        w.PatchOffset(oKeys, start);
        foreach (var key in PublicKeys)
            w.WriteVector(key, SszLimits.PublicKeyBytes, "public key");
    }

    /// <summary>The wire form: 2-byte big-endian schema id, then the SSZ container.</summary>
    public byte[] Encode()
    {
        var w = new SszWriter(64 * 1024);
        Span<byte> id = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(id, SchemaId);
        w.WriteBytes(id);
        Write(w);
        return w.ToArray();
    }

    /// <summary>Decodes the wire form; rejects unknown schema ids, truncation and trailing bytes.</summary>
    public static StatelessInput Decode(ReadOnlySpan<byte> wire)
    {
        if (wire.Length < 2)
            throw new SszException("input shorter than its 2-byte schema id", 0);
        var fork = ForkExtensions.FromSchemaId(BinaryPrimitives.ReadUInt16BigEndian(wire));
        var r = new SszReader(wire[2..], 2);
        var input = Read(ref r, fork);
        r.CheckEnd();
        return input;
    }

    public static StatelessInput Read(ref SszReader r, Fork fork)
    {
        uint oRequest = r.ReadOffset();
        uint oWitness = r.ReadOffset();
        ulong chainId = r.ReadUInt64();
        uint oKeys = r.ReadOffset();
        Span<uint> offs = [oRequest, oWitness, oKeys];
        var parts = r.VariableParts(offs);
        var req = r.Sub(parts[0]);
        var npr = NewPayloadRequest.Read(ref req, fork);
        req.CheckEnd();
        var wit = r.Sub(parts[1]);
        var witness = ExecutionWitness.Read(ref wit);
        wit.CheckEnd();
        var keys = r.Sub(parts[2]);
        var publicKeys = keys.ReadFixedList(SszLimits.PublicKeyBytes, null, static (ref SszReader e) => e.ReadArray(SszLimits.PublicKeyBytes), "public_keys");
        return new(npr, witness, chainId, publicKeys);
    }

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(
        NewPayloadRequest.HashTreeRoot(),
        Witness.HashTreeRoot(),
        Merkle.UInt64Root(ChainId),
        Merkle.ProgressiveCompositeListRoot(PublicKeys.Select(k => Merkle.ByteVectorRoot(k)).ToArray()));
}

/// <summary>
/// The guest's 43-byte public output: <c>hash_tree_root(new_payload_request)[32] ||
/// successful_validation[1] || chain_id u64 LE[8] || schema_id u16 LE[2]</c>.
/// </summary>
public sealed record StatelessValidationResult(byte[] NewPayloadRequestRoot, bool SuccessfulValidation, ulong ChainId, ushort SchemaId)
{
    public const int Size = 32 + 1 + 8 + 2;

    public static StatelessValidationResult For(StatelessInput input, bool successful) =>
        new(input.NewPayloadRequest.HashTreeRoot(), successful, input.ChainId, input.SchemaId);

    public byte[] Encode()
    {
        var w = new SszWriter(Size);
        w.WriteVector(NewPayloadRequestRoot, 32, "new_payload_request_root");
        w.WriteBool(SuccessfulValidation);
        w.WriteUInt64(ChainId);
        w.WriteUInt16(SchemaId);
        return w.ToArray();
    }

    public static StatelessValidationResult Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
            throw new SszException($"StatelessValidationResult must be {Size} bytes, got {bytes.Length}", Math.Min(bytes.Length, Size));
        var r = new SszReader(bytes);
        var result = new StatelessValidationResult(r.ReadArray(32), r.ReadBool(), r.ReadUInt64(), r.ReadUInt16());
        r.CheckEnd();
        return result;
    }
}
