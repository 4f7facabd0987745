using Prover.Core.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Field;

/// <summary>
/// The AVX-512 octic kernels (<see cref="OcticKernels{TParams}"/>: the binomial product and the base-by-extension dot
/// product) against the scalar code they replace, on random and edge values, for KoalaBear and BabyBear. The kernel rows
/// skip with a reason where AVX-512 is not available; the dispatching product is compared everywhere.
/// </summary>
public sealed class OcticKernelsTests(ITestOutputHelper output)
{
    private const int Seed = 20261207;

    private static ExtensionField<MontyField31<TParams>, TDef> Random<TParams, TDef>(Random rng, bool edge = false)
        where TParams : struct, IMontyParameters where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        var c = new MontyField31<TParams>[8];
        for (int i = 0; i < 8; i++)
            c[i] = MontyField31<TParams>.FromCanonical(edge ? (rng.Next(3) switch { 0 => TParams.P - 1, 1 => 0u, _ => 1u }) : (uint)rng.NextInt64(TParams.P));
        return ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(c);
    }

    private static uint[] Words<TParams, TDef>(ExtensionField<MontyField31<TParams>, TDef> x)
        where TParams : struct, IMontyParameters where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        [.. x.Coefficients.ToArray().Select(e => e.Montgomery)];

    private static void ProductsMatch<TParams, TDef>(bool kernel)
        where TParams : struct, IMontyParameters where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        var rng = new Random(Seed);
        uint w = TDef.W.Montgomery;
        for (int t = 0; t < 2000; t++)
        {
            var a = Random<TParams, TDef>(rng, edge: t % 4 == 3);
            var b = Random<TParams, TDef>(rng, edge: t % 8 == 7);
            var expected = ExtensionField<MontyField31<TParams>, TDef>.MultiplyBinomialScalar(a, b);
            Assert.Equal(ExtensionField<MontyField31<TParams>, TDef>.MultiplySchoolbook(a, b), expected);
            Assert.Equal(expected, a * b); // the dispatching product, whichever path this process takes
            if (kernel)
            {
                var x = Words(a);
                var y = Words(b);
                var r = new uint[8];
                OcticKernels<TParams>.Multiply(ref x[0], ref y[0], w, ref r[0]);
                Assert.Equal(Words(expected), r);
            }
        }
        var max = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients([.. Enumerable.Repeat(MontyField31<TParams>.FromCanonical(TParams.P - 1), 8)]);
        Assert.Equal(ExtensionField<MontyField31<TParams>, TDef>.MultiplyBinomialScalar(max, max), max * max);
    }

    private static void DotsMatch<TParams>()
        where TParams : struct, IMontyParameters
    {
        var rng = new Random(Seed + 1);
        foreach (int width in new[] { 0, 1, 2, 7, 8, 9, 63, 1000 })
            foreach (bool edge in new[] { false, true })
            {
                var a = Enumerable.Range(0, width).Select(_ => MontyField31<TParams>.FromCanonical(edge ? TParams.P - 1 : (uint)rng.NextInt64(TParams.P))).ToArray();
                var b = Enumerable.Range(0, 8 * width).Select(_ => MontyField31<TParams>.FromCanonical(edge ? TParams.P - 1 : (uint)rng.NextInt64(TParams.P))).ToArray();
                var expected = new uint[8];
                for (int k = 0; k < 8; k++)
                {
                    var column = Enumerable.Range(0, width).Select(c => b[8 * c + k]).ToArray();
                    expected[k] = MontyField31<TParams>.SumOfProducts(a, column).Montgomery;
                }
                var result = new uint[8];
                OcticKernels<TParams>.Dot(MontyField31<TParams>.AsMontgomery(a), MontyField31<TParams>.AsMontgomery(b), result);
                Assert.Equal(expected, result);
            }
        Assert.Throws<ArgumentException>(() => OcticKernels<TParams>.Dot(new uint[2], new uint[15], new uint[8]));
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    public void Avx512_octic_product_matches_the_scalar_product(SimdPath path)
    {
        Assert.Equal(SimdPath.Vector512, path);
        Assert.True(OcticKernels<KoalaBearParameters>.IsSupported);
        ProductsMatch<KoalaBearParameters, KoalaBearOctic>(kernel: true);
        ProductsMatch<BabyBearParameters, BabyBearOctic>(kernel: true);
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    public void Avx512_octic_dot_matches_the_scalar_sums_of_products(SimdPath path)
    {
        Assert.Equal(SimdPath.Vector512, path);
        DotsMatch<KoalaBearParameters>();
        DotsMatch<BabyBearParameters>();
    }

    [Fact]
    public void Dispatching_octic_product_matches_the_scalar_product()
    {
        output.WriteLine($"AVX-512 octic kernels here: {OcticKernels<KoalaBearParameters>.IsSupported}");
        ProductsMatch<KoalaBearParameters, KoalaBearOctic>(kernel: false);
        ProductsMatch<BabyBearParameters, BabyBearOctic>(kernel: false);
    }
}
