using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Compare;

/// <summary>Trace generation for <see cref="CompareAir{F}"/>.</summary>
public static class CompareTrace
{

    /// <summary>
    /// One row per event, zero padding; counts the Range16 lookups. The row's result is derived
    /// from b and c (the AIR has no result column); an event whose A is not that result cannot be
    /// received, since the requester's tuple would not match.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F> =>
        AluChip.Generate<F>(events, CompareCols.Width, counts, Populate);

    private static void Populate<F>(Span<F> row, AluEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        AluChip.SetSelector(row, CompareCols.Selectors, CompareCols.Opcodes, e.Op);
        Word.Write(row, CompareCols.B, e.B);
        Word.Write(row, CompareCols.C, e.C);
        ulong diff = e.B - e.C;
        Word.Write(row, CompareCols.Diff, diff);
        long borrow = 0;
        for (int i = 0; i < 4; i++)
        {
            long d = (long)Word.Limb(e.B, i) - (long)Word.Limb(e.C, i) - borrow;
            borrow = d < 0 ? 1 : 0;
            row[CompareCols.Borrow + i] = F.FromUInt64((ulong)borrow);
            counts.AddRange16(Word.Limb(diff, i));
        }
        if (e.Op is Opcode.Slt or Opcode.Slti)
        {
            ulong bs = SignBitGadget.Populate(Word.Limb(e.B, 3), counts);
            ulong cs = SignBitGadget.Populate(Word.Limb(e.C, 3), counts);
            row[CompareCols.BSign] = F.FromUInt64(bs);
            row[CompareCols.CSign] = F.FromUInt64(cs);
            row[CompareCols.SignsDiffer] = F.FromUInt64(bs ^ cs);
        }
    }
}
