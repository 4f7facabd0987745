using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;
using SyscallNumbers = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Cpu;

/// <summary>
/// One executed instruction as the CPU chip sees it: the ROM entry, the register values read and
/// written, the ALU bus result (<see cref="AluA"/>: ALU result, branch condition, JALR target sum or
/// load/store address) and the next pc. <see cref="SyscallA1"/> is the value the syscall chip writes to
/// a1 at slot 2 (the input call), which the CPU does not prove but must account for in the register
/// file's timestamps.
/// </summary>
public readonly record struct CpuRow(uint Pc, long Clk, ProgramRow Ins, ulong Rs1Val, ulong Rs2Val, ulong RdVal, ulong AluA, uint NextPc, bool Taken,
    ulong? SyscallA1 = null, SyscallEvent? Syscall = null);

/// <summary>
/// CPU trace generation. <see cref="Rows"/> replays a shard: starting from <see cref="ShardStart"/>'s pc,
/// clk and registers it walks the code, taking each instruction's result from the next event of that
/// instruction's list (each list is in execution order, so following the pc merges the lists by
/// timestamp; AluEvent, BranchEvent and JumpEvent carry no clk), and keeps the register file to know
/// the values read. <see cref="Generate"/> fills the columns, including the memory-argument witnesses
/// (previous value and timestamp of each register access; registers start the shard with ts 0).
/// </summary>
public static class CpuTrace
{
    /// <summary>The shard's rows in execution order; <paramref name="inputSize"/> is what the input syscall leaves in a1 (not in the record).</summary>
    public static List<CpuRow> Rows<F>(ExecutionRecord record, ProgramTable<F> program, ulong inputSize = 0) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(program);
        var regs = (ulong[])record.Start.Registers.Clone();
        ulong pc = record.Start.Pc;
        long clk = record.Start.Clk;
        var aluNext = new int[Enum.GetValues<AluFamily>().Length];
        int branch = 0, jump = 0, mem = 0, sys = 0;
        var rows = new List<CpuRow>((int)record.Cycles);
        for (long i = 0; i < record.Cycles; i++, clk++)
        {
            var ins = program.At(pc);
            ulong v1 = regs[ins.Rs1], v2 = regs[ins.Rs2], rd = 0, a = 0;
            ulong next = pc + 4;
            bool taken = false;
            ulong? a1 = null;
            SyscallEvent? sysEvent = null;
            var cls = ins.Flags & (InstructionFlags)0xFF;
            switch (cls)
            {
                case InstructionFlags.Alu:
                {
                    var chip = OpcodeClasses.FamilyOf(ins.Op);
                    var e = record.AluList(chip)[aluNext[(int)chip]++];
                    Check(e.Pc == pc && e.Op == ins.Op, pc, clk);
                    (a, rd) = (e.A, e.A);
                    break;
                }
                case InstructionFlags.Branch:
                {
                    var e = Record(record.Branches, ref branch, pc, clk);
                    Check(e.Pc == pc, pc, clk);
                    taken = e.Taken;
                    a = taken ^ ins.Has(InstructionFlags.BranchNegate) ? 1UL : 0;
                    next = e.NextPc;
                    break;
                }
                case InstructionFlags.Jal or InstructionFlags.Jalr:
                {
                    var e = Record(record.Jumps, ref jump, pc, clk);
                    Check(e.Pc == pc, pc, clk);
                    next = e.NextPc;
                    rd = pc + 4;
                    if (cls == InstructionFlags.Jalr)
                        a = v1 + ins.Imm64;
                    break;
                }
                case InstructionFlags.Load or InstructionFlags.Store:
                {
                    var e = Record(record.MemoryInstructions, ref mem, pc, clk);
                    Check(e.Pc == pc && e.Timestamp == clk, pc, clk);
                    a = e.Address;
                    if (cls == InstructionFlags.Load)
                        rd = e.Value;
                    break;
                }
                case InstructionFlags.Ecall:
                {
                    var e = Record(record.Syscalls, ref sys, pc, clk);
                    Check(e.Pc == pc && e.Timestamp == clk, pc, clk);
                    if (e.Number == SyscallNumbers.Input)
                        regs[11] = (a1 = inputSize).Value;
                    rd = e.Result;
                    sysEvent = e;
                    break;
                }
                case InstructionFlags.Nop:
                    break;
                default:
                    throw new InvalidOperationException($"clk {clk}: {ins.Op} at 0x{pc:x} cannot execute");
            }
            if (ins.Has(InstructionFlags.WritesRd))
                regs[ins.Rd] = rd;
            rows.Add(new CpuRow((uint)pc, clk, ins, v1, v2, rd, a, (uint)next, taken, a1, sysEvent));
            pc = next;
        }
        return rows;
    }

    private static T Record<T>(List<T> list, ref int next, ulong pc, long clk)
    {
        Check(next < list.Count, pc, clk);
        return list[next++];
    }

    private static void Check(bool ok, ulong pc, long clk)
    {
        if (!ok)
            throw new InvalidOperationException($"clk {clk}, pc 0x{pc:x}: the execution record does not match the program");
    }

    /// <summary>
    /// The CPU trace of <paramref name="rows"/> (consecutive cycles of one shard) padded with zero rows,
    /// and its public values. Range16 lookups are added to <paramref name="counts"/>.
    /// <paramref name="startRegisters"/> are the register values at the shard's start (for the previous
    /// value of each write).
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<CpuRow> rows, IReadOnlyList<ulong> startRegisters, LookupCounts counts, out F[] publicValues)
        where F : struct, IField<F> =>
        Generate(rows, new RegisterFile(startRegisters), counts, out publicValues, null);

    /// <summary>
    /// The same for one shard of an execution: <paramref name="registers"/> holds the values and last-access
    /// timestamps when the shard starts and is advanced to its end (the next shard continues from it).
    /// Each ECALL row's state of a1/a2 before the syscall chip's slot-2 accesses is appended to
    /// <paramref name="syscalls"/>, and those accesses (the input call's a1 write, the commit call's a1 read,
    /// write's a2 read) are applied to the register file. One pass, row after row: the reference for
    /// <see cref="Witnesses"/> with <see cref="Fill{F}"/>.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<CpuRow> rows, RegisterFile registers, LookupCounts counts, out F[] publicValues,
        List<SyscallRow>? syscalls) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(registers);
        ArgumentNullException.ThrowIfNull(counts);
        if (rows.Count == 0)
            throw new ArgumentException("a shard has at least one row", nameof(rows));
        var m = new RowMajorMatrix<F>(Word.TraceHeight(rows.Count), CpuCols.Width);
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var w = registers.Advance(r, syscalls);
            WriteRow(m.Row(i), r, w, counts);
        }
        publicValues = PublicValues<F>(rows);
        return m;
    }

    /// <summary>
    /// The register file's part of each row (previous timestamps and rd's previous value), advancing
    /// <paramref name="registers"/> and appending the ECALL rows to <paramref name="syscalls"/> exactly as
    /// <see cref="Generate{F}(IReadOnlyList{CpuRow}, RegisterFile, LookupCounts, out F[], List{SyscallRow}?)"/> does: the
    /// one sequential dependency of the CPU trace, so that <see cref="Fill{F}"/> can write the rows in any order.
    /// </summary>
    internal static CpuRowWitness[] Witnesses(IReadOnlyList<CpuRow> rows, RegisterFile registers, List<SyscallRow>? syscalls)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(registers);
        if (rows.Count == 0)
            throw new ArgumentException("a shard has at least one row", nameof(rows));
        var witnesses = new CpuRowWitness[rows.Count];
        for (int i = 0; i < rows.Count; i++)
            witnesses[i] = registers.Advance(rows[i], syscalls);
        return witnesses;
    }

    /// <summary>
    /// The CPU trace from the rows and their <see cref="Witnesses"/>: rows written in parallel chunks (each worker counting
    /// its lookups into its own collector, added into <paramref name="counts"/>), the same matrix and counts as
    /// <see cref="Generate{F}(IReadOnlyList{CpuRow}, RegisterFile, LookupCounts, out F[], List{SyscallRow}?)"/>.
    /// </summary>
    internal static RowMajorMatrix<F> Fill<F>(IReadOnlyList<CpuRow> rows, CpuRowWitness[] witnesses, LookupCounts counts) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(witnesses);
        ArgumentNullException.ThrowIfNull(counts);
        if (witnesses.Length != rows.Count)
            throw new ArgumentException("one witness per row", nameof(witnesses));
        var m = new RowMajorMatrix<F>(Word.TraceHeight(rows.Count), CpuCols.Width);
        int chunks = (rows.Count + FillChunkRows - 1) / FillChunkRows;
        void Chunk(int chunk, LookupCounts into)
        {
            int end = Math.Min(rows.Count, (chunk + 1) * FillChunkRows);
            for (int i = chunk * FillChunkRows; i < end; i++)
                WriteRow(m.Row(i), rows[i], witnesses[i], into);
        }
        if (chunks <= 1)
            Chunk(0, counts);
        else
            LookupCounts.For(0, chunks, counts, Chunk);
        return m;
    }

    /// <summary>Rows per parallel chunk of <see cref="Fill{F}"/>.</summary>
    private const int FillChunkRows = 1 << 13;

    /// <summary>The CPU table's public values: the first row's pc and clk, the pc and clk after the last row.</summary>
    internal static F[] PublicValues<F>(IReadOnlyList<CpuRow> rows) where F : struct, IField<F>
    {
        var first = rows[0];
        var last = rows[^1];
        long end = last.Clk + 1;
        return
        [
            F.FromUInt64(first.Pc & 0xFFFF), F.FromUInt64(first.Pc >> 16), F.FromUInt64((ulong)first.Clk & 0x3FFF), F.FromUInt64((ulong)first.Clk >> 14),
            F.FromUInt64(last.NextPc & 0xFFFF), F.FromUInt64(last.NextPc >> 16), F.FromUInt64((ulong)end & 0x3FFF), F.FromUInt64((ulong)end >> 14),
        ];
    }

    /// <summary>Writes one row's columns from the row and its register witness, counting its lookups.</summary>
    private static void WriteRow<F>(Span<F> row, in CpuRow r, in CpuRowWitness w, LookupCounts counts) where F : struct, IField<F>
    {
        var ins = r.Ins;
        Set(row, CpuCols.PcLo, r.Pc & 0xFFFF);
        Set(row, CpuCols.PcHi, r.Pc >> 16);
        Set(row, CpuCols.Opcode, (ulong)ins.Op);
        Set(row, CpuCols.Rd, (ulong)ins.Rd);
        Set(row, CpuCols.Rs1, (ulong)ins.Rs1);
        Set(row, CpuCols.Rs2, (ulong)ins.Rs2);
        Set(row, CpuCols.ImmLo, ins.ImmLo);
        Set(row, CpuCols.ImmHi, ins.ImmHi);
        for (int k = 0; k < CpuCols.FlagCount; k++)
            Set(row, CpuCols.Flags + k, ((uint)ins.Flags >> k) & 1);

        ulong q = (ulong)r.Clk & 0x3FFF, hi = (ulong)r.Clk >> 14;
        Set(row, CpuCols.ClkQ, q);
        Set(row, CpuCols.ClkHi, hi);
        Set(row, CpuCols.ClkCarry, q == 0x3FFF ? 1UL : 0);
        // The inverse of q − (2^14 − 1), 0 where q = 2^14 − 1 (the carry row: the constraint reads 0 = 1 − 1 there).
        row[CpuCols.ClkInv] = ClkInverses<F>.Table[q];

        Set(row, CpuCols.NextPcLo, r.NextPc & 0xFFFF);
        Set(row, CpuCols.NextPcHi, r.NextPc >> 16);
        bool isJalr = ins.Has(InstructionFlags.Jalr);
        if (!isJalr)
        {
            bool jump = ins.Has(InstructionFlags.Jal) || r.Taken;
            ulong offLo = jump ? ins.ImmLo : 4, offHi = jump ? ins.ImmHi : 0;
            ulong lo = (r.Pc & 0xFFFF) + offLo;
            ulong c0 = lo >> 16;
            ulong h = (r.Pc >> 16) + offHi + c0;
            Set(row, CpuCols.PcCarry0, c0);
            Set(row, CpuCols.PcCarry1, h >> 16);
        }
        else
        {
            Set(row, CpuCols.JalrBit, r.AluA & 1);
        }
        if (ins.Has(InstructionFlags.Jal) || isJalr)
        {
            Set(row, CpuCols.LinkCarry, ((r.Pc & 0xFFFF) + 4) >> 16);
            counts.AddRange16(Word.Limb(r.RdVal, 0));
        }

        Word.Write(row, CpuCols.Rs1Val, r.Rs1Val);
        Word.Write(row, CpuCols.Rs2Val, r.Rs2Val);
        Word.Write(row, CpuCols.RdVal, r.RdVal);
        Word.Write(row, CpuCols.AluA, r.AluA);
        if (ins.Has(InstructionFlags.BranchEq) && r.AluA == 0)
        {
            // rs1 ≠ rs2: invert the first differing limb.
            for (int k = 0; k < 4; k++)
            {
                var diff = F.FromUInt64(Word.Limb(r.Rs1Val, k)) - F.FromUInt64(Word.Limb(r.Rs2Val, k));
                if (!diff.IsZero)
                {
                    row[CpuCols.EqInv + k] = diff.Inverse();
                    break;
                }
            }
        }
        Set(row, CpuCols.Taken, r.Taken ? 1UL : 0);

        long ts = 4 * r.Clk;
        WriteAccess(row, 0, w.Prev0, ts, counts);
        WriteAccess(row, 1, w.Prev1, ts + 1, counts);
        if (ins.Has(InstructionFlags.WritesRd))
        {
            Word.Write(row, CpuCols.RdPrev, w.RdPrev);
            WriteAccess(row, 2, w.Prev2, ts + 3, counts);
        }
    }

    private static void Set<F>(Span<F> row, int column, ulong value) where F : struct, IField<F> => row[column] = F.FromUInt64(value);

    /// <summary>Fills access <paramref name="index"/>'s witnesses: previous timestamp pieces and the <see cref="TimestampGadget"/> columns.</summary>
    private static void WriteAccess<F>(Span<F> row, int index, long prev, long ts, LookupCounts counts) where F : struct, IField<F>
    {
        int c = CpuCols.Access + index * CpuCols.AccessWidth;
        row[c] = F.FromUInt64((ulong)prev & 0xFFFF);
        row[c + 1] = F.FromUInt64((ulong)prev >> 16);
        TimestampGadget.Populate(row, c + 2, (ulong)ts, (ulong)prev, counts);
    }
}

/// <summary>The CPU's <see cref="CpuCols.ClkInv"/> witness for each clk_q: 1/(q − (2^14 − 1)), and 0 at q = 2^14 − 1.</summary>
internal static class ClkInverses<F> where F : struct, IField<F>
{
    public static readonly F[] Table = Build();

    private static F[] Build()
    {
        var table = new F[1 << 14];
        var m = F.FromUInt64((1 << 14) - 1);
        for (int q = 0; q < table.Length - 1; q++)
            table[q] = (F.FromUInt64((ulong)q) - m).Inverse();
        return table;
    }
}
