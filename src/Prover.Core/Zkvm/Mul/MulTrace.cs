using System.Numerics;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Mul;

/// <summary>Trace generation for <see cref="MulAir"/>: one row per event, zero padding to a power of two (≥ 2).</summary>
public static class MulTrace
{
    /// <summary>The chip's trace for the shard's <see cref="ExecutionRecord.Mul"/> events; Range16 lookups go to <paramref name="counts"/>.</summary>
    public static RowMajorMatrix<KoalaBear> Generate(ExecutionRecord record, LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Generate(record.Mul, counts);
    }

    public static RowMajorMatrix<KoalaBear> Generate(IReadOnlyList<AluEvent> events, LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        var air = new MulAir();
        int height = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((uint)Math.Max(events.Count, 1)));
        var trace = new RowMajorMatrix<KoalaBear>(height, air.Width);
        for (int r = 0; r < events.Count; r++)
            Populate(trace.Row(r), events[r], counts);
        return trace;
    }

    /// <summary>Fills one row; the result limbs come from the gadget, not from the event's A (which the bus compares).</summary>
    public static void Populate(Span<KoalaBear> row, AluEvent e, LookupCounts? counts)
    {
        int sel = Array.IndexOf(MulAir.Ops, e.Op);
        if (sel < 0)
            throw new ArgumentException($"{e.Op} is not a multiplication", nameof(e));
        row[MulAir.Selectors + sel] = KoalaBear.One;
        bool bNeg = (e.Op is Opcode.Mulh or Opcode.Mulhsu) && (long)e.B < 0;
        bool cNeg = e.Op == Opcode.Mulh && (long)e.C < 0;
        row[MulAir.BNeg] = bNeg ? KoalaBear.One : KoalaBear.Zero;
        row[MulAir.CNeg] = cNeg ? KoalaBear.One : KoalaBear.Zero;
        var product = MulAir.Gadget.Populate(row, e.B, e.C, bNeg, cNeg, 0, counts);
        for (int m = 0; m < 8; m++)
        {
            ulong limb = (ulong)(product >> (16 * m)) & 0xFFFF;
            row[MulAir.Product + m] = KoalaBear.FromUInt64(limb);
            counts?.AddRange16(limb);
        }
        ulong limb1 = (ulong)(product >> 16) & 0xFFFF;
        row[MulAir.WSign] = KoalaBear.FromUInt64(limb1 >> 15);
        counts?.AddRange16(2 * (limb1 & 0x7FFF));
    }
}
