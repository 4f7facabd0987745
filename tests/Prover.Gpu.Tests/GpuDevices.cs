using Prover.Core.Field;
using Prover.Gpu.Cuda;
using Prover.Gpu.OpenCl;

namespace Prover.Gpu.Tests;

/// <summary>
/// The devices the tests run on, opened once per test run. A missing library or device is not a
/// failure: the GPU facts skip with the driver's reason (CI installs PoCL so the OpenCL path runs).
/// </summary>
internal static class GpuDevices
{
    private static readonly Lazy<(OpenClDevice? Device, string Reason)> s_openCl = new(() =>
    {
        var ok = OpenClDevice.TryOpen(out var device, out var reason);
        return (ok ? device : null, reason);
    });

    private static readonly Lazy<GpuOperations<KoalaBearParameters>?> s_koala = new(() => OpenCl is { } d ? new GpuOperations<KoalaBearParameters>(d) : null);
    private static readonly Lazy<GpuOperations<BabyBearParameters>?> s_baby = new(() => OpenCl is { } d ? new GpuOperations<BabyBearParameters>(d) : null);

    private static readonly Lazy<(CudaDevice? Device, string Reason)> s_cuda = new(() =>
    {
        var ok = CudaDevice.TryOpen(out var device, out var reason);
        return (ok ? device : null, reason);
    });

    private static readonly Lazy<GpuOperations<KoalaBearParameters>?> s_cudaKoala = new(() => Cuda is { } d ? new GpuOperations<KoalaBearParameters>(d) : null);
    private static readonly Lazy<GpuOperations<BabyBearParameters>?> s_cudaBaby = new(() => Cuda is { } d ? new GpuOperations<BabyBearParameters>(d) : null);

    public static CudaDevice? Cuda => s_cuda.Value.Device;

    public static string CudaMissing => "CUDA not available: " + s_cuda.Value.Reason;

    public static GpuDevice Device(string api) => api switch
    {
        "opencl" => OpenCl ?? throw new InvalidOperationException(OpenClMissing),
        "cuda" => Cuda ?? throw new InvalidOperationException(CudaMissing),
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, null),
    };

    public static OpenClDevice? OpenCl => s_openCl.Value.Device;

    public static string OpenClMissing => "OpenCL not available: " + s_openCl.Value.Reason;

    public static GpuOperations<KoalaBearParameters> KoalaBear => s_koala.Value ?? throw new InvalidOperationException(OpenClMissing);

    public static GpuOperations<BabyBearParameters> BabyBear => s_baby.Value ?? throw new InvalidOperationException(OpenClMissing);

    /// <summary>The operations of one field on the device of one API ("opencl" or "cuda").</summary>
    public static GpuOperations<TParams> Operations<TParams>(string api = "opencl") where TParams : struct, IMontyParameters
    {
        object? ops = (api, typeof(TParams).Name) switch
        {
            ("opencl", nameof(KoalaBearParameters)) => KoalaBear,
            ("opencl", nameof(BabyBearParameters)) => BabyBear,
            ("cuda", nameof(KoalaBearParameters)) => s_cudaKoala.Value,
            ("cuda", nameof(BabyBearParameters)) => s_cudaBaby.Value,
            _ => throw new NotSupportedException($"{api}/{typeof(TParams).Name}"),
        };
        return (GpuOperations<TParams>?)ops ?? throw new InvalidOperationException(CudaMissing);
    }
}

/// <summary>A fact that runs only where an OpenCL device exists; otherwise skipped with the reason.</summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute()
    {
        if (GpuDevices.OpenCl is null)
            Skip = GpuDevices.OpenClMissing;
    }
}

/// <summary>A theory that runs only where an OpenCL device exists; otherwise skipped with the reason.</summary>
public sealed class OpenClTheoryAttribute : TheoryAttribute
{
    public OpenClTheoryAttribute()
    {
        if (GpuDevices.OpenCl is null)
            Skip = GpuDevices.OpenClMissing;
    }
}

/// <summary>A theory that runs only where a CUDA device (driver and NVRTC) exists; otherwise skipped with the reason.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (GpuDevices.Cuda is null)
            Skip = GpuDevices.CudaMissing;
    }
}

internal static class Random31
{
    /// <summary>Seeded random elements (the seed goes into assertion messages).</summary>
    public static MontyField31<TParams>[] Elements<TParams>(int count, int seed) where TParams : struct, IMontyParameters
    {
        var rng = new Random(seed);
        var result = new MontyField31<TParams>[count];
        for (int i = 0; i < count; i++)
            result[i] = MontyField31<TParams>.FromCanonical((uint)rng.NextInt64(TParams.P));
        return result;
    }
}
