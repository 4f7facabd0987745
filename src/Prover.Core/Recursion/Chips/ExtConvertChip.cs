using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// Moves values between the two memories, one instruction per row: an ext built from D felts
/// (<see cref="RecursionOp.EFromCoeffs"/>) and the D felts of an ext (<see cref="RecursionOp.EToCoeffs"/>). Main columns:
/// the D coefficients v. Preprocessed: the ext address, its write multiplicity (from-coefficients rows) or its read flag
/// (to-coefficients rows), the D felt addresses, their write multiplicities (to-coefficients) and a read flag
/// (from-coefficients). There are no constraints besides the buses: the same columns v are received from one memory and
/// sent to the other, so the ext and its coefficients are equal by construction of the tuple.
/// </summary>
public sealed class ExtConvertChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public static readonly RecursionOp[] Operations = [RecursionOp.EFromCoeffs, RecursionOp.EToCoeffs];

    // Preprocessed columns.
    private const int ExtAddr = 0, ExtSend = 1, ExtReceive = 2, FeltReceive = 3, FeltAddr = 4;
    private static int FeltSend => FeltAddr + D;

    private readonly RecursionInstruction[] _code;
    private readonly RecursionMemoryPlan _plan;

    public ExtConvertChip(RecursionMemoryPlan plan, RecursionInstruction[] code) : base(code.Length)
    {
        _plan = plan;
        _code = code;
    }

    public override string Name => "recursion-ext-convert";

    public override int Width => D;

    public override int PreprocessedWidth => FeltSend + D;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var v = Slice(builder.Local, 0, D);
        var p = builder.PreprocessedLocal;
        builder.Send(RecursionBus.ExtMemory, Tuple(p[ExtAddr], v), p[ExtSend]);
        builder.Receive(RecursionBus.ExtMemory, Tuple(p[ExtAddr], v), p[ExtReceive]);
        for (int k = 0; k < D; k++)
        {
            builder.Send(RecursionBus.FeltMemory, Tuple(p[FeltAddr + k], v[k]), p[FeltSend + k]);
            builder.Receive(RecursionBus.FeltMemory, Tuple(p[FeltAddr + k], v[k]), p[FeltReceive]);
        }
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        switch (i.Op)
        {
            case RecursionOp.EFromCoeffs:
                columns[ExtAddr] = Value(i.Dst);
                columns[ExtSend] = Value(_plan.ExtReads[i.Dst]);
                columns[FeltReceive] = Value(1);
                for (int k = 0; k < D; k++)
                    columns[FeltAddr + k] = Value(i.Operands![k]);
                break;
            case RecursionOp.EToCoeffs:
                columns[ExtAddr] = Value(i.A);
                columns[ExtReceive] = Value(1);
                for (int k = 0; k < D; k++)
                {
                    columns[FeltAddr + k] = Value(i.Dst + k);
                    columns[FeltSend + k] = Value(_plan.FeltReads[i.Dst + k]);
                }
                break;
            default:
                throw new InvalidOperationException($"{i.Op} is not a conversion between the memories");
        }
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        if (i.Op == RecursionOp.EFromCoeffs)
            for (int k = 0; k < D; k++)
                columns[k] = memory.Felts[i.Operands![k]];
        else
            memory.Exts[i.A].Coefficients.CopyTo(columns);
    }
}
