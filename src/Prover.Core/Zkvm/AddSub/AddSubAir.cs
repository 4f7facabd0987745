using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.AddSub;

/// <summary>Column layout of <see cref="AddSubAir{F}"/> (offsets into a row).</summary>
public static class AddSubCols
{
    /// <summary>The computed layout: the fields below, in declaration order (static initialisers run in textual order).</summary>
    public static ColumnLayout Layout { get; } = new();

    /// <summary>The opcodes, in selector-column order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes => [Opcode.Add, Opcode.Sub, Opcode.Addi, Opcode.Addw, Opcode.Subw, Opcode.Addiw, Opcode.Lui, Opcode.Auipc];

    /// <summary>8 boolean selectors, one per opcode of <see cref="Opcodes"/>.</summary>
    public static readonly int Selectors = Layout.Add("Selectors", 8);

    /// <summary>Result limbs a0..a3.</summary>
    public static readonly int A = Layout.Word("A");

    /// <summary>First operand limbs b0..b3 (rs1, 0 for LUI, pc for AUIPC).</summary>
    public static readonly int B = Layout.Word("B");

    /// <summary>Second operand limbs c0..c3 (rs2 or the sign-extended immediate).</summary>
    public static readonly int C = Layout.Word("C");

    /// <summary>Carries out of limbs 0..3 of x + c = z (x, z = b, a for additions; a, b for subtractions).</summary>
    public static readonly int Carry = Layout.Add("Carry", 4);

    /// <summary>W forms: bit 31 of the result (bit 15 of a1), which fills a2 and a3.</summary>
    public static readonly int Sign = Layout.Add("Sign");

    public static readonly int Width = Layout.Width;
}

/// <summary>
/// ADD, SUB, ADDI, ADDW, SUBW, ADDIW, LUI, AUIPC: one row per operation, receiving
/// (opcode, a, b, c) on the ALU bus. LUI (b = 0, c = the shifted immediate) and AUIPC (b = pc) are
/// 64-bit additions. Constraint degree 3; 20 constraints, 1 receive, 5 Range16 sends.
/// <para>
/// Assumption (the contract of the ALU bus, docs/zkvm.md): the sender's b and c limbs are canonical
/// 16-bit limbs (register values and immediates are). This chip range-checks every limb it produces.
/// </para>
/// </summary>
public sealed class AddSubAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "add-sub";

    public int Width => AddSubCols.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var ops = AddSubCols.Opcodes;
        var (real, opcode) = AluChip.Selectors(builder, AddSubCols.Selectors, ops);
        var isSub = AluChip.Any(builder, AddSubCols.Selectors, ops, Opcode.Sub, Opcode.Subw);
        var isW = AluChip.Any(builder, AddSubCols.Selectors, ops, Opcode.Addw, Opcode.Subw, Opcode.Addiw);
        var a = Enumerable.Range(0, 4).Select(i => l[AddSubCols.A + i]).ToArray();
        var b = Enumerable.Range(0, 4).Select(i => l[AddSubCols.B + i]).ToArray();
        var c = Enumerable.Range(0, 4).Select(i => l[AddSubCols.C + i]).ToArray();
        var carry = Enumerable.Range(0, 4).Select(i => l[AddSubCols.Carry + i]).ToArray();
        var sign = l[AddSubCols.Sign];
        var one = SymbolicExpression<F>.One;
        var radix = Word.Constant<F>(1 << 16);

        // x + c = z limb by limb, where (x, z) = (b, a) for an addition (a = b + c) and (a, b) for a
        // subtraction (a = b − c ⟺ a + c = b). Degree 2: the swap multiplies by the selector sum.
        // Soundness: a is range-checked below, b and c are canonical (bus contract) and the carries
        // are boolean, so each limb equation x_i + c_i + carry_(i−1) = z_i + 2^16·carry_i is an
        // integer equation (|terms| < 2^18 ≪ p); summed with weights 2^(16i) they give
        // x + c = z + 2^64·carry_3 (or + 2^32·carry_1 for the low half), i.e. z = x + c mod 2^64
        // (mod 2^32). Limb values in [0, 2^16) make the representation of z unique.
        for (int i = 0; i < 4; i++)
            builder.AssertBool(carry[i]);
        var notW = one - isW;
        for (int i = 0; i < 4; i++)
        {
            var x = b[i] + isSub * (a[i] - b[i]);
            var z = a[i] + isSub * (b[i] - a[i]);
            var carryIn = i == 0 ? SymbolicExpression<F>.Zero : carry[i - 1];
            var limb = x + c[i] + carryIn - z - carry[i] * radix;
            // The W forms add only the low 32 bits (RISC-V: ADDW/SUBW/ADDIW operate on the low words
            // and ignore the upper halves of the operands); the high limbs of a come from the sign.
            if (i < 2)
                builder.AssertZero(limb);
            else
                builder.When(notW).AssertZero(limb);
        }

        // W forms: a = sext32(low word): sign = bit 15 of a1 (SignBitGadget, sound since a1 is
        // range-checked), and a2 = a3 = 0xFFFF·sign.
        SignBitGadget.Eval(builder, a[1], sign, isW);
        builder.When(isW).AssertEq(a[2], sign * Word.Constant<F>(0xFFFF));
        builder.When(isW).AssertEq(a[3], sign * Word.Constant<F>(0xFFFF));

        // Every produced limb is in [0, 2^16) (for W rows a2, a3 ∈ {0, 0xFFFF} already; checking them
        // too keeps the send unconditional).
        for (int i = 0; i < 4; i++)
            builder.Send(ZkvmBus.Range16, [a[i]], real);

        AluChip.ReceiveAlu(builder, opcode, a, b, c, real);
    }
}
