using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.DivRem;

/// <summary>Trace generation for <see cref="DivRemAir{F}"/>: one row per event, zero padding to a power of two (≥ 2).</summary>
public static class DivRemTrace
{
    /// <summary>The chip's trace of <paramref name="events"/>; Range16 lookups go to <paramref name="counts"/>.</summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        int height = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((uint)Math.Max(events.Count, 1)));
        var trace = new RowMajorMatrix<F>(height, DivRemAir.Width);
        for (int r = 0; r < events.Count; r++)
            Populate(trace.Row(r), events[r], counts);
        return trace;
    }

    private static F Fe<F>(ulong v) where F : struct, IField<F> => F.FromUInt64(v);

    private static F Bool<F>(bool v) where F : struct, IField<F> => v ? F.One : F.Zero;

    private static ulong Limb(ulong v, int k) => (v >> (16 * k)) & 0xFFFF;

    /// <summary>Fills one row; q and r are computed here (the event's A is only compared on the bus).</summary>
    public static void Populate<F>(Span<F> row, AluEvent e, LookupCounts? counts) where F : struct, IField<F>
    {
        int sel = Array.IndexOf(DivRemAir.Ops, e.Op);
        if (sel < 0)
            throw new ArgumentException($"{e.Op} is not a division", nameof(e));
        bool w = e.Op is Opcode.Divw or Opcode.Divuw or Opcode.Remw or Opcode.Remuw;
        bool signed = e.Op is Opcode.Div or Opcode.Rem or Opcode.Divw or Opcode.Remw;
        ulong effB = !w ? e.B : signed ? (ulong)(long)(int)e.B : (uint)e.B;
        ulong effC = !w ? e.C : signed ? (ulong)(long)(int)e.C : (uint)e.C;
        ulong q, r;
        bool overflow = false;
        if (effC == 0)
            (q, r) = (ulong.MaxValue, effB);
        else if (signed && (long)effB == long.MinValue && (long)effC == -1)
            (q, r, overflow) = (effB, 0, true);
        else if (signed)
            (q, r) = ((ulong)((long)effB / (long)effC), (ulong)((long)effB % (long)effC));
        else
            (q, r) = (effB / effC, effB % effC);
        Fill(row, e, q, r, signed && (long)q < 0 && !overflow, counts);
    }

    /// <summary>
    /// Fills a row for the claimed quotient and remainder. <see cref="Populate"/> passes the true ones;
    /// tests pass forged ones (and no <paramref name="counts"/>) to check that the constraints reject them.
    /// </summary>
    internal static void Fill<F>(Span<F> row, AluEvent e, ulong q, ulong r, bool qNeg, LookupCounts? counts) where F : struct, IField<F>
    {
        int sel = Array.IndexOf(DivRemAir.Ops, e.Op);
        row[DivRemAir.Selectors + sel] = F.One;
        bool w = e.Op is Opcode.Divw or Opcode.Divuw or Opcode.Remw or Opcode.Remuw;
        bool signed = e.Op is Opcode.Div or Opcode.Rem or Opcode.Divw or Opcode.Remw;
        bool isDiv = e.Op is Opcode.Div or Opcode.Divu or Opcode.Divw or Opcode.Divuw;
        ulong b = e.B, c = e.C;
        for (int k = 0; k < 4; k++)
        {
            row[DivRemAir.B + k] = Fe<F>(Limb(b, k));
            row[DivRemAir.C + k] = Fe<F>(Limb(c, k));
        }
        row[DivRemAir.B31] = Fe<F>((b >> 31) & 1);
        row[DivRemAir.B63] = Fe<F>(b >> 63);
        row[DivRemAir.C31] = Fe<F>((c >> 31) & 1);
        counts?.AddRange16(2 * (Limb(b, 1) & 0x7FFF));
        counts?.AddRange16(2 * (Limb(b, 3) & 0x7FFF));
        counts?.AddRange16(2 * (Limb(c, 1) & 0x7FFF));
        ulong effB = !w ? b : signed ? (ulong)(long)(int)b : (uint)b;
        ulong effC = !w ? c : signed ? (ulong)(long)(int)c : (uint)c;
        row[DivRemAir.BW] = Bool<F>(w && signed && ((b >> 31) & 1) != 0);
        row[DivRemAir.CW] = Bool<F>(w && signed && ((c >> 31) & 1) != 0);
        bool bNeg = signed && (long)effB < 0;
        bool cNeg = signed && (long)effC < 0;
        row[DivRemAir.BNeg] = Bool<F>(bNeg);
        row[DivRemAir.CNeg] = Bool<F>(cNeg);
        bool rNeg = signed && (long)r < 0;
        row[DivRemAir.QNeg] = Bool<F>(qNeg);
        for (int k = 0; k < 4; k++)
        {
            row[DivRemAir.R + k] = Fe<F>(Limb(r, k));
            counts?.AddRange16(Limb(r, k));
        }
        row[DivRemAir.RMsb] = Fe<F>(r >> 63);
        counts?.AddRange16(2 * (Limb(r, 3) & 0x7FFF));
        row[DivRemAir.RNeg] = Bool<F>(rNeg);

        UInt128 rExt = rNeg ? (UInt128)(Int128)(long)r : r;
        // For honest (q, r) the gadget's sum q·C + r is B (sign-extended); for forged ones the AIR says it is not.
        _ = DivRemAir.Gadget.Populate(row, q, effC, qNeg, cNeg, rExt, counts);

        row[DivRemAir.CZero] = Bool<F>(effC == 0);
        ulong sumC = Limb(effC, 0) + Limb(effC, 1) + Limb(effC, 2) + Limb(effC, 3);
        row[DivRemAir.CInv] = sumC == 0 ? F.Zero : Fe<F>(sumC).Inverse();
        ulong d = 0;
        Span<long> carries = stackalloc long[3];
        if (effC != 0)
        {
            // d = |C| − |r| − 1 and the signed carries of the limb chain (see DivRemAir).
            UInt128 absC = cNeg ? (UInt128)(0 - effC) : effC;
            UInt128 absR = rNeg ? (UInt128)(0 - r) : r;
            d = (ulong)(absC - absR - 1);
            long carry = 0;
            for (int k = 0; k < 4; k++)
            {
                row[DivRemAir.D + k] = Fe<F>(Limb(d, k));
                long lhs = (cNeg ? -1 : 1) * (long)Limb(effC, k) - (rNeg ? -1 : 1) * (long)Limb(r, k) - (long)Limb(d, k) - (k == 0 ? 1 : 0) + carry;
                carry = lhs >> 16;
                if (k < 3)
                {
                    carries[k] = carry;
                    row[DivRemAir.DCarry + k] = carry >= 0 ? Fe<F>((ulong)carry) : -Fe<F>((ulong)-carry);
                }
            }
        }
        if (counts is not null)
        {
            // Sent on every real row, also when C = 0 (then d = 0 and the carries are 0).
            for (int k = 0; k < 4; k++)
                counts.AddRange16(Limb(d, k));
            foreach (long cy in carries)
            {
                counts.AddRange16((ulong)(cy + 3));
                counts.AddRange16((ulong)(cy + 3) << 13);
            }
        }
        ulong res = isDiv ? q : r;
        row[DivRemAir.W31] = Fe<F>((res >> 31) & 1);
        counts?.AddRange16(2 * (Limb(res, 1) & 0x7FFF));
    }
}
