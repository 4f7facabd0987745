using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Mul;

/// <summary>
/// Proves <c>X·Y + addend ≡ target (mod 2^128)</c> where X and Y are 64-bit words given as bytes and
/// extended to 128 bits (by zeros, or by ones when the caller's sign flag is set), and addend and
/// target are 8 limbs of 16 bits supplied by the caller. Used by MUL (target = product limbs,
/// addend = 0) and DIV/REM (X = quotient, Y = divisor, addend = remainder, target = dividend).
/// <para>
/// Columns (at <see cref="Offset"/>): X bytes (8), Y bytes (8), X msb, Y msb, carries (8), then for each operand
/// the ANDs of its byte pairs (0, 1), (2, 3), (4, 5) (3 + 3), which the pair lookups carry: 32.
/// </para>
/// <para>
/// Why bytes: two 16-bit limbs multiply to 2^32 &gt; p, so a 16-bit convolution would wrap. With bytes,
/// T_k = Σ_{i+j=k} x_i·y_j ≤ (k+1)·255² (k &lt; 16, at most 16 terms), and output limb m collects
/// S_m = T_{2m} + 2^8·T_{2m+1} ≤ 15·255² + 2^8·16·255² = 267,317,775 &lt; 2^28. Each limb equation
/// S_m + addend_m + carry_{m−1} = target_m + 2^16·carry_m has both sides below 2^28 + 2^17 &lt; p
/// once carry &lt; 2^12 and target_m, addend_m &lt; 2^16 (range-checked), so it holds over the integers,
/// and the chain telescopes to the 128-bit identity. Honest carries are ≤ (267,317,775 + 65,535 +
/// 4,095) / 2^16 &lt; 4,081 &lt; 2^12.
/// </para>
/// <para>
/// Generic over the field like the other chips; the bounds above need p &gt; 2^29 (KoalaBear and BabyBear: p ≈ 2^31).
/// </para>
/// </summary>
public sealed class WideMulGadget(int offset)
{
    public const int Width = 32;

    public int Offset { get; } = offset;

    public int XByte(int i) => Offset + i;

    public int YByte(int i) => Offset + 8 + i;

    public int XMsb => Offset + 16;

    public int YMsb => Offset + 17;

    public int Carry(int m) => Offset + 18 + m;

    /// <summary>Column of byte(2k) AND byte(2k + 1) of X, k &lt; 3 (the pair lookup's third value).</summary>
    public int XAnd(int k) => Offset + 26 + k;

    /// <summary>Column of byte(2k) AND byte(2k + 1) of Y, k &lt; 3.</summary>
    public int YAnd(int k) => Offset + 29 + k;

    /// <summary>Limb k (16 bits) of X as an expression of its bytes.</summary>
    public static SymbolicExpression<F> Limb<F>(IReadOnlyList<SymbolicExpression<F>> row, int firstByte, int k) where F : struct, IField<F> =>
        row[firstByte + 2 * k] + row[firstByte + 2 * k + 1] * C<F>(256);

    public SymbolicExpression<F> XLimb<F>(IReadOnlyList<SymbolicExpression<F>> row, int k) where F : struct, IField<F> => Limb(row, XByte(0), k);

    public SymbolicExpression<F> YLimb<F>(IReadOnlyList<SymbolicExpression<F>> row, int k) where F : struct, IField<F> => Limb(row, YByte(0), k);

    internal static SymbolicExpression<F> C<F>(long v) where F : struct, IField<F> =>
        SymbolicExpression<F>.FromConstant(v >= 0 ? F.FromUInt64((ulong)v) : -F.FromUInt64((ulong)-v));

    /// <summary>
    /// States the constraints. <paramref name="xNeg"/>/<paramref name="yNeg"/> (boolean, degree 1) select
    /// sign extension; the caller ties them to <see cref="XMsb"/>/<see cref="YMsb"/> (and its opcode).
    /// Range checks are sent with <paramref name="multiplicity"/> (1 on real rows, 0 on padding).
    /// </summary>
    public void Eval<F>(AirBuilder<F> builder, SymbolicExpression<F> xNeg, SymbolicExpression<F> yNeg,
        IReadOnlyList<SymbolicExpression<F>> addend, IReadOnlyList<SymbolicExpression<F>> target,
        SymbolicExpression<F> multiplicity) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(builder);
        var row = builder.Local;
        RangeCheckBytes(builder, row, XByte(0), XMsb, XAnd(0), multiplicity);
        RangeCheckBytes(builder, row, YByte(0), YMsb, YAnd(0), multiplicity);

