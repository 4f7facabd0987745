using System.Globalization;
using System.Text.Json;
using Prover.Core.Machine;

namespace Prover.Cli;

/// <summary><c>execute --profile N</c>: the N costliest functions of a <see cref="FunctionProfile"/>, as JSON or text.</summary>
internal static class ProfileReport
{
    /// <summary>The top functions, then the cycles outside them, with their share of the run's cycles.</summary>
    public static List<Dictionary<string, object?>> Entries(FunctionProfile profile, int top)
    {
        long total = Math.Max(profile.Result.Cycles, 1);
        var entries = profile.Functions.Take(top).Select(f => new Dictionary<string, object?>
        {
            ["name"] = f.Name,
            ["cycles"] = f.Cycles,
            ["share"] = Math.Round((double)f.Cycles / total, 4),
            ["entries"] = f.Entries,
        }).ToList();
        long rest = profile.Functions.Skip(top).Sum(f => f.Cycles) + profile.OutsideFunctions + profile.NoEventInstructions;
        entries.Add(new Dictionary<string, object?>
        {
            ["name"] = "(rest: other functions, code outside symbols, FENCE)",
            ["cycles"] = rest,
            ["share"] = Math.Round((double)rest / total, 4),
        });
        return entries;
    }

    public static void Write(Utf8JsonWriter w, FunctionProfile profile, int top)
    {
        w.WritePropertyName("function_profile");
        JsonSerializer.Serialize(w, Entries(profile, top));
    }

    public static void Print(FunctionProfile profile, int top, string indent)
    {
        Console.WriteLine($"{indent}function profile (traced run, {profile.Result.Cycles:N0} cycles):");
        PrintEntries(Entries(profile, top), indent + "  ");
    }

    public static void PrintEntries(List<Dictionary<string, object?>> entries, string indent)
    {
        foreach (var e in entries)
        {
            string calls = e.TryGetValue("entries", out var n) ? string.Format(CultureInfo.InvariantCulture, "{0:N0} entries", n) : "";
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}{1,-40} {2,15:N0} {3,7:P2}  {4}",
                indent, e["name"], e["cycles"], e["share"], calls));
        }
    }
}
