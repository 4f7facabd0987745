using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.LoadStore;

/// <summary>Column layout of <see cref="LoadStoreAir{F}"/> (92 columns) and its public values.</summary>
public static class LoadStoreCols
{
    /// <summary>Opcodes in selector order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes =>
        [Opcode.Lb, Opcode.Lh, Opcode.Lw, Opcode.Ld, Opcode.Lbu, Opcode.Lhu, Opcode.Lwu, Opcode.Sb, Opcode.Sh, Opcode.Sw, Opcode.Sd];

    /// <summary>Access width in bytes of each selector's opcode.</summary>
    public static ReadOnlySpan<int> Widths => [1, 2, 4, 8, 1, 2, 4, 1, 2, 4, 8];

    public static bool IsStore(Opcode op) => op is Opcode.Sb or Opcode.Sh or Opcode.Sw or Opcode.Sd;

    public static bool IsSignedLoad(Opcode op) => op is Opcode.Lb or Opcode.Lh or Opcode.Lw;

    public static int AccessWidth(Opcode op) => Widths[Opcodes.IndexOf(op)];

    /// <summary>11 boolean opcode selectors; their sum is the row's "real" flag.</summary>
    public const int Selectors = 0;
    /// <summary>One-hot byte offset within the double word: off_k = 1 iff address mod 8 = k (8 booleans, sum = real).</summary>
    public const int Offset = 11;
    /// <summary>q = (address mod 2^16) div 8, a 13-bit number.</summary>
    public const int Q = 19;
    /// <summary>address div 2^16 (&lt; 2^15).</summary>
    public const int AddrHi = 20;
    /// <summary>The 8 bytes of the value on the request: loads, the extended result; stores, rs2.</summary>
    public const int Value = 21;
    /// <summary>Sign bit of the top loaded byte (signed loads; 0 otherwise).</summary>
    public const int Sign = 29;
    /// <summary>1 iff the access crosses into the next double word (offset + width &gt; 8).</summary>
    public const int Cross = 30;
    /// <summary>16 bytes: the double words key and key + 1 before the access.</summary>
    public const int Old = 31;
    /// <summary>16 bytes: the same double words after the access.</summary>
    public const int New = 47;
    /// <summary>ts of this access (lo, hi), as received from the CPU.</summary>
    public const int TsLo = 63;
    public const int TsHi = 64;
    /// <summary>Per double word d ∈ {0, 1}: prev ts (lo, hi) then <see cref="TimestampGadget"/>'s 3 columns, 5 columns each.</summary>
    public const int Dword = 65;
    public const int DwordColumns = 2 + TimestampGadget.Columns;
    /// <summary>1 iff a load reads the input region (0 on stores and padding); selects the memory-map bounds.</summary>
    public const int InInput = Dword + 2 * DwordColumns;
    /// <summary>Borrow (0 or 1) of addr − lower bound from the low 16-bit piece into the high one.</summary>
    public const int LowerBorrow = InInput + 1;
    /// <summary>Borrow (0, 1 or 2) of upper bound − addr − width from the low 16-bit piece into the high one.</summary>
    public const int UpperBorrow = InInput + 2;
    /// <summary>
    /// 12 columns: the AND of each byte pair the pair lookups check, old bytes (2i, 2i + 1) for i &lt; 8, then value
    /// bytes (2i, 2i + 1) for i &lt; 4 (<see cref="ByteLookup.SendAnd{F}"/>'s third value).
    /// </summary>
    public const int PairAnd = InInput + 3;

    /// <summary>
    /// The top loaded byte of a signed load (value byte 0, 1 or 3 for LB, LH, LW; 0 on any other row), a column so that the
    /// sign's RANGE8 lookup is linear and pairs with another lookup in one LogUp column (issue 19).
    /// </summary>
    public const int TopByte = PairAnd + 12;
    public const int Width = TopByte + 1;

