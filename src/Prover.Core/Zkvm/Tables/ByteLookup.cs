using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// The lookups a chip makes into <see cref="ByteTable{F}"/> on the <see cref="ZkvmBus.ByteAnd"/> bus (Range16 lookups
/// are plain sends of one value on <see cref="ZkvmBus.Range16"/>). The trace generator counts each with the
/// matching <see cref="LookupCounts"/> method.
/// </summary>
public static class ByteLookup
{
    /// <summary>
    /// Sends (a, b, c): proves a and b are bytes and c = a AND b. Counted by <see cref="LookupCounts.AddAnd"/>.
    /// </summary>
    public static void SendAnd<F>(AirBuilder<F> builder, SymbolicExpression<F> a, SymbolicExpression<F> b, SymbolicExpression<F> c,
        SymbolicExpression<F> multiplicity) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Send(ZkvmBus.ByteAnd, [a, b, c], multiplicity);
    }

    /// <summary>
    /// RANGE8: sends (x, 0, 0), which only the table row (x, 0) (x a byte; x AND 0 = 0) can receive, so it proves
    /// x ∈ [0, 256). Counted by <see cref="LookupCounts.AddRange8"/>.
    /// </summary>
    public static void SendRange8<F>(AirBuilder<F> builder, SymbolicExpression<F> x, SymbolicExpression<F> multiplicity) where F : struct, IField<F> =>
        SendAnd(builder, x, SymbolicExpression<F>.Zero, SymbolicExpression<F>.Zero, multiplicity);
}
