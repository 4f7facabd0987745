using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// Verifying keys as data: a family of recursion programs whose node program verifies children of ANY allowed program,
/// so that the node's key is one fixed digest whatever sits below it (instead of pinning each child's key as constants,
/// <see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}.BuildPinned"/>, which makes a node's key depend on its
/// children's programs).
/// <para>
/// Every program of the family is proved under one configuration, padded to one <see cref="RecursionShape"/>, and
/// states 2·L outputs (L the digest length): first R, the root of the allowed-key set
/// (<see cref="RecursionKeySet{TParams, TDigest}"/>), then a payload digest. A <b>leaf</b> (<see cref="BuildLeaf"/>)
/// verifies some proof and states a hinted R — unchecked there — and the sponge of the statement it verified. The
/// <b>node</b> (<see cref="BuildNode"/>) verifies k children of the shape, each with its preprocessed root hinted (the
/// unpinned path), hints its own R and states it, asserts each child's stated R equals it, proves each child's key a
/// member of R by a Merkle path (index bits and siblings hinted, one <see cref="RecursionOp.PermuteSwap"/> row per
/// level), and states as payload the compression of the children's entries e_c = compress(key_c, payload_c) (k = 2;
/// the sponge over them for other k): <see cref="NodePayload"/>. The key is in the entry because the leaf cannot state
/// it (its key is its own program's commitment) and the payload alone would not say which allowed program made it — two
/// leaf programs of other meanings may state the same values, and the padding-free sponge of a statement does not even
/// fix its length (x and (x, 0) hash alike) —, so the payload binds each leaf's program as well as its statement.
/// Its instructions depend on (configuration, shape, k, set depth) only — not on which programs sit below — so one
/// node program, one key, verifies leaves and nodes alike.
/// </para>
/// <para>
/// Why an unchecked R at the leaves is sound. A verifier of a family proof checks (1) the top proof under the node key
/// (or any key it knows is in R₀) and (2) that its stated R is the expected constant R₀. By (1) the top program is the
/// node, which accepted only children that state R₀ and whose keys are members of R₀. A member of R₀ is a program the
/// verifier allowed (a leaf it trusts, or the node itself: the filler admits none), so each child is a trusted leaf —
/// whose statement, whatever R it hints, was forced to R₀ by the check above it — or a node, to which the same argument
/// applies one level down. Proofs are finite, so by induction every proof of the tree was made under an allowed key and
/// states R₀: a leaf that hints another R is rejected by the node above it, and a program outside the set is rejected at
/// its parent's membership check. R cannot be a constant of the node, or the node's key would depend on the set, and
/// the set (which contains the node's key) on the node's key.
/// </para>
/// </summary>
public static class KeyedRecursion<TParams, TDef, TDigest>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int L => TDigest.Length;

    /// <summary>Outputs of every program of the family: R, then the payload digest.</summary>
    public static int StatementLength => 2 * L;

    /// <summary>
    /// A leaf of the family: states a hinted allowed-key root R (channel <see cref="KeyedRecursionChannels.Root"/>), then
    /// verifies one proof of <paramref name="airs"/> at <paramref name="logHeights"/> under <paramref name="config"/> (as
    /// <see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}.Emit"/> with the key pinned where given) and states the
    /// sponge (<see cref="HashGadgets{TParams, TDef}.HashRow"/>) of the statement it checked (the proof's public values,
    /// and its key's root where not pinned): <see cref="LeafPayload"/>.
    /// </summary>
    public static RecursionProgram BuildLeaf(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs, IReadOnlyList<int> logHeights, TDigest? pinnedKey = null)
    {
        var b = new RecursionBuilder<TParams, TDef>();
        b.Output(b.Hint(KeyedRecursionChannels.Root, L));
        var statement = new List<Felt>();
        RecursiveStarkVerifier<TParams, TDef, TDigest>.Emit(b, config, airs, logHeights, 0, pinnedKey: pinnedKey, statement: statement);
        b.Output(new HashGadgets<TParams, TDef>(b, L).HashRow(statement));
        return b.Build();
    }

    /// <summary>The payload a leaf states for a verified statement (natively: the padding-free sponge).</summary>
    public static TDigest LeafPayload(IReadOnlyList<uint> statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return PaddingFreeSponge<TParams, TDigest>.Default.Hash(statement.Select(MontyField31<TParams>.FromCanonical).ToArray());
    }

    /// <summary>
    /// The payload a node states for its children, in child order: each child's entry compress(key, payload), then the
    /// compression of the two entries (k = 2) or the sponge over them (natively).
    /// </summary>
    public static TDigest NodePayload(IReadOnlyList<(TDigest Key, TDigest Payload)> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var hash = TruncatedPermutation<TParams, TDigest>.Default;
        var entries = children.Select(c => hash.Compress(c.Key, c.Payload)).ToArray();
        if (entries.Length == 2)
            return hash.Compress(entries[0], entries[1]);
        return PaddingFreeSponge<TParams, TDigest>.Default.Hash(entries.SelectMany(e => e.Elements.ToArray()).ToArray());
    }

    /// <summary>
    /// The node program: verifies <paramref name="childCount"/> proofs of programs padded to <paramref name="shape"/>,
    /// proved under <paramref name="config"/>, whose keys are members of a set of depth <paramref name="setDepth"/>, and
    /// states (R, payload). The program itself is not padded (see <see cref="FitFamily"/> for the shape that holds it).
    /// </summary>
    public static RecursionProgram BuildNode(StarkConfig config, RecursionShape shape, int childCount, int setDepth)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(shape);
        if (childCount < 1 || childCount > 64)
            throw new ArgumentException($"a node has 1 to 64 children, not {childCount}");
        if (setDepth is < 0 or > 30)
            throw new ArgumentException($"an allowed-key set of depth {setDepth} is out of range");
        if (shape.OutputCount != StatementLength)
            throw new ArgumentException($"a keyed family's programs state {StatementLength} outputs (R and the payload), the shape {shape.OutputCount}");
        // The AIRs of every program padded to the shape: the chips' constraints depend on the shape alone, so these are
        // the constraint programs of any allowed child (a child of another shape has other heights or tables, and its
        // proof does not fit this program's transcript header and openings).
        var airs = RecursionMachine<TParams, TDef>.AirsOf(shape);
        var b = new RecursionBuilder<TParams, TDef>();
        var hash = new HashGadgets<TParams, TDef>(b, L);
        var root = b.Hint(KeyedRecursionChannels.Root, L);
        b.Output(root);
        var entries = new List<Felt[]>();
        for (int c = 0; c < childCount; c++)
        {
            var statement = new List<Felt>();
            RecursiveStarkVerifier<TParams, TDef, TDigest>.Emit(b, config, airs, shape.LogHeights, c, statement: statement);
            // The child's statement as verified: its output table's public values (R_c, payload_c), then its hinted key root.
            if (statement.Count != StatementLength + L)
                throw new InvalidOperationException($"a child of the shape states {statement.Count} elements, expected {StatementLength + L}");
            var childRoot = statement.GetRange(0, L).ToArray();
            var payload = statement.GetRange(L, L).ToArray();
            var key = statement.GetRange(2 * L, L).ToArray();
            entries.Add(hash.Compress(key, payload));
            // Every proof of the family states the same R (the induction of the class comment: the top's R is checked by
            // the final verifier, and each node forces its children's to equal its own).
            hash.AssertDigest(childRoot, root, $"child {c} states another allowed-key root");
            // The child's verifying key is an allowed one: a member of R. The index bits are hints, made boolean by the
            // Merkle-step rows (the Poseidon2 chip asserts its order bit boolean; the executor fails on a non-bit); any
            // index is fine, the path's length (a constant) makes the key a leaf of the set.
            int channel = c * AggregationHints<TParams>.ChannelStride;
            var bits = b.Hint(channel + KeyedRecursionChannels.IndexBits, setDepth);
            var siblings = b.Hint(channel + KeyedRecursionChannels.Siblings, setDepth * L);
            hash.AssertDigest(hash.WalkPath(key, bits, siblings), root, $"child {c}'s verifying key is not in the allowed set");
        }
        b.Output(childCount == 2 ? hash.Compress(entries[0], entries[1]) : hash.HashRow([.. entries.SelectMany(e => e)]));
        return b.Build();
    }

    /// <summary>
    /// The smallest shape holding <paramref name="leaves"/> and the node program built for that shape, and that node
    /// padded to it: the node's size grows with the shape it verifies (more Merkle levels, more table openings), so the
    /// shape is widened to the node's own until stable (heights only grow, so this ends; a few rounds in practice).
    /// </summary>
    public static (RecursionShape Shape, RecursionProgram Node, int Rounds) FitFamily(StarkConfig config, IReadOnlyList<RecursionProgram> leaves,
        int childCount, int setDepth) =>
        FitFamily(leaves, shape => BuildNode(config, shape, childCount, setDepth));

    /// <summary>
    /// The same for any node program: <paramref name="buildNode"/> builds the node verifying children of a shape (the
    /// zkVM tree's node, <c>ZkvmAggregationPrograms.Node</c>, keeps its cross-child checks).
    /// </summary>
    public static (RecursionShape Shape, RecursionProgram Node, int Rounds) FitFamily(IReadOnlyList<RecursionProgram> leaves, Func<RecursionShape, RecursionProgram> buildNode)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(buildNode);
        if (leaves.Count == 0)
            throw new ArgumentException("no leaf program");
        var shape = RecursionShape.Covering(leaves.Select(RecursionMachine<TParams, TDef>.NaturalShape));
        for (int round = 1; round <= 32; round++)
        {
            var node = buildNode(shape);
            var next = RecursionShape.Covering([shape, RecursionMachine<TParams, TDef>.NaturalShape(node)]);
            if (next == shape)
                return (shape, node.PaddedTo(shape), round);
            shape = next;
        }
        throw new InvalidOperationException("the node program's shape did not stabilise");
    }

    /// <summary>
    /// The final check of a family proof: <paramref name="proof"/> is a proof of <paramref name="top"/> (the node program,
    /// padded to the family's shape: its key is the one fixed key a verifier of the family holds) stating the expected
    /// allowed-key root — the constant that names the allowed programs — and <paramref name="payload"/>. Both halves are
    /// needed: the node's key says the children were checked against the root the proof states, the root says which
    /// programs were allowed below.
    /// </summary>
    public static VerificationResult VerifyTop(RecursionVerifier<TParams, TDef, TDigest> verifier, RecursionProgram top, TDigest expectedRoot, TDigest payload,
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(top);
        if (top.Outputs.Count != StatementLength)
            return VerificationResult.Reject($"the top program states {top.Outputs.Count} outputs, a keyed family's {StatementLength}");
        return verifier.Verify(top, [.. expectedRoot.ToCanonical(), .. payload.ToCanonical()], proof);
    }

    /// <summary>A leaf's hints: the root it states, and the proof it verifies.</summary>
    public static KeyedRecursionHints<TParams> LeafHints(TDigest root, IRecursionHints<TParams> proof) =>
        new([.. root.Elements.ToArray()], [new KeyedChildHints<TParams>(proof, [], [])]);

    /// <summary>
    /// A node's hints: the set's root, and per child its proof's hints with the membership path of its key
    /// (<paramref name="children"/>: the child proof's hint source and the key it was proved under, a member of the set).
    /// </summary>
    public static KeyedRecursionHints<TParams> NodeHints(RecursionKeySet<TParams, TDigest> set, IReadOnlyList<(IRecursionHints<TParams> Proof, TDigest Key)> children)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(children);
        var hints = new KeyedChildHints<TParams>[children.Count];
        for (int c = 0; c < children.Count; c++)
        {
            int index = set.IndexOf(children[c].Key);
            if (index < 0)
                throw new ArgumentException($"child {c}'s key is not in the allowed set");
            var bits = Enumerable.Range(0, set.Depth).Select(d => MontyField31<TParams>.FromUInt64((ulong)((index >> d) & 1))).ToArray();
            var siblings = set.Path(index).SelectMany(s => s.Elements.ToArray()).ToArray();
            hints[c] = new KeyedChildHints<TParams>(children[c].Proof, bits, siblings);
        }
        return new KeyedRecursionHints<TParams>([.. set.Root.Elements.ToArray()], hints);
    }
}
