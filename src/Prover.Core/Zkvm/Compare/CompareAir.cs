using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Compare;

/// <summary>Column layout of <see cref="CompareAir{F}"/>.</summary>
public static class CompareCols
{
    /// <summary>The computed layout: the fields below, in declaration order (static initialisers run in textual order).</summary>
    public static ColumnLayout Layout { get; } = new();

    /// <summary>The opcodes, in selector-column order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes => [Opcode.Slt, Opcode.Sltu, Opcode.Slti, Opcode.Sltiu];

    /// <summary>4 boolean selectors.</summary>
    public static readonly int Selectors = Layout.Add("Selectors", 4);

    /// <summary>b0..b3.</summary>
    public static readonly int B = Layout.Word("B");

    /// <summary>c0..c3.</summary>
    public static readonly int C = Layout.Word("C");

    /// <summary>Limbs of b − c + 2^64·[b &lt; c] (unsigned), range-checked.</summary>
    public static readonly int Diff = Layout.Add("Diff", 4);

    /// <summary>Borrows out of limbs 0..3 of b − c; borrow 3 is [b &lt;u c].</summary>
    public static readonly int Borrow = Layout.Add("Borrow", 4);

    /// <summary>Signed forms: bit 63 of b (0 for unsigned forms).</summary>
    public static readonly int BSign = Layout.Add("BSign");

    /// <summary>Signed forms: bit 63 of c (0 for unsigned forms).</summary>
    public static readonly int CSign = Layout.Add("CSign");

    /// <summary>BSign XOR CSign.</summary>
    public static readonly int SignsDiffer = Layout.Add("SignsDiffer");

    public static readonly int Width = Layout.Width;
}

/// <summary>
/// SLT, SLTU, SLTI, SLTIU: a = [b &lt; c] (signed or unsigned; the immediate forms receive the
/// sign-extended immediate as c, and SLTIU compares it unsigned, as RISC-V specifies). The ALU tuple's
/// a is (result, 0, 0, 0). Constraint degree 3; 18 constraints, 1 receive, 6 Range16 sends.
/// <para>
/// Unsigned: b − c = diff − 2^64·borrow_3 limb by limb, so borrow_3 = [b &lt;u c]. Signed:
/// [b &lt;s c] = [b &lt;u c] XOR (sign(b) XOR sign(c)) (flipping both sign bits turns the signed
/// order into the unsigned one: when the signs agree the orders agree; when they differ the negative
/// operand is the unsigned larger). Assumes the sender's b and c limbs are canonical (bus contract).
/// </para>
/// </summary>
public sealed class CompareAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "compare";

    public int Width => CompareCols.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var ops = CompareCols.Opcodes;
        var (real, opcode) = AluChip.Selectors(builder, CompareCols.Selectors, ops);
        var signed = AluChip.Any(builder, CompareCols.Selectors, ops, Opcode.Slt, Opcode.Slti);
        var b = Enumerable.Range(0, 4).Select(i => l[CompareCols.B + i]).ToArray();
        var c = Enumerable.Range(0, 4).Select(i => l[CompareCols.C + i]).ToArray();
        var diff = Enumerable.Range(0, 4).Select(i => l[CompareCols.Diff + i]).ToArray();
        var borrow = Enumerable.Range(0, 4).Select(i => l[CompareCols.Borrow + i]).ToArray();
        var radix = Word.Constant<F>(1 << 16);
        var one = SymbolicExpression<F>.One;

        // b_i − c_i − borrow_(i−1) + 2^16·borrow_i = diff_i. Soundness: diff_i is range-checked, b_i
        // and c_i are canonical, borrows are boolean, so each equation holds over the integers
        // (|terms| < 2^18 ≪ p); their weighted sum is b − c + 2^64·borrow_3 = diff ∈ [0, 2^64), which
        // forces borrow_3 = 1 exactly when b < c (unsigned). The diff limbs are unique given b, c.
        for (int i = 0; i < 4; i++)
        {
            builder.AssertBool(borrow[i]);
            var borrowIn = i == 0 ? SymbolicExpression<F>.Zero : borrow[i - 1];
            builder.AssertEq(b[i] - c[i] - borrowIn + borrow[i] * radix, diff[i]);
            builder.Send(ZkvmBus.Range16, [diff[i]], real);
        }

        // Signed forms: the sign bits of b3 and c3 (SignBitGadget: sound because b3, c3 are
        // canonical); unsigned forms and padding force them to 0 so they cannot flip the result.
        var bSign = l[CompareCols.BSign];
        var cSign = l[CompareCols.CSign];
        var differ = l[CompareCols.SignsDiffer];
        SignBitGadget.Eval(builder, b[3], bSign, signed);
        SignBitGadget.Eval(builder, c[3], cSign, signed);
        builder.When(one - signed).AssertZero(bSign);
        builder.When(one - signed).AssertZero(cSign);
        // differ = bSign XOR cSign (booleans: x + y − 2xy).
        builder.AssertEq(differ, bSign + cSign - bSign * cSign * Word.Constant<F>(2));

        // result = borrow_3 XOR differ (degree 2; both boolean, so the result is 0 or 1).
        var ltu = borrow[3];
        var result = ltu + differ - ltu * differ * Word.Constant<F>(2);
        var zero = SymbolicExpression<F>.Zero;
        AluChip.ReceiveAlu(builder, opcode, [result, zero, zero, zero], b, c, real);
    }
}