    /// <summary>Public values: the input size as (lo, hi) 16-bit pieces, set and checked by the verifier (the input's length).</summary>
    public const int PublicInputSizeLo = 0;
    public const int PublicInputSizeHi = 1;
    public const int PublicValueCount = 2;
}

/// <summary>
/// The load/store chip: one row per load or store instruction. It receives the CPU's request on the
/// <see cref="ZkvmBus.LoadStore"/> bus, (opcode, addr_lo, addr_hi, v0..v3, ts_lo, ts_hi), where v is the
/// loaded value after sign/zero extension (loads) or rs2's full value (stores; only the low width bytes
/// are written), and makes the one or two double-word accesses on the memory bus: consume (key, old,
/// prev_ts), produce (key, new, ts), with prev_ts &lt; ts proven by <see cref="TimestampGadget"/>.
/// Misaligned accesses (Zicclsm) that cross a double-word boundary access keys key and key + 1.
/// The whole access [addr, addr + width) lies where the machine allows it (<see cref="MemoryMap"/>): a load
/// in RAM or in the input [InputBase, InputBase + input size), a store in [<paramref name="codeEnd"/>, RamEnd)
/// (the code is read-only). The code end is the program's (<see cref="GuestProgram.CodeEnd"/>); the input
/// size is a public value pair that the verifier sets to the proof's input length.
/// All constraints have degree ≤ 3. Soundness notes sit beside each constraint.
/// </summary>
public sealed class LoadStoreAir<F> : IAir<F> where F : struct, IField<F>
{
    private readonly ulong _codeEnd;

    /// <param name="codeEnd">First writable address: the end of the program's code, in [RamBase, RamEnd].</param>
    public LoadStoreAir(ulong codeEnd)
    {
        if (codeEnd < MemoryMap.RamBase || codeEnd > MemoryMap.RamEnd)
            throw new ArgumentOutOfRangeException(nameof(codeEnd), $"code end 0x{codeEnd:x} is outside RAM");
        _codeEnd = codeEnd;
        // The bounds below give RamBase, InputBase and RamEnd no low 16-bit piece, and take the input's end as RamEnd + size.
        Debug.Assert(MemoryMap.RamBase % (1 << 16) == 0 && MemoryMap.InputBase % (1 << 16) == 0 && MemoryMap.RamEnd == MemoryMap.InputBase);
    }

    public string Name => "load-store";

    public int Width => LoadStoreCols.Width;

    public int PublicValueCount => LoadStoreCols.PublicValueCount;

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var ops = LoadStoreCols.Opcodes.ToArray();
        var widths = LoadStoreCols.Widths.ToArray();
        // At most one boolean selector is set (their sum is boolean): real = 1 on instruction rows, 0 on padding.
        var (real, opcode) = AluChip.Selectors(builder, LoadStoreCols.Selectors, ops);
        SymbolicExpression<F> Sel(int i) => l[LoadStoreCols.Selectors + i];
        SymbolicExpression<F> SumWhere(Func<Opcode, int, bool> pred)
        {
            var sum = SymbolicExpression<F>.Zero;
            for (int i = 0; i < ops.Length; i++)
                if (pred(ops[i], widths[i]))
                    sum += Sel(i);
            return sum;
        }
        var off = Enumerable.Range(0, 8).Select(k => l[LoadStoreCols.Offset + k]).ToArray();
        var val = Enumerable.Range(0, 8).Select(j => l[LoadStoreCols.Value + j]).ToArray();
        var old = Enumerable.Range(0, 16).Select(i => l[LoadStoreCols.Old + i]).ToArray();
        var neu = Enumerable.Range(0, 16).Select(i => l[LoadStoreCols.New + i]).ToArray();
        var sign = l[LoadStoreCols.Sign];
        var cross = l[LoadStoreCols.Cross];
        var q = l[LoadStoreCols.Q];
        var addrHi = l[LoadStoreCols.AddrHi];

