using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>The delayed-reduction matrix–vector products equal the plain extension arithmetic.</summary>
public sealed class ExtensionLinearAlgebraTests
{
    private static RowMajorMatrix<KoalaBear> Matrix(Random rng, int h, int w)
    {
        var m = new RowMajorMatrix<KoalaBear>(h, w);
        for (int i = 0; i < m.Values.Length; i++)
            m.Values[i] = i % 7 == 0 ? KoalaBear.FromCanonical(KoalaBear.Modulus - 1) : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        return m;
    }

    private static ExtensionField<KoalaBear, TDef>[] Vector<TDef>(Random rng, int n) where TDef : struct, IExtensionDefinition<KoalaBear, TDef> =>
        [.. Enumerable.Range(0, n).Select(_ => ExtensionField<KoalaBear, TDef>.FromCoefficients(
            [.. Enumerable.Range(0, TDef.Degree).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]))];

    private static void Check<TDef>(int h, int w) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(h * 1000 + w);
        var m = Matrix(rng, h, w);
        var coefficients = Vector<TDef>(rng, w);
        var weights = Vector<TDef>(rng, h);
        var rows = ExtensionLinearAlgebra<KoalaBearParameters, TDef>.RowCombinations(m, coefficients);
        var columns = ExtensionLinearAlgebra<KoalaBearParameters, TDef>.ColumnCombinations(m, weights);
        for (int r = 0; r < h; r++)
        {
            var expected = default(ExtensionField<KoalaBear, TDef>);
            for (int c = 0; c < w; c++)
                expected += coefficients[c] * m[r, c];
            Assert.Equal(expected, rows[r]);
        }
        for (int c = 0; c < w; c++)
        {
            var expected = default(ExtensionField<KoalaBear, TDef>);
            for (int r = 0; r < h; r++)
                expected += weights[r] * m[r, c];
            Assert.Equal(expected, columns[c]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(600, 65)]
    [InlineData(1100, 130)]
    public void Quartic_matches_plain_arithmetic(int h, int w) => Check<KoalaBearQuartic>(h, w);

    [Theory]
    [InlineData(2, 5)]
    [InlineData(513, 64)]
    public void Octic_matches_plain_arithmetic(int h, int w) => Check<KoalaBearOctic>(h, w);
}
