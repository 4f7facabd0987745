using Orleans.Concurrency;

namespace Prover.Cluster;

/// <summary>The grain face of a worker process's <see cref="ShardWorkerService"/> (reentrant: every call returns at once).</summary>
[Reentrant]
[WorkerPlacement]
internal sealed class ShardWorkerGrain(ShardWorkerService service) : Grain, IShardWorkerGrain
{
    // Each call first awaits WhileStalled (completed at once, except under the tests' stall hook).
    public async Task<WorkerDevices> DescribeAsync()
    {
        await service.WhileStalled();
        return service.Devices;
    }

    public async Task<WorkStatus> StartAsync(ShardWork work)
    {
        await service.WhileStalled();
        return service.Start(work);
    }

    public async Task<WorkStatus> PollAsync(Guid workId)
    {
        await service.WhileStalled();
        return service.Poll(workId);
    }

    public async Task LoadContextAsync(ProofContext context)
    {
        await service.WhileStalled();
        service.LoadContext(context);
    }

    public async Task CancelRequestAsync(Guid requestId)
    {
        await service.WhileStalled();
        service.CancelRequest(requestId);
    }
}
