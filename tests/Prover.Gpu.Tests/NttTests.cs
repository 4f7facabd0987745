using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Gpu.Tests;

/// <summary>Device NTT/LDE against Radix2Dft on random inputs: every size class, several widths, both fields.</summary>
public class NttTests
{
    public static TheoryData<int, int, int> LdeCases => new()
    {
        // log rows, width, added bits: tiny, single column, narrow, not a multiple of the group size, 2^16+ elements.
        { 0, 1, 1 }, { 1, 3, 1 }, { 2, 1, 2 }, { 3, 5, 1 }, { 5, 7, 2 }, { 6, 17, 1 }, { 8, 9, 3 }, { 10, 33, 1 }, { 12, 16, 2 }, { 14, 3, 1 },
    };

    [OpenClTheory]
    [MemberData(nameof(LdeCases))]
    public void CosetLdeBitReversedMatchesCpuKoalaBear(int log, int width, int added) => Lde<KoalaBearParameters>(log, width, added);

    [OpenClTheory]
    [MemberData(nameof(LdeCases))]
    public void CosetLdeBitReversedMatchesCpuBabyBear(int log, int width, int added) => Lde<BabyBearParameters>(log, width, added);

    internal static void Lde<TParams>(int log, int width, int added, string api = "opencl") where TParams : struct, IMontyParameters
    {
        int seed = HashCode.Combine(log, width, added, typeof(TParams).Name.Length);
        var input = new RowMajorMatrix<MontyField31<TParams>>(Random31.Elements<TParams>((1 << log) * width, seed), width);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var expected = Radix2Dft<TParams>.Instance.CosetLdeBitReversed(input.Clone(), added, shift);
        var actual = GpuDevices.Operations<TParams>(api).CosetLdeBitReversed(input, added, shift);
        Assert.Equal(expected.Width, actual.Width);
        Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values), $"LDE differs from the CPU (seed {seed}, 2^{log} x {width}, +{added} bits)");
    }

    [OpenClTheory]
    [InlineData(0, 1)]
    [InlineData(4, 3)]
    [InlineData(7, 8)]
    [InlineData(11, 5)]
    [InlineData(16, 1)]
    public void DftAndInverseMatchCpu(int log, int width)
    {
        int seed = 1000 + log * 31 + width;
        var input = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << log) * width, seed), width);
        var cpu = input.Clone();
        Radix2Dft<KoalaBearParameters>.Instance.DftBatch(cpu);
        var gpu = input.Clone();
        var ops = GpuDevices.KoalaBear;
        ops.DftBatch(gpu);
        Assert.True(cpu.Values.AsSpan().SequenceEqual(gpu.Values), $"DFT differs (seed {seed})");
        ops.IdftBatch(gpu);
        Assert.True(input.Values.AsSpan().SequenceEqual(gpu.Values), $"IDFT(DFT(x)) != x (seed {seed})");
    }
}