        // Extended bytes: bytes 8..15 are 255 when the operand is sign-extended (degree 1).
        var x = new SymbolicExpression<F>[16];
        var y = new SymbolicExpression<F>[16];
        for (int i = 0; i < 16; i++)
        {
            x[i] = i < 8 ? row[XByte(i)] : xNeg * C<F>(255);
            y[i] = i < 8 ? row[YByte(i)] : yNeg * C<F>(255);
        }
        SymbolicExpression<F> T(int k)
        {
            var sum = SymbolicExpression<F>.Zero;
            for (int i = 0; i <= k; i++)
                sum += x[i] * y[k - i];
            return sum;
        }
        for (int m = 0; m < 8; m++)
        {
            // Bounds in the type comment: every term is below 2^28 + 2^17 < p, so equality mod p is
            // equality of integers; no wrap-around can hide a wrong limb or carry.
            var s = T(2 * m) + T(2 * m + 1) * C<F>(256) + addend[m];
            if (m > 0)
                s += row[Carry(m - 1)];
            builder.AssertEq(s, target[m] + row[Carry(m)] * C<F>(65536));
            // carry < 2^12: carry ∈ [0, 2^16) and 16·carry ∈ [0, 2^16) (16·carry < 2^20 cannot wrap).
            // A bare 16-bit check would not do: 2^16·carry could then reach 2^32 > p.
            builder.Send(ZkvmBus.Range16, [row[Carry(m)]], multiplicity);
            builder.Send(ZkvmBus.Range16, [row[Carry(m)] * C<F>(16)], multiplicity);
        }
    }

    /// <summary>
    /// Byte checks of one 64-bit operand and its most significant bit, 5 lookups on the <see cref="ZkvmBus.ByteAnd"/> bus,
    /// whose receiver (<see cref="ByteTable{F}"/>) holds only true tuples (a, b, a AND b) with a and b bytes:
    /// <list type="bullet">
    /// <item>(byte 2k, byte 2k + 1, and_k) for k &lt; 3: both bytes of the pair are bytes (and_k is a free column the
    /// prover sets to their AND; any other value has no receiver);</item>
    /// <item>(byte 6, 0, 0): RANGE8 of byte 6;</item>
    /// <item>(byte 7, 128, 128·msb): byte 7 is a byte and 128·msb = byte 7 AND 128 ∈ {0, 128}, so msb (also asserted
    /// boolean) is exactly bit 7 of byte 7.</item>
    /// </list>
    /// So every byte is in [0, 256) and the msb is true whatever the caller knows of the limbs; the convolution bounds
    /// in the class comment need no more. (Before, 13 or 17 Range16 lookups per operand did this: one per byte and one
    /// per scaled byte, the high byte of a limb the sender range-checked getting one.)
    /// </summary>
    private static void RangeCheckBytes<F>(AirBuilder<F> builder, IReadOnlyList<SymbolicExpression<F>> row,
        int first, int msb, int firstAnd, SymbolicExpression<F> multiplicity) where F : struct, IField<F>
    {
        for (int k = 0; k < 3; k++)
            ByteLookup.SendAnd(builder, row[first + 2 * k], row[first + 2 * k + 1], row[firstAnd + k], multiplicity);
        ByteLookup.SendRange8(builder, row[first + 6], multiplicity);
        builder.AssertBool(row[msb]);
        ByteLookup.SendAnd(builder, row[first + 7], C<F>(128), row[msb] * C<F>(128), multiplicity);
    }

    /// <summary>
    /// Fills the gadget's columns for X·Y + addend = target (mod 2^128), records its Range16 and ByteAnd lookups in
    /// <paramref name="counts"/> (when given), and returns the target (the low 128 bits of
    /// X_ext·Y_ext + addend_ext).
    /// </summary>
    public UInt128 Populate<F>(Span<F> row, ulong x, ulong y, bool xNeg, bool yNeg, UInt128 addend, LookupCounts? counts) where F : struct, IField<F>
    {
        if (counts is not null)
        {
            CountBytes(counts, x);
            CountBytes(counts, y);
        }
        for (int i = 0; i < 8; i++)
        {
            row[XByte(i)] = F.FromUInt64((x >> (8 * i)) & 0xFF);
            row[YByte(i)] = F.FromUInt64((y >> (8 * i)) & 0xFF);
        }
        for (int k = 0; k < 3; k++)
        {
            row[XAnd(k)] = F.FromUInt64((x >> (16 * k)) & (x >> (16 * k + 8)) & 0xFF);
            row[YAnd(k)] = F.FromUInt64((y >> (16 * k)) & (y >> (16 * k + 8)) & 0xFF);
        }
        row[XMsb] = F.FromUInt64(x >> 63);
        row[YMsb] = F.FromUInt64(y >> 63);
        Span<long> xb = stackalloc long[16];
        Span<long> yb = stackalloc long[16];
        for (int i = 0; i < 16; i++)
        {
            xb[i] = i < 8 ? (long)((x >> (8 * i)) & 0xFF) : xNeg ? 255 : 0;
            yb[i] = i < 8 ? (long)((y >> (8 * i)) & 0xFF) : yNeg ? 255 : 0;
        }
        long carry = 0;
        UInt128 result = 0;
        for (int m = 0; m < 8; m++)
        {
            long s = (long)(ulong)((addend >> (16 * m)) & 0xFFFF) + carry;
            for (int k = 2 * m; k <= 2 * m + 1; k++)
                for (int i = 0; i <= k; i++)
                    s += xb[i] * yb[k - i] << (8 * (k - 2 * m));
            long limb = s & 0xFFFF;
            carry = s >> 16;
            row[Carry(m)] = F.FromUInt64((ulong)carry);
            counts?.AddRange16((ulong)carry);
            counts?.AddRange16((ulong)carry * 16);
            result |= (UInt128)(ulong)limb << (16 * m);
        }
        return result;
    }

    private static void CountBytes(LookupCounts counts, ulong w)
    {
        for (int k = 0; k < 3; k++)
            counts.AddAnd((w >> (16 * k)) & 0xFF, (w >> (16 * k + 8)) & 0xFF);
        counts.AddRange8((w >> 48) & 0xFF);
        counts.AddAnd(w >> 56, 128);
    }
}
