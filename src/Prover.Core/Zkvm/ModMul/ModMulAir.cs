using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.ModMul;

/// <summary>
/// The modular-multiplication chip (docs/zkvm.md, "Modular multiplication"): one row per modmul syscall of its
/// operand size (<see cref="ModMulLayout.Limbs"/> = 4: <see cref="Syscall.ModMul256"/>, 6: <see cref="Syscall.ModMul384"/>),
/// proving x := x·y mod m with the result fully reduced. It receives (limbs, ts, a0, a1) from the syscall chip on
/// <see cref="ZkvmBus.ModMul"/>, reads y, m and x and writes x through the memory argument at the syscall's ts, and
/// proves, over byte limbs (B = 8·limbs of them):
/// <list type="bullet">
/// <item>x(X)·y(X) − r(X) − q(X)·m(X) = (X − 256)·c(X), coefficient by coefficient, with every limb of x, y, m, r, q a
/// byte and every carry c_k in [−2^15, 2^15): each coefficient equation is then an integer equation (see
/// <see cref="Eval"/>), so the polynomials are equal over the integers and, at X = 256, x·y = q·m + r;</item>
/// <item>r &lt; m: r + d + 1 = m with d's limbs bytes and boolean borrows, so m − r − 1 = d ≥ 0.</item>
/// </list>
/// Hence r = x·y mod m exactly. Degree 3.
/// </summary>
public sealed class ModMulAir<F> : IAir<F> where F : struct, IField<F>
{
    /// <summary>Offset added to a carry before its Range16 lookup: c + 2^15 ∈ [0, 2^16) ⇔ c ∈ [−2^15, 2^15).</summary>
    public const int CarryOffset = 1 << 15;

    private readonly ulong _codeEnd;

    /// <param name="limbs">4 or 6.</param>
    /// <param name="codeEnd">The program's code end: x, which the chip writes, must lie above it (the code is read-only).</param>
    public ModMulAir(int limbs, ulong codeEnd)
    {
        if (codeEnd < MemoryMap.RamBase || codeEnd > MemoryMap.RamEnd)
            throw new ArgumentOutOfRangeException(nameof(codeEnd), $"code end 0x{codeEnd:x} is outside RAM");
        Layout = new ModMulLayout(limbs);
        _codeEnd = codeEnd;
    }

    public ModMulLayout Layout { get; }

    public string Name => Layout.Limbs == 4 ? "modmul256" : "modmul384";

    public int Width => Layout.Width;

    public int PublicValueCount => 0;

    /// <summary>The key range [first, last] of the double word at which an operand block may start.</summary>
    internal (ulong First, ulong Last) XKeyRange => ((_codeEnd + 7) / 8, MemoryMap.RamEnd / 8 - (ulong)Layout.Limbs);

    internal static (ulong First, ulong Last) YmKeyRange(int limbs) => (MemoryMap.RamBase / 8, MemoryMap.RamEnd / 8 - 2 * (ulong)limbs);

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var L = Layout;
        var l = builder.Local;
        int bytes = L.Bytes;
        var real = l[L.IsReal];
        builder.AssertBool(real);
        var tsLo = l[L.TsLo];
        var tsHi = l[L.TsHi];

        // --- The call: (limbs, ts, a0 limbs, a1 limbs) from the syscall chip, which sends it once per modmul ECALL of this
        // size with the CPU's ts and a0 and x11's (a1's) current value. Receiving with multiplicity `real` makes every call
        // have exactly one row here and every row be a call (a row with real = 1 and no call leaves the bus unbalanced).
        // The pointers' upper limbs are received as 0: a pointer ≥ 2^32 has no row, and the machine faults on it anyway.
        builder.Receive(ZkvmBus.ModMul, [C((ulong)L.Limbs), tsLo, tsHi, l[L.XPtrLo], l[L.XPtrHi], C(0), C(0), l[L.YmPtrLo], l[L.YmPtrHi], C(0), C(0)], real);

