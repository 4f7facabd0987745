using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The budget shape policy (issue 14 piece (b), docs/design.md "Shard budgets"): the planner cuts a shard when a CPU-side
/// table reaches its budget and never lets one pass it; every shard but the last has its CPU-side tables at exactly the
/// budget heights (so a CPU-only run's non-last shards all have one shape), and the last shard's at the smallest entry of the
/// last-shard catalog that holds them; all-padding tables have zero multiplicities on every bus; budget-shaped proofs verify,
/// tampered ones do not.
/// </summary>
public sealed class ShardBudgetTests
{
    /// <summary>
    /// A loop of 200 iterations of MUL, DIVU, REM, MULH and the counter (about 1,200 cycles): two DivRem requests per
    /// iteration, so at 2^10-cycle shards (DivRem budget 2^6) the DivRem table is what cuts the shards.
    /// </summary>
    private static readonly ZkvmProgram MulDiv = new(GuestProgram.FromWords(
    [
        Asm.Addi(1, 0, 200), Asm.Addi(5, 0, 7),
        Asm.Mul(6, 1, 5), Asm.Divu(7, 6, 5), Asm.Rem(8, 6, 1), Asm.Mulh(9, 6, 1), Asm.Addi(1, 1, -1), Asm.Bne(1, 0, -20),
        Asm.Addi(10, 0, 0), .. Asm.Exit,
    ]));

    private static ZkvmProgram Guest(string name) => name == "muldiv" ? MulDiv : ZkvmProgram.FromElf(GuestTests.Elf(name));

