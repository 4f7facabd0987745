using System.Globalization;
using System.Runtime.Intrinsics;

namespace Prover.Benchmarking;

/// <summary>
/// The machine a report was measured on: CPU model, logical cores, RAM, the widest SIMD vector the
/// runtime accelerates (chosen at run time, never assumed) and the GPUs NVML sees.
/// </summary>
public sealed record HardwareInfo(string CpuModel, int Cores, double TotalRamGib, int SimdWidthBits, IReadOnlyList<GpuInfo> Gpus, string Os)
{
    public static HardwareInfo Detect(IReadOnlyList<GpuInfo> gpus) => new(ReadCpuModel(), Environment.ProcessorCount,
        Math.Round(TotalRamBytes() / (double)(1L << 30), 1), SimdWidth(), gpus, System.Runtime.InteropServices.RuntimeInformation.OSDescription);

    public static int SimdWidth() =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 64;

    private static string ReadCpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int i and > 0)
                    return line[(i + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static long TotalRamBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    return long.Parse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>One line for tables and plot captions.</summary>
    public string Describe() =>
        $"{CpuModel}, {Cores} cores, {TotalRamGib:F1} GiB RAM, SIMD {SimdWidthBits}-bit, "
        + (Gpus.Count == 0 ? "no GPU" : string.Join("; ", Gpus.Select(g => $"{g.Model} ({g.MemoryBytes / (double)(1L << 30):F0} GiB, driver {g.Driver})")));
}
