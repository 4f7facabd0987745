using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's Poseidon2 permutations (width 16), one per row, on the production permutation AIR
/// (<see cref="Poseidon2Air{TParams}"/>, the one the input commitment uses): its constraints force every round column
/// from the 16 inputs, so the 16 outputs are the permutation of the inputs and nothing else. Preprocessed: the 16 input
/// addresses, the first output address (outputs are consecutive), the 16 outputs' read counts and a flag for real rows.
/// Padding rows hold the permutation of the zero state (the round constraints hold on every row) and touch no bus.
/// </summary>
public sealed class Poseidon2Chip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public const int StateWidth = Poseidon2Air<TParams>.StateWidth;

    // Preprocessed columns.
    private const int InAddr = 0, OutAddr = StateWidth, OutMult = StateWidth + 1, IsReal = 2 * StateWidth + 1;

    private readonly Poseidon2Air<TParams> _air = new();
    private readonly RecursionInstruction[] _code;
    private readonly RecursionMemoryPlan _plan;
    private readonly MontyField31<TParams>[] _padding;

    public Poseidon2Chip(RecursionMemoryPlan plan, RecursionInstruction[] code) : base(code.Length)
    {
        foreach (var i in code)
            if (i.Operands!.Length != StateWidth)
                throw new NotSupportedException($"the recursion chips prove Poseidon2 of width {StateWidth} only, not {i.Operands.Length} (a provable-128 program)");
        _plan = plan;
        _code = code;
        _padding = new MontyField31<TParams>[_air.Width];
        _air.FillPermutation(_padding, 0, new MontyField31<TParams>[StateWidth]);
    }

    public override string Name => "recursion-poseidon2";

    public override int Width => _air.Width;

    public override int PreprocessedWidth => IsReal + 1;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Every row is a permutation: inputs in columns [0, 16), outputs in the last 16.
        _air.EvalPermutation(builder, 0);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        for (int k = 0; k < StateWidth; k++)
            builder.Receive(RecursionBus.FeltMemory, Tuple(p[InAddr + k], m[k]), p[IsReal]);
        for (int k = 0; k < StateWidth; k++)
            builder.Send(RecursionBus.FeltMemory, Tuple(p[OutAddr] + Value(k), m[_air.OutputColumn(k)]), p[OutMult + k]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        for (int k = 0; k < StateWidth; k++)
        {
            columns[InAddr + k] = Value(i.Operands![k]);
            columns[OutMult + k] = Value(_plan.FeltReads[i.Dst + k]);
        }
        columns[OutAddr] = Value(i.Dst);
        columns[IsReal] = Value(1);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        Span<MontyField31<TParams>> input = stackalloc MontyField31<TParams>[StateWidth];
        for (int k = 0; k < StateWidth; k++)
            input[k] = memory.Felts[i.Operands![k]];
        _air.FillPermutation(columns, 0, input);
    }

    protected override void FillPadding(Span<MontyField31<TParams>> columns) => _padding.CopyTo(columns);
}
