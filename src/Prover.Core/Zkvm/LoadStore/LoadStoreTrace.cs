using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.LoadStore;

/// <summary>Trace generation for <see cref="LoadStoreAir{F}"/>.</summary>
public static class LoadStoreTrace
{
    /// <summary>
    /// One row per load/store event, zero padding; counts the Range16 and RANGE8 lookups. The old and new
    /// double words and previous timestamps come from the record's <paramref name="accesses"/> made at the
    /// instruction's clk (both lists in clk order, as the machine emits them). <paramref name="storeOperand"/> gives rs2's full value for a store (the request
    /// carries it; the event only has the stored bytes, which is what is used when it is null). <paramref name="codeEnd"/> and
    /// <paramref name="inputSize"/> are the memory-map bounds of <see cref="LoadStoreAir{F}"/> (the program's code end, the input
    /// length; the table's public values are <see cref="PublicValues{F}"/>): an access outside them, which the machine faults on,
    /// throws <see cref="ArgumentException"/>.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<MemoryInstructionEvent> events, IReadOnlyList<MemoryAccessEvent> accesses,
        LookupCounts counts, ulong codeEnd, ulong inputSize, Func<MemoryInstructionEvent, ulong>? storeOperand = null) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(accesses);
        ArgumentNullException.ThrowIfNull(counts);
        if (inputSize > MemoryMap.InputMaxSize)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"input of {inputSize} bytes exceeds the input region");
        // Events and accesses are both in clk order (a crossing access lists its lower double word first, and one
        // instruction runs per clk), so a forward walk pairs them; accesses of other instructions, if any, are skipped.
        // The rows are written in chunks, in parallel: a chunk's walk starts at the first access at or after its first
        // event's clk, where the one walk over all events would stand by then too (it only skips accesses before that clk).
        var trace = new RowMajorMatrix<F>(Word.TraceHeight(events.Count), LoadStoreCols.Width);
        int chunks = (events.Count + ChunkRows - 1) / ChunkRows;
        void Chunk(int chunk, LookupCounts into)
        {
            int first = chunk * ChunkRows, end = Math.Min(events.Count, first + ChunkRows);
            int next = chunk == 0 ? 0 : FirstAtOrAfter(accesses, events[first].Timestamp);
            for (int r = first; r < end; r++)
                Populate(trace.Row(r), events[r], accesses, ref next, into, codeEnd, inputSize, storeOperand);
        }
        if (chunks <= 1)
            Chunk(0, counts);
        else
            LookupCounts.For(0, chunks, counts, Chunk);
        return trace;
    }

    /// <summary>Rows per parallel chunk of <see cref="Generate{F}"/>.</summary>
    private const int ChunkRows = 1 << 13;

    /// <summary>The index of the first access at clk <paramref name="clk"/> or later (the count when there is none).</summary>
    private static int FirstAtOrAfter(IReadOnlyList<MemoryAccessEvent> accesses, long clk)
    {
        int lo = 0, hi = accesses.Count;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (accesses[mid].Timestamp < clk)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    /// <summary>The access at (<paramref name="clk"/>, <paramref name="address"/>), walking <paramref name="next"/> forward past earlier ones.</summary>
    private static MemoryAccessEvent Find(IReadOnlyList<MemoryAccessEvent> accesses, ref int next, long clk, ulong address)
    {
        while (next < accesses.Count && (accesses[next].Timestamp < clk || (accesses[next].Timestamp == clk && accesses[next].Address != address)))
            next++;
        if (next == accesses.Count || accesses[next].Timestamp != clk)
            throw new ArgumentException($"no memory access at clk {clk} for address {address:x}");
        return accesses[next++];
    }

    /// <summary>Writes event <paramref name="e"/>'s row and counts its lookups.</summary>
    private static void Populate<F>(Span<F> row, MemoryInstructionEvent e, IReadOnlyList<MemoryAccessEvent> accesses, ref int next, LookupCounts counts,
        ulong codeEnd, ulong inputSize, Func<MemoryInstructionEvent, ulong>? storeOperand) where F : struct, IField<F>
    {
        AluChip.SetSelector(row, LoadStoreCols.Selectors, LoadStoreCols.Opcodes, e.Op);
        int width = LoadStoreCols.AccessWidth(e.Op);
        int offset = (int)(e.Address & 7);
        bool cross = offset + width > 8;
        ulong addrLo = e.Address & 0xFFFF, addrHi = e.Address >> 16;
        if (addrHi >= 1 << 15)
            throw new ArgumentException($"address {e.Address:x} is outside the 31-bit address space");
        row[LoadStoreCols.Offset + offset] = F.One;
        row[LoadStoreCols.Q] = F.FromUInt64(addrLo >> 3);
        row[LoadStoreCols.AddrHi] = F.FromUInt64(addrHi);
        counts.AddRange16(addrLo >> 3);
        counts.AddRange16((addrLo >> 3) * 8);
        counts.AddRange16(addrHi);
        counts.AddRange16(addrHi * 2);
        if (!IsAllowed(e.Op, e.Address, codeEnd, inputSize))
            throw new ArgumentException($"{e.Op} at 0x{e.Address:x} (clk {e.Timestamp}) lies outside the memory map: the machine faults there");
        foreach (long v in PopulateBounds(row, e.Op, e.Address, codeEnd, inputSize))
            counts.AddRange16((ulong)v);

        ulong value = LoadStoreCols.IsStore(e.Op) && storeOperand is not null ? storeOperand(e) : e.Value;
        for (int j = 0; j < 8; j++)
            row[LoadStoreCols.Value + j] = F.FromUInt64(Word.Byte(value, j));
        for (int j = 0; j < 4; j++)
        {
            ulong x = Word.Byte(value, 2 * j), y = Word.Byte(value, 2 * j + 1);
            row[LoadStoreCols.PairAnd + 8 + j] = F.FromUInt64(x & y);
            counts.AddAnd(x, y);
        }
        ulong topByte = LoadStoreCols.IsSignedLoad(e.Op) ? Word.Byte(value, width - 1) : 0;
        ulong sign = topByte >> 7;
        row[LoadStoreCols.Sign] = F.FromUInt64(sign);
        row[LoadStoreCols.TopByte] = F.FromUInt64(topByte);
        counts.AddRange8(2 * topByte - 256 * sign);
        row[LoadStoreCols.Cross] = cross ? F.One : F.Zero;

        ulong ts = MemoryArgument.RamTimestamp(e.Timestamp);
        row[LoadStoreCols.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[LoadStoreCols.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));

        ulong dword = e.Address & ~7UL;
        for (int d = 0; d < 2; d++)
        {
            ulong oldValue = 0, newValue = 0;
            if (d == 0 || cross)
            {
                var access = Find(accesses, ref next, e.Timestamp, dword + 8 * (ulong)d);
                oldValue = access.PrevValue;
                newValue = access.Value;
                int c = LoadStoreCols.Dword + d * LoadStoreCols.DwordColumns;
                ulong prevTs = MemoryArgument.RamTimestamp(access.PrevTimestamp);
                row[c] = F.FromUInt64(MemoryArgument.Lo(prevTs));
                row[c + 1] = F.FromUInt64(MemoryArgument.Hi(prevTs));
                TimestampGadget.Populate(row, c + 2, ts, prevTs, counts);
            }
            for (int b = 0; b < 8; b++)
            {
                row[LoadStoreCols.Old + 8 * d + b] = F.FromUInt64(Word.Byte(oldValue, b));
                row[LoadStoreCols.New + 8 * d + b] = F.FromUInt64(Word.Byte(newValue, b));
            }
            for (int i = 0; i < 4; i++)
            {
                ulong x = Word.Byte(oldValue, 2 * i), y = Word.Byte(oldValue, 2 * i + 1);
                row[LoadStoreCols.PairAnd + 4 * d + i] = F.FromUInt64(x & y);
                counts.AddAnd(x, y);
            }
        }
    }

    /// <summary>The load/store table's public values: the input size as (lo, hi) 16-bit pieces.</summary>
    public static F[] PublicValues<F>(ulong inputSize) where F : struct, IField<F> =>
        [F.FromUInt64(inputSize & 0xFFFF), F.FromUInt64(inputSize >> 16)];

    /// <summary>
    /// The machine's rule (<c>GuestMemory.IsReadable</c>, <c>Machine.StoreSlow</c>): a load lies wholly in RAM or wholly in
    /// the input, a store wholly in [code end, RamEnd).
    /// </summary>
    public static bool IsAllowed(Opcode op, ulong address, ulong codeEnd, ulong inputSize)
    {
        ulong width = (ulong)LoadStoreCols.AccessWidth(op), end = address + width;
        if (LoadStoreCols.IsStore(op))
            return address >= codeEnd && end <= MemoryMap.RamEnd;
        return (address >= MemoryMap.RamBase && end <= MemoryMap.RamEnd) || (address >= MemoryMap.InputBase && end <= MemoryMap.InputBase + inputSize);
    }

    /// <summary>
    /// Writes the memory-map witness of one row (in_input, the two borrows) for an access at <paramref name="address"/> and
    /// returns the four values the row sends to Range16 (d_lo, d_hi, f_lo, f_hi of <see cref="LoadStoreAir{F}"/>), as signed
    /// integers: all in [0, 2^16) exactly when the access is allowed. No check here: a cheating prover's tests use it on
    /// forged addresses.
    /// </summary>
    internal static long[] PopulateBounds<F>(Span<F> row, Opcode op, ulong address, ulong codeEnd, ulong inputSize) where F : struct, IField<F>
    {
        bool store = LoadStoreCols.IsStore(op);
        bool inInput = !store && address >= MemoryMap.InputBase;
        long lower = (long)(store ? codeEnd : inInput ? MemoryMap.InputBase : MemoryMap.RamBase);
        long upper = (long)(inInput ? MemoryMap.InputBase + inputSize : MemoryMap.RamEnd);
        long addrLo = (long)(address & 0xFFFF), addrHi = (long)(address >> 16), width = LoadStoreCols.AccessWidth(op);
        long b = addrLo < (lower & 0xFFFF) ? 1 : 0;
        long lowDiff = (upper & 0xFFFF) - addrLo - width;
        long c = lowDiff >= 0 ? 0 : lowDiff >= -(1 << 16) ? 1 : 2;
        row[LoadStoreCols.InInput] = inInput ? F.One : F.Zero;
        row[LoadStoreCols.LowerBorrow] = F.FromUInt64((ulong)b);
        row[LoadStoreCols.UpperBorrow] = F.FromUInt64((ulong)c);
        return [addrLo - (lower & 0xFFFF) + (b << 16), addrHi - (lower >> 16) - b, lowDiff + (c << 16), (upper >> 16) - addrHi - c];
    }
}
