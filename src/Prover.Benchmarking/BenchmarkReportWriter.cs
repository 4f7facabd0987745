namespace Prover.Benchmarking;

/// <summary>Writes a run's folder: one JSON per block, <c>summary.csv</c>, <c>summary.md</c> and the PNG plots.</summary>
public static class BenchmarkReportWriter
{
    public static List<string> WriteAll(string folder, IReadOnlyList<BlockReport> reports, HardwareInfo hardware, EnergyMeter? meter, string command)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in reports)
        {
            string file = Path.Combine(folder, UniqueFileName(r, used) + ".json");
            File.WriteAllText(file, BlockReportJson.Write(r, hardware, meter));
            written.Add(file);
        }
        var summary = new BenchmarkSummary(reports, hardware, meter);
        string csv = Path.Combine(folder, "summary.csv");
        File.WriteAllText(csv, summary.Csv());
        string md = Path.Combine(folder, "summary.md");
        File.WriteAllText(md, summary.Markdown(DateTimeOffset.UtcNow, command));
        written.Add(csv);
        written.Add(md);
        written.AddRange(BenchmarkPlots.Write(folder, reports, hardware));
        return written;
    }

    /// <summary>A file-system-safe, unique name for a block's report.</summary>
    internal static string UniqueFileName(BlockReport r, HashSet<string> used)
    {
        var chars = r.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        string safe = new string(chars).Trim('_', '.');
        if (safe.Length > 100) safe = safe[..100];
        if (safe.Length == 0) safe = "block";
        if (safe is "summary") safe = "block_summary";
        string candidate = safe;
        for (int i = 2; !used.Add(candidate); i++)
            candidate = $"{safe}_{i}";
        return candidate;
    }
}
