using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Field;

namespace Prover.Core.Tests.Stark;

/// <summary>The packed quotient evaluation (16 points per step with AVX-512, 8 with AVX2) equals the scalar one, value for value and proof for proof.</summary>
public sealed class QuotientPackedTests
{
    private static ExtensionField<KoalaBear, KoalaBearOctic> Ext(Random rng) =>
        ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients([.. Enumerable.Range(0, 8).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);

    private static ExtensionField<KoalaBear, KoalaBearOctic>[] Evaluate(SimdPath path, CompiledAir<KoalaBear> air, int logN, RowMajorMatrix<KoalaBear> lde,
        RowMajorMatrix<KoalaBear>? logUpLde, Random rng)
    {
        var (alpha, gamma, beta, sum) = (Ext(rng), Ext(rng), Ext(rng), Ext(rng));
        using (KernelSelection.LimitSimd(path))
            return QuotientEvaluator<KoalaBearParameters, KoalaBearOctic>.Evaluate(air, logN, lde, null, logUpLde, [], alpha, gamma, beta, sum);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 2)]
    [InlineData(3, 1)]
    [InlineData(5, 3)]
    [InlineData(13, 1)]
    public void Selectors_by_row_are_the_selectors_by_point_bit_reversed(int logN, int logD)
    {
        // The optimised kernel's selectors (in LDE row order, computed in chunks) against the per-point ones: entry r is point rev(r)'s.
        var byPoint = QuotientSelectors<KoalaBearParameters>.Compute(logN, logD);
        var byRow = QuotientSelectorRows<KoalaBearParameters>.Compute(logN, logD);
        int logQ = logN + logD, qn = 1 << logQ, d = 1 << logD;
        Assert.Equal(qn, byRow.Firsts.Length);
        for (int r = 0; r < qn; r++)
        {
            int i = logQ == 0 ? 0 : BitReversal.ReverseBits(r, logQ);
            Assert.Equal(byPoint.Firsts[i], byRow.Firsts[r]);
            Assert.Equal(byPoint.Lasts[i], byRow.Lasts[r]);
            Assert.Equal(byPoint.Transitions[i], byRow.Transitions[r]);
            Assert.Equal(byPoint.ZhInverse[i & (d - 1)], byRow.ZhInverse[r]);
        }
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Packed_equals_scalar_on_honest_and_random_traces(SimdPath path)
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
            Assert.Equal(Evaluate(SimdPath.Scalar, air, 5, lde, null, new Random(1)), Evaluate(path, air, 5, lde, null, new Random(1)));
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Packed_equals_scalar_in_the_quartic_extension_with_maximal_words(SimdPath path)
    {
        // The quartic kernels (on AVX2: the delayed-reduction α-fold, selectors by row, transposed stores) on honest, random and
        // all-(p − 1) LDE words, against the scalar reference.
        var air = new CompiledAir<KoalaBear>(new Poseidon2Air<KoalaBearParameters>());
        var (_, traces, _) = DemoCatalog.Build("poseidon2", 5);
        var honest = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(traces[0], 1, KoalaBear.MultiplicativeGenerator);
        var random = honest.Clone();
        var maximal = honest.Clone();
        var rng = new Random(9);
        for (int i = 0; i < random.Values.Length; i++)
        {
            random.Values[i] = KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
            maximal.Values[i] = KoalaBear.FromMontgomery(KoalaBear.Modulus - 1);
        }
        static ExtensionField<KoalaBear, KoalaBearQuartic> Quartic(Random rng, bool max) => ExtensionField<KoalaBear, KoalaBearQuartic>.FromCoefficients(
            [.. Enumerable.Range(0, 4).Select(_ => max ? KoalaBear.FromMontgomery(KoalaBear.Modulus - 1) : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        foreach (var lde in new[] { honest, random, maximal })
            foreach (bool maxAlpha in new[] { false, true })
            {
                ExtensionField<KoalaBear, KoalaBearQuartic>[] Run(SimdPath p)
                {
                    var rng = new Random(3);
                    var (alpha, gamma, beta, sum) = (Quartic(rng, maxAlpha), Quartic(rng, false), Quartic(rng, false), Quartic(rng, false));
                    using (KernelSelection.LimitSimd(p))
                        return QuotientEvaluator<KoalaBearParameters, KoalaBearQuartic>.Evaluate(air, 5, lde, null, null, [], alpha, gamma, beta, sum);
                }
                Assert.Equal(Run(SimdPath.Scalar), Run(path));
            }
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Packed_equals_scalar_with_a_LogUp_trace(SimdPath path)
    {
        var air = new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>());
        var (values, _) = LookupDemo.GenerateTraces<KoalaBear>([.. Enumerable.Range(0, 64).Select(i => (uint)(i % 16))], 16);
        var rng = new Random(4);
        var (logUp, _) = LogUp.GenerateTrace(air, values, null, [], Ext(rng), Ext(rng));
        var shift = KoalaBear.MultiplicativeGenerator;
        var lde = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(values, 1, shift);
        var logUpLde = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(logUp, 1, shift);
        Assert.Equal(Evaluate(SimdPath.Scalar, air, 6, lde, logUpLde, new Random(2)), Evaluate(path, air, 6, lde, logUpLde, new Random(2)));
    }
}
