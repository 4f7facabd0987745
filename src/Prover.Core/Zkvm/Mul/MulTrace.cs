using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Mul;

/// <summary>Trace generation for <see cref="MulAir{F}"/>: one row per event, zero padding to a power of two (≥ 2).</summary>
public static class MulTrace
{
    /// <summary>The chip's trace of <paramref name="events"/>; Range16 lookups go to <paramref name="counts"/>.</summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        int height = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((uint)Math.Max(events.Count, 1)));
        var trace = new RowMajorMatrix<F>(height, MulAir.Width);
        for (int r = 0; r < events.Count; r++)
            Populate(trace.Row(r), events[r], counts);
        return trace;
    }

    /// <summary>Fills one row; the result limbs come from the gadget, not from the event's A (which the bus compares).</summary>
    public static void Populate<F>(Span<F> row, AluEvent e, LookupCounts? counts) where F : struct, IField<F>
    {
        int sel = Array.IndexOf(MulAir.Ops, e.Op);
        if (sel < 0)
            throw new ArgumentException($"{e.Op} is not a multiplication", nameof(e));
        row[MulAir.Selectors + sel] = F.One;
        bool bNeg = (e.Op is Opcode.Mulh or Opcode.Mulhsu) && (long)e.B < 0;
        bool cNeg = e.Op == Opcode.Mulh && (long)e.C < 0;
        row[MulAir.BNeg] = bNeg ? F.One : F.Zero;
        row[MulAir.CNeg] = cNeg ? F.One : F.Zero;
        var product = MulAir.Gadget.Populate(row, e.B, e.C, bNeg, cNeg, 0, counts);
        for (int m = 0; m < 8; m++)
        {
            ulong limb = (ulong)(product >> (16 * m)) & 0xFFFF;
            row[MulAir.Product + m] = F.FromUInt64(limb);
            if (m != 1) // limb 1 is bounded by its sign decomposition (MulAir)
                counts?.AddRange16(limb);
        }
        ulong limb1 = (ulong)(product >> 16) & 0xFFFF;
        row[MulAir.WSign] = F.FromUInt64(limb1 >> 15);
        counts?.AddRange16(2 * (limb1 & 0x7FFF));
    }
}
