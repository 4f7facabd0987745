using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's assertions, one per row: felt[a] = felt[b] or ext[a] = ext[b]. Main columns: one value x (D
/// coefficients; a felt uses coefficient 0). Preprocessed: the two addresses and whether the row compares felts or exts.
/// The row reads both addresses with the same columns x: the bus balances only if both reads see their written values
/// (<see cref="RecursionBus"/>), so both written values equal x. No hint or other witness can make a failing assertion
/// pass: the values compared are the ones their instructions wrote, and a row cannot be dropped (its selector is fixed).
/// </summary>
public sealed class AssertEqChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public static readonly RecursionOp[] Operations = [RecursionOp.AssertEqF, RecursionOp.AssertEqE];

    private const int AddrA = 0, AddrB = 1, IsFelt = 2, IsExt = 3;

    private readonly RecursionInstruction[] _code;

    public AssertEqChip(RecursionInstruction[] code) : base(code.Length) => _code = code;

    public override string Name => "recursion-assert-eq";

    public override int Width => D;

    public override int PreprocessedWidth => 4;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var x = Slice(builder.Local, 0, D);
        var p = builder.PreprocessedLocal;
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrA], x[0]), p[IsFelt]);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[AddrB], x[0]), p[IsFelt]);
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[AddrA], x), p[IsExt]);
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[AddrB], x), p[IsExt]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        columns[AddrA] = Value(i.A);
        columns[AddrB] = Value(i.B);
        columns[i.Op == RecursionOp.AssertEqF ? IsFelt : IsExt] = Value(1);
    }

    /// <summary>x is the value at a (a forced trace of a failed assertion then reads b wrongly, and the bus does not balance).</summary>
    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        if (i.Op == RecursionOp.AssertEqF)
            columns[0] = memory.Felts[i.A];
        else
            memory.Exts[i.A].Coefficients.CopyTo(columns);
    }
}
