using System.Buffers.Binary;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// provable-128 commits with 12-element digests (Poseidon2 width 24): its proofs report and demand 128 provable bits
/// with the hash term counted, verify, reject tampering, carry format version 3, and a digest that differs from the
/// configuration's is refused with a clear error wherever it could meet one (prover, verifier, parser).
/// </summary>
public sealed class WideDigestProofTests(ITestOutputHelper output)
{
    private static readonly Lazy<(byte[] File, DemoProofReport Report)> Fib128 = new(() => DemoProofs.Prove("fibonacci", 6, "provable-128"));

    private static byte[] StarkBytes => ProofEnvelope.Parse(Fib128.Value.File).Proof;

    [Fact]
    public void Provable_128_proof_has_128_bits_with_the_hash_counted_and_verifies()
    {
        var (file, report) = Fib128.Value;
        output.WriteLine($"provable-128 fibonacci 2^6: {report.ProofBytes:N0} bytes, {report.Security}");
        Assert.Equal(128, report.Security.HashBits);
        Assert.True(report.Security.Provable >= 128, report.Security.ToString());
        Assert.Equal(128, StarkConfig.Provable128.MinimumProvableBits);

        var check = DemoProofs.Verify(file, VerificationPolicy.Default with { MinimumProvableBits = 128 });
        Assert.True(check.Result.IsValid, check.Result.ToString());
        Assert.Equal(report.Security.Provable, check.Security!.Provable);
        Assert.True(DemoProofs.Verify(file, VerificationPolicy.Of(StarkConfig.Provable128)).Result.IsValid);
        var higher = DemoProofs.Verify(file, VerificationPolicy.Default with { MinimumProvableBits = report.Security.Provable + 1 });
        Assert.False(higher.Result.IsValid);
        Assert.Contains("insecure proof", higher.Result.Error);

        // Format version 3 (12-element digests); the parse/serialise round trip is the identity.
        var bytes = StarkBytes;
        Assert.Equal(StarkProofFormat.WideDigestVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(bytes);
        Assert.Equal(bytes, ProofSerializer.Serialize(proof));
        Assert.All(proof.MainCommitment.Digests.ToArray(), d => Assert.Equal(12, d.Elements.Length));
    }

    [Fact]
    public void Tampered_provable_128_proofs_are_rejected()
    {
        var bytes = StarkBytes;
        var airs = DemoCatalog.Airs("fibonacci")!;
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(StarkConfig.Provable128);
        Assert.True(verifier.Verify(airs, bytes).IsValid);
        var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(bytes);
        ProofSerializer.Serialize(proof, out var sizes);
        // Positions: each word of the main cap's first digest (including words 8..11, which only the wide digest has),
        // the LogUp cap's count (absent: 0), the quotient cap, the openings, the final polynomial and a spread over
        // the query section (rows, siblings, FRI values). Caps are a u16 count and 48-byte digests.
        int mainCap = sizes.Header, logUpCap = mainCap + 2 + 48 * proof.MainCommitment.Count, quotientCap = logUpCap + 2;
        var positions = new List<int>();
        for (int w = 0; w < 12; w++)
            positions.Add(mainCap + 2 + 4 * w);
        positions.Add(logUpCap);
        positions.Add(quotientCap + 2 + 4 * 11);
        positions.Add(sizes.Header + sizes.Commitments + 8);
        positions.Add(sizes.Header + sizes.Commitments + sizes.Openings + 8);
        int queries = sizes.Header + sizes.Commitments + sizes.Openings + sizes.FinalPolynomial;
        for (int at = queries + 3; at < bytes.Length; at += Math.Max(1, (bytes.Length - queries) / 40))
            positions.Add(at);
        foreach (int at in positions)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[at] ^= 0x01;
            var result = verifier.Verify(airs, tampered);
            Assert.False(result.IsValid, $"byte {at} flipped: accepted");
        }
        output.WriteLine($"{positions.Count} single-bit changes rejected");
    }

