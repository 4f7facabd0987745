using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Execution proofs with 12-element digests: every shard's commitments, each shard's transcript and the statement
/// transcript that draws the shared LogUp challenges run on Poseidon2-24 (what provable-128 uses; the small
/// development parameters keep this fast). Several shards, so the shared challenges and shard chaining are exercised.
/// </summary>
public sealed class WideDigestZkvmTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Wide = ZkvmProving.Config with { DigestElements = 12 };

    private static readonly Lazy<(ZkvmProgram Program, byte[] Input, byte[] Bytes)> Hello = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        byte[] input = [.. Enumerable.Range(0, 37).Select(i => (byte)(3 * i + 1))];
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearWideDigest>(new ZkvmProverOptions { Config = Wide, ShardSize = 1 << 8 }).Prove(program, input);
        Assert.True(proof.Shards.Count > 1, "the test wants several shards");
        Assert.All(proof.Shards, s => Assert.Equal(12, s.MainCommitment[0].Elements.Length));
        return (program, input, proof.ToBytes());
    });

    [Fact]
    public void Multi_shard_execution_proof_with_wide_digests_verifies()
    {
        var (program, input, bytes) = Hello.Value;
        var result = new ZkvmVerifier<KoalaBearQuartic, KoalaBearWideDigest>(Wide, program).Verify(bytes);
        output.WriteLine($"{bytes.Length:N0} bytes: {result.IsValid} {result.Error}");
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(Prover.Core.Zkvm.Input.InputCommitment.Compute(input, 12), result.InputCommitment);
    }

    [Fact]
    public void Tampered_wide_execution_proofs_are_rejected_without_exceptions()
    {
        var (program, _, bytes) = Hello.Value;
        var verifier = new ZkvmVerifier<KoalaBearQuartic, KoalaBearWideDigest>(Wide, program);
        var rng = new Random(11);
        output.WriteLine("seed 11");
        for (int i = 0; i < 24; i++)
        {
            var copy = bytes.ToArray();
            int at = i < 6 ? rng.Next(0, 200) : rng.Next(copy.Length);
            copy[at] ^= (byte)(1 << rng.Next(8));
            Assert.False(verifier.Verify(copy).IsValid, $"flip at byte {at}");
        }
        foreach (int cut in new[] { 0, 50, bytes.Length / 2, bytes.Length - 1 })
            Assert.False(verifier.Verify(bytes.AsSpan(0, cut)).IsValid);
    }

    [Fact]
    public void An_execution_proof_is_only_read_with_its_own_digest()
    {
        var (program, _, bytes) = Hello.Value;
        // The 8-element verifier of the same parameters: the file's 12-element input commitment already misaligns its
        // reader (a format rejection of the fields after it), and the shards are 12-element-digest proofs anyway.
        var narrow = new ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>(ZkvmProving.Config, program).Verify(bytes);
        Assert.False(narrow.IsValid);
        Assert.NotNull(narrow.Error);
        // A verifier whose type disagrees with its configuration refuses, whatever the proof.
        var mismatched = new ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>(Wide, program).Verify(bytes);
        Assert.False(mismatched.IsValid);
        Assert.Contains("digest", mismatched.Error);
    }
}
