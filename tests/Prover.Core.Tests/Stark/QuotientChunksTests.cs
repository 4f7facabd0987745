using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The CPU reference of the quotient's chunks (<see cref="QuotientChunks{TParams, TDef}"/>, which the device kernels are compared
/// with) against its definition: Q(x) = Σ_j x^(j·n)·q_j(x) at every point of the quotient domain g·H_(n·d), each LDE row
/// r is q_j(g·ω^bitrev(r)), and the coefficient columns at a point are Horner's values. Random values (the quotient of a wrong
/// trace is not low-degree: the split must still recombine to it).
/// </summary>
public sealed class QuotientChunksTests
{
    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(3, 2, 2)]
    [InlineData(4, 1, 3)]
    public void Chunks_recombine_to_the_quotient_and_their_lde_is_their_values(int logN, int logD, int logBlowup)
    {
        var rng = new Random(100 * logN + 10 * logD + logBlowup);
        KoalaBear F() => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        KoalaBearExt4 E() => KoalaBearExt4.FromCoefficients([F(), F(), F(), F()]);
        int n = 1 << logN, d = 1 << logD;
        var values = Enumerable.Range(0, n * d).Select(_ => E()).ToArray();
        var (coefficients, lde) = QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.Split(Radix2Dft<KoalaBearParameters>.Instance, values, logN, logD, logBlowup);
        Assert.Equal((n, 4 * d), (coefficients.Height, coefficients.Width));
        Assert.Equal((n << logBlowup, 4 * d), (lde.Height, lde.Width));
        var g = KoalaBear.MultiplicativeGenerator;
        // Chunk j as an extension polynomial: its D base columns' coefficients combined.
        KoalaBearExt4 Chunk(int j, KoalaBearExt4 x)
        {
            var v = default(KoalaBearExt4);
            for (int c = 0; c < 4; c++)
            {
                var basis = KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(k => k == c ? KoalaBear.One : KoalaBear.Zero)]);
                v += basis * Polynomials.EvaluateCoefficients<KoalaBear, KoalaBearExt4>(coefficients.Column(j * 4 + c), x);
            }
            return v;
        }
        var omega = KoalaBear.TwoAdicGenerator(logN + logD);
        for (int i = 0; i < n * d; i++)
        {
            var x = KoalaBearExt4.FromBase(g * omega.Pow((ulong)i));
            var sum = default(KoalaBearExt4);
            for (int j = 0; j < d; j++)
                sum += x.Pow((ulong)j * (ulong)n) * Chunk(j, x);
            Assert.True(sum == values[i], $"point {i}: the chunks do not recombine to the quotient");
        }
        var ldeOmega = KoalaBear.TwoAdicGenerator(logN + logBlowup);
        for (int r = 0; r < lde.Height; r++)
        {
            var x = g * ldeOmega.Pow((ulong)BitReversal.ReverseBits(r, logN + logBlowup));
            for (int col = 0; col < lde.Width; col++)
                Assert.True(lde[r, col] == Polynomials.EvaluateCoefficients<KoalaBear>(coefficients.Column(col), x), $"LDE row {r} column {col}");
        }
        var z = E();
        var atZ = QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.EvaluateColumns(coefficients, z);
        for (int col = 0; col < coefficients.Width; col++)
            Assert.True(atZ[col] == Polynomials.EvaluateCoefficients<KoalaBear, KoalaBearExt4>(coefficients.Column(col), z));
        Assert.Throws<ArgumentException>(() => QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.Split(Radix2Dft<KoalaBearParameters>.Instance, values[1..], logN, logD, logBlowup));
    }
}
