namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// Multiplicities of the lookup relations of <see cref="ByteTable{F}"/>, filled by the chips' trace generators
/// (one increment per lookup a real row sends) and turned into the table's multiplicity columns by
/// <see cref="ByteTable{F}.GenerateTrace"/>. Increments are plain (not atomic: a lookup count is bumped for almost every
/// trace cell, and the hot counters, such as Range16 of 0, would bounce between cores): one collector belongs to one
/// thread at a time. A generator working on several threads gives each worker its own collector and adds them into the
/// caller's (<see cref="For"/>, <see cref="Add"/>); addition commutes, so the counts do not depend on the split.
/// </summary>
public sealed class LookupCounts
{
    private readonly long[] _range16 = new long[1 << 16];
    private readonly long[] _and = new long[1 << 16];

    /// <summary>Counts of each x ∈ [0, 2^16) sent on the Range16 bus.</summary>
    public ReadOnlySpan<long> Range16 => _range16;

    /// <summary>Counts of each (a, b, a AND b) sent on the ByteAnd bus (RANGE8 of x included as (x, 0, 0)), indexed by <see cref="AndIndex"/>.</summary>
    public ReadOnlySpan<long> And => _and;

    /// <summary>Index of the pair (a, b) in <see cref="And"/>: a·2^8 + b (the table row of the pair).</summary>
    public static int AndIndex(int a, int b) => (a << 8) | b;

    public void AddRange16(ulong x)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x, 0xFFFFUL);
        _range16[x]++;
    }

    /// <summary>Records the lookup (a, b, a AND b).</summary>
    public void AddAnd(ulong a, ulong b)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(a, 0xFFUL);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(b, 0xFFUL);
        _and[AndIndex((int)a, (int)b)]++;
    }

    /// <summary>Records RANGE8 of <paramref name="x"/>: the lookup (x, 0, 0) (<see cref="ByteLookup.SendRange8{F}"/>).</summary>
    public void AddRange8(ulong x) => AddAnd(x, 0);

    /// <summary>Adds every count of <paramref name="other"/> to this collector.</summary>
    public void Add(LookupCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Add(_range16, other._range16);
        Add(_and, other._and);
    }

    private static void Add(Span<long> into, ReadOnlySpan<long> from)
    {
        for (int i = 0; i < into.Length; i++)
            into[i] += from[i];
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index of [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>) on the
    /// thread pool, each worker counting into its own collector, and adds those into <paramref name="counts"/> when the loop
    /// is done (under a lock: workers finish concurrently). The caller must not touch <paramref name="counts"/> meanwhile.
    /// </summary>
    public static void For(int fromInclusive, int toExclusive, LookupCounts counts, Action<int, LookupCounts> body)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(body);
        Parallel.For(fromInclusive, toExclusive, () => new LookupCounts(), (i, _, local) =>
        {
            body(i, local);
            return local;
        }, local =>
        {
            lock (counts)
                counts.Add(local);
        });
    }
}
