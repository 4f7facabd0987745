using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Forgeries of the memory argument. Each is made as a cheating prover would: the traces are tampered
/// consistently (the stand-in CPU's request agrees with the forged value, and lookup tables supply every
/// valid lookup the traces make, <see cref="MemoryScenario.Prove"/>), and proved with the prover's own
/// constraint check off. Either the AIR checker finds the violated constraint, or the verifier rejects an
/// unbalanced bus.
/// </summary>
public class MemoryNegativeTests
{
    private static readonly ulong A = MemoryScenario.Sources[0], B = MemoryScenario.Sources[1];

    private static void SetBytes(RowMajorMatrix<KoalaBear> t, int row, int column, ulong value, int count = 8)
    {
        for (int j = 0; j < count; j++)
            t[row, column + j] = KoalaBear.FromUInt64(Word.Byte(value, j));
        SetPairAnds(t, row);
    }

    /// <summary>
    /// Sets the row's pair-AND columns to the ANDs of its old and value byte pairs (where both are bytes), as a cheating
    /// prover would: the forgeries below then stand or fall on what they forge, not on a stale AND.
    /// </summary>
    private static void SetPairAnds(RowMajorMatrix<KoalaBear> t, int row)
    {
        for (int i = 0; i < 12; i++)
        {
            int first = i < 8 ? LoadStoreCols.Old + 2 * i : LoadStoreCols.Value + 2 * (i - 8);
            uint x = t[row, first].ToCanonical(), y = t[row, first + 1].ToCanonical();
            if (x < 256 && y < 256)
                t[row, LoadStoreCols.PairAnd + i] = KoalaBear.FromUInt64(x & y);
        }
    }

    private static void SetLoadWord(List<ulong[]> requests, int index, ulong value)
    {
        for (int j = 0; j < 4; j++)
            requests[index][3 + j] = Word.Limb(value, j);
    }

    /// <summary>Rewrites boundary row r as (key, value, ts) with the given gap field element (a cheater's choice).</summary>
    private static void SetBoundaryRow(RowMajorMatrix<KoalaBear> t, int r, ulong key, ulong value, ulong ts, KoalaBear gap)
    {
        t[r, MemoryBoundaryCols.Real] = KoalaBear.One;
        t[r, MemoryBoundaryCols.KeyLo] = KoalaBear.FromUInt64(key & 0xFFFF);
        t[r, MemoryBoundaryCols.KeyHi] = KoalaBear.FromUInt64(key >> 16);
        for (int i = 0; i < 4; i++)
            t[r, MemoryBoundaryCols.Value + i] = KoalaBear.FromUInt64(Word.Limb(value, i));
        t[r, MemoryBoundaryCols.TsLo] = KoalaBear.FromUInt64(ts & 0xFFFF);
        t[r, MemoryBoundaryCols.TsHi] = KoalaBear.FromUInt64(ts >> 16);
        uint g = gap.ToCanonical();
        t[r, MemoryBoundaryCols.GapLo] = KoalaBear.FromUInt64(g & 0xFFFF);
        t[r, MemoryBoundaryCols.GapHi] = KoalaBear.FromUInt64(g >> 16);
    }

    private static void AssertForgeryRejected(MemoryScenario s, List<ulong[]>? requests = null)
    {
        s.AssertAirsSatisfied(); // the forgery passes every row constraint: only a bus can catch it
        var result = s.Prove(checkConstraints: false, requests);
        Assert.False(result.IsValid, "the verifier accepted a forged memory trace");
        Assert.Contains("do not balance", result.Error);
    }

    private static List<ulong[]> CopyRequests(MemoryScenario s) => [.. s.Requests.Select(r => r.ToArray())];

    [Fact]
    public void A_load_returning_a_wrong_value_is_rejected()
    {
        var s = new MemoryScenario(MemoryTests.Aligned);
        int load = Array.FindIndex(s.Ops, o => o.Op == Opcode.Ld && o.Imm == 8);
        // The CPU claims another result: the request bus no longer balances.
        var requests = CopyRequests(s);
        requests[load][3] ^= 1;
        var result = s.Prove(checkConstraints: false, requests);
        Assert.False(result.IsValid);
        Assert.Contains("do not balance", result.Error);
        // The chip claims another value byte than memory holds: a row constraint fails.
        s.LoadStore[s.RowOf(load + 1), LoadStoreCols.Value] += KoalaBear.One;
        Assert.NotNull(Prover.Core.Air.AirChecker.FindViolation(MemoryScenario.LoadStoreAir, s.LoadStore, s.Publics));
    }

