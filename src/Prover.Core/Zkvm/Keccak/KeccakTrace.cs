using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;
using K = Prover.Core.Zkvm.Keccak.KeccakCols;

namespace Prover.Core.Zkvm.Keccak;

/// <summary>Trace generation for <see cref="KeccakAir{F}"/> from a shard's <see cref="ExecutionRecord.KeccakPermutes"/>.</summary>
public static class KeccakTrace
{
    /// <summary>Height of the table for <paramref name="permutations"/> syscalls: 24 rows each, to a power of two (at least 2).</summary>
    public static int Height(int permutations) => Word.TraceHeight(K.RowsPerPermutation * permutations);

    /// <summary>
    /// 24 rows per event (its export row holds the memory accesses, counted in <paramref name="counts"/>), then
    /// permutations of the zero state that export nothing, the last one cut off at the table's height. Throws
    /// <see cref="ArgumentException"/> when an event's post-state is not Keccak-f of its pre-state, or its pointer breaks
    /// the rule the chip proves (8-aligned, 200 bytes in [code end, RamEnd)), as the machine would have faulted.
    /// </summary>
    /// <param name="minHeight">
    /// At least this many rows (a power of two; 0: the events' own height), more padding after the events: an accelerator
    /// shard's tier (<see cref="Proving.ShardBudget.AcceleratorLogHeight"/>).
    /// </param>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<KeccakPermuteEvent> events, ulong codeEnd, LookupCounts counts, int minHeight = 0)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        if (minHeight < 0 || (minHeight & (minHeight - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(minHeight), "a power of two, or 0");
        int height = Math.Max(minHeight, Height(events.Count));
        var trace = new RowMajorMatrix<F>(height, K.Width);
        int permutations = (height + K.RowsPerPermutation - 1) / K.RowsPerPermutation;
        ulong minKey = K.MinKeyBase(codeEnd);
        void Permutation(int p, LookupCounts into)
        {
            var e = p < events.Count ? events[p] : null;
            var state = e is null ? new ulong[KeccakF1600.Lanes] : (ulong[])e.Pre.Clone();
            if (e is not null && e.Pre.Length != KeccakF1600.Lanes)
                throw new ArgumentException($"keccak event at clk {e.Clk}: {e.Pre.Length} lanes", nameof(events));
            var preimage = (ulong[])state.Clone();
            int rows = Math.Min(K.RowsPerPermutation, height - p * K.RowsPerPermutation);
            for (int round = 0; round < rows; round++)
            {
                var row = trace.Row(p * K.RowsPerPermutation + round);
                PopulateRound(row, preimage, state, round);
            }
            if (e is null)
                return;
            if (!state.AsSpan().SequenceEqual(e.Post))
                throw new ArgumentException($"keccak event at clk {e.Clk}: the post-state is not Keccak-f of the pre-state", nameof(events));
            PopulateExport(trace.Row(p * K.RowsPerPermutation + K.RowsPerPermutation - 1), e, minKey, into);
        }
        if (permutations < 8)
        {
            for (int p = 0; p < permutations; p++)
                Permutation(p, counts);
        }
        else
        {
            LookupCounts.For(0, permutations, counts, Permutation);
        }
        return trace;
    }

    /// <summary>Writes one round's row from the state before it and advances <paramref name="state"/> by the round.</summary>
    private static void PopulateRound<F>(Span<F> row, ulong[] preimage, ulong[] state, int round) where F : struct, IField<F>
    {
        row[K.StepFlags + round] = F.One;
        for (int lane = 0; lane < KeccakF1600.Lanes; lane++)
        {
            WriteLimbs(row, K.PreimageLimb(lane, 0), preimage[lane]);
            WriteLimbs(row, K.ALimb(lane, 0), state[lane]);
        }
        Span<ulong> c = stackalloc ulong[5];
        Span<ulong> cPrime = stackalloc ulong[5];
        for (int x = 0; x < 5; x++)
            c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
        for (int x = 0; x < 5; x++)
        {
            cPrime[x] = c[x] ^ c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
            WriteBits(row, K.CBit(x, 0), c[x]);
            WriteBits(row, K.CPrimeBit(x, 0), cPrime[x]);
        }
        Span<ulong> aPrime = stackalloc ulong[KeccakF1600.Lanes];
        for (int lane = 0; lane < KeccakF1600.Lanes; lane++)
        {
            int x = lane % 5;
            aPrime[lane] = state[lane] ^ c[x] ^ cPrime[x];
            WriteBits(row, K.APrimeBit(lane, 0), aPrime[lane]);
        }
        Span<ulong> b = stackalloc ulong[KeccakF1600.Lanes];
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[KeccakF1600.Lane(y, 2 * x + 3 * y)] = BitOperations.RotateLeft(aPrime[KeccakF1600.Lane(x, y)], KeccakF1600.RhoOffsets[KeccakF1600.Lane(x, y)]);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
            {
                int lane = KeccakF1600.Lane(x, y);
                state[lane] = b[lane] ^ (~b[KeccakF1600.Lane(x + 1, y)] & b[KeccakF1600.Lane(x + 2, y)]);
                WriteLimbs(row, K.APrimePrimeLimb(lane, 0), state[lane]);
            }
        WriteBits(row, K.APrimePrime00Bits, state[0]);
        state[0] ^= KeccakF1600.RoundConstants[round];
        WriteLimbs(row, K.APrimePrimePrime00, state[0]);
    }

    /// <summary>The export row's request, region bounds and the 25 accesses' previous timestamps and gadgets.</summary>
    private static void PopulateExport<F>(Span<F> row, KeccakPermuteEvent e, ulong minKey, LookupCounts counts) where F : struct, IField<F>
    {
        ulong key = e.Pointer >> 3;
        if ((e.Pointer & 7) != 0 || key < minKey || key > K.MaxKeyBase)
            throw new ArgumentException($"keccak event at clk {e.Clk}: state at 0x{e.Pointer:x} is not 8-aligned in writable RAM (the machine faults)", nameof(e));
        row[K.Export] = F.One;
        row[K.KeyBase] = F.FromUInt64(key);
        row[K.PtrLo] = F.FromUInt64(e.Pointer & 0xFFFF);
        row[K.PtrHi] = F.FromUInt64(e.Pointer >> 16);
        counts.AddRange16((e.Pointer >> 16) * 4);
        ulong ts = MemoryArgument.RamTimestamp(e.Clk);
        row[K.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[K.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));
        ulong low = key - minKey, high = K.MaxKeyBase - key;
        row[K.Low0] = F.FromUInt64(low & 0xFFFF);
        row[K.Low1] = F.FromUInt64(low >> 16);
        row[K.High0] = F.FromUInt64(high & 0xFFFF);
        row[K.High1] = F.FromUInt64(high >> 16);
        counts.AddRange16(low & 0xFFFF);
        counts.AddRange16((low >> 16) << 5);
        counts.AddRange16(high & 0xFFFF);
        counts.AddRange16((high >> 16) << 5);
        for (int lane = 0; lane < KeccakF1600.Lanes; lane++)
        {
            ulong prevTs = MemoryArgument.RamTimestamp(e.PrevClk[lane]);
            row[K.PrevTsLo(lane)] = F.FromUInt64(MemoryArgument.Lo(prevTs));
            row[K.PrevTsHi(lane)] = F.FromUInt64(MemoryArgument.Hi(prevTs));
            TimestampGadget.Populate(row, K.Gadget(lane), ts, prevTs, counts);
        }
    }

    private static void WriteLimbs<F>(Span<F> row, int offset, ulong value) where F : struct, IField<F>
    {
        for (int i = 0; i < K.Limbs; i++)
            row[offset + i] = F.FromUInt64(Word.Limb(value, i));
    }

    private static void WriteBits<F>(Span<F> row, int offset, ulong value) where F : struct, IField<F>
    {
        for (int z = 0; z < K.Bits; z++)
            row[offset + z] = (value >> z & 1) != 0 ? F.One : F.Zero;
    }
}
