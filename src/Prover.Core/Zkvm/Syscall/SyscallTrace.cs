using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;
using SyscallNumber = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Syscall;

/// <summary>Previous value and previous timestamp (contract ts units, 4·clk + slot) of a register as the syscall found it.</summary>
public readonly record struct RegisterWitness(ulong PrevValue, ulong PrevTimestamp);

/// <summary>
/// One ECALL with the memory-argument witnesses of the registers the chip accesses: x11 (read by commit,
/// written by input) and x12 (read by write). Witnesses of registers a syscall does not access are ignored.
/// </summary>
public readonly record struct SyscallRow(SyscallEvent Event, RegisterWitness X11, RegisterWitness X12);

/// <summary>Trace generation for <see cref="SyscallAir{F}"/>.</summary>
public static class SyscallTrace
{
    /// <summary>
    /// One row per ECALL (the event's Result is taken as the claimed result: a wrong one yields a trace
    /// that fails the AIR), zero padding rows up to <see cref="Word.TraceHeight"/>. Counts the Range16 and
    /// RANGE8 lookups in <paramref name="counts"/>; <paramref name="publicValues"/> receives the input size
    /// as (lo, hi). Throws <see cref="ArgumentException"/> for a syscall the chip cannot prove (exit_group,
    /// a write to an fd other than 1 and 2, unknown numbers) and for witnesses that contradict the event.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<SyscallRow> rows, ulong inputSize, LookupCounts counts, out F[] publicValues)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputSize, uint.MaxValue);
        publicValues = [F.FromUInt64(MemoryArgument.Lo(inputSize)), F.FromUInt64(MemoryArgument.Hi(inputSize))];
        var trace = new RowMajorMatrix<F>(Word.TraceHeight(rows.Count), SyscallCols.Width);
        for (int r = 0; r < rows.Count; r++)
            Populate(trace.Row(r), rows[r], inputSize, counts);
        return trace;
    }

    private static void Populate<F>(Span<F> row, SyscallRow syscall, ulong inputSize, LookupCounts counts) where F : struct, IField<F>
    {
        var e = syscall.Event;
        int selector = SyscallCols.Numbers.IndexOf(e.Number);
        if (e.Number == SyscallNumber.KeccakPermute)
            row[SyscallCols.IsKeccak] = F.One;
        else if (e.Number == SyscallNumber.Sha256Compress)
            row[SyscallCols.IsSha256Compress] = F.One;
        else if (SyscallCols.WeierstrassNumbers.IndexOf(e.Number) is int point and >= 0)
            row[SyscallCols.IsWeierstrass + point] = F.One;
        else if (selector < 0)
            throw new ArgumentException($"syscall {e.Number} at pc 0x{e.Pc:x} (clk {e.Timestamp}) cannot be proven by the syscall chip", nameof(syscall));
        else
            row[SyscallCols.SelectorColumn(selector)] = F.One;
        Word.Write(row, SyscallCols.A7, e.Number);
        Word.Write(row, SyscallCols.A0, e.A0);
        Word.Write(row, SyscallCols.Result, e.Result);
        ulong ts = MemoryArgument.RamTimestamp(e.Timestamp);
        row[SyscallCols.TsLo] = F.FromUInt64(MemoryArgument.Lo(ts));
        row[SyscallCols.TsHi] = F.FromUInt64(MemoryArgument.Hi(ts));

        switch (e.Number)
        {
            case SyscallNumber.Write:
                if (e.A0 is not (1 or 2))
                    throw new ArgumentException($"write to fd {e.A0} at clk {e.Timestamp}: only fds 1 and 2 can be proven", nameof(syscall));
                if (syscall.X12.PrevValue != e.A2)
                    throw new ArgumentException($"x12 witness {syscall.X12.PrevValue} differs from the event's a2 {e.A2} (clk {e.Timestamp})", nameof(syscall));
                Access(row, SyscallCols.X12Prev, SyscallCols.X12PrevTsLo, SyscallCols.X12Gadget, syscall.X12, ts, counts);
                break;
            case SyscallNumber.Input:
                if (syscall.X11.PrevValue != e.A1)
                    throw new ArgumentException($"x11 witness {syscall.X11.PrevValue} differs from the event's a1 {e.A1} (clk {e.Timestamp})", nameof(syscall));
                Access(row, SyscallCols.X11Prev, SyscallCols.X11PrevTsLo, SyscallCols.X11Gadget, syscall.X11, ts, counts);
                Word.Write(row, SyscallCols.X11New, inputSize);
                break;
            case SyscallNumber.Commit:
                if (syscall.X11.PrevValue != e.A1)
                    throw new ArgumentException($"x11 witness {syscall.X11.PrevValue} differs from the event's a1 {e.A1} (clk {e.Timestamp})", nameof(syscall));
                if (e.A1 > 0xFF)
                    throw new ArgumentException($"commit of {e.A1} at clk {e.Timestamp}: not a byte", nameof(syscall));
                Access(row, SyscallCols.X11Prev, SyscallCols.X11PrevTsLo, SyscallCols.X11Gadget, syscall.X11, ts, counts);
                Word.Write(row, SyscallCols.X11New, syscall.X11.PrevValue);
                counts.AddRange8(e.A1);
                break;
            case SyscallNumber.ModMul256 or SyscallNumber.ModMul384 or SyscallNumber.Sha256Compress or SyscallNumber.Secp256k1Add
                or SyscallNumber.Bn254Add or SyscallNumber.Bls12381Add:
                if (syscall.X11.PrevValue != e.A1)
                    throw new ArgumentException($"x11 witness {syscall.X11.PrevValue} differs from the event's a1 {e.A1} (clk {e.Timestamp})", nameof(syscall));
                Access(row, SyscallCols.X11Prev, SyscallCols.X11PrevTsLo, SyscallCols.X11Gadget, syscall.X11, ts, counts);
                Word.Write(row, SyscallCols.X11New, syscall.X11.PrevValue);
                break;
        }
    }

    /// <summary>Writes prev value, prev ts and the timestamp gadget of one register access; counts the ts and gadget lookups.</summary>
    private static void Access<F>(Span<F> row, int prev, int prevTsLo, int gadget, RegisterWitness witness, ulong ts, LookupCounts counts)
        where F : struct, IField<F>
    {
        Word.Write(row, prev, witness.PrevValue);
        row[prevTsLo] = F.FromUInt64(MemoryArgument.Lo(witness.PrevTimestamp));
        row[prevTsLo + 1] = F.FromUInt64(MemoryArgument.Hi(witness.PrevTimestamp));
        TimestampGadget.Populate(row, gadget, ts, witness.PrevTimestamp, counts);
    }
}
