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
        var check = DemoProofs.Verify(file);
        Assert.True(check.Result.IsValid, check.Result.ToString());
        Assert.Equal("demo/" + demo, check.Statement);
        var tampered = (byte[])file.Clone();
        tampered[^40] ^= 0x10;
        Assert.False(DemoProofs.Verify(tampered).Result.IsValid);
    }

    [Fact]
    public void Proof_of_one_demo_does_not_verify_as_another()
    {
        var (file, _) = DemoProofs.Prove("fibonacci", 4, "development");
        var envelope = ProofEnvelope.Parse(file);
        var relabelled = (envelope with { Statement = "demo/lookup" }).ToBytes();
        Assert.False(DemoProofs.Verify(relabelled).Result.IsValid);
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