        // Offset: one-hot booleans summing to real, so on a real row exactly one off_k = 1 and
        // Σ k·off_k is the offset; on padding all are 0.
        var offset = SymbolicExpression<F>.Zero;
        for (int k = 0; k < 8; k++)
        {
            builder.AssertBool(off[k]);
            offset += off[k] * C((ulong)k);
        }
        builder.AssertEq(SymbolicExpression<F>.Sum(off), real);

        // Address: addr_lo = offset + 8·q, key = q + 2^13·addr_hi. Soundness: q < 2^16 and 8q < 2^16
        // (Range16 on both; q an integer < 2^16 makes 8q an integer < 2^19, so the second check means
        // q < 2^13); addr_hi < 2^16 and 2·addr_hi < 2^16, so addr_hi < 2^15. Hence addr_lo < 2^16 is the
        // true low half, key = address div 8 < 2^28 and key + 1 ≤ 2^28: never a register key (2^29 + r).
        var addrLo = offset + q * C(8);
        var key = q + addrHi * C(1 << 13);
        builder.Send(ZkvmBus.Range16, [q], real);
        builder.Send(ZkvmBus.Range16, [q * C(8)], real);
        builder.Send(ZkvmBus.Range16, [addrHi], real);
        builder.Send(ZkvmBus.Range16, [addrHi * C(2)], real);

        // Bytes: every old byte and every value byte is a byte, so limbs built from them are the unique 16-bit
        // decompositions: the prover cannot split a memory limb into other "bytes". One lookup per byte pair: the
        // ByteAnd bus's receiver holds only true tuples (a, b, a AND b) with a and b bytes, so the lookup
        // (x, y, pair_and) proves both x and y bytes (pair_and is a free column the prover sets to x AND y; any
        // other value has no receiver).
        // New bytes need no check: each equals an old byte or a value byte (constraints below).
        for (int i = 0; i < 8; i++)
            ByteLookup.SendAnd(builder, old[2 * i], old[2 * i + 1], l[LoadStoreCols.PairAnd + i], real);
        for (int j = 0; j < 4; j++)
            ByteLookup.SendAnd(builder, val[2 * j], val[2 * j + 1], l[LoadStoreCols.PairAnd + 8 + j], real);

        // Loads: value byte j (j < width) is window byte offset + j. Degree 3: mask · off_k · old.
        for (int j = 0; j < 8; j++)
        {
            int jj = j;
            var loadMask = SumWhere((op, w) => !LoadStoreCols.IsStore(op) && w > jj);
            var window = SymbolicExpression<F>.Zero;
            for (int k = 0; k < 8; k++)
                window += off[k] * old[k + j];
            builder.When(loadMask).AssertEq(val[j], window);
            // Extension above the width: 0xFF·sign for LB/LH/LW, 0 for LBU/LHU/LWU.
            builder.When(SumWhere((op, w) => LoadStoreCols.IsSignedLoad(op) && w <= jj)).AssertEq(val[j], sign * C(0xFF));
            builder.When(SumWhere((op, w) => op is Opcode.Lbu or Opcode.Lhu or Opcode.Lwu && w <= jj)).AssertZero(val[j]);
        }

        // Sign: with tb the top loaded byte of a signed load (0 on any other row), 2·tb − 256·sign is sent
        // to RANGE8. tb is a byte, sign boolean, so 2·tb − 256·sign ∈ (−256, 512) as an integer, and it is
        // a byte exactly when sign = tb's bit 7. On other rows tb = 0 forces sign = 0.
        // tb is the column TopByte, pinned to Σ selector·byte by a degree-2 constraint, so the lookup sees exactly the
        // expression it saw before the column existed; as a column the lookup's tuple is linear, and the lookup shares a
        // LogUp column with another (a degree-2 tuple keeps a column to itself: docs/zkvm.md "LogUp columns").
        builder.AssertBool(sign);
        var topByte = l[LoadStoreCols.TopByte];
        builder.AssertEq(topByte, Sel(Array.IndexOf(ops, Opcode.Lb)) * val[0] + Sel(Array.IndexOf(ops, Opcode.Lh)) * val[1] + Sel(Array.IndexOf(ops, Opcode.Lw)) * val[3]);
        SendRange8(builder, topByte * C(2) - sign * C(256), real);