    [Fact]
    public void A_digest_other_than_the_configurations_is_refused_with_a_clear_error()
    {
        // Prover and verifier instantiated with the other digest: refused before any work.
        var e1 = Assert.Throws<ArgumentException>(() => new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(StarkConfig.Provable128));
        Assert.Contains("12-element digests", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(StarkConfig.Provable100));
        Assert.Contains("8-element digests", e2.Message);

        // A wide proof read as 8-element digests, and an 8-element proof read as 12-element digests.
        var wide = StarkBytes;
        var p1 = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(wide));
        Assert.Contains($"version {StarkProofFormat.WideDigestVersion} has 12-element digests", p1.Message);
        var (narrowFile, _) = DemoProofs.Prove("fibonacci", 4, "provable-100");
        var narrow = ProofEnvelope.Parse(narrowFile).Proof;
        var p2 = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(narrow));
        Assert.Contains($"version {StarkProofFormat.Version} has 8-element digests", p2.Message);

        // A provable-128 proof made with 8-element digests (what this preset produced before): the file names
        // provable-128, the verifier reads the preset's digest and rejects it with the reason.
        var config = StarkConfig.Provable128 with { DigestElements = 8, MinimumProvableBits = 0 };
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", 4);
        var old = new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(config).Prove(airs, traces, publics);
        var oldFile = new ProofEnvelope("demo/fibonacci", "provable-128", ProofSerializer.Serialize(old)).ToBytes();
        var check = DemoProofs.Verify(oldFile, VerificationPolicy.Insecure);
        Assert.False(check.Result.IsValid);
        Assert.Contains("8-element digests", check.Result.Error);
    }

    [Fact]
    public void The_same_statement_under_both_digests_differs_and_each_verifies_only_with_its_own()
    {
        // Development parameters with each digest: the transcript and every commitment differ.
        var airs = new IAir<KoalaBear>[] { new FibonacciAir<KoalaBear>() };
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(1 << 5, KoalaBear.Zero, KoalaBear.One);
        KoalaBear[][] publics = [[trace[0, 0], trace[0, 1], trace[trace.Height - 1, 1]]];
        var narrowConfig = StarkConfig.Development with { NumQueries = 12, QueryPowBits = 4 };
        var wideConfig = narrowConfig with { DigestElements = 12 };
        var narrow = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(narrowConfig).Prove(airs, [trace], publics);
        var wide = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearWideDigest>(wideConfig).Prove(airs, [trace], publics);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(narrowConfig).Verify(airs, narrow).IsValid);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearWideDigest>(wideConfig).Verify(airs, wide).IsValid);
        Assert.NotEqual(narrow.MainCommitment[0].Elements.ToArray(), wide.MainCommitment[0].Elements[..8].ToArray());
        var wideBytes = ProofSerializer.Serialize(wide);
        var narrowBytes = ProofSerializer.Serialize(narrow);
        // Each cap digest and Merkle sibling is 16 bytes longer.
        Assert.True(wideBytes.Length > narrowBytes.Length);
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(narrowConfig).Verify(airs, wideBytes).IsValid);
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearWideDigest>(wideConfig).Verify(airs, narrowBytes).IsValid);
    }

    [Fact]
    public void Huge_counts_and_truncations_of_a_wide_proof_are_rejected_while_parsing()
    {
        var bytes = StarkBytes;
        var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(bytes);
        ProofSerializer.Serialize(proof, out var sizes);
        var limits = ProofShapeLimits.For(StarkConfig.Provable128, 1);
        // FRI round count: after the main cap, the empty LogUp cap, the quotient cap (u16 count, 48-byte digests) and one
        // octic bus sum (8 elements).
        int friRounds = sizes.Header + 2 + 48 * proof.MainCommitment.Count + 2 + 2 + 48 * proof.QuotientCommitment.Count + 8 * 4;
        Assert.Equal(proof.FriCommitments.Length, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(friRounds)));
        var patched = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(friRounds), ushort.MaxValue);
        var e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(patched, limits));
        Assert.Contains("65535 FRI rounds", e.Message);
        // A possible but wrong round count: the rest no longer parses as the proof, and the verifier says so.
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(friRounds), (ushort)(proof.FriCommitments.Length + 1));
        var verdict = new StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(StarkConfig.Provable128)
            .Verify(DemoCatalog.Airs("fibonacci")!, patched);
        Assert.False(verdict.IsValid);
        // The main tree's siblings: after the tree count, the matrix count, and the one matrix's u32 count and rows.
        int inputTrees = sizes.Header + sizes.Commitments + sizes.Openings + sizes.FinalPolynomial;
        int siblings = inputTrees + 2 + 4 + 4 * proof.InputOpenings[0].Rows[0].Length;
        Assert.Equal((uint)proof.InputOpenings[0].Siblings.Count, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(siblings)));
        patched = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(siblings), uint.MaxValue);
        e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(patched, limits));
        Assert.Contains("Merkle siblings, at most", e.Message);
        // The bytes cut one short of the siblings at 48 bytes each (they would hold them at 32): refused by the count check.
        int k = proof.InputOpenings[0].Siblings.Count;
        var short1 = bytes.AsSpan(0, siblings + 4 + 48 * k - 1).ToArray();
        e = Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(short1, limits));
        Assert.Contains($"length {k} exceeds the remaining {48 * k - 1} bytes", e.Message);
        // Truncation anywhere is a format error, never another exception.
        for (int cut = 0; cut < bytes.Length; cut += 97)
            Assert.Throws<ProofFormatException>(() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(bytes.AsSpan(0, cut), limits));
    }
}
