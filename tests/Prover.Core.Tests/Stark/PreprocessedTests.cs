using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>A range table whose entries 0..n−1 are a preprocessed (fixed) column; main column 0 is the multiplicity.</summary>
internal sealed class FixedRangeTableAir(uint offset = 0) : IAir<KoalaBear>
{
    public string Name => "fixed-range";

    public int Width => 1;

    public int PreprocessedWidth => 1;

    public RowMajorMatrix<KoalaBear>? PreprocessedTrace(int height)
    {
        var m = new RowMajorMatrix<KoalaBear>(height, 1);
        for (int r = 0; r < height; r++)
            m[r, 0] = KoalaBear.FromUInt64((ulong)r + offset);
        return m;
    }

    public void Eval(AirBuilder<KoalaBear> builder)
    {
        // Reads the next preprocessed row too, so both opening points of the fixed commitment are exercised.
        builder.WhenTransition().AssertEq(builder.PreprocessedNext[0], builder.PreprocessedLocal[0] + SymbolicExpression<KoalaBear>.One);
        builder.Receive(LookupDemo.Bus, [builder.PreprocessedLocal[0]], builder.Local[0]);
    }
}

public sealed class PreprocessedTests
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 0 }; // FRI folds these small tables

    private static (IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces) Statement()
    {
        var values = Enumerable.Range(0, 64).Select(i => (uint)(i * 3 % 16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        var multiplicities = new RowMajorMatrix<KoalaBear>(16, 1);
        for (int r = 0; r < 16; r++)
            multiplicities[r, 0] = t[r, 1];
        return ([new ValuesAir<KoalaBear>(), new FixedRangeTableAir()], [v, multiplicities]);
    }

    [Fact]
    public void Preprocessed_table_proves_and_verifies_with_and_without_a_key()
    {
        var (airs, traces) = Statement();
        var pk = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(airs, [6, 4], Config.LogBlowup)!;
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(airs, traces, [[], []], pk);
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config);
        Assert.True(verifier.Verify(airs, proof, pk.VerifyingKey).IsValid);
        Assert.True(verifier.Verify(airs, proof).IsValid);
        var bytes = ProofSerializer.Serialize(proof);
        Assert.True(verifier.Verify(airs, bytes, pk.VerifyingKey).IsValid);
    }

    [Fact]
    public void Another_verifying_key_is_rejected()
    {
        var (airs, traces) = Statement();
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(airs, traces, [[], []]);
        IAir<KoalaBear>[] other = [new ValuesAir<KoalaBear>(), new FixedRangeTableAir(offset: 1)];
        var otherKey = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(other, [6, 4], Config.LogBlowup)!.VerifyingKey;
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config);
        Assert.False(verifier.Verify(airs, proof, otherKey).IsValid);
        Assert.False(verifier.Verify(airs, proof, otherKey with { LogHeights = [6, 5] }).IsValid);
    }

    [Fact]
    public void Proof_made_with_a_wrong_fixed_table_is_rejected()
    {
        // The prover commits a table shifted by one (so value 15 is "in range" and 0 is not), with
        // its trace check off; against the honest key the proof must fail.
        var values = Enumerable.Range(0, 64).Select(i => (uint)(1 + i % 15)).ToArray();
        var (v, _) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        var counts = new RowMajorMatrix<KoalaBear>(16, 1);
        foreach (var x in values)
            counts[(int)x - 1, 0] += KoalaBear.One;
        IAir<KoalaBear>[] shifted = [new ValuesAir<KoalaBear>(), new FixedRangeTableAir(offset: 1)];
        var wrongKey = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(shifted, [6, 4], Config.LogBlowup)!;
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config) { CheckConstraints = false }.Prove(shifted, [v, counts], [[], []], wrongKey);
        IAir<KoalaBear>[] honest = [new ValuesAir<KoalaBear>(), new FixedRangeTableAir()];
        var honestKey = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(honest, [6, 4], Config.LogBlowup)!.VerifyingKey;
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(honest, proof, honestKey).IsValid);
    }
}
