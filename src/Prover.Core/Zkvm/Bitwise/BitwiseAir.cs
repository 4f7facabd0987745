using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;

namespace Prover.Core.Zkvm.Bitwise;

/// <summary>Column layout of <see cref="BitwiseAir{F}"/>.</summary>
public static class BitwiseCols
{
    /// <summary>The opcodes, in selector-column order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes => [Opcode.And, Opcode.Or, Opcode.Xor, Opcode.Andi, Opcode.Ori, Opcode.Xori];

    /// <summary>6 boolean selectors.</summary>
    public const int Selectors = 0;

    /// <summary>Bytes a_0..a_7 of the result (little-endian).</summary>
    public const int ABytes = 6;

    /// <summary>Bytes of b.</summary>
    public const int BBytes = 14;

    /// <summary>Bytes of c.</summary>
    public const int CBytes = 22;

    public const int Width = 30;
}

/// <summary>
/// AND, OR, XOR and their immediate forms: a_j = op(b_j, c_j) for each of the 8 bytes, proven by one
/// ByteOp lookup per byte. The ALU tuple's limbs are the byte pairs (x_(2i) + 256·x_(2i+1)), so there
/// are no limb columns. Constraint degree 2; 7 constraints, 1 receive, 8 ByteOp sends.
/// <para>
/// Soundness: the ByteOp table's rows are (op, u, v, op(u, v)) with u, v bytes, so each lookup proves
/// b_j, c_j, a_j are bytes and a_j = op(b_j, c_j). Bytes make the limbs x_(2i) + 256·x_(2i+1)
/// canonical 16-bit values and the decomposition unique, so the received b and c limbs are exactly
/// the sender's and the produced a limbs need no Range16 check.
/// </para>
/// </summary>
public sealed class BitwiseAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "bitwise";

    public int Width => BitwiseCols.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var ops = BitwiseCols.Opcodes;
        var (real, opcode) = AluChip.Selectors(builder, BitwiseCols.Selectors, ops);
        // The ByteOp op code: AND = 0, OR = 1, XOR = 2 (linear in the selectors; exactly one is set on real rows).
        var byteOp = AluChip.Any(builder, BitwiseCols.Selectors, ops, Opcode.Or, Opcode.Ori)
            + AluChip.Any(builder, BitwiseCols.Selectors, ops, Opcode.Xor, Opcode.Xori) * Word.Constant<F>(2);
        for (int j = 0; j < 8; j++)
            builder.Send(ZkvmBus.ByteOp, [byteOp, l[BitwiseCols.BBytes + j], l[BitwiseCols.CBytes + j], l[BitwiseCols.ABytes + j]], real);
        AluChip.ReceiveAlu(builder, opcode, Limbs(l, BitwiseCols.ABytes), Limbs(l, BitwiseCols.BBytes), Limbs(l, BitwiseCols.CBytes), real);
    }

    private static SymbolicExpression<F>[] Limbs(IReadOnlyList<SymbolicExpression<F>> l, int bytes) =>
        [.. Enumerable.Range(0, 4).Select(i => l[bytes + 2 * i] + l[bytes + 2 * i + 1] * Word.Constant<F>(256))];
}
