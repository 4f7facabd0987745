using Prover.Core.Stark;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The configurations of an execution's recursion layers: the shards' (<paramref name="Shard"/>), the aggregation tree's
/// leaves and nodes (<paramref name="Layer"/>), and the one-child layers over the tree's root (<paramref name="Finals"/>,
/// in order: each verifies the proof below it; the last is the final proof).
/// </summary>
public sealed record ZkvmRecursionLayers(StarkConfig Shard, StarkConfig Layer, IReadOnlyList<StarkConfig> Finals)
{
    /// <summary>The final proof's configuration.</summary>
    public StarkConfig Final => Finals[^1];

    /// <summary>
    /// The layers for shards under <paramref name="shard"/> (docs/design.md, "Recursion", the final layer): shards in
    /// <see cref="StarkConfig.Provable100"/>'s shape get a tree in their own configuration, then a wrap under
    /// <see cref="StarkConfig.Recursion100"/> (blowup 32, 31 queries: few queries make the program the final layer runs
    /// small) and the final proof under <see cref="StarkConfig.Final100"/> (blowup 64, 26 queries: ≈ 290 KB). Leaves at a
    /// low rate do not fit 16 GB for a 2^18-cycle shard (a leaf program of ~670 k instructions), hence the tree at
    /// provable-100's blowup 8 and one wrap. Shards in <see cref="StarkConfig.Provable128"/>'s shape likewise get a tree in
    /// their own configuration (12-element digests in every layer: width-24 Poseidon2 throughout), a wrap under
    /// <see cref="StarkConfig.Recursion128"/> (blowup 16, 56 queries) and the final proof under
    /// <see cref="StarkConfig.Final128"/> (blowup 32, 42 queries). Any other configuration (development, custom test shapes)
    /// keeps its own for every layer. The choice is by shape (<see cref="StarkConfig.SameShape"/>), not by name; the policy
    /// fields (minimum bits, insecure opt-in) follow <paramref name="shard"/>'s.
    /// </summary>
    public static ZkvmRecursionLayers For(StarkConfig shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        StarkConfig WithPolicy(StarkConfig c) => c with { MinimumProvableBits = shard.MinimumProvableBits, AllowInsecure = shard.AllowInsecure };
        if (StarkConfig.SameShape(shard, StarkConfig.Provable100))
            return new(shard, shard, [WithPolicy(StarkConfig.Recursion100), WithPolicy(StarkConfig.Final100)]);
        if (StarkConfig.SameShape(shard, StarkConfig.Provable128))
            return new(shard, shard, [WithPolicy(StarkConfig.Recursion128), WithPolicy(StarkConfig.Final128)]);
        return new(shard, shard, [shard]);
    }
}
