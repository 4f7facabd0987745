namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// Multiplicities of the lookup relations of <see cref="ByteTable{F}"/>, filled by the chips' trace generators
/// (one increment per lookup a real row sends) and turned into the table's multiplicity columns by
/// <see cref="ByteTable{F}.GenerateTrace"/>. Increments are atomic, so trace generators may fill one collector
/// from several threads.
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
        Interlocked.Increment(ref _range16[x]);
    }

    /// <summary>Records the lookup (a, b, a AND b).</summary>
    public void AddAnd(ulong a, ulong b)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(a, 0xFFUL);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(b, 0xFFUL);
        Interlocked.Increment(ref _and[AndIndex((int)a, (int)b)]);
    }

    /// <summary>Records RANGE8 of <paramref name="x"/>: the lookup (x, 0, 0) (<see cref="ByteLookup.SendRange8{F}"/>).</summary>
    public void AddRange8(ulong x) => AddAnd(x, 0);
}
