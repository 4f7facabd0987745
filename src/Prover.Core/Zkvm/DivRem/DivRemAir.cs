using Prover.Core.Air;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Field;
using static Prover.Core.Zkvm.DivRem.DivRemAir;

namespace Prover.Core.Zkvm.DivRem;

/// <summary>
/// DIV, DIVU, REM, REMU, DIVW, DIVUW, REMW, REMUW: receives <c>(opcode, a, b, c)</c> on the Alu bus and
/// proves a = op(b, c) with every RISC-V edge case (ISA manual, M extension, table "semantics for
/// division by zero and division overflow").
/// <para>
/// Method: the effective operands are B, C (b, c for 64-bit forms; for W forms their low 32 bits,
/// sign-extended for DIVW/REMW, zero-extended for DIVUW/REMUW). The row proves q·C + r = B over the
/// integers (<see cref="WideMulGadget"/>: 128-bit sign- or zero-extended operands, exact because
/// |q·C| + |r| + |B| &lt; 2^128), and, unless C = 0, |r| &lt; |C| and (r = 0 or sign(r) = sign(B)).
/// These make (q, r) the truncating division, unique. C = 0 is a flag proven by an inverse witness,
/// and forces q = 2^64 − 1 (then r = B by the equation). Signed overflow (−2^63 / −1) needs no flag:
/// q may be read unsigned (q_neg = 0 although its msb is set), which the bounds allow only for
/// q = 2^63, C = −1, B = −2^63 (see <see cref="Eval"/>), giving the spec's q = −2^63, r = 0.
/// The result is q or r, for W forms the low 32 bits sign-extended.
/// </para>
/// </summary>
public static class DivRemAir
{
    internal static readonly Opcode[] Ops =
        [Opcode.Div, Opcode.Divu, Opcode.Rem, Opcode.Remu, Opcode.Divw, Opcode.Divuw, Opcode.Remw, Opcode.Remuw];

    public const int Selectors = 0;      // 8, in the order of Ops
    public const int B = 8;              // 4 limbs (bus)
    public const int C = 12;             // 4 limbs (bus)
    public const int B31 = 16;           // bit 31 of b
    public const int B63 = 17;           // bit 63 of b
    public const int C31 = 18;           // bit 31 of c
    public const int BW = 19;            // W forms: sign extension bit of the effective dividend (DIVW/REMW only)
    public const int CW = 20;            // same for the divisor
    public const int BNeg = 21;          // effective dividend negative (signed ops)
    public const int CNeg = 22;          // effective divisor negative (signed ops)
    public const int QNeg = 23;          // q sign-extended in the product
    public const int R = 24;             // 4 limbs of the remainder
    public const int RMsb = 28;
    public const int RNeg = 29;
    public const int CZero = 30;
    public const int CInv = 31;          // inverse of Σ C limbs when C ≠ 0
    public const int D = 32;             // 4 limbs: |C| − |r| − 1
    public const int DCarry = 36;        // 3 signed carries of the d chain
    public const int W31 = 39;           // bit 31 of the selected result (W forms)
    public const int GadgetOffset = 40;

    /// <summary>X = q (bytes produced here: fully checked), Y = effective divisor C (limbs equal bus values or 0/0xFFFF).</summary>
    internal static readonly WideMulGadget Gadget = new(GadgetOffset);

    /// <summary>Main-trace width.</summary>
    public const int Width = GadgetOffset + WideMulGadget.Width;
}

