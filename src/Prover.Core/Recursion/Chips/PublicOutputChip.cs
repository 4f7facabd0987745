using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's outputs (<see cref="RecursionProgram.Outputs"/>) as the proof's public values: one row whose K main
/// columns are the outputs, each read from its address in the felt memory (preprocessed addresses, read only on the
/// first row) and asserted equal to public value k. So a proof of the run states exactly the values the program
/// computed: a public value other than the run's output at that address cannot be read from memory. The table has K
/// public values and needs K ≥ 1 (a program without outputs has no such table).
/// </summary>
public sealed class PublicOutputChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private readonly int[] _outputs;

    public PublicOutputChip(IReadOnlyList<int> outputs) : base(1)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
            throw new ArgumentException("a program without outputs has no output table", nameof(outputs));
        _outputs = [.. outputs];
    }

    public override string Name => "recursion-public-output";

    public override int Width => _outputs.Length;

    /// <summary>The K addresses, then the first-row flag.</summary>
    public override int PreprocessedWidth => _outputs.Length + 1;

    public override int PublicValueCount => _outputs.Length;

    private int IsFirst => _outputs.Length;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        for (int k = 0; k < _outputs.Length; k++)
        {
            builder.When(p[IsFirst]).AssertEq(m[k], builder.PublicValues[k]);
            builder.Receive(RecursionBus.FeltMemory, Tuple(p[k], m[k]), p[IsFirst]);
        }
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        for (int k = 0; k < _outputs.Length; k++)
            columns[k] = Value(_outputs[k]);
        columns[IsFirst] = Value(1);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        for (int k = 0; k < _outputs.Length; k++)
            columns[k] = memory.Felts[_outputs[k]];
    }
}
