using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.AddSub;

/// <summary>Trace generation for <see cref="AddSubAir{F}"/>.</summary>
public static class AddSubTrace
{

    /// <summary>
    /// One row per event (its A is taken as the claimed result; a wrong A yields a trace that fails
    /// the AIR), zero padding rows up to a power of two. Counts the Range16 lookups in <paramref name="counts"/>.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        return AluChip.Generate<F>(events, AddSubCols.Width, counts, Populate);
    }

    private static void Populate<F>(Span<F> row, AluEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        AluChip.SetSelector(row, AddSubCols.Selectors, AddSubCols.Opcodes, e.Op);
        Word.Write(row, AddSubCols.A, e.A);
        Word.Write(row, AddSubCols.B, e.B);
        Word.Write(row, AddSubCols.C, e.C);
        bool sub = e.Op is Opcode.Sub or Opcode.Subw;
        bool w = e.Op is Opcode.Addw or Opcode.Subw or Opcode.Addiw;
        // Carries of x + c = z (x = a for subtractions).
        ulong x = sub ? e.A : e.B;
        ulong carry = 0;
        for (int i = 0; i < (w ? 2 : 4); i++)
        {
            ulong sum = Word.Limb(x, i) + Word.Limb(e.C, i) + carry;
            carry = sum >> 16;
            row[AddSubCols.Carry + i] = F.FromUInt64(carry);
        }
        if (w)
            row[AddSubCols.Sign] = F.FromUInt64(SignBitGadget.Populate(Word.Limb(e.A, 1), counts));
        for (int i = 0; i < 4; i++)
            counts.AddRange16(Word.Limb(e.A, i));
    }
}
