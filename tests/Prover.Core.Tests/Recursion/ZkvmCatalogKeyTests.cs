using Prover.Core.Field;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// One final key per guest (issue 14; docs/design.md, "The shard catalog"): budget-policy proofs of one guest at one shard
/// size, aggregated over the guest's shard catalog instead of their own shapes, end in final proofs checked against the
/// same key — the one <see cref="ZkvmCatalogKey"/> (<c>prover key</c>) computes without any execution — however many shards
/// and accelerator shards they have. The file names the catalog by k; another k, or the execution's own shapes in its
/// place, is another allowed-key root and is rejected. Small query counts keep these fast.
/// </summary>
public sealed class ZkvmCatalogKeyTests(ITestOutputHelper output)
{
    private static readonly StarkConfig ShardConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = StarkConfig.Development with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig FinalConfig = StarkConfig.Development with { LogBlowup = 2, NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private const int LogShardSize = 10;

    private static readonly ZkvmProgram Keccak = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));

    /// <summary>The tree's programs and keys, shared by both executions (a prover or verifier of many proofs of one guest keeps them).</summary>
    private static readonly Lazy<ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>> Keys =
        new(() => new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, RecursionConfig, Keccak, [FinalConfig]));

    private sealed record Execution(ZkvmProof<KoalaBearQuartic, KoalaBearDigest> Proof, ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest> Aggregator,
        ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest> Final);

    private static Execution Prove(int inputBytes)
    {
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 13))];
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions
        {
            Config = ShardConfig, ShardSize = 1 << LogShardSize, ShapePolicy = ShardShapePolicy.Budget,
        }).Prove(Keccak, input);
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(Keys.Value, proof, ShardCatalog.For(Keys.Value.Program, LogShardSize));
        return new Execution(proof, aggregator, aggregator.FromFinal(aggregator.Final(aggregator.Root())));
    }

    // Two executions of one guest with different shard counts and shapes: a short input, and a longer one.
    private static readonly Lazy<Execution> Short = new(() => Prove(40));

    private static readonly Lazy<Execution> Long = new(() => Prove(700));

    [Fact]
    public void Every_shard_of_a_budget_proof_has_a_catalog_shape()
    {
        var catalog = ShardCatalog.For(Keys.Value.Program, LogShardSize);
        foreach (var e in new[] { Short.Value, Long.Value })
            for (int s = 0; s < e.Proof.Shards.Count; s++)
                Assert.True(catalog.Contains(new ShardShape(e.Proof.ShardChips[s], e.Proof.Shards[s].LogHeights)),
                    $"shard {s} of {e.Proof.Shards.Count} ({string.Join(',', e.Proof.ShardChips[s].Indices().Select(c => ZkvmChips.All[c].Name))}) is not a catalog shape");
        // A natural-policy proof's last shard (tables at their natural heights) is not.
        var natural = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << LogShardSize })
            .Prove(Keccak, [1, 2, 3]);
        Assert.Contains(Enumerable.Range(0, natural.Shards.Count), s => !catalog.Contains(new ShardShape(natural.ShardChips[s], natural.Shards[s].LogHeights)));
        Assert.Throws<ArgumentException>(() => new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(Keys.Value, natural, catalog));
    }

    [Fact]
    public void Two_executions_of_one_guest_have_one_final_key_and_it_is_the_catalogs()
    {
        var (a, b) = (Short.Value, Long.Value);
        output.WriteLine($"short: {a.Proof.Shards.Count} shards; long: {b.Proof.Shards.Count} shards; catalog: {ShardCatalog.For(Keys.Value.Program, LogShardSize).Shapes.Count} shapes");
        // The two executions differ in their shards, so the former per-execution shape sets would give two keys.
        Assert.NotEqual(a.Proof.Shards.Count, b.Proof.Shards.Count);
        var verifier = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(Keys.Value);
        var keys = new List<uint[]>();
        foreach (var e in new[] { a, b })
        {
            var bytes = e.Final.ToBytes();
            var parsed = ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.Parse(bytes, RecursionConfig, FinalConfig);
            Assert.Equal(LogShardSize, parsed.CatalogLogShardSize);
            Assert.Empty(parsed.Shapes);
            var result = verifier.Verify(bytes);
            Assert.True(result.IsValid, result.Error);
            Assert.Equal(e.Proof.Output, result.Output);
            keys.Add(verifier.LastKey!.Value.ToCanonical());
        }
        Assert.Equal(keys[0], keys[1]);
        // The key `prover key` prints: derived from the guest, the configurations and k alone.
        var catalogKey = ZkvmCatalogKey.Of(Keys.Value, LogShardSize);
        Assert.Equal(catalogKey.FinalKey, keys[0]);
        Assert.Equal(a.Aggregator.Family.AllowedKeys.ToCanonical(), catalogKey.AllowedKeys);
    }

    [Fact]
    public void A_final_proof_naming_another_catalog_or_its_own_shapes_is_rejected()
    {
        var e = Short.Value;
        var verifier = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(Keys.Value);
        Assert.True(verifier.Verify(e.Final.ToBytes()).IsValid);
        // Another k: another catalog, family and allowed-key root, so another final key.
        var otherK = verifier.Verify(e.Final with { CatalogLogShardSize = LogShardSize + 1 });
        Assert.False(otherK.IsValid);
        output.WriteLine("another k: " + otherK.Error);
        // The execution's own distinct shapes in the catalog's place: the explicit mode's family, another root.
        var own = verifier.Verify(e.Final with { CatalogLogShardSize = 0, Shapes = ZkvmExecutionSummary.Distinct(
            Enumerable.Range(0, e.Proof.Shards.Count).Select(s => new ShardShape(e.Proof.ShardChips[s], e.Proof.Shards[s].LogHeights))) });
        Assert.False(own.IsValid);
        output.WriteLine("own shapes: " + own.Error);
    }

    [Fact]
    public void The_catalog_is_the_budget_rules_shapes_and_grows_with_k_only_by_tiers_and_entries()
    {
        var program = Keys.Value.Program;
        foreach (int k in new[] { 10, 14, 18, 20 })
        {
            var catalog = ShardCatalog.For(program, k);
            var budget = ShardBudget.For(k);
            // The CPU shard at the budget and every last-shard entry.
            foreach (var entry in budget.LastShardCatalog)
                Assert.True(catalog.Contains(ShardCatalog.CpuShape(program, entry)));
            // Every accelerator's tiers, none past A.
            foreach (int acc in ZkvmChips.Accelerators)
            {
                int a = budget.AcceleratorMaxLogHeight(program, acc);
                for (int t = ShardBudget.AcceleratorMinLogHeight; t <= a; t++)
                    Assert.True(catalog.Contains(ShardCatalog.AcceleratorShape(program, budget, acc, t)));
                Assert.False(catalog.Contains(ShardCatalog.AcceleratorShape(program, budget, acc, a + 1)));
            }
            // Both boundary chunks' tiers, none past their tallest.
            foreach (var chunk in new[] { ZkvmChips.MemoryChunkShard, ZkvmChips.InputChunkShard })
            {
                int m = budget.ChunkMaxLogHeight(program, chunk);
                for (int t = ShardBudget.AcceleratorMinLogHeight; t <= m; t++)
                    Assert.True(catalog.Contains(ShardCatalog.ChunkShape(program, budget, chunk, t)));
                Assert.False(catalog.Contains(ShardCatalog.ChunkShape(program, budget, chunk, m + 1)));
            }
            // Distinct and in the summary's order.
            for (int i = 1; i < catalog.Shapes.Count; i++)
                Assert.True(ZkvmExecutionSummary.Compare(catalog.Shapes[i - 1], catalog.Shapes[i]) < 0);
            output.WriteLine($"k = {k}: {catalog.Shapes.Count} shapes");
        }
    }
}
