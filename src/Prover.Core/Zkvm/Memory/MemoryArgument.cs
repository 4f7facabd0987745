using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Memory;

/// <summary>
/// Keys and timestamps of the memory argument (docs/zkvm.md, "Memory argument"): RAM double word at
/// byte address A (8-aligned) has key A/8, register x_r has key 2^29 + r; ts = 4·clk + slot.
/// </summary>
public static class MemoryArgument
{
    /// <summary>Key of register x0; register x_r has key <see cref="RegisterKeyBase"/> + r.</summary>
    public const ulong RegisterKeyBase = 1UL << 29;

    /// <summary>Slot of a load/store access (and of the syscall chip's register accesses).</summary>
    public const int LoadStoreSlot = 2;

    /// <summary>
    /// Largest key any table may hold: keys are range-checked to key_hi ≤ 2^13 + 1, i.e. key &lt; 2^29 + 2^17,
    /// which covers RAM (&lt; 2^28) and registers (2^29 + r). See <see cref="SortedKeysGadget"/>.
    /// </summary>
    public const ulong KeyHiBound = (1UL << 13) + 1;

    public static ulong RamKey(ulong address) => address >> 3;

    /// <summary>
    /// The contract's ts of a RAM access made at machine clk <paramref name="clk"/>: 0 for initial memory
    /// (clk 0, "never touched"), else 4·clk + 2 (load/store slot; the syscall chip's register accesses use the
    /// same slot, since an ecall makes no load/store).
    /// </summary>
    public static ulong RamTimestamp(long clk) => clk == 0 ? 0 : 4 * (ulong)clk + LoadStoreSlot;

    public static ulong Lo(ulong x) => x & 0xFFFF;

    public static ulong Hi(ulong x) => x >> 16;

    /// <summary>Produces (key, value limbs, ts) on the memory bus (a send).</summary>
    public static void Produce<F>(AirBuilder<F> builder, SymbolicExpression<F> key, IReadOnlyList<SymbolicExpression<F>> limbs,
        SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi, SymbolicExpression<F> multiplicity) where F : struct, IField<F> =>
        builder.Send(ZkvmBus.Memory, Tuple(key, limbs, tsLo, tsHi), multiplicity);

    /// <summary>Consumes (key, value limbs, ts) from the memory bus (a receive).</summary>
    public static void Consume<F>(AirBuilder<F> builder, SymbolicExpression<F> key, IReadOnlyList<SymbolicExpression<F>> limbs,
        SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi, SymbolicExpression<F> multiplicity) where F : struct, IField<F> =>
        builder.Receive(ZkvmBus.Memory, Tuple(key, limbs, tsLo, tsHi), multiplicity);

    private static SymbolicExpression<F>[] Tuple<F>(SymbolicExpression<F> key, IReadOnlyList<SymbolicExpression<F>> limbs,
        SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi) where F : struct, IField<F>
    {
        if (limbs.Count != Word.Limbs)
            throw new ArgumentException("a memory value has 4 limbs", nameof(limbs));
        return [key, limbs[0], limbs[1], limbs[2], limbs[3], tsLo, tsHi];
    }
}

/// <summary>
/// prev_ts &lt; ts for timestamps carried as (lo &lt; 2^16, hi &lt; 2^24) pieces: columns borrow, d_lo, d_hi, d_top
/// with ts_lo − prev_lo − 1 + 2^16·borrow = d_lo and ts_hi − prev_hi − borrow = d_hi + 2^16·d_top; d_lo and
/// d_hi sent to Range16, 2^8·d_top too (so d_top &lt; 2^8).
/// <para>
/// Soundness: ts_lo pieces are below 2^16 and ts_hi pieces below 2^24 (every produced ts is the CPU's
/// 4·clk_q + slot, clk_hi with clk_q range-checked and clk_hi bounded by the verifier's boundary checks,
/// or 0 from MemoryInit; prev pieces equal some produced tuple's pieces); borrow is boolean, so the left
/// sides are integers in (−2^25, 2^25), far from p, and the right sides integers in [0, 2^24); equal modulo
/// p they are equal as integers, hence ts − prev_ts − 1 = d_lo + 2^16·(d_hi + 2^16·d_top) ≥ 0 over the
/// integers. Completeness limit: ts &lt; 2^40 (clk &lt; 2^38).
/// </para>
/// </summary>
public static class TimestampGadget
{
    public const int Columns = 4;

    public static void Eval<F>(AirBuilder<F> builder, int offset, SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi,
        SymbolicExpression<F> prevLo, SymbolicExpression<F> prevHi, SymbolicExpression<F> multiplicity) where F : struct, IField<F>
    {
        var borrow = builder.Local[offset];
        var dLo = builder.Local[offset + 1];
        var dHi = builder.Local[offset + 2];
        var dTop = builder.Local[offset + 3];
        builder.AssertBool(borrow);
        var when = builder.When(multiplicity);
        when.AssertEq(tsLo - prevLo - SymbolicExpression<F>.One + borrow * Word.Constant<F>(1 << 16), dLo);
        when.AssertEq(tsHi - prevHi - borrow, dHi + dTop * Word.Constant<F>(1 << 16));
        builder.Send(ZkvmBus.Range16, [dLo], multiplicity);
        builder.Send(ZkvmBus.Range16, [dHi], multiplicity);
        builder.Send(ZkvmBus.Range16, [dTop * Word.Constant<F>(1 << 8)], multiplicity);
    }

    public static void Populate<F>(Span<F> row, int offset, ulong ts, ulong prevTs, LookupCounts counts) where F : struct, IField<F>
    {
        if (prevTs >= ts)
            throw new ArgumentException($"previous timestamp {prevTs} is not below {ts}");
        ulong d = ts - prevTs - 1;
        if (ts >> 40 != 0)
            throw new ArgumentException($"timestamp {ts} does not fit 40 bits");
        ulong borrow = MemoryArgument.Lo(ts) < MemoryArgument.Lo(prevTs) + 1 ? 1UL : 0;
        ulong hi = (d >> 16) & 0xFFFF, top = d >> 32;
        row[offset] = F.FromUInt64(borrow);
        row[offset + 1] = F.FromUInt64(MemoryArgument.Lo(d));
        row[offset + 2] = F.FromUInt64(hi);
        row[offset + 3] = F.FromUInt64(top);
        counts.AddRange16(MemoryArgument.Lo(d));
        counts.AddRange16(hi);
        counts.AddRange16(top << 8);
    }
}
