using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// A proof that a program (named by <see cref="ProgramDigest"/>) run on a private input of
/// <see cref="InputSize"/> bytes whose commitment is <see cref="InputCommitment"/> executed <see cref="Cycles"/>
/// instructions, committed <see cref="Output"/> and halted with <see cref="ExitCode"/>: one STARK proof per
/// shard, sharing LogUp challenges (docs/zkvm.md, "Proving an execution", "Input").
/// </summary>
public sealed class ZkvmProof<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    /// <summary>
    /// 2: the fixed tables became one 2^16-row byte table (14 tables in the last shard, not 15). 3: each shard names its
    /// chips (<see cref="ShardChips"/>); optional chips without events in a shard have no table there. 4: the byte table
    /// is sized to use (16 bit columns per looked-up byte pair, no preprocessed columns), and a provable-100 statement whose
    /// tables are at most 2^12 rows may be in the small-statement shape (<see cref="Stark.StarkConfig.Provable100Small"/>).
    /// 5: the multiplication gadget (mul, divrem) and the load/store chip check their bytes in pairs on the ByteAnd bus
    /// (one lookup and one AND column per pair, RANGE8 and an msb lookup for the top two bytes of an operand): fewer
    /// interactions and LogUp columns, a few more main columns.
    /// 6: every shard has the preprocessed image table (chip 24, <see cref="Memory.ImageTable{F}"/>), which sends the program's
    /// initial memory in the last shard; the verifier no longer adds the image's bus terms itself.
    /// 7: fewer LogUp columns (issue 19): the CPU chip bounds clk_q by induction (an inverse column) and its next pc through
    /// the Program lookup instead of four Range16 lookups, the mul chip bounds product limb 1 by its sign decomposition
    /// alone, the load/store chip's top loaded byte is a column (its sign lookup pairs), and the development configuration
    /// lets degree-2 tables raise their quotient to 2 chunks.
    /// 8: each table's LogUp running sum is cyclic and stands in for its last group's column (STARK format 7/8, one LogUp
    /// column and three constraints fewer per table, <see cref="Air.LogUp"/>).
    /// 9: each shard's STARK proof has one quotient for all its tables (STARK format 9/10, <see cref="Stark.StarkProofFormat"/>).
    /// 10: the global transcript observes the tree digest of the shards' commitments (<see cref="ShardCommitmentTree"/>)
    /// instead of every commitment in turn, so that an aggregation tree's root states what the challenges were drawn from.
    /// </summary>
    public const ushort Version = 10;

    /// <summary>Upper bounds enforced when parsing (an adversary controls the bytes).</summary>
    public const int MaxShards = 1 << 16, MaxInputBytes = 1 << 30, MaxOutputBytes = 1 << 24;

    /// <summary>
    /// Elements of the input commitment: the digest's length (8 under 8-element digests — the bytes of every earlier
    /// version — and 12 under 12-element digests, where the input-commitment chip hashes with width-24 Poseidon2).
    /// </summary>
    public static int CommitmentElements => TDigest.Length;

    private static ReadOnlySpan<byte> Magic => "PRVZ"u8;

    public required byte[] ProgramDigest { get; init; }

    public required int ExitCode { get; init; }

    public required long Cycles { get; init; }

    public required ulong InputSize { get; init; }

    /// <summary>The input's Poseidon2 commitment (<see cref="Input.InputCommitment.Compute(ReadOnlySpan{byte}, int)"/>), <see cref="CommitmentElements"/> field elements.</summary>
    public required KoalaBear[] InputCommitment { get; init; }

    public required byte[] Output { get; init; }

    /// <summary>Each shard's chips (<see cref="ChipSet"/>): which registry chips have a table in it, fixing its AIR list.</summary>
    public required IReadOnlyList<ChipSet> ShardChips { get; init; }

    public required IReadOnlyList<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>> Shards { get; init; }

    public byte[] ToBytes()
    {
        var shards = Shards.Select(ProofSerializer.Serialize<KoalaBearParameters, TDef, TDigest>).ToArray();
        using var ms = new MemoryStream();
        var b8 = new byte[8];
        void U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(b8, v); ms.Write(b8, 0, 2); }
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); ms.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); ms.Write(b8); }
        void Bytes(byte[] v) { U32((uint)v.Length); ms.Write(v); }
        ms.Write(Magic);
        U16(Version);
        if (ProgramDigest.Length != 32)
            throw new InvalidOperationException("program digest is 32 bytes");
        ms.Write(ProgramDigest);
        U32(unchecked((uint)ExitCode));
        U64((ulong)Cycles);
        U64(InputSize);
        if (InputCommitment.Length != CommitmentElements)
            throw new InvalidOperationException($"the input commitment has {CommitmentElements} elements");
        foreach (var e in InputCommitment)
            U32(e.ToCanonical());
        Bytes(Output);
        if (ShardChips.Count != shards.Length)
            throw new InvalidOperationException($"{ShardChips.Count} chip sets for {shards.Length} shards");
        U32((uint)shards.Length);
        for (int s = 0; s < shards.Length; s++)
        {
            U64(ShardChips[s].Bits);
            Bytes(shards[s]);
        }
        return ms.ToArray();
    }

    /// <summary>The program digest of serialised proof bytes without parsing the rest, or null when the header is not a zkVM proof's.</summary>
    public static byte[]? PeekProgramDigest(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 38 && bytes[..4].SequenceEqual(Magic) ? bytes[6..38].ToArray() : null;

    /// <summary>Parses proof bytes; throws <see cref="ProofFormatException"/> on anything malformed (never reads past the end or allocates beyond the input's size).</summary>
    public static ZkvmProof<TDef, TDigest> Parse(ReadOnlySpan<byte> bytes) => Parse(bytes, null);

    /// <summary>
    /// Parses proof bytes for a verifier under <paramref name="config"/> (null: any configuration); throws
    /// <see cref="ProofFormatException"/> on anything malformed. Counts are checked before the allocations
    /// they cause: at most <paramref name="maxShards"/> shards and no more shards than cycles (a shard is
    /// cut only when an instruction starts in it), and each shard within
    /// <see cref="ProofShapeLimits.For"/> the configuration and a last shard's table count, so parsing
    /// allocates a small multiple of what a proof of the claimed shape needs, whatever it claims.
    /// </summary>
    public static ZkvmProof<TDef, TDigest> Parse(ReadOnlySpan<byte> bytes, StarkConfig? config, int maxShards = MaxShards)
    {
        var limits = config is null ? ProofShapeLimits.Default with { MaxTables = ZkvmChips.Count }
            : ProofShapeLimits.For(config, ZkvmChips.Count);
        int pos = 0;
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> all, int n, string what)
        {
            if (n < 0 || n > all.Length - pos)
                throw new ProofFormatException($"malformed zkVM proof at byte {pos}: truncated {what}");
            var s = all.Slice(pos, n);
            pos += n;
            return s;
        }
        if (!Take(bytes, 4, "magic").SequenceEqual(Magic))
            throw new ProofFormatException("not a zkVM proof (magic)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, 2, "version"));
        if (version != Version)
            throw new ProofFormatException(version < Version
                ? $"zkVM proof version {version} is older than this reader's {Version} (version 10 draws the challenges from the tree digest of the shards' commitments, 9 has one quotient per shard proof): prove again"
                : $"zkVM proof version {version}, expected {Version}");
        var digest = Take(bytes, 32, "program digest").ToArray();
        int exit = unchecked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, 4, "exit code")));
        ulong cycles = BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, "cycle count"));
        if (cycles == 0 || cycles > 1UL << 40)
            throw new ProofFormatException($"cycle count {cycles} out of range");
        byte[] Blob(ReadOnlySpan<byte> all, int max, string what)
        {
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(Take(all, 4, what + " length"));
            if (n > (uint)max)
                throw new ProofFormatException($"{what} of {n} bytes exceeds {max}");
            return Take(all, (int)n, what).ToArray();
        }
        ulong inputSize = BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, "input size"));
        if (inputSize > MaxInputBytes)
            throw new ProofFormatException($"input size {inputSize} exceeds {MaxInputBytes}");
        var commitment = new KoalaBear[CommitmentElements];
        for (int i = 0; i < commitment.Length; i++)
        {
            uint v = BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, 4, "input commitment"));
            if (v >= KoalaBearParameters.P)
                throw new ProofFormatException("input commitment element is not a canonical field element");
            commitment[i] = KoalaBear.FromUInt64(v);
        }
        var output = Blob(bytes, MaxOutputBytes, "output");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, 4, "shard count"));
        if (count == 0 || count > (uint)Math.Min(maxShards, MaxShards) || count > cycles)
            throw new ProofFormatException($"{count} shards for {cycles} cycles (at most {Math.Min(maxShards, MaxShards)} shards, and no more than cycles)");
        // Each shard is at least a chip set, a length and a proof header: a count the bytes cannot hold is rejected before the list is sized.
        if (count > (uint)(bytes.Length - pos) / 16)
            throw new ProofFormatException($"{count} shards do not fit in the {bytes.Length - pos} bytes left");
        var shards = new List<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>>((int)count);
        var chips = new List<ChipSet>((int)count);
        for (int s = 0; s < count; s++)
        {
            // The verifier checks the set against the registry (ZkvmChips.Check); parsing only reads it.
            chips.Add(new ChipSet(BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, 8, $"shard {s} chip set"))));
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, 4, $"shard {s} length"));
            if (n > (uint)(bytes.Length - pos))
                throw new ProofFormatException($"malformed zkVM proof at byte {pos}: shard {s} of {n} bytes exceeds the {bytes.Length - pos} bytes left");
            // Parsed in place from the span: no copy of the shard's bytes.
            shards.Add(ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(Take(bytes, (int)n, $"shard {s}"), limits));
        }
        if (pos != bytes.Length)
            throw new ProofFormatException($"{bytes.Length - pos} trailing bytes after the zkVM proof");
        return new ZkvmProof<TDef, TDigest> { ProgramDigest = digest, ExitCode = exit, Cycles = (long)cycles, InputSize = inputSize, InputCommitment = commitment, Output = output,
            ShardChips = chips, Shards = shards };
    }
}