    [Fact]
    public void A_signed_byte_load_without_sign_extension_is_rejected()
    {
        // LB of a byte with bit 7 set, forged as zero-extended: every row constraint holds with sign = 0,
        // but 2·byte − 256·sign is no longer a byte, so the RANGE8 lookup has nothing to match.
        var s = new MemoryScenario([new(Opcode.Sb, 10, 5), new(Opcode.Lb, 20, 5)]);
        Assert.True((byte)A >= 0x80);
        int row = s.RowOf(2);
        SetBytes(s.LoadStore, row, LoadStoreCols.Value, (byte)A);
        s.LoadStore[row, LoadStoreCols.Sign] = KoalaBear.Zero;
        var requests = CopyRequests(s);
        SetLoadWord(requests, 1, (byte)A);
        AssertForgeryRejected(s, requests);
    }

    /// <summary>
    /// The sign lookup reads the TopByte column (issue 19: a column so that the lookup pairs with another in one LogUp
    /// column). A forger who drops the sign extension and points that column at a byte whose bit 7 is clear passes the
    /// RANGE8 lookup; the column's constraint (TopByte = the selected value byte) rejects it.
    /// </summary>
    [Fact]
    public void A_top_byte_column_that_is_not_the_loaded_byte_is_rejected()
    {
        var s = new MemoryScenario([new(Opcode.Sb, 10, 5), new(Opcode.Lb, 20, 5)]);
        Assert.True((byte)A >= 0x80);
        int row = s.RowOf(2);
        Assert.Equal(KoalaBear.FromUInt64((byte)A), s.LoadStore[row, LoadStoreCols.TopByte]);
        SetBytes(s.LoadStore, row, LoadStoreCols.Value, (byte)A);
        s.LoadStore[row, LoadStoreCols.Sign] = KoalaBear.Zero;
        s.LoadStore[row, LoadStoreCols.TopByte] = KoalaBear.FromUInt64((byte)A & 0x7Fu); // 2·tb − 256·0 is a byte
        var requests = CopyRequests(s);
        SetLoadWord(requests, 1, (byte)A);
        Assert.NotNull(Prover.Core.Air.AirChecker.FindViolation(MemoryScenario.LoadStoreAir, s.LoadStore, s.Publics));
        var result = s.Prove(checkConstraints: false, requests);
        Assert.False(result.IsValid, "the verifier accepted a forged top byte");
    }

