using Prover.Core.Air.Demo;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

public sealed class DemoProofTests
{
    [Theory]
    [InlineData("fibonacci", 4)]
    [InlineData("lookup", 5)]
    [InlineData("poseidon2", 3)]
    public void Demo_files_verify_and_tampered_files_do_not(string demo, int logRows)
    {
        var (file, report) = DemoProofs.Prove(demo, logRows, "development");
        Assert.Equal(report.ProofBytes, report.Sizes.Total);
        var check = DemoProofs.Verify(file, VerificationPolicy.Insecure);
        Assert.True(check.Result.IsValid, check.Result.ToString());
        Assert.Equal("demo/" + demo, check.Statement);
        var tampered = (byte[])file.Clone();
        tampered[^40] ^= 0x10;
        Assert.False(DemoProofs.Verify(tampered, VerificationPolicy.Insecure).Result.IsValid);
    }

    [Fact]
    public void Proof_of_one_demo_does_not_verify_as_another()
    {
        var (file, _) = DemoProofs.Prove("fibonacci", 4, "development");
        var envelope = ProofEnvelope.Parse(file);
        var relabelled = (envelope with { Statement = "demo/lookup" }).ToBytes();
        Assert.False(DemoProofs.Verify(relabelled, VerificationPolicy.Insecure).Result.IsValid);
    }

    [Fact]
    public void The_proof_does_not_choose_its_own_security_level()
    {
        // A development proof (60-odd provable bits) names its configuration; the default policy still demands 100 bits.
        var (file, _) = DemoProofs.Prove("fibonacci", 4, "development");
        var strict = DemoProofs.Verify(file);
        Assert.False(strict.Result.IsValid);
        Assert.Contains("insecure proof", strict.Result.Error);
        Assert.Contains("provable bits", strict.Result.Error);
        Assert.Contains("development", strict.Result.Error);
        var lenient = DemoProofs.Verify(file, VerificationPolicy.Insecure);
        Assert.True(lenient.Result.IsValid, lenient.Result.ToString());
        Assert.NotNull(lenient.Security);
        Assert.True(lenient.Security!.Provable < VerificationPolicy.DefaultMinimumProvableBits);
        // An expected configuration other than the proof's is refused even when insecure proofs are allowed.
        var expected = DemoProofs.Verify(file, VerificationPolicy.Insecure with { ExpectedConfig = "provable-100" });
        Assert.False(expected.Result.IsValid);
        Assert.Contains("expected 'provable-100'", expected.Result.Error);
    }

    [Fact]
    public void A_provable_proof_meets_the_default_policy_and_a_higher_minimum_rejects_it()
    {
        var (file, report) = DemoProofs.Prove("fibonacci", 4, "provable-100");
        var check = DemoProofs.Verify(file);
        Assert.True(check.Result.IsValid, check.Result.ToString());
        Assert.Equal(report.Security.Provable, check.Security!.Provable);
        Assert.True(check.Security.Provable >= 100);
        var higher = DemoProofs.Verify(file, new VerificationPolicy { MinimumProvableBits = check.Security.Provable + 1 });
        Assert.False(higher.Result.IsValid);
        Assert.Contains("below the required", higher.Result.Error);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { (byte)'P', (byte)'R', (byte)'V', (byte)'E', 1, 0, 200 })]
    public void Garbage_is_rejected_without_exceptions(byte[] bytes)
    {
        Assert.False(DemoProofs.Verify(bytes).Result.IsValid);
    }

    [Fact]
    public void Provable_presets_reach_their_stated_security_on_a_mainnet_sized_shape()
    {
        // A shape like a zkVM shard: 2^22 rows, a few hundred columns, LogUp over 2^24 fractions.
        foreach (var preset in new[] { StarkConfig.Provable100, StarkConfig.Provable128 })
        {
            var p = preset.SecurityParameters(2130706433, 8, 22, 3, 600, 500, 1200, Math.Pow(2, 24), 8);
            var report = Prover.Core.Security.SecurityCalculator.Compute(p);
            Assert.True(report.Provable >= preset.MinimumProvableBits, $"{preset.Name}: {report}");
        }
    }
}
