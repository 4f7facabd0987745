using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// Extension-field arithmetic of a recursion program (degree D of the program's extension, 4 or 8), one instruction per
/// row: constants, add, sub, mul, inverse, ext × felt, ext + felt, embedding a felt, select on a bit, and the fused
/// multiply-adds c + a·felt and c + a·b (the DEEP row combination and Horner steps: one row where two were). Main columns:
/// the operands a, b, c and the result out, D coefficients each (an operand that is a felt sits in coefficient 0 and
/// the row's constraints read only that one). Preprocessed: the addresses, out's read count, one selector per
/// operation, and the constant's D coefficients.
/// </summary>
public sealed class ExtAluChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public static readonly RecursionOp[] Operations =
    [
        RecursionOp.EConst, RecursionOp.EAdd, RecursionOp.ESub, RecursionOp.EMul, RecursionOp.EInv, RecursionOp.EMulF, RecursionOp.EAddF,
        RecursionOp.EFromF, RecursionOp.ESelect, RecursionOp.EMulFAdd, RecursionOp.EMulAdd,
    ];

    // Main columns: a, b, c, out at 0, D, 2D, 3D.
    private static int A => 0;
    private static int B => D;
    private static int C => 2 * D;
    private static int Out => 3 * D;

    // Preprocessed columns.
    private const int AddrA = 0, AddrB = 1, AddrC = 2, AddrOut = 3, MultOut = 4, IsConst = 5, IsAdd = 6, IsSub = 7, IsMul = 8, IsInv = 9,
        IsMulF = 10, IsAddF = 11, IsFromF = 12, IsSelect = 13, IsMulFAdd = 14, IsMulAdd = 15, ConstValue = 16;

    private readonly RecursionInstruction[] _code;
    private readonly RecursionProgram _program;
    private readonly RecursionMemoryPlan _plan;

    public ExtAluChip(RecursionProgram program, RecursionMemoryPlan plan, RecursionInstruction[] code) : base(code.Length)
    {
        _program = program;
        _plan = plan;
        _code = code;
    }

    public override string Name => "recursion-ext-alu";

    public override int Width => 4 * D;

    public override int PreprocessedWidth => ConstValue + D;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        var a = Slice(m, A, D);
        var b = Slice(m, B, D);
        var c = Slice(m, C, D);
        var o = Slice(m, Out, D);
        var zero = SymbolicExpression<MontyField31<TParams>>.Zero;
        var one = SymbolicExpression<MontyField31<TParams>>.One;
        var product = Multiply(a, b);
        var check = Multiply(a, o);
        // As in the base ALU, the selectors are the verifier's program; each group of D constraints fixes out entirely
        // from the operands on the rows of its operation.
        for (int k = 0; k < D; k++)
        {
            builder.When(p[IsConst]).AssertEq(o[k], p[ConstValue + k]);
            builder.When(p[IsAdd]).AssertEq(o[k], a[k] + b[k]);
            builder.When(p[IsSub]).AssertEq(o[k], a[k] - b[k]);
            builder.When(p[IsMul]).AssertEq(o[k], product[k]);
            // a·out = 1 in the extension: no out exists for a = 0, so an inverse of zero cannot be proved.
            builder.When(p[IsInv]).AssertEq(check[k], k == 0 ? one : zero);
            // ext × felt and ext + felt: the felt is b's coefficient 0 (the only one read from the felt memory).
            builder.When(p[IsMulF]).AssertEq(o[k], a[k] * b[0]);
            builder.When(p[IsAddF]).AssertEq(o[k], k == 0 ? a[0] + b[0] : a[k]);
            builder.When(p[IsFromF]).AssertEq(o[k], k == 0 ? a[0] : zero);
            builder.When(p[IsSelect]).AssertEq(o[k], c[k] + a[0] * (b[k] - c[k]));
            // The fused rows: out is fixed by the three operands read (c from the ext memory, b as a felt or an ext).
            builder.When(p[IsMulFAdd]).AssertEq(o[k], c[k] + a[k] * b[0]);
            builder.When(p[IsMulAdd]).AssertEq(o[k], c[k] + product[k]);
        }
        // The select bit (a felt in a's coefficient 0) is boolean; otherwise out could be any affine mix of b and c.
        builder.When(p[IsSelect]).AssertBool(a[0]);

        var readExtA = p[IsAdd] + p[IsSub] + p[IsMul] + p[IsInv] + p[IsMulF] + p[IsAddF] + p[IsMulFAdd] + p[IsMulAdd];
        var readFeltA = p[IsFromF] + p[IsSelect];
        var readExtB = p[IsAdd] + p[IsSub] + p[IsMul] + p[IsSelect] + p[IsMulAdd];
        var readFeltB = p[IsMulF] + p[IsAddF] + p[IsMulFAdd];
        var readExtC = p[IsSelect] + p[IsMulFAdd] + p[IsMulAdd];
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[AddrA], a), readExtA);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrA], a[0]), readFeltA);
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[AddrB], b), readExtB);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrB], b[0]), readFeltB);
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[AddrC], c), readExtC);
        builder.Send(RecursionBus.ExtMemory, Tuple(p[AddrOut], o), p[MultOut]);
    }

    /// <summary>The coefficients of x·y in F[X]/(f): the schoolbook product reduced with X^D = Σ tail_i·X^i.</summary>
    internal static SymbolicExpression<MontyField31<TParams>>[] Multiply(SymbolicExpression<MontyField31<TParams>>[] x, SymbolicExpression<MontyField31<TParams>>[] y)
    {
        var wide = new SymbolicExpression<MontyField31<TParams>>[2 * D - 1];
        for (int i = 0; i < wide.Length; i++)
            wide[i] = SymbolicExpression<MontyField31<TParams>>.Zero;
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
                wide[i + j] += x[i] * y[j];
        var tail = TDef.ModulusTail.ToArray();
        for (int k = 2 * D - 2; k >= D; k--)
            for (int i = 0; i < D; i++)
                if (!tail[i].IsZero)
                    wide[k - D + i] += wide[k] * tail[i];
        return wide[..D];
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        columns[AddrOut] = Value(i.Dst);
        columns[MultOut] = Value(_plan.ExtReads[i.Dst]);
        switch (i.Op)
        {
            case RecursionOp.EConst:
                columns[IsConst] = Value(1);
                for (int k = 0; k < D; k++)
                    columns[ConstValue + k] = MontyField31<TParams>.FromCanonical(_program.ExtConstants[i.A * D + k]);
                return;
            case RecursionOp.EAdd: columns[IsAdd] = Value(1); break;
            case RecursionOp.ESub: columns[IsSub] = Value(1); break;
            case RecursionOp.EMul: columns[IsMul] = Value(1); break;
            case RecursionOp.EInv: columns[IsInv] = Value(1); break;
            case RecursionOp.EMulF: columns[IsMulF] = Value(1); break;
            case RecursionOp.EAddF: columns[IsAddF] = Value(1); break;
            case RecursionOp.EFromF: columns[IsFromF] = Value(1); break;
            case RecursionOp.ESelect: columns[IsSelect] = Value(1); break;
            case RecursionOp.EMulFAdd: columns[IsMulFAdd] = Value(1); break;
            case RecursionOp.EMulAdd: columns[IsMulAdd] = Value(1); break;
            default: throw new InvalidOperationException($"{i.Op} is not an extension ALU operation");
        }
        columns[AddrA] = Value(i.A);
        if (i.Op is not (RecursionOp.EInv or RecursionOp.EFromF))
            columns[AddrB] = Value(i.B);
        if (i.Op is RecursionOp.ESelect or RecursionOp.EMulFAdd or RecursionOp.EMulAdd)
            columns[AddrC] = Value(i.C);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        var (f, e) = (memory.Felts, memory.Exts);
        e[i.Dst].Coefficients.CopyTo(columns[Out..]);
        switch (i.Op)
        {
            case RecursionOp.EConst:
                return;
            case RecursionOp.EAdd or RecursionOp.ESub or RecursionOp.EMul:
                e[i.A].Coefficients.CopyTo(columns[A..]);
                e[i.B].Coefficients.CopyTo(columns[B..]);
                break;
            case RecursionOp.EInv:
                e[i.A].Coefficients.CopyTo(columns[A..]);
                break;
            case RecursionOp.EMulF or RecursionOp.EAddF:
                e[i.A].Coefficients.CopyTo(columns[A..]);
                columns[B] = f[i.B];
                break;
            case RecursionOp.EFromF:
                columns[A] = f[i.A];
                break;
            case RecursionOp.EMulFAdd:
                e[i.A].Coefficients.CopyTo(columns[A..]);
                columns[B] = f[i.B];
                e[i.C].Coefficients.CopyTo(columns[C..]);
                break;
            case RecursionOp.EMulAdd:
                e[i.A].Coefficients.CopyTo(columns[A..]);
                e[i.B].Coefficients.CopyTo(columns[B..]);
                e[i.C].Coefficients.CopyTo(columns[C..]);
                break;
            case RecursionOp.ESelect:
                columns[A] = f[i.A];
                e[i.B].Coefficients.CopyTo(columns[B..]);
                e[i.C].Coefficients.CopyTo(columns[C..]);
                break;
        }
    }
}
