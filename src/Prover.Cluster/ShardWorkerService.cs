using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu;

namespace Prover.Cluster;

/// <summary>
/// The shard worker of one process (a silo): runs shard jobs on its slots in the background, keeps each job's
/// status and result until the coordinator has polled it, caches the programs and inputs it was sent, and gives up
/// a job nobody polls within its lease (the coordinator is gone) or whose request was cancelled. Thread-safe.
/// </summary>
public sealed class ShardWorkerService : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Item> _work = new();
    private readonly ConcurrentDictionary<string, Context> _contexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, byte>> _kept = new();
    private readonly SemaphoreSlim _slots;
    private readonly ZkvmShardWorker _worker;
    private readonly IProverBackend<KoalaBearParameters> _backend;
    private readonly ILogger _logger;
    private readonly Timer _sweeper;

    public ShardWorkerService(ClusterOptions options, ILogger<ShardWorkerService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(GpuBackend.Parse(options.Backend), out string report);
        var gpus = Prover.Gpu.Cuda.CudaDevice.Enumerate(out _).Select(d => $"{d.Name} ({d.GlobalMemoryBytes >> 20} MiB)").ToArray();
        int slots = options.Slots > 0 ? options.Slots : _backend.Name == "cpu" ? 1 : Math.Max(1, gpus.Length);
        long memory = options.MemoryBytes > 0 ? options.MemoryBytes : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Devices = new WorkerDevices($"{Environment.MachineName}/{Environment.ProcessId}", Environment.ProcessorCount, memory, gpus, slots, _backend.Name);
        _worker = new ZkvmShardWorker(_backend, options.TraceCacheBytes < 0 ? memory / 4 : options.TraceCacheBytes);
        _slots = new SemaphoreSlim(slots, slots);
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _logger.LogInformation("shard worker ready: {Cores} cores, {Memory:F1} GiB, {Slots} slot(s), backend {Backend} ({Report}), GPUs [{Gpus}]",
            Devices.CpuCores, memory / (double)(1L << 30), slots, _backend.Name, report, string.Join(", ", gpus));
    }

    public WorkerDevices Devices { get; }

    /// <summary>Pieces of work started here (tests watch it to kill a worker mid-job).</summary>
    public int Started => _started;

    /// <summary>Slots not running a job now.</summary>
    public int FreeSlots => _slots.CurrentCount;

    private int _started;

    public WorkStatus Start(ShardWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_work.TryGetValue(work.WorkId, out var existing))
            return existing.Status(); // a repeated start (the reply was lost): idempotent
        if (!_contexts.TryGetValue(work.ContextId, out var context))
            return WorkStatus.Of(WorkState.NeedsContext);
        var item = new Item(work);
        if (!_work.TryAdd(work.WorkId, item))
            return _work[work.WorkId].Status();
        Interlocked.Increment(ref _started);
        // A shard proof is seconds to minutes of CPU work: a dedicated thread, as the single-process prover's caller, not a
        // thread-pool thread (which the proof's parallel loops and Orleans' own work items need).
        item.Task = Task.Factory.StartNew(() => Run(item, context), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return item.Status();
    }

    public WorkStatus Poll(Guid workId)
    {
        if (!_work.TryGetValue(workId, out var item))
            return WorkStatus.Of(WorkState.Unknown);
        item.LastPoll = Stopwatch.GetTimestamp();
        return item.Status();
    }

    public void LoadContext(ProofContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var elf = ShardPayload.Decompress(context.Elf);
        var input = ShardPayload.Decompress(context.Input);
        var program = _contexts.Values.FirstOrDefault(c => c.Elf.AsSpan().SequenceEqual(elf))?.Program ?? ZkvmProgram.FromElf(elf);
        string id = ShardPayload.ContextId(program.Digest, ShardPayload.Digest(input));
        if (id != context.Id)
            throw new ArgumentException("the context's program and input do not match its id");
        if (_contexts.Count >= 8)
            foreach (var old in _contexts.OrderBy(c => c.Value.Loaded).Take(_contexts.Count - 7))
                _contexts.TryRemove(old.Key, out _);
        _contexts[id] = new Context(program, elf, input, Stopwatch.GetTimestamp());
    }

    /// <summary>Phase-1 traces kept for phase 2 now.</summary>
    public int KeptShards => _worker.CachedShards;

    public void CancelRequest(Guid requestId)
    {
        if (_kept.TryRemove(requestId, out var keys))
            foreach (var key in keys.Keys)
                _worker.Forget(key);
        foreach (var item in _work.Values)
            if (item.Work.RequestId == requestId)
            {
                item.Cancel.Cancel();
                _work.TryRemove(item.Work.WorkId, out _);
            }
    }

    private void Run(Item item, Context context)
    {
        var work = item.Work;
        try
        {
            _slots.Wait(item.Cancel.Token);
        }
        catch (OperationCanceledException)
        {
            item.Finish(WorkState.Failed, null, "cancelled");
            return;
        }
        var sw = Stopwatch.StartNew();
        try
        {
            item.State = WorkState.Running;
            _logger.LogInformation("shard {Shard} phase {Phase} started", work.ShardIndex, (int)work.Phase);
            var bytes = ShardPayload.Decompress(work.Job);
            if (!ShardPayload.Digest(bytes).AsSpan().SequenceEqual(work.JobDigest))
                throw new InvalidOperationException("the shard job's bytes do not match their digest");
            var job = ZkvmShardJob.Parse(bytes);
            if (job.Index != work.ShardIndex)
                throw new InvalidOperationException($"the job is shard {job.Index}, the work names shard {work.ShardIndex}");
            item.InputDigest = job.InputDigest;
            var config = StarkConfig.ByName(work.Config);
            byte[] result;
            if (work.Phase == ShardPhase.Commit)
            {
                string key = Convert.ToHexString(work.JobDigest);
                _kept.GetOrAdd(work.RequestId, _ => new ConcurrentDictionary<string, byte>())[key] = 0;
                result = ShardPayload.EncodeCommitment(_worker.Commit(context.Program, context.Input, job, config, item.Cancel.Token, keepAs: key));
            }
            else
            {
                var challenges = new ZkvmShardChallenges(work.Gamma ?? throw new ArgumentException("phase 2 without γ"), work.Beta ?? throw new ArgumentException("phase 2 without β"),
                    work.Seed ?? throw new ArgumentException("phase 2 without a seed"), work.StatementFractions);
                double decoded = sw.Elapsed.TotalMilliseconds;
                var proof = _worker.Prove(context.Program, context.Input, job, config, challenges, item.Cancel.Token, keptAs: Convert.ToHexString(work.JobDigest));
                double proved = sw.Elapsed.TotalMilliseconds;
                result = ShardPayload.EncodeProof(proof with
                {
                    Timings = [.. proof.Timings, ("shard job: decode", decoded), ("shard job: worker prove call", proved - decoded),
                        ("shard job on the worker, whole", sw.Elapsed.TotalMilliseconds)],
                });
            }
            item.ElapsedMs = sw.Elapsed.TotalMilliseconds;
            item.Finish(WorkState.Done, result, null);
            _logger.LogInformation("shard {Shard} phase {Phase} done in {Seconds:F2} s", work.ShardIndex, (int)work.Phase, sw.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (item.Cancel.IsCancellationRequested)
        {
            item.Finish(WorkState.Failed, null, "cancelled");
        }
        catch (Exception e)
        {
            // Any failure is reported, never left running: the coordinator tries the job elsewhere or fails the proof with this message.
            _logger.LogWarning("shard {Shard} phase {Phase} failed: {Error}", work.ShardIndex, (int)work.Phase, e.Message);
            item.Finish(WorkState.Failed, null, e.Message);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Gives up work nobody polls within its lease, and forgets finished work a while after it was last polled.</summary>
    private void Sweep()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var item in _work.Values)
        {
            var silent = Stopwatch.GetElapsedTime(item.LastPoll, now);
            bool finished = item.State is WorkState.Done or WorkState.Failed;
            if (!finished && silent > item.Work.Lease)
            {
                _logger.LogWarning("shard {Shard}: no poll for {Seconds:F0} s, giving the job up", item.Work.ShardIndex, silent.TotalSeconds);
                item.Cancel.Cancel();
                _work.TryRemove(item.Work.WorkId, out _);
            }
            else if (finished && silent > TimeSpan.FromSeconds(30))
            {
                _work.TryRemove(item.Work.WorkId, out _);
            }
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var item in _work.Values)
            item.Cancel.Cancel();
        (_backend as IDisposable)?.Dispose();
    }

    private sealed record Context(ZkvmProgram Program, byte[] Elf, byte[] Input, long Loaded);

    private sealed class Item(ShardWork work)
    {
        private volatile WorkStatus? _final;

        public ShardWork Work { get; } = work;

        public CancellationTokenSource Cancel { get; } = new();

        public Task? Task { get; set; }

        public volatile WorkState State = WorkState.Queued;

        public long LastPoll = Stopwatch.GetTimestamp();

        public byte[] InputDigest { get; set; } = [];

        public double ElapsedMs { get; set; }

        public void Finish(WorkState state, byte[]? result, string? error)
        {
            _final = new WorkStatus
            {
                State = state, Error = error, ShardIndex = Work.ShardIndex, JobDigest = Work.JobDigest, InputDigest = InputDigest, Result = result, ElapsedMs = ElapsedMs,
            };
            State = state;
        }

        public WorkStatus Status() => _final ?? new WorkStatus { State = State, ShardIndex = Work.ShardIndex, JobDigest = Work.JobDigest };
    }
}
