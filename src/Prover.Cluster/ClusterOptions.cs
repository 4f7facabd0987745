namespace Prover.Cluster;

/// <summary>
/// Settings of a proving cluster, bound from the configuration section <c>Prover:Cluster</c> (appsettings.json, or
/// environment variables such as <c>Prover__Cluster__Redis=127.0.0.1:6379</c>); command-line options override them.
/// </summary>
public sealed record ClusterOptions
{
    public const string Section = "Prover:Cluster";

    /// <summary>The Redis endpoint (host:port) that holds the membership table; null: an in-process silo only.</summary>
    public string? Redis { get; init; }

    /// <summary>Orleans cluster and service ids: processes with the same ids and Redis form one cluster.</summary>
    public string ClusterId { get; init; } = "prover";

    public string ServiceId { get; init; } = "prover";

    /// <summary>The address other members reach this worker at (default 127.0.0.1: one machine).</summary>
    public string AdvertisedAddress { get; init; } = "127.0.0.1";

    /// <summary>Silo-to-silo and client gateway ports; 0: free ports chosen at start.</summary>
    public int SiloPort { get; init; }

    public int GatewayPort { get; init; }

    /// <summary>
    /// Shard jobs a worker runs at once. 0: one per GPU the backend finds, or one CPU slot without GPUs. With GPUs, at most
    /// this many of them; without, this many CPU slots; with <c>ilgpu:cpu</c>, this many ILGPU CPU accelerators.
    /// </summary>
    public int Slots { get; init; }

    /// <summary>Whether the CPU is a slot of its own beside the GPUs (null: only when there is no GPU).</summary>
    public bool? CpuSlot { get; init; }

    /// <summary>
    /// The worker's backend (cpu, auto, cuda, opencl, ilgpu, ilgpu:cpu): every device of that kind becomes a slot whose jobs
    /// prove on that device alone (<see cref="WorkerSlots"/>). The in-process silo defaults to the CPU, as direct proving does;
    /// <c>prover worker</c> defaults to auto (every local GPU, else the CPU).
    /// </summary>
    public string Backend { get; init; } = "cpu";

    /// <summary>Memory a worker advertises; 0: what the runtime reports as available to the process.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>How long a worker may stay silent (no answer to a poll) before its job is dispatched again.</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the coordinator polls a running job (each answer renews the lease).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Memory a worker may use to keep a shard's phase-1 traces until it proves that shard (saving their rebuild);
    /// negative: a quarter of the memory it advertises; 0: keep nothing.
    /// </summary>
    public long TraceCacheBytes { get; init; } = -1;

    /// <summary>How long a worker keeps running a job nobody polls (the coordinator died or gave up).</summary>
    public TimeSpan WorkerLease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a proof waits for a worker to join when none is there.</summary>
    public TimeSpan WaitForWorkers { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Jobs a busy worker is given beyond its slots, queued on it, so it starts the next shard the moment one ends
    /// instead of waiting for the coordinator's next poll and dispatch (still within its memory).
    /// </summary>
    public int Prefetch { get; init; } = 1;

    /// <summary>Dispatches of one shard job that fail with an error (not a lost lease) before the proof fails.</summary>
    public int MaxAttempts { get; init; } = 3;
}