        // Crossing: cross = Σ_k off_k · [width > 8 − k] (0 or 1 since one off_k and one selector are set).
        var crossExpr = SymbolicExpression<F>.Zero;
        for (int k = 1; k < 8; k++)
        {
            int kk = k;
            crossExpr += off[k] * SumWhere((_, w) => w > 8 - kk);
        }
        builder.AssertEq(cross, crossExpr);
        // Implied by the line above for honest selectors, but stated so that the memory-bus multiplicity `cross`
        // is syntactically boolean: the bus-count bound (docs/zkvm.md "Bus multiplicity bound") counts it as 1.
        builder.AssertBool(cross);

        // New bytes: window byte i = offset + j is replaced by value byte j for stores with j < width;
        // every other byte (and every byte of a load) is unchanged. Degree 3: off_k · storeMask_j · (val − old).
        var storeMask = new SymbolicExpression<F>[8];
        for (int j = 0; j < 8; j++)
        {
            int jj = j;
            storeMask[j] = SumWhere((op, w) => LoadStoreCols.IsStore(op) && w > jj);
        }
        for (int i = 0; i < 16; i++)
        {
            var change = SymbolicExpression<F>.Zero;
            for (int k = 0; k < 8; k++)
                if (i - k is >= 0 and < 8)
                    change += off[k] * storeMask[i - k] * (val[i - k] - old[i]);
            builder.AssertEq(neu[i], old[i] + change);
        }

        // This access's ts pieces are produced on the memory bus. They need no range check here: they are the
        // request's, i.e. the CPU's (4·clk_q + 2 with clk_q < 2^14 range-checked, and clk_hi < 2^24 bounded
        // by the verifier's shard-boundary checks; docs/zkvm.md "Memory argument").
        var tsLo = l[LoadStoreCols.TsLo];
        var tsHi = l[LoadStoreCols.TsHi];

        // The memory accesses: double word key (every real row) and key + 1 (crossing rows). Each consumes
        // (key, old, prev_ts) and produces (key, new, ts) with prev_ts < ts (offline memory checking,
        // docs/design.md "zkVM chips: memory argument and load/store").
        for (int d = 0; d < 2; d++)
        {
            var mult = d == 0 ? real : cross;
            int c = LoadStoreCols.Dword + d * LoadStoreCols.DwordColumns;
            var prevLo = l[c];
            var prevHi = l[c + 1];
            var dKey = key + C((ulong)d);
            MemoryArgument.Consume(builder, dKey, Limbs(old, 8 * d), prevLo, prevHi, mult);
            MemoryArgument.Produce(builder, dKey, Limbs(neu, 8 * d), tsLo, tsHi, mult);
            TimestampGadget.Eval(builder, c + 2, tsLo, tsHi, prevLo, prevHi, mult);
        }

        var width = SymbolicExpression<F>.Zero;
        for (int i = 0; i < ops.Length; i++)
            width += Sel(i) * C((ulong)widths[i]);
        MemoryMapBounds(builder, real, addrLo, addrHi, SumWhere((op, _) => LoadStoreCols.IsStore(op)), SumWhere((op, _) => !LoadStoreCols.IsStore(op)), width);

