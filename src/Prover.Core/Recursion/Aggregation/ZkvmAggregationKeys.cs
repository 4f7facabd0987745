using System.Globalization;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of an aggregation tree and their keys, made once per shape: a leaf per (chip set, heights, bus
/// fractions), a node per pair of children's keys. The prover and the verifier of a root derive the tree the same way
/// (<see cref="Root"/>), so the verifier's root key is the one the prover proved against. Over a root, the final layers
/// (<see cref="FinalChain"/>) are one-child programs proved under <see cref="FinalConfigs"/> in order (default: one,
/// under the recursion configuration); the last is the final proof.
/// </summary>
public sealed class ZkvmAggregationKeys<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly Dictionary<string, ZkvmAggregationChild<TDef, TDigest>> _cache = [];
    private readonly List<(string Phase, double Milliseconds)> _timings = [];
    private readonly StarkConfig _shardConfig, _recursionConfig;
    private readonly ZkvmProgram _program;
    private readonly IReadOnlyList<StarkConfig>? _finalConfigs;

    /// <summary>
    /// The programs of <paramref name="program"/>'s trees over shards under <paramref name="shardConfig"/>, proved under
    /// <paramref name="recursionConfig"/> (leaves and nodes) and <paramref name="finalConfigs"/> (the final layers). Every
    /// configuration must have <typeparamref name="TDef"/>'s extension and <typeparamref name="TDigest"/>'s digest: a tree
    /// mixing digest widths would bind its shards with another hash than their own (an <see cref="ArgumentException"/>).
    /// </summary>
    public ZkvmAggregationKeys(StarkConfig shardConfig, StarkConfig recursionConfig, ZkvmProgram program, IReadOnlyList<StarkConfig>? finalConfigs = null)
    {
        ArgumentNullException.ThrowIfNull(shardConfig);
        ArgumentNullException.ThrowIfNull(recursionConfig);
        ArgumentNullException.ThrowIfNull(program);
        foreach (var c in (IEnumerable<StarkConfig>)[shardConfig, recursionConfig, .. finalConfigs ?? []])
        {
            StarkConfig.CheckDigest<KoalaBearParameters, TDigest>(c);
            if (c.ExtensionDegree != TDef.Degree)
                throw new ArgumentException($"configuration '{c.Name}' uses a degree-{c.ExtensionDegree} extension; this tree is over the degree-{TDef.Degree} extension of the shard proofs");
        }
        _shardConfig = shardConfig;
        _recursionConfig = recursionConfig;
        // The shards' input-commitment chip follows the digest (12 elements under 12-element digests).
        _program = program.ForDigest(TDigest.Length);
        _finalConfigs = finalConfigs;
    }

    public StarkConfig ShardConfig => _shardConfig;

    public StarkConfig RecursionConfig => _recursionConfig;

    public ZkvmProgram Program => _program;

    /// <summary>The configurations of the final layers over the tree's root, in order (the last: the final proof's).</summary>
    public IReadOnlyList<StarkConfig> FinalConfigs => _finalConfigs is { Count: > 0 } ? _finalConfigs : [_recursionConfig];

    /// <summary>The configuration of the final proof.</summary>
    public StarkConfig FinalConfig => FinalConfigs[^1];

    /// <summary>The programs and keys of <paramref name="program"/>'s trees under <paramref name="layers"/>.</summary>
    public static ZkvmAggregationKeys<TDef, TDigest> For(ZkvmRecursionLayers layers, ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return new(layers.Shard, layers.Layer, program, layers.Finals);
    }

    /// <summary>
    /// The leaf program (and key) of a shard of this shape, proved in <paramref name="shape"/> (the shard configuration
    /// or its small-statement shape: <see cref="ZkvmCheckedStatement{TDef, TDigest}.Config"/>).
    /// </summary>
    public ZkvmAggregationChild<TDef, TDigest> Leaf(StarkConfig shape, ChipSet chips, int[] logHeights, double statementFractions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        string id = $"leaf {shape} {chips.Bits:x} {string.Join(',', logHeights)} {statementFractions.ToString("R", CultureInfo.InvariantCulture)}";
        if (!_cache.TryGetValue(id, out var child))
            _cache[id] = child = Make(() => ZkvmAggregationPrograms<TDef, TDigest>.Leaf(shape, _program, chips, logHeights, statementFractions), _recursionConfig);
        return child;
    }

    /// <summary>The node program (and key) over children of these programs.</summary>
    public ZkvmAggregationChild<TDef, TDigest> Node(ZkvmAggregationChild<TDef, TDigest> left, ZkvmAggregationChild<TDef, TDigest> right)
    {
        string id = $"node {Id(left)} {Id(right)}";
        if (!_cache.TryGetValue(id, out var child))
            _cache[id] = child = Make(() => ZkvmAggregationPrograms<TDef, TDigest>.Node(_recursionConfig, left, right), _recursionConfig);
        return child;
    }

    /// <summary>
    /// The final layers over <paramref name="root"/> (a tree's root program): program i verifies a proof of program i − 1
    /// (of the root for i = 0) made under <see cref="FinalConfigs"/>[i − 1] (the recursion configuration for i = 0), with
    /// its key pinned, and is keyed under <see cref="FinalConfigs"/>[i]. Each pins the one below, down to the root and every
    /// program of the tree, so the last key depends on the guest program, the configurations and the shards' shapes (chip
    /// sets and heights, hence the shard count).
    /// </summary>
    /// <remarks><paramref name="statementLength"/>: the root's statement length (an execution's by default, an epoch root's for an epoch).</remarks>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> FinalChain(ZkvmAggregationChild<TDef, TDigest> root, int? statementLength = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var chain = new List<ZkvmAggregationChild<TDef, TDigest>>();
        var (below, belowConfig) = (root, _recursionConfig);
        for (int i = 0; i < FinalConfigs.Count; i++)
        {
            string id = $"final {i} {Id(below)}";
            if (!_cache.TryGetValue(id, out var child))
                _cache[id] = child = Make(() => ZkvmAggregationPrograms<TDef, TDigest>.Final(belowConfig, below, statementLength), FinalConfigs[i]);
            chain.Add(child);
            (below, belowConfig) = (child, FinalConfigs[i]);
        }
        return chain;
    }

    /// <summary>The final program over <paramref name="root"/> (the last of <see cref="FinalChain"/>): the key a final proof is verified against.</summary>
    public ZkvmAggregationChild<TDef, TDigest> Final(ZkvmAggregationChild<TDef, TDigest> root) => FinalChain(root)[^1];

    /// <summary>The epoch node program (and key) over these children, each a block's execution root or an epoch node (<see cref="ZkvmAggregationPrograms{TDef, TDigest}.EpochNode"/>).</summary>
    public ZkvmAggregationChild<TDef, TDigest> EpochNode(ZkvmAggregationChild<TDef, TDigest> left, bool leftIsBlock, ZkvmAggregationChild<TDef, TDigest> right, bool rightIsBlock)
    {
        string id = $"epoch {Id(left)} {leftIsBlock} {Id(right)} {rightIsBlock}";
        if (!_cache.TryGetValue(id, out var child))
            _cache[id] = child = Make(
                () => ZkvmAggregationPrograms<TDef, TDigest>.EpochNode(_recursionConfig, left, leftIsBlock, right, rightIsBlock), _recursionConfig);
        return child;
    }

    /// <summary>
    /// The epoch tree over blocks whose execution roots are <paramref name="blockRoots"/> (in order; at least two), level
    /// by level (level 0: the blocks' roots), the shape of <see cref="ShardCommitmentTree.TreeShape"/> (an odd last item
    /// carried up unchanged); each item with whether it is a block. The last level holds the epoch root, an epoch node.
    /// </summary>
    public IReadOnlyList<(ZkvmAggregationChild<TDef, TDigest> Child, bool IsBlock)[]> EpochTree(IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> blockRoots)
    {
        ArgumentNullException.ThrowIfNull(blockRoots);
        if (blockRoots.Count < 2)
            throw new ArgumentException($"an epoch aggregates at least two blocks, not {blockRoots.Count} (one block's proof is its own aggregated or final proof)");
        var levels = new List<(ZkvmAggregationChild<TDef, TDigest>, bool)[]> { blockRoots.Select(r => (r, true)).ToArray() };
        foreach (var pairs in ShardCommitmentTree.TreeShape(blockRoots.Count))
        {
            var below = levels[^1];
            levels.Add([.. pairs.Select(p => p.Right < 0 ? below[p.Left]
                : (EpochNode(below[p.Left].Item1, below[p.Left].Item2, below[p.Right].Item1, below[p.Right].Item2), false))]);
        }
        return levels;
    }

    /// <summary>
    /// Phases of the programs made since the last <see cref="TakeTimings"/> (building the verifier program, the machine,
    /// the key setup), for the prover's report; programs found in the cache add nothing.
    /// </summary>
    internal IReadOnlyList<(string Phase, double Milliseconds)> TakeTimings()
    {
        lock (_timings)
        {
            var taken = _timings.ToArray();
            _timings.Clear();
            return taken;
        }
    }

    private ZkvmAggregationChild<TDef, TDigest> Make(Func<RecursionProgram> build, StarkConfig config)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var program = build();
        var timings = new List<(string Phase, double Milliseconds)> { ("build (verifier program)", sw.Elapsed.TotalMilliseconds) };
        var child = ZkvmAggregationChild<TDef, TDigest>.Of(program, config, timings);
        lock (_timings)
            _timings.AddRange(timings);
        return child;
    }

    private static string Id(ZkvmAggregationChild<TDef, TDigest> c) => string.Join(',', c.Key.PreprocessedRoot.ToCanonical());

    /// <summary>Every program of the tree over shards of these shapes, level by level (level 0: the leaves); the last level holds the root.</summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>[]> Tree(StarkConfig shape, IReadOnlyList<ShardShape> shards, double statementFractions)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var levels = new List<ZkvmAggregationChild<TDef, TDigest>[]> { shards.Select(s => Leaf(shape, s.Chips, s.LogHeights, statementFractions)).ToArray() };
        foreach (var pairs in ShardCommitmentTree.TreeShape(shards.Count))
        {
            var below = levels[^1];
            levels.Add([.. pairs.Select(p => p.Right < 0 ? below[p.Left] : Node(below[p.Left], below[p.Right]))]);
        }
        return levels;
    }

    /// <summary>The root program over shards of these shapes.</summary>
    public ZkvmAggregationChild<TDef, TDigest> Root(StarkConfig shape, IReadOnlyList<ShardShape> shards, double statementFractions) => Tree(shape, shards, statementFractions)[^1][0];
}
