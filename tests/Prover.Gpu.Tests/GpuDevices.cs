using Prover.Core.Field;
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

    public static OpenClDevice? OpenCl => s_openCl.Value.Device;

    public static string OpenClMissing => "OpenCL not available: " + s_openCl.Value.Reason;

    public static GpuOperations<KoalaBearParameters> KoalaBear => s_koala.Value ?? throw new InvalidOperationException(OpenClMissing);

    public static GpuOperations<BabyBearParameters> BabyBear => s_baby.Value ?? throw new InvalidOperationException(OpenClMissing);

    public static GpuOperations<TParams> Operations<TParams>() where TParams : struct, IMontyParameters =>
        typeof(TParams) == typeof(KoalaBearParameters) ? (GpuOperations<TParams>)(object)KoalaBear
        : typeof(TParams) == typeof(BabyBearParameters) ? (GpuOperations<TParams>)(object)BabyBear
        : throw new NotSupportedException(typeof(TParams).Name);
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
