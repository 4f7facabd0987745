using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>
/// The interaction-count bound that makes a LogUp bus argument a multiset equality over the integers
/// (<see cref="MultiplicityBounds"/>): for every bus of a statement — all tables of all proofs whose bus
/// sums are added together, plus the tuples the verifier contributes itself — the sum of
/// (table height × multiplicity bound) over every interaction with a bounded multiplicity must be below
/// the field's characteristic p, and every interaction whose multiplicity is not bounded must have a
/// tuple fixed by the verifying key. The verifier checks this from the claimed heights before any other
/// work; the prover refuses to build a statement that fails it.
/// </summary>
public static class BusBudget
{
    /// <summary>One table instance of a statement: its compiled AIR at a trace height of 2^<see cref="LogHeight"/>.</summary>
    public readonly record struct Table<F>(CompiledAir<F> Air, int LogHeight) where F : struct, IField<F>;

    /// <summary>Per bus: Σ height × bound over bounded interactions, plus <paramref name="publicCounts"/>; saturates at 2^127.</summary>
    public static SortedDictionary<int, UInt128> Totals<F>(IEnumerable<Table<F>> tables, IReadOnlyDictionary<int, long>? publicCounts = null)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(tables);
        var totals = new SortedDictionary<int, UInt128>();
        void Add(int bus, UInt128 amount)
        {
            var current = totals.GetValueOrDefault(bus);
            totals[bus] = current > Saturation - amount ? Saturation : current + amount;
        }
        foreach (var (air, logHeight) in tables)
        {
            if (logHeight is < 0 or > 64)
                throw new ArgumentOutOfRangeException(nameof(tables), $"table height 2^{logHeight}");
            for (int i = 0; i < air.Interactions.Count; i++)
                if (air.MultiplicityBounds[i] is { } bound)
                    Add(air.Interactions[i].Bus, (UInt128)(ulong)bound << logHeight);
                else
                    Add(air.Interactions[i].Bus, 0);
        }
        if (publicCounts is not null)
            foreach (var (bus, count) in publicCounts)
                Add(bus, (UInt128)(ulong)Math.Max(count, 0));
        return totals;
    }

    private static readonly UInt128 Saturation = UInt128.One << 127;

    /// <summary>
    /// Null when every interaction of <paramref name="airs"/> has a multiplicity its constraints bound or a tuple the key
    /// or boolean columns fix (what makes the heights' count a bound at all); otherwise the first that does not.
    /// </summary>
    public static string? CheckBounded<F>(IEnumerable<CompiledAir<F>> airs)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(airs);
        foreach (var air in airs.Distinct())
            for (int i = 0; i < air.Interactions.Count; i++)
                if (air.MultiplicityBounds[i] is null && !air.FixedTuples[i])
                    return $"{air.Name}: interaction {i} on bus {air.Interactions[i].Bus} has a multiplicity its constraints do not bound "
                        + "and a tuple neither the verifying key nor its boolean columns fix";
        return null;
    }

    /// <summary>
    /// Null when every bus of the statement stays below p and every unbounded interaction has a fixed tuple;
    /// otherwise what is wrong. <paramref name="limit"/> can only lower the bound below p (tests of refusals).
    /// </summary>
    public static string? Check<F>(IReadOnlyCollection<Table<F>> tables, IReadOnlyDictionary<int, long>? publicCounts = null, ulong? limit = null)
        where F : struct, IPrimeField31<F>
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (CheckBounded(tables.Select(t => t.Air)) is { } unbounded)
            return unbounded;
        ulong p = Math.Min(F.Modulus, limit ?? F.Modulus);
        foreach (var (bus, total) in Totals(tables, publicCounts))
            if (total >= p)
                return $"bus {bus}: the statement's heights allow {(total >= Saturation ? "more than 2^127" : total.ToString(System.Globalization.CultureInfo.InvariantCulture))} "
                    + $"bounded sends and receives, not below {(p == F.Modulus ? "the field's characteristic " : "the limit ")}{p}; the bus argument would not be sound";
        return null;
    }
}
