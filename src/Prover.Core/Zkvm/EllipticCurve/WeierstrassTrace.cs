using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.EllipticCurve;

/// <summary>Trace generation for <see cref="WeierstrassAir{F}"/> from the record's <see cref="WeierstrassEvent"/>s.</summary>
public static class WeierstrassTrace
{
    /// <summary>
    /// One row per event of the chip's syscall number (others are skipped), zero padding to <see cref="Word.TraceHeight"/>;
    /// counts the Range16 and RANGE8 lookups. The result written is the one in the event's accesses (a wrong one yields a
    /// trace that fails the AIR). Throws <see cref="ArgumentException"/> for an event that does not match its call (the
    /// machine faults on the calls the chip cannot prove).
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(WeierstrassAir<F> air, IReadOnlyList<WeierstrassEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        var mine = events.Where(e => e.Number == air.Number).ToList();
        var trace = new RowMajorMatrix<F>(Word.TraceHeight(mine.Count), air.Width);
        for (int r = 0; r < mine.Count; r++)
            Populate(air, trace.Row(r), mine[r], counts);
        return trace;
    }

    private static void Populate<F>(WeierstrassAir<F> air, Span<F> row, WeierstrassEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        var L = air.Layout;
        int n = L.Limbs, bytes = L.Bytes;
        if (e.Accesses.Length != L.AccessCount)
            throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: {e.Accesses.Length} accesses, expected {L.AccessCount}", nameof(e));
        for (int j = 0; j < L.AccessCount; j++)
        {
            bool isP = j < 2 * n;
            ulong expected = (isP ? e.PPtr : e.QPtr) + 8 * (ulong)(j % (2 * n));
            var a = e.Accesses[j];
            if (a.Address != expected || a.Timestamp != e.Timestamp || (!isP && a.Value != a.PrevValue))
                throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: access {j} does not match the call", nameof(e));
        }
        if (e.PPtr >> 32 != 0 || e.QPtr >> 32 != 0 || (e.PPtr & 7) != 0 || (e.QPtr & 7) != 0)
            throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: pointers must be 8-aligned and below 2^32", nameof(e));
        row[L.IsReal] = F.One;
        ulong ts = MemoryArgument.RamTimestamp(e.Timestamp);
        row[L.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[L.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));
        row[L.PPtrLo] = F.FromUInt64(e.PPtr & 0xFFFF);
        row[L.PPtrHi] = F.FromUInt64(e.PPtr >> 16);
        row[L.PKeyLo] = F.FromUInt64((e.PPtr & 0xFFFF) >> 3);
        counts.AddRange16((e.PPtr & 0xFFFF) >> 3);
        ulong pKey = e.PPtr >> 3;
        var (pFirst, pLast) = air.PKeyRange;
        if (pKey < pFirst || pKey > pLast)
            throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: P lies outside writable RAM", nameof(e));
        Bound(row, L, 0, pKey - pFirst, counts);
        Bound(row, L, 1, pLast - pKey, counts);
        if (!L.IsDouble)
        {
            row[L.QPtrLo] = F.FromUInt64(e.QPtr & 0xFFFF);
            row[L.QPtrHi] = F.FromUInt64(e.QPtr >> 16);
            row[L.QKeyLo] = F.FromUInt64((e.QPtr & 0xFFFF) >> 3);
            counts.AddRange16((e.QPtr & 0xFFFF) >> 3);
            ulong qKey = e.QPtr >> 3;
            var (qFirst, qLast) = air.QKeyRange;
            if (qKey < qFirst || qKey > qLast)
                throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: Q lies outside RAM", nameof(e));
            Bound(row, L, 2, qKey - qFirst, counts);
            Bound(row, L, 3, qLast - qKey, counts);
        }

        // Operands: the inputs and the written result from the accesses, λ and w computed (reduced).
        var values = new Dictionary<int, byte[]>();
        byte[] Coordinate(int first, bool result)
        {
            var b = new byte[bytes];
            for (int i = 0; i < n; i++)
                BitConverter.TryWriteBytes(b.AsSpan(8 * i), result ? e.Accesses[first + i].Value : e.Accesses[first + i].PrevValue);
            return b;
        }
        values[L.X1] = Coordinate(0, false);
        values[L.Y1] = Coordinate(n, false);
        values[L.X3] = Coordinate(0, true);
        values[L.Y3] = Coordinate(n, true);
        if (!L.IsDouble)
        {
            values[L.X2] = Coordinate(2 * n, false);
            values[L.Y2] = Coordinate(3 * n, false);
        }
        var curve = L.Curve;
        BigInteger V(int operand) => new(values[operand], isUnsigned: true);
        BigInteger numerator, denominator;
        if (L.IsDouble)
        {
            numerator = curve.Mod(3 * V(L.X1) * V(L.X1));
            denominator = curve.Mod(2 * V(L.Y1));
        }
        else
        {
            numerator = curve.Mod(V(L.Y2) - V(L.Y1));
            denominator = curve.Mod(V(L.X2) - V(L.X1));
        }
        if (denominator.IsZero)
            throw new ArgumentException($"{air.Name} at clk {e.Timestamp}: the slope's denominator is 0 (the machine faults on this call)", nameof(e));
        var w = curve.Inverse(denominator);
        var lambda = curve.Mod(numerator * w);
        values[L.W] = ToBytes(w, bytes);
        values[L.Lambda] = ToBytes(lambda, bytes);

        foreach (int operand in L.Operands)
        {
            var v = values[operand];
            for (int k = 0; k < bytes; k++)
            {
                row[operand + k] = F.FromUInt64(v[k]);
                counts.AddRange8(v[k]);
            }
        }
        // A forged result (a cheating prover's) still gets a row: the identities' Populate reports it and the AIR rejects it.
        foreach (var identity in L.Identities)
            identity.Populate(row, operand => values[operand], counts);
        L.X3Reduced.Populate(row, values[L.X3], counts);
        L.Y3Reduced.Populate(row, values[L.Y3], counts);

        for (int j = 0; j < L.AccessCount; j++)
        {
            var a = e.Accesses[j];
            int at = L.Access(j);
            ulong prevTs = MemoryArgument.RamTimestamp(a.PrevTimestamp);
            row[at] = F.FromUInt64(MemoryArgument.Lo(prevTs));
            row[at + 1] = F.FromUInt64(MemoryArgument.Hi(prevTs));
            TimestampGadget.Populate(row, at + 2, ts, prevTs, counts);
        }
    }

    private static byte[] ToBytes(BigInteger v, int bytes)
    {
        var b = new byte[bytes];
        v.TryWriteBytes(b, out _, isUnsigned: true);
        return b;
    }

    private static void Bound<F>(Span<F> row, WeierstrassLayout layout, int index, ulong difference, LookupCounts counts) where F : struct, IField<F>
    {
        int at = layout.Bounds + index * WeierstrassLayout.BoundColumns;
        ulong lo = difference & 0xFFFF, hi = difference >> 16;
        row[at] = F.FromUInt64(lo);
        row[at + 1] = F.FromUInt64(hi);
        counts.AddRange16(lo);
        counts.AddRange16(hi << 5);
    }
}
