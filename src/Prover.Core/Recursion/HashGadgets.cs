using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>
/// The commitment scheme's hashing inside a recursion program (<see cref="Merkle.MerkleTreeMmcs{TParams, TDigest}"/>):
/// the padding-free overwrite sponge for rows, the truncated-permutation compression for nodes, a Merkle path walked by
/// the bits of a position, and a cap entry chosen by bits.
/// </summary>
public sealed class HashGadgets<TParams, TDef>(RecursionBuilder<TParams, TDef> b, int digestLength)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public int L => digestLength;

    /// <summary>
    /// <see cref="Hash.PaddingFreeSponge{TParams, TDigest}"/>: state zero, chunks of L overwrite state[0..len), a
    /// permutation after each full chunk and after a final partial one; the digest is state[0..L).
    /// </summary>
    public Felt[] HashRow(IReadOnlyList<Felt> input)
    {
        var state = Enumerable.Repeat(b.Zero, 2 * L).ToArray();
        int position = 0;
        foreach (var v in input)
        {
            state[position++] = v;
            if (position == L)
            {
                state = b.Permute(state);
                position = 0;
            }
        }
        if (position != 0)
            state = b.Permute(state);
        return state[..L];
    }

    /// <summary><see cref="Hash.TruncatedPermutation{TParams, TDigest}"/>: the first L elements of the permuted left ‖ right.</summary>
    public Felt[] Compress(Felt[] left, Felt[] right) => b.Permute([.. left, .. right])[..L];

    /// <summary>
    /// One Merkle step: Compress(node, sibling) where <paramref name="bit"/> is 0, Compress(sibling, node) where it is 1 —
    /// one <see cref="RecursionOp.PermuteSwap"/> row, which orders the two children itself (no selects).
    /// </summary>
    public Felt[] CompressOrdered(Felt bit, Felt[] node, Felt[] sibling) => b.PermuteSwap(bit, [.. node, .. sibling])[..L];

    /// <summary>
    /// The root above <paramref name="leaf"/> along a path of <paramref name="bits"/>.Count levels: at level i the node
    /// is compressed with sibling i (<paramref name="siblings"/>[i·L, (i + 1)·L)), ordered by bit i (1: the node is the
    /// right child) — one <see cref="CompressOrdered"/> row per level, as the STARK verifier walks its openings' paths.
    /// </summary>
    public Felt[] WalkPath(Felt[] leaf, IReadOnlyList<Felt> bits, Felt[] siblings)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(bits);
        ArgumentNullException.ThrowIfNull(siblings);
        if (leaf.Length != L || siblings.Length != bits.Count * L)
            throw new ArgumentException($"a path of {bits.Count} levels needs a leaf of {L} and {bits.Count * L} sibling elements");
        var node = leaf;
        for (int level = 0; level < bits.Count; level++)
            node = CompressOrdered(bits[level], node, siblings[(level * L)..((level + 1) * L)]);
        return node;
    }

    /// <summary>The same step with two selects per digest element and a plain permutation (the reference the fused row is tested against).</summary>
    public Felt[] CompressOrderedBySelects(Felt bit, Felt[] node, Felt[] sibling) => Compress(Select(bit, sibling, node), Select(bit, node, sibling));

    public Felt[] Select(Felt bit, Felt[] a, Felt[] c) => a.Zip(c, (x, y) => b.Select(bit, x, y)).ToArray();

    /// <summary>The entry of <paramref name="entries"/> (a power of two of them) at the position whose bits (least significant first) are given.</summary>
    public T[] Choose<T>(IReadOnlyList<T[]> entries, ReadOnlySpan<Felt> bits, Func<Felt, T, T, T> select)
    {
        var current = entries.ToList();
        foreach (var bit in bits)
        {
            var next = new List<T[]>();
            for (int j = 0; j < current.Count / 2; j++)
                next.Add(current[2 * j].Zip(current[2 * j + 1], (even, odd) => select(bit, odd, even)).ToArray());
            current = next;
        }
        if (current.Count != 1)
            throw new ArgumentException($"{entries.Count} entries need {int.Log2(entries.Count)} bits, got {bits.Length}");
        return current[0];
    }

    public void AssertDigest(Felt[] computed, Felt[] expected, string message)
    {
        for (int i = 0; i < L; i++)
            b.AssertEqual(computed[i], expected[i], message);
    }
}