        // --- Keys. ptr_lo is canonical (< 2^16: the CPU's register limb, or x11's value from the memory argument), key_lo
        // is Range16-checked, so ptr_lo = 8·key_lo holds over the integers (8·key_lo < 2^19 ≪ p): the pointer is 8-aligned
        // and key = key_lo + 2^13·ptr_hi is its double word's key (< 2^30 as an integer).
        var xKey = l[L.XKeyLo] + l[L.XPtrHi] * C(1 << 13);
        var ymKey = l[L.YmKeyLo] + l[L.YmPtrHi] * C(1 << 13);
        builder.When(real).AssertEq(l[L.XPtrLo], l[L.XKeyLo] * C(8));
        builder.When(real).AssertEq(l[L.YmPtrLo], l[L.YmKeyLo] * C(8));
        builder.Send(ZkvmBus.Range16, [l[L.XKeyLo]], real);
        builder.Send(ZkvmBus.Range16, [l[L.YmKeyLo]], real);

        // --- Bounds: x's block in writable RAM [code end, RamEnd), y‖m's in RAM. Each difference is lo + 2^16·hi with
        // lo < 2^16 and hi < 2^11 (Range16 of 2^5·hi), an integer in [0, 2^27); the left sides are integers in
        // (−2^28, 2^30) (keys < 2^30, constants < 2^27), so equal modulo p they are equal: first ≤ key ≤ last. Without this a
        // prover could write the code (read-only) or read outside RAM; a block cannot wrap past RamEnd either.
        var (xFirst, xLast) = XKeyRange;
        var (ymFirst, ymLast) = YmKeyRange(L.Limbs);
        Bound(builder, 0, xKey - C(xFirst), real);
        Bound(builder, 1, C(xLast) - xKey, real);
        Bound(builder, 2, ymKey - C(ymFirst), real);
        Bound(builder, 3, C(ymLast) - ymKey, real);

        // --- Byte limbs: every limb of x, y, m, r, q, d is a byte (RANGE8). This bounds the coefficients below and makes
        // the 16-bit memory limbs built from them canonical (r's are produced, so they must be).
        SymbolicExpression<F> Byte(int operand, int k) => l[operand + k];
        foreach (int operand in new[] { L.X, L.Y, L.M, L.R, L.Q, L.D })
            for (int k = 0; k < bytes; k++)
                ByteLookup.SendRange8(builder, Byte(operand, k), real);

        // --- Memory: x's double words are read (prev value = x) and written (new value = r), y's and m's read, each
        // consuming (key, prev, prev_ts) and producing (key, new, ts) with prev_ts < ts (TimestampGadget), at the syscall's
        // ts. So x, y and m are the values the guest's memory holds at these addresses (offline memory checking) and the
        // guest sees r afterwards. Two accesses of one key at one ts cannot balance the memory argument (every key's
        // accesses form one chain of strictly increasing ts from its init to its final entry), so overlapping blocks,
        // which the machine faults on, have no proof either.
        int n = L.Limbs;
        for (int j = 0; j < 3 * n; j++)
        {
            int operand = j < n ? L.X : j < 2 * n ? L.Y : L.M;
            int dword = j % n;
            var key = j < n ? xKey + C((ulong)dword) : ymKey + C((ulong)(j - n));
            var prev = Limbs16(l, operand, dword);
            var next = j < n ? Limbs16(l, L.R, dword) : prev;
            int a = L.Access(j);
            MemoryArgument.Consume(builder, key, prev, l[a], l[a + 1], real);
            MemoryArgument.Produce(builder, key, next, tsLo, tsHi, real);
            TimestampGadget.Eval(builder, a + 2, tsLo, tsHi, l[a], l[a + 1], real);
        }

