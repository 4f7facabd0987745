using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Shift;

/// <summary>Trace generation for <see cref="ShiftAir{F}"/>.</summary>
public static class ShiftTrace
{
    /// <summary>
    /// One row per event, zero padding; counts the lookups. The result bytes are derived from b and
    /// the shift amount by the AIR's own relations (the event's A is not read): a wrong A cannot be
    /// received, since the requester's tuple would not match.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        return AluChip.Generate<F>(events, ShiftCols.Width, counts, Populate);
    }


    private static void Populate<F>(Span<F> row, AluEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        static F V(ulong x) => F.FromUInt64(x);
        AluChip.SetSelector(row, ShiftCols.Selectors, ShiftCols.Opcodes, e.Op);
        bool left = e.Op is Opcode.Sll or Opcode.Slli or Opcode.Sllw or Opcode.Slliw;
        bool arith = e.Op is Opcode.Sra or Opcode.Srai or Opcode.Sraw or Opcode.Sraiw;
        bool w = e.Op >= Opcode.Sllw;
        Word.Write(row, ShiftCols.C, e.C);
        ulong c0 = Word.Limb(e.C, 0);
        for (int i = 0; i < 6; i++)
            row[ShiftCols.ShiftBits + i] = V((c0 >> i) & 1);
        row[ShiftCols.CHigh] = V(c0 >> 6);
        counts.AddRange16(c0 >> 6);
        int shift = (int)(c0 & (w ? 31UL : 63UL));
        int k = shift & 7, byteShift = shift >> 3;
        row[ShiftCols.ByteShift + byteShift] = F.One;
        ulong pow = 1UL << k, powR = 256UL >> k, mult = left ? pow : powR;
        row[ShiftCols.Pow01] = V(1UL << (k & 3));
        row[ShiftCols.Pow] = V(pow);
        row[ShiftCols.PowR] = V(powR);
        row[ShiftCols.Mult] = V(mult);

        for (int j = 0; j < 8; j++)
        {
            row[ShiftCols.BBytes + j] = V(Word.Byte(e.B, j));
            counts.AddRange8(Word.Byte(e.B, j));
        }
        ulong fill = 0;
        if (arith)
        {
            ulong signByte = Word.Byte(e.B, w ? 3 : 7);
            fill = signByte >> 7;
            counts.AddRange8(2 * signByte - 256 * fill);
        }
        row[ShiftCols.FillBit] = V(fill);
        ulong fillByte = 255 * fill;

        Span<ulong> lo = stackalloc ulong[8], hi = stackalloc ulong[8];
        for (int j = 0; j < 8; j++)
        {
            ulong x = j >= 4 && w ? fillByte : Word.Byte(e.B, j);
            ulong p = x * mult;
            lo[j] = p & 0xFF;
            hi[j] = p >> 8;
            row[ShiftCols.Lo + j] = V(lo[j]);
            row[ShiftCols.Hi + j] = V(hi[j]);
            counts.AddRange8(lo[j]);
            counts.AddRange8(hi[j]);
        }
        ulong fillLo = fill * (256 - mult);
        row[ShiftCols.FillLo] = V(fillLo);

        // The same selection the AIR states: z = bit-shifted bytes, then the byte shift.
        Span<ulong> y = stackalloc ulong[8];
        for (int j = 0; j < 8; j++)
        {
            int src = left ? j - byteShift : j + byteShift;
            y[j] = left
                ? (src >= 0 ? lo[src] + (src > 0 ? hi[src - 1] : 0) : 0)
                : (src <= 7 ? hi[src] + (src < 7 ? lo[src + 1] : fillLo) : fillByte);
            row[ShiftCols.Y + j] = V(y[j]);
        }
        if (w)
        {
            ulong sign = y[3] >> 7;
            row[ShiftCols.ResultSign] = V(sign);
            counts.AddRange8(2 * y[3] - 256 * sign);
        }
    }
}