        // The request. Value limbs come from range-checked bytes, so they are canonical 16-bit limbs.
        builder.Receive(ZkvmBus.LoadStore, [opcode, addrLo, addrHi, .. Limbs(val, 0), tsLo, tsHi], real);
    }

    /// <summary>
    /// The memory map: L ≤ addr and addr + width ≤ U over the integers, with (L, U) = (RamBase, RamEnd) for a
    /// RAM load, (InputBase, InputBase + size) for an input load (in_input = 1) and (code end, RamEnd) for a
    /// store: exactly the machine's rule (<c>GuestMemory.IsReadable</c>: the whole range inside one region,
    /// so an access straddling RamEnd = InputBase faults; <c>Machine.StoreSlow</c>: the whole range in
    /// [code end, RamEnd)). Each bound is a borrow subtraction on 16-bit pieces whose two results go to Range16
    /// as expressions (no columns): the lower bound
    /// <code>d_lo = addr_lo − L_lo + 2^16·b,  d_hi = addr_hi − L_hi − b</code>
    /// and the upper bound <c>f_lo = U_lo − addr_lo − width + 2^16·c, f_hi = U_hi − addr_hi − c</c>.
    /// <para>
    /// Soundness: addr_lo &lt; 2^16 and addr_hi &lt; 2^15 are exact (range-checked above); one selector at most
    /// is set and in_input is boolean and only on loads, so L_lo, U_lo &lt; 2^16 and L_hi, U_hi ≤ 2^15 as integers
    /// (the verifier checks the public size pieces are the input length's, at most 2^30); width ≤ 8, b ∈ {0, 1},
    /// c ∈ {0, 1, 2}. Every right side is then an integer in (−2^17, 2^18), far below p, so its Range16 lookup
    /// (a value in [0, 2^16) equal to it modulo p) makes it that value over the integers. Summing,
    /// addr − L = d_lo + 2^16·d_hi ≥ 0 and U − addr − width = f_lo + 2^16·f_hi ≥ 0 as integers: no choice of
    /// b, c or in_input helps an access outside its region. c needs the value 2 because
    /// U_lo − addr_lo − width can reach −2^16 − 7 (addr_lo = 0xFFFF, width 8, U_lo = 0).
    /// Padding rows (no selector, in_input = 0) make no lookups.
    /// </para>
    /// </summary>
    private void MemoryMapBounds(AirBuilder<F> builder, SymbolicExpression<F> real, SymbolicExpression<F> addrLo, SymbolicExpression<F> addrHi,
        SymbolicExpression<F> isStore, SymbolicExpression<F> isLoad, SymbolicExpression<F> width)
    {
        var l = builder.Local;
        var inInput = l[LoadStoreCols.InInput];
        var b = l[LoadStoreCols.LowerBorrow];
        var c = l[LoadStoreCols.UpperBorrow];
        builder.AssertBool(inInput);
        builder.AssertZero(inInput * (SymbolicExpression<F>.One - isLoad));
        builder.AssertBool(b);
        builder.AssertZero(c * (c - SymbolicExpression<F>.One) * (c - C(2)));

        // RamBase, InputBase and RamEnd are multiples of 2^16 (asserted in the constructor), so only the code
        // end and the input size have low pieces.
        var lowerLo = isStore * C(_codeEnd & 0xFFFF);
        var lowerHi = isLoad * C(MemoryMap.RamBase >> 16) + isStore * C(_codeEnd >> 16) + inInput * C((MemoryMap.InputBase - MemoryMap.RamBase) >> 16);
        var pub = builder.PublicValues;
        // InputBase = RamEnd: the input's end is RamEnd + size.
        var upperLo = inInput * pub[LoadStoreCols.PublicInputSizeLo];
        var upperHi = real * C(MemoryMap.RamEnd >> 16) + inInput * pub[LoadStoreCols.PublicInputSizeHi];
        builder.Send(ZkvmBus.Range16, [addrLo - lowerLo + b * C(1 << 16)], real);
        builder.Send(ZkvmBus.Range16, [addrHi - lowerHi - b], real);
        builder.Send(ZkvmBus.Range16, [upperLo - addrLo - width + c * C(1 << 16)], real);
        builder.Send(ZkvmBus.Range16, [upperHi - addrHi - c], real);
    }

    private static SymbolicExpression<F>[] Limbs(SymbolicExpression<F>[] bytes, int start) =>
        [.. Enumerable.Range(0, Word.Limbs).Select(i => bytes[start + 2 * i] + bytes[start + 2 * i + 1] * C(256))];

    private static void SendRange8(AirBuilder<F> builder, SymbolicExpression<F> x, SymbolicExpression<F> mult) => ByteLookup.SendRange8(builder, x, mult);
}
