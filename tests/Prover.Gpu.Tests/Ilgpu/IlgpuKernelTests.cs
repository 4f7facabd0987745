using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// Every ILGPU kernel on ILGPU's CPU accelerator against the CPU reference, word for word (sizes kept
/// small: the CPU accelerator simulates GPU threads and is slow).
/// </summary>
public class IlgpuKernelTests
{
    public static TheoryData<int, int, int> LdeCases => new()
    {
        // log rows, width, added bits: a single row, one column, widths across typical traces, 2^12 rows.
        { 0, 1, 1 }, { 1, 3, 1 }, { 3, 5, 2 }, { 6, 17, 1 }, { 8, 9, 3 }, { 12, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(LdeCases))]
    public void CosetLdeBitReversedMatchesCpuKoalaBear(int log, int width, int added) => Lde<KoalaBearParameters>(log, width, added);

    [Theory]
    [InlineData(5, 3, 2)]
    [InlineData(9, 2, 1)]
    public void CosetLdeBitReversedMatchesCpuBabyBear(int log, int width, int added) => Lde<BabyBearParameters>(log, width, added);

    private static void Lde<TParams>(int log, int width, int added) where TParams : struct, IMontyParameters
    {
        int seed = HashCode.Combine(log, width, added, typeof(TParams).Name.Length);
        var input = new RowMajorMatrix<MontyField31<TParams>>(Random31.Elements<TParams>((1 << log) * width, seed), width);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var expected = Radix2Dft<TParams>.Instance.CosetLdeBitReversed(input.Clone(), added, shift);
        var actual = IlgpuCpuDevice.Operations<TParams>().CosetLdeBitReversed(input, added, shift);
        Assert.Equal(expected.Width, actual.Width);
        Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values), $"LDE differs from the CPU (seed {seed}, 2^{log} x {width}, +{added} bits)");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(4, 3)]
    [InlineData(10, 2)]
    public void DftAndInverseMatchCpu(int log, int width)
    {
        int seed = 1000 + log * 31 + width;
        var input = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << log) * width, seed), width);
        var cpu = input.Clone();
        Radix2Dft<KoalaBearParameters>.Instance.DftBatch(cpu);
        var dev = input.Clone();
        var ops = IlgpuCpuDevice.Operations<KoalaBearParameters>();
        ops.DftBatch(dev);
        Assert.True(cpu.Values.AsSpan().SequenceEqual(dev.Values), $"DFT differs (seed {seed})");
        ops.IdftBatch(dev);
        Assert.True(input.Values.AsSpan().SequenceEqual(dev.Values), $"IDFT(DFT(x)) != x (seed {seed})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public void PermutationMatchesCpuKoalaBear(int states) => Permutation<KoalaBearParameters>(states);

    [Theory]
    [InlineData(19)]
    public void PermutationMatchesCpuBabyBear(int states) => Permutation<BabyBearParameters>(states);

    private static void Permutation<TParams>(int states) where TParams : struct, IMontyParameters
    {
        int seed = 77 + states;
        var input = Random31.Elements<TParams>(16 * states, seed);
        var expected = (MontyField31<TParams>[])input.Clone();
        var perm = Poseidon2.Width16<TParams>();
        for (int s = 0; s < states; s++)
            perm.Permute(expected.AsSpan(16 * s, 16));
        var words = MontyField31<TParams>.AsMontgomery(input.AsSpan()).ToArray();
        IlgpuCpuDevice.Operations<TParams>().Permute(words);
        Assert.True(MontyField31<TParams>.AsMontgomery(expected.AsSpan()).SequenceEqual(words), $"permutation differs (seed {seed})");
    }

    public static TheoryData<int[], int[]> CommitCases => new()
    {
        // (log height, width) per matrix: single row, widths below / at / across the rate, mixed heights
        // with injection at several layers, equal heights grouped.
        { [0], [1] },
        { [3], [8] },
        { [4], [5] },
        { [5, 5], [3, 11] },
        { [6, 4, 6, 2], [9, 2, 7, 16] },
        { [7, 3, 7, 0], [1, 8, 4, 3] },
        { [10, 9, 8], [24, 13, 5] },
    };

    [Theory]
    [MemberData(nameof(CommitCases))]
    public void CommitMatchesCpuKoalaBear(int[] logHeights, int[] widths) => Commit<KoalaBearParameters>(logHeights, widths);

    [Theory]
    [InlineData(new[] { 6, 4, 6, 2 }, new[] { 9, 2, 7, 16 })]
    public void CommitMatchesCpuBabyBear(int[] logHeights, int[] widths) => Commit<BabyBearParameters>(logHeights, widths);

    private static void Commit<TParams>(int[] logHeights, int[] widths) where TParams : struct, IMontyParameters
    {
        int seed = logHeights.Sum() * 131 + widths.Sum();
        var matrices = logHeights.Select((log, i) =>
            new RowMajorMatrix<MontyField31<TParams>>(Random31.Elements<TParams>((1 << log) * widths[i], seed + i), widths[i])).ToArray();
        var expected = MerkleTreeMmcs<TParams, Digest<TParams>>.Default.Commit(matrices);
        var actual = IlgpuCpuDevice.Operations<TParams>().Commit(matrices);
        Assert.Equal(expected.LayerCount, actual.LayerCount);
        for (int level = 0; level < expected.LayerCount; level++)
            Assert.True(expected.Layer(level).SequenceEqual(actual.Layer(level)), $"layer {level} differs (seed {seed})");
        Assert.Equal(expected.Root, actual.Root);
        var mmcs = MerkleTreeMmcs<TParams, Digest<TParams>>.Default;
        int index = actual.Height - 1;
        Assert.True(mmcs.Verify(actual.Root, actual.Dimensions, index, mmcs.Open(index, actual)));
    }

    [Fact]
    public void CommitRejectsBadInput()
    {
        var ops = IlgpuCpuDevice.Operations<KoalaBearParameters>();
        Assert.Throws<ArgumentException>(() => ops.Commit([]));
        Assert.Throws<ArgumentException>(() => ops.Commit([new RowMajorMatrix<KoalaBear>(new KoalaBear[6], 2)]));
        Assert.Throws<ArgumentException>(() => ops.Permute(new uint[15]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(11)]
    public void FriFoldMatchesCpu(int logN)
    {
        const int d = 4;
        int n = 1 << logN, half = n / 2;
        int seed = 4242 + logN * d;
        var words = Random31.Elements<KoalaBearParameters>(n * d + d, seed);
        var codeword = new KoalaBearExt4[n];
        for (int i = 0; i < n; i++)
            codeword[i] = KoalaBearExt4.FromCoefficients(words.AsSpan(i * d, d));
        var beta = KoalaBearExt4.FromCoefficients(words.AsSpan(n * d, d));
        var halfInv = new KoalaBear[half];
        var expected = new uint[half * d];
        for (int j = 0; j < half; j++)
        {
            halfInv[j] = Fri<KoalaBearParameters, KoalaBearQuartic>.HalfInverseX(logN, j);
            var f = Fri<KoalaBearParameters, KoalaBearQuartic>.Fold(codeword[2 * j], codeword[2 * j + 1], beta, halfInv[j]);
            for (int i = 0; i < d; i++)
                expected[j * d + i] = f.Coefficients[i].Montgomery;
        }
        var actual = IlgpuCpuDevice.Operations<KoalaBearParameters>().FriFold(KoalaBearQuartic.W,
            KoalaBear.AsMontgomery(words.AsSpan(0, n * d)), KoalaBear.AsMontgomery(words.AsSpan(n * d, d)), KoalaBear.AsMontgomery(halfInv));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"fold differs (seed {seed}, 2^{logN})");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(300, 7)]
    [InlineData(1024, 40)]
    public void CombineColumnsMatchesCpu(int rows, int width)
    {
        const int d = 4;
        int seed = rows * 7 + width * 13 + d;
        var m = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(rows * width, seed), width);
        var coeffWords = Random31.Elements<KoalaBearParameters>(width * d, seed + 1);
        var coeffs = new KoalaBearExt4[width];
        for (int c = 0; c < width; c++)
            coeffs[c] = KoalaBearExt4.FromCoefficients(coeffWords.AsSpan(c * d, d));
        var actual = IlgpuCpuDevice.Operations<KoalaBearParameters>().CombineColumns(KoalaBearQuartic.W, m, KoalaBear.AsMontgomery(coeffWords));
        for (int r = 0; r < rows; r++)
        {
            var sum = default(KoalaBearExt4);
            for (int c = 0; c < width; c++)
                sum += coeffs[c] * m[r, c];
            for (int i = 0; i < d; i++)
                Assert.True(sum.Coefficients[i].Montgomery == actual[r * d + i], $"row {r} coefficient {i} differs (seed {seed})");
        }
    }
}
