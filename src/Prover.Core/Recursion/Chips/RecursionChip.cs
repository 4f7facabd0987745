using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// What the recursion chips share: a table whose first <see cref="Rows"/> rows execute the chip's part of a
/// <see cref="RecursionProgram"/>, with the instruction list as preprocessed columns (operation selectors, addresses,
/// multiplicities — so the chips' verifying key is the program) and the operand values as main columns. Rows past the
/// program's are padding: their preprocessed columns are zero, so they assert nothing and touch no bus.
/// </summary>
public abstract class RecursionChip<TParams, TDef> : IAir<MontyField31<TParams>>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    protected static int D => TDef.Degree;

    protected RecursionChip(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
    }

    public abstract string Name { get; }

    public abstract int Width { get; }

    public abstract int PreprocessedWidth { get; }

    public virtual int PublicValueCount => 0;

    /// <summary>Rows that execute instructions (the rest of the table is padding).</summary>
    public int Rows { get; }

    /// <summary>
    /// log2 of the table's height: the smallest power of two ≥ 2 that holds <see cref="Rows"/>, or the height of the
    /// shape the machine pads the program to (<see cref="PadTo"/>).
    /// </summary>
    public int LogHeight => _paddedLogHeight ?? NaturalLogHeight;

    /// <summary>log2 of the smallest height (≥ 2 rows) that holds the program's rows.</summary>
    public int NaturalLogHeight => Math.Max(1, BitOperations.Log2((uint)Math.Max(1, Rows) - 1) + 1);

    private int? _paddedLogHeight;

    /// <summary>
    /// Sets the table's height to 2^<paramref name="logHeight"/> (a shape's: <see cref="RecursionMachine{TParams, TDef}"/>
    /// calls it once, before the chip is used). The extra rows are padding rows like any other: their fixed columns are
    /// zero, so they assert nothing and touch no bus. Throws where the program's rows do not fit.
    /// </summary>
    internal void PadTo(int logHeight)
    {
        if (logHeight < NaturalLogHeight)
            throw new ArgumentException($"the program does not fit the shape: table {Name} needs 2^{NaturalLogHeight} rows ({Rows} used), the shape has 2^{logHeight}");
        _paddedLogHeight = logHeight;
    }

    public abstract void Eval(AirBuilder<MontyField31<TParams>> builder);

    /// <summary>Writes the fixed columns of execution row <paramref name="row"/>.</summary>
    protected abstract void FillPreprocessed(int row, Span<MontyField31<TParams>> columns);

    /// <summary>Writes the main columns of execution row <paramref name="row"/> from the run's memory.</summary>
    protected abstract void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory);

    /// <summary>The main columns of a padding row (zero unless the chip's constraints need otherwise).</summary>
    protected virtual void FillPadding(Span<MontyField31<TParams>> columns)
    {
    }

    public RowMajorMatrix<MontyField31<TParams>>? PreprocessedTrace(int height)
    {
        if (height < Rows || !BitOperations.IsPow2(height))
            throw new ArgumentException($"{Name}: a table of {height} rows cannot hold the program's {Rows}");
        var trace = new RowMajorMatrix<MontyField31<TParams>>(height, PreprocessedWidth);
        for (int r = 0; r < Rows; r++)
            FillPreprocessed(r, trace.Row(r));
        return trace;
    }

    /// <summary>The main trace of a run at the chip's height.</summary>
    public RowMajorMatrix<MontyField31<TParams>> GenerateTrace(RecursionMemory<TParams, TDef> memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        int height = 1 << LogHeight;
        var trace = new RowMajorMatrix<MontyField31<TParams>>(height, Width);
        Parallel.For(0, height, r =>
        {
            if (r < Rows) FillMain(r, trace.Row(r), memory);
            else FillPadding(trace.Row(r));
        });
        return trace;
    }

    protected static MontyField31<TParams> Value(long v) => MontyField31<TParams>.FromUInt64((ulong)v);

    /// <summary>Column expressions [first, first + count) of a list.</summary>
    protected static SymbolicExpression<MontyField31<TParams>>[] Slice(IReadOnlyList<SymbolicExpression<MontyField31<TParams>>> columns, int first, int count)
    {
        var result = new SymbolicExpression<MontyField31<TParams>>[count];
        for (int i = 0; i < count; i++)
            result[i] = columns[first + i];
        return result;
    }

    /// <summary>(address, values…): a memory tuple.</summary>
    protected static SymbolicExpression<MontyField31<TParams>>[] Tuple(SymbolicExpression<MontyField31<TParams>> address, params SymbolicExpression<MontyField31<TParams>>[] values) =>
        [address, .. values];
}
