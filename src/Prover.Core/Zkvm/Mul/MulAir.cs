using Prover.Core.Air;
using Prover.Core.Machine;
using Prover.Core.Field;
using static Prover.Core.Zkvm.Mul.MulAir;

namespace Prover.Core.Zkvm.Mul;

/// <summary>
/// MUL, MULH, MULHSU, MULHU, MULW: receives <c>(opcode, a0..a3, b0..b3, c0..c3)</c> on the Alu bus
/// (docs/zkvm.md) and proves a = op(b, c). One row per event; the 128-bit product of the sign- or
/// zero-extended operands comes from <see cref="WideMulGadget"/> (byte convolution with carries), the
/// result is its low or high half.
/// <para>
/// Columns: 5 opcode selectors, b_neg, c_neg (sign-extension flags), w_sign (bit 31 of the product,
/// for MULW), 8 product limbs, then the gadget (b bytes, c bytes, msbs, carries, byte-pair ANDs): 48 in all.
/// </para>
/// </summary>
public static class MulAir
{
    internal static readonly Opcode[] Ops = [Opcode.Mul, Opcode.Mulh, Opcode.Mulhsu, Opcode.Mulhu, Opcode.Mulw];

    public const int Selectors = 0;
    public const int BNeg = 5;
    public const int CNeg = 6;
    public const int WSign = 7;
    public const int Product = 8;

    internal static readonly WideMulGadget Gadget = new(16);

    /// <summary>Main-trace width.</summary>
    public const int Width = Product + 8 + WideMulGadget.Width;
}

/// <summary>The AIR of <see cref="MulAir"/>'s layout, generic over the field (p &gt; 2^29: see <see cref="WideMulGadget"/>).</summary>
public sealed class MulAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "zkvm-mul";

    public int Width => MulAir.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var row = builder.Local;
        var isReal = SymbolicExpression<F>.Zero;
        var opcode = SymbolicExpression<F>.Zero;
        for (int i = 0; i < Ops.Length; i++)
        {
            builder.AssertBool(row[Selectors + i]);
            isReal += row[Selectors + i];
            opcode += row[Selectors + i] * WideMulGadget.C<F>((int)Ops[i]);
        }
        // At most one selector: the sum is boolean (0 on padding rows, which receive nothing).
        builder.AssertBool(isReal);
        var isMul = row[Selectors];
        var isMulh = row[Selectors + 1];
        var isMulhsu = row[Selectors + 2];
        var isMulhu = row[Selectors + 3];
        var isMulw = row[Selectors + 4];

        // Sign extension exactly when the opcode reads that operand as signed AND its msb is set (the
        // msb is proven by the gadget's range-checked decomposition of the top byte). MUL, MULHU and
        // MULW extend by zeros: their result does not depend on signedness (MUL, MULW: low bits) or is
        // unsigned (MULHU).
        builder.AssertEq(row[BNeg], row[Gadget.XMsb] * (isMulh + isMulhsu));
        builder.AssertEq(row[CNeg], row[Gadget.YMsb] * isMulh);

        var product = new SymbolicExpression<F>[8];
        var zero = new SymbolicExpression<F>[8];
        for (int m = 0; m < 8; m++)
        {
            product[m] = row[Product + m];
            zero[m] = SymbolicExpression<F>.Zero;
            // The product limbs are results: range-checked here (they also bound the gadget's equations). Limb 1's bound
            // comes from its sign decomposition below instead (one lookup fewer, which saves a LogUp column: issue 19).
            if (m != 1)
                builder.Send(ZkvmBus.Range16, [product[m]], isReal);
        }
        Gadget.Eval(builder, row[BNeg], row[CNeg], zero, product, isReal);

        // Limb 1 and MULW's bit 31 of the product (= bit 15 of limb 1), on every real row, from one lookup:
        // v = 2·limb1 − 2^16·w_sign ∈ [0, 2^16) with w_sign boolean. Then limb1 = (v + 2^16·w_sign)/2 in the field.
        // If v is even, limb1 = v/2 + 2^15·w_sign with v/2 ∈ [0, 2^15): limb1 is a 16-bit value and w_sign its bit 15.
        // If v is odd, limb1's canonical value is (v + 2^16·w_sign + p)/2 ∈ [(p + 1)/2, (p + 2^17)/2) ≈ 2^30, and the
        // gadget's limb-1 equation S_1 + carry_0 = limb1 + 2^16·carry_1 has no solution: with carries below 2^12
        // (range-checked) the left side is below 2^28 + 2^12 and the right side in [(p + 1)/2, (p + 2^17)/2 + 2^28), both
        // below p, so equality in the field is equality of integers, which fails. (Until branch lean5, limb 1 had its
        // own Range16 lookup beside this one; MulTests.Limb_1_above_2_16_passes_its_decomposition_but_not_the_gadget
        // forges the odd case.)
        builder.AssertBool(row[WSign]);
        builder.Send(ZkvmBus.Range16, [(product[1] - row[WSign] * WideMulGadget.C<F>(1 << 15)) * WideMulGadget.C<F>(2)], isReal);

        var isHigh = isMulh + isMulhsu + isMulhu;
        var a = new SymbolicExpression<F>[4];
        for (int k = 0; k < 4; k++)
        {
            var low = k < 2 ? (isMul + isMulw) * product[k] : isMul * product[k] + isMulw * row[WSign] * WideMulGadget.C<F>(0xFFFF);
            a[k] = low + isHigh * product[4 + k];
        }
        SymbolicExpression<F>[] tuple =
        [
            opcode, a[0], a[1], a[2], a[3],
            Gadget.XLimb(row, 0), Gadget.XLimb(row, 1), Gadget.XLimb(row, 2), Gadget.XLimb(row, 3),
            Gadget.YLimb(row, 0), Gadget.YLimb(row, 1), Gadget.YLimb(row, 2), Gadget.YLimb(row, 3),
        ];
        builder.Receive(ZkvmBus.Alu, tuple, isReal);
    }
}
