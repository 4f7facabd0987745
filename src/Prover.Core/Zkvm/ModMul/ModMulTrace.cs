using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.ModMul;

/// <summary>Trace generation for <see cref="ModMulAir{F}"/>.</summary>
public static class ModMulTrace
{
    /// <summary>
    /// One row per event of the chip's limb count (others are skipped), zero padding to <see cref="Word.TraceHeight"/>;
    /// counts the Range16 and RANGE8 lookups. The result written is the one in the event's accesses (a wrong one yields a
    /// trace that fails the AIR). Throws <see cref="ArgumentException"/> for an event the chip cannot prove (the machine
    /// faults on those).
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(ModMulAir<F> air, IReadOnlyList<ModMulEvent> events, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        var L = air.Layout;
        var mine = events.Where(e => e.Limbs == L.Limbs).ToList();
        var trace = new RowMajorMatrix<F>(Word.TraceHeight(mine.Count), L.Width);
        for (int r = 0; r < mine.Count; r++)
            Populate(air, trace.Row(r), mine[r], counts);
        return trace;
    }

    private static void Populate<F>(ModMulAir<F> air, Span<F> row, ModMulEvent e, LookupCounts counts) where F : struct, IField<F>
    {
        var L = air.Layout;
        int n = L.Limbs, bytes = L.Bytes;
        if (e.Accesses.Length != 3 * n)
            throw new ArgumentException($"modmul at clk {e.Timestamp}: {e.Accesses.Length} accesses, expected {3 * n}", nameof(e));
        for (int j = 0; j < 3 * n; j++)
        {
            ulong expected = j < n ? e.XPtr + 8 * (ulong)j : e.YmPtr + 8 * (ulong)(j - n);
            var a = e.Accesses[j];
            if (a.Address != expected || a.Timestamp != e.Timestamp || (j >= n && a.Value != a.PrevValue))
                throw new ArgumentException($"modmul at clk {e.Timestamp}: access {j} does not match the call", nameof(e));
        }
        row[L.IsReal] = F.One;
        ulong ts = MemoryArgument.RamTimestamp(e.Timestamp);
        row[L.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[L.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));
        if (e.XPtr >> 32 != 0 || e.YmPtr >> 32 != 0 || (e.XPtr & 7) != 0 || (e.YmPtr & 7) != 0)
            throw new ArgumentException($"modmul at clk {e.Timestamp}: pointers must be 8-aligned and below 2^32", nameof(e));
        row[L.XPtrLo] = F.FromUInt64(e.XPtr & 0xFFFF);
        row[L.XPtrHi] = F.FromUInt64(e.XPtr >> 16);
        row[L.YmPtrLo] = F.FromUInt64(e.YmPtr & 0xFFFF);
        row[L.YmPtrHi] = F.FromUInt64(e.YmPtr >> 16);
        row[L.XKeyLo] = F.FromUInt64((e.XPtr & 0xFFFF) >> 3);
        row[L.YmKeyLo] = F.FromUInt64((e.YmPtr & 0xFFFF) >> 3);
        counts.AddRange16((e.XPtr & 0xFFFF) >> 3);
        counts.AddRange16((e.YmPtr & 0xFFFF) >> 3);

        ulong xKey = e.XPtr >> 3, ymKey = e.YmPtr >> 3;
        var (xFirst, xLast) = air.XKeyRange;
        var (ymFirst, ymLast) = ModMulAir<F>.YmKeyRange(n);
        if (xKey < xFirst || xKey > xLast || ymKey < ymFirst || ymKey > ymLast)
            throw new ArgumentException($"modmul at clk {e.Timestamp}: an operand lies outside the memory it may use", nameof(e));
        Bound(row, L, 0, xKey - xFirst, counts);
        Bound(row, L, 1, xLast - xKey, counts);
        Bound(row, L, 2, ymKey - ymFirst, counts);
        Bound(row, L, 3, ymLast - ymKey, counts);

        Span<byte> x = stackalloc byte[bytes], y = stackalloc byte[bytes], m = stackalloc byte[bytes], r = stackalloc byte[bytes];
        for (int j = 0; j < n; j++)
        {
            BitConverter.TryWriteBytes(x[(8 * j)..], e.Accesses[j].PrevValue);
            BitConverter.TryWriteBytes(r[(8 * j)..], e.Accesses[j].Value);
            BitConverter.TryWriteBytes(y[(8 * j)..], e.Accesses[n + j].Value);
            BitConverter.TryWriteBytes(m[(8 * j)..], e.Accesses[2 * n + j].Value);
        }
        var xv = new BigInteger(x, isUnsigned: true);
        var yv = new BigInteger(y, isUnsigned: true);
        var mv = new BigInteger(m, isUnsigned: true);
        var rv = new BigInteger(r, isUnsigned: true);
        if (mv.IsZero)
            throw new ArgumentException($"modmul at clk {e.Timestamp}: modulus 0", nameof(e));
        var qv = BigInteger.Divide(xv * yv - rv, mv);
        // A result other than x·y mod m (a cheating prover's) still gets a row: the AIR rejects it. Only the quotient's
        // size is a hard limit of the layout.
        if (qv.Sign < 0 || qv.GetByteCount(isUnsigned: true) > bytes)
            throw new ArgumentException($"modmul at clk {e.Timestamp}: the quotient does not fit {bytes} bytes", nameof(e));
        Span<byte> q = stackalloc byte[bytes];
        q.Clear();
        qv.TryWriteBytes(q, out _, isUnsigned: true);
        var dv = mv - 1 - rv;
        Span<byte> d = stackalloc byte[bytes];
        d.Clear();
        if (dv.Sign >= 0)
            dv.TryWriteBytes(d, out _, isUnsigned: true);

        Put(row, L.X, x, counts);
        Put(row, L.Y, y, counts);
        Put(row, L.M, m, counts);
        Put(row, L.R, r, counts);
        Put(row, L.Q, q, counts);
        Put(row, L.D, d, counts);

        // Carries of x(X)·y(X) − r(X) − q(X)·m(X) = (X − 256)·c(X): coefficient_k = c_{k−1} − 256·c_k, so
        // c_k = (c_{k−1} − coefficient_k) / 256, exact.
        long carry = 0;
        for (int k = 0; k < L.CarryCount; k++)
        {
            long coefficient = k < bytes ? -r[k] : 0;
            for (int i = Math.Max(0, k - bytes + 1); i <= Math.Min(k, bytes - 1); i++)
                coefficient += (long)x[i] * y[k - i] - (long)q[i] * m[k - i];
            long total = carry - coefficient;
            carry = total >> 8; // exact when the identity holds; otherwise the AIR rejects the row
            row[L.Carries + k] = FromSigned<F>(carry);
            counts.AddRange16((ulong)(carry + ModMulAir<F>.CarryOffset));
        }

        // Borrows of r + d + 1 = m.
        int borrow = 1;
        for (int k = 0; k < bytes - 1; k++)
        {
            int sum = r[k] + d[k] + borrow;
            borrow = sum >> 8;
            row[L.Borrows + k] = F.FromUInt64((ulong)borrow);
        }

        for (int j = 0; j < 3 * n; j++)
        {
            var a = e.Accesses[j];
            int at = L.Access(j);
            ulong prevTs = MemoryArgument.RamTimestamp(a.PrevTimestamp);
            row[at] = F.FromUInt64(MemoryArgument.Lo(prevTs));
            row[at + 1] = F.FromUInt64(MemoryArgument.Hi(prevTs));
            TimestampGadget.Populate(row, at + 2, ts, prevTs, counts);
        }
    }

    private static void Put<F>(Span<F> row, int operand, ReadOnlySpan<byte> v, LookupCounts counts) where F : struct, IField<F>
    {
        for (int k = 0; k < v.Length; k++)
        {
            row[operand + k] = F.FromUInt64(v[k]);
            counts.AddRange8(v[k]);
        }
    }

    private static F FromSigned<F>(long v) where F : struct, IField<F> =>
        v >= 0 ? F.FromUInt64((ulong)v) : F.Zero - F.FromUInt64((ulong)-v);

    private static void Bound<F>(Span<F> row, ModMulLayout layout, int index, ulong difference, LookupCounts counts) where F : struct, IField<F>
    {
        int at = layout.Bounds + index * ModMulLayout.BoundColumns;
        ulong lo = difference & 0xFFFF, hi = difference >> 16;
        row[at] = F.FromUInt64(lo);
        row[at + 1] = F.FromUInt64(hi);
        counts.AddRange16(lo);
        counts.AddRange16(hi << 5);
    }
}
