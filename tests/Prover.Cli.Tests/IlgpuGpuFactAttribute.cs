using Prover.Gpu.Ilgpu;

namespace Prover.Cli.Tests;

/// <summary>A fact that runs only where ILGPU finds a GPU (CUDA, or OpenCL with the generic address space); otherwise skipped with the reason.</summary>
public sealed class IlgpuGpuFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_missing = new(() =>
    {
        if (!IlgpuDevice.TryOpen(IlgpuDeviceKind.Gpu, out var device, out var report))
            return "no GPU through ILGPU: " + report;
        device!.Dispose();
        return null;
    });

    public IlgpuGpuFactAttribute()
    {
        if (s_missing.Value is { } why)
            Skip = why;
    }
}
