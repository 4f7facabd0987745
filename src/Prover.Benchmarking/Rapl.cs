using System.Globalization;

namespace Prover.Benchmarking;

/// <summary>
/// CPU package energy from Linux RAPL (<c>/sys/class/powercap/intel-rapl:N/energy_uj</c>; AMD exposes the
/// same interface). Only top-level package domains are summed (their sub-domains are parts of them).
/// The counters wrap at <c>max_energy_range_uj</c>; a single wrap between two reads is undone. Where
/// the folder is missing or unreadable (containers, non-root), <see cref="TryOpen"/> says so.
/// </summary>
public sealed class Rapl
{
    private readonly (string Energy, ulong Range)[] _domains;

    private Rapl((string, ulong)[] domains) => _domains = domains;

    public const string DefaultRoot = "/sys/class/powercap";

    public int Domains => _domains.Length;

    public static Rapl? TryOpen(out string? absentReason, string root = DefaultRoot)
    {
        if (!Directory.Exists(root))
        {
            absentReason = $"RAPL absent: {root} does not exist";
            return null;
        }
        var domains = new List<(string, ulong)>();
        foreach (var dir in Directory.GetDirectories(root, "intel-rapl:*").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(dir).Count(c => c == ':') != 1)
                continue; // a sub-domain (core, uncore, dram) of a package
            string energy = Path.Combine(dir, "energy_uj");
            try
            {
                _ = Read(energy);
                ulong range = File.Exists(Path.Combine(dir, "max_energy_range_uj")) ? Read(Path.Combine(dir, "max_energy_range_uj")) : 0;
                domains.Add((energy, range));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                absentReason = $"RAPL absent: {energy} is not readable ({e.Message})";
                return null;
            }
        }
        if (domains.Count == 0)
        {
            absentReason = $"RAPL absent: no package domain under {root}";
            return null;
        }
        absentReason = null;
        return new Rapl([.. domains]);
    }

    /// <summary>The counters now (microjoules, one per package).</summary>
    public ulong[] Sample() => [.. _domains.Select(d => Read(d.Energy))];

    /// <summary>Joules between two samples, undoing one wrap of each counter.</summary>
    public double JoulesBetween(ulong[] start, ulong[] end)
    {
        double sum = 0;
        for (int i = 0; i < _domains.Length; i++)
            sum += Delta(start[i], end[i], _domains[i].Range) / 1e6;
        return sum;
    }

    internal static ulong Delta(ulong start, ulong end, ulong range) =>
        end >= start ? end - start : range > start ? range - start + end : end;

    private static ulong Read(string path) => ulong.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
}
