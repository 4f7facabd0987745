namespace Prover.Core.Machine;

/// <summary>
/// Row limits for the shards of a traced run (<see cref="MachineOptions.RowLimits"/>): a set of counters, each with a limit,
/// and for every instruction of the code (by index, pc = code base + 4·index) the counters one execution of it adds a row
/// to. The tracer cuts a shard before an instruction that would take a counter past its limit, as it cuts one every
/// <see cref="MachineOptions.ShardSize"/> cycles; so no shard holds more than a counter's limit of its instructions. The
/// machine does not know what the counters are: the prover's shard budget (<c>Zkvm.Proving.ShardBudget</c>) maps them to
/// tables.
/// </summary>
public sealed class ShardRowLimits
{
    private readonly ushort[] _masks;
    private readonly int[] _limits;

    /// <param name="masks">By instruction index: bit j set when the instruction adds a row to counter j.</param>
    /// <param name="limits">Each counter's limit (at least 1).</param>
    public ShardRowLimits(ushort[] masks, int[] limits)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.Length > 16)
            throw new ArgumentException("at most 16 counters", nameof(limits));
        if (limits.Any(l => l < 1))
            throw new ArgumentException("every limit is at least 1", nameof(limits));
        ushort all = (ushort)((1 << limits.Length) - 1);
        if (masks.Any(m => (m & ~all) != 0))
            throw new ArgumentException("an instruction names a counter that has no limit", nameof(masks));
        (_masks, _limits) = ([.. masks], [.. limits]);
    }

    public int Counters => _limits.Length;

    /// <summary>Counter <paramref name="j"/>'s limit.</summary>
    public int Limit(int j) => _limits[j];

    /// <summary>The counters instruction <paramref name="index"/> adds a row to (0 outside the code given).</summary>
    public ushort Mask(int index) => (uint)index < (uint)_masks.Length ? _masks[index] : (ushort)0;

    /// <summary>Whether instruction <paramref name="index"/> would take one of <paramref name="counts"/> past its limit.</summary>
    internal bool WouldExceed(int index, int[] counts)
    {
        uint mask = Mask(index);
        while (mask != 0)
        {
            int j = System.Numerics.BitOperations.TrailingZeroCount(mask);
            if (counts[j] >= _limits[j])
                return true;
            mask &= mask - 1;
        }
        return false;
    }

    /// <summary>Adds instruction <paramref name="index"/>'s rows to <paramref name="counts"/>.</summary>
    internal void Add(int index, int[] counts)
    {
        uint mask = Mask(index);
        while (mask != 0)
        {
            counts[System.Numerics.BitOperations.TrailingZeroCount(mask)]++;
            mask &= mask - 1;
        }
    }
}
