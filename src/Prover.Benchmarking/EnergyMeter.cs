namespace Prover.Benchmarking;

/// <summary>Joules spent during one measured piece of work, per source; null where a source is absent.</summary>
public sealed record EnergyReading(double? CpuJoules, double? GpuJoules, double Seconds)
{
    /// <summary>CPU plus GPU where measured; null when neither is.</summary>
    public double? TotalJoules => CpuJoules is null && GpuJoules is null ? null : (CpuJoules ?? 0) + (GpuJoules ?? 0);
}

/// <summary>
/// Measures energy around a piece of work from RAPL (CPU packages) and NVML (NVIDIA GPUs), each used
/// where present; the reasons for absent sources are kept for the report.
/// </summary>
public sealed class EnergyMeter : IDisposable
{
    private readonly Rapl? _rapl;
    private readonly Nvml? _nvml;

    public string? CpuAbsentReason { get; }
    public string? GpuAbsentReason { get; }
    public IReadOnlyList<GpuInfo> Gpus => _nvml?.Gpus ?? [];

    public EnergyMeter(Rapl? rapl, string? cpuAbsent, Nvml? nvml, string? gpuAbsent)
    {
        (_rapl, CpuAbsentReason, _nvml, GpuAbsentReason) = (rapl, cpuAbsent, nvml, gpuAbsent);
    }

    /// <summary>RAPL and NVML of this machine, each where available.</summary>
    public static EnergyMeter Open()
    {
        var rapl = Rapl.TryOpen(out var cpuAbsent);
        var nvml = Nvml.TryOpen(out var gpuAbsent);
        return new EnergyMeter(rapl, cpuAbsent, nvml, gpuAbsent);
    }

    /// <summary>Runs <paramref name="work"/> and returns its result with the energy it took.</summary>
    public (T Result, EnergyReading Energy) Measure<T>(Func<T> work)
    {
        var cpuStart = _rapl?.Sample();
        double? gpuStart = _nvml?.TotalEnergyJoules();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = work();
        double seconds = sw.Elapsed.TotalSeconds;
        double? cpu = _rapl is null ? null : _rapl.JoulesBetween(cpuStart!, _rapl.Sample());
        double? gpuEnd = _nvml?.TotalEnergyJoules();
        double? gpu = gpuStart is { } a && gpuEnd is { } b ? b - a : null;
        return (result, new EnergyReading(cpu, gpu, seconds));
    }

    public void Dispose() => _nvml?.Dispose();
}