    private static ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Prove(ZkvmProgram program, byte[] input, long shardSize,
        ShardShapePolicy policy = ShardShapePolicy.Budget, bool? retainMains = null,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null) =>
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config, ShardSize = shardSize, ShapePolicy = policy, CheckConstraints = tamper is null, RetainMainCommitments = retainMains,
            Tamper = tamper,
        }).Prove(program, input);

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) => ZkvmProving.VerifyZkvm(program, proof);

    private static int[] LogHeights(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof, int shard) => ZkvmProving.ChipLogHeights(proof, shard);

    [Fact]
    public void Budget_is_the_rule_of_the_design()
    {
        var b = ShardBudget.For(18);
        var expected = Enumerable.Repeat(-1, ZkvmChips.Count).ToArray();
        (expected[ZkvmTable.Cpu], expected[ZkvmTable.AddSub]) = (18, 18);
        (expected[ZkvmTable.Bitwise], expected[ZkvmTable.Shift], expected[ZkvmTable.Compare], expected[ZkvmTable.LoadStore]) = (17, 17, 17, 17);
        expected[ZkvmTable.Mul] = 16;
        (expected[ZkvmTable.DivRem], expected[ZkvmTable.Syscall]) = (14, 14);
        expected[ZkvmTable.Bytes] = 16;
        Assert.Equal(expected, b.LogHeights);
        // Tiny shards: every budget at least two rows.
        Assert.All(ShardBudget.For(3).LogHeights.Where(h => h >= 0), h => Assert.True(h >= 1));
        // Accelerators and the last shard's tables are not budgeted; the budgeted chips are CPU-side.
        foreach (int chip in new[] { ZkvmTable.Keccak, ZkvmTable.Sha256, ZkvmTable.MemoryInit, ZkvmTable.InputCommit, ZkvmTable.Secp256k1Add })
        {
            Assert.Equal(-1, b.LogHeights[chip]);
            Assert.False(ShardBudget.IsCpuSide(chip));
        }
        Assert.True(ShardBudget.IsCpuSide(ZkvmTable.Program) && ShardBudget.IsCpuSide(ZkvmTable.Image));
    }

    /// <summary>Each budgeted table's rows in a shard, from the same lists its generator reads (by chip index; −1: not budgeted).</summary>
    private static int[] Rows(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last)
    {
        var state = new ShardTraceState(program, record, registers, memory, input, last, parallel: false, new Prover.Core.Zkvm.Tables.LookupCounts());
        var rows = Enumerable.Repeat(-1, ZkvmChips.Count).ToArray();
        rows[ZkvmTable.Cpu] = state.Rows.Count;
        rows[ZkvmTable.AddSub] = state.AluRequests(AluFamily.AddSub).Count;
        rows[ZkvmTable.Bitwise] = state.AluRequests(AluFamily.Bitwise).Count;
        rows[ZkvmTable.Shift] = state.AluRequests(AluFamily.Shift).Count;
        rows[ZkvmTable.Compare] = state.AluRequests(AluFamily.Compare).Count;
        rows[ZkvmTable.Mul] = state.AluRequests(AluFamily.Mul).Count;
        rows[ZkvmTable.DivRem] = state.AluRequests(AluFamily.DivRem).Count;
        rows[ZkvmTable.LoadStore] = record.MemoryInstructions.Count;
        rows[ZkvmTable.Syscall] = state.Syscalls.Count;
        return rows;
    }

    [Theory]
    [InlineData("bigmul", 8)]
    [InlineData("misaligned", 6)]
    [InlineData("hello", 5)]
    [InlineData("muldiv", 10)]
    public void Planner_cuts_a_shard_when_a_table_reaches_its_budget_and_never_passes_it(string guest, int logShard)
    {
        var program = Guest(guest);
        byte[] input = [];
        var budget = ShardBudget.For(logShard);
        var limits = budget.RowLimits(program);
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShard, RowLimits = limits });
        var (result, records) = machine.RunTraced();
        using (var plain = new Prover.Core.Machine.Machine(program.Program, input))
            Assert.Equal(plain.Run().Cycles, result.Cycles);
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        int cutByBudget = 0;
        for (int s = 0; s < records.Count; s++)
        {
            bool last = s == records.Count - 1;
            var rows = Rows(program, records[s], registers, memory, input, last);
            for (int chip = 0; chip < rows.Length; chip++)
                if (rows[chip] >= 0)
                    Assert.True(rows[chip] <= 1 << budget.LogHeights[chip], $"shard {s}: {ZkvmChips.All[chip].Name} has {rows[chip]} rows, over 2^{budget.LogHeights[chip]}");
            Assert.True(records[s].Cycles <= 1L << logShard);
            if (last || records[s].Cycles == 1L << logShard)
                continue;
            // Cut before 2^k cycles: the next shard's first instruction would have taken a full table past its budget.
            cutByBudget++;
            var next = records[s + 1].Start.Pc;
            int index = (int)((next - program.Program.CodeBase) >> 2);
            var full = Enumerable.Range(0, limits.Counters).Where(j => (limits.Mask(index) >> j & 1) == 1).ToArray();
            Assert.Contains(full, j => CounterRows(rows, j) == limits.Limit(j));
        }
        Assert.True(cutByBudget > 0, $"no shard of {guest} at 2^{logShard} was cut by a table budget");
    }

    /// <summary>Counter j of <see cref="ShardBudget.RowLimits"/> is the j-th budgeted table other than the byte table, in chip order of its rule.</summary>
    private static int CounterRows(int[] rows, int j) =>
        rows[new[] { ZkvmTable.Cpu, ZkvmTable.AddSub, ZkvmTable.Bitwise, ZkvmTable.Shift, ZkvmTable.Compare, ZkvmTable.LoadStore, ZkvmTable.Mul, ZkvmTable.DivRem,
            ZkvmTable.Syscall }[j]];

    [Theory]
    [InlineData("hello", 6)]
    [InlineData("misaligned", 8)]
    [InlineData("muldiv", 10)]
    [InlineData("bigmul", 12)]
    public void Every_non_last_shard_of_a_cpu_only_run_has_the_budget_shape(string guest, int logShard)
    {
        var program = Guest(guest);
        var profile = ShardProfile.Probe(program, [], logShard, 1L << 30, ShardShapePolicy.Budget);
        var shards = profile.ProbeShardLogHeights;
        Assert.True(shards.Count >= 3, $"{guest} at 2^{logShard}: {shards.Count} shards");
        var budget = ShardBudget.For(logShard);
        for (int s = 0; s + 1 < shards.Count; s++)
        {
            // The boundary chunk shards (before the last) have no CPU: BoundaryChunkTests.
            if (shards[s][ZkvmTable.Cpu] < 0)
                continue;
            Assert.Equal(shards[0], shards[s]);
            for (int chip = 0; chip < ZkvmChips.Count; chip++)
                if (budget.LogHeights[chip] >= 0)
                    Assert.Equal(budget.LogHeights[chip], shards[s][chip]);
        }
        // The natural policy's shards differ (the point of the budget).
        var natural = ShardProfile.Probe(program, [], logShard, 1L << 30).ProbeShardLogHeights;
        Assert.Contains(natural.Take(natural.Count - 1), h => !h.SequenceEqual(shards[0]));
    }

    [Theory]
    [InlineData("hello", 6)]
    [InlineData("misaligned", 9)]
    [InlineData("muldiv", 10)]
    public void Budget_proofs_verify_with_padded_shards(string guest, int logShard)
    {
        var program = Guest(guest);
        var proof = Prove(program, [], 1L << logShard);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        using var machine = new Prover.Core.Machine.Machine(program.Program);
        var run = machine.Run();
        Assert.Equal(run.CommittedOutput, result.Output);
        Assert.Equal(run.Cycles, result.Cycles);
        Assert.True(proof.Shards.Count >= 3);
        var budget = ShardBudget.For(logShard);
        for (int s = 0; s + 1 < proof.Shards.Count; s++)
        {
            // The boundary chunk shards (before the last) have no CPU: BoundaryChunkTests.
            if (!proof.ShardChips[s].Contains(ZkvmTable.Cpu))
            {
                Assert.True(ZkvmChips.IsChunkShard(proof.ShardChips[s]));
                continue;
            }
            var heights = LogHeights(proof, s);
            Assert.Equal(proof.ShardChips[0], proof.ShardChips[s]);
            // Mul and DivRem are in every non-last shard, used or not (all-padding tables where not).
            Assert.True(proof.ShardChips[s].Contains(ZkvmTable.Mul) && proof.ShardChips[s].Contains(ZkvmTable.DivRem));
            for (int chip = 0; chip < ZkvmChips.Count; chip++)
                if (budget.LogHeights[chip] >= 0)
                    Assert.Equal(budget.LogHeights[chip], heights[chip]);
        }
    }

    [Theory]
    [InlineData("sha256", 10, 3000)]
    [InlineData("keccak", 10, 300)]
    public void Budget_proofs_of_accelerated_guests_verify(string guest, int logShard, int inputBytes)
    {
        // The CPU shards are at the budget; the accelerators are in shards of their own (AcceleratorShardTests).
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 13))];
        var proof = Prove(program, input, 1L << logShard);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        using var machine = new Prover.Core.Machine.Machine(program.Program, input);
        Assert.Equal(machine.Run().CommittedOutput, result.Output);
        Assert.True(proof.Shards.Count > 3);
        var budget = ShardBudget.For(logShard);
        for (int s = 0; s + 1 < proof.Shards.Count; s++)
        {
            if (!proof.ShardChips[s].Contains(ZkvmTable.Cpu))
            {
                Assert.True(ZkvmChips.IsCpuLess(proof.ShardChips[s]));
                continue;
            }
            var heights = LogHeights(proof, s);
            for (int chip = 0; chip < ZkvmChips.Count; chip++)
                if (budget.LogHeights[chip] >= 0)
                    Assert.Equal(budget.LogHeights[chip], heights[chip]);
        }
    }

    [Fact]
    public void Rebuilt_shards_prove_the_same_bytes_as_retained_ones()
    {
        // Phase 2 rebuilds each shard from its checkpoint (cut where phase 1 cut it, padded the same way).
        var retained = Prove(MulDiv, [], 1L << 10, retainMains: true).ToBytes();
        var rebuilt = Prove(MulDiv, [], 1L << 10, retainMains: false).ToBytes();
        Assert.Equal(retained, rebuilt);
    }

    [Fact]
    public void The_last_shard_takes_the_smallest_catalog_entry_that_holds_its_tables()
    {
        // Natural traces by chip index (only the heights matter to the rule).
        static RowMajorMatrix<KoalaBear>?[] Natural(params (int Chip, int LogHeight)[] tables)
        {
            var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
            foreach (var (chip, log) in tables)
                traces[chip] = new RowMajorMatrix<KoalaBear>(1 << log, 1);
            return traces;
        }
        var b = ShardBudget.For(14);
        // 1 + (k − floor) entries, smallest first; the last is the non-last shards' vector.
        Assert.Equal(Enumerable.Range(ShardBudget.LastShardFloor, 14 - ShardBudget.LastShardFloor + 1), b.LastShardCatalog.Select(e => e.LogShardSize));
        Assert.Equal(b.LogHeights, b.LastShardCatalog[^1].LogHeights);
        // A small last shard: the floor entry (2^10), whatever its cycles below it.
        Assert.Equal(10, b.ForLastShard(Natural((ZkvmTable.Cpu, 3), (ZkvmTable.AddSub, 3), (ZkvmTable.Bytes, 9))).LogShardSize);
        // The CPU's rows decide j (2^j ≥ cycles) ...
        Assert.Equal(12, b.ForLastShard(Natural((ZkvmTable.Cpu, 12), (ZkvmTable.AddSub, 11), (ZkvmTable.LoadStore, 11))).LogShardSize);
        // ... unless a table is fuller than its share of 2^j: LoadStore 2^11 > 2^(11−1), DivRem 2^8 > 2^(11−4).
        Assert.Equal(12, b.ForLastShard(Natural((ZkvmTable.Cpu, 11), (ZkvmTable.LoadStore, 11))).LogShardSize);
        Assert.Equal(12, b.ForLastShard(Natural((ZkvmTable.Cpu, 11), (ZkvmTable.DivRem, 8))).LogShardSize);
        Assert.Equal(14, b.ForLastShard(Natural((ZkvmTable.Cpu, 10), (ZkvmTable.Syscall, 10))).LogShardSize);
        // Tables the budget does not cover (accelerators, memory boundaries, input) do not move it.
        Assert.Equal(10, b.ForLastShard(Natural((ZkvmTable.Cpu, 9), (ZkvmTable.Keccak, 13), (ZkvmTable.MemoryInit, 15), (ZkvmTable.InputCommit, 12))).LogShardSize);
        // Shards below the floor: one entry, the shard size's own.
        var small = ShardBudget.For(8);
        Assert.Equal(8, Assert.Single(small.LastShardCatalog).LogShardSize);
        Assert.Equal(8, small.ForLastShard(Natural((ZkvmTable.Cpu, 2))).LogShardSize);
        // The catalog check the coordinator of a distributed proof makes.
        Assert.True(b.LastShardCatalog[1].IsShapeOf(ShardBudget.For(11).LogHeights));
        Assert.False(b.IsShapeOf(ShardBudget.For(13).LogHeights));
    }

    /// <summary>
    /// The last shard's budget by the rule, computed from the events of a traced run cut as the prover cuts (the rows each
    /// budgeted table has, from the lists its generator reads), not from the prover's traces.
    /// </summary>
    private static int ExpectedLastShardBudget(ZkvmProgram program, byte[] input, int logShard)
    {
        var budget = ShardBudget.For(logShard);
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShard, RowLimits = budget.RowLimits(program) });
        var (_, records) = machine.RunTraced();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        int[] rows = [];
        for (int s = 0; s < records.Count; s++)
            rows = Rows(program, records[s], registers, memory, input, s == records.Count - 1);
        for (int j = Math.Min(10, logShard); ; j++)
        {
            var entry = ShardBudget.For(j);
            if (Enumerable.Range(0, ZkvmChips.Count).All(c => rows[c] < 0 || rows[c] <= 1 << entry.LogHeights[c]))
                return j;
        }
    }

    [Theory]
    [InlineData("hello", 22, 0, 10)] // one shard of 206 cycles: the floor
    [InlineData("hello", 12, 0, 10)]
    [InlineData("muldiv", 14, 0, 13)] // one shard of ~1,200 cycles (CPU 2^11) with 400 DivRem rows: 2^(13−4) holds them
    [InlineData("muldiv", 12, 0, 12)] // cut by DivRem at 2^8 rows; the last shard's 144 DivRem rows need the full budget
    [InlineData("keccak", 12, 300, -1)]
    [InlineData("misaligned", 11, 0, -1)]
    public void The_last_shard_of_a_budget_proof_is_at_its_rule_heights(string guest, int logShard, int inputBytes, int expectedJ)
    {
        var program = Guest(guest);
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 13))];
        int j = ExpectedLastShardBudget(program, input, logShard);
        if (expectedJ >= 0)
            Assert.Equal(expectedJ, j);
        var proof = Prove(program, input, 1L << logShard);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        using (var machine = new Prover.Core.Machine.Machine(program.Program, input))
            Assert.Equal(machine.Run().CommittedOutput, result.Output);
        var last = LogHeights(proof, proof.Shards.Count - 1);
        var entry = ShardBudget.For(j);
        for (int chip = 0; chip < ZkvmChips.Count; chip++)
            if (entry.LogHeights[chip] >= 0)
                Assert.True(entry.LogHeights[chip] == last[chip], $"{ZkvmChips.All[chip].Name}: 2^{last[chip]} rows, the rule says 2^{entry.LogHeights[chip]}");
        // The tables outside the budget (memory boundaries, input commitment, accelerators) keep the natural proof's heights
        // when both policies cut the same shards.
        var natural = Prove(program, input, 1L << logShard, ShardShapePolicy.Natural);
        if (natural.Shards.Count == proof.Shards.Count)
        {
            var naturalLast = LogHeights(natural, natural.Shards.Count - 1);
            for (int chip = 0; chip < ZkvmChips.Count; chip++)
                if (entry.LogHeights[chip] < 0 && !ShardBudget.IsCpuSide(chip))
                    Assert.Equal(naturalLast[chip], last[chip]);
        }
    }

    [Theory]
    [InlineData("bigmul", 16)]
    [InlineData("bigmul", 14)]
    public void The_last_shard_of_a_long_run_is_at_its_rule_heights(string guest, int logShard)
    {
        // The shapes the prover would make (no proof: bigmul is 862,537 cycles).
        var program = Guest(guest);
        var shards = ShardProfile.Probe(program, [], logShard, 1L << 30, ShardShapePolicy.Budget).ProbeShardLogHeights;
        Assert.True(shards.Count > 3);
        var entry = ShardBudget.For(ExpectedLastShardBudget(program, [], logShard));
        Assert.True(entry.IsShapeOf(shards[^1]));
        Assert.All(shards.SkipLast(1).Where(s => s[ZkvmTable.Cpu] >= 0), s => Assert.True(ShardBudget.For(logShard).IsShapeOf(s)));
    }

    [Fact]
    public void All_padding_tables_have_zero_multiplicities_and_satisfy_their_constraints()
    {
        var budget = ShardBudget.For(8);
        var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
        budget.Pad(MulDiv, traces);
        for (int chip = 0; chip < ZkvmChips.Count; chip++)
        {
            if (budget.LogHeights[chip] < 0)
            {
                Assert.Null(traces[chip]);
                continue;
            }
            var air = MulDiv.Airs[chip];
            var trace = traces[chip]!;
            Assert.Equal(1 << budget.LogHeights[chip], trace.Height);
            // Every interaction of the chip, on every bus: zero multiplicity on every row (rows read with their next row,
            // as the prover's LogUp does).
            var compiled = new Prover.Core.Air.CompiledAir<KoalaBear>(air);
            Assert.NotEmpty(compiled.Interactions);
            var registers = new KoalaBear[compiled.Program.InstructionCount];
            var outputs = new KoalaBear[compiled.Program.ConstraintCount];
            var publics = PublicsFor(chip);
            for (int r = 0; r < trace.Height; r++)
            {
                var inputs = new Prover.Core.Air.TraceRowInputs<KoalaBear>(trace, null, publics, r);
                compiled.Program.Evaluate<KoalaBear, Prover.Core.Air.TraceRowInputs<KoalaBear>>(ref inputs, registers, outputs);
                for (int i = 0; i < compiled.Interactions.Count; i++)
                    Assert.True(outputs[compiled.InteractionOutput(i) + compiled.Interactions[i].Values.Count].IsZero,
                        $"{ZkvmChips.All[chip].Name}: interaction {i} (bus {compiled.Interactions[i].Bus}) has a non-zero multiplicity on padding row {r}");
            }
        }
        // Constraints on the padding rows (the transitions between them included), for the WhenUsed chips the budget adds.
        foreach (int chip in new[] { ZkvmTable.Mul, ZkvmTable.DivRem, ZkvmTable.AddSub, ZkvmTable.LoadStore })
            Assert.True(ZkvmProving.ProveAndVerify([MulDiv.Airs[chip]], [traces[chip]!], checkConstraints: true, publics: [PublicsFor(chip)]).IsValid);
    }

    /// <summary>Public values of an all-padding table (all zero: input size 0 for LoadStore and Syscall; the CPU's are not read by padding rows).</summary>
    private static KoalaBear[] PublicsFor(int chip) => new KoalaBear[MulDiv.Airs[chip].PublicValueCount];

    [Fact]
    public void Tampered_budget_proofs_are_rejected()
    {
        var program = MulDiv;
        var honest = Prove(program, [], 1L << 10);
        Assert.True(Verify(program, honest).IsValid);
        // A byte of a padded shard's proof.
        var bytes = honest.ToBytes();
        var verifier = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program);
        var rng = new Random(14);
        for (int i = 0; i < 8; i++)
        {
            var bad = (byte[])bytes.Clone();
            bad[rng.Next(bytes.Length / 4, bytes.Length)] ^= (byte)(1 << rng.Next(8));
            Assert.False(verifier.Verify(bad).IsValid);
        }
        // A padding row made to send: the Mul table's last (padding) row of the first shard claims a product.
        var tampered = Prove(program, [], 1L << 10, tamper: (s, t, _) =>
        {
            if (s == 0)
                t[ZkvmTable.Mul]![t[ZkvmTable.Mul]!.Height - 1, 0] = KoalaBear.One;
        });
        Assert.False(Verify(program, tampered).IsValid);
    }
}
