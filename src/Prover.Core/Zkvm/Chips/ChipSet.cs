using System.Numerics;

namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// Which chips of the registry (<see cref="ZkvmChips"/>) have a table in one shard: bit i is chip i. A shard's tables
/// are its chips' tables in registry order, so the set fixes the AIR list of the shard's statement.
/// <para>
/// Soundness (docs/zkvm.md, "Chips and the chip registry"): the proof carries each shard's set, the global transcript
/// observes it before the shard's heights, public values and main commitment (so no challenge precedes it), and the
/// verifier builds the shard's AIR list from it after checking it against the registry
/// (<see cref="ZkvmChips.Check"/>: no unknown chip, every required chip present, last-shard chips only in the last
/// shard). An absent table contributes nothing to any bus, exactly like a table of padding rows (multiplicity 0).
/// The verifier's bus-balance check sums the tables that are present, so a prover that leaves out a table that had real
/// events leaves the requests sent to it (by the CPU or the syscall chip) unmatched: the buses do not balance and the
/// proof is rejected. Leaving a table in when it has no events only costs the prover.
/// </para>
/// </summary>
public readonly record struct ChipSet(ulong Bits)
{
    /// <summary>The most chips a set can name (one bit each).</summary>
    public const int Capacity = 64;

    public bool Contains(int chip) => chip is >= 0 and < Capacity && (Bits >> chip & 1) != 0;

    /// <summary>Number of chips in the set (the shard's table count).</summary>
    public int Count => BitOperations.PopCount(Bits);

    /// <summary>The set with <paramref name="chip"/> added.</summary>
    public ChipSet With(int chip) => new(Bits | Bit(chip));

    /// <summary>The set with <paramref name="chip"/> removed.</summary>
    public ChipSet Without(int chip) => new(Bits & ~Bit(chip));

    /// <summary>The position of <paramref name="chip"/>'s table among the shard's tables; an <see cref="ArgumentException"/> when it is absent.</summary>
    public int Position(int chip) => Contains(chip) ? BitOperations.PopCount(Bits & (Bit(chip) - 1))
        : throw new ArgumentException($"chip {chip} has no table in this shard (chips 0x{Bits:x})");

    /// <summary>The position of <paramref name="chip"/>'s table, or −1 when it is absent.</summary>
    public int PositionOrNone(int chip) => Contains(chip) ? Position(chip) : -1;

    /// <summary>The chips of the set, increasing (the shard's table order).</summary>
    public int[] Indices()
    {
        var indices = new int[Count];
        ulong b = Bits;
        for (int i = 0; b != 0; i++, b &= b - 1)
            indices[i] = BitOperations.TrailingZeroCount(b);
        return indices;
    }

    private static ulong Bit(int chip) => chip is >= 0 and < Capacity ? 1UL << chip : throw new ArgumentOutOfRangeException(nameof(chip), $"chip index {chip} outside 0..{Capacity - 1}");

    public override string ToString() => $"0x{Bits:x}";
}
