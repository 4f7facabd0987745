using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The syscall chip with stand-ins for everything around it: a CPU sending the Syscall tuples (results from
/// the ABI's semantics, never from the generator), memory producing each register's previous (value, ts)
/// and consuming the chip's new one, the verifier's receivers of Output (one per committed byte) and Halt
/// (the exit's ts and code), and subset Range16/ByteAnd tables holding every valid lookup the chip makes.
/// Lists are mutable so that negative tests can forge one side.
/// </summary>
internal sealed class SyscallScenario
{
    public const ulong InputSize = 10;

    /// <summary>Input buffer and region names live somewhere in RAM; the chip never looks at them.</summary>
    private const ulong Buffer = 0x0010_0000;

    public static readonly SyscallAir<KoalaBear> Air = new();

    public static ulong Ts(long clk) => MemoryArgument.RamTimestamp(clk);

    /// <summary>
    /// Every kind: input, two commits (one with ts_hi &gt; 0 and a borrow in the ts gadget), writes to fd 1
    /// and 2, both region calls, and exit with <paramref name="exitCode"/>.
    /// </summary>
    public static List<SyscallRow> HonestRows(ulong exitCode = 0) =>
    [
        Row(new SyscallEvent(0x10010, 3, Syscall.Input, 0, 99, 0, MemoryMap.InputBase), x11: new(99, 4 * 1 + 3)),
        Row(new SyscallEvent(0x10020, 5, Syscall.Commit, 0, 0x41, 0, 0), x11: new(0x41, 4 * 4 + 3)),
        Row(new SyscallEvent(0x10030, 8, Syscall.Write, 1, Buffer, 5, 5), x12: new(5, 0)),
        Row(new SyscallEvent(0x10040, 12, Syscall.Write, 2, Buffer, 3, 3), x12: new(3, 4 * 11 + 3)),
        Row(new SyscallEvent(0x10050, 13, Syscall.RegionBegin, Buffer, 0, 0, 0)),
        Row(new SyscallEvent(0x10060, 14, Syscall.RegionEnd, Buffer, 0, 0, 0)),
        // ts = 4·16390 + 2 = 0x1_001A, prev ts 0xFFF3: ts_lo < prev_lo + 1, so the gadget borrows.
        Row(new SyscallEvent(0x10070, 16390, Syscall.Commit, 1, 0xFF, 0, 0), x11: new(0xFF, 4 * 16380 + 3)),
        Row(new SyscallEvent(0x10080, 70000, Syscall.Exit, exitCode, 0, 0, exitCode)),
    ];

    private static SyscallRow Row(SyscallEvent e, RegisterWitness x11 = default, RegisterWitness x12 = default) => new(e, x11, x12);

    public SyscallScenario(List<SyscallRow>? rows = null)
    {
        Rows = rows ?? HonestRows();
        Counts = new LookupCounts();
        Trace = SyscallTrace.Generate<KoalaBear>(Rows, InputSize, Counts, out var publics);
        Publics = publics;
        foreach (var row in Rows)
        {
            var e = row.Event;
            ulong ts = Ts(e.Timestamp);
            Requests.Add((1, Tuple(e.Number, e.A0, ExpectedResult(e), ts)));
            switch (e.Number)
            {
                case Syscall.Input:
                    AddAccess(11, row.X11, InputSize, ts);
                    break;
                case Syscall.Commit:
                    AddAccess(11, row.X11, row.X11.PrevValue, ts);
                    Outputs.Add((-1, [e.A0 & 0xFFFF, e.A0 >> 16, e.A1]));
                    break;
                case Syscall.Write:
                    AddAccess(12, row.X12, row.X12.PrevValue, ts);
                    break;
                case Syscall.Exit:
                    Halts.Add((-1, [ts & 0xFFFF, ts >> 16, .. Limbs(e.A0)]));
                    break;
            }
        }
    }

    public List<SyscallRow> Rows { get; }
    public LookupCounts Counts { get; }
    public RowMajorMatrix<KoalaBear> Trace { get; }
    public KoalaBear[] Publics { get; }

    /// <summary>What the CPU sends (a7, a0, result, ts).</summary>
    public List<(long M, ulong[] Tuple)> Requests { get; } = [];

    /// <summary>Memory stand-in: +1 produces each register's previous (value, ts), −1 consumes the chip's new (value, ts).</summary>
    public List<(long M, ulong[] Tuple)> Memory { get; } = [];

    /// <summary>The verifier's Output receives (index_lo, index_hi, byte).</summary>
    public List<(long M, ulong[] Tuple)> Outputs { get; } = [];

    /// <summary>The verifier's Halt receive (ts_lo, ts_hi, code limbs).</summary>
    public List<(long M, ulong[] Tuple)> Halts { get; } = [];

    /// <summary>The ABI (docs/design.md, "Guest ABI"), independent of the generator.</summary>
    public static ulong ExpectedResult(SyscallEvent e) => e.Number switch
    {
        Syscall.Write => e.A2,
        Syscall.Exit => e.A0,
        Syscall.Input => MemoryMap.InputBase,
        _ => 0,
    };

    public static ulong[] Limbs(ulong w) => [.. Enumerable.Range(0, 4).Select(i => Word.Limb(w, i))];

    public static ulong[] Tuple(ulong number, ulong a0, ulong result, ulong ts) => [.. Limbs(number), .. Limbs(a0), .. Limbs(result), ts & 0xFFFF, ts >> 16];

    public static ulong[] MemoryTuple(int register, ulong value, ulong ts) => [MemoryArgument.RegisterKeyBase + (ulong)register, .. Limbs(value), ts & 0xFFFF, ts >> 16];

    private void AddAccess(int register, RegisterWitness prev, ulong newValue, ulong ts)
    {
        Memory.Add((1, MemoryTuple(register, prev.PrevValue, prev.PrevTimestamp)));
        Memory.Add((-1, MemoryTuple(register, newValue, ts)));
    }

    /// <summary>Row of the trace for the ECALL at <paramref name="clk"/>.</summary>
    public int RowOf(long clk) => Rows.FindIndex(r => r.Event.Timestamp == clk);

    public void Set(long clk, int column, long value) => Trace[RowOf(clk), column] = MemoryScenario.Signed(value);

    public VerificationResult Prove(bool checkConstraints = true) => Prove(Trace, checkConstraints);

    public VerificationResult Prove(RowMajorMatrix<KoalaBear> trace, bool checkConstraints = true)
    {
        var counts = MemoryScenario.ValidLookups([(Air, trace, Publics)]);
        var (range, rangeTrace) = SubsetTableAir.Range16(counts);
        var (bytes, bytesTrace) = SubsetTableAir.And(counts);
        IAir<KoalaBear>[] airs =
        [
            new StandInAir(ZkvmBus.Syscall, ZkvmBus.SyscallTupleWidth, "cpu-stand-in"),
            new StandInAir(ZkvmBus.Memory, ZkvmBus.MemoryTupleWidth, "memory-stand-in"),
            new StandInAir(ZkvmBus.Output, ZkvmBus.OutputTupleWidth, "output-receiver"),
            new StandInAir(ZkvmBus.Halt, ZkvmBus.HaltTupleWidth, "halt-receiver"),
            Air, range, bytes,
        ];
        RowMajorMatrix<KoalaBear>[] traces =
        [
            StandInAir.Trace(Requests, ZkvmBus.SyscallTupleWidth),
            StandInAir.Trace(Memory, ZkvmBus.MemoryTupleWidth),
            StandInAir.Trace(Outputs, ZkvmBus.OutputTupleWidth),
            StandInAir.Trace(Halts, ZkvmBus.HaltTupleWidth),
            trace, rangeTrace, bytesTrace,
        ];
        KoalaBear[][] publics = [[], [], [], [], Publics, [], []];
        return ZkvmProving.ProveAndVerify(airs, traces, checkConstraints, publics);
    }

    public ConstraintViolation? Violation() => AirChecker.FindViolation(Air, Trace, Publics);
}

public sealed class SyscallChipTests
{
    [Fact]
    public void Honest_rows_of_every_kind_satisfy_the_air_and_prove()
    {
        var s = new SyscallScenario();
        Assert.True(s.Violation() is null, s.Violation()?.ToString());
        Assert.Equal(8, s.Trace.Height);
        Assert.Equal(SyscallCols.Width, s.Trace.Width);
        Assert.Equal(new[] { KoalaBear.FromUInt64(SyscallScenario.InputSize), KoalaBear.Zero }, s.Publics);
        var result = s.Prove();
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Shape_has_degree_at_most_three()
    {
        var shape = AluTests.Shape(SyscallScenario.Air);
        Assert.True(shape.Degree <= 3, $"degree {shape.Degree}");
        Assert.Equal(54, SyscallScenario.Air.Width); // 44 + IsKeccak + IsModMul256 + IsModMul384 + IsSha256Compress + 6 point selectors
        Assert.Equal(2, SyscallScenario.Air.PublicValueCount);
    }

    [Fact]
    public void Lookup_counts_match_what_the_air_sends()
    {
        var s = new SyscallScenario();
        var tally = MemoryScenario.ValidLookups([(SyscallScenario.Air, s.Trace, s.Publics)]);
        Assert.True(tally.Range16.SequenceEqual(s.Counts.Range16), "Range16 counts differ from the AIR's lookups");
        Assert.True(tally.And.SequenceEqual(s.Counts.And), "RANGE8 counts differ from the AIR's lookups");
        // 5 register accesses × (2 gadget + 2 ts pieces), 2 RANGE8 for the commits.
        Assert.Equal(15, s.Counts.Range16.ToArray().Sum());
        Assert.Equal(2, s.Counts.And.ToArray().Sum());
    }

    [Fact]
    public void Padding_only_trace_is_valid()
    {
        var trace = SyscallTrace.Generate<KoalaBear>([], 0, new LookupCounts(), out var publics);
        Assert.Equal(2, trace.Height);
        Assert.Null(AirChecker.FindViolation(SyscallScenario.Air, trace, publics));
    }

    [Fact]
    public void Chip_sends_the_expected_output_and_halt_tuples()
    {
        var s = new SyscallScenario();
        var outputs = BusTally.Interactions(SyscallScenario.Air, s.Trace, ZkvmBus.Output, s.Publics).ToList();
        Assert.Equal(new ulong[][] { [0, 0, 0x41], [1, 0, 0xFF] }, outputs.Select(o => o.Values.Select(v => (ulong)v.ToCanonical()).ToArray()));
        var halt = Assert.Single(BusTally.Interactions(SyscallScenario.Air, s.Trace, ZkvmBus.Halt, s.Publics));
        ulong ts = SyscallScenario.Ts(70000);
        Assert.Equal(new ulong[] { ts & 0xFFFF, ts >> 16, 0, 0, 0, 0 }, halt.Values.Select(v => (ulong)v.ToCanonical()));
    }

    private static uint[] Li(int rd, int value) => [Asm.Lui(rd, (value + 0x800) & unchecked((int)0xFFFFF000)), Asm.Addiw(rd, rd, value << 20 >> 20)];

    [Fact]
    public void Machine_events_of_every_kind_make_a_valid_trace_whose_output_is_the_committed_output()
    {
        // input; commit(0, 0x41); commit(1, 0xFF); write(1, Data, 3); region_begin/end("r"); exit(0). The
        // register witnesses are stand-ins (the CPU trace generator supplies the real ones): the value the
        // event saw and ts − 1.
        int data = (int)(Emu.Data >> 12) << 12;
        var o = Emu.Run(
        [
            .. Li(17, (int)Syscall.Input), Asm.Ecall,
            Asm.Addi(10, 0, 0), Asm.Addi(11, 0, 0x41), .. Li(17, (int)Syscall.Commit), Asm.Ecall,
            Asm.Addi(10, 0, 1), Asm.Addi(11, 0, 0xFF), Asm.Ecall,
            Asm.Addi(10, 0, 1), Asm.Lui(11, data), Asm.Addi(12, 0, 3), Asm.Addi(17, 0, (int)Syscall.Write), Asm.Ecall,
            Asm.Lui(10, data), .. Li(17, (int)Syscall.RegionBegin), Asm.Ecall,
            Asm.Lui(10, data), .. Li(17, (int)Syscall.RegionEnd), Asm.Ecall,
        ], m => m.WriteMemory(Emu.Data, "r\0"u8), input: new byte[SyscallScenario.InputSize]);
        Assert.Equal(new byte[] { 0x41, 0xFF }, o.Result.CommittedOutput);
        var events = o.Shards.Single().Syscalls;
        Assert.Equal(7, events.Count);
        List<SyscallRow> rows = [.. events.Select(e =>
        {
            ulong before = SyscallScenario.Ts(e.Timestamp) - 1;
            return new SyscallRow(e, new RegisterWitness(e.A1, before), new RegisterWitness(e.A2, before));
        })];
        var trace = SyscallTrace.Generate<KoalaBear>(rows, SyscallScenario.InputSize, new LookupCounts(), out var publics);
        var violation = AirChecker.FindViolation(SyscallScenario.Air, trace, publics);
        Assert.True(violation is null, violation?.ToString());
        var output = BusTally.Interactions(SyscallScenario.Air, trace, ZkvmBus.Output, publics)
            .Select(t => (byte)t.Values[2].ToCanonical()).ToArray();
        Assert.Equal(o.Result.CommittedOutput, output);
        var halt = Assert.Single(BusTally.Interactions(SyscallScenario.Air, trace, ZkvmBus.Halt, publics));
        Assert.Equal((uint)o.Result.ExitCode, halt.Values[2].ToCanonical());
        // Each ECALL's tuple on the Syscall bus carries the result the machine left in a0.
        var received = BusTally.Interactions(SyscallScenario.Air, trace, ZkvmBus.Syscall, publics).ToList();
        Assert.Equal(events.Select(e => SyscallScenario.Tuple(e.Number, e.A0, e.Result, SyscallScenario.Ts(e.Timestamp))),
            received.Select(t => t.Values.Select(v => (ulong)v.ToCanonical()).ToArray()));
    }

    [Theory]
    [InlineData(Syscall.ExitGroup, 0UL)]
    [InlineData(999UL, 0UL)]
    [InlineData(Syscall.Write, 3UL)]
    public void Unprovable_syscalls_are_rejected_by_the_generator(ulong number, ulong a0)
    {
        SyscallRow row = new(new SyscallEvent(0x10000, 2, number, a0, 0, 4, 4), default, new(4, 0));
        Assert.Throws<ArgumentException>(() => SyscallTrace.Generate<KoalaBear>([row], 0, new LookupCounts(), out _));
    }

    [Fact]
    public void Generator_rejects_a_non_byte_commit_and_a_witness_that_contradicts_the_event()
    {
        SyscallRow big = new(new SyscallEvent(0x10000, 2, Syscall.Commit, 0, 256, 0, 0), new(256, 0), default);
        Assert.Throws<ArgumentException>(() => SyscallTrace.Generate<KoalaBear>([big], 0, new LookupCounts(), out _));
        SyscallRow wrong = new(new SyscallEvent(0x10000, 2, Syscall.Commit, 0, 7, 0, 0), new(8, 0), default);
        Assert.Throws<ArgumentException>(() => SyscallTrace.Generate<KoalaBear>([wrong], 0, new LookupCounts(), out _));
        SyscallRow input = new(new SyscallEvent(0x10000, 2, Syscall.Input, 0, 7, 0, MemoryMap.InputBase), new(8, 0), default);
        Assert.Throws<ArgumentException>(() => SyscallTrace.Generate<KoalaBear>([input], 0, new LookupCounts(), out _));
        SyscallRow late = new(new SyscallEvent(0x10000, 2, Syscall.Commit, 0, 7, 0, 0), new(7, 10), default);
        Assert.Throws<ArgumentException>(() => SyscallTrace.Generate<KoalaBear>([late], 0, new LookupCounts(), out _));
    }

    private static void AssertRejected(SyscallScenario s, bool expectViolation)
    {
        var violation = s.Violation();
        if (expectViolation)
            Assert.NotNull(violation);
        var result = s.Prove(checkConstraints: false);
        Assert.False(result.IsValid, "the verifier accepted a forged syscall trace");
    }

    private static List<SyscallRow> Replace(long clk, Func<SyscallRow, SyscallRow> change) =>
        [.. SyscallScenario.HonestRows().Select(r => r.Event.Timestamp == clk ? change(r) : r)];

    [Fact]
    public void Wrong_input_address_is_rejected()
    {
        // A prover (and a CPU agreeing with it) claiming input() returned another address.
        var s = new SyscallScenario(Replace(3, r => r with { Event = r.Event with { Result = MemoryMap.InputBase + 8 } }));
        s.Requests[0] = (1, SyscallScenario.Tuple(Syscall.Input, 0, MemoryMap.InputBase + 8, SyscallScenario.Ts(3)));
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Wrong_input_size_in_x11_is_rejected()
    {
        // The chip writes 11 to x11 (and memory agrees) while the public input size is 10.
        var s = new SyscallScenario();
        s.Set(3, SyscallCols.X11New, 11);
        int consume = s.Memory.FindIndex(m => m.M == -1 && m.Tuple[0] == MemoryArgument.RegisterKeyBase + 11);
        s.Memory[consume] = (-1, SyscallScenario.MemoryTuple(11, 11, SyscallScenario.Ts(3)));
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Wrong_input_size_is_rejected_by_the_memory_bus()
    {
        // Memory (the guest's later reads of x11) holds the true size; the chip claims another one.
        var s = new SyscallScenario();
        s.Set(3, SyscallCols.X11New, 11);
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Write_with_a_result_other_than_its_length_is_rejected()
    {
        var s = new SyscallScenario(Replace(8, r => r with { Event = r.Event with { Result = 4 } }));
        s.Requests[2] = (1, SyscallScenario.Tuple(Syscall.Write, 1, 4, SyscallScenario.Ts(8)));
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Write_with_a_forged_length_in_x12_is_rejected()
    {
        // The row reads x12 = 4 and returns 4, but memory holds 5.
        var s = new SyscallScenario();
        s.Set(8, SyscallCols.X12Prev, 4);
        s.Set(8, SyscallCols.Result, 4);
        s.Requests[2] = (1, SyscallScenario.Tuple(Syscall.Write, 1, 4, SyscallScenario.Ts(8)));
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Theory]
    [InlineData(3L)]
    [InlineData(0L)]
    public void Write_to_another_fd_is_rejected(long fd)
    {
        var s = new SyscallScenario();
        s.Set(8, SyscallCols.A0, fd);
        s.Requests[2] = (1, SyscallScenario.Tuple(Syscall.Write, (ulong)fd, 5, SyscallScenario.Ts(8)));
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Committed_value_above_255_is_rejected()
    {
        // x11 = 256 (a canonical register value) committed as a "byte": the AIR's limb checks pass, the
        // RANGE8 lookup does not exist.
        var s = new SyscallScenario();
        s.Set(5, SyscallCols.X11Prev, 256);
        s.Set(5, SyscallCols.X11New, 256);
        int produce = s.Memory.FindIndex(m => m.M == 1 && m.Tuple[1] == 0x41);
        s.Memory[produce] = (1, SyscallScenario.MemoryTuple(11, 256, 4 * 4 + 3));
        s.Memory[produce + 1] = (-1, SyscallScenario.MemoryTuple(11, 256, SyscallScenario.Ts(5)));
        s.Outputs[0] = (-1, [0, 0, 256]);
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Committed_value_with_high_limbs_is_rejected()
    {
        // x11 = 0x1_0041: limb 0 is a byte, limb 1 is not zero.
        var s = new SyscallScenario();
        s.Set(5, SyscallCols.X11Prev + 1, 1);
        s.Set(5, SyscallCols.X11New + 1, 1);
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Output_byte_other_than_x11_is_rejected()
    {
        // The verifier claims 0x42 for byte 0; the guest committed 0x41.
        var s = new SyscallScenario();
        s.Outputs[0] = (-1, [0, 0, 0x42]);
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Forged_output_byte_in_the_trace_is_rejected()
    {
        // The row claims x11 = 0x42 (matching a forged output) while memory holds 0x41.
        var s = new SyscallScenario();
        s.Set(5, SyscallCols.X11Prev, 0x42);
        s.Set(5, SyscallCols.X11New, 0x42);
        s.Outputs[0] = (-1, [0, 0, 0x42]);
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Output_with_a_missing_or_reordered_byte_is_rejected()
    {
        var missing = new SyscallScenario();
        missing.Outputs.RemoveAt(1);
        AssertRejected(missing, expectViolation: false);
        var swapped = new SyscallScenario();
        swapped.Outputs[0] = (-1, [0, 0, 0xFF]);
        swapped.Outputs[1] = (-1, [1, 0, 0x41]);
        AssertRejected(swapped, expectViolation: false);
    }

    [Fact]
    public void Exit_with_another_code_than_claimed_is_rejected()
    {
        // The guest exits with 1; the verifier claims success.
        var s = new SyscallScenario(SyscallScenario.HonestRows(exitCode: 1));
        ulong ts = SyscallScenario.Ts(70000);
        s.Halts[0] = (-1, [ts & 0xFFFF, ts >> 16, 0, 0, 0, 0]);
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Exit_row_that_sends_no_halt_is_rejected()
    {
        // Dropping the exit row (a padding row instead) leaves the CPU's exit tuple and the verifier's
        // Halt receive unmatched.
        var s = new SyscallScenario();
        s.Trace.Row(s.RowOf(70000)).Clear();
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Exit_with_a_changed_result_is_rejected()
    {
        var s = new SyscallScenario();
        s.Set(70000, SyscallCols.Result, 5);
        s.Requests[^1] = (1, SyscallScenario.Tuple(Syscall.Exit, 0, 5, SyscallScenario.Ts(70000)));
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Selector_that_differs_from_a7_is_rejected()
    {
        // The input ECALL proven as a region_begin (result 0 instead of the input address, x11 untouched).
        var s = new SyscallScenario();
        s.Set(3, SyscallCols.IsInput, 0);
        s.Set(3, SyscallCols.IsRegionBegin, 1);
        AssertRejected(s, expectViolation: true);
    }

    [Fact]
    public void Row_with_another_number_than_the_cpu_sent_is_rejected()
    {
        // A consistent region_begin row (a7 = 0x10001, result 0) answering the CPU's input ECALL.
        var rows = Replace(3, r => r with { Event = r.Event with { Number = Syscall.RegionBegin, Result = 0 } });
        var s = new SyscallScenario(rows);
        s.Requests[0] = (1, SyscallScenario.Tuple(Syscall.Input, 0, 0, SyscallScenario.Ts(3)));
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }

    [Fact]
    public void Register_read_whose_previous_ts_is_not_below_ts_is_rejected()
    {
        // x12 "last written" at the ECALL's own ts: the gadget's d_hi = −1 is no 16-bit value.
        var s = new SyscallScenario();
        long clk = 12;
        ulong ts = SyscallScenario.Ts(clk);
        s.Set(clk, SyscallCols.X12PrevTsLo, (long)(ts & 0xFFFF));
        s.Set(clk, SyscallCols.X12PrevTsHi, (long)(ts >> 16));
        s.Set(clk, SyscallCols.X12Gadget, 1);
        s.Set(clk, SyscallCols.X12Gadget + 1, 0xFFFF);
        s.Set(clk, SyscallCols.X12Gadget + 2, -1);
        int produce = s.Memory.FindIndex(m => m.M == 1 && m.Tuple[0] == MemoryArgument.RegisterKeyBase + 12 && m.Tuple[1] == 3);
        s.Memory[produce] = (1, SyscallScenario.MemoryTuple(12, 3, ts));
        Assert.Null(s.Violation());
        AssertRejected(s, expectViolation: false);
    }
}
