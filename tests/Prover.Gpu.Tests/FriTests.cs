using Prover.Core.Field;
using Prover.Core.Stark;

namespace Prover.Gpu.Tests;

/// <summary>Device FRI fold and roll-in against <c>Fri.Fold</c> over KoalaBear^4 and KoalaBear^8 (x^D = 3).</summary>
public class FriTests
{
    [OpenClTheory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(17)]
    public void FoldMatchesCpuDegree4(int logN) => Fold<KoalaBearQuartic>(logN);

    [OpenClTheory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(13)]
    public void FoldMatchesCpuDegree8(int logN) => Fold<KoalaBearOctic>(logN);

    internal static void Fold<TDef>(int logN, string api = "opencl") where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        int d = TDef.Degree, n = 1 << logN, half = n / 2;
        int seed = 4242 + logN * d;
        var words = Random31.Elements<KoalaBearParameters>(n * d + d, seed);
        var codeword = new ExtensionField<KoalaBear, TDef>[n];
        for (int i = 0; i < n; i++)
            codeword[i] = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(i * d, d));
        var beta = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(n * d, d));
        var halfInv = new KoalaBear[half];
        var expected = new uint[half * d];
        for (int j = 0; j < half; j++)
        {
            halfInv[j] = Fri<KoalaBearParameters, TDef>.HalfInverseX(logN, j);
            var f = Fri<KoalaBearParameters, TDef>.Fold(codeword[2 * j], codeword[2 * j + 1], beta, halfInv[j]);
            for (int i = 0; i < d; i++)
                expected[j * d + i] = f.Coefficients[i].Montgomery;
        }
        var ops = GpuDevices.Operations<KoalaBearParameters>(api);
        var actual = ops.FriFold(d, TDef.W, Words(words.AsSpan(0, n * d)), Words(words.AsSpan(n * d, d)), Words(halfInv));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"fold differs (seed {seed}, D = {d}, 2^{logN})");

        // Roll-in: acc += β²·values.
        var beta2 = beta.Square();
        var acc = actual.ToArray();
        var values = Words(words.AsSpan(0, half * d));
        ops.ExtMulAdd(d, TDef.W, acc, values, Words(beta2.Coefficients));
        for (int j = 0; j < half; j++)
        {
            var a = ExtensionField<KoalaBear, TDef>.FromCoefficients(KoalaBear.FromMontgomery(actual.AsSpan(j * d, d)));
            var val = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(j * d, d));
            var r = a + beta2 * val;
            for (int i = 0; i < d; i++)
                Assert.Equal(r.Coefficients[i].Montgomery, acc[j * d + i]);
        }
    }

    private static uint[] Words(ReadOnlySpan<KoalaBear> values)
    {
        var result = new uint[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i].Montgomery;
        return result;
    }
}
