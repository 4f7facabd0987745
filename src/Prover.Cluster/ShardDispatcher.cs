using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Prover.Cluster;

/// <summary>
/// Places shard work on the cluster's workers and collects one result per shard (docs/design.md, "Faults").
/// A worker takes a job while it has a free slot (or <see cref="ClusterOptions.Prefetch"/> more, queued on it) and the
/// memory the job is estimated to need (the one with the fewest busy slots, then the most free memory, wins). Each dispatched job is polled; every answer renews its
/// lease. A worker silent for <see cref="ClusterOptions.LeaseTimeout"/> loses the lease: it is suspended and its
/// job goes back to the queue, to the next free worker. Polling of the lost dispatch goes on, so a worker that
/// comes back late still delivers — the first result of a shard that is bound to the job (shard index, job digest,
/// input digest) wins, later ones are counted as duplicates and dropped. A job that fails with an error is tried
/// on another worker up to <see cref="ClusterOptions.MaxAttempts"/> times. At the end, or when the proof is
/// cancelled, every worker that had work of the request is told to drop it.
/// </summary>
internal sealed class ShardDispatcher(IGrainFactory grains, ClusterOptions options, ILogger logger)
{
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastRefresh;

    /// <summary>Duplicate results dropped so far (a worker that came back after losing its lease).</summary>
    public int Duplicates { get; private set; }

    /// <summary>Jobs dispatched again after a lost lease or a worker that forgot them.</summary>
    public int Redispatches { get; private set; }

    /// <summary>The workers known at the last refresh.</summary>
    public IReadOnlyList<WorkerDevices> Workers
    {
        get
        {
            lock (_workers)
                return [.. _workers.Values.Select(w => w.Devices)];
        }
    }

