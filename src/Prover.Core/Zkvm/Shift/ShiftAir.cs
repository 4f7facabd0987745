using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Shift;

/// <summary>Column layout of <see cref="ShiftAir{F}"/>.</summary>
public static class ShiftCols
{
    /// <summary>The computed layout: the fields below, in declaration order (static initialisers run in textual order).</summary>
    public static ColumnLayout Layout { get; } = new();

    /// <summary>The opcodes, in selector-column order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes =>
        [Opcode.Sll, Opcode.Srl, Opcode.Sra, Opcode.Slli, Opcode.Srli, Opcode.Srai, Opcode.Sllw, Opcode.Srlw, Opcode.Sraw, Opcode.Slliw, Opcode.Srliw, Opcode.Sraiw];

    /// <summary>12 boolean selectors.</summary>
    public static readonly int Selectors = Layout.Add("Selectors", 12);

    /// <summary>Bytes b_0..b_7 of the shifted operand (RANGE8-checked).</summary>
    public static readonly int BBytes = Layout.Add("BBytes", 8);

    /// <summary>c0..c3 (only c0's low 6 bits matter: the shift amount).</summary>
    public static readonly int C = Layout.Word("C");

    /// <summary>Bits s_0..s_5 of c0.</summary>
    public static readonly int ShiftBits = Layout.Add("ShiftBits", 6);

    /// <summary>c0 &gt;&gt; 6 (Range16-checked).</summary>
    public static readonly int CHigh = Layout.Add("CHigh");

    /// <summary>One-hot byte shift: M_t = 1 for t = shift / 8 (t = 0..7).</summary>
    public static readonly int ByteShift = Layout.Add("ByteShift", 8);

    /// <summary>(1 + s_0)(1 + 3·s_1) = 2^(s_0 + 2 s_1).</summary>
    public static readonly int Pow01 = Layout.Add("Pow01");

    /// <summary>2^k, k = shift mod 8.</summary>
    public static readonly int Pow = Layout.Add("Pow");

    /// <summary>2^(8 − k) (256 / Pow).</summary>
    public static readonly int PowR = Layout.Add("PowR");

    /// <summary>The byte multiplier: 2^k for left shifts, 2^(8−k) for right shifts.</summary>
    public static readonly int Mult = Layout.Add("Mult");

    /// <summary>Right arithmetic shifts: the operand's sign (bit 63, or bit 31 for W forms); else 0.</summary>
    public static readonly int FillBit = Layout.Add("FillBit");

    /// <summary>x_j·Mult = Lo_j + 256·Hi_j for the 8 operand bytes x_j.</summary>
    public static readonly int Lo = Layout.Add("Lo", 8);

    /// <summary>See <see cref="Lo"/>.</summary>
    public static readonly int Hi = Layout.Add("Hi", 8);

    /// <summary>The low byte of the fill byte (255·FillBit) times Mult: FillBit·(256 − Mult).</summary>
    public static readonly int FillLo = Layout.Add("FillLo");

    /// <summary>Bytes y_0..y_7 of the 64-bit shifted value.</summary>
    public static readonly int Y = Layout.Add("Y", 8);

    /// <summary>W forms: bit 31 of the result (top bit of y_3); else 0.</summary>
    public static readonly int ResultSign = Layout.Add("ResultSign");

    public static readonly int Width = Layout.Width;
}

