using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Test-only stand-in for the chips the CPU talks to: each row sends its tuple with the multiplicity in
/// column 0 (−1 receives). The tuples come from the machine's events and RISC-V semantics, never from
/// the CPU trace generator, so a CPU trace that claims anything else leaves its bus unbalanced.
/// </summary>
internal sealed class StandInAir(int bus, int tupleWidth, string name) : IAir<KoalaBear>
{
    public string Name => name;

    public int Width => tupleWidth + 1;

    public void Eval(AirBuilder<KoalaBear> builder) =>
        builder.Send(bus, [.. Enumerable.Range(1, tupleWidth).Select(i => builder.Local[i])], builder.Local[0]);

    public static RowMajorMatrix<KoalaBear> Trace(IReadOnlyList<(long M, ulong[] Tuple)> rows, int tupleWidth)
    {
        var m = new RowMajorMatrix<KoalaBear>(Word.TraceHeight(rows.Count), tupleWidth + 1);
        for (int r = 0; r < rows.Count; r++)
        {
            m[r, 0] = rows[r].M >= 0 ? KoalaBear.FromUInt64((ulong)rows[r].M) : -KoalaBear.FromUInt64((ulong)-rows[r].M);
            for (int j = 0; j < tupleWidth; j++)
                m[r, j + 1] = KoalaBear.FromUInt64(rows[r].Tuple[j]);
        }
        return m;
    }
}

public sealed class CpuTests
{
    private const ulong Code = MemoryMap.RamBase;

    /// <summary>Index → pc of the test program below.</summary>
    private static uint Pc(int i) => (uint)(Code + 4 * (ulong)i);

    /// <summary>ALU (register and immediate forms, M), LUI/AUIPC, SD/LD, every branch kind taken and not, JAL, JALR, FENCE, a write to x0, exit.</summary>
    private static readonly uint[] Listing =
    [
        Asm.Addi(1, 0, 5),        // 0: x1 = 5
        Asm.Addi(2, 0, -3),       // 1: x2 = −3
        Asm.Add(3, 1, 2),         // 2: x3 = 2
        Asm.Sub(4, 2, 1),         // 3: x4 = −8
        Asm.Lui(5, 0x20000),      // 4: x5 = 0x20000 (RAM above the code)
        Asm.Sd(4, 5, 8),          // 5: [x5 + 8] = −8
        Asm.Ld(6, 5, 8),          // 6: x6 = −8
        Asm.Auipc(7, 0x1000),     // 7: x7 = pc + 0x1000
        Asm.Beq(1, 1, 8),         // 8: taken → 10
        Asm.Addi(8, 0, 1),        // 9: skipped
        Asm.Bne(1, 1, 8),         // 10: not taken
        Asm.Blt(2, 1, 8),         // 11: −3 < 5 taken → 13
        Asm.Addi(8, 0, 2),        // 12: skipped
        Asm.Bgeu(2, 1, 8),        // 13: 2^64 − 3 ≥ 5 taken → 15
        Asm.Addi(8, 0, 3),        // 14: skipped
        Asm.Jal(9, 8),            // 15: → 17, x9 = pc(16)
        Asm.Addi(8, 0, 4),        // 16: skipped
        Asm.Auipc(10, 0),         // 17: x10 = pc(17)
        Asm.Jalr(11, 10, 13),     // 18: → (pc(17) + 13) & ~1 = pc(20), x11 = pc(19)
        Asm.Addi(8, 0, 5),        // 19: skipped
        Asm.Fence,                // 20
        Asm.Mul(12, 1, 2),        // 21: x12 = −15
        Asm.Bltu(1, 0, -8),       // 22: 5 <u 0 is false: not taken
        Asm.Addi(0, 1, 7),        // 23: writes x0: discarded
        Asm.Addi(10, 3, -2),      // 24: a0 = x3 − 2 = 0
        Asm.Addi(17, 0, 93),      // 25: a7 = exit
        Asm.Ecall,                // 26
    ];

