using Prover.Core.Field;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Keys = Prover.Core.Recursion.Aggregation.ZkvmAggregationKeys<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// The keys of an execution's keyed family (docs/design.md, "Recursion", a keyed family's keys): hello.elf in two
/// shards, aggregated to a final proof over a wrap layer. Proving keys made when used and dropped after (a store of one
/// key) give the same family, R, final key and file bytes as every key kept resident (the former behaviour, a store
/// larger than the family); the on-disk verifying-key cache gives the same bytes cold and warm and skips every setup
/// when warm; a tampered, renamed or foreign-secret entry is rejected and rebuilt; a cache made under another
/// configuration is not used.
/// </summary>
public sealed class ZkvmFamilyKeysTests(ITestOutputHelper output)
{
    private static readonly StarkConfig ShardConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = StarkConfig.Development with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig WrapConfig = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 1 };

    private static readonly StarkConfig FinalConfig = StarkConfig.Development with { LogBlowup = 2, NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static readonly Lazy<(ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, KoalaBearDigest> Proof)> Hello2 = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << 7 }).Prove(program, []);
        return (program, proof);
    });

    private sealed record Run(Keys Keys, ZkvmAggregateReport Report, KoalaBearDigest AllowedKeys, ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest> Aggregator);

    private static Keys NewKeys(int capacity, ZkvmKeyCache? cache = null, StarkConfig? recursion = null) =>
        new(ShardConfig, recursion ?? RecursionConfig, Hello2.Value.Program, [WrapConfig, FinalConfig])
        {
            ProvingKeys = new ZkvmProvingKeys<KoalaBearDigest>(capacity),
            KeyCache = cache,
        };

    private static Run Aggregate(Keys keys)
    {
        var report = ZkvmAggregateProofs.Aggregate(keys, Hello2.Value.Proof, ZkvmAggregateKind.Final);
        // The same keys: the family made above, found again.
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, Hello2.Value.Proof);
        return new Run(keys, report, aggregator.Family.AllowedKeys, aggregator);
    }

    /// <summary>Every key resident: a store larger than the family and its final layers (what every run did before the store).</summary>
    private static readonly Lazy<Run> Resident = new(() => Aggregate(NewKeys(capacity: 64)));

    private static int Programs(Run run) => run.Aggregator.Family.Members.Count() + run.Keys.FinalConfigs.Count;

    private static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "famkeys-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void ProvingKeysMadeWhenUsedGiveTheSameKeysAndBytes()
    {
        var resident = Resident.Value;
        Assert.Equal(2, Hello2.Value.Proof.Shards.Count);
        // Resident: each program's key made once (its setup) and never again.
        Assert.Equal(Programs(resident), resident.Keys.ProvingKeys.Made);
        Assert.Equal(Programs(resident), resident.Keys.ProvingKeys.Count);
        var lean = Aggregate(NewKeys(capacity: 1));
        // One key held at a time: the leaf, node and final layers' keys were made again when used, checked against the
        // verifying keys the family holds (a mismatch throws), and the results are the same bytes.
        Assert.Equal(1, lean.Keys.ProvingKeys.Count);
        Assert.True(lean.Keys.ProvingKeys.Made > Programs(lean), $"{lean.Keys.ProvingKeys.Made} keys made for {Programs(lean)} programs");
        Assert.Contains(lean.Report.Phases, p => p.Phase == "setup (proving key)");
        Assert.DoesNotContain(resident.Report.Phases, p => p.Phase == "setup (proving key)");
        Assert.Equal(resident.AllowedKeys, lean.AllowedKeys);
        Assert.Equal(resident.Aggregator.Family.Members.Select(m => m.Key.PreprocessedRoot), lean.Aggregator.Family.Members.Select(m => m.Key.PreprocessedRoot));
        Assert.Equal(resident.Report.VerifyingKey, lean.Report.VerifyingKey);
        Assert.Equal(resident.Report.File, lean.Report.File);
        output.WriteLine($"resident: {resident.Keys.ProvingKeys.Made} setups; one key held: {lean.Keys.ProvingKeys.Made}");
    }

    [Fact]
    public void LeavesAreProvedGroupedByProgramInAnyOrderWithTheSameProofs()
    {
        var resident = Resident.Value;
        var order = resident.Aggregator.LeafOrder();
        Assert.Equal(Enumerable.Range(0, resident.Aggregator.ShardCount), order.Order());
        var family = resident.Aggregator.Family;
        var programs = order.Select(s => family.Set.IndexOf(resident.Aggregator.Leaf(s).Child.Key.PreprocessedRoot)).ToArray();
        Assert.Equal(programs.Order(), programs);
        // Leaves made in the grouped order are the leaves made one by one in shard order.
        var grouped = resident.Aggregator.Leaves();
        for (int s = 0; s < grouped.Count; s++)
            Assert.Equal(ProofSerializer.Serialize(resident.Aggregator.Leaf(s).Proof.Stark), ProofSerializer.Serialize(grouped[s].Proof.Stark));
    }

    [Fact]
    public void KeyCacheGivesTheSameBytesAndAWarmRunSkipsEverySetup()
    {
        var resident = Resident.Value;
        string dir = TempDirectory();
        try
        {
            var coldCache = new ZkvmKeyCache(dir, Secret);
            var cold = Aggregate(NewKeys(ZkvmProvingKeys<KoalaBearDigest>.DefaultCapacity, coldCache));
            Assert.Equal(0, coldCache.Hits);
            Assert.Equal(Programs(cold), coldCache.Written);
            Assert.Equal(Programs(cold), Directory.GetFiles(dir, "*.key").Length);
            Assert.Equal(resident.Report.File, cold.Report.File);

            var warmCache = new ZkvmKeyCache(dir, Secret);
            var warm = Aggregate(NewKeys(ZkvmProvingKeys<KoalaBearDigest>.DefaultCapacity, warmCache));
            Assert.Equal(Programs(warm), warmCache.Hits);
            Assert.Equal(0, warmCache.Misses + warmCache.Rejected + warmCache.Written);
            // No program's setup ran for its verifying key; only the keys the proofs used were made (checked against the cached roots).
            Assert.DoesNotContain(warm.Report.Phases, p => p.Phase == "setup (program columns)");
            Assert.Contains(warm.Report.Phases, p => p.Phase == "setup (proving key)");
            Assert.Equal(resident.AllowedKeys, warm.AllowedKeys);
            Assert.Equal(resident.Report.VerifyingKey, warm.Report.VerifyingKey);
            Assert.Equal(resident.Report.File, warm.Report.File);

            // A verifier with the warm cache makes no setup and accepts; it rejects what the verifier without it rejects.
            var verifierCache = new ZkvmKeyCache(dir, Secret);
            var verifier = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(NewKeys(1, verifierCache));
            var proofBytes = ProofEnvelope.Parse(resident.Report.File).Proof;
            Assert.True(verifier.Verify(proofBytes).IsValid);
            Assert.Equal(0, verifierCache.Written);
            var tampered = (byte[])proofBytes.Clone();
            tampered[^100] ^= 1;
            Assert.False(verifier.Verify(tampered).IsValid);
            Assert.False(new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(NewKeys(1)).Verify(tampered).IsValid);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TamperedRenamedOrForeignEntriesAreRejectedAndRebuilt()
    {
        var resident = Resident.Value;
        string dir = TempDirectory();
        try
        {
            _ = Aggregate(NewKeys(2, new ZkvmKeyCache(dir, Secret)));
            var files = Directory.GetFiles(dir, "*.key").Order().ToArray();
            var originals = files.Select(File.ReadAllBytes).ToArray();
            // 1. A root element changed (the entry's MAC no longer matches).
            var changed = (byte[])originals[0].Clone();
            changed[8 + 4 + 4 + 32 + 4] ^= 1;
            File.WriteAllBytes(files[0], changed);
            // 2. Another program's entry under this one's name (a valid entry, for another id).
            File.WriteAllBytes(files[1], originals[2]);
            // 3. An entry of the right layout for the right id, authenticated under another secret (a foreign cache).
            var foreignSecret = Secret.Select(b => (byte)(b ^ 0x5A)).ToArray();
            string foreignDir = TempDirectory();
            try
            {
                _ = Aggregate(NewKeys(2, new ZkvmKeyCache(foreignDir, foreignSecret)));
                File.Copy(Path.Combine(foreignDir, Path.GetFileName(files[3])), files[3], overwrite: true);
            }
            finally
            {
                Directory.Delete(foreignDir, true);
            }
            // 4. A truncated entry.
            File.WriteAllBytes(files[4], originals[4][..^1]);

            var cache = new ZkvmKeyCache(dir, Secret);
            var run = Aggregate(NewKeys(2, cache));
            Assert.Equal(4, cache.Rejected);
            Assert.Equal(4, cache.Written);
            Assert.Equal(Programs(run) - 4, cache.Hits);
            Assert.Equal(resident.AllowedKeys, run.AllowedKeys);
            Assert.Equal(resident.Report.File, run.Report.File);
            // Rebuilt: every entry is again the one first written.
            Assert.Equal(originals, files.Select(File.ReadAllBytes));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void CacheOfAnotherConfigurationIsNotUsed()
    {
        string dir = TempDirectory();
        try
        {
            var first = new ZkvmKeyCache(dir, Secret);
            _ = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(NewKeys(1, first), Hello2.Value.Proof).Family;
            Assert.True(first.Written > 0);
            // Another recursion configuration (one query more): every program's entry has another name, none is read.
            var other = new ZkvmKeyCache(dir, Secret);
            var otherConfig = RecursionConfig with { NumQueries = 4 };
            var family = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(NewKeys(1, other, otherConfig), Hello2.Value.Proof).Family;
            Assert.Equal(0, other.Hits);
            Assert.Equal(family.Members.Count(), other.Misses);
            // Its keys are its own configuration's (made here), not the first cache's.
            var fresh = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(NewKeys(1, null, otherConfig), Hello2.Value.Proof).Family;
            Assert.Equal(fresh.AllowedKeys, family.AllowedKeys);
            // The id names everything that fixes a key: another configuration, digest or program, another name.
            var program = family.Leaves[0].Program;
            var id = ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(program, RecursionConfig);
            Assert.Equal(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(program, RecursionConfig));
            Assert.NotEqual(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(program, otherConfig));
            Assert.NotEqual(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(program, RecursionConfig with { LogBlowup = 2 }));
            Assert.NotEqual(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearWideDigest>(program, RecursionConfig));
            Assert.NotEqual(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(family.Leaves[0].Program.Unpadded, RecursionConfig));
            Assert.NotEqual(id, ZkvmKeyCache.Id<KoalaBearQuartic, KoalaBearDigest>(family.Lift.Program, RecursionConfig));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SecretInsideTheCacheIsRefused()
    {
        string dir = TempDirectory();
        try
        {
            Assert.Throws<ArgumentException>(() => ZkvmKeyCache.Open(dir, Path.Combine(dir, "secret")));
            string secret = Path.Combine(TempDirectory(), "secret");
            var a = ZkvmKeyCache.Open(dir, secret);
            Assert.Equal(32, File.ReadAllBytes(secret).Length);
            var bytes = File.ReadAllBytes(secret);
            _ = ZkvmKeyCache.Open(dir, secret);
            Assert.Equal(bytes, File.ReadAllBytes(secret));
            Directory.Delete(Path.GetDirectoryName(secret)!, true);
            Assert.Equal(Path.GetFullPath(dir), a.Directory);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
