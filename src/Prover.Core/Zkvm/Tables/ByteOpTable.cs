using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// The table of the <see cref="ZkvmBus.ByteOp"/> bus. Preprocessed columns (op, a, b, c), one main
/// column (the multiplicity). Rows, in order: for op = AND, OR, XOR and every pair of values (a, b),
/// c = op(a, b) (row op·4^bits + a·2^bits + b); then (RANGE8, a, 0, 0) for every a (row 3·4^bits + a);
/// then padding up to a power of two. The zkVM uses bits = 8 (3·2^16 + 2^8 rows, padded to 2^18);
/// smaller widths exist for tests only (they hold a subset of the 8-bit table's rows).
/// <para>
/// Soundness: the columns (op, a, b, c) are fixed in the verifying key; the prover chooses only the
/// multiplicities, so every tuple this table can receive is one of its rows. Each row is a true
/// statement: c = op(a, b) with a, b bytes, or "a is a byte" for RANGE8. <b>Padding rows</b> repeat the
/// first row, (AND, 0, 0, 0), which is itself true (0 AND 0 = 0): a prover that gives them a
/// multiplicity only proves that true statement more often, so padding cannot be abused. (A padding
/// row of all zeros would read (op 0 = AND, 0, 0, 0) anyway; spelling it out keeps the argument
/// independent of the op numbering.) The trace generator puts every count on the canonical row and
/// leaves padding multiplicities 0.
/// </para>
/// </summary>
public sealed class ByteOpTable<F>(int bits = 8) : IAir<F> where F : struct, IField<F>
{
    private readonly int _bits = bits is >= 1 and <= 8 ? bits : throw new ArgumentOutOfRangeException(nameof(bits));

    public string Name => _bits == 8 ? "byte-op" : $"byte-op-{_bits}bit";

    private int Values => 1 << _bits;

    /// <summary>Rows holding statements (before padding): 3·4^bits + 2^bits.</summary>
    public int UsedRows => 3 * Values * Values + Values;

    /// <summary>Table height: <see cref="UsedRows"/> rounded up to a power of two.</summary>
    public int Height => (int)BitOperations.RoundUpToPowerOf2((uint)UsedRows);

    public int Width => 1;

    public int PreprocessedWidth => 4;

    /// <summary>Row holding (op, a, b, ·), or (RANGE8, a, 0, 0).</summary>
    public int RowOf(ByteOpKind op, int a, int b) =>
        op == ByteOpKind.Range8 ? 3 * Values * Values + a : ((int)op * Values + a) * Values + b;

    public static ulong Apply(ByteOpKind op, ulong a, ulong b) => op switch
    {
        ByteOpKind.And => a & b,
        ByteOpKind.Or => a | b,
        ByteOpKind.Xor => a ^ b,
        ByteOpKind.Range8 => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public RowMajorMatrix<F>? PreprocessedTrace(int height)
    {
        if (height != Height)
            throw new ArgumentException($"{Name} has exactly {Height} rows, not {height}", nameof(height));
        var m = new RowMajorMatrix<F>(height, 4);
        // Padding rows (from UsedRows on) stay (AND = 0, 0, 0, 0): a true statement, see the class comment.
        for (int op = 0; op < 3; op++)
            for (int a = 0; a < Values; a++)
                for (int b = 0; b < Values; b++)
                {
                    int r = RowOf((ByteOpKind)op, a, b);
                    m[r, 0] = F.FromUInt64((ulong)op);
                    m[r, 1] = F.FromUInt64((ulong)a);
                    m[r, 2] = F.FromUInt64((ulong)b);
                    m[r, 3] = F.FromUInt64(Apply((ByteOpKind)op, (ulong)a, (ulong)b));
                }
        for (int a = 0; a < Values; a++)
        {
            int r = RowOf(ByteOpKind.Range8, a, 0);
            m[r, 0] = F.FromUInt64((ulong)ByteOpKind.Range8);
            m[r, 1] = F.FromUInt64((ulong)a);
        }
        return m;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var p = builder.PreprocessedLocal;
        // No constraint: (op, a, b, c) are preprocessed (verifier-fixed), the multiplicity is free.
        builder.Receive(ZkvmBus.ByteOp, [p[0], p[1], p[2], p[3]], builder.Local[0]);
    }

    /// <summary>The multiplicity column from the counts the chips gathered.</summary>
    /// <exception cref="ArgumentException">A counted tuple is not in this table (possible only with a test-sized table).</exception>
    public RowMajorMatrix<F> GenerateTrace(LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var m = new RowMajorMatrix<F>(Height, 1);
        var source = counts.ByteOp;
        for (int op = 0; op < 4; op++)
            for (int a = 0; a < 256; a++)
                for (int b = 0; b < 256; b++)
                {
                    long n = source[LookupCounts.ByteOpIndex((ByteOpKind)op, a, b)];
                    if (n == 0)
                        continue;
                    if (a >= Values || b >= Values)
                        throw new ArgumentException($"{Name}: ({(ByteOpKind)op}, {a}, {b}) was looked up but is not in the table", nameof(counts));
                    m[RowOf((ByteOpKind)op, a, b), 0] = F.FromUInt64((ulong)n);
                }
        return m;
    }
}
