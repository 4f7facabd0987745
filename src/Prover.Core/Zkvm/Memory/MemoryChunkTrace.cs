using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Memory;

/// <summary>Trace generation for <see cref="MemoryInitChunkAir{F}"/> and the memory-chunk shard's <see cref="MemoryFinalAir{F}"/>.</summary>
public static class MemoryChunkTrace
{
    /// <summary>
    /// The chunk's init trace of <paramref name="height"/> rows: the bound MemoryInit rows of <paramref name="entries"/> (keys
    /// strictly increasing, at least one), the chain columns (received <paramref name="prev"/>, the previous chunk's last key
    /// + 1 or 0 for the first chunk) and zero padding; counts the Range16 lookups.
    /// </summary>
    public static RowMajorMatrix<F> GenerateInit<F>(IReadOnlyList<MemoryEntry> entries, ulong prev, int height, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(counts);
        if (entries.Count == 0 || entries.Count > height)
            throw new ArgumentException($"a memory chunk holds 1..{height} keys, not {entries.Count}", nameof(entries));
        if (entries[0].Key < prev)
            throw new ArgumentException($"the chunk's first key {entries[0].Key} is below the chain value {prev}", nameof(prev));
        var boundary = MemoryTrace.Generate<F>(entries, init: true, counts, boundInit: true);
        var trace = new RowMajorMatrix<F>(height, MemoryChunkCols.Width);
        for (int r = 0; r < entries.Count; r++)
            boundary.Row(r).CopyTo(trace.Row(r));
        ulong gap = entries[0].Key - prev;
        var row = trace.Row(0);
        row[MemoryChunkCols.First] = F.One;
        row[MemoryChunkCols.Prev] = F.FromUInt64(prev);
        row[MemoryChunkCols.StartGapLo] = F.FromUInt64(MemoryArgument.Lo(gap));
        row[MemoryChunkCols.StartGapHi] = F.FromUInt64(MemoryArgument.Hi(gap));
        counts.AddRange16(MemoryArgument.Lo(gap));
        counts.AddRange16(MemoryArgument.Hi(gap));
        counts.AddRange16(MemoryArgument.KeyHiBound - MemoryArgument.Hi(gap));
        trace.Row(entries.Count - 1)[MemoryChunkCols.Last] = F.One;
        return trace;
    }

    /// <summary>The init table's public values: f (1 for the chain's last chunk).</summary>
    public static F[] InitPublicValues<F>(bool lastChunk) where F : struct, IField<F> => [lastChunk ? F.One : F.Zero];

    /// <summary>The chunk's final trace of <paramref name="height"/> rows (<see cref="MemoryTrace.Generate{F}"/> padded with zero rows).</summary>
    public static RowMajorMatrix<F> GenerateFinal<F>(IReadOnlyList<MemoryEntry> entries, int height, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(entries);
        var boundary = MemoryTrace.Generate<F>(entries, init: false, counts);
        if (boundary.Height > height)
            throw new ArgumentException($"{entries.Count} final entries do not fit {height} rows", nameof(entries));
        var trace = new RowMajorMatrix<F>(height, MemoryBoundaryCols.Width);
        boundary.Values.AsSpan().CopyTo(trace.Values);
        return trace;
    }
}
