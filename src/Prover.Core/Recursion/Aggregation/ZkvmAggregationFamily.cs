using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of an execution's aggregation tree as a keyed family (docs/design.md, "Recursion", keys as data in the
/// zkVM tree; <see cref="KeyedRecursion{TParams, TDef, TDigest}"/> for the argument): one leaf program per allowed shard
/// shape, padded to one leaf shape, and the node programs — one per pair of child shapes the standard tree has (leaf or
/// node: LL, NL, NN; an odd last item carried up is always a right child) and the lift of a leaf (the root of a one-shard
/// execution; any other tree lifts a leaf it wants on a node's left) — padded to one node shape, all proved under the recursion
/// configuration. A node verifies children of any member of the right shape (their keys hinted, proven members of the
/// allowed-key set whose root R every statement carries), so its key does not depend on the tree below it; the first
/// final layer checks the root (a node shape proof) against the constant R. Two shapes, not one: the leaves (which
/// verify shard proofs) are several times the nodes' size, and a node padded to them would make every layer above
/// pay it. The set is the leaves' keys in the order of the shapes given, then LL, NL, NN and the lift.
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
    private readonly ZkvmAggregationChild<TDef, TDigest>[] _nodes;

    internal ZkvmAggregationFamily(RecursionShape leafShape, RecursionShape nodeShape, IReadOnlyList<ShardShape> shapes,
        IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> leaves, ZkvmAggregationChild<TDef, TDigest>[] nodes, ZkvmAggregationChild<TDef, TDigest> lift, int rounds)
    {
        if (nodes.Length != 3)
            throw new ArgumentException("a family has the three node programs LL, NL, NN");
        LeafShape = leafShape;
        NodeShape = nodeShape;
        Shapes = shapes;
        Lift = lift;
        Rounds = rounds;
        _nodes = nodes;
        _leaves = [];
        for (int i = 0; i < shapes.Count; i++)
            _leaves.Add(Id(shapes[i]), leaves[i]);
        Leaves = leaves;
        Set = new RecursionKeySet<KoalaBearParameters, TDigest>([.. Members.Select(m => m.Key.PreprocessedRoot)]);
    }

    /// <summary>The recursion shape every leaf is padded to.</summary>
    public RecursionShape LeafShape { get; }

    /// <summary>The recursion shape every node and the lift are padded to: the root's, which the first final layer verifies.</summary>
    public RecursionShape NodeShape { get; }

    /// <summary>The allowed shard shapes, in the set's order.</summary>
    public IReadOnlyList<ShardShape> Shapes { get; }

    /// <summary>The leaf program of each allowed shape, in order.</summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> Leaves { get; }

    /// <summary>The node programs by their children's kinds: LL, NL, NN (L a leaf, N a node or lift).</summary>
    public IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> Nodes => _nodes;

    /// <summary>The lift: a leaf's statement restated in the node shape (the root of a one-shard execution).</summary>
    public ZkvmAggregationChild<TDef, TDigest> Lift { get; }

    /// <summary>How many rounds fitting the node shape to the nodes took.</summary>
    public int Rounds { get; }

    /// <summary>The allowed-key set: the leaves' keys, then the nodes' and the lift's.</summary>
    public RecursionKeySet<KoalaBearParameters, TDigest> Set { get; }

    /// <summary>R: the root of the allowed-key set, which every statement of the tree carries.</summary>
    public TDigest AllowedKeys => Set.Root;

    /// <summary>Every member in the set's order: the leaves, the nodes (LL, NL, NN), the lift.</summary>
    public IEnumerable<ZkvmAggregationChild<TDef, TDigest>> Members => [.. Leaves, .. _nodes, Lift];

    /// <summary>The leaf program of a shard of <paramref name="shape"/> (an <see cref="ArgumentException"/> for a shape outside the family).</summary>
    public ZkvmAggregationChild<TDef, TDigest> Leaf(ShardShape shape) =>
        _leaves.TryGetValue(Id(shape), out var leaf) ? leaf : throw new ArgumentException("a shard shape outside the family's allowed shapes");

    /// <summary>Whether <paramref name="child"/> is one of the family's leaves (of the leaf shape).</summary>
    public bool IsLeaf(ZkvmAggregationChild<TDef, TDigest> child) => Leaves.Contains(child);

    /// <summary>
    /// Whether a node takes <paramref name="child"/> as a leaf-shaped child: anything not of the node shape (a program
    /// outside the family is verified as a leaf would be, and refused in-circuit).
    /// </summary>
    public bool TakenAsLeaf(ZkvmAggregationChild<TDef, TDigest> child) => child.Program.Shape != NodeShape;

    /// <summary>
    /// The node program over a left child of <paramref name="leftIsLeaf"/>'s kind and a right one of <paramref name="rightIsLeaf"/>'s
    /// (an <see cref="ArgumentException"/> for a leaf left of a node: no standard tree has one; lift it).
    /// </summary>
    public ZkvmAggregationChild<TDef, TDigest> Node(bool leftIsLeaf, bool rightIsLeaf) => (leftIsLeaf, rightIsLeaf) switch
    {
        (true, true) => _nodes[0],
        (false, true) => _nodes[1],
        (false, false) => _nodes[2],
        _ => throw new ArgumentException("no node of the family has a leaf left of a node (the standard tree carries odd items up on the right): lift the leaf"),
    };

    /// <summary>The program of the root of the standard tree (<see cref="ShardCommitmentTree.TreeShape"/>) over <paramref name="shardCount"/> shards.</summary>
    public ZkvmAggregationChild<TDef, TDigest> Top(int shardCount)
    {
        if (shardCount < 1)
            throw new ArgumentException($"{shardCount} shards");
        if (shardCount == 1)
            return Lift;
        var leaf = Enumerable.Repeat(true, shardCount).ToList();
        ZkvmAggregationChild<TDef, TDigest>? top = null;
        foreach (var level in ShardCommitmentTree.TreeShape(shardCount))
        {
            var next = new List<bool>();
            foreach (var (l, r) in level)
            {
                if (r < 0)
                    next.Add(leaf[l]);
                else
                {
                    top = Node(leaf[l], leaf[r]);
                    next.Add(false);
                }
            }
            leaf = next;
        }
        return top!;
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
