using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Bitwise;

/// <summary>Trace generation for <see cref="BitwiseAir{F}"/>.</summary>
public static class BitwiseTrace
{

    /// <summary>One row per event (its A is the claimed result), zero padding; counts the AND lookups.</summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F> =>
        AluChip.Generate<F>(events, BitwiseCols.Width, counts, Populate);

    private static void Populate<F>(Span<F> row, AluEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        AluChip.SetSelector(row, BitwiseCols.Selectors, BitwiseCols.Opcodes, e.Op);
        for (int j = 0; j < 8; j++)
        {
            row[BitwiseCols.ABytes + j] = F.FromUInt64(Word.Byte(e.A, j));
            row[BitwiseCols.BBytes + j] = F.FromUInt64(Word.Byte(e.B, j));
            row[BitwiseCols.CBytes + j] = F.FromUInt64(Word.Byte(e.C, j));
            row[BitwiseCols.AndBytes + j] = F.FromUInt64(Word.Byte(e.B & e.C, j));
            counts.AddAnd(Word.Byte(e.B, j), Word.Byte(e.C, j));
        }
    }
}