    /// <summary>
    /// Runs every piece of work to a result; <paramref name="decode"/> turns a result's bytes into <typeparamref name="T"/> (a
    /// <see cref="FormatException"/> counts as a failure). With the results, the workers' own time (each accepted job's run on
    /// its slot, as its worker reports it) summed: when the jobs ran one after another (one slot, the in-process silo), the
    /// phase's wall time minus this is what dispatching, polling and messaging added.
    /// </summary>
    public async Task<(T[] Results, double WorkerMilliseconds)> RunAsync<T>(Guid requestId, ProofContext context, IReadOnlyList<ShardWork> works, byte[] inputDigest, Func<byte[], T> decode,
        Action<int>? progress, CancellationToken cancellationToken)
    {
        // One proof at a time per coordinator: the worker table's slot and memory counts are the dispatcher's alone.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var used = new HashSet<Worker>();
        bool completed = false;
        try
        {
            var results = await RunCoreAsync(requestId, context, works, inputDigest, decode, progress, used, stop.Token, cancellationToken).ConfigureAwait(false);
            completed = true;
            return results;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var w in used)
            {
                w.Running = 0;
                w.MemoryInUse = 0;
            }
            // A failed or cancelled phase frees its workers at once; after a completed phase they keep what phase 2 may use.
            if (!completed)
                await ReleaseAsync(requestId, used).ConfigureAwait(false);
            _gate.Release();
        }
    }

    /// <summary>Tells every worker to drop the request's work and kept traces (the end of a proof, or its failure).</summary>
    public Task ReleaseAsync(Guid requestId)
    {
        List<Worker> all;
        lock (_workers)
            all = [.. _workers.Values];
        return ReleaseAsync(requestId, all);
    }

    private static async Task ReleaseAsync(Guid requestId, IEnumerable<Worker> workers)
    {
        foreach (var w in workers)
        {
            try
            {
                await w.Grain.CancelRequestAsync(requestId).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException or OperationCanceledException)
            {
                // A gone worker drops the work on its own when its lease runs out.
            }
        }
    }

    private async Task<(T[] Results, double WorkerMilliseconds)> RunCoreAsync<T>(Guid requestId, ProofContext context, IReadOnlyList<ShardWork> works, byte[] inputDigest, Func<byte[], T> decode,
        Action<int>? progress, HashSet<Worker> used, CancellationToken stop, CancellationToken cancellationToken)
    {
        int n = works.Count;
        var results = new T[n];
        var done = new bool[n];
        int doneCount = 0;
        var attempts = new int[n];
        var errors = new string?[n];
        var pending = new PriorityQueue<int, int>();
        for (int i = 0; i < n; i++)
            pending.Enqueue(i, i);
        var queued = new bool[n];
        Array.Fill(queued, true);
        var events = Channel.CreateUnbounded<Event>();
        double workerMs = 0;
        long waitingSince = Stopwatch.GetTimestamp();
        while (doneCount < n)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
            while (pending.Count > 0)
            {
                int index = pending.Peek();
                var worker = Choose(works[index].MemoryEstimate);
                if (worker is null)
                    break;
                pending.Dequeue();
                queued[index] = false;
                var dispatch = new Dispatch(index, worker, works[index] with { WorkId = Guid.NewGuid(), Lease = options.WorkerLease }, works[index].MemoryEstimate);
                worker.Running++;
                worker.MemoryInUse += dispatch.Memory;
                used.Add(worker);
                _ = Task.Run(() => FollowAsync(dispatch, context, events.Writer, stop), CancellationToken.None);
                waitingSince = Stopwatch.GetTimestamp();
            }
            if (pending.Count > 0 && UsableWorkers() == 0 && Stopwatch.GetElapsedTime(waitingSince) > options.WaitForWorkers)
                throw new InvalidOperationException($"no worker of cluster '{options.ClusterId}' took shard work for {options.WaitForWorkers.TotalSeconds:F0} s");

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tick.CancelAfter(TimeSpan.FromSeconds(1));
            Event e;
            try
            {
                e = await events.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            do
            {
                var d = e.Dispatch;
                int i = d.Index;
                void Release()
                {
                    if (d.Released)
                        return;
                    d.Released = true;
                    d.Worker.Running--;
                    d.Worker.MemoryInUse -= d.Memory;
                }
                void Requeue()
                {
                    if (!done[i] && !queued[i])
                    {
                        pending.Enqueue(i, i);
                        queued[i] = true;
                        Redispatches++;
                    }
                }
                switch (e.Kind)
                {
                    case EventKind.Done:
                        Release();
                        string? wrong = e.Status!.ShardIndex != i ? $"the result names shard {e.Status.ShardIndex}"
                            : !e.Status.JobDigest.AsSpan().SequenceEqual(d.Work.JobDigest) ? "the result is bound to another job"
                            : !e.Status.InputDigest.AsSpan().SequenceEqual(inputDigest) ? "the result is about another input"
                            : e.Status.Result is null ? "the result is empty" : null;
                        T value = default!;
                        if (wrong is null)
                        {
                            try
                            {
                                value = decode(e.Status.Result!);
                            }
                            catch (FormatException x)
                            {
                                wrong = "a malformed result: " + x.Message;
                            }
                        }
                        if (wrong is not null)
                        {
                            Fail(i, d, wrong);
                            break;
                        }
                        if (done[i])
                        {
                            Duplicates++;
                            logger.LogInformation("shard {Shard}: a duplicate result from {Worker} dropped", i, d.Worker.Devices.Name);
                            break;
                        }
                        results[i] = value;
                        workerMs += e.Status.ElapsedMs;
                        done[i] = true;
                        doneCount++;
                        progress?.Invoke(doneCount);
                        break;
                    case EventKind.Failed:
                        Release();
                        Fail(i, d, e.Status?.Error ?? "failed");
                        break;
                    case EventKind.LeaseLost:
                        Release();
                        d.Worker.SuspendedUntil = Stopwatch.GetTimestamp() + (long)(options.LeaseTimeout.TotalSeconds * Stopwatch.Frequency);
                        logger.LogWarning("shard {Shard}: worker {Worker} silent for {Seconds:F0} s: lease lost, dispatching again", i, d.Worker.Devices.Name,
                            options.LeaseTimeout.TotalSeconds);
                        Requeue();
                        break;
                    case EventKind.Gone:
                        Release();
                        logger.LogWarning("shard {Shard}: worker {Worker} does not have the job ({Why}), dispatching again", i, d.Worker.Devices.Name, e.Why);
                        Requeue();
                        break;
                }
            }
            while (events.Reader.TryRead(out e!));

            void Fail(int i, Dispatch d, string error)
            {
                if (done[i])
                    return;
                attempts[i]++;
                errors[i] = error;
                logger.LogWarning("shard {Shard} failed on {Worker} (attempt {Attempt}): {Error}", i, d.Worker.Devices.Name, attempts[i], error);
                if (attempts[i] >= options.MaxAttempts)
                    throw new InvalidOperationException($"shard {i} failed on {attempts[i]} attempts: {error}");
                if (!queued[i])
                {
                    pending.Enqueue(i, i);
                    queued[i] = true;
                }
            }
        }
        return (results, workerMs);
    }

    /// <summary>Starts a dispatch on its worker (sending the context when asked) and polls it until a result, reporting a lost lease once.</summary>
    private async Task FollowAsync(Dispatch d, ProofContext context, ChannelWriter<Event> events, CancellationToken stop)
    {
        var grain = d.Worker.Grain;
        var call = options.LeaseTimeout < TimeSpan.FromSeconds(10) ? options.LeaseTimeout : TimeSpan.FromSeconds(10);
        try
        {
            var status = await grain.StartAsync(d.Work).WaitAsync(call, stop).ConfigureAwait(false);
            if (status.State == WorkState.NeedsContext)
            {
                await grain.LoadContextAsync(context).WaitAsync(TimeSpan.FromSeconds(120), stop).ConfigureAwait(false);
                status = await grain.StartAsync(d.Work).WaitAsync(call, stop).ConfigureAwait(false);
            }
            if (status.State is WorkState.Unknown or WorkState.NeedsContext)
            {
                events.TryWrite(new Event(EventKind.Gone, d, null, "it did not accept the job"));
                return;
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException or ArgumentException)
        {
            // A worker that did not answer the start within the call timeout is as silent as one that lost a lease (stopped,
            // overloaded, partitioned): it sits out a lease, not two seconds, so the job is not sent back to it at once.
            var pause = e is TimeoutException ? options.LeaseTimeout : TimeSpan.FromSeconds(2);
            d.Worker.SuspendedUntil = Stopwatch.GetTimestamp() + (long)(pause.TotalSeconds * Stopwatch.Frequency);
            events.TryWrite(new Event(EventKind.Gone, d, null, e.Message));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        long lastHeard = Stopwatch.GetTimestamp();
        bool lost = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lost ? TimeSpan.FromSeconds(1) : options.PollInterval, stop).ConfigureAwait(false);
                var status = await grain.PollAsync(d.Work.WorkId).WaitAsync(call, stop).ConfigureAwait(false);
                lastHeard = Stopwatch.GetTimestamp();
                switch (status.State)
                {
                    case WorkState.Done:
                        events.TryWrite(new Event(EventKind.Done, d, status, null));
                        return;
                    case WorkState.Failed:
                        events.TryWrite(new Event(EventKind.Failed, d, status, null));
                        return;
                    case WorkState.Unknown:
                        if (!lost)
                            events.TryWrite(new Event(EventKind.Gone, d, null, "the worker forgot it"));
                        return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
            {
                // Silence: the lease runs on.
            }
            if (!lost && Stopwatch.GetElapsedTime(lastHeard) > options.LeaseTimeout)
            {
                lost = true;
                events.TryWrite(new Event(EventKind.LeaseLost, d, null, null));
            }
        }
    }

    private int UsableWorkers()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_workers)
            return _workers.Values.Count(w => w.SuspendedUntil <= now);
    }

    /// <summary>The worker for a job needing <paramref name="memory"/> bytes, or null when none has room now.</summary>
    private Worker? Choose(long memory)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_workers)
        {
            // A job larger than every worker's memory still runs, alone on the largest (the estimate is conservative).
            long largest = _workers.Values.Select(w => w.Devices.MemoryBytes).DefaultIfEmpty(0).Max();
            long need = Math.Min(memory, largest);
            return _workers.Values
                .Where(w => w.SuspendedUntil <= now && w.Running < w.Devices.Slots + options.Prefetch && w.Devices.MemoryBytes - w.MemoryInUse >= need)
                .OrderBy(w => (double)w.Running / w.Devices.Slots)
                .ThenByDescending(w => w.Devices.MemoryBytes - w.MemoryInUse)
                .FirstOrDefault();
        }
    }

    /// <summary>Learns the cluster's active silos (every 2 s, or at once when forced) and asks new or suspended ones for their devices.</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        long now = Stopwatch.GetTimestamp();
        if (!force && Stopwatch.GetElapsedTime(_lastRefresh, now) < TimeSpan.FromSeconds(2))
            return;
        _lastRefresh = now;
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
        {
            logger.LogWarning("cannot list the cluster's members: {Error}", e.Message);
            return;
        }
        var keys = hosts.Keys.Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        lock (_workers)
            foreach (var gone in _workers.Keys.Where(k => !keys.Contains(k)).ToList())
                if (_workers[gone].Running == 0)
                    _workers.Remove(gone);
        foreach (string key in keys)
        {
            Worker? known;
            lock (_workers)
                _workers.TryGetValue(key, out known);
            if (known is not null && known.SuspendedUntil <= now)
                continue;
            var grain = grains.GetGrain<IShardWorkerGrain>(key);
            try
            {
                var devices = await grain.DescribeAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                lock (_workers)
                {
                    if (known is null)
                    {
                        _workers[key] = new Worker(key, grain, devices);
                        logger.LogInformation("worker {Worker} joined: {Cores} cores, {Memory:F1} GiB, {Slots} slot(s), {Backend}", devices.Name, devices.CpuCores,
                            devices.MemoryBytes / (double)(1L << 30), devices.Slots, devices.Backend);
                    }
                    else
                    {
                        known.SuspendedUntil = 0;
                    }
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
            {
                if (known is not null)
                    known.SuspendedUntil = now + Stopwatch.Frequency * 2;
            }
        }
    }

    private sealed class Worker(string key, IShardWorkerGrain grain, WorkerDevices devices)
    {
        public string Key { get; } = key;

        public IShardWorkerGrain Grain { get; } = grain;

        public WorkerDevices Devices { get; } = devices;

        public int Running { get; set; }

        public long MemoryInUse { get; set; }

        public long SuspendedUntil { get; set; }
    }

    private sealed class Dispatch(int index, Worker worker, ShardWork work, long memory)
    {
        public int Index { get; } = index;

        public Worker Worker { get; } = worker;

        public ShardWork Work { get; } = work;

        public long Memory { get; } = memory;

        public bool Released { get; set; }
    }

    private enum EventKind
    {
        Done,
        Failed,
        LeaseLost,
        Gone,
    }

    private sealed record Event(EventKind Kind, Dispatch Dispatch, WorkStatus? Status, string? Why);
}
