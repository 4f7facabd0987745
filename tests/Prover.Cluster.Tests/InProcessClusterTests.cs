using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Prover.Node;

namespace Prover.Cluster.Tests;

/// <summary>The Orleans path in this process: the embedded in-process silo, and a TestingHost cluster losing a worker mid-proof.</summary>
public sealed class InProcessClusterTests
{
    [Fact]
    public async Task TheInProcessSiloGivesTheLocalProofBytes()
    {
        var options = ClusterTestGuests.Options(ClusterTestGuests.Misaligned, 10);
        var input = new BlockInput("misaligned", []);
        using var local = new NodeProver(options);
        var reference = await local.ProveAsync(input);
        Assert.Equal(2, reference.Report.Shards);

        await using var cluster = await ClusterHosting.StartInProcessAsync();
        using var prover = new NodeProver(options, engine: cluster.Prover);
        var shards = new List<(ProverPhase, int, int)>();
        var outcome = await prover.ProveAsync(input, new Prover.Node.Tests.TestGuests.SyncProgress<ProverProgress>(p => shards.Add((p.Phase, p.ShardsDone, p.ShardCount))));
        Assert.Equal(reference.Proof, outcome.Proof);
        Assert.True(outcome.Report.Verified);
        Assert.Equal("cluster (in-process: cpu)", outcome.Report.Backend);
        Assert.Contains((ProverPhase.MainCommitments, 2, 2), shards);
        Assert.Contains((ProverPhase.ShardProofs, 2, 2), shards);
        var worker = Assert.Single(cluster.Prover.Workers);
        Assert.Equal(Environment.ProcessorCount, worker.CpuCores);
        Assert.True(worker.MemoryBytes > 0 && worker.Slots >= 1);
    }

    [Fact]
    public async Task TheInProcessSiloGivesTheLocalProofBytesUnderTheBudgetPolicy()
    {
        // Budget-shaped shards (docs/design.md, "Shard budgets"): the cluster's plan cuts and its workers pad as the local prover does.
        var options = ClusterTestGuests.Options(ClusterTestGuests.Misaligned, 10) with { ShapePolicy = Prover.Core.Zkvm.Proving.ShardShapePolicy.Budget };
        var input = new BlockInput("misaligned", []);
        using var local = new NodeProver(options);
        var reference = await local.ProveAsync(input);
        using var naturalProver = new NodeProver(options with { ShapePolicy = Prover.Core.Zkvm.Proving.ShardShapePolicy.Natural });
        Assert.NotEqual((await naturalProver.ProveAsync(input)).Proof, reference.Proof);

        await using var cluster = await ClusterHosting.StartInProcessAsync();
        using var prover = new NodeProver(options, engine: cluster.Prover);
        var outcome = await prover.ProveAsync(input);
        Assert.Equal(reference.Proof, outcome.Proof);
        Assert.Equal(reference.Report.Shards, outcome.Report.Shards);
        Assert.True(outcome.Report.Verified);
    }

