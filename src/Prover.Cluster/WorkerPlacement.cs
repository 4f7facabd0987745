using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Prover.Cluster;

/// <summary>Places a <see cref="IShardWorkerGrain"/> on the silo its key names (a silo address): one worker grain per worker process.</summary>
[Serializable]
public sealed class WorkerPlacement : PlacementStrategy
{
    internal static readonly WorkerPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="WorkerPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerPlacementAttribute : PlacementAttribute
{
    public WorkerPlacementAttribute()
        : base(WorkerPlacement.Instance)
    {
    }
}

/// <summary>
/// The silo of the key, when it is an active member compatible with the grain; otherwise an error (the worker is
/// gone: the coordinator's call fails and it dispatches the job elsewhere).
/// </summary>
internal sealed class WorkerPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString()!;
        var silo = SiloAddress.FromParsableString(key);
        foreach (var s in context.GetCompatibleSilos(target))
            if (s.Equals(silo))
                return Task.FromResult(s);
        throw new OrleansException($"worker silo {key} is not an active member of the cluster");
    }
}
