using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Air;

public sealed class Poseidon2AirTests
{
    private static KoalaBear[][] Inputs(int count, int seed, int width = 16)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, width).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus))).ToArray())];
    }

    [Fact]
    public void Width_24_rows_end_in_the_width_24_permutation_and_every_column_is_constrained()
    {
        var air = new Poseidon2Air<KoalaBearParameters>(24);
        Assert.Equal(24, air.StateWidth);
        // 24 inputs, 8 full rounds of 24, 23 partial rounds (KoalaBear's width-24 parameters).
        Assert.Equal(24 * 9 + Poseidon2.KoalaBear24.PartialRounds, air.Width);
        var inputs = Inputs(4, 5, 24);
        var trace = air.GenerateTrace(inputs);
        for (int r = 0; r < inputs.Length; r++)
        {
            var expected = (KoalaBear[])inputs[r].Clone();
            Poseidon2.KoalaBear24.Permute(expected);
            for (int i = 0; i < 24; i++)
                Assert.Equal(expected[i], trace[r, air.OutputColumn(i)]);
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        for (int c = 24; c < air.Width; c++)
        {
            var t = trace.Clone();
            t[3, c] += KoalaBear.One;
            Assert.NotNull(AirChecker.FindViolation(air, t, []));
        }
        Assert.Equal(3, new CompiledAir<KoalaBear>(air).MaxConstraintDegree);
        // A width-16 input is refused by the width-24 AIR; other widths have no AIR.
        Assert.Throws<ArgumentException>(() => air.FillPermutation(new KoalaBear[air.Width], 0, new KoalaBear[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Poseidon2Air<KoalaBearParameters>(20));
    }

    [Fact]
    public void Trace_rows_end_in_the_permutation_output()
    {
        var air = new Poseidon2Air<KoalaBearParameters>();
        var inputs = Inputs(8, 1);
        var trace = air.GenerateTrace(inputs);
        for (int r = 0; r < inputs.Length; r++)
        {
            var expected = (KoalaBear[])inputs[r].Clone();
            Poseidon2.KoalaBear16.Permute(expected);
            for (int i = 0; i < 16; i++)
                Assert.Equal(expected[i], trace[r, air.OutputColumn(i)]);
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
    }

    [Fact]
    public void Every_column_is_constrained()
    {
        // Changing any single cell outside the inputs breaks a constraint (no free columns).
        var air = new Poseidon2Air<KoalaBearParameters>();
        var trace = air.GenerateTrace(Inputs(2, 2));
        for (int c = 16; c < air.Width; c++)
        {
            var t = trace.Clone();
            t[1, c] += KoalaBear.One;
            Assert.NotNull(AirChecker.FindViolation(air, t, []));
        }
    }

    [Fact]
    public void Constraint_degree_is_three()
    {
        var compiled = new CompiledAir<KoalaBear>(new Poseidon2Air<KoalaBearParameters>());
        Assert.Equal(3, compiled.MaxConstraintDegree);
        Assert.Equal(1, compiled.LogQuotientChunks);
    }

    [Fact]
    public void Proves_and_verifies()
    {
        var air = new Poseidon2Air<KoalaBearParameters>();
        var trace = air.GenerateTrace(Inputs(8, 3));
        var config = StarkConfig.Development with { NumQueries = 12, QueryPowBits = 2 };
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Prove([air], [trace], [[]]);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Verify([air], proof).IsValid);
    }

    [Fact]
    public void BabyBear_is_refused_with_a_reason()
    {
        Assert.Throws<NotSupportedException>(() => new Poseidon2Air<BabyBearParameters>());
    }
}
