using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Bitwise;

/// <summary>Column layout of <see cref="BitwiseAir{F}"/>.</summary>
public static class BitwiseCols
{
    /// <summary>The computed layout: the fields below, in declaration order (static initialisers run in textual order).</summary>
    public static ColumnLayout Layout { get; } = new();

    /// <summary>The opcodes, in selector-column order.</summary>
    public static ReadOnlySpan<Opcode> Opcodes => [Opcode.And, Opcode.Or, Opcode.Xor, Opcode.Andi, Opcode.Ori, Opcode.Xori];

    /// <summary>6 boolean selectors.</summary>
    public static readonly int Selectors = Layout.Add("Selectors", 6);

    /// <summary>Bytes a_0..a_7 of the result (little-endian).</summary>
    public static readonly int ABytes = Layout.Add("ABytes", 8);

    /// <summary>Bytes of b.</summary>
    public static readonly int BBytes = Layout.Add("BBytes", 8);

    /// <summary>Bytes of c.</summary>
    public static readonly int CBytes = Layout.Add("CBytes", 8);

    /// <summary>Bytes n_j = b_j AND c_j (looked up for every opcode; OR and XOR are derived from them).</summary>
    public static readonly int AndBytes = Layout.Add("AndBytes", 8);

    public static readonly int Width = Layout.Width;
}

/// <summary>
/// AND, OR, XOR and their immediate forms, byte by byte: one lookup (b_j, c_j, n_j) per byte into the byte
/// table's AND relation (<see cref="Tables.ByteLookup.SendAnd{F}"/>), and the result byte from n_j by
/// a_j = n_j (AND), b_j + c_j − n_j (OR), b_j + c_j − 2·n_j (XOR). The ALU tuple's limbs are the byte pairs
/// (x_(2i) + 256·x_(2i+1)), so there are no limb columns. Constraint degree 2; 15 constraints, 1 receive,
/// 8 ByteAnd sends.
/// <para>
/// Soundness: each lookup proves b_j, c_j are bytes and n_j = b_j AND c_j (the table's rows are exactly
/// (u, v, u AND v) for bytes u, v). For bytes, b OR c = b + c − (b AND c) and b XOR c = (b OR c) − (b AND c)
/// hold over the integers, and every term is below 2^10 ≪ p, so the field equation of the selected opcode
/// (exactly one selector is set on a real row) forces a_j to be the true result byte, hence a byte. Bytes
/// make the limbs x_(2i) + 256·x_(2i+1) canonical 16-bit values and the decomposition unique, so the received
/// b and c limbs are exactly the sender's and the produced a limbs need no Range16 check. On padding rows
/// (no selector) a_j = 0 and nothing is sent or received.
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
        var isAnd = AluChip.Any(builder, BitwiseCols.Selectors, ops, Opcode.And, Opcode.Andi);
        var isOr = AluChip.Any(builder, BitwiseCols.Selectors, ops, Opcode.Or, Opcode.Ori);
        var isXor = AluChip.Any(builder, BitwiseCols.Selectors, ops, Opcode.Xor, Opcode.Xori);
        for (int j = 0; j < 8; j++)
        {
            var (a, b, c, n) = (l[BitwiseCols.ABytes + j], l[BitwiseCols.BBytes + j], l[BitwiseCols.CBytes + j], l[BitwiseCols.AndBytes + j]);
            // n = b AND c (lookup); the result byte by the selected opcode (see the class comment for why it is exact).
            ByteLookup.SendAnd(builder, b, c, n, real);
            builder.AssertEq(a, isAnd * n + isOr * (b + c - n) + isXor * (b + c - n * Word.Constant<F>(2)));
        }
        AluChip.ReceiveAlu(builder, opcode, Limbs(l, BitwiseCols.ABytes), Limbs(l, BitwiseCols.BBytes), Limbs(l, BitwiseCols.CBytes), real);
    }

    private static SymbolicExpression<F>[] Limbs(IReadOnlyList<SymbolicExpression<F>> l, int bytes) =>
        [.. Enumerable.Range(0, 4).Select(i => l[bytes + 2 * i] + l[bytes + 2 * i + 1] * Word.Constant<F>(256))];
}
