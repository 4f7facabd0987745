using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>Backend names (CLI and library options) and what each ILGPU choice opens.</summary>
public class BackendSelectionTests
{
    [Fact]
    public void EveryNameParsesAndUnknownNamesAreRejected()
    {
        var kinds = GpuBackend.Names.Select(GpuBackend.Parse).ToArray();
        Assert.Equal(kinds.Length, kinds.Distinct().Count());
        Assert.Equal(BackendKind.IlgpuCpu, GpuBackend.Parse(" ILGPU:CPU "));
        Assert.Throws<ArgumentException>(() => GpuBackend.Parse("ilgpu:tpu"));
        Assert.Throws<ArgumentException>(() => GpuBackend.Parse(""));
    }

    [Fact]
    public void IlgpuCpuOpensTheCpuAccelerator()
    {
        var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(BackendKind.IlgpuCpu, out var report);
        try
        {
            var ilgpu = Assert.IsType<IlgpuProverBackend<KoalaBearParameters>>(backend);
            Assert.Equal("ilgpu-cpu", ilgpu.Name);
            Assert.Contains("cpu accelerator", report, StringComparison.Ordinal);
        }
        finally
        {
            (backend as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void EveryIlgpuGpuOpensByItsOrdinalAndOnePastTheLastDoesNot()
    {
        // A cluster worker makes each of these a slot (Prover.Cluster's LocalDevices); without a GPU the list is empty with reasons.
        var gpus = IlgpuDevice.EnumerateGpus(out var why);
        Assert.True(gpus.Count > 0 || why.Length > 0, "no GPU and no reason");
        for (int i = 0; i < gpus.Count; i++)
        {
            Assert.True(IlgpuDevice.TryOpenGpu(i, out var device, out var report), report);
            using (device)
                Assert.Equal(gpus[i].Api, "ilgpu " + device!.Api);
        }
        Assert.False(IlgpuDevice.TryOpenGpu(gpus.Count, out var none, out var missing));
        Assert.Null(none);
        Assert.Contains($"no ILGPU GPU number {gpus.Count}", missing, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => IlgpuDevice.TryOpenGpu(-1, out _, out _));
    }

    [Fact]
    public void IlgpuOnAGpuFallsBackToTheCpuBackendWithTheReasonWhenThereIsNoGpu()
    {
        bool hasGpu = IlgpuDevice.TryOpen(IlgpuDeviceKind.Gpu, out var device, out _);
        device?.Dispose();
        var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(BackendKind.Ilgpu, out var report);
        try
        {
            if (hasGpu)
                Assert.IsType<IlgpuProverBackend<KoalaBearParameters>>(backend);
            else
            {
                Assert.Same(CpuBackend<KoalaBearParameters>.Instance, backend);
                Assert.StartsWith("cpu (ILGPU not available: ", report, StringComparison.Ordinal);
            }
        }
        finally
        {
            (backend as IDisposable)?.Dispose();
        }
    }
}