    /// <summary>The pcs RISC-V semantics prescribe for <see cref="Listing"/> (by hand from the listing).</summary>
    private static readonly int[] Path = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 15, 17, 18, 20, 21, 22, 23, 24, 25, 26];

    private sealed record Run(GuestProgram Program, ExecutionRecord Record, ulong[] FinalRegisters, int ExitCode);

    private static Run Execute(uint[] words)
    {
        var program = GuestProgram.FromWords(words);
        using var m = new Prover.Core.Machine.Machine(program);
        var (result, shards) = m.RunTraced();
        Assert.Single(shards);
        return new Run(program, shards[0], [.. Enumerable.Range(0, 32).Select(r => m.GetRegister(r))], result.ExitCode);
    }

    private static ulong[] Limbs(ulong w) => [Word.Limb(w, 0), Word.Limb(w, 1), Word.Limb(w, 2), Word.Limb(w, 3)];

    private static bool Lt(ulong a, ulong b, bool signed) => signed ? (long)a < (long)b : a < b;

    /// <summary>
    /// What the CPU asks of the ALU chips, from the machine's events (results computed by the emulator)
    /// and RISC-V semantics: every ALU event, the comparison of each BLT/BGE/BLTU/BGEU, and the sums
    /// rs1 + imm of JALR and of loads and stores.
    /// </summary>
    private static List<AluEvent> AluEvents(Run run)
    {
        var r = run.Record;
        var list = new List<AluEvent>();
        list.AddRange(r.AddSub.Concat(r.Bitwise).Concat(r.Shift).Concat(r.Compare).Concat(r.Mul).Concat(r.DivRem).Concat(r.UpperImmediate));
        foreach (var e in r.Branches)
            if (e.Op is Opcode.Blt or Opcode.Bge or Opcode.Bltu or Opcode.Bgeu)
            {
                bool signed = e.Op is Opcode.Blt or Opcode.Bge;
                list.Add(new AluEvent(e.Pc, signed ? Opcode.Slt : Opcode.Sltu, Lt(e.A, e.B, signed) ? 1UL : 0, e.A, e.B));
            }
        foreach (var e in r.Jumps)
            if (e.Op == Opcode.Jalr)
                list.Add(new AluEvent(e.Pc, Opcode.Add, e.Base + (ulong)(long)e.Imm, e.Base, (ulong)(long)e.Imm));
        foreach (var e in r.MemoryInstructions)
        {
            ulong imm = (ulong)(long)Decoder.Decode(run.Program.Words[(e.Pc - Code) / 4]).Imm;
            list.Add(new AluEvent(e.Pc, Opcode.Add, e.Address, e.Address - imm, imm));
        }
        return list;
    }

    private static List<(long, ulong[])> AluTuples(IEnumerable<AluEvent> events) =>
        [.. events.Select(e => (-1L, (ulong[])[(ulong)e.Op, .. Limbs(e.A), .. Limbs(e.B), .. Limbs(e.C)]))];

    /// <summary>Register init (x_r, start value, ts 0) and final (x_r, final value, last access ts) for every register the executed instructions name.</summary>
    private static List<(long, ulong[])> RegisterTuples(Run run, IEnumerable<(long Clk, ProgramRow Ins)> executed)
    {
        var last = new Dictionary<int, long>();
        foreach (var (clk, ins) in executed)
        {
            last[ins.Rs1] = 4 * clk;
            last[ins.Rs2] = 4 * clk + 1;
            if (ins.Has(InstructionFlags.WritesRd))
                last[ins.Rd] = 4 * clk + 3;
        }
        var list = new List<(long, ulong[])>();
        foreach (var (reg, ts) in last.OrderBy(x => x.Key))
        {
            ulong key = CpuAir<KoalaBear>.RegisterKeyBase + (ulong)reg;
            list.Add((1, [key, .. Limbs(run.Record.Start.Registers[reg]), 0, 0]));
            list.Add((-1, [key, .. Limbs(run.FinalRegisters[reg]), (ulong)ts & 0xFFFF, (ulong)ts >> 16]));
        }
        return list;
    }

    private static List<(long, ulong[])> LoadStoreTuples(ExecutionRecord r) =>
        [.. r.MemoryInstructions.Select(e => (-1L, (ulong[])[(ulong)e.Op, e.Address & 0xFFFF, e.Address >> 16, .. Limbs(e.Value), (ulong)(4 * e.Timestamp + 2) & 0xFFFF, (ulong)(4 * e.Timestamp + 2) >> 16]))];

    private static List<(long, ulong[])> SyscallTuples(ExecutionRecord r) =>
        [.. r.Syscalls.Select(e => (-1L, (ulong[])[.. Limbs(e.Number), .. Limbs(e.A0), .. Limbs(e.Result), (ulong)(4 * e.Timestamp + 2) & 0xFFFF, (ulong)(4 * e.Timestamp + 2) >> 16]))];

    private sealed record Statement(IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics);

    /// <summary>
    /// CPU + Program table + Range16 (a subset of the real table) + stand-ins for ALU, load/store,
    /// syscall and register init/final built from <paramref name="semantics"/> (the machine's run).
    /// <paramref name="rom"/> is the program whose ROM is committed.
    /// </summary>
    private static Statement Build(Run semantics, GuestProgram rom, IReadOnlyList<CpuRow> rows)
    {
        var table = new ProgramTable<KoalaBear>(rom);
        var counts = new LookupCounts();
        var cpu = CpuTrace.Generate<KoalaBear>(rows, semantics.Record.Start.Registers, counts, out var publics);
        var programTrace = new RowMajorMatrix<KoalaBear>(table.Height, 1);
        foreach (var r in rows)
        {
            int i = (int)((r.Pc - Code) / 4);
            if (i < table.Rows.Count)
                programTrace[i, 0] += KoalaBear.One;
        }
        var (range, rangeTrace) = SubsetTableAir.Range16(counts);
        var registers = RegisterTuples(semantics, semantics.Program.Words.Length == 0 ? [] :
            rows.Select(r => (r.Clk, ProgramRow.Decode(r.Pc, semantics.Program.Words[(r.Pc - Code) / 4]))));
        return new Statement(
            [new CpuAir<KoalaBear>(), table, range,
                new StandInAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "alu-stand-in"),
                new StandInAir(ZkvmBus.Memory, 7, "registers-init-final-stand-in"),
                new StandInAir(ZkvmBus.LoadStore, ZkvmBus.LoadStoreTupleWidth, "load-store-stand-in"),
                new StandInAir(ZkvmBus.Syscall, 14, "syscall-stand-in")],
            [cpu, programTrace, rangeTrace,
                StandInAir.Trace(AluTuples(AluEvents(semantics)), ZkvmBus.AluTupleWidth),
                StandInAir.Trace(registers, 7),
                StandInAir.Trace(LoadStoreTuples(semantics.Record), ZkvmBus.LoadStoreTupleWidth),
                StandInAir.Trace(SyscallTuples(semantics.Record), 14)],
            [publics, [], [], [], [], [], []]);
    }

    private static Statement Honest(out Run run, out List<CpuRow> rows)
    {
        run = Execute(Listing);
        rows = CpuTrace.Rows(run.Record, new ProgramTable<KoalaBear>(run.Program));
        return Build(run, run.Program, rows);
    }

    private static readonly StarkConfig Config = ZkvmProving.Config;

    private static bool Verifies(Statement s, bool checkConstraints = true)
    {
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config) { CheckConstraints = checkConstraints }.Prove(s.Airs, s.Traces, s.Publics);
        return new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(s.Airs, proof).IsValid;
    }

    private static ConstraintViolation? Violation(Statement s) => AirChecker.FindViolation(s.Airs[0], s.Traces[0], s.Publics[0]);

    /// <summary>The prover refuses (trace check or bus balance) and a proof made without its checks is rejected.</summary>
    private static void AssertRejected(Statement s)
    {
        Assert.Throws<ArgumentException>(() => Verifies(s));
        bool valid;
        try
        {
            valid = Verifies(s, checkConstraints: false);
        }
        catch (InvalidOperationException)
        {
            valid = false; // a LogUp fingerprint vanished: no proof at all
        }
        Assert.False(valid);
    }

    [Fact]
    public void Program_table_decodes_the_code_and_pads_with_unmatchable_rows()
    {
        var table = new ProgramTable<KoalaBear>(GuestProgram.FromWords(Listing));
        Assert.Equal(27, table.Rows.Count);
        Assert.Equal(32, table.Height);
        var addi = table.At(Pc(1));
        Assert.Equal((Opcode.Addi, 2, 0, -3), (addi.Op, addi.Rd, addi.Rs1, addi.Imm));
        Assert.Equal(InstructionFlags.Alu | InstructionFlags.ImmC | InstructionFlags.ImmNeg | InstructionFlags.WritesRd, addi.Flags);
        Assert.Equal([Pc(1) & 0xFFFF, Pc(1) >> 16, (ulong)Opcode.Addi, 2, 0, 0, 0xFFFD, 0xFFFF, (ulong)addi.Flags], addi.Tuple());
        var bge = table.At(Pc(11));
        Assert.Equal(8, bge.Imm); // byte offset, not the interpreter's instruction offset
        Assert.Equal(InstructionFlags.Branch | InstructionFlags.BranchCmp, bge.Flags);
        Assert.Equal(InstructionFlags.Alu, table.At(Pc(23)).Flags & ~(InstructionFlags.ImmC)); // rd = x0: no WritesRd
        var ecall = table.At(Pc(26));
        Assert.Equal((10, 17, 10), (ecall.Rd, ecall.Rs1, ecall.Rs2));
        Assert.Equal(InstructionFlags.None, ProgramRow.Decode(Pc(0), Asm.Ebreak).Flags);
        Assert.Equal(InstructionFlags.None, ProgramRow.Decode(Pc(0), 0xFFFF_FFFF).Flags);
        var pre = table.PreprocessedTrace(32)!;
        for (int r = 27; r < 32; r++)
            for (int j = 0; j < ProgramTable<KoalaBear>.TupleWidth; j++)
                Assert.Equal(KoalaBear.Zero, pre[r, j]);
    }

    [Fact]
    public void Rows_follow_the_risc_v_path_and_values()
    {
        Honest(out var run, out var rows);
        Assert.Equal(Path.Select(Pc), rows.Select(r => r.Pc));
        Assert.Equal(Enumerable.Range(1, Path.Length).Select(i => (long)i), rows.Select(r => r.Clk));
        // Values by hand from the listing.
        Assert.Equal(2UL, rows[2].RdVal);
        Assert.Equal(unchecked((ulong)-8L), rows[6].RdVal);
        Assert.Equal((ulong)Pc(7) + 0x1000, rows[7].RdVal);
        Assert.Equal((ulong)Pc(16), rows[12].RdVal);       // JAL link
        Assert.Equal((ulong)Pc(19), rows[14].RdVal);       // JALR link
        Assert.Equal(Pc(20), rows[14].NextPc);
        Assert.Equal(unchecked((ulong)-15L), rows[16].RdVal);
        Assert.Equal(0UL, run.FinalRegisters[8]); // every skipped instruction really was skipped
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Honest_trace_satisfies_the_air_and_proves_with_the_program_table()
    {
        var s = Honest(out _, out _);
        Assert.Null(Violation(s));
        Assert.True(Verifies(s));
        var degree = new CompiledAir<KoalaBear>(s.Airs[0]).MaxConstraintDegree;
        Assert.True(degree <= 3, $"degree {degree}");
    }

    [Fact]
    public void Skipped_instruction_is_rejected()
    {
        Honest(out var run, out var rows);
        rows.RemoveAt(3); // drop the SUB: x4 is never written, the chain pc(2) → pc(4) breaks
        var s = Build(run, run.Program, rows);
        Assert.NotNull(Violation(s));
        AssertRejected(s);
    }

    [Fact]
    public void Wrong_next_pc_is_rejected()
    {
        var s = Honest(out _, out _);
        s.Traces[0][9, CpuCols.NextPcLo] += KoalaBear.FromUInt64(4); // the BNE (not taken) claims pc + 8
        Assert.NotNull(Violation(s));
        AssertRejected(s);
    }

    [Fact]
    public void Taken_branch_claimed_not_taken_is_rejected()
    {
        // A consistent forgery: the BEQ at row 8 claims "not taken" and execution continues at pc(9).
        Honest(out var run, out var rows);
        var beq = rows[8];
        rows[8] = beq with { Taken = false, AluA = 0, NextPc = Pc(9) };
        rows.Insert(9, new CpuRow(Pc(9), beq.Clk + 1, ProgramRow.Decode(Pc(9), Listing[9]), 0, 0, 1, 1, Pc(10), false));
        for (int i = 10; i < rows.Count; i++)
            rows[i] = rows[i] with { Clk = rows[i].Clk + 1 };
        var s = Build(run, run.Program, rows);
        Assert.NotNull(Violation(s)); // rs1 = rs2 but cond = 0: Σ diff·inv = 1 is impossible
    }

    /// <summary>
    /// next_pc has no range check of its own (issue 19): a wrong pc carry with next_pc_lo − 2^16 and next_pc_hi + 1 is
    /// the same 32-bit address in a non-canonical split. Chained consistently into the last row (its pc, next pc and the
    /// public end pc shifted alike), every polynomial constraint holds; the Program lookup of that row has no ROM row.
    /// </summary>
    [Fact]
    public void A_non_canonical_next_pc_is_rejected_by_the_program_lookup()
    {
        var s = Honest(out _, out var rows);
        var t = s.Traces[0];
        int last = rows.Count - 1, prev = last - 1;
        Assert.False(rows[prev].Ins.Has(InstructionFlags.Jalr) || rows[last].Ins.Has(InstructionFlags.Jalr));
        Assert.Equal(KoalaBear.Zero, t[prev, CpuCols.PcCarry0]);
        Assert.Null(Violation(s));
        var two16 = KoalaBear.FromUInt64(1 << 16);
        t[prev, CpuCols.PcCarry0] = KoalaBear.One;
        foreach (var (row, lo, hi) in new[] { (prev, CpuCols.NextPcLo, CpuCols.NextPcHi), (last, CpuCols.PcLo, CpuCols.PcHi), (last, CpuCols.NextPcLo, CpuCols.NextPcHi) })
        {
            t[row, lo] -= two16;
            t[row, hi] += KoalaBear.One;
        }
        s.Publics[0][4] -= two16;
        s.Publics[0][5] += KoalaBear.One;
        Assert.Null(Violation(s));
        AssertRejected(s);
    }

    [Fact]
    public void Instruction_not_in_the_program_is_rejected()
    {
        // Run a program with one immediate changed and prove its (self-consistent) CPU trace against the
        // original ROM: only the Program bus can notice.
        var modified = Listing.ToArray();
        modified[0] = Asm.Addi(1, 0, 6);
        var run = Execute(modified);
        var rows = CpuTrace.Rows(run.Record, new ProgramTable<KoalaBear>(run.Program));
        var original = GuestProgram.FromWords(Listing);
        Assert.Null(Violation(Build(run, run.Program, rows)));
        var s = Build(run, original, rows);
        Assert.Null(Violation(s));
        AssertRejected(s);
        Assert.True(Verifies(Build(run, run.Program, rows)));
    }

    [Fact]
    public void Wrong_rd_value_is_rejected()
    {
        Honest(out var run, out var rows);
        rows[2] = rows[2] with { RdVal = 3, AluA = 3 }; // ADD 5 + (−3) claimed to be 3
        var s = Build(run, run.Program, rows);
        Assert.Null(Violation(s)); // locally consistent: the ALU bus and the register memory must catch it
        AssertRejected(s);
    }

    [Fact]
    public void Write_to_x0_is_rejected()
    {
        Honest(out var run, out var rows);
        int i = Array.IndexOf(Path, 23); // ADDI x0, x1, 7
        rows[i] = rows[i] with { Ins = rows[i].Ins with { Flags = rows[i].Ins.Flags | InstructionFlags.WritesRd } };
        var s = Build(run, run.Program, rows);
        Assert.Null(Violation(s));
        AssertRejected(s);
    }

    [Fact]
    public void Shards_chain_through_public_values_and_clk_crosses_its_limb_boundary()
    {
        // A countdown loop of ~2·16376 cycles in shards of 1024: clk passes 2^14 (the clk_q carry).
        uint[] words = [Asm.Addi(1, 0, 2047), Asm.Slli(1, 1, 3), Asm.Addi(1, 1, -1), Asm.Bne(1, 0, -4), Asm.Addi(10, 0, 0), .. Asm.Exit];
        var program = GuestProgram.FromWords(words);
        var table = new ProgramTable<KoalaBear>(program);
        using var m = new Prover.Core.Machine.Machine(program, default, new MachineOptions { ShardSize = 1024 });
        var (result, shards) = m.RunTraced();
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Cycles > 1 << 14);
        KoalaBear[]? previous = null;
        bool crossed = false;
        foreach (var record in shards)
        {
            var rows = CpuTrace.Rows(record, table);
            var trace = CpuTrace.Generate<KoalaBear>(rows, record.Start.Registers, new LookupCounts(), out var publics);
            Assert.Null(AirChecker.FindViolation(new CpuAir<KoalaBear>(), trace, publics));
            if (previous is not null)
                Assert.Equal(previous[4..8], publics[0..4]);
            previous = publics;
            int wrap = rows.FindIndex(r => r.Clk == 1 << 14);
            if (wrap > 0)
            {
                crossed = true;
                Assert.Equal(KoalaBear.One, trace[wrap - 1, CpuCols.ClkCarry]);
                trace[wrap - 1, CpuCols.ClkCarry] = KoalaBear.Zero; // q would become 2^14
                Assert.NotNull(AirChecker.FindViolation(new CpuAir<KoalaBear>(), trace, publics));
            }
        }
        Assert.True(crossed);
        Assert.Equal(KoalaBear.FromUInt64((ulong)(result.Cycles + 1) & 0x3FFF), previous![6]);
    }

    /// <summary>
    /// clk_q &lt; 2^14 holds by induction from the public start (issue 19: no Range16 lookups of clk_q and 4·clk_q): the carry
    /// is forced to [clk_q = 2^14 − 1]. Two clocks that chain consistently row to row (every transition constraint holds)
    /// but leave the canonical split are rejected exactly where the carry is wrong: one that skips the carry at
    /// 2^14 − 1 (clk_q runs on to 2^14, 2^14 + 1, …, which a 4·clk_q + slot timestamp would carry into ts_hi), and one
    /// that carries early (clk_q wraps below zero).
    /// </summary>
    [Fact]
    public void A_clock_that_leaves_its_canonical_split_is_rejected_where_the_carry_is_wrong()
    {
        uint[] words = [Asm.Addi(1, 0, 2047), Asm.Slli(1, 1, 3), Asm.Addi(1, 1, -1), Asm.Bne(1, 0, -4), Asm.Addi(10, 0, 0), .. Asm.Exit];
        var program = GuestProgram.FromWords(words);
        var table = new ProgramTable<KoalaBear>(program);
        using var m = new Prover.Core.Machine.Machine(program, default, new MachineOptions { ShardSize = 1024 });
        var (_, shards) = m.RunTraced();
        var air = new CpuAir<KoalaBear>();
        var two14 = KoalaBear.FromUInt64(1 << 14);
        bool tested = false;
        foreach (var record in shards)
        {
            var rows = CpuTrace.Rows(record, table);
            int wrap = rows.FindIndex(r => r.Clk == 1 << 14);
            if (wrap <= 1)
                continue;
            tested = true;
            var honest = CpuTrace.Generate<KoalaBear>(rows, record.Start.Registers, new LookupCounts(), out var publics);
            Assert.Null(AirChecker.FindViolation(air, honest, publics));

            // Skipped carry: row wrap − 1 has clk_q = 2^14 − 1 and carry 0; from row wrap on clk_q is 2^14 more and clk_hi 1 less.
            var skip = Copy(honest);
            skip[wrap - 1, CpuCols.ClkCarry] = KoalaBear.Zero;
            Shift(skip, wrap, rows.Count, two14, -KoalaBear.One);
            var v = AirChecker.FindViolation(air, skip, Ends(publics, skip, rows.Count));
            Assert.NotNull(v);
            Assert.Equal(wrap - 1, v.Row);
            Assert.Equal((KoalaBear.Zero - KoalaBear.One).ToString(), v.Value); // (q − M)·inv − (1 − carry) = 0 − 1

            // Early carry: row wrap − 2 carries (clk_q = 2^14 − 2); from row wrap − 1 on clk_q is 2^14 less and clk_hi 1 more.
            var early = Copy(honest);
            early[wrap - 2, CpuCols.ClkCarry] = KoalaBear.One;
            early[wrap - 1, CpuCols.ClkCarry] = KoalaBear.Zero;
            Shift(early, wrap - 1, wrap, -two14, KoalaBear.One);
            v = AirChecker.FindViolation(air, early, Ends(publics, early, rows.Count));
            Assert.NotNull(v);
            Assert.Equal(wrap - 2, v.Row);
            Assert.Equal((KoalaBear.FromUInt64((1 << 14) - 2) - KoalaBear.FromUInt64((1 << 14) - 1)).ToString(), v.Value); // carry·(q − M)
        }
        Assert.True(tested);

        static RowMajorMatrix<KoalaBear> Copy(RowMajorMatrix<KoalaBear> t)
        {
            var c = new RowMajorMatrix<KoalaBear>(t.Height, t.Width);
            for (int r = 0; r < t.Height; r++)
                t.Row(r).CopyTo(c.Row(r));
            return c;
        }

        // Rows [from, to) get clk_q + dq and clk_hi + dh, with the inverse witness recomputed (so only the carry is wrong).
        static void Shift(RowMajorMatrix<KoalaBear> t, int from, int to, KoalaBear dq, KoalaBear dh)
        {
            for (int r = from; r < to; r++)
            {
                t[r, CpuCols.ClkQ] += dq;
                t[r, CpuCols.ClkHi] += dh;
                var d = t[r, CpuCols.ClkQ] - KoalaBear.FromUInt64((1 << 14) - 1);
                t[r, CpuCols.ClkInv] = d.IsZero ? KoalaBear.Zero : d.Inverse();
            }
        }

        // The end boundary follows the forged clock (the verifier's range check of the public pieces is not under test here).
        static KoalaBear[] Ends(KoalaBear[] publics, RowMajorMatrix<KoalaBear> t, int realRows)
        {
            var p = publics.ToArray();
            int last = realRows - 1;
            p[6] = t[last, CpuCols.ClkQ] + KoalaBear.One - t[last, CpuCols.ClkCarry] * KoalaBear.FromUInt64(1 << 14);
            p[7] = t[last, CpuCols.ClkHi] + t[last, CpuCols.ClkCarry];
            return p;
        }
    }

    [Fact]
    public void Cpu_proves_with_the_real_alu_chips()
    {
        // Same statement, but the ALU bus is received by the AddSub, Bitwise, Shift and Compare chips
        // (MUL, whose chip lives elsewhere, keeps a stand-in), with subset Range16/ByteAnd tables.
        var s = Honest(out var run, out _);
        var events = AluEvents(run);
        Assert.Contains(events, e => e.Op == Opcode.Sltu); // BGEU's comparison
        Assert.Contains(events, e => e.Op == Opcode.Slt);  // BLT's
        var counts = new LookupCounts();
        var rows = CpuTrace.Rows(run.Record, new ProgramTable<KoalaBear>(run.Program));
        CpuTrace.Generate<KoalaBear>(rows, run.Record.Start.Registers, counts, out _);
        List<AluEvent> Of(params Opcode[] ops) => [.. events.Where(e => ops.Contains(e.Op))];
        var addSub = Of(Opcode.Add, Opcode.Sub, Opcode.Addi, Opcode.Addw, Opcode.Subw, Opcode.Addiw, Opcode.Lui, Opcode.Auipc);
        var bitwise = Of(Opcode.Xor, Opcode.Or, Opcode.And, Opcode.Xori, Opcode.Ori, Opcode.Andi);
        var shift = Of(Opcode.Sll, Opcode.Srl, Opcode.Sra, Opcode.Slli, Opcode.Srli, Opcode.Srai, Opcode.Sllw, Opcode.Srlw, Opcode.Sraw, Opcode.Slliw, Opcode.Srliw, Opcode.Sraiw);
        var compare = Of(Opcode.Slt, Opcode.Sltu, Opcode.Slti, Opcode.Sltiu);
        var rest = Of(Opcode.Mul);
        Assert.Equal(events.Count, addSub.Count + bitwise.Count + shift.Count + compare.Count + rest.Count);
        var chips = new (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)[]
        {
            (new Prover.Core.Zkvm.AddSub.AddSubAir<KoalaBear>(), Prover.Core.Zkvm.AddSub.AddSubTrace.Generate<KoalaBear>(addSub, counts)),
            (new Prover.Core.Zkvm.Bitwise.BitwiseAir<KoalaBear>(), Prover.Core.Zkvm.Bitwise.BitwiseTrace.Generate<KoalaBear>(bitwise, counts)),
            (new Prover.Core.Zkvm.Shift.ShiftAir<KoalaBear>(), Prover.Core.Zkvm.Shift.ShiftTrace.Generate<KoalaBear>(shift, counts)),
            (new Prover.Core.Zkvm.Compare.CompareAir<KoalaBear>(), Prover.Core.Zkvm.Compare.CompareTrace.Generate<KoalaBear>(compare, counts)),
        };
        var (range, rangeTrace) = SubsetTableAir.Range16(counts);
        var (byteOp, byteOpTrace) = SubsetTableAir.And(counts);
        // Replace the ALU stand-in (index 3) and the Range16 table (index 2).
        IAir<KoalaBear>[] airs = [s.Airs[0], s.Airs[1], range, new StandInAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "mul-stand-in"), .. s.Airs[4..], .. chips.Select(c => c.Air), byteOp];
        RowMajorMatrix<KoalaBear>[] traces = [s.Traces[0], s.Traces[1], rangeTrace, StandInAir.Trace(AluTuples(rest), ZkvmBus.AluTupleWidth), .. s.Traces[4..], .. chips.Select(c => c.Trace), byteOpTrace];
        KoalaBear[][] publics = [s.Publics[0], .. airs.Skip(1).Select(_ => Array.Empty<KoalaBear>())];
        var statement = new Statement(airs, traces, publics);
        Assert.True(Verifies(statement));
    }

    [Fact]
    public void Register_timestamps_beyond_2_pow_32_satisfy_the_air()
    {
        // An execution past 2^30 cycles (ts ≥ 2^32): the timestamp comparisons carry ts_hi up to 2^24 and
        // gaps up to 2^40, so the first accesses (previous ts 0) still prove prev < ts.
        Honest(out var run, out var rows);
        var late = rows.Select(r => r with { Clk = r.Clk + (1L << 33) }).ToList();
        var trace = CpuTrace.Generate<KoalaBear>(late, run.Record.Start.Registers, new LookupCounts(), out var publics);
        Assert.Null(AirChecker.FindViolation(new CpuAir<KoalaBear>(), trace, publics));
        Assert.True(publics[3].ToCanonical() >= 1 << 19);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("sort")]
    [InlineData("misaligned")]
    public void Compiled_guest_gives_cpu_traces_that_satisfy_the_air(string guest)
    {
        // Every instruction mix gcc emits (all load/store widths, calls and returns, the write and exit
        // and input syscalls): each shard's trace satisfies the CPU AIR and consecutive shards chain.
        // Long runs (sort) are checked on their first three and last shards to keep the test fast.
        var program = GuestProgram.FromElf(GuestTests.Elf(guest));
        var table = new ProgramTable<KoalaBear>(program);
        using var m = new Prover.Core.Machine.Machine(program, default, new MachineOptions { ShardSize = 1 << 13 });
        var (result, shards) = m.RunTraced();
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Cycles > 100);
        KoalaBear[]? previous = null;
        var air = new CpuAir<KoalaBear>();
        foreach (var record in shards.Take(3).Append(shards[^1]).Distinct())
        {
            if (record.ShardIndex == shards.Count - 1 && shards.Count > 4)
                previous = null; // not consecutive
            var rows = CpuTrace.Rows(record, table);
            Assert.Equal(record.Cycles, rows.Count);
            var trace = CpuTrace.Generate<KoalaBear>(rows, record.Start.Registers, new LookupCounts(), out var publics);
            Assert.Null(AirChecker.FindViolation(air, trace, publics));
            if (previous is not null)
                Assert.Equal(previous[4..8], publics[0..4]);
            previous = publics;
        }
    }
}