        // --- x·y − r − q·m = (X − 256)·c, coefficient k (0 ≤ k ≤ 2B − 2):
        //   Σ_{i+j=k} x_i·y_j − r_k − Σ_{i+j=k} q_i·m_j = c_{k−1} − 256·c_k   (c_{−1} = c_{2B−2} = 0, r_k = 0 for k ≥ B).
        // Why it holds over the integers: limbs are bytes, so each sum is in [0, B·255²] ⊂ [0, 48·65025] < 2^22, r_k < 2^8,
        // and |c| ≤ 2^15 (Range16 of c + 2^15), so both sides are integers of magnitude < 2^23 + 257·2^15 < 2^24 ≪ p/2;
        // equal modulo p, they are equal. Equal coefficients give equal polynomials over Z; at X = 256 the right side
        // vanishes: x·y = q·m + r. No bound on q beyond its bytes is needed: q < 2^(8B) is what an honest prover needs
        // (the machine faults when x·y ≥ m·2^(64·limbs)), and any q satisfying the identity is the true quotient.
        // Carries of an honest trace are within |c_k| ≤ (B·255² + |c_{k−1}|)/256 < 2^14.
        for (int k = 0; k <= 2 * bytes - 2; k++)
        {
            var sum = SymbolicExpression<F>.Zero;
            for (int i = Math.Max(0, k - bytes + 1); i <= Math.Min(k, bytes - 1); i++)
                sum += Byte(L.X, i) * Byte(L.Y, k - i) - Byte(L.Q, i) * Byte(L.M, k - i);
            if (k < bytes)
                sum -= Byte(L.R, k);
            var carryIn = k > 0 ? l[L.Carries + k - 1] : SymbolicExpression<F>.Zero;
            var carryOut = k < 2 * bytes - 2 ? l[L.Carries + k] : SymbolicExpression<F>.Zero;
            // Gated by real (padding rows have no effect on any bus): this makes the chip degree 3, so its LogUp
            // interactions pair up two per column (docs/zkvm.md "LogUp columns") instead of one each.
            builder.When(real).AssertEq(sum, carryIn - carryOut * C(256));
        }
        for (int k = 0; k < L.CarryCount; k++)
            builder.Send(ZkvmBus.Range16, [l[L.Carries + k] + C(CarryOffset)], real);

        // --- r < m: r + d + 1 = m byte by byte, r_k + d_k + b_{k−1} = m_k + 256·b_k with b_{−1} = real (the "+1"),
        // b_{B−1} = 0 and the borrows b_k boolean. Both sides are integers below 2^10, so these are integer equations;
        // summed with weights 256^k they give r + d + 1 = m over the integers with d ≥ 0 (bytes): r ≤ m − 1. A forged
        // r + m (or any r ≥ m) has no d. On padding (real = 0) all zero satisfies it.
        for (int k = 0; k < bytes; k++)
        {
            var borrowIn = k == 0 ? real : l[L.Borrows + k - 1];
            var borrowOut = k < bytes - 1 ? l[L.Borrows + k] : SymbolicExpression<F>.Zero;
            if (k < bytes - 1)
                builder.AssertBool(borrowOut);
            builder.AssertEq(Byte(L.R, k) + Byte(L.D, k) + borrowIn, Byte(L.M, k) + borrowOut * C(256));
        }
    }

    /// <summary>The 4 memory limbs (16-bit, little-endian) of double word <paramref name="dword"/> of an operand's bytes.</summary>
    private SymbolicExpression<F>[] Limbs16(IReadOnlyList<SymbolicExpression<F>> l, int operand, int dword)
    {
        var limbs = new SymbolicExpression<F>[Word.Limbs];
        for (int i = 0; i < Word.Limbs; i++)
            limbs[i] = l[operand + 8 * dword + 2 * i] + l[operand + 8 * dword + 2 * i + 1] * C(256);
        return limbs;
    }

    /// <summary>difference = lo + 2^16·hi, Range16(lo), Range16(2^5·hi): difference ∈ [0, 2^27) as an integer.</summary>
    private void Bound(AirBuilder<F> builder, int index, SymbolicExpression<F> difference, SymbolicExpression<F> real)
    {
        var l = builder.Local;
        int at = Layout.Bounds + index * ModMulLayout.BoundColumns;
        builder.When(real).AssertEq(difference, l[at] + l[at + 1] * C(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[at]], real);
        builder.Send(ZkvmBus.Range16, [l[at + 1] * C(1 << 5)], real);
    }
}
