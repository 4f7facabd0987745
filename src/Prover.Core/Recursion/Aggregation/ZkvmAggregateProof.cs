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
        var b8 = new byte[8];
        void U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(b8, v); ms.Write(b8, 0, 2); }
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); ms.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); ms.Write(b8); }
        void Felts(IReadOnlyList<KoalaBear> v) { U32((uint)v.Count); foreach (var e in v) U32(e.ToCanonical()); }
        ms.Write(MagicOf(Kind));
        U16(Version);
        U16((ushort)TDef.Degree);
        if (ProgramDigest.Length != 32)
            throw new InvalidOperationException("program digest is 32 bytes");
        ms.Write(ProgramDigest);
        U32(unchecked((uint)Claim.ExitCode));
        U64((ulong)Claim.Cycles);
        U64(Claim.InputSize);
        Felts(Claim.InputCommitment);
        U32((uint)Claim.Output.Length);
        ms.Write(Claim.Output);
        U32((uint)Shards.Count);
        foreach (var s in Shards)
        {
            U64(s.Chips.Bits);
            U32((uint)s.LogHeights.Length);
            foreach (int h in s.LogHeights)
                U32((uint)h);
            foreach (var p in s.PublicValues)
                Felts(p);
            U32((uint)s.MainCommitment.Length);
            foreach (var d in s.MainCommitment)
                Felts(d);
        }
        var root = ProofSerializer.Serialize(Root);
        U32((uint)root.Length);
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
        int pos = 0;
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> all, int n, string what)
        {
            if (n < 0 || n > all.Length - pos)
                throw new ProofFormatException($"malformed aggregated proof at byte {pos}: truncated {what}");
            var s = all.Slice(pos, n);
            pos += n;
            return s;
        }
        uint U32(ReadOnlySpan<byte> all, string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(all, 4, what));
        KoalaBear[] Felts(ReadOnlySpan<byte> all, int max, string what)
        {
            uint n = U32(all, what + " length");
            if (n > (uint)max || n > (uint)(all.Length - pos) / 4)
                throw new ProofFormatException($"{what}: {n} elements out of range");
            var v = new KoalaBear[n];
            for (int i = 0; i < v.Length; i++)
            {
                uint e = U32(all, what);
                if (e >= KoalaBearParameters.P)
                    throw new ProofFormatException($"{what}: not a canonical field element");
                v[i] = KoalaBear.FromUInt64(e);
            }
            return v;
        }
        var kind = KindOf(bytes) ?? throw new ProofFormatException("not an aggregated or final zkVM proof (magic)");
        Take(bytes, 4, "magic");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, 2, "version"));
        if (version != Version)
            throw new ProofFormatException($"aggregated proof version {version}, expected {Version}");
        ushort degree = BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, 2, "extension degree"));
        if (degree != TDef.Degree)
            throw new ProofFormatException($"aggregated proof over a degree-{degree} extension, expected {TDef.Degree}");
        var digest = Take(bytes, 32, "program digest").ToArray();
        int exit = unchecked((int)U32(bytes, "exit code"));
        ulong cycles = BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, "cycle count"));
        if (cycles == 0 || cycles > 1UL << 40)
            throw new ProofFormatException($"cycle count {cycles} out of range");
        ulong inputSize = BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, "input size"));
        if (inputSize > (ulong)ZkvmProof<TDef, TDigest>.MaxInputBytes)
            throw new ProofFormatException($"input size {inputSize} out of range");
        var commitment = Felts(bytes, ZkvmProof<TDef, TDigest>.CommitmentElements, "input commitment");
        if (commitment.Length != ZkvmProof<TDef, TDigest>.CommitmentElements)
            throw new ProofFormatException($"the input commitment has {ZkvmProof<TDef, TDigest>.CommitmentElements} elements");
        uint outputLength = U32(bytes, "output length");
        if (outputLength > ZkvmProof<TDef, TDigest>.MaxOutputBytes)
            throw new ProofFormatException($"output of {outputLength} bytes out of range");
        var output = Take(bytes, (int)outputLength, "output").ToArray();
        uint count = U32(bytes, "shard count");
        if (count == 0 || count > MaxShards || count > cycles || count > (uint)(bytes.Length - pos) / 16)
            throw new ProofFormatException($"{count} shards out of range");
        var shards = new ShardCommitment[count];
        for (int s = 0; s < shards.Length; s++)
        {
            var chips = new ChipSet(BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, "chip set")));
            uint tables = U32(bytes, "table count");
            if (tables == 0 || tables > ChipSet.Capacity)
                throw new ProofFormatException($"shard {s}: {tables} tables out of range");
            var heights = new int[tables];
            for (int t = 0; t < heights.Length; t++)
            {
                uint h = U32(bytes, "height");
                if (h is < 1 or > 30)
                    throw new ProofFormatException($"shard {s}: height 2^{h} out of range");
                heights[t] = (int)h;
            }
            var publics = new KoalaBear[tables][];
            for (int t = 0; t < publics.Length; t++)
                publics[t] = Felts(bytes, MaxPublicValues, "public values");
            uint digests = U32(bytes, "cap size");
            if (digests == 0 || digests > MaxCapDigests || digests > (uint)(bytes.Length - pos) / 4)
                throw new ProofFormatException($"shard {s}: cap of {digests} digests out of range");
            var cap = new KoalaBear[digests][];
            for (int i = 0; i < cap.Length; i++)
            {
                cap[i] = Felts(bytes, TDigest.Length, "cap digest");
                if (cap[i].Length != TDigest.Length)
                    throw new ProofFormatException($"shard {s}: a cap digest of {cap[i].Length} elements, the configuration's have {TDigest.Length}");
            }
            shards[s] = new ShardCommitment(chips, heights, publics, cap);
        }
        uint rootLength = U32(bytes, "root proof length");
        var root = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(Take(bytes, (int)Math.Min(rootLength, int.MaxValue), "root proof"),
            ProofShapeLimits.For(kind == ZkvmAggregateKind.Final ? finalConfig ?? recursionConfig : recursionConfig, 16));
        if (pos != bytes.Length)
            throw new ProofFormatException($"{bytes.Length - pos} trailing bytes after the aggregated proof");
        return new ZkvmAggregateProof<TDef, TDigest>
        {
            Kind = kind,
            ProgramDigest = digest,
            Claim = new ZkvmClaim(inputSize, commitment, output, exit, (long)cycles),
            Shards = shards,
            Root = root,
        };
    }
}
