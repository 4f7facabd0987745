using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Tests.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// provable-100's small-statement shape (<see cref="StarkConfig.Provable100Small"/>): which statements get it, what a
/// verifier accepts, and that a small zkVM proof in that shape verifies at the preset's provable level or above.
/// </summary>
public sealed class SmallStatementShapeTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Preset = StarkConfig.Provable100;

    [Fact]
    public void Only_provable_100_statements_up_to_the_bound_get_the_small_shape()
    {
        var small = Preset.ForTallestTable(StarkConfig.SmallStatementMaxLogHeight);
        Assert.True(StarkConfig.SameShape(small, StarkConfig.Provable100Small));
        Assert.Equal(Preset.Name, small.Name);
        Assert.Equal((6, 27, 24), (small.LogBlowup, small.NumQueries, small.QueryPowBits));
        Assert.Same(Preset, Preset.ForTallestTable(StarkConfig.SmallStatementMaxLogHeight + 1));
        Assert.Same(StarkConfig.Development, StarkConfig.Development.ForTallestTable(1));
        Assert.Same(StarkConfig.Provable128, StarkConfig.Provable128.ForTallestTable(1));
        // A modified copy of the preset keeps its own shape; the policy fields alone do not count as a modification and carry over.
        var custom = Preset with { NumQueries = 60 };
        Assert.Same(custom, custom.ForTallestTable(1));
        var strict = Preset with { MinimumProvableBits = 110 };
        Assert.Equal(110, strict.ForTallestTable(1).MinimumProvableBits);
        Assert.Equal(StarkConfig.Provable100Small.LogBlowup, strict.ForTallestTable(1).LogBlowup);
    }

    [Fact]
    public void The_verifier_expects_the_small_shape_only_of_a_small_statement_that_claims_it()
    {
        var small = StarkConfig.Provable100Small;
        int bound = StarkConfig.SmallStatementMaxLogHeight;
        Assert.True(StarkConfig.SameShape(Preset.ExpectedShape(small, bound), small));
        // A small statement may still be proved in the preset's own shape (the distributed prover does).
        Assert.Same(Preset, Preset.ExpectedShape(Preset, bound));
        // A larger statement in the small shape is held to the preset's shape, which its shards then fail.
        Assert.Same(Preset, Preset.ExpectedShape(small, bound + 1));
        // Any other claimed shape, or none, is held to the preset's.
        Assert.Same(Preset, Preset.ExpectedShape(small with { NumQueries = 20 }, bound));
        Assert.Same(Preset, Preset.ExpectedShape(small with { Name = "custom" }, bound));
        Assert.Same(Preset, Preset.ExpectedShape(null, bound));
        // A verifier of another configuration never expects the small shape.
        var custom = Preset with { NumQueries = 60 };
        Assert.Same(custom, custom.ExpectedShape(small, 1));
    }

    [Fact]
    public void A_small_zkvm_statement_proves_in_the_small_shape_at_the_presets_level_or_above()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var prover = new ZkvmProver<KoalaBearOctic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = Preset });
        var proof = prover.Prove(program, []);
        var shape = proof.Shards[0].Config!;
        output.WriteLine($"hello: log blowup {shape.LogBlowup}, {shape.NumQueries} queries, {shape.QueryPowBits} PoW bits, "
            + $"{proof.ToBytes().Length} B, {prover.LastReport!.ProvableBits} provable bits");
        Assert.True(StarkConfig.SameShape(shape, StarkConfig.Provable100Small));
        var result = new ZkvmVerifier<KoalaBearOctic, Digest<KoalaBearParameters>>(Preset, program).Verify(proof.ToBytes());
        Assert.True(result.IsValid, result.Error);
        // The preset's level by the calculator: 103 provable bits (SecurityComparisonTests); the small shape keeps at least that.
        Assert.True(result.Security!.Provable >= 103, $"{result.Security.Provable} provable bits");
        // A verifier expecting another shape (a modified preset) refuses the small-shape proof.
        var other = new ZkvmVerifier<KoalaBearOctic, Digest<KoalaBearParameters>>(Preset with { NumQueries = 60 }, program).Verify(proof.ToBytes());
        Assert.False(other.IsValid);
        Assert.Contains("another configuration", other.Error);
    }
}
