using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The bus-count bound (docs/zkvm.md, "Bus multiplicity bound"): shards share the LogUp challenges, so a tuple sent p times
/// across shards would cancel modulo p; the verifier refuses any statement whose heights allow p bounded sends on a bus,
/// and the prover refuses to build one.
/// </summary>
public sealed class BusBudgetTests(ITestOutputHelper output)
{
    private static readonly Lazy<(ZkvmProgram Program, byte[] Proof)> Hello = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        // 64-cycle shards: several shards, so both shard kinds (last and not) are at hand.
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 64 }).Prove(program, []);
        return (program, proof.ToBytes());
    });

    /// <summary>A boolean column, a free column, a preprocessed column; interactions with various multiplicities.</summary>
    private sealed class BoundsAir : IAir<KoalaBear>
    {
        public string Name => "bounds";

        public int Width => 3;

        public int PreprocessedWidth => 1;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var l = builder.Local;
            var pre = builder.PreprocessedLocal[0];
            builder.AssertBool(l[0]);
            builder.AssertBool(l[1] + l[0]);
            builder.WhenTransition().AssertBool(l[2]);
            var three = SymbolicExpression<KoalaBear>.FromConstant(KoalaBear.FromUInt64(3));
            builder.Send(1, [l[2]], l[0]);                      // 0: boolean → 1
            builder.Send(1, [l[2]], l[0] + l[1] + l[0]);         // 1: l1 alone is free (only l1 + l0 is boolean) → unbounded
            builder.Send(1, [l[2]], (l[1] + l[0]) * three);      // 2: a boolean expression × 3 → 3
            builder.Send(1, [l[2]], l[2]);                       // 3: boolean only on transitions → unbounded
            builder.Receive(1, [pre], l[1]);                     // 4: free multiplicity, fixed tuple (a lookup table)
            builder.Send(1, [l[2]], -(l[0] - three));            // 5: |3 − l0| ≤ 4
        }
    }

    [Fact]
    public void Multiplicity_bounds_follow_the_constraints()
    {
        var air = new CompiledAir<KoalaBear>(new BoundsAir());
        Assert.Equal([1L, null, 3L, null, null, 4L], air.MultiplicityBounds);
        Assert.False(MultiplicityBounds.HasFixedTuple(air.Interactions[0]));
        Assert.True(MultiplicityBounds.HasFixedTuple(air.Interactions[4]));
    }

    [Fact]
    public void An_unbounded_multiplicity_on_a_free_tuple_is_refused_at_any_size()
    {
        var air = new CompiledAir<KoalaBear>(new BoundsAir());
        var error = BusBudget.Check([new BusBudget.Table<KoalaBear>(air, 1)]);
        Assert.NotNull(error);
        Assert.Contains("do not bound", error);
    }

    [Fact]
    public void Every_zkvm_interaction_is_bounded_or_a_fixed_table_lookup()
    {
        var program = Hello.Value.Program;
        foreach (var air in program.CompiledLastShardAirs)
            for (int i = 0; i < air.Interactions.Count; i++)
                Assert.True(air.MultiplicityBounds[i] is not null || air.FixedTuples[i],
                    $"{air.Name} interaction {i} (bus {air.Interactions[i].Bus})");
        // The lookup tables are the only unbounded ones: the Program ROM and the byte table (Range16 and ByteAnd).
        var unbounded = program.CompiledLastShardAirs.Where(a => a.MultiplicityBounds.Any(b => b is null)).ToArray();
        Assert.Equal([program.CompiledLastShardAirs[ZkvmTable.Program], program.CompiledLastShardAirs[ZkvmTable.Bytes]], unbounded);
        // The byte table's receives: both unbounded, both with tuples its own boolean columns fix (the Range16 value 256·a + b
        // and the AND tuple (a, b, Σ 2^i·a_i·b_i) are expressions of the 16 asserted bits; ByteTable's class comment).
        var bytes = program.CompiledLastShardAirs[ZkvmTable.Bytes];
        Assert.Equal([ZkvmBus.Range16, ZkvmBus.ByteAnd], bytes.Interactions.Select(i => i.Bus));
        Assert.All(bytes.FixedTuples, Assert.True);
        // The Program ROM's tuples are fixed by the verifying key itself.
        Assert.All(program.CompiledLastShardAirs[ZkvmTable.Program].Interactions, i => Assert.True(MultiplicityBounds.HasFixedTuple(i)));
        Assert.All(bytes.MultiplicityBounds, b => Assert.Null(b));
    }

    [Fact]
    public void Bus_totals_of_full_shards_are_reported()
    {
        // What one full shard costs each bus (all tables at 2^20, the six Weierstrass point tables at 2^16): the figures
        // docs/zkvm.md quotes. The point chips send about 800 tuples per row (most on Range16), so with all six at 2^20 one
        // shard alone could pass p on the Range16 bus and the verifier refuses such heights (asserted below): a shard has
        // one point call per syscall cycle at most, and the prover refuses a statement over budget before proving.
        var program = Hello.Value.Program;
        var full = ZkvmChips.Full(lastShard: true);
        int[] pointChips = [ZkvmTable.Secp256k1Add, ZkvmTable.Secp256k1Double, ZkvmTable.Bn254Add, ZkvmTable.Bn254Double,
            ZkvmTable.Bls12381Add, ZkvmTable.Bls12381Double];
        var chipOrder = ZkvmChips.All.Where(c => full.Contains(c.Index)).Select(c => c.Index).ToArray();
        var allAt20 = chipOrder.Select(_ => 20).ToArray();
        Assert.NotNull(ZkvmBusBudget.Check(program, [full], [allAt20], 0));
        var heights = chipOrder.Select(i => pointChips.Contains(i) ? 16 : 20).ToArray();
        var totals = BusBudget.Totals(ZkvmBusBudget.Tables(program, [full], [heights]), ZkvmBusBudget.PublicCounts(program, 0));
        foreach (var (bus, total) in totals)
            output.WriteLine($"bus {bus}: {total} = 2^{Math.Log2((double)total):F2}");
        Assert.True(totals[ZkvmBus.Range16] > totals[ZkvmBus.Memory]);
        Assert.Null(ZkvmBusBudget.Check(program, [full], [heights], 0));
        // Sixteen such shards exceed p on the Range16 bus.
        var shard = ZkvmChips.Full(lastShard: false);
        var shardHeights = ZkvmChips.All.Where(c => shard.Contains(c.Index)).Select(c => pointChips.Contains(c.Index) ? 16 : 20).ToArray();
        Assert.NotNull(ZkvmBusBudget.Check(program, [.. Enumerable.Repeat(shard, 15), full], [.. Enumerable.Repeat(shardHeights, 15), heights], 0));
    }

    [Fact]
    public void The_honest_small_proof_is_within_the_budget_and_verifies()
    {
        var (program, bytes) = Hello.Value;
        var result = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(bytes);
        Assert.True(result.IsValid, result.Error);
        Assert.NotNull(result.Security);
    }

    [Fact]
    public void The_verifier_refuses_claimed_heights_that_allow_p_sends_before_any_other_work()
    {
        var (program, bytes) = Hello.Value;
        // Every shard claiming every table at 2^24 rows: the Range16 bus alone could then see more than p sends. (One shard
        // of hello's chips is not enough: it has no Mul or DivRem table.)
        var proof = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(bytes);
        foreach (var shard in proof.Shards)
            Array.Fill(shard.LogHeights, 24);
        var result = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof);
        Assert.False(result.IsValid);
        Assert.Contains("too large for a sound bus argument", result.Error);

        // Many shards of the honest shape, each claiming 2^20-row tables: 64 of them. Chaining would fail too, but the bound
        // is checked first, so its message is what comes back.
        var honest = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(bytes);
        Assert.True(honest.Shards.Count > 1);
        var first = honest.Shards[0];
        var last = honest.Shards[^1];
        Array.Fill(first.LogHeights, 20);
        Array.Fill(last.LogHeights, 20);
        var many = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
        {
            ProgramDigest = honest.ProgramDigest,
            ExitCode = honest.ExitCode,
            Cycles = honest.Cycles,
            InputSize = honest.InputSize,
            InputCommitment = honest.InputCommitment,
            Output = honest.Output,
            ShardChips = [.. Enumerable.Repeat(honest.ShardChips[0], 63), honest.ShardChips[^1]],
            Shards = [.. Enumerable.Repeat(first, 63), last],
        };
        var result2 = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(many);
        Assert.False(result2.IsValid);
        Assert.Contains("too large for a sound bus argument", result2.Error);
    }

    [Fact]
    public void The_prover_refuses_a_statement_over_the_budget()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        // The real bound is p; a test limit shows the refusal on a small execution (same check, lower bound).
        var options = new ZkvmProverOptions { Config = ZkvmProving.Config, BusBudgetLimit = 1000 };
        var e = Assert.Throws<InvalidOperationException>(() => new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(options).Prove(program, []));
        Assert.Contains("too large for one sound bus argument", e.Message);
        Assert.Contains("bus ", e.Message);
    }
}
