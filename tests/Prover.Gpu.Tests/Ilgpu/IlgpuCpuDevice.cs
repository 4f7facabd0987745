using Prover.Core.Field;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// ILGPU's CPU accelerator, opened once per test run: it runs the same C# kernels as a GPU would, so the
/// kernel logic is tested on every machine (no GPU, no driver). Opening it must not fail.
/// </summary>
internal static class IlgpuCpuDevice
{
    private static readonly Lazy<IlgpuDevice> s_device = new(() =>
        IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var device, out var report) ? device! : throw new InvalidOperationException(report));

    private static readonly Lazy<IlgpuOperations<KoalaBearParameters>> s_koala = new(() => new IlgpuOperations<KoalaBearParameters>(Device));
    private static readonly Lazy<IlgpuOperations<BabyBearParameters>> s_baby = new(() => new IlgpuOperations<BabyBearParameters>(Device));

    public static IlgpuDevice Device => s_device.Value;

    public static IlgpuOperations<TParams> Operations<TParams>() where TParams : struct, IMontyParameters => typeof(TParams) == typeof(KoalaBearParameters)
        ? (IlgpuOperations<TParams>)(object)s_koala.Value
        : typeof(TParams) == typeof(BabyBearParameters)
            ? (IlgpuOperations<TParams>)(object)s_baby.Value
            : throw new NotSupportedException(typeof(TParams).Name);
}
