using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Recursion;

/// <summary>
/// A set of allowed verifying keys (their preprocessed roots) as a Merkle tree under the configuration's digest: the
/// compression is <see cref="TruncatedPermutation{TParams, TDigest}"/> — the hash the recursion programs compute with
/// <see cref="HashGadgets{TParams, TDef}.CompressOrdered"/> —, the leaves are the keys in the given order, padded to a
/// power of two with <see cref="Filler"/>. Its <see cref="Root"/> is what a keyed recursion family states and checks
/// (<see cref="KeyedRecursion{TParams, TDef, TDigest}"/>); a member's <see cref="Path"/> is the index and the siblings a
/// node program hashes up to the root.
/// <para>
/// Why the padding is sound: a filler leaf is the all-zero digest, and a proof verified under "key" zero would need a
/// preprocessed commitment whose root is zero — a Poseidon2 preimage of zero, as hard as breaking the hash the whole
/// chain relies on. So a filler slot admits no program. The depth is fixed by the set's size and is a constant of the
/// node program, so a path proves membership of a leaf, never of an inner node (that would need a path of another
/// length, or a compression collision).
/// </para>
/// </summary>
public sealed class RecursionKeySet<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private readonly TDigest[][] _levels;

    /// <summary>The set of <paramref name="keys"/> (at least one; none the filler), in this order.</summary>
    public RecursionKeySet(IReadOnlyList<TDigest> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            throw new ArgumentException("a key set needs at least one key");
        if (keys.Any(k => k == Filler))
            throw new ArgumentException("the all-zero digest is the set's filler, not a key");
        Keys = [.. keys];
        int depth = 0;
        while ((1 << depth) < keys.Count)
            depth++;
        var level = new TDigest[1 << depth];
        for (int i = 0; i < level.Length; i++)
            level[i] = i < keys.Count ? keys[i] : Filler;
        _levels = new TDigest[depth + 1][];
        _levels[0] = level;
        var hash = TruncatedPermutation<TParams, TDigest>.Default;
        for (int d = 1; d <= depth; d++)
        {
            var below = _levels[d - 1];
            var above = new TDigest[below.Length / 2];
            for (int i = 0; i < above.Length; i++)
                above[i] = hash.Compress(below[2 * i], below[2 * i + 1]);
            _levels[d] = above;
        }
    }

    /// <summary>The leaf of an unused slot: the all-zero digest (no key: see the class comment).</summary>
    public static TDigest Filler => TDigest.FromCanonical(new uint[TDigest.Length]);

    public IReadOnlyList<TDigest> Keys { get; }

    /// <summary>Levels of the tree: ⌈log2(keys)⌉ (0 for one key: the root is the key).</summary>
    public int Depth => _levels.Length - 1;

    public TDigest Root => _levels[^1][0];

    /// <summary>The position of <paramref name="key"/> (its first), or −1.</summary>
    public int IndexOf(TDigest key)
    {
        for (int i = 0; i < Keys.Count; i++)
            if (Keys[i] == key)
                return i;
        return -1;
    }

    public bool Contains(TDigest key) => IndexOf(key) >= 0;

    /// <summary>The siblings from key <paramref name="index"/>'s leaf up to the root (<see cref="Depth"/> of them, bottom first).</summary>
    public TDigest[] Path(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Keys.Count);
        var siblings = new TDigest[Depth];
        for (int d = 0; d < Depth; d++)
            siblings[d] = _levels[d][(index >> d) ^ 1];
        return siblings;
    }

    /// <summary>
    /// Whether <paramref name="key"/> at <paramref name="index"/> with <paramref name="siblings"/> hashes up to
    /// <paramref name="root"/> (bit d of the index: the node is the right child at level d) — the check the node program
    /// makes in circuit, natively.
    /// </summary>
    public static bool VerifyMembership(TDigest root, TDigest key, int index, IReadOnlyList<TDigest> siblings)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        if (index < 0 || (siblings.Count < 31 && index >> siblings.Count != 0))
            return false;
        var hash = TruncatedPermutation<TParams, TDigest>.Default;
        var node = key;
        for (int d = 0; d < siblings.Count; d++)
            node = ((index >> d) & 1) == 0 ? hash.Compress(node, siblings[d]) : hash.Compress(siblings[d], node);
        return node == root;
    }
}
