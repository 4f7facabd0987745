using System.Globalization;
using System.Text;

namespace Prover.Benchmarking;

/// <summary>
/// The summary of a run: one CSV row and one Markdown row per block, the hardware, energy per million
/// cycles, and the realtime verdict: the proving throughput reached (cycles/s) next to what proving
/// each measured block within the 10 s budget needs (its cycles ÷ 10 s).
/// </summary>
public sealed class BenchmarkSummary(IReadOnlyList<BlockReport> reports, HardwareInfo hardware, EnergyMeter? meter)
{
    /// <summary>The realtime budget: a block proved within 10 s of its slot.</summary>
    public const double RealtimeSeconds = 10.0;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public IReadOnlyList<BlockReport> Reports => reports;

    /// <summary>Cycles per second the prover reached over the proved blocks (null when none was proved).</summary>
    public double? ProvingCyclesPerSecond
    {
        get
        {
            var proved = reports.Where(r => r.Proving is not null && r.ProvingError is null).ToList();
            double seconds = proved.Sum(r => r.Proving!.ProvingMs) / 1e3;
            return proved.Count == 0 || seconds <= 0 ? null : proved.Sum(r => (double)r.Cycles) / seconds;
        }
    }

    /// <summary>Cycles per second that proving the largest executed block in 10 s needs.</summary>
    public double RequiredCyclesPerSecond => reports.Where(r => r.ExecutionError is null).Select(r => r.Cycles).DefaultIfEmpty(0).Max() / RealtimeSeconds;

    /// <summary>Joules per million cycles over the proved blocks (or the executions without proofs); null when energy was not measured.</summary>
    public double? JoulesPerMillionCycles(bool proving)
    {
        var measured = reports.Select(r => (r.Cycles, Energy: proving ? r.Proving?.Energy : r.ExecutionEnergy))
            .Where(x => x.Energy?.TotalJoules is not null && x.Cycles > 0).ToList();
        return measured.Count == 0 ? null : measured.Sum(x => x.Energy!.TotalJoules!.Value) / (measured.Sum(x => (double)x.Cycles) / 1e6);
    }

    public string Verdict()
    {
        double need = RequiredCyclesPerSecond;
        if (need == 0)
            return "realtime: no block executed, nothing to compare";
        var largest = reports.Where(r => r.ExecutionError is null).MaxBy(r => r.Cycles)!;
        string needText = $"proving the largest measured block ({largest.Name}, {largest.Cycles:N0} cycles) within {RealtimeSeconds:F0} s needs {need:N0} cycles/s";
        if (ProvingCyclesPerSecond is not { } reached)
            return $"realtime: {needText}; proving throughput not measured in this run (run with --prove)";
        double factor = need / reached;
        return $"realtime: reached {reached:N0} cycles/s proving on this machine; {needText}: "
            + (factor <= 1 ? "within the budget" : $"{factor:N1}x short ({largest.Cycles / reached:N1} s for that block)");
    }

    public static readonly string[] CsvColumns =
    [
        "name", "block_number", "block_used_gas", "total_num_cycles", "cycles_per_gas", "execution_duration_ms", "successful_validation",
        "expected_valid", "execution_error", "proving_time_ms", "proof_size", "verification_time_ms", "verified", "peak_memory_usage_bytes",
        "provable_bits", "execution_joules", "proving_joules", "proving_joules_per_million_cycles",
    ];

    public string Csv()
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', CsvColumns));
        foreach (var r in reports)
        {
            var p = r.Proving;
            string?[] cells =
            [
                r.Name, r.BlockNumber?.ToString(Inv), r.GasUsed.ToString(Inv), r.Cycles.ToString(Inv), F(r.CyclesPerGas, 3), F(r.ExecutionMs, 3),
                B(r.SuccessfulValidation), B(r.ExpectedValid), r.ExecutionError, F(p?.ProvingMs, 1), p?.ProofSize.ToString(Inv), F(p?.VerificationMs, 2),
                B(p?.Verified), p?.PeakMemoryBytes.ToString(Inv), F(p?.ProvableBits, 1), F(r.ExecutionEnergy?.TotalJoules, 3), F(p?.Energy.TotalJoules, 3),
                F(p?.Energy.TotalJoules is { } j && r.Cycles > 0 ? j / (r.Cycles / 1e6) : null, 4),
            ];
            sb.AppendLine(string.Join(',', cells.Select(Escape)));
        }
        return sb.ToString();
    }

    public string Markdown(DateTimeOffset when, string command)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Block benchmark");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- date: {when.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- command: `{command}`");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- hardware: {hardware.Describe()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- energy: CPU {(meter?.CpuAbsentReason ?? "RAPL")}; GPU {(meter?.GpuAbsentReason ?? "NVML")}");
        var jExec = JoulesPerMillionCycles(false);
        var jProve = JoulesPerMillionCycles(true);
        sb.AppendLine(CultureInfo.InvariantCulture, $"- joules per million cycles: execution {(jExec is { } a ? a.ToString("F4", Inv) : "not measured")}, proving {(jProve is { } b ? b.ToString("F4", Inv) : "not measured")}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {Verdict()}");
        sb.AppendLine();
        sb.AppendLine("| block | gas | cycles | cycles/gas | exec ms | valid | proving s | proof KiB | verify ms | peak GiB | J (exec/prove) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            var p = r.Proving;
            string valid = r.ExecutionError is { } err ? $"error: {err}" : r.SuccessfulValidation == true ? "yes" : "no";
            if (r.OutputMatched == false) valid += " (expected the opposite)";
            string joules = $"{F(r.ExecutionEnergy?.TotalJoules, 1) ?? "–"}/{F(p?.Energy.TotalJoules, 1) ?? "–"}";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {r.GasUsed:N0} | {r.Cycles:N0} | {F(r.CyclesPerGas, 1) ?? "–"} | {r.ExecutionMs:F1} | {valid.Replace("|", "\\|", StringComparison.Ordinal)} | "
                + $"{(p is null ? r.ProvingError is null ? "–" : "failed" : (p.ProvingMs / 1e3).ToString("F1", Inv))} | {(p is null ? "–" : (p.ProofSize / 1024.0).ToString("F0", Inv))} | "
                + $"{(p is null ? "–" : p.VerificationMs.ToString("F0", Inv))} | {(p is null ? "–" : (p.PeakMemoryBytes / (double)(1L << 30)).ToString("F1", Inv))} | {joules} |");
        }
        return sb.ToString();
    }

    private static string? F(double? value, int digits) => value?.ToString("F" + digits.ToString(Inv), Inv);

    private static string? B(bool? value) => value is null ? null : value.Value ? "true" : "false";

    private static string Escape(string? cell)
    {
        if (cell is null) return "";
        return cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
