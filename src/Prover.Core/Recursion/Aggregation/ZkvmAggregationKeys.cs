using System.Globalization;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of an aggregation tree and their keys, made once per shape: a leaf per (chip set, heights, bus
/// fractions), a node per pair of children's keys. The prover and the verifier of a root derive the tree the same way
/// (<see cref="Root"/>), so the verifier's root key is the one the prover proved against. Over a root, the final layers
/// (<see cref="FinalChain"/>) are one-child programs proved under <paramref name="finalConfigs"/> in order (default: one,
/// under the recursion configuration); the last is the final proof.
/// </summary>
public sealed class ZkvmAggregationKeys<TDef>(StarkConfig shardConfig, StarkConfig recursionConfig, ZkvmProgram program,
    IReadOnlyList<StarkConfig>? finalConfigs = null)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
{
    private readonly Dictionary<string, ZkvmAggregationChild<TDef>> _cache = [];

    public StarkConfig ShardConfig => shardConfig;

    public StarkConfig RecursionConfig => recursionConfig;

    public ZkvmProgram Program => program;

    /// <summary>The configurations of the final layers over the tree's root, in order (the last: the final proof's).</summary>
    public IReadOnlyList<StarkConfig> FinalConfigs => finalConfigs is { Count: > 0 } ? finalConfigs : [recursionConfig];

    /// <summary>The configuration of the final proof.</summary>
    public StarkConfig FinalConfig => FinalConfigs[^1];

    /// <summary>The programs and keys of <paramref name="program"/>'s trees under <paramref name="layers"/>.</summary>
    public static ZkvmAggregationKeys<TDef> For(ZkvmRecursionLayers layers, ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return new(layers.Shard, layers.Layer, program, layers.Finals);
    }

    /// <summary>
    /// The leaf program (and key) of a shard of this shape, proved in <paramref name="shape"/> (the shard configuration
    /// or its small-statement shape: <see cref="ZkvmCheckedStatement{TDef, TDigest}.Config"/>).
    /// </summary>
    public ZkvmAggregationChild<TDef> Leaf(StarkConfig shape, ChipSet chips, int[] logHeights, double statementFractions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        string id = $"leaf {shape} {chips.Bits:x} {string.Join(',', logHeights)} {statementFractions.ToString("R", CultureInfo.InvariantCulture)}";
        if (!_cache.TryGetValue(id, out var child))
            _cache[id] = child = ZkvmAggregationChild<TDef>.Of(ZkvmAggregationPrograms<TDef>.Leaf(shape, program, chips, logHeights, statementFractions), recursionConfig);
        return child;
    }

    /// <summary>The node program (and key) over children of these programs.</summary>
    public ZkvmAggregationChild<TDef> Node(ZkvmAggregationChild<TDef> left, ZkvmAggregationChild<TDef> right)
    {
        string id = $"node {Id(left)} {Id(right)}";
        if (!_cache.TryGetValue(id, out var child))
            _cache[id] = child = ZkvmAggregationChild<TDef>.Of(ZkvmAggregationPrograms<TDef>.Node(recursionConfig, left, right), recursionConfig);
        return child;
    }

    /// <summary>
    /// The final layers over <paramref name="root"/> (a tree's root program): program i verifies a proof of program i − 1
    /// (of the root for i = 0) made under <see cref="FinalConfigs"/>[i − 1] (the recursion configuration for i = 0), with
    /// its key pinned, and is keyed under <see cref="FinalConfigs"/>[i]. Each pins the one below, down to the root and every
    /// program of the tree, so the last key depends on the guest program, the configurations and the shards' shapes (chip
    /// sets and heights, hence the shard count).
    /// </summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef>> FinalChain(ZkvmAggregationChild<TDef> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var chain = new List<ZkvmAggregationChild<TDef>>();
        var (below, belowConfig) = (root, recursionConfig);
        for (int i = 0; i < FinalConfigs.Count; i++)
        {
            string id = $"final {i} {Id(below)}";
            if (!_cache.TryGetValue(id, out var child))
                _cache[id] = child = ZkvmAggregationChild<TDef>.Of(ZkvmAggregationPrograms<TDef>.Final(belowConfig, below), FinalConfigs[i]);
            chain.Add(child);
            (below, belowConfig) = (child, FinalConfigs[i]);
        }
        return chain;
    }

    /// <summary>The final program over <paramref name="root"/> (the last of <see cref="FinalChain"/>): the key a final proof is verified against.</summary>
    public ZkvmAggregationChild<TDef> Final(ZkvmAggregationChild<TDef> root) => FinalChain(root)[^1];

    private static string Id(ZkvmAggregationChild<TDef> c) => string.Join(',', c.Key.PreprocessedRoot.ToCanonical());

    /// <summary>Every program of the tree over shards of these shapes, level by level (level 0: the leaves); the last level holds the root.</summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef>[]> Tree(StarkConfig shape, IReadOnlyList<ShardCommitment> shards, double statementFractions)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var levels = new List<ZkvmAggregationChild<TDef>[]> { shards.Select(s => Leaf(shape, s.Chips, s.LogHeights, statementFractions)).ToArray() };
        foreach (var pairs in ZkvmAggregateStatement.TreeShape(shards.Count))
        {
            var below = levels[^1];
            levels.Add([.. pairs.Select(p => p.Right < 0 ? below[p.Left] : Node(below[p.Left], below[p.Right]))]);
        }
        return levels;
    }

    /// <summary>The root program over shards of these shapes.</summary>
    public ZkvmAggregationChild<TDef> Root(StarkConfig shape, IReadOnlyList<ShardCommitment> shards, double statementFractions) => Tree(shape, shards, statementFractions)[^1][0];
}