    [Fact]
    public async Task TheInProcessSiloGivesTheLocalProofBytesForARunWithAcceleratorCalls()
    {
        // keccak.elf under the budget policy: its Keccak-f calls are an accelerator shard of their own, proved by a worker from an
        // accelerator shard job (docs/design.md, "Distributed proving"); the file is the local prover's.
        var keccak = ProverGuest.FromElf("keccak", File.ReadAllBytes(ClusterTestGuests.ElfPath("keccak")), _ => new byte[32], _ => null);
        var options = ClusterTestGuests.Options(keccak, 10) with { ShapePolicy = Prover.Core.Zkvm.Proving.ShardShapePolicy.Budget };
        var input = new BlockInput("keccak", [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 13))]);
        using var local = new NodeProver(options);
        var reference = await local.ProveAsync(input);

        await using var cluster = await ClusterHosting.StartInProcessAsync();
        using var prover = new NodeProver(options, engine: cluster.Prover);
        var outcome = await prover.ProveAsync(input);
        Assert.Equal(reference.Proof, outcome.Proof);
        Assert.Equal(reference.Report.Shards, outcome.Report.Shards);
        Assert.True(outcome.Report.Verified);
        var proof = Prover.Core.Zkvm.Proving.ZkvmProof<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>
            .Parse(Prover.Core.Stark.ProofEnvelope.Parse(outcome.Proof).Proof);
        Assert.Contains(proof.ShardChips, Prover.Core.Zkvm.Chips.ZkvmChips.IsAcceleratorShard);
    }

    [Fact]
    public async Task ASmallProvable100StatementGetsTheDirectProversSmallShapeOnTheCluster()
    {
        // Every table of this two-shard statement is at most 2^12 rows: the direct prover uses provable-100's small-statement
        // shape (StarkConfig.ForTallestTable), and the cluster, which learns the heights only from phase 1, must too.
        var options = ClusterTestGuests.Options(ClusterTestGuests.Misaligned, 10) with { Configuration = ProofConfiguration.Provable100 };
        var input = new BlockInput("misaligned", []);
        using var local = new NodeProver(options);
        var reference = await local.ProveAsync(input);
        Assert.Equal(2, reference.Report.Shards);

        await using var cluster = await ClusterHosting.StartInProcessAsync();
        using var prover = new NodeProver(options, engine: cluster.Prover);
        var outcome = await prover.ProveAsync(input);
        Assert.Equal(reference.Proof, outcome.Proof);
        Assert.True(outcome.Report.Verified);
        Assert.Contains(outcome.Report.PhasesMs!.Keys, k => k.Contains("small-statement shape", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkersCheckTheAirsOnlyWhenTheRequestAsks()
    {
        var guest = ClusterTestGuests.Hello;
        var zkOptions = new Prover.Core.Zkvm.Proving.ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = 128 };
        await using var cluster = await ClusterHosting.StartInProcessAsync();
        var (plain, plainReport) = await cluster.Prover.ProveAsync(guest, [], zkOptions, CancellationToken.None);
        var (checkedFile, checkedReport) = await cluster.Prover.ProveAsync(guest, [], zkOptions with { CheckConstraints = true }, CancellationToken.None);
        // The shard proofs' phases are listed in the report with two leading spaces.
        Assert.DoesNotContain(plainReport.Timings, t => t.Phase.Trim() == "AIR constraint check");
        Assert.Contains(checkedReport.Timings, t => t.Phase.Trim() == "AIR constraint check");
        Assert.Equal(plain, checkedFile);
        // The workers' own time for the phase-1 jobs is listed under the phase, and the jobs ran inside the phase's wall time.
        double commitPhase = plainReport.Timings.Single(t => t.Phase == "main commitments (cluster, all shards)").Milliseconds;
        double commitJobs = plainReport.Timings.Single(t => t.Phase == ClusterProver.CommitJobsPhase).Milliseconds;
        Assert.InRange(commitJobs, double.Epsilon, commitPhase);
    }

    [Fact]
    public async Task ACancelledProofFreesItsWorker()
    {
        await using var cluster = await ClusterHosting.StartInProcessAsync();
        var service = cluster.Services.GetRequiredService<ShardWorkerService>();
        using var prover = new NodeProver(ClusterTestGuests.Options(ClusterTestGuests.Misaligned, 10), engine: cluster.Prover);
        using var cancel = new CancellationTokenSource();
        var proving = prover.ProveAsync(new BlockInput("misaligned", []), null, cancel.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (service.Started == 0 && !proving.IsCompleted && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(service.Started > 0, "no shard job started");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => proving);
        int started = service.Started;
        // The running shard step ends, its slot is freed, and nothing of the cancelled proof starts afterwards.
        deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (service.FreeSlots < service.Devices.Slots && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(service.Devices.Slots, service.FreeSlots);
        await Task.Delay(1000);
        Assert.Equal(started, service.Started);
        Assert.Equal(service.Devices.Slots, service.FreeSlots);
    }

    [Fact]
    public async Task AKilledWorkerLosesItsLeaseAndTheProofCompletesWithTheSameBytes()
    {
        var guest = ClusterTestGuests.Hello;
        byte[] input = [.. Enumerable.Range(0, 60).Select(i => (byte)i)]; // about 720 cycles: three shards of 2^8
        var zkOptions = new Prover.Core.Zkvm.Proving.ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = 256 };
        var (reference, referenceReport) = Prover.Core.Zkvm.Proving.ZkvmProofs.Prove(guest.Program, input, zkOptions);
        Assert.Equal(3, referenceReport.Shards);

        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<WorkerSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var prover = new ClusterProver(cluster.Client, WorkerSilo.Options);
            var proving = prover.ProveAsync(guest, input, zkOptions, CancellationToken.None);
            // Kill the secondary silo (the primary holds the test membership) once it is working on a shard.
            var victim = (InProcessSiloHandle)cluster.SecondarySilos[0];
            var service = victim.SiloHost.Services.GetRequiredService<ShardWorkerService>();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (service.FreeSlots == service.Devices.Slots && !proving.IsCompleted && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.True(service.FreeSlots < service.Devices.Slots, "the second worker never ran a shard");
            await cluster.KillSiloAsync(victim);
            var (file, _) = await proving.WaitAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(reference, file);
            Assert.True(prover.Redispatches >= 1, "the killed worker's job was not dispatched again");
            Assert.True(ClusterTestGuests.Verify(guest, file, input).Result.IsValid);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task AStalledWorkerLosesItsLeaseAndTheProofCompletesWithTheSameBytesAndItServesAgainWhenResumed()
    {
        var guest = ClusterTestGuests.Hello;
        byte[] input = [.. Enumerable.Range(0, 60).Select(i => (byte)i)]; // three shards of 2^8
        var zkOptions = new Prover.Core.Zkvm.Proving.ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = 256 };
        var (reference, _) = Prover.Core.Zkvm.Proving.ZkvmProofs.Prove(guest.Program, input, zkOptions);

        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<WorkerSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var victim = ((InProcessSiloHandle)cluster.SecondarySilos[0]).SiloHost.Services.GetRequiredService<ShardWorkerService>();
        try
        {
            var prover = new ClusterProver(cluster.Client, WorkerSilo.Options);
            var proving = prover.ProveAsync(guest, input, zkOptions, CancellationToken.None);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (victim.FreeSlots == victim.Devices.Slots && !proving.IsCompleted && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.True(victim.FreeSlots < victim.Devices.Slots, "the second worker never ran a shard");
            // Stop it (its grain answers nothing, no job starts): silent for the lease, its job goes to the other worker.
            victim.StallForTest();
            deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (prover.Redispatches == 0 && !proving.IsCompleted && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.True(prover.Redispatches >= 1, "the stalled worker's job was not dispatched again");
            // Resume it while the proof may still run: whatever it delivers late is a duplicate of a shard already
            // done (dropped) or the first result of its shard (bound to the same job, so the same bytes).
            victim.ResumeForTest();
            var (file, _) = await proving.WaitAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(reference, file);
            Assert.True(ClusterTestGuests.Verify(guest, file, input).Result.IsValid);

            // The resumed worker is a member again once its suspension (one lease) ends: the next proof uses it, same bytes.
            await Task.Delay(WorkerSilo.Options.LeaseTimeout + TimeSpan.FromSeconds(1));
            int before = victim.Started;
            var (again, _) = await prover.ProveAsync(guest, input, zkOptions, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(reference, again);
            Assert.True(victim.Started > before, "the resumed worker got no work");
        }
        finally
        {
            victim.ResumeForTest();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private sealed class WorkerSilo : ISiloConfigurator
    {
        public static ClusterOptions Options { get; } = new() { LeaseTimeout = TimeSpan.FromSeconds(3), WaitForWorkers = TimeSpan.FromSeconds(30) };

        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddShardWorker(Options);
    }
}
