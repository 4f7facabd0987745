using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;
using S = Prover.Core.Zkvm.Sha256.Sha256Cols;

namespace Prover.Core.Zkvm.Sha256;

/// <summary>Trace generation for <see cref="Sha256Air{F}"/> from a shard's <see cref="ExecutionRecord.Sha256Compresses"/>.</summary>
public static class Sha256Trace
{
    /// <summary>Height of the table for <paramref name="compressions"/> syscalls: 64 rows each, to a power of two (at least 2).</summary>
    public static int Height(int compressions) => Word.TraceHeight(S.RowsPerCompression * compressions);

    /// <summary>
    /// 64 rows per event (its last row holds the output and the memory accesses, counted in <paramref name="counts"/>), then
    /// compressions of the zero state and block that export nothing, the last one cut off at the table's height. The output
    /// written is the one in the event's accesses; the trace generator refuses (<see cref="ArgumentException"/>) an event
    /// whose output is not the compression of its input, whose accesses do not match its pointers and ts, or whose pointers
    /// break the rule the chip proves, as the machine would have faulted.
    /// </summary>
    /// <param name="minHeight">
    /// At least this many rows (a power of two; 0: the events' own height), more padding after the events: an accelerator
    /// shard's tier (<see cref="Proving.ShardBudget.AcceleratorLogHeight"/>).
    /// </param>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<Sha256CompressEvent> events, ulong codeEnd, LookupCounts counts, int minHeight = 0)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        if (minHeight < 0 || (minHeight & (minHeight - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(minHeight), "a power of two, or 0");
        int height = Math.Max(minHeight, Height(events.Count));
        var trace = new RowMajorMatrix<F>(height, S.Width);
        int compressions = (height + S.RowsPerCompression - 1) / S.RowsPerCompression;
        void Compression(int p, LookupCounts into)
        {
            var e = p < events.Count ? events[p] : null;
            var state = new uint[8];
            var block = new uint[16];
            if (e is not null)
                Unpack(e, codeEnd, state, block);
            int rows = Math.Min(S.RowsPerCompression, height - p * S.RowsPerCompression);
            var output = PopulateRounds(trace, p * S.RowsPerCompression, rows, state, block);
            if (e is null)
                return;
            for (int j = 0; j < S.StateDwords; j++)
                if (e.Accesses[j].Value != (output[2 * j] | (ulong)output[2 * j + 1] << 32))
                    throw new ArgumentException($"sha256 event at clk {e.Timestamp}: the output state is not the compression of the input", nameof(events));
            PopulateExport(trace.Row(p * S.RowsPerCompression + S.RowsPerCompression - 1), e, codeEnd, into);
        }
        if (compressions < 8)
        {
            for (int p = 0; p < compressions; p++)
                Compression(p, counts);
        }
        else
        {
            LookupCounts.For(0, compressions, counts, Compression);
        }
        return trace;
    }

    /// <summary>The event's input state and block from its accesses, after checking them against its pointers and ts.</summary>
    private static void Unpack(Sha256CompressEvent e, ulong codeEnd, uint[] state, uint[] block)
    {
        if (e.Accesses.Length != S.StateDwords + S.BlockDwords)
            throw new ArgumentException($"sha256 event at clk {e.Timestamp}: {e.Accesses.Length} accesses, expected 12", nameof(e));
        for (int j = 0; j < e.Accesses.Length; j++)
        {
            bool isState = j < S.StateDwords;
            ulong expected = isState ? e.StatePtr + 8 * (ulong)j : e.BlockPtr + 8 * (ulong)(j - S.StateDwords);
            var a = e.Accesses[j];
            if (a.Address != expected || a.Timestamp != e.Timestamp || (!isState && a.Value != a.PrevValue))
                throw new ArgumentException($"sha256 event at clk {e.Timestamp}: access {j} does not match the call", nameof(e));
            var words = isState ? state.AsSpan(2 * j) : block.AsSpan(2 * (j - S.StateDwords));
            words[0] = (uint)a.PrevValue;
            words[1] = (uint)(a.PrevValue >> 32);
        }
        if (e.StatePtr >> 32 != 0 || e.BlockPtr >> 32 != 0 || (e.StatePtr & 7) != 0 || (e.BlockPtr & 7) != 0)
            throw new ArgumentException($"sha256 event at clk {e.Timestamp}: pointers must be 8-aligned and below 2^32", nameof(e));
        var (sFirst, sLast) = S.StateKeyRange(codeEnd);
        var (bFirst, bLast) = S.BlockKeyRange;
        ulong sKey = e.StatePtr >> 3, bKey = e.BlockPtr >> 3;
        if (sKey < sFirst || sKey > sLast || bKey < bFirst || bKey > bLast)
            throw new ArgumentException($"sha256 event at clk {e.Timestamp}: the state or the block lies outside the memory it may use", nameof(e));
    }

    /// <summary>Writes the first <paramref name="rows"/> rounds' rows of one compression; returns the output state.</summary>
    private static uint[] PopulateRounds<F>(RowMajorMatrix<F> trace, int firstRow, int rows, uint[] hIn, uint[] block) where F : struct, IField<F>
    {
        // The schedule runs on past W_63 (the window of row 63 reaches W_78, its new word is W_79): those words follow the
        // same recurrence, which the chip checks on every row.
        var w = Sha256Compression.Schedule(block, S.RowsPerCompression + 16);
        Span<uint> v = stackalloc uint[8];
        hIn.CopyTo(v);
        var k = Sha256Compression.K;
        for (int t = 0; t < rows; t++)
        {
            var row = trace.Row(firstRow + t);
            row[S.StepLo + t % S.StepRadix] = F.One;
            row[S.StepHi + t / S.StepRadix] = F.One;
            if (t == 0)
                row[S.IsFirst] = F.One;
            if (t == S.RowsPerCompression - 1)
                row[S.IsLast] = F.One;
            for (int i = 0; i < 8; i++)
                WriteLimbs(row, S.HInLimb(i, 0), hIn[i]);
            for (int i = 0; i < 16; i++)
                WriteLimbs(row, S.BlockLimb(i, 0), block[i]);
            WriteBits(row, S.A, v[0]);
            WriteBits(row, S.B, v[1]);
            WriteBits(row, S.C, v[2]);
            WriteLimbs(row, S.D, v[3]);
            WriteBits(row, S.E, v[4]);
            WriteBits(row, S.F, v[5]);
            WriteBits(row, S.G, v[6]);
            WriteLimbs(row, S.H, v[7]);
            for (int i = 0; i < 16; i++)
                WriteLimbs(row, S.WindowLimb(i, 0), w[t + i]);
            WriteBits(row, S.W1Bits, w[t + 1]);
            WriteBits(row, S.W14Bits, w[t + 14]);

            // W_{t+16} from limb sums (the carries are the limb sums' overflows).
            uint s1 = Sha256Compression.SmallSigma1(w[t + 14]), s0 = Sha256Compression.SmallSigma0(w[t + 1]);
            ulong lo = Lo(s1) + Lo(w[t + 9]) + Lo(s0) + Lo(w[t]);
            ulong hi = Hi(s1) + Hi(w[t + 9]) + Hi(s0) + Hi(w[t]) + (lo >> 16);
            WriteLimbs(row, S.NewW, w[t + 16]);
            WriteCarry(row, S.NewWCarry, lo >> 16, 2);
            WriteCarry(row, S.NewWCarry + 2, hi >> 16, 2);

            // new e = d + T1, new a = T1 + T2, limb by limb.
            uint e = v[4], a = v[0];
            uint bigS1 = Sha256Compression.BigSigma1(e), ch = Sha256Compression.Ch(e, v[5], v[6]);
            uint bigS0 = Sha256Compression.BigSigma0(a), maj = Sha256Compression.Maj(a, v[1], v[2]);
            ulong t1Lo = Lo(v[7]) + Lo(bigS1) + Lo(ch) + Lo(k[t]) + Lo(w[t]);
            ulong t1Hi = Hi(v[7]) + Hi(bigS1) + Hi(ch) + Hi(k[t]) + Hi(w[t]);
            ulong eLo = Lo(v[3]) + t1Lo, eHi = Hi(v[3]) + t1Hi + (eLo >> 16);
            ulong aLo = t1Lo + Lo(bigS0) + Lo(maj), aHi = t1Hi + Hi(bigS0) + Hi(maj) + (aLo >> 16);
            WriteCarry(row, S.NewECarry, eLo >> 16, 3);
            WriteCarry(row, S.NewECarry + 3, eHi >> 16, 3);
            WriteCarry(row, S.NewACarry, aLo >> 16, 3);
            WriteCarry(row, S.NewACarry + 3, aHi >> 16, 3);
            Sha256Compression.Round(v, k[t], w[t]);
            WriteLimbs(row, S.NewE, v[4]);
            WriteLimbs(row, S.NewA, v[0]);

            if (t == S.RowsPerCompression - 1)
            {
                for (int i = 0; i < 8; i++)
                {
                    ulong oLo = Lo(hIn[i]) + Lo(v[i]);
                    ulong oHi = Hi(hIn[i]) + Hi(v[i]) + (oLo >> 16);
                    WriteLimbs(row, S.OutLimb(i, 0), unchecked(hIn[i] + v[i]));
                    row[S.OutCarry + 2 * i] = F.FromUInt64(oLo >> 16);
                    row[S.OutCarry + 2 * i + 1] = F.FromUInt64(oHi >> 16);
                }
            }
        }
        var output = new uint[8];
        for (int i = 0; i < 8; i++)
            output[i] = unchecked(hIn[i] + v[i]);
        return output;
    }

    /// <summary>The export row's request, keys, bounds, output range checks and the 12 accesses' previous timestamps and gadgets.</summary>
    private static void PopulateExport<F>(Span<F> row, Sha256CompressEvent e, ulong codeEnd, LookupCounts counts) where F : struct, IField<F>
    {
        row[S.Export] = F.One;
        for (int i = 0; i < 8; i++)
        {
            uint h = (uint)(e.Accesses[i / 2].Value >> (32 * (i % 2)));
            counts.AddRange16(h & 0xFFFF);
            counts.AddRange16(h >> 16);
        }
        row[S.StatePtrLo] = F.FromUInt64(e.StatePtr & 0xFFFF);
        row[S.StatePtrHi] = F.FromUInt64(e.StatePtr >> 16);
        row[S.BlockPtrLo] = F.FromUInt64(e.BlockPtr & 0xFFFF);
        row[S.BlockPtrHi] = F.FromUInt64(e.BlockPtr >> 16);
        row[S.StateKeyLo] = F.FromUInt64((e.StatePtr & 0xFFFF) >> 3);
        row[S.BlockKeyLo] = F.FromUInt64((e.BlockPtr & 0xFFFF) >> 3);
        counts.AddRange16((e.StatePtr & 0xFFFF) >> 3);
        counts.AddRange16((e.BlockPtr & 0xFFFF) >> 3);
        ulong ts = MemoryArgument.RamTimestamp(e.Timestamp);
        row[S.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[S.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));
        var (sFirst, sLast) = S.StateKeyRange(codeEnd);
        var (bFirst, bLast) = S.BlockKeyRange;
        ulong sKey = e.StatePtr >> 3, bKey = e.BlockPtr >> 3;
        Bound(row, 0, sKey - sFirst, counts);
        Bound(row, 1, sLast - sKey, counts);
        Bound(row, 2, bKey - bFirst, counts);
        Bound(row, 3, bLast - bKey, counts);
        for (int j = 0; j < e.Accesses.Length; j++)
        {
            int at = S.Access(j);
            ulong prevTs = MemoryArgument.RamTimestamp(e.Accesses[j].PrevTimestamp);
            row[at] = F.FromUInt64(MemoryArgument.Lo(prevTs));
            row[at + 1] = F.FromUInt64(MemoryArgument.Hi(prevTs));
            TimestampGadget.Populate(row, at + 2, ts, prevTs, counts);
        }
    }

    private static ulong Lo(uint x) => x & 0xFFFF;

    private static ulong Hi(uint x) => x >> 16;

    private static void Bound<F>(Span<F> row, int index, ulong difference, LookupCounts counts) where F : struct, IField<F>
    {
        int at = S.Bounds + 2 * index;
        ulong lo = difference & 0xFFFF, hi = difference >> 16;
        row[at] = F.FromUInt64(lo);
        row[at + 1] = F.FromUInt64(hi);
        counts.AddRange16(lo);
        counts.AddRange16(hi << 5);
    }

    private static void WriteLimbs<F>(Span<F> row, int offset, uint value) where F : struct, IField<F>
    {
        row[offset] = F.FromUInt64(Lo(value));
        row[offset + 1] = F.FromUInt64(Hi(value));
    }

    private static void WriteBits<F>(Span<F> row, int offset, uint value) where F : struct, IField<F>
    {
        for (int z = 0; z < S.Bits; z++)
            row[offset + z] = (value >> z & 1) != 0 ? F.One : F.Zero;
    }

    private static void WriteCarry<F>(Span<F> row, int offset, ulong carry, int bits) where F : struct, IField<F>
    {
        if (carry >> bits != 0)
            throw new InvalidOperationException($"carry {carry} does not fit {bits} bits");
        for (int b = 0; b < bits; b++)
            row[offset + b] = (carry >> b & 1) != 0 ? F.One : F.Zero;
    }
}
