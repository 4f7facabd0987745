using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air.Demo;

/// <summary>
/// Two tables joined by a LogUp bus: <see cref="ValuesAir{F}"/> sends each of its values on bus 0,
/// <see cref="RangeTableAir{F}"/> receives every number 0..n−1 with a multiplicity column. The bus
/// balances exactly when every value lies in [0, n) and the multiplicities count them: a range check.
/// </summary>
public static class LookupDemo
{
    public const int Bus = 0;

    /// <summary>Traces for the given values against a table of <paramref name="tableHeight"/> entries.</summary>
    public static (RowMajorMatrix<F> Values, RowMajorMatrix<F> Table) GenerateTraces<F>(IReadOnlyList<uint> values, int tableHeight)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(values);
        var valueTrace = new RowMajorMatrix<F>(values.Count, 1);
        var counts = new ulong[tableHeight];
        for (int r = 0; r < values.Count; r++)
        {
            valueTrace[r, 0] = F.FromUInt64(values[r]);
            if (values[r] < (uint)tableHeight)
                counts[values[r]]++;
        }
        var table = new RowMajorMatrix<F>(tableHeight, 2);
        for (int r = 0; r < tableHeight; r++)
        {
            table[r, 0] = F.FromUInt64((ulong)r);
            table[r, 1] = F.FromUInt64(counts[r]);
        }
        return (valueTrace, table);
    }
}

/// <summary>One column of values, each sent once on the range bus.</summary>
public sealed class ValuesAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "lookup-values";

    public int Width => 1;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Send(LookupDemo.Bus, [builder.Local[0]], SymbolicExpression<F>.One);
    }
}

/// <summary>
/// The table 0..n−1 (column 0, constrained to count up from 0 by one per row, so it cannot be
/// replaced by other values) and a multiplicity column (column 1) received on the range bus.
/// </summary>
public sealed class RangeTableAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "lookup-table";

    public int Width => 2;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var t = builder.Local[0];
        builder.WhenFirstRow().AssertZero(t);
        builder.WhenTransition().AssertEq(builder.Next[0], t + SymbolicExpression<F>.One);
        builder.Receive(LookupDemo.Bus, [t], builder.Local[1]);
    }
}
