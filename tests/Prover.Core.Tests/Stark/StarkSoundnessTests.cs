using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>Proofs of false statements, tampered proofs and foreign configurations are rejected, never accepted or thrown.</summary>
public sealed class StarkSoundnessTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 0 }; // FRI folds these small tables

    private static StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Prover(bool check = true) => new(Config) { CheckConstraints = check };

    private static StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Verifier => new(Config);

    private static (IAir<KoalaBear>[] Airs, Prover.Core.Matrix.RowMajorMatrix<KoalaBear>[] Traces) Lookup(uint[] values)
    {
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        return ([new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()], [v, t]);
    }

    [Fact]
    public void Trace_violating_one_constraint_is_refused_by_the_prover_and_rejected_by_the_verifier()
    {
        var air = new FibonacciAir<KoalaBear>();
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(32, KoalaBear.Zero, KoalaBear.One);
        KoalaBear[] publics = [trace[0, 0], trace[0, 1], trace[31, 1]];
        trace[10, 1] += KoalaBear.One;
        var refused = Assert.Throws<ArgumentException>(() => Prover().Prove([air], [trace], [publics]));
        Assert.Contains("constraint", refused.Message);
        var proof = Prover(check: false).Prove([air], [trace], [publics]);
        var result = Verifier.Verify([air], proof);
        Assert.False(result.IsValid);
        output.WriteLine(result.ToString());
    }

    [Fact]
    public void Unbalanced_bus_is_refused_by_the_prover_and_rejected_by_the_verifier()
    {
        var values = Enumerable.Range(0, 32).Select(i => (uint)(i % 16)).ToArray();
        values[7] = 20; // outside the table
        var (airs, traces) = Lookup(values);
        Assert.Throws<ArgumentException>(() => Prover().Prove(airs, traces, [[], []]));
        var proof = Prover(check: false).Prove(airs, traces, [[], []]);
        var result = Verifier.Verify(airs, proof);
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);
    }

    [Fact]
    public void Proof_under_another_configuration_is_rejected()
    {
        var (airs, traces) = Lookup([.. Enumerable.Range(0, 16).Select(i => (uint)i)]);
        var bytes = ProofSerializer.Serialize(Prover().Prove(airs, traces, [[], []]));
        Assert.True(Verifier.Verify(airs, bytes).IsValid);
        foreach (var other in new[] { Config with { NumQueries = 17 }, Config with { LogBlowup = 2 }, Config with { QueryPowBits = 3 }, Config with { Name = "other" } })
            Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(other).Verify(airs, bytes).IsValid);
        // Another extension field: the bytes do not even parse.
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuintic, Digest<KoalaBearParameters>>(Config).Verify(airs, bytes).IsValid);
    }

    [Fact]
    public void Truncated_and_extended_proofs_are_rejected()
    {
        var air = new FibonacciAir<KoalaBear>();
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(16, KoalaBear.Zero, KoalaBear.One);
        var bytes = ProofSerializer.Serialize(Prover().Prove([air], [trace], [[trace[0, 0], trace[0, 1], trace[15, 1]]]));
        foreach (int cut in new[] { 0, 1, 4, 10, bytes.Length / 2, bytes.Length - 1 })
            Assert.False(Verifier.Verify([air], bytes.AsSpan(0, cut)).IsValid);
        Assert.False(Verifier.Verify([air], [.. bytes, 0]).IsValid);
    }

    [Fact]
    public void Every_sampled_single_byte_change_is_rejected()
    {
        const int Seed = 1234;
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed);
        var values = Enumerable.Range(0, 32).Select(_ => (uint)rng.Next(16)).ToArray();
        var (airs, traces) = Lookup(values);
        var bytes = ProofSerializer.Serialize(Prover().Prove(airs, traces, [[], []]), out var sizes);
        output.WriteLine($"proof {bytes.Length} bytes: {sizes}");
        Assert.Equal(bytes.Length, sizes.Total);
        Assert.True(Verifier.Verify(airs, bytes).IsValid);
        // The whole header and commitment area, then a random sample of the rest.
        var positions = Enumerable.Range(0, Math.Min(bytes.Length, sizes.Header + sizes.Commitments + 64))
            .Concat(Enumerable.Range(0, 400).Select(_ => rng.Next(bytes.Length))).Distinct().ToArray();
        foreach (int pos in positions)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[pos] ^= (byte)(1 + rng.Next(255));
            var result = Verifier.Verify(airs, tampered);
            Assert.False(result.IsValid, $"byte {pos} changed and the proof still verified");
        }
    }

    [Fact]
    public void Round_trip_through_bytes_is_exact_and_deterministic()
    {
        var (airs, traces) = Lookup([.. Enumerable.Range(0, 64).Select(i => (uint)(i * 5 % 16))]);
        var a = ProofSerializer.Serialize(Prover().Prove(airs, traces, [[], []]));
        var b = ProofSerializer.Serialize(Prover().Prove(airs, traces, [[], []]));
        Assert.Equal(a, b);
        var again = ProofSerializer.Serialize(ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(a));
        Assert.Equal(a, again);
    }
}
