using Prover.Core.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Field;

/// <summary>
/// The octic kernels (<see cref="OcticKernels{TParams}"/>: the binomial product and the base-by-extension dot product, on
/// AVX-512 and on AVX2) against the scalar code they replace, on random and edge values, for KoalaBear and BabyBear. Each
/// path's rows skip with a reason where this process lacks it; the dispatching product and dot product are compared everywhere.
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

    private static void ProductsMatch<TParams, TDef>(SimdPath? kernel)
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
            if (kernel is { } path)
            {
                var x = Words(a);
                var y = Words(b);
                var r = new uint[8];
                if (path == SimdPath.Vector512)
                    OcticKernels<TParams>.Multiply512(ref x[0], ref y[0], w, ref r[0]);
                else
                    OcticKernels<TParams>.Multiply256(ref x[0], ref y[0], w, ref r[0]);
                Assert.Equal(Words(expected), r);
            }
        }
        var max = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients([.. Enumerable.Repeat(MontyField31<TParams>.FromCanonical(TParams.P - 1), 8)]);
        Assert.Equal(ExtensionField<MontyField31<TParams>, TDef>.MultiplyBinomialScalar(max, max), max * max);
    }

    /// <summary>The dot product of <paramref name="path"/> (null: the dispatching <see cref="OcticKernels{TParams}.Dot"/>).</summary>
    private static void DotsMatch<TParams>(SimdPath? path)
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
                var wa = MontyField31<TParams>.AsMontgomery(a);
                var wb = MontyField31<TParams>.AsMontgomery(b);
                if (path == SimdPath.Vector512)
                    OcticKernels<TParams>.Dot512(wa, wb, result);
                else if (path == SimdPath.Vector256)
                    OcticKernels<TParams>.Dot256(wa, wb, result);
                else
                    OcticKernels<TParams>.Dot(wa, wb, result);
                Assert.Equal(expected, result);
            }
        Assert.Throws<ArgumentException>(() => OcticKernels<TParams>.Dot(new uint[2], new uint[15], new uint[8]));
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    [SimdPathData(SimdPath.Vector256)]
    public void Octic_product_kernel_matches_the_scalar_product(SimdPath path)
    {
        Assert.True(path == SimdPath.Vector512 ? OcticKernels<KoalaBearParameters>.Avx512Supported : OcticKernels<KoalaBearParameters>.Avx2Supported);
        ProductsMatch<KoalaBearParameters, KoalaBearOctic>(path);
        ProductsMatch<BabyBearParameters, BabyBearOctic>(path);
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    [SimdPathData(SimdPath.Vector256)]
    public void Octic_dot_kernel_matches_the_scalar_sums_of_products(SimdPath path)
    {
        Assert.True(path == SimdPath.Vector512 ? OcticKernels<KoalaBearParameters>.Avx512Supported : OcticKernels<KoalaBearParameters>.Avx2Supported);
        DotsMatch<KoalaBearParameters>(path);
        DotsMatch<BabyBearParameters>(path);
    }

    [Fact]
    public void Dispatching_octic_product_and_dot_match_the_scalar_code()
    {
        output.WriteLine($"octic kernels here: AVX-512 {OcticKernels<KoalaBearParameters>.Avx512Supported}, AVX2 {OcticKernels<KoalaBearParameters>.Avx2Supported}");
        ProductsMatch<KoalaBearParameters, KoalaBearOctic>(kernel: null);
        ProductsMatch<BabyBearParameters, BabyBearOctic>(kernel: null);
        if (OcticKernels<KoalaBearParameters>.IsSupported)
        {
            DotsMatch<KoalaBearParameters>(null);
            DotsMatch<BabyBearParameters>(null);
        }
        else
            output.WriteLine("no octic kernel in this process: the dispatching dot product is not reachable (its callers keep the scalar sums)");
    }
}
