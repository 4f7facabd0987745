using System.Security.Cryptography;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The prover keeps a checkpoint per shard between its two phases and rebuilds each shard's traces for its proof
/// (docs/design.md, "Shard retention between the phases"); the reference keeps every shard's traces, as the
/// prover did before. Both must give the same proof bytes for multi-shard executions, under a configuration
/// decided by the first tall table (development) and under one decided only at the end (provable-100's
/// small-statement shape, where phase 1 rebuilds the waiting shards for their commitments).
/// </summary>
public sealed class ShardRetentionTests(ITestOutputHelper output)
{
    private static byte[] Prove(string guest, byte[] input, long shardSize, StarkConfig config, bool retainTraces, out ZkvmProofReport report,
        bool? retainMain = false, long? budget = null, bool tracesWithMains = true) =>
        config.ExtensionDegree == 4
            ? Prove<KoalaBearQuartic>(guest, input, shardSize, config, retainTraces, out report, retainMain, budget, tracesWithMains)
            : Prove<KoalaBearOctic>(guest, input, shardSize, config, retainTraces, out report, retainMain, budget, tracesWithMains);

    private static byte[] Prove<TDef>(string guest, byte[] input, long shardSize, StarkConfig config, bool retainTraces, out ZkvmProofReport report,
        bool? retainMain, long? budget, bool tracesWithMains)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var prover = new ZkvmProver<TDef, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = config, ShardSize = shardSize, RetainTraces = retainTraces, RetainMainCommitments = retainMain, MemoryBudgetBytes = budget,
            RetainTracesWithMainCommitments = tracesWithMains,
        });
        var bytes = prover.Prove(program, input).ToBytes();
        report = prover.LastReport!;
        var verification = new ZkvmVerifier<TDef, Digest<KoalaBearParameters>>(config, program).Verify(bytes);
        Assert.True(verification.IsValid, verification.Error);
        return bytes;
    }

    public static TheoryData<string, int, int, string, int> Cases => new()
    {
        // keccak calls in several shards (the permutation events' previous timestamps come from the re-execution).
        { "keccak", 300, 10, "development", 3 },
        // SHA-256 compressions across shards, and the last shard's memory boundary over all of them.
        { "sha256", 100, 9, "development", 3 },
        // Many shards of a tiny execution (development: the configuration is known at the first shard).
        { "hello", 3, 6, "development", 3 },
        // A small statement: every table at most 2^12 rows, so provable-100 proves it in the small-statement shape, known only
        // after the last shard (every shard waits for its commitment and is rebuilt for it).
        { "hello", 3, 7, "provable-100", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Checkpointed_shards_give_the_bytes_of_retained_traces(string guest, int inputBytes, int logShardSize, string config, int minShards)
    {
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 5 + 1))];
        var stark = config == "development" ? ZkvmProving.Config : StarkConfig.Provable100;
        var reference = Prove(guest, input, 1L << logShardSize, stark, retainTraces: true, out var referenceReport);
        var rebuilt = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var report);
        output.WriteLine($"{guest}: {report.Cycles} cycles, {report.Shards} shards, {rebuilt.Length} B, SHA-256 {Convert.ToHexStringLower(SHA256.HashData(rebuilt))}");
        Assert.True(report.Shards >= minShards, $"{report.Shards} shards: the case must cross shard boundaries");
        Assert.Equal(referenceReport.Config, report.Config);
        Assert.Equal(reference, rebuilt);
        // The reference keeps the traces, so only the checkpointed prover rebuilds them.
        Assert.Contains(report.Timings, t => t.Phase == "  traces rebuilt for phase 2");
        Assert.DoesNotContain(referenceReport.Timings, t => t.Phase == "  traces rebuilt for phase 2");
        Assert.True(report.CheckpointBytes > 0);
    }

    /// <summary>
    /// Phase 2 reusing phase 1's main LDEs and trees (kept for every shard, or within the memory budget, which keeps none when
    /// it is tiny) gives the bytes of making them again, under both configuration decisions (development's first tall table,
    /// provable-100's small-statement shape decided at the end, where the waiting shards are rebuilt and committed then).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Kept_main_commitments_give_the_bytes_of_commitments_made_again(string guest, int inputBytes, int logShardSize, string config, int minShards)
    {
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 5 + 1))];
        var stark = config == "development" ? ZkvmProving.Config : StarkConfig.Provable100;
        var again = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var againReport, retainMain: false);
        var kept = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var keptReport, retainMain: true);
        var byBudget = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var budgetReport, retainMain: null, budget: 1L << 40);
        var none = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var noneReport, retainMain: null, budget: 1);
        // Kept main LDEs with every shard rebuilt from its checkpoint (the traces not kept beside them).
        var rebuilt = Prove(guest, input, 1L << logShardSize, stark, retainTraces: false, out var rebuiltReport, retainMain: true, tracesWithMains: false);
        output.WriteLine($"{guest}: {keptReport.Shards} shards, kept {keptReport.MainCommitmentsKept.Shards} ({keptReport.MainCommitmentsKept.Bytes:N0} B)");
        Assert.True(keptReport.Shards >= minShards, $"{keptReport.Shards} shards: the case must cross shard boundaries");
        Assert.Equal(again, kept);
        Assert.Equal(again, byBudget);
        Assert.Equal(again, none);
        Assert.Equal(again, rebuilt);
        // Traces are kept only beside kept main LDEs: with every main kept (and by the large budget), every shard's traces too.
        Assert.Equal(keptReport.Shards, keptReport.TracesKept);
        Assert.Equal(budgetReport.Shards, budgetReport.TracesKept);
        Assert.Equal(0, againReport.TracesKept);
        Assert.Equal(0, noneReport.TracesKept);
        Assert.Equal(0, rebuiltReport.TracesKept);
        Assert.Equal(rebuiltReport.Shards, rebuiltReport.MainCommitmentsKept.Shards);
        Assert.Equal((0, 0L), againReport.MainCommitmentsKept);
        Assert.Equal(keptReport.Shards, keptReport.MainCommitmentsKept.Shards);
        Assert.True(keptReport.MainCommitmentsKept.Bytes > 0);
        Assert.Equal(budgetReport.Shards, budgetReport.MainCommitmentsKept.Shards);
        Assert.Equal(0, noneReport.MainCommitmentsKept.Shards);
        // Phase 2 made no main LDE where it was kept: its "main LDE" and "main commit" phases are near zero (not asserted:
        // timings), but the STARK prover refuses a kept commitment twice or for other shapes (KeptMainCommitmentTests).
    }
}
