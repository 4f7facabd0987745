using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Cluster;

/// <summary>
/// Proves on a cluster of shard workers (docs/design.md, "Distributed proving"): the coordinator executes the guest
/// once (traced) and cuts it into shard jobs; phase 1 sends every job to the workers, which re-execute their shard
/// and commit to its traces; the coordinator draws the shared LogUp challenges from all commitments; phase 2 sends
/// every job again with its challenges and the workers prove; the coordinator checks and assembles the proof. The
/// proof file is byte for byte the single-process prover's for the same configuration and shard size. Serves as a
/// <see cref="NodeProver"/>'s <see cref="IProofEngine"/>; one proof at a time.
/// </summary>
public sealed class ClusterProver : IProofEngine
{
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly ShardDispatcher _dispatcher;

    public ClusterProver(IGrainFactory grains, ClusterOptions? options = null, ILogger<ClusterProver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _options = options ?? new ClusterOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _dispatcher = new ShardDispatcher(grains, _options, _logger);
    }

    /// <summary>"cluster (in-process: cpu)", "cluster (host:port: cuda+cpu)": where, and the backends of the workers seen so far.</summary>
    public string Name
    {
        get
        {
            string where = _options.Redis ?? "in-process";
            string backends = string.Join("+", Workers.SelectMany(w => w.Backend.Split('+')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            return backends.Length == 0 ? $"cluster ({where})" : $"cluster ({where}: {backends})";
        }
    }

    /// <summary>Results dropped because another worker's result for the same shard came first.</summary>
    public int DuplicateResults => _dispatcher.Duplicates;

    /// <summary>Jobs dispatched again (lost lease, or a worker that no longer had them).</summary>
    public int Redispatches => _dispatcher.Redispatches;

    /// <summary>The workers seen so far, with what they advertised.</summary>
    public IReadOnlyList<WorkerDevices> Workers => _dispatcher.Workers;

    /// <summary>
    /// The report's line (indented: a part of the phase above it) with the workers' own time for the phase-1 jobs, summed
    /// (re-execution, trace generation and main commitment of every shard); phase 2's is "shard job on the worker, whole".
    /// </summary>
    public const string CommitJobsPhase = "  commit jobs on the workers, whole";

    public async Task<(byte[] File, ZkvmProofReport Report)> ProveAsync(ProverGuest guest, byte[] input, ZkvmProverOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var elf = guest.Elf ?? throw new InvalidOperationException($"guest '{guest.Name}' was not made from an ELF: a cluster cannot ship it to workers");
        var program = guest.Program;
        var config = options.Config;
        config.Validate();
        var timings = new List<(string Phase, double Milliseconds)>();
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings.Add((phase, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }

        if (options.ShapePolicy == ShardShapePolicy.Budget)
        {
            // Under the budget policy the memory boundary and the input commitment are boundary chunk shards (docs/design.md,
            // "Boundary chunks"), which have no shard jobs yet: the coordinator proves the execution itself, in process, so the
            // file is the single-process prover's bytes (the same as every distributed proof's). Workers are not used.
            _logger.LogInformation("the budget policy's boundary chunk shards have no shard jobs yet: proving in process on the coordinator");
            return await Task.Run(() => ZkvmProofs.Prove(program, input, options with { Cancellation = cancellationToken }), cancellationToken).ConfigureAwait(false);
        }
        var plan = await Task.Run(() =>
        {
            long shardSize = ZkvmShardPlanner.ChooseShardSize(program, input, options);
            // Under the budget policy the plan cuts at the budget's row limits and every job carries the budget, so the workers
            // pad their traces as the single-process prover does (the same bytes).
            return ZkvmShardPlanner.Plan(program, input, shardSize, options.MaxCycles, cancellationToken, options.ShapePolicy);
        }, cancellationToken).ConfigureAwait(false);
        var jobs = plan.Jobs.Select(j =>
        {
            var bytes = j.ToBytes();
            return (Packed: ShardPayload.Compress(bytes), Digest: ShardPayload.Digest(bytes), j.Cycles, j.IsLast, Shape: j.AcceleratorShapeByChip(program));
        }).ToArray();
        var context = new ProofContext(ShardPayload.ContextId(program.Digest, plan.InputDigest), ShardPayload.Compress(elf), ShardPayload.Compress(input));
        Lap("execute (traced) and shard jobs");
        _logger.LogInformation("proving {Cycles} cycles in {Shards} shard job(s) of 2^{Log} cycles ({Bytes} bytes compressed) on the cluster", plan.Cycles, plan.Count,
            System.Numerics.BitOperations.Log2((ulong)plan.ShardSize), jobs.Sum(j => (long)j.Packed.Length));

        var requestId = Guid.NewGuid();
        try
        {
            return await ProveAsync(program, config, plan, jobs, context, input, requestId, timings, clock, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _dispatcher.ReleaseAsync(requestId).ConfigureAwait(false);
        }
    }

    private async Task<(byte[] File, ZkvmProofReport Report)> ProveAsync(ZkvmProgram program, Core.Stark.StarkConfig config, ZkvmShardPlan plan,
        (byte[] Packed, byte[] Digest, long Cycles, bool IsLast, int[]? Shape)[] jobs, ProofContext context, byte[] input, Guid requestId,
        List<(string Phase, double Milliseconds)> timings, Stopwatch clock, ZkvmProverOptions options, CancellationToken cancellationToken)
    {
        void Lap(string phase)
        {
            timings.Add((phase, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }

        program = program.ForDigest(config.DigestElements);
        int logShard = System.Numerics.BitOperations.Log2((ulong)plan.ShardSize);
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        long Estimate(int[] logHeights, long cycles, bool last) => ShardMemoryModel.EstimatePeakBytes(shapes, logHeights, 1,
            cycles, config.ExtensionDegree, config.LogBlowup);
        // Before phase 1 a CPU shard's heights are unknown: a bound (every chip the shard may have as tall as the shard or the fixed
        // tables, 2^18; −1 for a chip it cannot have). An accelerator shard's are known from its job (Shape).
        int bound = Math.Max(logShard, 18);
        // A committed shard's heights by chip (−1 for a chip it has no table for).
        static int[] Heights(ShardCommitment c)
        {
            var heights = Enumerable.Repeat(-1, Core.Zkvm.Chips.ZkvmChips.Count).ToArray();
            var chips = c.Chips.Indices();
            for (int i = 0; i < chips.Length && i < c.LogHeights.Length && chips[i] < heights.Length; i++)
                heights[chips[i]] = c.LogHeights[i];
            return heights;
        }
        int[] Bound(bool last) => [.. Core.Zkvm.Chips.ZkvmChips.All.Select(c => c.Allowed(last) ? bound : -1)];
        var commitWork = jobs.Select((j, i) => new ShardWork
        {
            WorkId = Guid.Empty, RequestId = requestId, ContextId = context.Id, Phase = ShardPhase.Commit, ShardIndex = i, Job = j.Packed, JobDigest = j.Digest,
            Config = config.Name, CheckConstraints = options.CheckConstraints, MemoryEstimate = Estimate(j.Shape ?? Bound(j.IsLast), j.Cycles, j.IsLast),
        }).ToArray();
        options.ShardProgress?.Invoke("main commitments", 0, plan.Count);
        var (commitments, commitMs) = await _dispatcher.RunAsync(requestId, context, commitWork, plan.InputDigest, bytes => ShardPayload.DecodeCommitment(bytes),
            done => options.ShardProgress?.Invoke("main commitments", done, plan.Count), cancellationToken).ConfigureAwait(false);
        Lap("main commitments (cluster, all shards)");
        timings.Add((CommitJobsPhase, commitMs));
        // The direct prover proves a small statement in its configuration's small-statement shape, chosen from the
        // tallest table of all shards (ZkvmProver); the heights are known only now, so phase 1 runs again in that shape
        // (cheap: every table is at most 2^12 rows) and the proof is the direct prover's bytes.
        int tallest = commitments.Max(c => c.LogHeights.Length == 0 ? 0 : c.LogHeights.Max());
        if (config.ForTallestTable(tallest) is var shaped && !ReferenceEquals(shaped, config))
        {
            config = shaped;
            commitWork = [.. commitWork.Select(w => w with { TallestLogHeight = tallest })];
            (commitments, commitMs) = await _dispatcher.RunAsync(requestId, context, commitWork, plan.InputDigest, bytes => ShardPayload.DecodeCommitment(bytes),
                done => options.ShardProgress?.Invoke("main commitments", done, plan.Count), cancellationToken).ConfigureAwait(false);
            Lap("main commitments again (small-statement shape)");
            timings.Add((CommitJobsPhase, commitMs));
        }

        var assembly = new ZkvmShardAssembly(program, config, plan, input);
        var challenges = await Task.Run(() => assembly.Challenges(commitments), cancellationToken).ConfigureAwait(false);
        Lap("challenges");
        var proveWork = commitWork.Select((w, i) => w with
        {
            Phase = ShardPhase.Prove, Gamma = challenges[i].Gamma, Beta = challenges[i].Beta, Seed = challenges[i].Seed,
            StatementFractions = challenges[i].StatementFractions, MemoryEstimate = Estimate(Heights(commitments[i]), jobs[i].Cycles, jobs[i].IsLast),
        }).ToArray();
        options.ShardProgress?.Invoke("shard proofs", 0, plan.Count);
        var (proofs, _) = await _dispatcher.RunAsync(requestId, context, proveWork, plan.InputDigest, ShardPayload.DecodeProof,
            done => options.ShardProgress?.Invoke("shard proofs", done, plan.Count), cancellationToken).ConfigureAwait(false);
        Lap("shard proofs (cluster)");
        foreach (var group in proofs.SelectMany(p => p.Timings).GroupBy(t => t.Phase))
            timings.Add(("  " + group.Key, group.Sum(t => t.Milliseconds)));
        var result = await Task.Run(() => assembly.Assemble(proofs, challenges, timings), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("cluster proof assembled: {Bytes} bytes; {Redispatches} re-dispatch(es), {Duplicates} duplicate result(s) dropped",
            result.File.Length, _dispatcher.Redispatches, _dispatcher.Duplicates);
        return result;
    }
}
