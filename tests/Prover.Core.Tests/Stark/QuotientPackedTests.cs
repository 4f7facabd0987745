using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>The AVX-512 quotient evaluation (16 points per step) equals the scalar one, value for value and proof for proof.</summary>
public sealed class QuotientPackedTests
{
    private static ExtensionField<KoalaBear, KoalaBearOctic> Ext(Random rng) =>
        ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients([.. Enumerable.Range(0, 8).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);

    private static ExtensionField<KoalaBear, KoalaBearOctic>[] Evaluate(bool scalar, CompiledAir<KoalaBear> air, int logN, RowMajorMatrix<KoalaBear> lde,
        RowMajorMatrix<KoalaBear>? logUpLde, Random rng)
    {
        var (alpha, gamma, beta, sum) = (Ext(rng), Ext(rng), Ext(rng), Ext(rng));
        QuotientEvaluator<KoalaBearParameters, KoalaBearOctic>.ForceScalar = scalar;
        try
        {
            return QuotientEvaluator<KoalaBearParameters, KoalaBearOctic>.Evaluate(air, logN, lde, null, logUpLde, [], alpha, gamma, beta, sum);
        }
        finally
        {
            QuotientEvaluator<KoalaBearParameters, KoalaBearOctic>.ForceScalar = false;
        }
    }

    [Fact]
    public void Packed_equals_scalar_on_honest_and_random_traces()
    {
        var air = new CompiledAir<KoalaBear>(new Poseidon2Air<KoalaBearParameters>());
        var (_, traces, _) = DemoCatalog.Build("poseidon2", 5);
        var shift = KoalaBear.MultiplicativeGenerator;
        var honest = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(traces[0], 1, shift);
        var random = honest.Clone();
        var rng = new Random(8);
        for (int i = 0; i < random.Values.Length; i++)
            random.Values[i] = KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        foreach (var lde in new[] { honest, random })
            Assert.Equal(Evaluate(true, air, 5, lde, null, new Random(1)), Evaluate(false, air, 5, lde, null, new Random(1)));
    }

    [Fact]
    public void Packed_equals_scalar_with_a_LogUp_trace()
    {
        var air = new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>());
        var (values, _) = LookupDemo.GenerateTraces<KoalaBear>([.. Enumerable.Range(0, 64).Select(i => (uint)(i % 16))], 16);
        var rng = new Random(4);
        var (logUp, _) = LogUp.GenerateTrace(air, values, null, [], Ext(rng), Ext(rng));
        var shift = KoalaBear.MultiplicativeGenerator;
        var lde = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(values, 1, shift);
        var logUpLde = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(logUp, 1, shift);
        Assert.Equal(Evaluate(true, air, 6, lde, logUpLde, new Random(2)), Evaluate(false, air, 6, lde, logUpLde, new Random(2)));
    }
}
