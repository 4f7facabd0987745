using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Gpu.Tests;

/// <summary>The column-combination building block (DEEP batching, quotient α-folding) against the CPU's extension arithmetic.</summary>
public class CombineTests
{
    [OpenClTheory]
    [InlineData(1, 1)]
    [InlineData(300, 7)]
    [InlineData(4096, 40)]
    public void CombineColumnsMatchesCpuDegree4(int rows, int width) => Combine<KoalaBearQuartic>(rows, width);

    [OpenClTheory]
    [InlineData(1, 3)]
    [InlineData(1000, 9)]
    public void CombineColumnsMatchesCpuDegree8(int rows, int width) => Combine<KoalaBearOctic>(rows, width);

    internal static void Combine<TDef>(int rows, int width, string api = "opencl") where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        int d = TDef.Degree;
        int seed = rows * 7 + width * 13 + d;
        var m = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(rows * width, seed), width);
        var coeffWords = Random31.Elements<KoalaBearParameters>(width * d, seed + 1);
        var coeffs = new ExtensionField<KoalaBear, TDef>[width];
        for (int c = 0; c < width; c++)
            coeffs[c] = ExtensionField<KoalaBear, TDef>.FromCoefficients(coeffWords.AsSpan(c * d, d));
        var actual = GpuDevices.Operations<KoalaBearParameters>(api).CombineColumns(d, TDef.W, m, KoalaBear.AsMontgomery(coeffWords).ToArray());
        for (int r = 0; r < rows; r++)
        {
            var sum = default(ExtensionField<KoalaBear, TDef>);
            for (int c = 0; c < width; c++)
                sum += coeffs[c] * m[r, c];
            for (int i = 0; i < d; i++)
                Assert.True(sum.Coefficients[i].Montgomery == actual[r * d + i], $"row {r} coefficient {i} differs (seed {seed})");
        }
    }
}
