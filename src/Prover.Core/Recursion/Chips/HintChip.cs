using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's hint reads: one hinted felt per row. Main column: the value, written by the prover and constrained by
/// nothing here. Preprocessed: its address and read count. The row writes the value to memory; every use of it is
/// checked by the instructions that read it (the verifier program hashes each hinted row and path up to a committed
/// cap, re-derives each challenge, …), which is what makes an untrusted hint harmless: a hint that differs from the
/// honest one makes a later assertion compare different written values, and <see cref="AssertEqChip{TParams, TDef}"/>
/// cannot be satisfied then.
/// </summary>
public sealed class HintChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private const int Addr = 0, Mult = 1;

    private readonly int[] _addresses;
    private readonly RecursionMemoryPlan _plan;

    /// <summary>A table for the hint instructions <paramref name="code"/>: one row per felt they read.</summary>
    public HintChip(RecursionMemoryPlan plan, RecursionInstruction[] code) : this(plan, code.SelectMany(i => Enumerable.Range(i.Dst, i.B)).ToArray())
    {
    }

    private HintChip(RecursionMemoryPlan plan, int[] addresses) : base(addresses.Length)
    {
        _plan = plan;
        _addresses = addresses;
    }

    public override string Name => "recursion-hint";

    public override int Width => 1;

    public override int PreprocessedWidth => 2;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var p = builder.PreprocessedLocal;
        builder.Send(RecursionBus.FeltMemory, Tuple(p[Addr], builder.Local[0]), p[Mult]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        columns[Addr] = Value(_addresses[row]);
        columns[Mult] = Value(_plan.FeltReads[_addresses[row]]);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory) =>
        columns[0] = memory.Felts[_addresses[row]];
}
