namespace Prover.Benchmarking;

/// <summary>
/// The prover's phase timings are a two-level list: a top-level phase, then (indented by spaces) the
/// sub-phases it is made of, e.g. "shard proofs" then "  main LDE", "  main commit", … Summing every
/// entry would count the sub-phases twice; this splits the list into parts that add up to the total.
/// </summary>
public static class ProvingPhases
{
    /// <summary>A phase with its qualified name (<c>parent / child</c>) and whether it is a sub-phase.</summary>
    public sealed record Phase(string Name, double Milliseconds, bool IsSubPhase);

    /// <summary>Every entry, sub-phases named after their parent.</summary>
    public static List<Phase> Qualified(IReadOnlyList<(string Phase, double Milliseconds)> timings)
    {
        var list = new List<Phase>();
        string? parent = null;
        foreach (var (name, ms) in timings)
        {
            bool sub = name.Length > 0 && char.IsWhiteSpace(name[0]) && parent is not null;
            if (!sub)
                parent = name.Trim();
            list.Add(new Phase(sub ? $"{parent} / {name.Trim()}" : name.Trim(), ms, sub));
        }
        return list;
    }

    /// <summary>
    /// Disjoint parts: top-level phases without sub-phases, the sub-phases, and for a parent the time
    /// its sub-phases do not account for (<c>parent (rest)</c>, when positive). They sum to the total.
    /// </summary>
    public static List<(string Name, double Milliseconds)> Disjoint(IReadOnlyList<(string Phase, double Milliseconds)> timings)
    {
        var qualified = Qualified(timings);
        var parts = new List<(string, double)>();
        for (int i = 0; i < qualified.Count; i++)
        {
            var p = qualified[i];
            if (p.IsSubPhase)
                continue;
            int j = i + 1;
            double children = 0;
            for (; j < qualified.Count && qualified[j].IsSubPhase; j++)
                children += qualified[j].Milliseconds;
            if (j == i + 1)
            {
                parts.Add((p.Name, p.Milliseconds));
                continue;
            }
            for (int k = i + 1; k < j; k++)
                parts.Add((qualified[k].Name[(p.Name.Length + 3)..], qualified[k].Milliseconds));
            if (p.Milliseconds - children > 0)
                parts.Add(($"{p.Name} (rest)", p.Milliseconds - children));
        }
        return parts;
    }
}
