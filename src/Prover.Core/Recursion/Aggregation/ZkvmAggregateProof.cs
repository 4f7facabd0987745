using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>What the recursion proof of a <see cref="ZkvmAggregateProof{TDef, TDigest}"/> is: the tree's root, or the final proof over it.</summary>
public enum ZkvmAggregateKind
{
    /// <summary>The root of the aggregation tree (magic "PRVA"), under the tree's layer configuration.</summary>
    Aggregated,

    /// <summary>The final proof over the root (magic "PRVF"), under the final configuration: the one small proof of an execution.</summary>
    Final,
}

/// <summary>
/// An execution proved as ONE recursion proof (docs/design.md, "Recursion", aggregation tree): the claim (program
/// digest, input size and commitment, output, exit code, cycles), every shard's shape (chips and heights: the tree's
/// programs), the tree digest of the shards' commitments (what the global transcript drew the shared challenges from)
/// and the last shard's end pc — from which the verifier derives the challenges, the tree's programs and the root's
/// expected statement, with no shard's public values or commitment — and the root's STARK proof, or, for a
/// <see cref="ZkvmAggregateKind.Final"/> proof, the final proof over the root, which states the same statement.
/// </summary>
public sealed record ZkvmAggregateProof<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    /// <summary>2: the shards' statements have the image table (execution proof format 5), and the root's bus sum no longer
    /// cancels the image's terms (the last shard's table sends them). 3: shapes, the tree digest and the end pc instead of
    /// every shard's commitment (<see cref="ZkvmExecutionSummary"/>); the statement has the input commitment. 4: a keyed tree
    /// (one node program whose children's keys are members of the allowed-key root R, which the statement ends with); the
    /// summary has the shard count and the distinct shard shapes instead of one shape per shard. 5: a summary may name the
    /// allowed shapes by the guest's shard catalog (a zero shape count, then k: <see cref="ZkvmExecutionSummary.CatalogLogShardSize"/>).</summary>
    public const ushort Version = 5;

    /// <summary>Parsing bounds (an adversary controls the bytes).</summary>
    public const int MaxShards = 1 << 16, MaxCapDigests = 1 << 10, MaxPublicValues = 1 << 10;

    private static ReadOnlySpan<byte> MagicOf(ZkvmAggregateKind kind) => kind == ZkvmAggregateKind.Final ? "PRVF"u8 : "PRVA"u8;

    /// <summary>The root of the tree, or the final proof over it.</summary>
    public ZkvmAggregateKind Kind { get; init; }

    public required byte[] ProgramDigest { get; init; }

    public required ZkvmClaim Claim { get; init; }

    /// <summary>The number of shards.</summary>
    public required int ShardCount { get; init; }

    /// <summary>
    /// The allowed shard shapes: the shards' distinct shapes (<see cref="ZkvmExecutionSummary.Compare"/>'s order), or, in
    /// catalog mode, the catalog's once resolved (empty as parsed: <see cref="ZkvmExecutionSummary.Resolve"/>).
    /// </summary>
    public required IReadOnlyList<ShardShape> Shapes { get; init; }

    /// <summary>k of the shard catalog naming the allowed shapes, or 0 (<see cref="ZkvmExecutionSummary.CatalogLogShardSize"/>).</summary>
    public int CatalogLogShardSize { get; init; }

    /// <summary>The tree digest of the shards' commitments (<see cref="ShardCommitmentTree.TreeDigest{TDigest}"/>), the digest's length.</summary>
    public required KoalaBear[] CommitmentDigest { get; init; }

    /// <summary>The last shard's end pc (lo 16 bits, the rest), as its CPU states it.</summary>
    public required KoalaBear[] EndPc { get; init; }

    /// <summary>What the file carries of the execution besides the recursion proof.</summary>
    public ZkvmExecutionSummary Summary => new(Claim, ShardCount, Shapes, CommitmentDigest, EndPc) { CatalogLogShardSize = CatalogLogShardSize };

    /// <summary>The recursion proof: the tree's root (<see cref="ZkvmAggregateKind.Aggregated"/>) or the final proof over it.</summary>
    public required StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> Root { get; init; }

    /// <summary>The proof of <paramref name="kind"/> with <paramref name="summary"/>'s fields and <paramref name="root"/> as its recursion proof.</summary>
    public static ZkvmAggregateProof<TDef, TDigest> Of(byte[] programDigest, ZkvmExecutionSummary summary,
        StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> root, ZkvmAggregateKind kind = ZkvmAggregateKind.Aggregated)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new ZkvmAggregateProof<TDef, TDigest>
        {
            Kind = kind,
            ProgramDigest = programDigest,
            Claim = summary.Claim,
            ShardCount = summary.ShardCount,
            Shapes = summary.Shapes,
            CatalogLogShardSize = summary.CatalogLogShardSize,
            CommitmentDigest = summary.CommitmentDigest,
            EndPc = summary.EndPc,
            Root = root,
        };
    }

    /// <summary>The kind <paramref name="bytes"/> start like, or null when they start like neither.</summary>
    public static ZkvmAggregateKind? KindOf(ReadOnlySpan<byte> bytes) =>
        bytes.Length < 4 ? null
        : bytes[..4].SequenceEqual(MagicOf(ZkvmAggregateKind.Aggregated)) ? ZkvmAggregateKind.Aggregated
        : bytes[..4].SequenceEqual(MagicOf(ZkvmAggregateKind.Final)) ? ZkvmAggregateKind.Final
        : null;

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        var b8 = new byte[4];
        void U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(b8, v); ms.Write(b8, 0, 2); }
        ms.Write(MagicOf(Kind));
        U16(Version);
        U16((ushort)TDef.Degree);
        if (ProgramDigest.Length != 32)
            throw new InvalidOperationException("program digest is 32 bytes");
        ms.Write(ProgramDigest);
        ZkvmExecutionSummaryCodec.Write(ms, Summary);
        var root = ProofSerializer.Serialize(Root);
        BinaryPrimitives.WriteUInt32LittleEndian(b8, (uint)root.Length);
        ms.Write(b8, 0, 4);
        ms.Write(root);
        return ms.ToArray();
    }

    /// <summary>
    /// Parses proof bytes of either kind (the recursion proof's shape bounded by <paramref name="recursionConfig"/> for a
    /// root, <paramref name="finalConfig"/> for a final proof); throws <see cref="ProofFormatException"/> on anything
    /// malformed (bounded allocations).
    /// </summary>
    public static ZkvmAggregateProof<TDef, TDigest> Parse(ReadOnlySpan<byte> bytes, StarkConfig recursionConfig, StarkConfig? finalConfig = null)
    {
        ArgumentNullException.ThrowIfNull(recursionConfig);
        var kind = KindOf(bytes) ?? throw new ProofFormatException("not an aggregated or final zkVM proof (magic)");
        var reader = new BoundedReader(bytes, "aggregated proof");
        reader.Take(4, "magic");
        ushort version = reader.U16("version");
        if (version != Version)
            throw new ProofFormatException($"aggregated proof version {version}, expected {Version}");
        ushort degree = reader.U16("extension degree");
        if (degree != TDef.Degree)
            throw new ProofFormatException($"aggregated proof over a degree-{degree} extension, expected {TDef.Degree}");
        var digest = reader.Take(32, "program digest").ToArray();
        var summary = ZkvmExecutionSummaryCodec.Read<TDef, TDigest>(ref reader);
        uint rootLength = reader.U32("root proof length");
        var root = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(reader.Take((int)Math.Min(rootLength, int.MaxValue), "root proof"),
            ProofShapeLimits.For(kind == ZkvmAggregateKind.Final ? finalConfig ?? recursionConfig : recursionConfig, 16));
        if (reader.Remaining != 0)
            throw new ProofFormatException($"{reader.Remaining} trailing bytes after the aggregated proof");
        return Of(digest, summary, root, kind);
    }
}
