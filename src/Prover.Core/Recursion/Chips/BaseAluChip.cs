using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// Base-field arithmetic of a recursion program, one instruction per row: constants, add, sub, mul, inverse and select
/// on a bit. Main columns: the operands a, b, c and the result out. Preprocessed: the addresses of a, b, c and out, the
/// number of reads of out (its write's multiplicity), one selector per operation, and the constant.
/// </summary>
public sealed class BaseAluChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>The operations this table executes.</summary>
    public static readonly RecursionOp[] Operations = [RecursionOp.FConst, RecursionOp.FAdd, RecursionOp.FSub, RecursionOp.FMul, RecursionOp.FInv, RecursionOp.FSelect];

    // Main columns.
    private const int A = 0, B = 1, C = 2, Out = 3;

    // Preprocessed columns.
    private const int AddrA = 0, AddrB = 1, AddrC = 2, AddrOut = 3, MultOut = 4, IsConst = 5, IsAdd = 6, IsSub = 7, IsMul = 8, IsInv = 9,
        IsSelect = 10, ConstValue = 11;

    private readonly RecursionInstruction[] _code;
    private readonly RecursionProgram _program;
    private readonly RecursionMemoryPlan _plan;

    public BaseAluChip(RecursionProgram program, RecursionMemoryPlan plan, RecursionInstruction[] code) : base(code.Length)
    {
        _program = program;
        _plan = plan;
        _code = code;
    }

    public override string Name => "recursion-base-alu";

    public override int Width => 4;

    public override int PreprocessedWidth => 12;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        var (a, b, c, o) = (m[A], m[B], m[C], m[Out]);
        // The selectors are fixed columns: which operation a row performs, and on which addresses, is the verifier's
        // program, never the prover's choice. Each constraint below ties out to its operands on the rows of its operation.
        builder.When(p[IsConst]).AssertEq(o, p[ConstValue]);
        builder.When(p[IsAdd]).AssertEq(o, a + b);
        builder.When(p[IsSub]).AssertEq(o, a - b);
        builder.When(p[IsMul]).AssertEq(o, a * b);
        // An inverse is out with a·out = 1: no out satisfies it when a = 0, so an inverse of zero cannot be proved.
        builder.When(p[IsInv]).AssertEq(a * o, SymbolicExpression<MontyField31<TParams>>.One);
        // Select: the bit is boolean (a non-bit would let out be any affine mix of b and c), then out = c + a·(b − c).
        builder.When(p[IsSelect]).AssertBool(a);
        builder.When(p[IsSelect]).AssertEq(o, c + a * (b - c));

        // Reads (multiplicity 1 on the rows that read the operand), and the write of out with its read count.
        var readA = p[IsAdd] + p[IsSub] + p[IsMul] + p[IsInv] + p[IsSelect];
        var readB = p[IsAdd] + p[IsSub] + p[IsMul] + p[IsSelect];
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrA], a), readA);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrB], b), readB);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrC], c), p[IsSelect]);
        builder.Send(RecursionBus.FeltMemory, Tuple(p[AddrOut], o), p[MultOut]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        columns[AddrOut] = Value(i.Dst);
        columns[MultOut] = Value(_plan.FeltReads[i.Dst]);
        switch (i.Op)
        {
            case RecursionOp.FConst:
                columns[IsConst] = Value(1);
                columns[ConstValue] = MontyField31<TParams>.FromCanonical(_program.FeltConstants[i.A]);
                return;
            case RecursionOp.FAdd: columns[IsAdd] = Value(1); break;
            case RecursionOp.FSub: columns[IsSub] = Value(1); break;
            case RecursionOp.FMul: columns[IsMul] = Value(1); break;
            case RecursionOp.FInv: columns[IsInv] = Value(1); break;
            case RecursionOp.FSelect: columns[IsSelect] = Value(1); break;
            default: throw new InvalidOperationException($"{i.Op} is not a base-field ALU operation");
        }
        columns[AddrA] = Value(i.A);
        if (i.Op != RecursionOp.FInv)
            columns[AddrB] = Value(i.B);
        if (i.Op == RecursionOp.FSelect)
            columns[AddrC] = Value(i.C);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        var f = memory.Felts;
        columns[Out] = f[i.Dst];
        if (i.Op == RecursionOp.FConst)
            return;
        columns[A] = f[i.A];
        if (i.Op != RecursionOp.FInv)
            columns[B] = f[i.B];
        if (i.Op == RecursionOp.FSelect)
            columns[C] = f[i.C];
    }
}
