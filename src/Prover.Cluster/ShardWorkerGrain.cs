using Orleans.Concurrency;

namespace Prover.Cluster;

/// <summary>The grain face of a worker process's <see cref="ShardWorkerService"/> (reentrant: every call returns at once).</summary>
[Reentrant]
[WorkerPlacement]
internal sealed class ShardWorkerGrain(ShardWorkerService service) : Grain, IShardWorkerGrain
{
    public Task<WorkerDevices> DescribeAsync() => Task.FromResult(service.Devices);

    public Task<WorkStatus> StartAsync(ShardWork work) => Task.FromResult(service.Start(work));

    public Task<WorkStatus> PollAsync(Guid workId) => Task.FromResult(service.Poll(workId));

    public Task LoadContextAsync(ProofContext context)
    {
        service.LoadContext(context);
        return Task.CompletedTask;
    }

    public Task CancelRequestAsync(Guid requestId)
    {
        service.CancelRequest(requestId);
        return Task.CompletedTask;
    }
}
