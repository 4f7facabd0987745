using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of an execution's aggregation tree as a keyed family (docs/design.md, "Recursion", keys as data in the
/// zkVM tree; <see cref="KeyedRecursion{TParams, TDef, TDigest}"/> for the argument): one leaf program per allowed shard
/// shape and ONE node program, all padded to one <see cref="RecursionShape"/> and proved under the recursion
/// configuration. The node verifies children of any member (their keys hinted, proven members of the allowed-key set whose
/// root R every statement carries), so its key does not depend on the tree below it; the first final layer checks the
/// root against the constant R. The set is the leaves' keys then the node's, in the order of the shapes given.
/// <para>
/// The allowed shapes are, for now, the execution's own distinct shard shapes (the file carries them): R is then a
/// function of the guest, the configurations and that set. With a bounded catalog of shard shapes per guest (issue 14,
/// piece (b)) the set, hence R and the final key, become constants of the guest.
/// </para>
/// </summary>
public sealed class ZkvmAggregationFamily<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly Dictionary<string, ZkvmAggregationChild<TDef, TDigest>> _leaves;

    internal ZkvmAggregationFamily(RecursionShape shape, IReadOnlyList<ShardShape> shapes, IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> leaves,
        ZkvmAggregationChild<TDef, TDigest> node, int rounds)
    {
        Shape = shape;
        Shapes = shapes;
        Node = node;
        Rounds = rounds;
        _leaves = [];
        for (int i = 0; i < shapes.Count; i++)
            _leaves.Add(Id(shapes[i]), leaves[i]);
        Leaves = leaves;
        Set = new RecursionKeySet<KoalaBearParameters, TDigest>([.. leaves.Select(l => l.Key.PreprocessedRoot), node.Key.PreprocessedRoot]);
    }

    /// <summary>The recursion shape every member is padded to.</summary>
    public RecursionShape Shape { get; }

    /// <summary>The allowed shard shapes, in the set's order.</summary>
    public IReadOnlyList<ShardShape> Shapes { get; }

    /// <summary>The leaf program of each allowed shape, in order.</summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> Leaves { get; }

    /// <summary>The node program (padded to <see cref="Shape"/>).</summary>
    public ZkvmAggregationChild<TDef, TDigest> Node { get; }

    /// <summary>How many rounds fitting the shape to the node took (<see cref="KeyedRecursion{TParams, TDef, TDigest}.FitFamily"/>).</summary>
    public int Rounds { get; }

    /// <summary>The allowed-key set: the leaves' keys, then the node's.</summary>
    public RecursionKeySet<KoalaBearParameters, TDigest> Set { get; }

    /// <summary>R: the root of the allowed-key set, which every statement of the tree carries.</summary>
    public TDigest AllowedKeys => Set.Root;

    /// <summary>Every member: the leaves, then the node.</summary>
    public IEnumerable<ZkvmAggregationChild<TDef, TDigest>> Members => [.. Leaves, Node];

    /// <summary>The leaf program of a shard of <paramref name="shape"/> (an <see cref="ArgumentException"/> for a shape outside the family).</summary>
    public ZkvmAggregationChild<TDef, TDigest> Leaf(ShardShape shape) =>
        _leaves.TryGetValue(Id(shape), out var leaf) ? leaf : throw new ArgumentException("a shard shape outside the family's allowed shapes");

    /// <summary>The program of the root of a tree over <paramref name="shardCount"/> shards: the node, or the one leaf of a one-shard execution.</summary>
    public ZkvmAggregationChild<TDef, TDigest> Top(int shardCount)
    {
        if (shardCount > 1)
            return Node;
        if (shardCount == 1 && Leaves.Count == 1)
            return Leaves[0];
        throw new ArgumentException($"a one-shard execution has one shard shape, not {Leaves.Count}");
    }

    /// <summary>
    /// The hints of a program checking <paramref name="children"/>' keys against R (the node, the first final layer): R,
    /// and per child its proof's hints and its key's membership path. A key outside the set gets the path of index 0, so
    /// that the program runs and rejects it in-circuit (a prover cannot do better: no path leads from it to R).
    /// </summary>
    public KeyedRecursionHints<KoalaBearParameters> Hints(IReadOnlyList<(IRecursionHints<KoalaBearParameters> Proof, TDigest Key)> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var hints = new KeyedChildHints<KoalaBearParameters>[children.Count];
        for (int c = 0; c < children.Count; c++)
        {
            int index = Math.Max(0, Set.IndexOf(children[c].Key));
            var bits = Enumerable.Range(0, Set.Depth).Select(d => KoalaBear.FromUInt64((ulong)((index >> d) & 1))).ToArray();
            hints[c] = new KeyedChildHints<KoalaBearParameters>(children[c].Proof, bits, [.. Set.Path(index).SelectMany(s => s.Elements.ToArray())]);
        }
        return new KeyedRecursionHints<KoalaBearParameters>([.. AllowedKeys.Elements.ToArray()], hints);
    }

    internal static string Id(ShardShape shape) => $"{shape.Chips.Bits:x} {string.Join(',', shape.LogHeights)}";
}
