using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

public class MemoryTests
{
    private static readonly MemoryInitAir<KoalaBear> InitAir = new();
    private static readonly MemoryFinalAir<KoalaBear> FinalAir = new();

    /// <summary>Stores of every width at aligned addresses, then loads of every width (sign and zero extension of bytes with bit 7 set and clear).</summary>
    internal static readonly MemOp[] Aligned =
    [
        new(Opcode.Ld, 20, 0), new(Opcode.Sd, 10, 0), new(Opcode.Sw, 11, 8), new(Opcode.Sh, 12, 12), new(Opcode.Sb, 13, 14), new(Opcode.Sb, 10, 15),
        new(Opcode.Ld, 21, 0), new(Opcode.Ld, 22, 8), new(Opcode.Lw, 23, 0), new(Opcode.Lw, 24, 4), new(Opcode.Lwu, 25, 4), new(Opcode.Lh, 26, 6),
        new(Opcode.Lhu, 27, 6), new(Opcode.Lh, 28, 12), new(Opcode.Lb, 29, 7), new(Opcode.Lbu, 30, 7), new(Opcode.Lb, 31, 14), new(Opcode.Lbu, 20, 15),
        new(Opcode.Lw, 21, 16), new(Opcode.Sd, 11, 24),
    ];

    /// <summary>Misaligned accesses of every width, inside one double word and crossing into the next.</summary>
    internal static readonly MemOp[] Misaligned =
    [
        new(Opcode.Sd, 10, 3), new(Opcode.Sw, 11, 6), new(Opcode.Sh, 12, 15), new(Opcode.Sh, 13, 17), new(Opcode.Sw, 12, 25),
        new(Opcode.Ld, 20, 1), new(Opcode.Ld, 21, 7), new(Opcode.Lw, 22, 5), new(Opcode.Lwu, 23, 5), new(Opcode.Lw, 24, 2),
        new(Opcode.Lh, 25, 7), new(Opcode.Lhu, 26, 15), new(Opcode.Lh, 27, 1), new(Opcode.Lb, 28, 9), new(Opcode.Lbu, 29, 3),
        new(Opcode.Lwu, 30, 30), new(Opcode.Sd, 13, 37), new(Opcode.Ld, 31, 33),
    ];

