using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Bitwise;

/// <summary>Trace generation for <see cref="BitwiseAir{F}"/>.</summary>
public static class BitwiseTrace
{
    /// <summary>One row per event (its A is the claimed result), zero padding; counts the ByteOp lookups.</summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        var trace = AluChip.NewTrace<F>(events.Count, BitwiseCols.Width);
        for (int r = 0; r < events.Count; r++)
        {
            var e = events[r];
            var row = trace.Row(r);
            AluChip.SetSelector(row, BitwiseCols.Selectors, BitwiseCols.Opcodes, e.Op);
            var op = e.Op switch
            {
                Opcode.And or Opcode.Andi => ByteOpKind.And,
                Opcode.Or or Opcode.Ori => ByteOpKind.Or,
                _ => ByteOpKind.Xor,
            };
            for (int j = 0; j < 8; j++)
            {
                row[BitwiseCols.ABytes + j] = F.FromUInt64(Word.Byte(e.A, j));
                row[BitwiseCols.BBytes + j] = F.FromUInt64(Word.Byte(e.B, j));
                row[BitwiseCols.CBytes + j] = F.FromUInt64(Word.Byte(e.C, j));
                counts.AddByteOp(op, Word.Byte(e.B, j), Word.Byte(e.C, j));
            }
        }
        return trace;
    }
}
