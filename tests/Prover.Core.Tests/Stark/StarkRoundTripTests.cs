using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

public sealed class StarkRoundTripTests
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 4, LogFinalPolyLength = 0 }; // FRI folds these small tables

    private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> ProveFib(int logRows, StarkConfig config, out IAir<KoalaBear>[] airs)
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(1 << logRows, KoalaBear.Zero, KoalaBear.One);
        airs = [new FibonacciAir<KoalaBear>()];
        KoalaBear[] publics = [trace[0, 0], trace[0, 1], trace[trace.Height - 1, 1]];
        return new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Prove(airs, [trace], [publics]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Fibonacci_proves_and_verifies(int logRows)
    {
        var proof = ProveFib(logRows, Config, out var airs);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(airs, proof);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Fibonacci_with_final_polynomial_and_larger_blowup_verifies()
    {
        var config = Config with { LogBlowup = 2, LogFinalPolyLength = 2 };
        var proof = ProveFib(6, config, out var airs);
        Assert.Equal(4, proof.FinalPolynomial.Length);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Verify(airs, proof).IsValid);
    }

    [Fact]
    public void Lookup_tables_of_different_heights_prove_and_verify()
    {
        var rng = new Random(11);
        var values = Enumerable.Range(0, 64).Select(_ => (uint)rng.Next(16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        IAir<KoalaBear>[] airs = [new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()];
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(airs, [v, t], [[], []]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(airs, proof);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Wrong_public_value_is_rejected()
    {
        var proof = ProveFib(4, Config, out var airs);
        proof.PublicValues[0][2] += KoalaBear.One;
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(airs, proof);
        Assert.False(result.IsValid);
    }
}

public sealed class MixedTableTests
{
    [Fact]
    public void Tallest_table_without_a_bus_beside_smaller_bus_tables_verifies()
    {
        // The LogUp commitment's tallest matrix is shorter than the largest LDE: openings use scaled indices.
        var config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 1 };
        var fib = FibonacciAir<KoalaBear>.GenerateTrace(128, KoalaBear.One, KoalaBear.One);
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>([.. Enumerable.Range(0, 32).Select(i => (uint)(i % 8))], 8);
        IAir<KoalaBear>[] airs = [new FibonacciAir<KoalaBear>(), new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()];
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Prove(airs, [fib, v, t], [[fib[0, 0], fib[0, 1], fib[127, 1]], [], []]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Verify(airs, proof);
        Assert.True(result.IsValid, result.ToString());
    }
}
