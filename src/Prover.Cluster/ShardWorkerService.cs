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
    private readonly Slot[] _slotRuntimes;
    private readonly ConcurrentDictionary<string, int> _keptOn = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Timer _sweeper;

    /// <summary>
    /// A worker with one slot per device <paramref name="inventory"/> (default: this machine's, <see cref="LocalDevices"/>)
    /// finds for <see cref="ClusterOptions.Backend"/>, each job's backend bound to its slot's device (<see cref="WorkerSlots.Plan"/>).
    /// A device that does not open is left out, with a warning.
    /// </summary>
    public ShardWorkerService(ClusterOptions options, ILogger<ShardWorkerService>? logger = null, IDeviceInventory? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        inventory ??= LocalDevices.Instance;
        var kind = GpuBackend.Parse(options.Backend);
        var found = inventory.Find(kind, options.Slots, out string report);
        if (kind is not (BackendKind.Cpu or BackendKind.Auto) && found.Count == 0)
            _logger.LogWarning("backend {Backend}: no device ({Report}); proving on the CPU", options.Backend, report);
        var opened = new List<(LocalDevice Device, IProverBackend<KoalaBearParameters> Backend)>();
        foreach (var device in found)
        {
            try
            {
                opened.Add((device, inventory.Open(device)));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or GpuException)
            {
                _logger.LogWarning("device {Device} ({Name}) left out: {Error}", device.Id, device.Name, e.Message);
            }
        }
        var plan = WorkerSlots.Plan(options, [.. opened.Select(o => o.Device)]);
        long memory = options.MemoryBytes > 0 ? options.MemoryBytes : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long cache = options.TraceCacheBytes < 0 ? memory / 4 : options.TraceCacheBytes;
        // Each slot keeps the phase-1 traces of the jobs it committed (a phase-2 job goes back to that slot when it is free);
        // together they stay within the worker's budget.
        _slotRuntimes = [.. plan.Select(slot =>
        {
            var backend = slot.IsCpu ? CpuBackend<KoalaBearParameters>.Instance : opened.First(o => o.Device.Id == slot.Device).Backend;
            return new Slot(slot, backend, new ZkvmShardWorker(backend, cache / plan.Length));
        })];
        foreach (var (device, backend) in opened.Where(o => plan.All(s => s.Device != o.Device.Id)))
            (backend as IDisposable)?.Dispose(); // more devices than --slots
        string backends = string.Join("+", _slotRuntimes.Select(r => r.Backend.Name).Distinct(StringComparer.Ordinal));
        var gpus = plan.Where(s => !s.IsCpu).Select(s => $"{s.Device} {s.Name}" + (s.MemoryBytes > 0 ? $" ({s.MemoryBytes >> 20} MiB)" : "")).ToArray();
        Devices = new WorkerDevices($"{Environment.MachineName}/{Environment.ProcessId}", Environment.ProcessorCount, memory, gpus, plan.Length, backends)
        {
            SlotList = plan,
        };
        _slots = new SemaphoreSlim(plan.Length, plan.Length);
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _logger.LogInformation("shard worker ready: {Cores} cores, {Memory:F1} GiB, {Slots} slot(s) [{SlotList}], backend {Backend} ({Report})",
            Devices.CpuCores, memory / (double)(1L << 30), plan.Length, string.Join("; ", plan.Select(s => s.ToString())), backends, report);
    }

    public WorkerDevices Devices { get; }

    /// <summary>Pieces of work started here (tests watch it to kill a worker mid-job).</summary>
    public int Started => _started;

    private volatile TaskCompletionSource? _stall;

    /// <summary>
    /// Test hook, the in-process equivalent of SIGSTOP: until <see cref="ResumeForTest"/>, the worker's grain answers no
    /// call (the coordinator hears silence and its lease runs out) and no job starts proving. A job already inside its STARK
    /// runs on, but its result is delivered only after the resume, late, as a stopped process's would be.
    /// </summary>
    internal void StallForTest() => _stall ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends <see cref="StallForTest"/> (SIGCONT).</summary>
    internal void ResumeForTest() => Interlocked.Exchange(ref _stall, null)?.TrySetResult();

    /// <summary>Completes at once, or when a stalled worker resumes; the grain awaits it before answering.</summary>
    internal Task WhileStalled() => _stall?.Task ?? Task.CompletedTask;

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

    /// <summary>Phase-1 traces kept for phase 2 now (all slots).</summary>
    public int KeptShards => _slotRuntimes.Sum(r => r.Worker.CachedShards);

    /// <summary>Shard jobs each slot has run (by <see cref="WorkerSlot.Index"/>).</summary>
    public IReadOnlyList<int> JobsPerSlot => [.. _slotRuntimes.Select(r => r.Jobs)];

    public void CancelRequest(Guid requestId)
    {
        if (_kept.TryRemove(requestId, out var keys))
            foreach (var key in keys.Keys)
                Forget(key);
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
        string key = Convert.ToHexString(work.JobDigest);
        try
        {
            _slots.Wait(item.Cancel.Token);
        }
        catch (OperationCanceledException)
        {
            item.Finish(WorkState.Failed, null, "cancelled");
            return;
        }
        WhileStalled().Wait();
        // The semaphore counted a free slot; phase 2 takes the slot holding its phase-1 traces when that one is free.
        var slot = TakeSlot(work.Phase == ShardPhase.Prove && _keptOn.TryGetValue(key, out int kept) ? kept : -1);
        item.Slot = slot.Info.ToString();
        var sw = Stopwatch.StartNew();
        try
        {
            item.State = WorkState.Running;
            Interlocked.Increment(ref slot.Jobs);
            _logger.LogInformation("shard {Shard} phase {Phase} started on slot {Slot}", work.ShardIndex, (int)work.Phase, item.Slot);
            var bytes = ShardPayload.Decompress(work.Job);
            if (!ShardPayload.Digest(bytes).AsSpan().SequenceEqual(work.JobDigest))
                throw new InvalidOperationException("the shard job's bytes do not match their digest");
            var job = ZkvmShardJob.Parse(bytes);
            if (job.Index != work.ShardIndex)
                throw new InvalidOperationException($"the job is shard {job.Index}, the work names shard {work.ShardIndex}");
            item.InputDigest = job.InputDigest;
            var config = StarkConfig.ByName(work.Config);
            if (work.TallestLogHeight is { } tallest)
                config = config.ForTallestTable(tallest);
            byte[] result;
            if (work.Phase == ShardPhase.Commit)
            {
                _kept.GetOrAdd(work.RequestId, _ => new ConcurrentDictionary<string, byte>())[key] = 0;
                Forget(key); // a repeated phase 1 keeps the newest traces only
                result = ShardPayload.EncodeCommitment(slot.Worker.Commit(context.Program, context.Input, job, config, item.Cancel.Token, keepAs: key));
                _keptOn[key] = slot.Info.Index;
            }
            else
            {
                var challenges = new ZkvmShardChallenges(work.Gamma ?? throw new ArgumentException("phase 2 without γ"), work.Beta ?? throw new ArgumentException("phase 2 without β"),
                    work.Seed ?? throw new ArgumentException("phase 2 without a seed"), work.StatementFractions);
                double decoded = sw.Elapsed.TotalMilliseconds;
                // On another slot than phase 1's, the traces are rebuilt here and the other slot's copy is dropped.
                if (_keptOn.TryRemove(key, out int holder) && holder != slot.Info.Index)
                    _slotRuntimes[holder].Worker.Forget(key);
                var proof = slot.Worker.Prove(context.Program, context.Input, job, config, challenges, item.Cancel.Token, keptAs: key,
                    checkConstraints: work.CheckConstraints);
                double proved = sw.Elapsed.TotalMilliseconds;
                result = ShardPayload.EncodeProof(proof with
                {
                    Timings = [.. proof.Timings, ("shard job: decode", decoded), ("shard job: worker prove call", proved - decoded),
                        ("shard job on the worker, whole", sw.Elapsed.TotalMilliseconds)],
                });
            }
            item.ElapsedMs = sw.Elapsed.TotalMilliseconds;
            item.Finish(WorkState.Done, result, null);
            _logger.LogInformation("shard {Shard} phase {Phase} done in {Seconds:F2} s on slot {Slot}", work.ShardIndex, (int)work.Phase, sw.Elapsed.TotalSeconds,
                item.Slot);
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
            lock (_slotRuntimes)
                slot.Busy = false;
            _slots.Release();
        }
    }

    /// <summary>A free slot (the semaphore has counted one): <paramref name="preferred"/> when free, else the first free one.</summary>
    private Slot TakeSlot(int preferred)
    {
        lock (_slotRuntimes)
        {
            var slot = preferred >= 0 && !_slotRuntimes[preferred].Busy ? _slotRuntimes[preferred] : _slotRuntimes.First(r => !r.Busy);
            slot.Busy = true;
            return slot;
        }
    }

    /// <summary>Drops the traces kept under <paramref name="key"/>, on whichever slot holds them.</summary>
    private void Forget(string key)
    {
        _keptOn.TryRemove(key, out _);
        foreach (var r in _slotRuntimes)
            r.Worker.Forget(key);
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
        foreach (var r in _slotRuntimes)
            (r.Backend as IDisposable)?.Dispose();
    }

    /// <summary>A slot at run time: its backend (bound to its device) and the shard worker proving on it.</summary>
    private sealed class Slot(WorkerSlot info, IProverBackend<KoalaBearParameters> backend, ZkvmShardWorker worker)
    {
        public WorkerSlot Info { get; } = info;

        public IProverBackend<KoalaBearParameters> Backend { get; } = backend;

        public ZkvmShardWorker Worker { get; } = worker;

        public bool Busy;

        public int Jobs;
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

        public string? Slot { get; set; }

        public void Finish(WorkState state, byte[]? result, string? error)
        {
            _final = new WorkStatus
            {
                State = state, Error = error, ShardIndex = Work.ShardIndex, JobDigest = Work.JobDigest, InputDigest = InputDigest, Result = result, ElapsedMs = ElapsedMs, Slot = Slot,
            };
            State = state;
        }

        public WorkStatus Status() => _final ?? new WorkStatus { State = State, ShardIndex = Work.ShardIndex, JobDigest = Work.JobDigest, Slot = Slot };
    }
}