/// <summary>
/// SLL, SRL, SRA, their immediate forms and the W forms. The operand is handled in bytes: the shift
/// amount s (c0's low 6 bits, 5 for W forms; RISC-V masks the register operand) is split into a bit
/// shift k = s mod 8 and a byte shift m = s / 8. Each operand byte x_j times 2^k (left) or 2^(8−k)
/// (right) is split into a low and a high byte; a bit-shifted byte is the low part of one byte plus
/// the high part of its neighbour, and the byte shift picks bytes through the one-hot M. Bytes keep
/// every product below 2^16, far from p (16-bit limbs times 2^15 could exceed p ≈ 2^31 and lose
/// uniqueness). W forms: the operand's bytes 4..7 are replaced by the fill (0, or 0xFF for SRAW
/// with a negative low word), and the result's low word is sign-extended.
/// Constraint degree 3; 55 constraints, 1 receive, 1 Range16 and 26 RANGE8 (ByteAnd) sends.
/// <para>Assumes the sender's b and c limbs are canonical (bus contract).</para>
/// </summary>
public sealed class ShiftAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "shift";

    public int Width => ShiftCols.Width;

    private static SymbolicExpression<F> K(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var ops = ShiftCols.Opcodes;
        var one = SymbolicExpression<F>.One;
        var (real, opcode) = AluChip.Selectors(builder, ShiftCols.Selectors, ops);
        var isLeft = AluChip.Any(builder, ShiftCols.Selectors, ops, Opcode.Sll, Opcode.Slli, Opcode.Sllw, Opcode.Slliw);
        var isRight = real - isLeft;
        var isArith = AluChip.Any(builder, ShiftCols.Selectors, ops, Opcode.Sra, Opcode.Srai, Opcode.Sraw, Opcode.Sraiw);
        var isW = AluChip.Any(builder, ShiftCols.Selectors, ops, Opcode.Sllw, Opcode.Srlw, Opcode.Sraw, Opcode.Slliw, Opcode.Srliw, Opcode.Sraiw);
        SymbolicExpression<F> Col(int offset, int i = 0) => l[offset + i];
        var b = Enumerable.Range(0, 8).Select(j => Col(ShiftCols.BBytes, j)).ToArray();
        var c = Enumerable.Range(0, 4).Select(i => Col(ShiftCols.C, i)).ToArray();
        var s = Enumerable.Range(0, 6).Select(i => Col(ShiftCols.ShiftBits, i)).ToArray();
        var m = Enumerable.Range(0, 8).Select(t => Col(ShiftCols.ByteShift, t)).ToArray();
        var lo = Enumerable.Range(0, 8).Select(j => Col(ShiftCols.Lo, j)).ToArray();
        var hi = Enumerable.Range(0, 8).Select(j => Col(ShiftCols.Hi, j)).ToArray();
        var y = Enumerable.Range(0, 8).Select(j => Col(ShiftCols.Y, j)).ToArray();
        var pow01 = Col(ShiftCols.Pow01);
        var pow = Col(ShiftCols.Pow);
        var powR = Col(ShiftCols.PowR);
        var mult = Col(ShiftCols.Mult);
        var fill = Col(ShiftCols.FillBit);
        var fillLo = Col(ShiftCols.FillLo);
        var resultSign = Col(ShiftCols.ResultSign);

        // Operand bytes: RANGE8 each. Soundness: b's limbs are canonical, so with bytes the split
        // b_i = b_(2i) + 256·b_(2i+1) is the unique one (the ALU tuple's b limbs are these sums).
        foreach (var x in b)
            ByteLookup.SendRange8(builder, x, real);

        // Shift amount: c0 = Σ 2^i·s_i + 64·cHigh with boolean s_i and cHigh ∈ [0, 2^16) (Range16).
        // Soundness: the right side is then an integer < 2^23 < p equal to the canonical c0, so the
        // s_i are c0's low 6 bits (integer division by 64 is unique). c1..c3 are ignored: RISC-V uses
        // only the low 6 (W forms: 5) bits of the shift operand.
        var low = SymbolicExpression<F>.Zero;
        for (int i = 0; i < 6; i++)
        {
            builder.AssertBool(s[i]);
            low += s[i] * K(1UL << i);
        }
        builder.AssertEq(c[0], low + Col(ShiftCols.CHigh) * K(64));
        builder.Send(ZkvmBus.Range16, [Col(ShiftCols.CHigh)], real);

        // Byte shift m = s_3 + 2 s_4 + 4 s_5 (s_5 dropped for W forms: shamt mod 32) as a one-hot M:
        // boolean M_t with Σ M_t = real (exactly one set on real rows) and Σ t·M_t = m.
        var index = SymbolicExpression<F>.Zero;
        var count = SymbolicExpression<F>.Zero;
        for (int t = 0; t < 8; t++)
        {
            builder.AssertBool(m[t]);
            count += m[t];
            index += m[t] * K((ulong)t);
        }
        builder.AssertEq(count, real);
        builder.AssertEq(index, s[3] + s[4] * K(2) + (one - isW) * s[5] * K(4));

        // Bit shift k = s_0 + 2 s_1 + 4 s_2: pow = 2^k as a product of (1 + (2^(2^i) − 1)·s_i), in two
        // degree-2 steps; powR = 256 / pow (pow ≠ 0 on real rows, so powR is unique). Gated by real so
        // that all-zero padding rows satisfy them.
        var gate = builder.When(real);
        gate.AssertEq(pow01, (one + s[0]) * (one + s[1] * K(3)));
        gate.AssertEq(pow, pow01 * (one + s[2] * K(15)));
        gate.AssertEq(pow * powR, K(256));
        builder.AssertEq(mult, isLeft * pow + isRight * powR);

        // Fill bit: the operand's sign for arithmetic right shifts (byte 7, or byte 3 for SRAW), 0
        // otherwise. The RANGE8 lookup of 2·byte − 256·fill proves fill is the byte's top bit (byte
        // range-checked above; 2·byte − 256·fill ∈ [0, 256) exactly when fill = bit 7, the same
        // argument as SignBitGadget).
        builder.AssertBool(fill);
        builder.When(one - isArith).AssertZero(fill);
        var signByte = b[7] + isW * (b[3] - b[7]);
        ByteLookup.SendRange8(builder, signByte * K(2) - fill * K(256), isArith);
        var fillByte = fill * K(255);

        // x_j·mult = lo_j + 256·hi_j with lo, hi bytes (RANGE8). x_j = b_j, except bytes 4..7 of W
        // forms, which are the fill byte (zero- or sign-extension of the low word). Soundness:
        // x_j·mult ≤ 255·256 < 2^16 and lo + 256·hi < 2^16, both far below p, so the equation is an
        // integer one and (lo, hi) is the unique byte split: lo = (x_j·mult) mod 256, hi = ⌊x_j·mult / 256⌋.
        for (int j = 0; j < 8; j++)
        {
            var x = j < 4 ? b[j] : b[j] + isW * (fillByte - b[j]);
            builder.AssertEq(lo[j] + hi[j] * K(256), x * mult);
            ByteLookup.SendRange8(builder, lo[j], real);
            ByteLookup.SendRange8(builder, hi[j], real);
        }
        // The fill byte's low part for right shifts: (255·mult) mod 256 = 256 − mult (0 when mult = 256).
        builder.AssertEq(fillLo, fill * (K(256) - mult));

        // Bit-shifted bytes. Left (mult = 2^k): byte j of x << k is lo_j + hi_(j−1). Right
        // (mult = 2^(8−k)): byte j of x >> k is hi_j + lo_(j+1), with lo_8 = fillLo; above byte 7
        // there are only fill bytes. Each sum is a byte: lo_j is a multiple of the bit weight the
        // neighbour's hi stays below (lo_j = (x_j mod 2^(8−k))·2^k for left shifts, likewise for right).
        // Then the byte shift: y_j = Σ_t M_t·(left: z_(j−t) or 0; right: z_(j+t) or the fill byte).
        // Degree 3 (direction · M_t · byte). y bytes are therefore canonical without a lookup.
        for (int j = 0; j < 8; j++)
        {
            var left = SymbolicExpression<F>.Zero;
            var right = SymbolicExpression<F>.Zero;
            for (int t = 0; t < 8; t++)
            {
                int src = j - t;
                if (src >= 0)
                    left += m[t] * (lo[src] + (src > 0 ? hi[src - 1] : SymbolicExpression<F>.Zero));
                src = j + t;
                right += src <= 7 ? m[t] * (hi[src] + (src < 7 ? lo[src + 1] : fillLo)) : m[t] * fillByte;
            }
            builder.AssertEq(y[j], isLeft * left + isRight * right);
        }

        // W forms: the result is sext32(y_0..y_3): resultSign = top bit of y_3 (RANGE8 lookup of
        // 2·y_3 − 256·resultSign, y_3 being a byte), a2 = a3 = 0xFFFF·resultSign.
        builder.AssertBool(resultSign);
        builder.When(one - isW).AssertZero(resultSign);
        ByteLookup.SendRange8(builder, y[3] * K(2) - resultSign * K(256), isW);
        var ext = resultSign * K(0xFFFF);
        SymbolicExpression<F> Pair(SymbolicExpression<F>[] bytes, int i) => bytes[2 * i] + bytes[2 * i + 1] * K(256);
        SymbolicExpression<F>[] a = [Pair(y, 0), Pair(y, 1), Pair(y, 2) + isW * (ext - Pair(y, 2)), Pair(y, 3) + isW * (ext - Pair(y, 3))];
        SymbolicExpression<F>[] bLimbs = [Pair(b, 0), Pair(b, 1), Pair(b, 2), Pair(b, 3)];
        AluChip.ReceiveAlu(builder, opcode, a, bLimbs, c, real);
    }
}
