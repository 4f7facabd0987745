namespace Prover.Core.Zkvm.Proving;

/// <summary>How the prover shapes its shards (<see cref="ZkvmProverOptions.ShapePolicy"/>; docs/design.md, "Recursion", piece (b)).</summary>
public enum ShardShapePolicy
{
    /// <summary>Shards of the shard size in cycles, every table at its natural height (its rows rounded up to a power of two). The default.</summary>
    Natural,

    /// <summary>
    /// Shards also cut when a CPU-side table would pass its budget (<see cref="ShardBudget"/>), and every shard but the last
    /// with its CPU-side tables padded to exactly their budgets: one chip set and one set of heights for all of them when
    /// no accelerator runs; the last shard's padded to the smallest of 1 + (k − 10) last-shard budgets that holds them
    /// (<see cref="ShardBudget.LastShardCatalog"/>).
    /// </summary>
    Budget,
}