/// <summary>The AIR of <see cref="DivRemAir"/>'s layout, generic over the field (p &gt; 2^29: see <see cref="WideMulGadget"/>).</summary>
public sealed class DivRemAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "zkvm-divrem";

    public int Width => DivRemAir.Width;

    private static SymbolicExpression<F> K(long v) => WideMulGadget.C<F>(v);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var row = builder.Local;
        const int Range = ZkvmBus.Range16;
        var sel = new SymbolicExpression<F>[8];
        var isReal = SymbolicExpression<F>.Zero;
        var opcode = SymbolicExpression<F>.Zero;
        for (int i = 0; i < 8; i++)
        {
            sel[i] = row[Selectors + i];
            builder.AssertBool(sel[i]);
            isReal += sel[i];
            opcode += sel[i] * K((int)Ops[i]);
        }
        builder.AssertBool(isReal);
        var (div, divu, rem, remu, divw, divuw, remw, remuw) = (sel[0], sel[1], sel[2], sel[3], sel[4], sel[5], sel[6], sel[7]);
        var isW = divw + divuw + remw + remuw;
        var isSigned = div + rem + divw + remw;
        var isDiv = div + divu + divw + divuw;
        var isRem = rem + remu + remw + remuw;

        // Bits of the (range-checked, bus-supplied) operand limbs: limb = 2^15·bit + rest with
        // 2·rest ∈ [0, 2^16); limb < 2^16 makes 2·rest ∈ (−2^16, 2^17) an integer, so rest < 2^15.
        void Bit(int bit, SymbolicExpression<F> limb)
        {
            builder.AssertBool(row[bit]);
            builder.Send(Range, [(limb - row[bit] * K(1 << 15)) * K(2)], isReal);
        }
        Bit(B31, row[B + 1]);
        Bit(B63, row[B + 3]);
        Bit(C31, row[C + 1]);

        // Effective operands. W forms keep limbs 0, 1 and replace limbs 2, 3 by the sign extension
        // (signed W) or zeros (unsigned W).
        builder.AssertEq(row[BW], row[B31] * (divw + remw));
        builder.AssertEq(row[CW], row[C31] * (divw + remw));
        var effB = new SymbolicExpression<F>[4];
        var effC = new SymbolicExpression<F>[4];
        for (int k = 0; k < 4; k++)
        {
            effB[k] = k < 2 ? row[B + k] : (SymbolicExpression<F>.One - isW) * row[B + k] + row[BW] * K(0xFFFF);
            effC[k] = k < 2 ? row[C + k] : (SymbolicExpression<F>.One - isW) * row[C + k] + row[CW] * K(0xFFFF);
            // The gadget's divisor bytes are the effective divisor (so its limbs are < 2^16: "trusted").
            builder.AssertEq(Gadget.YLimb(row, k), effC[k]);
            // From here on the divisor is read through its bytes (degree 1), which keeps the
            // constraints below at degree ≤ 3.
            effC[k] = Gadget.YLimb(row, k);
        }

        // Signs (all 0 for unsigned ops). The divisor's msb is the gadget's range-checked top-bit decomposition.
        builder.AssertEq(row[BNeg], (div + rem) * row[B63] + row[BW]);
        builder.AssertEq(row[CNeg], isSigned * row[Gadget.YMsb]);
        builder.AssertBool(row[RMsb]);
        builder.AssertEq(row[RNeg], isSigned * row[RMsb]);
        // q_neg ∈ {0, q's msb}, and 0 for unsigned ops. Reading q unsigned with its msb set (q ≥ 2^63)
        // is harmless: q·C = B − r with |B − r| ≤ 2^63 + |C| − 1 and |q·C| ≥ 2^63·|C| force |C| = 1,
        // r = 0, q = 2^63, B = −2^63, C = −1: exactly signed overflow, where q = −2^63 is the answer.
        builder.AssertBool(row[QNeg]);
        builder.AssertZero(row[QNeg] * (SymbolicExpression<F>.One - row[Gadget.XMsb]));
        builder.AssertZero(row[QNeg] * (SymbolicExpression<F>.One - isSigned));

        // Remainder limbs are produced here: range-checked; r's msb from r_3 as above.
        for (int k = 0; k < 4; k++)
            builder.Send(Range, [row[R + k]], isReal);
        builder.Send(Range, [(row[R + 3] - row[RMsb] * K(1 << 15)) * K(2)], isReal);

        // q·C + r = B over the integers (128-bit, mod 2^128 exact: see the type comment).
        var addend = new SymbolicExpression<F>[8];
        var target = new SymbolicExpression<F>[8];
        for (int m = 0; m < 8; m++)
        {
            addend[m] = m < 4 ? row[R + m] : row[RNeg] * K(0xFFFF);
            target[m] = m < 4 ? effB[m] : row[BNeg] * K(0xFFFF);
        }
        Gadget.Eval(builder, row[QNeg], row[CNeg], addend, target, isReal);

        // C = 0 ⇔ c_zero. Σ C limbs < 2^18 cannot wrap, so it is 0 exactly when C is. c_zero = 1 forces
        // every limb to 0; on real rows c_zero = 0 forces Σ·inv = 1, impossible when C = 0.
        // (Padding rows: isReal = 0, everything 0.)
        var sumC = effC[0] + effC[1] + effC[2] + effC[3];
        builder.AssertBool(row[CZero]);
        builder.AssertEq(sumC * row[CInv], isReal - row[CZero]);
        for (int k = 0; k < 4; k++)
        {
            builder.AssertZero(row[CZero] * effC[k]);
            // Division by zero: q = 2^64 − 1 (DIVU), −1 (DIV); W forms take its low half, −1 too.
            builder.AssertZero(row[CZero] * (Gadget.XLimb(row, k) - K(0xFFFF)));
        }

        // Truncation: a non-zero remainder has the dividend's sign (unsigned: both 0, vacuous).
        for (int k = 0; k < 4; k++)
            builder.AssertZero((row[RNeg] - row[BNeg]) * row[R + k]);

        // |r| < |C| when C ≠ 0: d = |C| − |r| − 1 with d's limbs in [0, 2^16), proven over the integers.
        // |x| = (1 − 2·neg)·x_u + 2^64·neg for the 64-bit pattern x_u, so, limb by limb,
        // (1 − 2c_neg)·C_k − (1 − 2r_neg)·r_k − d_k − [k = 0] + cy_{k−1} = 2^16·cy_k, with cy_3 = r_neg − c_neg
        // absorbing the 2^64 terms. Every term is below 2^19 in absolute value once cy + 3 ∈ [0, 8)
        // (range-checked twice), so no equation wraps mod p.
        var gate = isReal - row[CZero];
        var one = SymbolicExpression<F>.One;
        for (int k = 0; k < 4; k++)
        {
            var lhs = (one - row[CNeg] * K(2)) * effC[k] - (one - row[RNeg] * K(2)) * row[R + k] - row[D + k];
            if (k == 0)
                lhs -= one;
            else
                lhs += row[DCarry + k - 1];
            var carry = k < 3 ? row[DCarry + k] : row[RNeg] - row[CNeg];
            builder.AssertZero(gate * (lhs - carry * K(65536)));
            builder.Send(Range, [row[D + k]], isReal);
            if (k < 3)
            {
                builder.Send(Range, [row[DCarry + k] + K(3)], isReal);
                builder.Send(Range, [(row[DCarry + k] + K(3)) * K(1 << 13)], isReal);
            }
        }

        // Result: q for DIV*, r for REM*; W forms sign-extend bit 31 (res_1 = 2^15·w31 + rest, as above).
        var res = new SymbolicExpression<F>[4];
        for (int k = 0; k < 2; k++)
            res[k] = isDiv * Gadget.XLimb(row, k) + isRem * row[R + k];
        builder.AssertBool(row[W31]);
        builder.Send(Range, [(res[1] - row[W31] * K(1 << 15)) * K(2)], isReal);
        for (int k = 2; k < 4; k++)
            res[k] = (div + divu) * Gadget.XLimb(row, k) + (rem + remu) * row[R + k] + isW * row[W31] * K(0xFFFF);
        builder.Receive(ZkvmBus.Alu,
            [opcode, res[0], res[1], res[2], res[3], row[B], row[B + 1], row[B + 2], row[B + 3], row[C], row[C + 1], row[C + 2], row[C + 3]],
            isReal);
    }
}
