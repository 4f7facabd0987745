using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The statement every epoch node states (docs/design.md, "Recursion", blocks to epochs): the number of blocks it covers
/// and a digest (w elements: the blocks' digest length) of their statements in order — a Merkle tree, of the shape of
/// <see cref="ShardCommitmentTree.TreeShape"/>, whose leaves are the Poseidon2 sponge of each block's
/// <see cref="ZkvmAggregateStatement"/> (the fixed list its execution's root states) and whose nodes are the
/// compression of their two children. 1 + w elements whatever the block count: the statements themselves are not in
/// it; the epoch file carries what the verifier derives each block's statement from (its claim and shard commitments),
/// and the verifier recomputes the digest (<see cref="Expected"/>). With the count fixed, the tree's shape is fixed, so
/// a swapped, dropped, repeated or changed block changes the digest (a Poseidon2 collision otherwise).
/// </summary>
public static class ZkvmEpochStatement
{
    public const int BlockCount = 0, Digest = 1;

    public static int Length(int w) => Digest + w;

    /// <summary>A block's leaf of the epoch tree: the padding-free sponge over its execution statement's elements (fixed length).</summary>
    public static TDigest BlockDigest<TDigest>(IReadOnlyList<uint> statement) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(statement);
        return PaddingFreeSponge<KoalaBearParameters, TDigest>.Default.Hash([.. statement.Select(v => KoalaBear.FromUInt64(v))]);
    }

    /// <summary>The epoch tree's digest over the blocks' statements in order (<see cref="ShardCommitmentTree.TreeShape"/>, nodes compressed).</summary>
    public static TDigest TreeDigest<TDigest>(IReadOnlyList<IReadOnlyList<uint>> blocks) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var items = blocks.Select(BlockDigest<TDigest>).ToList();
        foreach (var level in ShardCommitmentTree.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : TruncatedPermutation<KoalaBearParameters, TDigest>.Default.Compress(items[p.Left], items[p.Right]))];
        return items[0];
    }

    /// <summary>The statement a valid epoch root (or final proof over it) states for these blocks' statements, in order.</summary>
    public static uint[] Expected<TDigest>(IReadOnlyList<IReadOnlyList<uint>> blocks) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var digest = TreeDigest<TDigest>(blocks).Elements;
        var s = new uint[Length(TDigest.Length)];
        s[BlockCount] = (uint)blocks.Count;
        for (int i = 0; i < TDigest.Length; i++)
            s[Digest + i] = digest[i].ToCanonical();
        return s;
    }
}
