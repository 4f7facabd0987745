using Prover.Node;

namespace Prover.Service;

/// <summary>Options of the proof service.</summary>
public sealed record ProofServiceOptions
{
    /// <summary>The prover (configuration, shard size, backend, guest, proof type).</summary>
    public NodeProverOptions Prover { get; init; } = new();

    /// <summary>Where proofs are made (e.g. a cluster of workers); null: in the service's process.</summary>
    public IProofEngine? Engine { get; init; }

    /// <summary>Where proofs are kept across restarts (one file per proof); null keeps them in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How many proofs the in-memory LRU cache holds (the disk keeps all).</summary>
    public int MemoryCacheEntries { get; init; } = 64;

    /// <summary>
    /// The deadline of a request that names none (<c>timeout_ms</c>): a block proof is worthless after its slot.
    /// Null: no deadline.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>At most this many requests wait in the queue; more are refused with 503.</summary>
    public int MaxQueuedJobs { get; init; } = 256;

    /// <summary>Largest request body accepted (bytes).</summary>
    public long MaxRequestBytes { get; init; } = 64L << 20;

    /// <summary>Interval of the SSE keep-alive comments.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
}
