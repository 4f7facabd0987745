using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// Several executions of one guest program (blocks) proved as ONE recursion proof (docs/design.md, "Recursion", blocks to
/// epochs): magic "PRVE", the kind (the epoch tree's root, or the final proof over it), the extension degree, the program
/// digest, each block's summary in order (<see cref="ZkvmExecutionSummary"/>: claim, shard shapes, tree digest, end pc; the
/// same bytes as an aggregated file's), and the top STARK proof. The block statements are not in the proof's statement (it states
/// their count and a digest); they are derived by the verifier from what is carried here.
/// </summary>
public sealed record ZkvmEpochProof<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    /// <summary>2: each block's <see cref="ZkvmExecutionSummary"/> instead of its shards' commitments. 3: keyed block trees
    /// (a block's statement ends with its allowed-key root; its summary has the shard count and distinct shapes). 4: a block's
    /// summary may name its allowed shapes by the guest's shard catalog (<see cref="ZkvmExecutionSummary.CatalogLogShardSize"/>).</summary>
    public const ushort Version = 4;

    public static ReadOnlySpan<byte> Magic => "PRVE"u8;

    /// <summary>The epoch tree's root (<see cref="ZkvmAggregateKind.Aggregated"/>) or the final proof over it.</summary>
    public ZkvmAggregateKind Kind { get; init; }

    public required byte[] ProgramDigest { get; init; }

    public required IReadOnlyList<ZkvmExecutionSummary> Blocks { get; init; }

    /// <summary>The top recursion proof: the epoch root, or the final proof over it.</summary>
    public required StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> Top { get; init; }

    /// <summary>Whether <paramref name="bytes"/> start like an epoch proof.</summary>
    public static bool IsEpoch(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[..4].SequenceEqual(Magic);

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        var b4 = new byte[4];
        void U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(b4, v); ms.Write(b4, 0, 2); }
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b4, v); ms.Write(b4, 0, 4); }
        ms.Write(Magic);
        U16(Version);
        U16((ushort)Kind);
        U16((ushort)TDef.Degree);
        if (ProgramDigest.Length != 32)
            throw new InvalidOperationException("program digest is 32 bytes");
        ms.Write(ProgramDigest);
        U32((uint)Blocks.Count);
        foreach (var block in Blocks)
            ZkvmExecutionSummaryCodec.Write(ms, block);
        var top = ProofSerializer.Serialize(Top);
        U32((uint)top.Length);
        ms.Write(top);
        return ms.ToArray();
    }

    /// <summary>
    /// Parses an epoch proof (the top proof's shape bounded by <paramref name="recursionConfig"/> for a root,
    /// <paramref name="finalConfig"/> for a final proof); a <see cref="ProofFormatException"/> on anything malformed
    /// (bounded allocations: at most <see cref="ZkvmEpochAggregator{TDef, TDigest}.MaxBlocks"/> blocks, each bounded as an
    /// aggregated file's commitments).
    /// </summary>
    public static ZkvmEpochProof<TDef, TDigest> Parse(ReadOnlySpan<byte> bytes, StarkConfig recursionConfig, StarkConfig finalConfig)
    {
        ArgumentNullException.ThrowIfNull(recursionConfig);
        ArgumentNullException.ThrowIfNull(finalConfig);
        if (!IsEpoch(bytes))
            throw new ProofFormatException("not an epoch proof (magic)");
        var reader = new BoundedReader(bytes, "epoch proof");
        reader.Take(4, "magic");
        ushort version = reader.U16("version");
        if (version != Version)
            throw new ProofFormatException($"epoch proof version {version}, expected {Version}");
        ushort kind = reader.U16("kind");
        if (kind > (ushort)ZkvmAggregateKind.Final)
            throw new ProofFormatException($"epoch proof kind {kind} unknown");
        ushort degree = reader.U16("extension degree");
        if (degree != TDef.Degree)
            throw new ProofFormatException($"epoch proof over a degree-{degree} extension, expected {TDef.Degree}");
        var digest = reader.Take(32, "program digest").ToArray();
        uint count = reader.U32("block count");
        // A block takes at least 40 bytes (claim fields and one shard's counts): the count is bounded by the bytes left.
        if (count < 2 || count > ZkvmEpochAggregator<TDef, TDigest>.MaxBlocks || count > (uint)reader.Remaining / 40)
            throw new ProofFormatException($"{count} blocks out of range");
        var blocks = new ZkvmExecutionSummary[count];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = ZkvmExecutionSummaryCodec.Read<TDef, TDigest>(ref reader);
        }
        uint topLength = reader.U32("top proof length");
        var top = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(reader.Take((int)Math.Min(topLength, int.MaxValue), "top proof"),
            ProofShapeLimits.For((ZkvmAggregateKind)kind == ZkvmAggregateKind.Final ? finalConfig : recursionConfig, 16));
        if (reader.Remaining != 0)
            throw new ProofFormatException($"{reader.Remaining} trailing bytes after the epoch proof");
        return new ZkvmEpochProof<TDef, TDigest>
        {
            Kind = (ZkvmAggregateKind)kind,
            ProgramDigest = digest,
            Blocks = blocks,
            Top = top,
        };
    }

    /// <summary>The kind <paramref name="bytes"/> say they are (null when not an epoch proof or too short).</summary>
    public static ZkvmAggregateKind? KindOf(ReadOnlySpan<byte> bytes) =>
        IsEpoch(bytes) && bytes.Length >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..8]) is var k && k <= (ushort)ZkvmAggregateKind.Final
            ? (ZkvmAggregateKind)k : null;
}
