using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Keccak;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Accelerator shards under the budget policy (issue 14 piece (b); docs/design.md, "Accelerator shards"): every
/// accelerator's calls gathered into shards of their own (the fixed tables and that one table at a power-of-two tier from
/// 2^10 to 2^A), placed just before the last shard; no CPU shard holds an accelerator table; the native verifier accepts
/// exactly that kind besides the CPU shards' and chains the CPU boundaries across it; proofs of the accelerated guests verify,
/// and a proof whose accelerator rows are dropped or tampered with, or whose accelerator shard is removed, is rejected.
/// </summary>
public sealed class AcceleratorShardTests
{
    private static readonly (bool, (BigInteger, BigInteger), (BigInteger, BigInteger))[] EccProofCases =
        [(false, EccCases.G2, EccCases.G), (true, EccCases.G3, default), (false, EccCases.Multiple(7), EccCases.Multiple(11))];

    private static readonly (int, BigInteger, BigInteger, BigInteger)[] ModMulProofCases =
        [(4, ModMulCases.Secp256k1P - 5, ModMulCases.Secp256k1P - 7, ModMulCases.Secp256k1P), (6, 12345, ModMulCases.Bls12381P - 1, ModMulCases.Bls12381P)];

    /// <summary>A guest with calls of some accelerators, and an input for it.</summary>
    private static (ZkvmProgram Program, byte[] Input) Guest(string name) => name switch
    {
        "sha256" => (ZkvmProgram.FromElf(GuestTests.Elf("sha256")), [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 13))]),
        "keccak" => (ZkvmProgram.FromElf(GuestTests.Elf("keccak")), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 13))]),
        "modmul" => (ZkvmProgram.FromElf(GuestTests.Elf("modmul")), ModMulCases.Input(ModMulProofCases)),
        "ecc" => (ZkvmProgram.FromElf(GuestTests.Elf("ecc")), EccCases.Input(EccProofCases)),
        _ => throw new ArgumentException(name),
    };

    private static ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Prove(ZkvmProgram program, byte[] input, long shardSize, bool? retainMains = null,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null) =>
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config, ShardSize = shardSize, ShapePolicy = ShardShapePolicy.Budget, CheckConstraints = tamper is null,
            RetainMainCommitments = retainMains, Tamper = tamper,
        }).Prove(program, input);

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) => ZkvmProving.VerifyZkvm(program, proof);

    private static int[] LogHeights(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof, int shard) => ZkvmProving.ChipLogHeights(proof, shard);

    [Fact]
    public void The_tallest_tier_is_the_tallest_whose_cells_stay_within_a_cpu_side_shard()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        foreach (int k in new[] { 12, 16, 18, 20, 22 })
        {
            var budget = ShardBudget.For(k);
            long cells = budget.CpuSideCells(program);
            // The budgeted tables at their budgets (the byte table included), by the design's rule.
            long expectedCells = 0;
            for (int chip = 0; chip < ZkvmChips.Count; chip++)
                if (budget.LogHeights[chip] >= 0)
                    expectedCells += (long)program.Airs[chip].Width << budget.LogHeights[chip];
            Assert.Equal(expectedCells, cells);
            foreach (int chip in ZkvmChips.Accelerators)
            {
                int a = budget.AcceleratorMaxLogHeight(program, chip);
                long width = program.Airs[chip].Width;
                Assert.InRange(a, ShardBudget.AcceleratorMinLogHeight, 24);
                if (a > ShardBudget.AcceleratorMinLogHeight)
                    Assert.True(width << a <= cells, $"{ZkvmChips.All[chip].Name} at k = {k}: 2^{a} rows pass the CPU-side cells");
                if (a < 24)
                    Assert.True(width << (a + 1) > cells, $"{ZkvmChips.All[chip].Name} at k = {k}: 2^{a + 1} rows would fit too");
                // Tiers: at least 2^10, the next power of two, never past A.
                Assert.Equal(10, budget.AcceleratorLogHeight(program, chip, 1));
                Assert.Equal(a, budget.AcceleratorLogHeight(program, chip, 1L << a));
                Assert.Throws<InvalidOperationException>(() => budget.AcceleratorLogHeight(program, chip, (1L << a) + 1));
                if (a > 11)
                    Assert.Equal(12, budget.AcceleratorLogHeight(program, chip, (1 << 11) + 1));
            }
        }
        // The design's figure at k = 18: Keccak-f (the widest) reaches at least 2^13 rows.
        Assert.True(ShardBudget.For(18).AcceleratorMaxLogHeight(program, ZkvmTable.Keccak) >= 13);
    }

    [Fact]
    public void The_verifier_admits_exactly_the_accelerator_kind_besides_the_cpu_shards()
    {
        var fixedTables = new ChipSet(0).With(ZkvmTable.Program).With(ZkvmTable.Bytes).With(ZkvmTable.Image);
        Assert.Equal(10, ZkvmChips.Accelerators.Count);
        foreach (int chip in ZkvmChips.Accelerators)
        {
            var set = ZkvmChips.AcceleratorShard(chip);
            Assert.Equal(fixedTables.With(chip), set);
            Assert.True(ZkvmChips.IsAcceleratorShard(set));
            Assert.Null(ZkvmChips.CheckShard(set, lastShard: false));
            // Never the last shard; never a CPU shard's set (the leaves' kinds are unchanged).
            Assert.NotNull(ZkvmChips.CheckShard(set, lastShard: true));
            Assert.NotNull(ZkvmChips.Check(set, lastShard: false));
            // Without a fixed table, with a CPU, or with a second accelerator: no kind.
            foreach (int missing in new[] { ZkvmTable.Program, ZkvmTable.Bytes, ZkvmTable.Image })
                Assert.NotNull(ZkvmChips.CheckShard(set.Without(missing), lastShard: false));
            Assert.NotNull(ZkvmChips.CheckShard(set.With(ZkvmTable.Cpu), lastShard: false));
            int other = ZkvmChips.Accelerators.First(c => c != chip);
            Assert.NotNull(ZkvmChips.CheckShard(set.With(other), lastShard: false));
        }
        Assert.NotNull(ZkvmChips.CheckShard(fixedTables, lastShard: false));
        Assert.NotNull(ZkvmChips.CheckShard(fixedTables.With(ZkvmTable.MemoryInit), lastShard: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZkvmChips.AcceleratorShard(ZkvmTable.Cpu));
        // The CPU shards' kinds are what they were.
        Assert.Null(ZkvmChips.CheckShard(ZkvmChips.Full(lastShard: false), lastShard: false));
        Assert.Null(ZkvmChips.CheckShard(ZkvmChips.Full(lastShard: true), lastShard: true));
    }

    [Theory]
    [InlineData("keccak", 10, ZkvmTable.Keccak)]
    [InlineData("sha256", 10, ZkvmTable.Sha256)]
    [InlineData("modmul", 9, ZkvmTable.ModMul256)]
    [InlineData("ecc", 10, ZkvmTable.Secp256k1Add)]
    public void Accelerated_guests_prove_with_their_accelerators_in_shards_of_their_own(string guest, int logShard, int accelerator)
    {
        var (program, input) = Guest(guest);
        var proof = Prove(program, input, 1L << logShard);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        using (var machine = new Prover.Core.Machine.Machine(program.Program, input))
            Assert.Equal(machine.Run().CommittedOutput, result.Output);
        int n = proof.Shards.Count;
        var budget = ShardBudget.For(logShard);
        var acceleratorShards = Enumerable.Range(0, n).Where(s => ZkvmChips.IsAcceleratorShard(proof.ShardChips[s])).ToArray();
        // The boundary chunk shards (BoundaryChunkTests) follow them, just before the last shard.
        int chunkShards = Enumerable.Range(0, n).Count(s => ZkvmChips.IsChunkShard(proof.ShardChips[s]));
        Assert.NotEmpty(acceleratorShards);
        Assert.Contains(acceleratorShards, s => proof.ShardChips[s].Contains(accelerator));
        // Just before the chunk shards, contiguous; the accelerators in registry order.
        Assert.Equal(Enumerable.Range(n - 1 - chunkShards - acceleratorShards.Length, acceleratorShards.Length), acceleratorShards);
        var order = acceleratorShards.Select(s => proof.ShardChips[s].Indices().Single(ZkvmChips.IsAccelerator)).ToArray();
        Assert.Equal(order.Order(), order);
        Assert.True(n - 1 - chunkShards - acceleratorShards.Length >= 1, "at least one CPU shard before the accelerator shards");
        for (int s = 0; s < n; s++)
        {
            var heights = LogHeights(proof, s);
            if (ZkvmChips.IsChunkShard(proof.ShardChips[s]))
                continue;
            if (proof.ShardChips[s].Contains(ZkvmTable.Cpu))
            {
                // A CPU shard: no accelerator table; the non-last ones at the budget.
                Assert.DoesNotContain(proof.ShardChips[s].Indices(), ZkvmChips.IsAccelerator);
                if (s < n - 1)
                    for (int chip = 0; chip < ZkvmChips.Count; chip++)
                        if (budget.LogHeights[chip] >= 0)
                            Assert.Equal(budget.LogHeights[chip], heights[chip]);
                continue;
            }
            int a = proof.ShardChips[s].Indices().Single(ZkvmChips.IsAccelerator);
            Assert.Equal(ZkvmChips.AcceleratorShard(a), proof.ShardChips[s]);
            Assert.InRange(heights[a], ShardBudget.AcceleratorMinLogHeight, budget.AcceleratorMaxLogHeight(program, a));
            Assert.Equal(budget.LogHeights[ZkvmTable.Bytes], heights[ZkvmTable.Bytes]);
        }
        // The shapes the probe reports (prover shapes) are the proof's, the accelerator shards' computed without building them.
        var probe = ShardProfile.Probe(program, input, logShard, 1L << 30, ShardShapePolicy.Budget).ProbeShardLogHeights;
        Assert.Equal(n, probe.Count);
        for (int s = 0; s < n; s++)
            Assert.Equal(LogHeights(proof, s), probe[s]);
    }

    [Fact]
    public void An_execution_of_one_cpu_shard_starts_with_its_accelerator_shards()
    {
        // The only CPU shard is the last: the accelerator shards come first, and the first CPU shard (the last) starts at the entry.
        var (program, input) = Guest("sha256");
        var proof = Prove(program, input, 1L << 20);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        Assert.True(proof.Shards.Count >= 2);
        Assert.All(proof.ShardChips.Take(proof.Shards.Count - 1), c => Assert.True(ZkvmChips.IsCpuLess(c)));
        Assert.True(proof.ShardChips[^1].Contains(ZkvmTable.Cpu));
    }

    [Fact]
    public void Keccak_calls_fill_several_shards_at_their_tallest_tier_in_execution_order()
    {
        // At k = 8 the tallest Keccak-f tier is 2^10 rows (42 calls); 300 bytes hash in several absorbs of which the guest makes
        // more than 42 permutations only with a longer input: 6,000 bytes (45 blocks of 136) fill two shards.
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        byte[] input = [.. Enumerable.Range(0, 6000).Select(i => (byte)(i * 7))];
        var budget = ShardBudget.For(8);
        Assert.Equal(10, budget.AcceleratorMaxLogHeight(program, ZkvmTable.Keccak));
        var probe = ShardProfile.Probe(program, input, 8, 1L << 30, ShardShapePolicy.Budget).ProbeShardLogHeights;
        var keccakShards = probe.Where(h => h[ZkvmTable.Keccak] >= 0).ToArray();
        Assert.True(keccakShards.Length >= 2, $"{keccakShards.Length} Keccak-f shards");
        Assert.All(keccakShards, h => Assert.Equal(10, h[ZkvmTable.Keccak]));
        Assert.All(probe.Where(h => h[ZkvmTable.Cpu] >= 0), h => Assert.Equal(-1, h[ZkvmTable.Keccak]));
    }

    [Fact]
    public void Rebuilt_accelerator_shards_prove_the_same_bytes_as_retained_ones()
    {
        var (program, input) = Guest("keccak");
        Assert.Equal(Prove(program, input, 1L << 10, retainMains: true).ToBytes(), Prove(program, input, 1L << 10, retainMains: false).ToBytes());
    }

    [Fact]
    public void A_proof_without_its_keccak_rows_is_rejected_by_the_bus_balance()
    {
        // The accelerator shard's Keccak-f table replaced by padding permutations (valid rows that export nothing): every
        // constraint holds, but the syscall chip's KECCAK_PERMUTE sends and the memory accesses of the calls are unmatched.
        var (program, input) = Guest("keccak");
        var tampered = Prove(program, input, 1L << 10, tamper: (_, t, _) =>
        {
            if (t[ZkvmTable.Cpu] is null && t[ZkvmTable.Keccak] is { } keccak)
                t[ZkvmTable.Keccak] = KeccakTrace.Generate<KoalaBear>([], program.Program.CodeEnd, new Prover.Core.Zkvm.Tables.LookupCounts(), keccak.Height);
        });
        var result = Verify(program, tampered);
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);
    }

    [Fact]
    public void A_tampered_accelerator_row_is_rejected()
    {
        // A modmul result changed in the accelerator shard (the 256-bit chip's first row).
        var (program, input) = Guest("modmul");
        var layout = new Prover.Core.Zkvm.ModMul.ModMulLayout(4);
        bool edited = false;
        var tampered = Prove(program, input, 1L << 9, tamper: (_, t, _) =>
        {
            if (t[ZkvmTable.Cpu] is null && t[ZkvmTable.ModMul256] is { } table && table[0, layout.IsReal] == KoalaBear.One)
            {
                table[0, layout.R] += KoalaBear.One;
                edited = true;
            }
        });
        Assert.True(edited);
        Assert.False(Verify(program, tampered).IsValid);
    }

    [Fact]
    public void A_proof_with_an_accelerator_shard_removed_is_rejected()
    {
        var (program, input) = Guest("sha256");
        var proof = Prove(program, input, 1L << 10);
        Assert.True(Verify(program, proof).IsValid);
        int s = Enumerable.Range(0, proof.Shards.Count).First(i => !proof.ShardChips[i].Contains(ZkvmTable.Cpu));
        var dropped = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
        {
            ProgramDigest = proof.ProgramDigest,
            ExitCode = proof.ExitCode,
            Cycles = proof.Cycles,
            InputSize = proof.InputSize,
            InputCommitment = proof.InputCommitment,
            Output = proof.Output,
            ShardChips = [.. proof.ShardChips.Where((_, i) => i != s)],
            Shards = [.. proof.Shards.Where((_, i) => i != s)],
        };
        Assert.False(Verify(program, dropped).IsValid);
        // And an accelerator shard moved to the last place: the kinds are by place (the last CPU shard is no longer last).
        var moved = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
        {
            ProgramDigest = proof.ProgramDigest,
            ExitCode = proof.ExitCode,
            Cycles = proof.Cycles,
            InputSize = proof.InputSize,
            InputCommitment = proof.InputCommitment,
            Output = proof.Output,
            ShardChips = [.. proof.ShardChips.Where((_, i) => i != s), proof.ShardChips[s]],
            Shards = [.. proof.Shards.Where((_, i) => i != s), proof.Shards[s]],
        };
        var result = Verify(program, moved);
        Assert.False(result.IsValid);
        // The accelerator shard, now last: the last shard is a CPU shard (in chunked mode, a plain one).
        Assert.Contains("the Cpu chip is required", result.Error);
    }
}
