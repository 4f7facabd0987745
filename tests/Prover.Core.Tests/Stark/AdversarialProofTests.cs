using System.Buffers.Binary;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// Proofs that claim huge heights, lengths and counts (an attacker's proof): the verifier rejects each one
/// with a reason, after allocating no more than a small multiple of the bytes it was given, and without
/// work that grows with the claim. Each case patches one count of a real serialised proof, at an offset
/// computed from the format (docs/design.md, "Proof format"), so the rest of the proof is well formed.
/// Allocation is measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>; parsing and rejecting
/// runs on the test's thread.
/// </summary>
public sealed class AdversarialProofTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 0, LogFinalPolyLength = 0 }; // FRI folds these small tables

    /// <summary>Allocation allowed for parsing and rejecting <paramref name="proofLength"/> bytes: 4 bytes per byte plus 64 KiB.</summary>
    private static long Budget(int proofLength) => 4L * proofLength + (64 << 10);

    private static readonly Lazy<(byte[] Bytes, ProofSizeBreakdown Sizes, IAir<KoalaBear>[] Airs)> Fib = new(() =>
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(1 << 6, KoalaBear.Zero, KoalaBear.One);
        IAir<KoalaBear>[] airs = [new FibonacciAir<KoalaBear>()];
        KoalaBear[] publics = [trace[0, 0], trace[0, 1], trace[trace.Height - 1, 1]];
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(airs, [trace], [publics]);
        return (ProofSerializer.Serialize(proof, out var sizes), sizes, airs);
    });

    /// <summary>Offsets of the counts in the Fibonacci proof (one table, three public values, degree-4 extension).</summary>
    private static class At
    {
        private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> Parsed => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Fib.Value.Bytes);

        // Header: magic, version, prime, degree, then blowup, queries (u16), PoW, final length, arity, cap height, LogUp raise, name length.
        public static int NameByte => 20;
        public static int Tables => 20 + Config.Name.Length;
        public static int LogHeight => Tables + 2;
        public static int PublicCount => Tables + 3;
        public static int NumQueriesInHeader => 12;
        public static int LogBlowupInHeader => 11;
        public static int MainCap => Fib.Value.Sizes.Header;
        // Main cap, the empty LogUp cap (count 0), the quotient cap, one quartic bus sum.
        public static int FriRounds => MainCap + 2 + 32 * Parsed.MainCommitment.Count + 2 + 2 + 32 * Parsed.QuotientCommitment.Count + 16;
        public static int FirstOpeningList => Fib.Value.Sizes.Header + Fib.Value.Sizes.Commitments;
        public static int FinalPolynomial => FirstOpeningList + Fib.Value.Sizes.Openings;
        public static int InputTrees => FinalPolynomial + Fib.Value.Sizes.FinalPolynomial;
        public static int FirstOpenedMatrices => InputTrees + 1;
        public static int FirstRowsLength => InputTrees + 2;
        // The main tree's one matrix (width 2): u32 count + its rows at the distinct indices, then the siblings' u32 count.
        public static int FirstSiblings => FirstRowsLength + 4 + 4 * Parsed.InputOpenings[0].Rows[0].Length;
        public static int FriSteps => InputTrees + Fib.Value.Sizes.QueryInputs;
        public static int FirstFriValues => FriSteps + 1;
    }

    private static byte[] Patched(Action<byte[]> patch)
    {
        var bytes = (byte[])Fib.Value.Bytes.Clone();
        patch(bytes);
        return bytes;
    }

    private static (VerificationResult Result, long Allocated) VerifyMeasured(byte[] bytes, StarkConfig? config = null)
    {
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config ?? Config);
        var airs = Fib.Value.Airs;
        verifier.Verify(airs, Fib.Value.Bytes); // JIT and statics warmed up outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = verifier.Verify(airs, bytes);
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Unpatched_proof_verifies_and_the_offsets_point_at_the_counts()
    {
        var (bytes, _, _) = Fib.Value;
        var (valid, allocated) = VerifyMeasured(bytes);
        output.WriteLine($"valid proof of {bytes.Length:N0} bytes: verified with {allocated:N0} bytes allocated on the test thread");
        Assert.True(valid.IsValid);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(At.Tables)));
        Assert.Equal(6, bytes[At.LogHeight]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.PublicCount)));
        Assert.Equal(Config.NumQueries, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(At.NumQueriesInHeader)));
        var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);
        Assert.Equal(proof.MainCommitment.Count, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(At.MainCap)));
        Assert.Equal(proof.FriCommitments.Length, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(At.FriRounds)));
        Assert.Equal(1u << Config.LogFinalPolyLength, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.FinalPolynomial)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.FirstOpeningList))); // no preprocessed columns
        Assert.Equal(2, bytes[At.InputTrees]); // main + quotient
        Assert.Equal(1, bytes[At.FirstOpenedMatrices]);
        uint rowValues = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.FirstRowsLength));
        Assert.True(rowValues % 2 == 0 && rowValues <= 2 * Config.NumQueries, $"{rowValues} values: rows of width 2 at ≤ 20 distinct indices");
        Assert.Equal((uint)proof.InputOpenings[0].Siblings.Count, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.FirstSiblings)));
        Assert.Equal(proof.FriOpenings.Length, bytes[At.FriSteps]);
        Assert.Equal((uint)proof.FriOpenings[0].Values.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(At.FirstFriValues)));
    }

    public static readonly TheoryData<string, string> HugeClaims = new()
    {
        { "tables", "65535 tables, at most 1 expected" },
        { "log-height", "exceeds the field's 2^24 domain" },
        { "public-values", "field elements, at most" },
        { "main-cap", "a cap of 65535 digests" },
        { "fri-rounds", "65535 FRI rounds" },
        { "opened-values", "extension elements, at most" },
        { "final-polynomial", "extension elements, at most 1 expected" },
        { "query-trees", "openings of 255 commitments" },
        { "opened-rows", "255 opened matrices" },
        { "opened-row-length", "field elements, at most" },
        { "merkle-siblings", "Merkle siblings, at most" },
        { "fri-steps", "answers for 255 FRI steps" },
        { "fri-values", "extension elements, at most" },
        { "config-queries", "unusable configuration" },
        { "config-blowup", "unusable configuration" },
    };

    private static void Patch(string claim, byte[] b)
    {
        switch (claim)
        {
            case "tables": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.Tables), ushort.MaxValue); break;
            case "log-height": b[At.LogHeight] = 250; break;
            case "public-values": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.PublicCount), uint.MaxValue); break;
            case "main-cap": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.MainCap), ushort.MaxValue); break;
            case "fri-rounds": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.FriRounds), ushort.MaxValue); break;
            case "opened-values": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.FirstOpeningList), 0x7FFF_FFFF); break;
            case "final-polynomial": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.FinalPolynomial), 1u << 30); break;
            case "query-trees": b[At.InputTrees] = 255; break;
            case "opened-rows": b[At.FirstOpenedMatrices] = 255; break;
            case "opened-row-length": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.FirstRowsLength), uint.MaxValue); break;
            case "merkle-siblings": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.FirstSiblings), uint.MaxValue); break;
            case "fri-steps": b[At.FriSteps] = 255; break;
            case "fri-values": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(At.FirstFriValues), uint.MaxValue); break;
            case "config-queries": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.NumQueriesInHeader), ushort.MaxValue); break;
            case "config-blowup": b[At.LogBlowupInHeader] = 200; break;
            default: throw new ArgumentOutOfRangeException(nameof(claim));
        }
    }

    [Theory]
    [MemberData(nameof(HugeClaims))]
    public void Huge_claim_is_rejected_while_parsing_with_bounded_allocation(string claim, string reason)
    {
        var bytes = Patched(b => Patch(claim, b));
        var (result, allocated) = VerifyMeasured(bytes);
        output.WriteLine($"{claim}: rejected with {allocated:N0} bytes allocated for a {bytes.Length:N0}-byte proof: {result.Error}");
        Assert.False(result.IsValid);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.True(allocated < Budget(bytes.Length), $"{claim}: {allocated} bytes allocated for a {bytes.Length}-byte proof");
    }

    [Theory]
    [MemberData(nameof(HugeClaims))]
    public void Huge_claim_is_rejected_by_the_parser_without_limits(string claim, string reason)
    {
        _ = reason;
        var bytes = Patched(b => Patch(claim, b));
        // The format alone (no verifier limits) rejects every one of these claims too.
        var e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes));
        Assert.StartsWith("malformed proof at byte", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Proofs of the formats before the cyclic LogUp running sum (5: 8-element digests, 6: 12-element) and before one quotient for
    /// all tables (7, 8) are refused by name, not misread.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Proof_of_a_retired_format_is_refused_with_a_clear_error(int version)
    {
        var bytes = Patched(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), (ushort)version));
        var e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes));
        Assert.Contains($"proof format version {version} is retired", e.Message, StringComparison.Ordinal);
        Assert.Contains($"expects version {StarkProofFormat.Version}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)] // a quotient per table in each shard proof
    public void Zkvm_proof_of_an_older_version_is_refused_with_a_clear_error(int version)
    {
        var bytes = ZkvmBytes(0, 0, []);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)version);
        var e = Assert.Throws<ProofFormatException>(() => ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(bytes));
        Assert.Contains($"zkVM proof version {version} is older than this reader's {ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Version}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(22)] // within the field's domains: the verifier's work must not grow with it
    [InlineData(23)]
    public void Large_but_possible_height_claim_is_rejected_without_work_proportional_to_it(int logHeight)
    {
        var bytes = Patched(b => b[At.LogHeight] = (byte)logHeight);
        var (result, allocated) = VerifyMeasured(bytes);
        output.WriteLine($"2^{logHeight} rows: rejected with {allocated:N0} bytes allocated: {result.Error}");
        Assert.False(result.IsValid);
        Assert.True(allocated < Budget(bytes.Length) + (1 << 20), $"{allocated} bytes allocated for a claim of 2^{logHeight} rows");
    }

    // ---- zkVM proofs: header counts, then each shard through the STARK parser's limits ----

    private static byte[] ZkvmBytes(ulong cycles, uint shardCount, IEnumerable<byte[]> shards, uint outputLength = 0)
    {
        using var ms = new MemoryStream();
        var b = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b, v); ms.Write(b, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b); }
        ms.Write("PRVZ"u8);
        BinaryPrimitives.WriteUInt16LittleEndian(b, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Version);
        ms.Write(b, 0, 2);
        ms.Write(new byte[32]);          // program digest
        U32(0);                          // exit code
        U64(cycles);
        U64(0);                          // input size
        for (int i = 0; i < 8; i++)
            U32(0);                      // input commitment
        U32(outputLength);
        U32(shardCount);
        foreach (var s in shards)
        {
            U64(Prover.Core.Zkvm.Chips.ZkvmChips.Full(lastShard: true).Bits); // chip set
            U32((uint)s.Length);
            ms.Write(s);
        }
        return ms.ToArray();
    }

    private static (ZkvmVerification Result, long Allocated) VerifyZkvmMeasured(byte[] bytes)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var verifier = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program);
        verifier.Verify(ZkvmBytes(1, 1, [Fib.Value.Bytes]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = verifier.Verify(bytes);
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    public static readonly TheoryData<string, string> HugeZkvmClaims = new()
    {
        { "shards-beyond-cycles", "65536 shards for 10 cycles" },
        { "shards-beyond-bytes", "do not fit" },
        { "shards-beyond-maximum", "shards for 1099511627776 cycles" },
        { "cycles", "cycle count" },
        { "shard-length", "exceeds the" },
        { "output-length", "output of 4294967295 bytes exceeds" },
        { "shard-queries", "queries, at most 20 expected" },
        { "shard-tables", $"tables, at most {Prover.Core.Zkvm.Chips.ZkvmChips.Count} expected" },
    };

    [Theory]
    [MemberData(nameof(HugeZkvmClaims))]
    public void Huge_zkvm_claim_is_rejected_while_parsing_with_bounded_allocation(string claim, string reason)
    {
        var fib = Fib.Value.Bytes;
        var bytes = claim switch
        {
            "shards-beyond-cycles" => ZkvmBytes(10, 1 << 16, [fib]),
            "shards-beyond-bytes" => ZkvmBytes(1UL << 40, 1 << 16, [fib]),
            "shards-beyond-maximum" => ZkvmBytes(1UL << 40, (1 << 16) + 1, [fib]),
            "cycles" => ZkvmBytes(ulong.MaxValue, 1, [fib]),
            // One shard announced, then a length far beyond the bytes that follow.
            "shard-length" => [.. ZkvmBytes(10, 1, []), .. BitConverter.GetBytes(Prover.Core.Zkvm.Chips.ZkvmChips.Full(lastShard: true).Bits),
                .. BitConverter.GetBytes(0xFFFF_FFF0u), .. fib],
            "output-length" => ZkvmBytes(10, 1, [fib], uint.MaxValue),
            "shard-queries" => ZkvmBytes(10, 1, [Patched(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.NumQueriesInHeader), 1000))]),
            "shard-tables" => ZkvmBytes(10, 1, [Patched(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(At.Tables), 300))]),
            _ => throw new ArgumentOutOfRangeException(nameof(claim)),
        };
        var (result, allocated) = VerifyZkvmMeasured(bytes);
        output.WriteLine($"{claim}: rejected with {allocated:N0} bytes allocated for a {bytes.Length:N0}-byte proof: {result.Error}");
        Assert.False(result.IsValid);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.True(allocated < Budget(bytes.Length), $"{claim}: {allocated} bytes allocated for a {bytes.Length}-byte proof");
    }

    [Fact]
    public void Names_that_are_not_utf8_are_rejected_so_that_every_proof_file_has_one_encoding()
    {
        // Found by AFL++ on the proof-file harness: "develo\xBBment" decoded to a replacement character and
        // re-encoded to other bytes (regressions/proof-file/invalid-utf8-config-name).
        var proof = Patched(b => b[At.NameByte] = 0xBB);
        var e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(proof));
        Assert.Contains("the configuration name is not valid UTF-8", e.Message, StringComparison.Ordinal);
        var file = new ProofEnvelope("demo/fibonacci", Config.Name, Fib.Value.Bytes).ToBytes();
        Assert.Equal("demo/fibonacci", ProofEnvelope.Parse(file).Statement);
        file[7] = 0xFF; // first byte of the statement name
        e = Assert.Throws<ProofFormatException>(() => ProofEnvelope.Parse(file));
        Assert.Contains("statement name is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_limits_follow_the_verifier()
    {
        var limits = ProofShapeLimits.For(Config, 3);
        Assert.Equal((3, Config.NumQueries), (limits.MaxTables, limits.MaxQueries));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProofShapeLimits.For(Config, 0));
        // Parsing with the limits of another query count rejects the same proof that the default limits accept.
        var bytes = Fib.Value.Bytes;
        Assert.NotNull(ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes));
        var e = Assert.Throws<ProofFormatException>(() =>
            ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes, ProofShapeLimits.For(Config with { NumQueries = 19 }, 1)));
        Assert.Contains("20 queries, at most 19 expected", e.Message, StringComparison.Ordinal);
    }
}
