using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Memory;

/// <summary>
/// One row of a memory boundary table: a key with its value and (contract) timestamp; in bound-init mode
/// <paramref name="Bound"/> marks a verifier-known initial value and <paramref name="FromInput"/> an input double word.
/// </summary>
public readonly record struct MemoryEntry(ulong Key, ulong Value, ulong Timestamp, bool Bound = false, bool FromInput = false);

/// <summary>Trace generation for <see cref="MemoryInitAir{F}"/> and <see cref="MemoryFinalAir{F}"/>.</summary>
public static class MemoryTrace
{
    /// <summary>The shard's initial RAM entries (from <see cref="ExecutionRecord.InitialMemory"/>), sorted by key.</summary>
    public static List<MemoryEntry> InitialEntries(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var list = record.InitialMemory
            .Select(e => new MemoryEntry(MemoryArgument.RamKey(e.Address), e.Value, MemoryArgument.RamTimestamp(e.Timestamp))).ToList();
        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        return list;
    }

    /// <summary>The shard's final RAM entries: the last access of every double word it touched, sorted by key.</summary>
    public static List<MemoryEntry> FinalEntries(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var last = new Dictionary<ulong, MemoryAccessEvent>();
        foreach (var e in record.MemoryAccesses)
            last[e.Address] = e;
        var list = last.Values
            .Select(e => new MemoryEntry(MemoryArgument.RamKey(e.Address), e.Value, MemoryArgument.RamTimestamp(e.Timestamp))).ToList();
        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        return list;
    }

    /// <summary>
    /// A boundary trace: one row per entry (keys must be strictly increasing), zero padding to a power of
    /// two. Counts the Range16 lookups; <paramref name="init"/> also counts the value and ts pieces that only
    /// the init table checks.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<MemoryEntry> entries, bool init, LookupCounts counts, bool boundInit = false) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(counts);
        var trace = new RowMajorMatrix<F>(Word.TraceHeight(entries.Count), MemoryBoundaryCols.Width);
        for (int r = 0; r < entries.Count; r++)
        {
            var e = entries[r];
            ulong keyLo = MemoryArgument.Lo(e.Key), keyHi = MemoryArgument.Hi(e.Key);
            if (keyHi > MemoryArgument.KeyHiBound)
                throw new ArgumentException($"key {e.Key} is out of range");
            ulong gap = 0;
            if (r > 0)
            {
                if (e.Key <= entries[r - 1].Key)
                    throw new ArgumentException($"keys are not strictly increasing at row {r}");
                gap = e.Key - entries[r - 1].Key - 1;
            }
            var row = trace.Row(r);
            row[MemoryBoundaryCols.Real] = F.One;
            row[MemoryBoundaryCols.KeyLo] = F.FromUInt64(keyLo);
            row[MemoryBoundaryCols.KeyHi] = F.FromUInt64(keyHi);
            Word.Write(row, MemoryBoundaryCols.Value, e.Value);
            row[MemoryBoundaryCols.TsLo] = F.FromUInt64(MemoryArgument.Lo(e.Timestamp));
            row[MemoryBoundaryCols.TsHi] = F.FromUInt64(MemoryArgument.Hi(e.Timestamp));
            row[MemoryBoundaryCols.GapLo] = F.FromUInt64(MemoryArgument.Lo(gap));
            row[MemoryBoundaryCols.GapHi] = F.FromUInt64(MemoryArgument.Hi(gap));
            counts.AddRange16(keyLo);
            counts.AddRange16(keyHi);
            counts.AddRange16(MemoryArgument.KeyHiBound - keyHi);
            counts.AddRange16(MemoryArgument.Lo(gap));
            counts.AddRange16(MemoryArgument.Hi(gap));
            counts.AddRange16(4 * MemoryArgument.Hi(gap));
            if (boundInit)
            {
                if (e.Timestamp != 0 || (e.Bound && e.FromInput) || (!e.Bound && !e.FromInput && e.Value != 0))
                    throw new ArgumentException($"key {e.Key}: a bound initial entry has ts 0, at most one source and, without one, value 0");
                row[MemoryBoundaryCols.Bound] = e.Bound ? F.One : F.Zero;
                row[MemoryBoundaryCols.FromInput] = e.FromInput ? F.One : F.Zero;
            }
            else if (init)
            {
                for (int i = 0; i < Word.Limbs; i++)
                    counts.AddRange16(Word.Limb(e.Value, i));
                counts.AddRange16(MemoryArgument.Lo(e.Timestamp));
                counts.AddRange16(MemoryArgument.Hi(e.Timestamp));
            }
        }
        return trace;
    }
}
