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
/// digest, input size and commitment, output, exit code, cycles), every shard's commitment (chips, heights, public
/// values, main cap: what the global transcript observed, a few hundred elements per shard, from which the verifier
/// derives the shared challenges, the tree's programs and the root's expected statement) and the root's STARK proof — or,
/// for a <see cref="ZkvmAggregateKind.Final"/> proof, the final proof over the root, which states the same statement.
/// </summary>
public sealed record ZkvmAggregateProof<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    /// <summary>2: the shards' statements have the image table (execution proof format 5), and the root's bus sum no longer
    /// cancels the image's terms (the last shard's table sends them).</summary>
    public const ushort Version = 2;

    /// <summary>Parsing bounds (an adversary controls the bytes).</summary>
    public const int MaxShards = 1 << 16, MaxCapDigests = 1 << 10, MaxPublicValues = 1 << 10;

    private static ReadOnlySpan<byte> MagicOf(ZkvmAggregateKind kind) => kind == ZkvmAggregateKind.Final ? "PRVF"u8 : "PRVA"u8;

    /// <summary>The root of the tree, or the final proof over it.</summary>
    public ZkvmAggregateKind Kind { get; init; }

    public required byte[] ProgramDigest { get; init; }

    public required ZkvmClaim Claim { get; init; }

    public required IReadOnlyList<ShardCommitment> Shards { get; init; }

    /// <summary>The recursion proof: the tree's root (<see cref="ZkvmAggregateKind.Aggregated"/>) or the final proof over it.</summary>
    public required StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> Root { get; init; }

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
        ZkvmExecutionCommitmentCodec.Write(ms, Claim, Shards);
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
        var (claim, shards) = ZkvmExecutionCommitmentCodec.Read<TDef, TDigest>(ref reader);
        uint rootLength = reader.U32("root proof length");
        var root = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(reader.Take((int)Math.Min(rootLength, int.MaxValue), "root proof"),
            ProofShapeLimits.For(kind == ZkvmAggregateKind.Final ? finalConfig ?? recursionConfig : recursionConfig, 16));
        if (reader.Remaining != 0)
            throw new ProofFormatException($"{reader.Remaining} trailing bytes after the aggregated proof");
        return new ZkvmAggregateProof<TDef, TDigest>
        {
            Kind = kind,
            ProgramDigest = digest,
            Claim = claim,
            Shards = shards,
            Root = root,
        };
    }
}
