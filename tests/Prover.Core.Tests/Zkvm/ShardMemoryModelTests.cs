using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The shard size from a memory budget: the probe's height bounds hold for real shards, the model grows
/// with the shard size, the choice is the largest size that fits, an impossible budget is a clear error,
/// and an automatic shard size proves the same bytes as the same size given explicitly.
/// </summary>
public sealed class ShardMemoryModelTests
{
    private static readonly ZkvmProgram Misaligned = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));

    /// <summary>The real log height of every table in shards of 2^<paramref name="logShard"/> cycles (largest over the shards).</summary>
    private static int[] RealLogHeights(ZkvmProgram program, int logShard, byte[]? input = null)
    {
        input ??= [];
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShard });
        var (_, records) = machine.RunTraced();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        var heights = Enumerable.Repeat(-1, Prover.Core.Zkvm.Chips.ZkvmChips.Count).ToArray();
        for (int s = 0; s < records.Count; s++)
        {
            var shard = ShardTraceBuilder.Build(program, records[s], registers, memory, input, s == records.Count - 1);
            var chips = shard.Chips.Indices();
            for (int i = 0; i < chips.Length; i++)
                heights[chips[i]] = Math.Max(heights[chips[i]], shard.LogHeights[i]);
        }
        return heights;
    }

    [Theory]
    [InlineData(6, 6)]
    [InlineData(6, 8)]
    [InlineData(6, 10)]
    [InlineData(7, 9)]
    public void Probe_heights_bound_every_table_of_larger_shards(int logProbe, int logShard)
    {
        var profile = ShardProfile.Probe(Misaligned, [], logProbe, 1L << 30);
        var bound = profile.LogHeights(logShard);
        var real = RealLogHeights(Misaligned, logShard);
        Assert.True(profile.Shards(logShard) >= 1);
        for (int t = 0; t < real.Length; t++)
        {
            Assert.True(real[t] <= bound[t], $"table {t}: real 2^{real[t]} rows above the bound 2^{bound[t]}");
            if (ShardProfile.IsShardIndependent(t))
                Assert.Equal(real[t], bound[t]);
        }
        using var machine = new Prover.Core.Machine.Machine(Misaligned.Program);
        Assert.Equal(machine.Run().Cycles, profile.Cycles);
    }

    [Theory]
    [InlineData("keccak", 300, 8, 10)]
    [InlineData("keccak", 300, 8, 11)]
    [InlineData("sha256", 100, 7, 9)]
    [InlineData("sha256", 100, 8, 11)]
    [InlineData("modmul", 0, 7, 10)]
    public void Window_bounds_hold_for_executions_with_phases(string guest, int inputBytes, int logProbe, int logShard)
    {
        // Guests whose precompile calls sit in one part of the execution: the bound is the fullest window of probe shards,
        // not the tallest probe shard in every shard, and must still hold for every real shard.
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 5 + 1))];
        var profile = ShardProfile.Probe(program, input, logProbe, 1L << 30);
        var bound = profile.LogHeights(logShard);
        var real = RealLogHeights(program, logShard, input);
        for (int t = 0; t < real.Length; t++)
        {
            Assert.True(real[t] <= bound[t], $"table {t}: real 2^{real[t]} rows above the bound 2^{bound[t]}");
            if (ShardProfile.IsShardIndependent(t))
                Assert.Equal(real[t], bound[t]);
        }
    }

    [Fact]
    public void Estimate_grows_with_extension_and_blowup_and_stops_at_the_execution_length()
    {
        var profile = ShardProfile.Probe(Misaligned, [], 6, 1L << 30);
        var shapes = ShardMemoryModel.Shapes(Misaligned.Airs); // every registry chip, as the prover passes them (the profile has a height per chip)
        for (int log = 6; log <= 12; log++)
        {
            long e = ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, 4, 1);
            Assert.True(ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, 8, 1) > e);
            Assert.True(ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, 4, 3) > e);
            Assert.True(ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, 4, 1, digestElements: 12) > e); // provable-128's wider tree nodes
            Assert.Equal(e, ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, 4, 1, digestElements: 8));
        }
        int whole = int.Log2((int)profile.Cycles - 1) + 1;
        Assert.Equal(ShardMemoryModel.EstimatePeakBytes(shapes, profile, whole, 4, 1), ShardMemoryModel.EstimatePeakBytes(shapes, profile, whole + 3, 4, 1));
    }

    [Fact]
    public void Estimate_counts_each_term_of_the_model()
    {
        // One table, 2^10 rows, width 10, 2 LogUp columns, 2 quotient chunks, D = 4, blowup 2, one shard, no cycles.
        var shapes = new[] { new ShardMemoryModel.TableShape(10, 0, 2, 1) };
        long e = ShardMemoryModel.EstimatePeakBytes(shapes, [10], 1, 0, 4, 1);
        double n = 1024, b = 2, d = 4;
        double elements = 10 * n + (10 + d * 2 + d * 2) * n * b + d * (2 + 2) * n + 2 * (2 * n * b * 8) + 3 * 2 * n * b * 8 + 6 * d * n * b;
        Assert.Equal((long)(elements * 4 * ShardMemoryModel.GcOverhead), e);
        // Four shards of 1 024 cycles: no shard's traces are held across the phases, only one shard's (in the working set
        // above), two shards' records and every cycle's share of the checkpoints.
        long four = ShardMemoryModel.EstimatePeakBytes(shapes, [10], 4, 4096, 4, 1);
        Assert.Equal((long)(elements * 4 * ShardMemoryModel.GcOverhead + 2 * 1024 * ShardMemoryModel.RecordBytesPerCycle
            + 4096 * ShardMemoryModel.CheckpointBytesPerCycle), four);
        Assert.Throws<ArgumentException>(() => ShardMemoryModel.EstimatePeakBytes(shapes, [10, 10], 1, 0, 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardMemoryModel.EstimatePeakBytes(shapes, [31], 1, 0, 4, 1));
    }

    [Fact]
    public void Choice_is_the_largest_shard_size_that_fits_and_too_small_a_budget_is_an_error()
    {
        var profile = ShardProfile.Probe(Misaligned, [], 6, 1L << 30);
        var shapes = ShardMemoryModel.Shapes(Misaligned.Airs); // every registry chip, as the prover passes them (the profile has a height per chip)
        // The execution is shorter than 2^11 cycles: larger shards change nothing and are not chosen.
        Assert.True(profile.Cycles <= 1 << 11);
        int all = ShardMemoryModel.ChooseLogShardSize(shapes, profile, 4, 1, long.MaxValue);
        Assert.Equal(Math.Max(ShardMemoryModel.MinLogShardSize, int.Log2((int)profile.Cycles - 1) + 1), all);
        long atMin = ShardMemoryModel.EstimatePeakBytes(shapes, profile, ShardMemoryModel.MinLogShardSize, 8, 3);
        Assert.Equal(ShardMemoryModel.MinLogShardSize, ShardMemoryModel.ChooseLogShardSize(shapes, profile, 8, 3, atMin));
        var e = Assert.Throws<InsufficientMemoryException>(() => ShardMemoryModel.ChooseLogShardSize(shapes, profile, 8, 3, atMin - 1));
        Assert.Contains("memory budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Automatic_shard_size_proves_the_same_bytes_as_the_same_size_given()
    {
        var config = ZkvmProving.Config;
        var auto = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, MemoryBudgetBytes = 1L << 40 });
        var proof = auto.Prove(Misaligned, []);
        var report = auto.LastReport!;
        Assert.NotNull(report.Memory);
        Assert.Equal(1L << 40, report.Memory!.Value.Budget);
        Assert.True(report.Memory.Value.Estimate <= 1L << 40);
        var given = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, ShardSize = 1L << report.LogShardSize }).Prove(Misaligned, []);
        Assert.Equal(given.ToBytes(), proof.ToBytes());
        Assert.True(new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(config, Misaligned).Verify(proof.ToBytes()).IsValid);
    }

    [Fact]
    public void A_budget_too_small_for_any_shard_is_a_clear_error_and_a_bad_budget_is_refused()
    {
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, MemoryBudgetBytes = 1 << 20 });
        Assert.Throws<InsufficientMemoryException>(() => prover.Prove(Misaligned, []));
        Assert.Throws<ArgumentException>(() => new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { MemoryBudgetBytes = 0 }));
    }
    [Fact]
    public void Under_the_budget_an_accelerator_is_modelled_in_its_own_shard_at_most_at_its_tallest_tier()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        const int k = 18;
        var budget = ShardBudget.For(k);
        int a = budget.AcceleratorMaxLogHeight(program, ZkvmTable.Keccak);
        Assert.Equal(a, budget.AcceleratorMaxLogHeight(c => shapes[c].Width, ZkvmTable.Keccak));
        // Natural heights of a shard of 2^18 cycles with a Keccak-f table of 2^20 rows (past the tallest tier).
        var heights = Enumerable.Repeat(-1, shapes.Length).ToArray();
        foreach (int chip in new[] { ZkvmTable.Program, ZkvmTable.Bytes, ZkvmTable.Image })
            heights[chip] = 15;
        heights[ZkvmTable.Cpu] = 18;
        long Budget(int[] h) => ShardMemoryModel.EstimateBudgetPeakBytes(shapes, h, k, 10, 10L << 18, 4, 1);
        var cpuOnly = (int[])heights.Clone();
        var withKeccak = (int[])heights.Clone();
        withKeccak[ZkvmTable.Keccak] = 20;
        var atTier = (int[])heights.Clone();
        atTier[ZkvmTable.Keccak] = a;
        // A CPU-only statement: the CPU-side shard at the budget, as before accelerator shards.
        var padded = cpuOnly.Select((h, t) => Math.Max(h, budget.LogHeights[t])).ToArray();
        Assert.Equal(ShardMemoryModel.EstimatePeakBytes(shapes, padded, 10, 10L << 18, 4, 1), Budget(cpuOnly));
        // The Keccak-f table is never taller than its tallest tier, and never beside the CPU.
        Assert.Equal(Budget(atTier), Budget(withKeccak));
        var beside = (int[])padded.Clone();
        beside[ZkvmTable.Keccak] = 20;
        Assert.True(Budget(withKeccak) < ShardMemoryModel.EstimatePeakBytes(shapes, beside, 10, 10L << 18, 4, 1));
        Assert.True(Budget(withKeccak) >= Budget(cpuOnly));
    }
}