    private static void AssertHonest(MemoryScenario s)
    {
        // The reference semantics agree with the machine (sanity of the test's own model).
        foreach (var (reg, value) in s.LoadResults)
            Assert.Equal(value, s.Outcome[reg]);
        Assert.Equal(s.ExpectedInit, MemoryTrace.InitialEntries(s.Record));
        Assert.Equal(s.ExpectedFinal, MemoryTrace.FinalEntries(s.Record));
        s.AssertAirsSatisfied();
        s.AssertCountsMatchAirs();
        var result = s.Prove();
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Init_and_final_close_the_memory_bus_without_accesses_only_when_they_agree()
    {
        // Init produces (k, v, ts) and Final consumes the same tuples: balanced. No load/store chip needed.
        MemoryEntry[] entries = [new(3, 0x1122_3344_5566_7788, 0), new(4, ulong.MaxValue, 42), new(1 << 27, 5, 1 << 20), new((1UL << 29) + 31, 7, 9)];
        var counts = new LookupCounts();
        var init = MemoryTrace.Generate<KoalaBear>(entries, init: true, counts);
        var final = MemoryTrace.Generate<KoalaBear>(entries, init: false, counts);
        AluTests.AssertSatisfied(InitAir, init);
        AluTests.AssertSatisfied(FinalAir, final);
        var valid = MemoryScenario.ValidLookups([(InitAir, init), (FinalAir, final)]);
        Assert.True(valid.Range16.SequenceEqual(counts.Range16));
        VerificationResult Prove(Prover.Core.Matrix.RowMajorMatrix<KoalaBear> f)
        {
            var c = MemoryScenario.ValidLookups([(InitAir, init), (FinalAir, f)]);
            var (range, rangeTrace) = SubsetTableAir.Range16(c);
            return ZkvmProving.ProveAndVerify([InitAir, FinalAir, range], [init, f, rangeTrace], checkConstraints: false);
        }
        Assert.True(Prove(final).IsValid);
        // Final claims another value for key 4: unbalanced.
        var wrong = MemoryTrace.Generate<KoalaBear>([entries[0], entries[1] with { Value = 1 }, entries[2], entries[3]], init: false, new LookupCounts());
        var rejected = Prove(wrong);
        Assert.False(rejected.IsValid);
        Assert.Contains("do not balance", rejected.Error);
    }

    [Fact]
    public void Aligned_loads_and_stores_of_every_width_prove()
    {
        var s = new MemoryScenario(Aligned);
        Assert.Equal(0L, (long)s.Outcome.Result.UnalignedAccesses);
        AssertHonest(s);
    }

    [Fact]
    public void Misaligned_loads_and_stores_including_double_word_crossings_prove()
    {
        var s = new MemoryScenario(Misaligned);
        Assert.True((long)s.Outcome.Result.UnalignedAccesses >= 15);
        // Crossing rows exist (and only where offset + width > 8).
        for (int r = 0; r < s.Ops.Length; r++)
        {
            var op = s.Ops[r];
            bool crosses = (op.Imm & 7) + RefMemory.WidthOf(op.Op) > 8;
            Assert.Equal(crosses ? KoalaBear.One : KoalaBear.Zero, s.LoadStore[s.RowOf(r + 1), LoadStoreCols.Cross]);
        }
        Assert.Contains(s.Ops, o => (o.Imm & 7) + RefMemory.WidthOf(o.Op) > 8 && LoadStoreCols.IsStore(o.Op));
        Assert.Contains(s.Ops, o => (o.Imm & 7) + RefMemory.WidthOf(o.Op) > 8 && !LoadStoreCols.IsStore(o.Op));
        AssertHonest(s);
    }

    [Fact]
    public void Later_shards_start_from_the_previous_shards_timestamps()
    {
        // x7 = 20; loop: ld x8, 0(x5); addi x8, x8, 1; sd x8, 0(x5); addi x7, x7, -1; bne x7, x0, loop
        // Iteration i (from 0) loads i at clk 2 + 5i and stores i + 1 at clk 4 + 5i (RISC-V semantics, by hand).
        const int shardSize = 16;
        uint[] body = [Asm.Addi(7, 0, 20), Asm.Ld(8, 5, 0), Asm.Addi(8, 8, 1), Asm.Sd(8, 5, 0), Asm.Addi(7, 7, -1), Asm.Bne(7, 0, -16)];
        var o = Emu.Run(body, m => m.SetRegister(5, Emu.Data), options: new MachineOptions { ShardSize = shardSize });
        Assert.Equal(20UL, BitConverter.ToUInt64(o.Data, 0));
        int proved = 0;
        foreach (var shard in o.Shards)
        {
            long first = shard.StartClk, end = shard.StartClk + shard.Cycles;
            var requests = new List<ulong[]>();
            var operands = new Dictionary<long, ulong>();
            ulong? before = null;
            long lastClk = 0, lastBefore = 0;
            for (int i = 0; i < 20; i++)
            {
                foreach (var (clk, op, value) in new[] { (2L + 5 * i, Opcode.Ld, (ulong)i), (4L + 5 * i, Opcode.Sd, (ulong)i + 1) })
                {
                    if (clk < first)
                    {
                        lastBefore = clk;
                        continue;
                    }
                    if (clk >= end)
                        continue;
                    before ??= op == Opcode.Ld ? value : value - 1;
                    ulong ts = MemoryScenario.ExpectedTs(clk);
                    requests.Add([(ulong)op, Emu.Data & 0xFFFF, Emu.Data >> 16, value, 0, 0, 0, ts & 0xFFFF, ts >> 16]);
                    if (op == Opcode.Sd)
                        operands[clk] = value;
                    lastClk = clk;
                }
            }
            if (requests.Count == 0)
                continue;
            // Init: the counter as the previous shard left it, with the timestamp of that shard's last access.
            var expectedInit = new MemoryEntry(Emu.Data / 8, before!.Value, lastBefore == 0 ? 0 : MemoryScenario.ExpectedTs(lastBefore));
            Assert.Equal([expectedInit], MemoryTrace.InitialEntries(shard));
            var counts = new LookupCounts();
            var ls = LoadStoreTrace.Generate<KoalaBear>(shard.MemoryInstructions, shard.MemoryAccesses, counts, MemoryScenario.ChipCodeEnd, 0, e => operands[e.Timestamp]);
            var init = MemoryTrace.Generate<KoalaBear>(MemoryTrace.InitialEntries(shard), init: true, counts);
            var final = MemoryTrace.Generate<KoalaBear>(MemoryTrace.FinalEntries(shard), init: false, counts);
            var result = MemoryScenario.Prove(requests, ls, init, final);
            Assert.True(result.IsValid, $"shard {shard.ShardIndex}: {result.Error}");
            if (shard.ShardIndex > 0 && lastBefore > 0)
                proved++;
        }
        Assert.True(proved >= 3, $"{proved} later shards proved");
    }

    [Fact]
    public void Write_syscall_between_a_store_and_a_load_makes_no_memory_access()
    {
        // sd x6; write(1, Data, 8) (not proven, so it records no read); ld then consumes the store's tuple (ts 4·1 + 2).
        const ulong value = 0x8899_AABB_CCDD_EEFF;
        var o = Emu.Run([Asm.Sd(6, 5, 0), Asm.Addi(10, 0, 1), Asm.Addi(11, 5, 0), Asm.Addi(12, 0, 8), Asm.Addi(17, 0, 64), Asm.Ecall, Asm.Ld(20, 5, 0)],
            m => { m.SetRegister(5, Emu.Data); m.SetRegister(6, value); });
        Assert.Equal(value, o[20]);
        var record = o.Shards.Single();
        Assert.Equal(2, record.MemoryAccesses.Count);
        var trace = LoadStoreTrace.Generate<KoalaBear>(record.MemoryInstructions, record.MemoryAccesses, new LookupCounts(), MemoryScenario.ChipCodeEnd, 0);
        AluTests.AssertSatisfied(MemoryScenario.LoadStoreAir, trace, LoadStoreTrace.PublicValues<KoalaBear>(0));
        Assert.Equal(KoalaBear.FromUInt64(4 * 1 + 2), trace[1, LoadStoreCols.Dword]);
        Assert.Equal(KoalaBear.FromUInt64(4 * 7 + 2), trace[1, LoadStoreCols.TsLo]);
        for (int j = 0; j < 8; j++)
            Assert.Equal(KoalaBear.FromUInt64((value >> (8 * j)) & 0xFF), trace[1, LoadStoreCols.Value + j]);
    }

    [Fact]
    public void Loads_from_the_input_prove_up_to_its_last_byte()
    {
        var input = new byte[20];
        new Random(3).NextBytes(input);
        var s = new MemoryScenario([new(Opcode.Ld, 20, 0), new(Opcode.Lw, 21, 16), new(Opcode.Ld, 22, 12), new(Opcode.Lb, 23, 19),
            new(Opcode.Lhu, 24, 18), new(Opcode.Lwu, 25, 13)], input: input);
        Assert.All(Enumerable.Range(1, 6), clk => Assert.Equal(KoalaBear.One, s.LoadStore[s.RowOf(clk), LoadStoreCols.InInput]));
        AssertHonest(s);
    }

    [Fact]
    public void Accesses_at_the_edges_of_the_memory_map_prove()
    {
        // Stores from the first writable byte (the chip tests' code end) on, loads from the read-only code below it.
        AssertHonest(new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Sb, 11, 0), new(Opcode.Ld, 20, -8), new(Opcode.Lw, 21, -2),
            new(Opcode.Ld, 22, 0)], baseAddress: MemoryScenario.ChipCodeEnd));
        // Stores and loads ending at RamEnd (U_lo = 0: the upper bound's low piece borrows).
        AssertHonest(new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Sw, 11, 4), new(Opcode.Lb, 20, 7), new(Opcode.Ld, 21, 0),
            new(Opcode.Sh, 12, 6), new(Opcode.Lhu, 22, 6)], dataBytes: 8, baseAddress: MemoryMap.RamEnd - 8));
        // A misaligned access whose low piece wraps (addr_lo = 0xFFFC), so its upper bound borrows 2 (c = 2).
        AssertHonest(new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Ld, 20, 0), new(Opcode.Lw, 21, 2)], dataBytes: 16,
            baseAddress: MemoryMap.RamEnd - 0x1_0004));
    }

    /// <summary>
    /// The chip's rule (<see cref="LoadStoreTrace.IsAllowed"/>, which the AIR proves and the generator checks) is the machine's:
    /// every opcode at addresses around each edge of the map (null page, RamBase, the code end, RamEnd = InputBase, the input's
    /// end) faults exactly when the rule says no.
    /// </summary>
    [Fact]
    public void The_chip_rule_is_the_machine_rule()
    {
        var input = new byte[13];
        foreach (var op in LoadStoreCols.Opcodes)
        {
            var program = GuestProgram.FromWords([MemoryScenario.Encode(new MemOp(op, LoadStoreCols.IsStore(op) ? 10 : 20, 0)), .. Asm.Exit]);
            foreach (ulong edge in new[] { 8UL, MemoryMap.RamBase, program.CodeEnd, MemoryMap.RamEnd, MemoryMap.InputBase + (ulong)input.Length })
                for (ulong a = edge - 8; a <= edge + 8; a++)
                {
                    using var m = new Prover.Core.Machine.Machine(program, input, new MachineOptions { Engine = ExecutionEngine.Interpreter });
                    m.SetRegister(5, a);
                    bool runs;
                    try
                    {
                        m.Run();
                        runs = true;
                    }
                    catch (MachineException e) when (e.Fault is MachineFault.LoadOutOfBounds or MachineFault.StoreOutOfBounds)
                    {
                        runs = false;
                    }
                    Assert.True(runs == LoadStoreTrace.IsAllowed(op, a, program.CodeEnd, (ulong)input.Length), $"{op} at 0x{a:x}: machine {(runs ? "runs" : "faults")}");
                }
        }
    }

    [Fact]
    public void The_generator_refuses_accesses_the_machine_faults_on_and_the_air_needs_a_code_end_in_ram()
    {
        var s = new MemoryScenario([new(Opcode.Sd, 10, 0), new(Opcode.Ld, 20, 0)]);
        Assert.Throws<ArgumentException>(() => LoadStoreTrace.Generate<KoalaBear>(s.Record.MemoryInstructions, s.Record.MemoryAccesses, new LookupCounts(),
            Emu.Data + 1, 0, e => s.StoreOperands[e.Timestamp]));
        var t = new MemoryScenario([new(Opcode.Lw, 20, 12)], input: new byte[16]);
        Assert.Throws<ArgumentException>(() => LoadStoreTrace.Generate<KoalaBear>(t.Record.MemoryInstructions, t.Record.MemoryAccesses, new LookupCounts(),
            MemoryScenario.ChipCodeEnd, 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadStoreAir<KoalaBear>(MemoryMap.RamBase - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadStoreAir<KoalaBear>(MemoryMap.RamEnd + 1));
    }

    [Fact]
    public void Shape_has_degree_at_most_three()
    {
        foreach (var air in new Prover.Core.Air.IAir<KoalaBear>[] { MemoryScenario.LoadStoreAir, InitAir, FinalAir })
            Assert.True(AluTests.Shape(air).Degree <= 3, air.Name);
        Assert.Equal(93, MemoryScenario.LoadStoreAir.Width); // 92 before the TopByte column (issue 19)
        Assert.Equal(32, AluTests.Shape(MemoryScenario.LoadStoreAir).Interactions);
    }
}
