using System.Globalization;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of aggregation trees and their keys, made once: an execution's keyed family per set of allowed shard
/// shapes (<see cref="Family"/>: a leaf per shape, one node), the epoch nodes per pair of children's keys. The prover and
/// the verifier of a root derive the family the same way (from the file's summary), so the verifier's root key and
/// allowed-key root are the ones the prover proved against. Over a root, the final layers (<see cref="FinalChain(ZkvmAggregationFamily{TDef, TDigest})"/>)
/// are one-child programs proved under <see cref="FinalConfigs"/> in order (default: one, under the recursion
/// configuration); the last is the final proof.
/// </summary>
public sealed class ZkvmAggregationKeys<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly Dictionary<string, ZkvmAggregationChild<TDef, TDigest>> _cache = [];
    private readonly Dictionary<string, ZkvmAggregationFamily<TDef, TDigest>> _families = [];
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

    /// <summary>
    /// The store holding the proving keys of these programs while they are used (at most its capacity at a time; the
    /// programs keep only their verifying keys). Replace it before the first program is made to change the capacity.
    /// </summary>
    public ZkvmProvingKeys<TDigest> ProvingKeys { get; init; } = new();

    /// <summary>
    /// Verifying keys kept on disk between runs (opt-in; null: none): a program whose entry checks skips its setup, its
    /// proving key made when a proof with it is made (<see cref="ZkvmKeyCache"/>).
    /// </summary>
    public ZkvmKeyCache? KeyCache { get; init; }

    public StarkConfig RecursionConfig => _recursionConfig;

    public ZkvmProgram Program => _program;

    /// <summary>The configurations of the final layers over the tree's root, in order (the last: the final proof's).</summary>
    public IReadOnlyList<StarkConfig> FinalConfigs => _finalConfigs is { Count: > 0 } ? _finalConfigs : [_recursionConfig];

    /// <summary>The configuration of the final proof.</summary>
    public StarkConfig FinalConfig => FinalConfigs[^1];

    /// <summary>The programs and keys of <paramref name="program"/>'s trees under <paramref name="layers"/>, verifying keys kept in <paramref name="keyCache"/> where given.</summary>
    public static ZkvmAggregationKeys<TDef, TDigest> For(ZkvmRecursionLayers layers, ZkvmProgram program, ZkvmKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return new(layers.Shard, layers.Layer, program, layers.Finals) { KeyCache = keyCache };
    }

    /// <summary>
    /// The keyed family of trees over shards of <paramref name="shapes"/> (distinct, in the order the set will have),
    /// proved in <paramref name="shape"/> (the shard configuration or its small-statement shape:
    /// <see cref="ZkvmCheckedStatement{TDef, TDigest}.Config"/>), for a statement of <paramref name="statementFractions"/>
    /// bus fractions (the leaves' security check): a leaf per shape at one leaf shape, the nodes and the lift at one node
    /// shape, the allowed-key set.
    /// </summary>
    public ZkvmAggregationFamily<TDef, TDigest> Family(StarkConfig shape, IReadOnlyList<ShardShape> shapes, double statementFractions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(shapes);
        if (shapes.Count == 0)
            throw new ArgumentException("a family has at least one shard shape");
        string id = $"family {shape} {string.Join(';', shapes.Select(ZkvmAggregationFamily<TDef, TDigest>.Id))} {statementFractions.ToString("R", CultureInfo.InvariantCulture)}";
        lock (_families)
        {
            if (_families.TryGetValue(id, out var family))
                return family;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            bool chunked = ZkvmVerifier<TDef, TDigest>.IsChunked(shapes);
            var leaves = shapes.Select(s => ZkvmAggregationPrograms<TDef, TDigest>.Leaf(shape, _program, s.Chips, s.LogHeights, statementFractions, chunked)).ToArray();
            var leafShape = RecursionShape.Covering(leaves.Select(Chips.RecursionMachine<KoalaBearParameters, TDef>.NaturalShape));
            // The set holds the leaves, the three nodes and the lift: its depth, a constant of the node programs, is known
            // before them.
            int depth = 0;
            while ((1 << depth) < leaves.Length + 4)
                depth++;
            var c = _recursionConfig;
            var lift = ZkvmAggregationPrograms<TDef, TDigest>.Lift(c, leafShape, depth);
            var ll = ZkvmAggregationPrograms<TDef, TDigest>.Node(c, leafShape, leafShape, depth);
            // The node shape must hold the nodes over node-shaped children, whose size grows with that shape: widened until
            // stable (heights only grow, so this ends; a few rounds in practice).
            var nodeShape = RecursionShape.Covering([.. new[] { lift, ll }.Select(Chips.RecursionMachine<KoalaBearParameters, TDef>.NaturalShape)]);
            RecursionProgram[] nodes = [];
            int rounds = 0;
            while (true)
            {
                if (++rounds > 32)
                    throw new InvalidOperationException("the node shape did not stabilise");
                nodes = [ll, ZkvmAggregationPrograms<TDef, TDigest>.Node(c, nodeShape, leafShape, depth), ZkvmAggregationPrograms<TDef, TDigest>.Node(c, nodeShape, nodeShape, depth)];
                var next = RecursionShape.Covering([nodeShape, .. nodes.Select(Chips.RecursionMachine<KoalaBearParameters, TDef>.NaturalShape)]);
                if (next == nodeShape)
                    break;
                nodeShape = next;
            }
            lock (_timings)
                _timings.Add(("build (verifier programs)", sw.Elapsed.TotalMilliseconds));
            // Keyed nodes and lift first, the leaves last: the proving-key store then holds the last leaves made, which the
            // tree proves first (the keys are the same in any order; the set's order is fixed below).
            var nodeChildren = nodes.Select(n => Make(() => n.PaddedTo(nodeShape), c, timeBuild: false)).ToArray();
            var liftChild = Make(() => lift.PaddedTo(nodeShape), c, timeBuild: false);
            var members = leaves.Select(l => Make(() => l.PaddedTo(leafShape), c, timeBuild: false)).ToArray();
            family = new ZkvmAggregationFamily<TDef, TDigest>(leafShape, nodeShape, shapes, members, nodeChildren, liftChild, rounds);
            if (family.Set.Depth != depth)
                throw new InvalidOperationException($"the allowed-key set has depth {family.Set.Depth}, the nodes were built for {depth}");
            _families[id] = family;
            return family;
        }
    }

    /// <summary>
    /// The final layers over an execution's tree of <paramref name="family"/>: the first verifies a proof of any member of
    /// the node shape (the root: a node, or the lift of a one-shard execution) under the recursion configuration, checks its key a
    /// member and its stated R the family's (a constant of that program), and is keyed under <see cref="FinalConfigs"/>[0];
    /// each next one pins the one below (<see cref="FinalChain(ZkvmAggregationChild{TDef, TDigest}, int?)"/>'s layers).
    /// The last key depends on the guest program, the configurations and R (the allowed shapes), not on the shard count.
    /// </summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> FinalChain(ZkvmAggregationFamily<TDef, TDigest> family)
    {
        ArgumentNullException.ThrowIfNull(family);
        string id = $"final 0 keyed {family.NodeShape} {family.Set.Depth} {string.Join(',', family.AllowedKeys.ToCanonical())}";
        if (!_cache.TryGetValue(id, out var first))
            _cache[id] = first = Make(() => ZkvmAggregationPrograms<TDef, TDigest>.Final(_recursionConfig, family.NodeShape, family.Set.Depth, family.AllowedKeys), FinalConfigs[0]);
        return [first, .. Pinned(first, FinalConfigs[0], 1, null)];
    }

    /// <summary>
    /// The final layers over <paramref name="root"/> (a tree's root program): program i verifies a proof of program i − 1
    /// (of the root for i = 0) made under <see cref="FinalConfigs"/>[i − 1] (the recursion configuration for i = 0), with
    /// its key pinned, and is keyed under <see cref="FinalConfigs"/>[i]. Each pins the one below, down to the root (an
    /// epoch root, whose epoch nodes pin the blocks' root programs: <see cref="ZkvmEpochAggregator{TDef, TDigest}"/>).
    /// </summary>
    /// <remarks><paramref name="statementLength"/>: the root's statement length (an execution's by default, an epoch root's for an epoch).</remarks>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> FinalChain(ZkvmAggregationChild<TDef, TDigest> root, int? statementLength = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Pinned(root, _recursionConfig, 0, statementLength);
    }

    /// <summary>Final layers <paramref name="from"/>… over <paramref name="below"/> (proved under <paramref name="belowConfig"/>), each pinning the one below.</summary>
    private List<ZkvmAggregationChild<TDef, TDigest>> Pinned(ZkvmAggregationChild<TDef, TDigest> below, StarkConfig belowConfig, int from, int? statementLength)
    {
        var chain = new List<ZkvmAggregationChild<TDef, TDigest>>();
        for (int i = from; i < FinalConfigs.Count; i++)
        {
            string id = $"final {i} {Id(below)}";
            if (!_cache.TryGetValue(id, out var child))
            {
                var (b, c) = (below, belowConfig);
                _cache[id] = child = Make(() => ZkvmAggregationPrograms<TDef, TDigest>.Final(c, b, statementLength), FinalConfigs[i]);
            }
            chain.Add(child);
            (below, belowConfig) = (child, FinalConfigs[i]);
        }
        return chain;
    }

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

    private ZkvmAggregationChild<TDef, TDigest> Make(Func<RecursionProgram> build, StarkConfig config, bool timeBuild = true)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var program = build();
        var timings = new List<(string Phase, double Milliseconds)>();
        if (timeBuild)
            timings.Add(("build (verifier program)", sw.Elapsed.TotalMilliseconds));
        ZkvmAggregationChild<TDef, TDigest> child;
        if (KeyCache is { } cache)
        {
            // The entry's name is a digest of the built program and the configuration: a hit is this program's key as an
            // earlier run made it (ZkvmKeyCache: authenticated; a failed check is a miss, the key made and written again).
            sw.Restart();
            var id = ZkvmKeyCache.Id<TDef, TDigest>(program, config);
            var cached = cache.Load<TDigest>(id);
            timings.Add(("key cache (id, read)", sw.Elapsed.TotalMilliseconds));
            if (cached is not null)
                child = ZkvmAggregationChild<TDef, TDigest>.WithKey(program, config, cached, ProvingKeys, timings);
            else
            {
                child = ZkvmAggregationChild<TDef, TDigest>.Of(program, config, ProvingKeys, timings);
                cache.Store(id, child.Key);
            }
        }
        else
            child = ZkvmAggregationChild<TDef, TDigest>.Of(program, config, ProvingKeys, timings);
        lock (_timings)
            _timings.AddRange(timings);
        return child;
    }

    private static string Id(ZkvmAggregationChild<TDef, TDigest> c) => string.Join(',', c.Key.PreprocessedRoot.ToCanonical());
}
