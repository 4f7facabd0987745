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
