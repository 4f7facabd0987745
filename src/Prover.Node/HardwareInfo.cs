using System.Runtime.InteropServices;

namespace Prover.Node;

/// <summary>The machine a report was measured on (the zkevm-benchmark-workload <c>hardware</c> fields).</summary>
public sealed record HardwareInfo(string Cpu, int LogicalCores, long MemoryBytes, string Os, string Runtime, IReadOnlyList<string> Gpus)
{
    /// <summary>This machine; <paramref name="gpus"/> lists the devices the backend uses.</summary>
    public static HardwareInfo Current(IReadOnlyList<string>? gpus = null) => new(CpuName(), Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, gpus ?? []);

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int i and >= 0)
                        return line[(i + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
