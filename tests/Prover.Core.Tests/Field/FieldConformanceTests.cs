using System.Numerics;
using Prover.Core.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Field;

/// <summary>The same suite over every 31-bit parameter set: arithmetic against BigInteger, constants, vectors.</summary>
public abstract class FieldConformanceTests<TParams>(ITestOutputHelper output, string vectorFile)
    where TParams : struct, IMontyParameters
{
    private const int Seed = 20261121;

    protected static MontyField31<TParams> F(uint canonical) => MontyField31<TParams>.FromCanonical(canonical);

    private Random NewRandom()
    {
        output.WriteLine($"seed {Seed}");
        return new Random(Seed);
    }

    private static uint RandomCanonical(Random rng) => (uint)rng.NextInt64(TParams.P);

    [Fact]
    public void Montgomery_constants_are_consistent()
    {
        uint p = TParams.P;
        Assert.Equal(1u, unchecked(p * TParams.MontyMu));
        Assert.Equal((uint)(BigInteger.Pow(2, 64) % p), TParams.MontyR2);
        Assert.Equal(1u, MontyField31<TParams>.One.ToCanonical());
        Assert.Equal((uint)((1UL << 32) % p), MontyField31<TParams>.One.Montgomery);
    }

    [Fact]
    public void Arithmetic_matches_BigInteger_on_random_and_edge_values()
    {
        var rng = NewRandom();
        uint p = TParams.P;
        uint[] edges = [0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1];
        var values = edges.Concat(Enumerable.Range(0, 200).Select(_ => RandomCanonical(rng))).ToArray();
        foreach (uint a in values)
        {
            foreach (uint b in values.Take(40))
            {
                var fa = F(a);
                var fb = F(b);
                Assert.Equal((uint)(((ulong)a + b) % p), (fa + fb).ToCanonical());
                Assert.Equal((uint)(((ulong)a + p - b) % p), (fa - fb).ToCanonical());
                Assert.Equal((uint)((ulong)a * b % p), (fa * fb).ToCanonical());
            }
            Assert.Equal((p - a) % p, (-F(a)).ToCanonical());
            Assert.Equal(a, F(a).Halve().Double().ToCanonical());
            if (a != 0)
                Assert.Equal((uint)BigInteger.ModPow(a, p - 2, p), F(a).Inverse().ToCanonical());
        }
    }

    [Fact]
    public void Sum_of_products_with_delayed_reduction_matches_the_plain_sum()
    {
        var rng = NewRandom();
        foreach (int n in new[] { 0, 1, 2, 3, 8, 17, 1000 })
        {
            var a = Enumerable.Range(0, n).Select(_ => F(RandomCanonical(rng))).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => F(RandomCanonical(rng))).ToArray();
            var expected = MontyField31<TParams>.Zero;
            for (int i = 0; i < n; i++)
                expected += a[i] * b[i];
            Assert.Equal(expected, MontyField31<TParams>.SumOfProducts(a, b));
        }
        // The largest values stress the accumulator bound.
        var top = Enumerable.Repeat(F(TParams.P - 1), 64).ToArray();
        Assert.Equal(F((uint)(64UL % TParams.P)), MontyField31<TParams>.SumOfProducts(top, top));
    }

    [Fact]
    public void Inverse_of_zero_throws()
    {
        Assert.Throws<DivideByZeroException>(() => MontyField31<TParams>.Zero.Inverse());
    }

    [Fact]
    public void Batch_inverse_matches_single_inverses()
    {
        var rng = NewRandom();
        var xs = Enumerable.Range(0, 100).Select(_ => F(1 + (uint)rng.NextInt64(TParams.P - 1))).ToArray();
        var inv = Fields.BatchInverse<MontyField31<TParams>>(xs);
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(xs[i].Inverse(), inv[i]);
        xs[17] = MontyField31<TParams>.Zero;
        Assert.Throws<DivideByZeroException>(() => Fields.BatchInverse<MontyField31<TParams>>(xs));
    }

    [SharedFact]
    public void Field_parameters_match_vectors()
    {
        var v = SharedData.Vectors(vectorFile).GetProperty("field");
        Assert.Equal(v.GetProperty("p").GetUInt32(), TParams.P);
        Assert.Equal(v.GetProperty("two_adicity").GetInt32(), TParams.TwoAdicity);
        Assert.Equal(v.GetProperty("multiplicative_generator").GetUInt32(), TParams.Generator);
        Assert.Equal(v.GetProperty("montgomery_R_mod_p").GetUInt32(), MontyField31<TParams>.One.Montgomery);
        uint[] gens = v.GetProperty("two_adic_generators_by_bits").U32Array();
        Assert.Equal(TParams.TwoAdicity + 1, gens.Length);
        for (int bits = 0; bits <= TParams.TwoAdicity; bits++)
            Assert.Equal(gens[bits], MontyField31<TParams>.TwoAdicGenerator(bits).ToCanonical());
    }

    [Fact]
    public void Two_adic_generators_have_exact_order()
    {
        for (int bits = 1; bits <= TParams.TwoAdicity; bits++)
        {
            var g = MontyField31<TParams>.TwoAdicGenerator(bits);
            Assert.Equal(MontyField31<TParams>.One, g.Pow(1UL << bits));
            Assert.NotEqual(MontyField31<TParams>.One, g.Pow(1UL << (bits - 1)));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => MontyField31<TParams>.TwoAdicGenerator(TParams.TwoAdicity + 1));
    }

    [Fact]
    public void Multiplicative_generator_generates_the_group()
    {
        // g generates F_p^* iff g^((p−1)/q) ≠ 1 for every prime q | p − 1.
        ulong order = TParams.P - 1;
        var g = MontyField31<TParams>.MultiplicativeGenerator;
        ulong n = order;
        for (ulong q = 2; q * q <= n || n > 1; q++)
        {
            if (q * q > n) q = n;
            if (n % q != 0) continue;
            while (n % q == 0) n /= q;
            Assert.NotEqual(MontyField31<TParams>.One, g.Pow(order / q));
        }
    }
}

public sealed class KoalaBearFieldTests(ITestOutputHelper output) : FieldConformanceTests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearFieldTests(ITestOutputHelper output) : FieldConformanceTests<BabyBearParameters>(output, "babybear");
