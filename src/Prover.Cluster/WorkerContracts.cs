using Orleans;

namespace Prover.Cluster;

/// <summary>
/// What a worker advertises: where it runs, its CPU cores and memory, its GPUs, and how many shard jobs it runs at
/// once (its slots: one per GPU, each job bound to its slot's device; or the CPU, which a shard proof already uses on
/// all cores). <see cref="SlotList"/> names each slot's device.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkerDevices(
    [property: Id(0)] string Name,
    [property: Id(1)] int CpuCores,
    [property: Id(2)] long MemoryBytes,
    [property: Id(3)] string[] Gpus,
    [property: Id(4)] int Slots,
    [property: Id(5)] string Backend)
{
    /// <summary>The slots, one per GPU (and the CPU when it is one), in the order jobs take free ones.</summary>
    [Id(6)]
    public WorkerSlot[] SlotList { get; init; } = [];
}

/// <summary>The two kinds of shard work (docs/design.md, "Distributed proving").</summary>
public enum ShardPhase
{
    /// <summary>Re-execute, build the traces, commit to them.</summary>
    Commit = 1,

    /// <summary>Re-execute, build the traces, prove under the shared challenges.</summary>
    Prove = 2,
}

/// <summary>
/// One unit of work sent to a worker: a shard job (LZ4-compressed <see cref="Core.Zkvm.Proving.ZkvmShardJob"/> bytes and
/// their SHA-256), the phase, and for phase 2 the shard's challenges. <see cref="WorkId"/> makes a start idempotent;
/// <see cref="RequestId"/> groups the work of one proof (cancellation); <see cref="ContextId"/> names the program
/// and input the job needs (sent once per worker with <see cref="IShardWorkerGrain.LoadContextAsync"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardWork
{
    [Id(0)] public required Guid WorkId { get; init; }

    [Id(1)] public required Guid RequestId { get; init; }

    [Id(2)] public required string ContextId { get; init; }

    [Id(3)] public required ShardPhase Phase { get; init; }

    [Id(4)] public required int ShardIndex { get; init; }

    [Id(5)] public required byte[] Job { get; init; }

    [Id(6)] public required byte[] JobDigest { get; init; }

    /// <summary>The configuration's name (<see cref="Core.Stark.StarkConfig.ByName"/>).</summary>
    [Id(7)] public required string Config { get; init; }

    [Id(8)] public uint[]? Gamma { get; init; }

    [Id(9)] public uint[]? Beta { get; init; }

    [Id(10)] public ulong[]? Seed { get; init; }

    [Id(11)] public double StatementFractions { get; init; }

    /// <summary>Modelled peak memory of the job (the scheduler's estimate).</summary>
    [Id(12)] public long MemoryEstimate { get; init; }

    /// <summary>How long the worker keeps the job without a poll before it gives it up (the coordinator is gone).</summary>
    [Id(13)] public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Check the shard's tables against their AIRs before proving (the request's <see cref="Core.Zkvm.Proving.ZkvmProverOptions.CheckConstraints"/>; off by default, as on the single-process path).</summary>
    [Id(14)] public bool CheckConstraints { get; init; }

    /// <summary>
    /// The statement's tallest table (log2 rows) when the coordinator proves it in the configuration's small-statement
    /// shape (<see cref="Core.Stark.StarkConfig.ForTallestTable"/>), as the direct prover does; null: the named configuration as it is.
    /// </summary>
    [Id(15)] public int? TallestLogHeight { get; init; }
}

/// <summary>The program (its ELF) and the input of one proof, LZ4-compressed; <see cref="Id"/> is the hex SHA-256 of their digests.</summary>
[GenerateSerializer, Immutable]
public sealed record ProofContext(
    [property: Id(0)] string Id,
    [property: Id(1)] byte[] Elf,
    [property: Id(2)] byte[] Input);

/// <summary>Where a piece of work stands on a worker.</summary>
public enum WorkState
{
    /// <summary>The worker does not know the work (it restarted, or dropped it): dispatch it again.</summary>
    Unknown = 0,

    /// <summary>The worker lacks the work's program and input: send them, then start again.</summary>
    NeedsContext = 1,

    Queued = 2,
    Running = 3,
    Done = 4,
    Failed = 5,
}

/// <summary>
/// A worker's answer about a piece of work. A result repeats the shard index, the job digest and the input digest
/// it was computed for: the coordinator accepts it only for the job it sent (docs/design.md, "Faults").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkStatus
{
    [Id(0)] public required WorkState State { get; init; }

    [Id(1)] public string? Error { get; init; }

    [Id(2)] public int ShardIndex { get; init; }

    [Id(3)] public byte[] JobDigest { get; init; } = [];

    [Id(4)] public byte[] InputDigest { get; init; } = [];

    /// <summary>Phase 1: the commitment (<see cref="ShardPayload.EncodeCommitment"/>); phase 2: the proof (<see cref="ShardPayload.EncodeProof"/>).</summary>
    [Id(5)] public byte[]? Result { get; init; }

    [Id(6)] public double ElapsedMs { get; init; }

    /// <summary>The slot that ran (or runs) the work (<see cref="WorkerSlot.ToString"/>); null before it has one.</summary>
    [Id(7)] public string? Slot { get; init; }

    public static WorkStatus Of(WorkState state, string? error = null) => new() { State = state, Error = error };
}

/// <summary>
/// The shard worker of one silo (one activation per worker process: its key is the silo's address and
/// <see cref="WorkerPlacementAttribute"/> places it there). Calls return at once; proving runs in the background
/// and the coordinator polls, which is the worker's lease.
/// </summary>
public interface IShardWorkerGrain : IGrainWithStringKey
{
    Task<WorkerDevices> DescribeAsync();

    Task<WorkStatus> StartAsync(ShardWork work);

    Task<WorkStatus> PollAsync(Guid workId);

    Task LoadContextAsync(ProofContext context);

    /// <summary>Drops every queued or running piece of work of the request (a cancelled proof frees its workers).</summary>
    Task CancelRequestAsync(Guid requestId);
}