    /// <summary>
    /// A byte split of a loaded double word: old byte 2i and value byte 2i hold 256 more, old and value byte 2i + 1 one
    /// less. Every 16-bit limb (memory tuples, the request), every row constraint and every other bus are unchanged;
    /// only the pair lookup (byte 2i, byte 2i + 1, AND) can reject it, whatever its AND column holds.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_byte_split_of_a_loaded_double_word_is_rejected_by_the_pair_lookups(int pair)
    {
        var s = new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Ld, 20, 0)]);
        int row = s.RowOf(2);
        Assert.True(Word.Byte(A, 2 * pair + 1) >= 1);
        foreach (int first in new[] { LoadStoreCols.Old, LoadStoreCols.Value })
        {
            s.LoadStore[row, first + 2 * pair] += KoalaBear.FromUInt64(256);
            s.LoadStore[row, first + 2 * pair + 1] -= KoalaBear.One;
        }
        s.LoadStore[row, LoadStoreCols.New + 2 * pair] += KoalaBear.FromUInt64(256);
        s.LoadStore[row, LoadStoreCols.New + 2 * pair + 1] -= KoalaBear.One;
        AssertForgeryRejected(s);
    }

    [Fact]
    public void A_store_writing_past_its_width_is_caught_by_the_air()
    {
        var s = new MemoryScenario([new(Opcode.Sb, 10, 3)]);
        s.LoadStore[s.RowOf(1), LoadStoreCols.New + 4] = KoalaBear.FromUInt64(Word.Byte(A, 1));
        Assert.NotNull(Prover.Core.Air.AirChecker.FindViolation(MemoryScenario.LoadStoreAir, s.LoadStore, s.Publics));
    }

    [Fact]
    public void A_load_of_a_stale_value_is_rejected()
    {
        // sd A; sd B; ld — the load forges the value of the first store (consuming its tuple, previous ts
        // 4·1 + 2 < 4·3 + 2, so the timestamp check passes) and Final agrees with the forgery.
        var s = new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Sd, 11, 0), new(Opcode.Ld, 20, 0)]);
        int row = s.RowOf(3);
        SetBytes(s.LoadStore, row, LoadStoreCols.Old, A);
        SetBytes(s.LoadStore, row, LoadStoreCols.New, A);
        SetBytes(s.LoadStore, row, LoadStoreCols.Value, A);
        ulong ts = MemoryScenario.ExpectedTs(3), stale = MemoryScenario.ExpectedTs(1);
        s.LoadStore[row, LoadStoreCols.Dword] = KoalaBear.FromUInt64(stale);
        TimestampGadget.Populate(s.LoadStore.Row(row), LoadStoreCols.Dword + 2, ts, stale, new LookupCounts());
        SetBoundaryRow(s.Final, 0, Emu.Data / 8, A, ts, KoalaBear.Zero);
        var requests = CopyRequests(s);
        SetLoadWord(requests, 2, A);
        AssertForgeryRejected(s, requests);
    }

    [Fact]
    public void A_timestamp_going_backwards_is_rejected()
    {
        // ld; sd B — the load forges the value the *later* store writes. The memory multisets balance:
        // Init (k, m0, 0) → sd consumes it and produces (k, B, ts2) → ld consumes that and produces (k, B, ts1)
        // → Final consumes (k, B, ts1). Only prev_ts < ts fails: ts1 − ts2 − 1 < 0 has no 16-bit limbs.
        var s = new MemoryScenario([new(Opcode.Ld, 20, 0), new(Opcode.Sd, 11, 0)]);
        ulong ts1 = MemoryScenario.ExpectedTs(1), ts2 = MemoryScenario.ExpectedTs(2);
        ulong m0 = s.ExpectedInit[0].Value;
        int ld = s.RowOf(1), sd = s.RowOf(2);
        SetBytes(s.LoadStore, ld, LoadStoreCols.Old, B);
        SetBytes(s.LoadStore, ld, LoadStoreCols.New, B);
        SetBytes(s.LoadStore, ld, LoadStoreCols.Value, B);
        int c = LoadStoreCols.Dword;
        s.LoadStore[ld, c] = KoalaBear.FromUInt64(ts2);
        // The cheater's best timestamp witness: borrow 1, d_lo = ts1 − ts2 − 1 + 2^16, d_hi = −1 (mod p).
        s.LoadStore[ld, c + 2] = KoalaBear.One;
        s.LoadStore[ld, c + 3] = KoalaBear.FromUInt64(ts1 - ts2 - 1 + (1UL << 16));
        s.LoadStore[ld, c + 4] = MemoryScenario.Signed(-1);
        SetBytes(s.LoadStore, sd, LoadStoreCols.Old, m0);
        s.LoadStore[sd, c] = KoalaBear.Zero;
        TimestampGadget.Populate(s.LoadStore.Row(sd), c + 2, ts2, 0, new LookupCounts());
        SetBoundaryRow(s.Final, 0, Emu.Data / 8, B, ts1, KoalaBear.Zero);
        var requests = CopyRequests(s);
        SetLoadWord(requests, 0, B);
        AssertForgeryRejected(s, requests);
    }

    [Fact]
    public void A_duplicate_key_in_memory_init_is_rejected()
    {
        // ld of a word whose initial value is m0. The forgery gives the key two initial tuples, (k, m0, 0)
        // and (k, A, 0), and lets the load read A; Final consumes (k, m0, 0) and (k, A, ts). The memory
        // multisets balance; only the strictly increasing keys (gap = −1 has no range-checked limbs) fail.
        var s = new MemoryScenario([new(Opcode.Ld, 20, 0)]);
        ulong k = Emu.Data / 8, m0 = s.ExpectedInit[0].Value, ts = MemoryScenario.ExpectedTs(1);
        var minusOne = MemoryScenario.Signed(-1);
        SetBoundaryRow(s.Init, 0, k, m0, 0, KoalaBear.Zero);
        SetBoundaryRow(s.Init, 1, k, A, 0, minusOne);
        SetBoundaryRow(s.Final, 0, k, m0, 0, KoalaBear.Zero);
        SetBoundaryRow(s.Final, 1, k, A, ts, minusOne);
        int row = s.RowOf(1);
        SetBytes(s.LoadStore, row, LoadStoreCols.Old, A);
        SetBytes(s.LoadStore, row, LoadStoreCols.New, A);
        SetBytes(s.LoadStore, row, LoadStoreCols.Value, A);
        var requests = CopyRequests(s);
        SetLoadWord(requests, 0, A);
        AssertForgeryRejected(s, requests);
    }

    [Fact]
    public void A_dropped_final_entry_is_rejected()
    {
        var s = new MemoryScenario(MemoryTests.Misaligned);
        int last = MemoryTrace.FinalEntries(s.Record).Count - 1;
        s.Final.Row(last).Clear();
        AssertForgeryRejected(s);
    }

    [Fact]
    public void Memory_init_keys_out_of_order_violate_the_air_or_the_range_checks()
    {
        // Swapping two rows makes the gap negative: the row constraint still holds with gap = p − x, but its
        // limbs are out of range, so the Range16 bus cannot balance.
        var s = new MemoryScenario(MemoryTests.Aligned);
        var r0 = s.Init.Row(0).ToArray();
        var r1 = s.Init.Row(1).ToArray();
        ulong k0 = r0[MemoryBoundaryCols.KeyLo].ToCanonical() + ((ulong)r0[MemoryBoundaryCols.KeyHi].ToCanonical() << 16);
        ulong k1 = r1[MemoryBoundaryCols.KeyLo].ToCanonical() + ((ulong)r1[MemoryBoundaryCols.KeyHi].ToCanonical() << 16);
        ulong v0 = 0, v1 = 0;
        for (int i = 0; i < 4; i++)
        {
            v0 |= (ulong)r0[MemoryBoundaryCols.Value + i].ToCanonical() << (16 * i);
            v1 |= (ulong)r1[MemoryBoundaryCols.Value + i].ToCanonical() << (16 * i);
        }
        SetBoundaryRow(s.Init, 0, k1, v1, 0, KoalaBear.Zero);
        SetBoundaryRow(s.Init, 1, k0, v0, 0, MemoryScenario.Signed((long)k0 - (long)k1 - 1));
        // Row 2 keeps its key; its gap is now measured from k0 instead of k1.
        ulong k2 = s.Init[2, MemoryBoundaryCols.KeyLo].ToCanonical() + ((ulong)s.Init[2, MemoryBoundaryCols.KeyHi].ToCanonical() << 16);
        s.Init[2, MemoryBoundaryCols.GapLo] = KoalaBear.FromUInt64((k2 - k0 - 1) & 0xFFFF);
        s.Init[2, MemoryBoundaryCols.GapHi] = KoalaBear.FromUInt64((k2 - k0 - 1) >> 16);
        AssertForgeryRejected(s);
    }

    /// <summary>
    /// A one-instruction scenario whose access a cheating prover moves to <paramref name="forged"/> (the same byte offset
    /// within its double word), with the load/store table's public input size <paramref name="inputSize"/>. Everything else
    /// agrees with the move: the stand-in CPU's request carries the forged address, the chip's q, addr_hi and memory-map
    /// witness (<see cref="LoadStoreTrace.PopulateBounds{F}"/>, the honest generator's choice) describe it, and Init and Final
    /// hold the forged keys with the values the instruction saw (the free Init lets the forgery choose them).
    /// </summary>
    private static MemoryScenario MoveAccess(MemOp op, ulong forged, ulong inputSize)
    {
        var s = new MemoryScenario([op]) { InputSize = inputSize };
        ulong original = Emu.Data + (ulong)(long)op.Imm;
        Assert.Equal(original & 7, forged & 7);
        int row = s.RowOf(1);
        s.LoadStore[row, LoadStoreCols.Q] = KoalaBear.FromUInt64((forged & 0xFFFF) >> 3);
        s.LoadStore[row, LoadStoreCols.AddrHi] = KoalaBear.FromUInt64(forged >> 16);
        LoadStoreTrace.PopulateBounds(s.LoadStore.Row(row), op.Op, forged, MemoryScenario.ChipCodeEnd, inputSize);
        s.Requests[0][1] = forged & 0xFFFF;
        s.Requests[0][2] = forged >> 16;
        long shift = (long)(forged >> 3) - (long)(original >> 3);
        MemoryEntry Moved(MemoryEntry e) => e with { Key = (ulong)((long)e.Key + shift) };
        s.Init = MemoryTrace.Generate<KoalaBear>([.. MemoryTrace.InitialEntries(s.Record).Select(Moved)], init: true, new LookupCounts());
        s.Final = MemoryTrace.Generate<KoalaBear>([.. MemoryTrace.FinalEntries(s.Record).Select(Moved)], init: false, new LookupCounts());
        return s;
    }

    /// <summary>Whether the load/store trace sends a value outside [0, 2^16) to Range16 (which no table row can match).</summary>
    private static bool SendsOutOfRange(MemoryScenario s) =>
        BusTally.Interactions(MemoryScenario.LoadStoreAir, s.LoadStore, ZkvmBus.Range16, s.Publics)
            .Any(t => t.Kind == Prover.Core.Air.InteractionKind.Send && t.Values[0].ToCanonical() >= 1 << 16);

    /// <summary>
    /// Accesses the machine faults on, forged into an otherwise consistent execution: loads from the null page, straddling
    /// the start of RAM, past the input's end (wholly and by straddling it) or straddling RamEnd = InputBase; stores into
    /// the code, straddling the code end, into the input (also where a store's bounds shifted by in_input = 1 would
    /// contain it) or straddling RamEnd. The input size is 16 bytes unless given.
    /// </summary>
    [Theory]
    [InlineData(Opcode.Ld, 8, 0x8UL)]
    [InlineData(Opcode.Lb, 8, 0x0UL)]
    [InlineData(Opcode.Ld, 4, MemoryMap.RamBase - 4)]
    [InlineData(Opcode.Ld, 8, MemoryMap.InputBase + 16)]
    [InlineData(Opcode.Lw, 6, MemoryMap.InputBase + 14)]
    [InlineData(Opcode.Ld, 4, MemoryMap.RamEnd - 4)]
    [InlineData(Opcode.Sd, 0, MemoryMap.RamBase + 0x100)]
    [InlineData(Opcode.Sb, 7, MemoryScenario.ChipCodeEnd - 1)]
    [InlineData(Opcode.Sd, 4, MemoryScenario.ChipCodeEnd - 4)]
    [InlineData(Opcode.Sd, 0, MemoryMap.InputBase)]
    [InlineData(Opcode.Sh, 1, MemoryMap.InputBase + 9)]
    [InlineData(Opcode.Sd, 0, MemoryMap.InputBase + 0x2000, 0x4000UL)]
    [InlineData(Opcode.Sw, 6, MemoryMap.RamEnd - 2)]
    public void An_access_outside_the_memory_map_is_rejected(Opcode op, int imm, ulong forged, ulong inputSize = 16)
    {
        var access = new MemOp(op, LoadStoreCols.IsStore(op) ? 10 : 20, imm);
        Assert.False(LoadStoreTrace.IsAllowed(op, forged, MemoryScenario.ChipCodeEnd, inputSize), "the test's address is not a fault");
        // The same instruction at its true address is fine.
        var honest = new MemoryScenario([access]) { InputSize = inputSize };
        Assert.True(honest.Prove().IsValid);

        var s = MoveAccess(access, forged, inputSize);
        int row = s.RowOf(1);
        // Every row constraint holds: only the memory-map range checks can catch the forgery...
        s.AssertAirsSatisfied();
        Assert.True(SendsOutOfRange(s));
        // ...and no other choice of in_input and borrows satisfies both the row constraints and the range checks.
        for (int inInput = 0; inInput < 2; inInput++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 3; c++)
                {
                    s.LoadStore[row, LoadStoreCols.InInput] = KoalaBear.FromUInt64((ulong)inInput);
                    s.LoadStore[row, LoadStoreCols.LowerBorrow] = KoalaBear.FromUInt64((ulong)b);
                    s.LoadStore[row, LoadStoreCols.UpperBorrow] = KoalaBear.FromUInt64((ulong)c);
                    bool violated = Prover.Core.Air.AirChecker.FindViolation(MemoryScenario.LoadStoreAir, s.LoadStore, s.Publics) is not null;
                    Assert.True(violated || SendsOutOfRange(s), $"in_input {inInput}, borrows {b}, {c} pass");
                }
        // Borrows that are any field element would let both differences be taken modulo p, where a negative one has
        // 16-bit pieces: those borrows make every lookup valid, and only their row constraints (b boolean, c ∈ {0, 1, 2}) fail.
        LoadStoreTrace.PopulateBounds(s.LoadStore.Row(row), op, forged, MemoryScenario.ChipCodeEnd, inputSize);
        var (wrappedB, wrappedC) = WrappedBorrows(op, forged, inputSize);
        s.LoadStore[row, LoadStoreCols.LowerBorrow] = wrappedB;
        s.LoadStore[row, LoadStoreCols.UpperBorrow] = wrappedC;
        Assert.False(SendsOutOfRange(s));
        Assert.NotNull(Prover.Core.Air.AirChecker.FindViolation(MemoryScenario.LoadStoreAir, s.LoadStore, s.Publics));
        LoadStoreTrace.PopulateBounds(s.LoadStore.Row(row), op, forged, MemoryScenario.ChipCodeEnd, inputSize);
        var result = s.Prove(checkConstraints: false);
        Assert.False(result.IsValid, "the verifier accepted an access outside the memory map");
        Assert.Contains("do not balance", result.Error);
    }

    /// <summary>
    /// The borrows (as field elements) that make the memory-map pieces of an access at <paramref name="forged"/> the 16-bit
    /// pieces of (addr − L) mod p and (U − addr − width) mod p, the generator's choice of in_input: what a cheater would
    /// need if the borrows were unconstrained.
    /// </summary>
    private static (KoalaBear B, KoalaBear C) WrappedBorrows(Opcode op, ulong forged, ulong inputSize)
    {
        bool store = LoadStoreCols.IsStore(op), inInput = !store && forged >= MemoryMap.InputBase;
        long lower = (long)(store ? MemoryScenario.ChipCodeEnd : inInput ? MemoryMap.InputBase : MemoryMap.RamBase);
        long upper = (long)(inInput ? MemoryMap.InputBase + inputSize : MemoryMap.RamEnd);
        long p = KoalaBear.Modulus, a = (long)forged, lo = a & 0xFFFF;
        long d = (((a - lower) % p) + p) % p, f = (((upper - a - LoadStoreCols.AccessWidth(op)) % p) + p) % p;
        var inv = KoalaBear.FromUInt64(1 << 16).Inverse();
        // addr_lo − L_lo + 2^16·b = d mod 2^16 and U_lo − addr_lo − width + 2^16·c = f mod 2^16.
        var b = (MemoryScenario.Signed(d & 0xFFFF) - MemoryScenario.Signed(lo) + MemoryScenario.Signed(lower & 0xFFFF)) * inv;
        var c = (MemoryScenario.Signed(f & 0xFFFF) - MemoryScenario.Signed((upper & 0xFFFF) - lo - LoadStoreCols.AccessWidth(op))) * inv;
        return (b, c);
    }

    [Fact]
    public void A_claimed_larger_input_is_what_lets_a_load_past_the_input_end_through()
    {
        // The bound comes from the public input size alone: with 16 claimed the forged load verifies, which is
        // why the verifier pins the public values to the proof's input length (ZkvmVerifier).
        var s = MoveAccess(new MemOp(Opcode.Lw, 20, 6), MemoryMap.InputBase + 14, inputSize: 18);
        s.AssertAirsSatisfied();
        Assert.False(SendsOutOfRange(s));
        Assert.True(s.Prove().IsValid);
    }
}
