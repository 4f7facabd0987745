using Prover.Core.Stark;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The configurations of an execution's recursion layers: the shards' (<paramref name="Shard"/>), the aggregation tree's
/// leaves and nodes (<paramref name="Layer"/>) and the final proof over the tree's root (<paramref name="Final"/>).
/// </summary>
public sealed record ZkvmRecursionLayers(StarkConfig Shard, StarkConfig Layer, StarkConfig Final)
{
    /// <summary>
    /// The layers for shards under <paramref name="shard"/> (docs/design.md, "Recursion", the final layer): shards in
    /// <see cref="StarkConfig.Provable100"/>'s shape get leaves and nodes under <see cref="StarkConfig.Recursion100"/>
    /// (blowup 16, 41 queries: a smaller final program) and the final proof under <see cref="StarkConfig.Final100"/>
    /// (blowup 64, 26 queries: ≈ 290 KB); any other configuration (development, custom test shapes) keeps its own for every
    /// layer. The choice is by shape (<see cref="StarkConfig.SameShape"/>), not by name; the policy fields (minimum bits,
    /// insecure opt-in) follow <paramref name="shard"/>'s.
    /// </summary>
    public static ZkvmRecursionLayers For(StarkConfig shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (!StarkConfig.SameShape(shard, StarkConfig.Provable100))
            return new(shard, shard, shard);
        StarkConfig WithPolicy(StarkConfig c) => c with { MinimumProvableBits = shard.MinimumProvableBits, AllowInsecure = shard.AllowInsecure };
        return new(shard, WithPolicy(StarkConfig.Recursion100), WithPolicy(StarkConfig.Final100));
    }
}
