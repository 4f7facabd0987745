namespace Prover.Node;

/// <summary>The phases of a proof, in order.</summary>
public enum ProverPhase
{
    /// <summary>Running the guest with tracing.</summary>
    Execute,

    /// <summary>Building every chip's traces, shard by shard.</summary>
    TraceGeneration,

    /// <summary>Phase 1: committing every shard's main traces (the transcript then draws the shared challenges).</summary>
    MainCommitments,

    /// <summary>Phase 2: proving each shard with the shared challenges.</summary>
    ShardProofs,

    /// <summary>Checking the finished proof.</summary>
    Verify,

    /// <summary>Finished.</summary>
    Done,
}

/// <summary>A progress report: the phase and, in the per-shard phases, shards done out of the shard count (0/0 elsewhere).</summary>
public readonly record struct ProverProgress(ProverPhase Phase, int ShardsDone, int ShardCount);
