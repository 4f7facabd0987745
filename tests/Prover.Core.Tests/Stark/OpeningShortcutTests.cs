using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Field;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The opening shortcuts against their references (same field elements): the out-of-domain weights of ζ·ω as ζ's rotated and
/// computed in parallel chunks (<see cref="OutOfDomain{TParams, TDef}"/>), the quotient chunks at ζ as one column combination
/// with ζ's powers instead of Horner (<see cref="QuotientChunks{TParams, TDef}.EvaluateColumns"/>), and DEEP's 1/(x − z·ω^k)
/// as a permutation of 1/(x − z) (<see cref="Deep{TParams, TDef}.ReduceHeight"/>); each at every SIMD width the machine has.
/// </summary>
public sealed class OpeningShortcutTests
{
    private static KoalaBear F(Random rng) =>
        rng.Next(7) == 0 ? KoalaBear.FromCanonical(KoalaBear.Modulus - 1) : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));

    private static ExtensionField<KoalaBear, TDef> E<TDef>(Random rng) where TDef : struct, IExtensionDefinition<KoalaBear, TDef> =>
        ExtensionField<KoalaBear, TDef>.FromCoefficients([.. Enumerable.Range(0, TDef.Degree).Select(_ => F(rng))]);

    private static RowMajorMatrix<KoalaBear> Matrix(Random rng, int h, int w)
    {
        var m = new RowMajorMatrix<KoalaBear>(h, w);
        for (int i = 0; i < m.Values.Length; i++)
            m.Values[i] = F(rng);
        return m;
    }

    private static IEnumerable<SimdPath> Paths() => new[] { SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512 }.Where(p => p <= SimdSupport.Best);

    private static void OutOfDomainCase<TDef>(int logN) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(31 + logN);
        int n = 1 << logN;
        var z = E<TDef>(rng);
        var omega = KoalaBear.TwoAdicGenerator(logN);
        // The weights alone: chunked equal the serial reference, and z·ω's are z's rotated (and not z's themselves).
        var reference = Polynomials.BarycentricWeights(logN, KoalaBear.One, z);
        Assert.Equal(reference, OutOfDomain<KoalaBearParameters, TDef>.Weights(logN, z));
        var nextReference = Polynomials.BarycentricWeights(logN, KoalaBear.One, z * omega);
        Assert.Equal(nextReference, OutOfDomain<KoalaBearParameters, TDef>.Rotated(reference));
        if (n > 1)
            Assert.NotEqual(reference, nextReference);
        // Whole openings: two tables' matrices side by side at z, z·ω, another point and z·ω² (not a rotation of one step).
        var matrices = new[] { 1, 9, 70 }.Select(w => Matrix(rng, n, w)).ToList();
        ExtensionField<KoalaBear, TDef>[] points = [z, z * omega, E<TDef>(rng), z * omega * omega];
        ExtensionField<KoalaBear, TDef>[][][] expected;
        using (KernelSelection.UseReference(ReferenceFamily.Openings))
            expected = OutOfDomain<KoalaBearParameters, TDef>.Evaluate(logN, matrices, points);
        foreach (var path in Paths())
        {
            using (KernelSelection.LimitSimd(path))
            {
                var actual = OutOfDomain<KoalaBearParameters, TDef>.Evaluate(logN, matrices, points);
                for (int p = 0; p < points.Length; p++)
                    for (int m = 0; m < matrices.Count; m++)
                        Assert.Equal(expected[p][m], actual[p][m]);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(13)]
    public void Quartic_out_of_domain_shortcuts_equal_the_reference(int logN) => OutOfDomainCase<KoalaBearQuartic>(logN);

    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public void Octic_out_of_domain_shortcuts_equal_the_reference(int logN) => OutOfDomainCase<KoalaBearOctic>(logN);

    private static void QuotientCase<TDef>(int h, int w) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(h * 131 + w);
        var coefficients = Matrix(rng, h, w);
        var z = E<TDef>(rng);
        var expected = QuotientChunks<KoalaBearParameters, TDef>.EvaluateColumnsReference(coefficients, z);
        // Horner, column by column, as the definition.
        for (int c = 0; c < w; c++)
            Assert.Equal(Polynomials.EvaluateCoefficients<KoalaBear, ExtensionField<KoalaBear, TDef>>(coefficients.Column(c), z), expected[c]);
        foreach (var path in Paths())
        {
            using (KernelSelection.LimitSimd(path))
                Assert.Equal(expected, QuotientChunks<KoalaBearParameters, TDef>.EvaluateColumns(coefficients, z));
        }
        using (KernelSelection.UseReference(ReferenceFamily.Openings))
            Assert.Equal(expected, QuotientChunks<KoalaBearParameters, TDef>.EvaluateColumns(coefficients, z));
        // The powers cross chunk boundaries exactly.
        var powers = QuotientChunks<KoalaBearParameters, TDef>.Powers(z, h);
        Assert.Equal(z.Pow((ulong)(h - 1)), powers[h - 1]);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 8)]
    [InlineData(1000, 4)]
    [InlineData(8192, 8)]
    [InlineData(20000, 16)]
    public void Quartic_quotient_openings_equal_horner(int h, int w) => QuotientCase<KoalaBearQuartic>(h, w);

    [Theory]
    [InlineData(17, 8)]
    [InlineData(16384, 16)]
    public void Octic_quotient_openings_equal_horner(int h, int w) => QuotientCase<KoalaBearOctic>(h, w);

    private static void DeepCase<TDef>(int logH, int k) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(7 * logH + k);
        int h = 1 << logH;
        var matrices = new[] { 5, 33 }.Select(w => Matrix(rng, h, w)).ToList();
        var coefficients = Enumerable.Range(0, 33).Select(_ => E<TDef>(rng)).ToArray();
        var z = E<TDef>(rng);
        var shifted = z * KoalaBear.TwoAdicGenerator(logH).Pow((ulong)k);
        // z, then z·ω^k (the shortcut), then an unrelated point (a batch inversion of its own).
        var points = new List<DeepPoint<KoalaBearParameters, TDef>>
        {
            new(z, [E<TDef>(rng), E<TDef>(rng)], E<TDef>(rng)),
            new(shifted, [default, E<TDef>(rng)], E<TDef>(rng)),
            new(E<TDef>(rng), [E<TDef>(rng), default], E<TDef>(rng)),
        };
        ExtensionField<KoalaBear, TDef>[] expected;
        using (KernelSelection.UseReference(ReferenceFamily.Openings))
            expected = Deep<KoalaBearParameters, TDef>.ReduceHeight(CpuBackend<KoalaBearParameters>.Instance, logH, matrices, coefficients, points);
        foreach (var path in Paths())
        {
            using (KernelSelection.LimitSimd(path))
                Assert.Equal(expected, Deep<KoalaBearParameters, TDef>.ReduceHeight(CpuBackend<KoalaBearParameters>.Instance, logH, matrices, coefficients, points));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    [InlineData(13, 2)]
    [InlineData(13, 8)]
    [InlineData(14, 1)]
    public void Quartic_deep_shifted_inverse_distances_equal_the_reference(int logH, int k) => DeepCase<KoalaBearQuartic>(logH, k);

    [Theory]
    [InlineData(12, 2)]
    public void Octic_deep_shifted_inverse_distances_equal_the_reference(int logH, int k) => DeepCase<KoalaBearOctic>(logH, k);
}
