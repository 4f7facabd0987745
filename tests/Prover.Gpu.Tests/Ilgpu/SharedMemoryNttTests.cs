using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// The shared-memory NTT (<see cref="NttBlockKernels"/>, <see cref="IlgpuOperations{TParams}.SharedMemoryNtt"/>) against the global-level
/// kernels (the reference) and the CPU, on ILGPU's CPU accelerator: forward and inverse DFTs, the coset LDE (inverse DIT, coset scale,
/// forward DIF on the larger domain) and the quotient chunk split (coset inverse DFT, chunk LDE), at sizes below, at and above the 2^11-row
/// chunk (where global levels follow or precede the chunk kernel), several widths, both fields. Whole proofs with it are the CPU's bytes.
/// </summary>
public class SharedMemoryNttTests
{
    private static IlgpuOperations<TParams> Ops<TParams>(bool sharedMemory) where TParams : struct, IMontyParameters =>
        new(IlgpuCpuDevice.Device) { SharedMemoryNtt = sharedMemory };

    public static TheoryData<int, int> Sizes => new()
    {
        { 1, 1 }, { 2, 3 }, { 5, 2 }, { 10, 1 }, { 11, 2 }, { 12, 3 }, { 13, 1 },
    };

    private static void DftsMatch<TParams>(int log, int width) where TParams : struct, IMontyParameters
    {
        using var global = Ops<TParams>(false);
        using var shared = Ops<TParams>(true);
        var values = Random31.Elements<TParams>(width << log, 900 + log * 10 + width);
        foreach (bool inverse in new[] { false, true })
        {
            var cpu = new RowMajorMatrix<MontyField31<TParams>>((MontyField31<TParams>[])values.Clone(), width);
            var a = new RowMajorMatrix<MontyField31<TParams>>((MontyField31<TParams>[])values.Clone(), width);
            var b = new RowMajorMatrix<MontyField31<TParams>>((MontyField31<TParams>[])values.Clone(), width);
            if (inverse)
            {
                Radix2Dft<TParams>.Instance.IdftBatch(cpu);
                global.IdftBatch(a);
                shared.IdftBatch(b);
            }
            else
            {
                Radix2Dft<TParams>.Instance.DftBatch(cpu);
                global.DftBatch(a);
                shared.DftBatch(b);
            }
            Assert.Equal(cpu.Values, a.Values);
            Assert.Equal(a.Values, b.Values);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Dft_and_inverse_in_shared_memory_are_the_global_words_koalabear(int log, int width) => DftsMatch<KoalaBearParameters>(log, width);

    [Theory]
    [InlineData(4, 2)]
    [InlineData(12, 1)]
    public void Dft_and_inverse_in_shared_memory_are_the_global_words_babybear(int log, int width) => DftsMatch<BabyBearParameters>(log, width);

    [Theory]
    [InlineData(3, 2, 1)]
    [InlineData(10, 1, 1)]
    [InlineData(10, 3, 3)]
    [InlineData(12, 2, 1)]
    public void Coset_lde_in_shared_memory_is_the_cpu_words(int log, int width, int added)
    {
        using var shared = Ops<KoalaBearParameters>(true);
        using var global = Ops<KoalaBearParameters>(false);
        var trace = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(width << log, 950 + log), width);
        var expected = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(trace.Clone(), added, KoalaBear.MultiplicativeGenerator);
        Assert.Equal(expected.Values, shared.CosetLdeBitReversed(trace, added, KoalaBear.MultiplicativeGenerator).Values);
        Assert.Equal(expected.Values, global.CosetLdeBitReversed(trace, added, KoalaBear.MultiplicativeGenerator).Values);
    }

    [Theory]
    [InlineData(4, 1, 1)]
    [InlineData(10, 2, 2)]
    public void Quotient_chunk_split_in_shared_memory_is_the_cpu_words(int logN, int logD, int logBlowup)
    {
        using var shared = Ops<KoalaBearParameters>(true);
        using var global = Ops<KoalaBearParameters>(false);
        var values = Random31.Elements<KoalaBearParameters>(4 << (logN + logD), 970 + logN);
        var quotient = new ExtensionField<KoalaBear, KoalaBearQuartic>[1 << (logN + logD)];
        for (int i = 0; i < quotient.Length; i++)
            quotient[i] = ExtensionField<KoalaBear, KoalaBearQuartic>.FromCoefficients(values.AsSpan(4 * i, 4));
        var (coefficients, lde) = QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.Split(Radix2Dft<KoalaBearParameters>.Instance, quotient, logN, logD, logBlowup);
        var (c, l) = shared.SplitQuotient(KoalaBear.AsMontgomery(values), 4, logN, logD, logBlowup);
        Assert.Equal(coefficients.Values, c.Values);
        Assert.Equal(lde.Values, l.Values);
        var (gc, gl) = global.SplitQuotient(KoalaBear.AsMontgomery(values), 4, logN, logD, logBlowup);
        Assert.Equal(coefficients.Values, gc.Values);
        Assert.Equal(lde.Values, gl.Values);
    }

    /// <summary>The kernel benchmarks (<c>prover gpu-bench</c>, run by scripts/gpu-check.sh on a GPU) time the NTT both ways, each checked first.</summary>
    [Fact]
    public void Kernel_benchmarks_time_both_ntt_paths()
    {
        var results = IlgpuKernelBenchmarks.Run(IlgpuCpuDevice.Device, 6, repeats: 1);
        Assert.Contains(results, r => r.Name == "NTT 2^6 x 8 on the device (global levels)" && r.Milliseconds > 0 && r.BytesMoved == 0);
        Assert.Contains(results, r => r.Name == "NTT 2^6 x 8 on the device (shared-memory chunks 2^11)" && r.Milliseconds > 0 && r.BytesMoved == 0);
    }

    /// <summary>
    /// Whole proofs with every NTT's inner levels in shared memory (the CPU accelerator's default) and with the global levels only
    /// (the GPUs' default) are the CPU's bytes (demo AIRs, LogUp included).
    /// </summary>
    [Theory]
    [InlineData("fibonacci", 8, true)]
    [InlineData("lookup", 6, true)]
    [InlineData("fibonacci", 8, false)]
    [InlineData("lookup", 6, false)]
    public void Proofs_with_either_ntt_are_the_cpu_bytes(string demo, int logRows, bool sharedMemory)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false) { SharedMemoryNtt = sharedMemory };
        var (cpu, _) = Prover.Core.Air.Demo.DemoProofs.Prove(demo, logRows, "development");
        var (device, _) = Prover.Core.Air.Demo.DemoProofs.Prove(demo, logRows, "development", backend);
        Assert.True(cpu.AsSpan().SequenceEqual(device), $"{demo}: proof bytes differ (shared-memory NTT {sharedMemory})");
    }

    [Fact]
    public void The_cpu_accelerator_defaults_to_the_shared_memory_ntt()
    {
        using var ops = new IlgpuOperations<KoalaBearParameters>(IlgpuCpuDevice.Device);
        Assert.Equal("cpu", IlgpuCpuDevice.Device.Api);
        Assert.True(ops.SharedMemoryNtt);
    }
}
