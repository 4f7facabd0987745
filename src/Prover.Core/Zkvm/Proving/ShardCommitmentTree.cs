using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The digest of an execution's shard commitments that the global transcript observes (<see cref="ZkvmStatement.Challenges{TDef, TDigest}(Stark.StarkConfig, ZkvmProgram, TDigest, ulong, ReadOnlySpan{KoalaBear}, ReadOnlySpan{byte}, int, long, int, TDigest)"/>):
/// each shard's commitment hashed by the padding-free Poseidon2 sponge (<see cref="ShardDigest{TDigest}"/>), then
/// compressed pairwise up the tree of <see cref="TreeShape"/>. The aggregation tree computes the same digest in-circuit
/// (a leaf's sponge over the values its shard's proof observed, a node's compression of its children's), so its root
/// states the value the challenges were drawn from. Every hash uses the shards' digest (width-24 Poseidon2 for
/// 12-element digests): the binding is as strong as the shards' own commitments.
/// </summary>
public static class ShardCommitmentTree
{
    /// <summary>
    /// The elements a leaf hashes for its shard: the chip set (four 16-bit pieces), the table count and heights, every
    /// table's public value count and values, and the main cap's elements.
    /// </summary>
    public static List<KoalaBear> ShardDigestInput(ChipSet chips, int[] logHeights, KoalaBear[][] publics, KoalaBear[][] mainCap)
    {
        ArgumentNullException.ThrowIfNull(logHeights);
        ArgumentNullException.ThrowIfNull(publics);
        ArgumentNullException.ThrowIfNull(mainCap);
        var input = new List<KoalaBear>();
        for (int i = 0; i < 64; i += 16)
            input.Add(KoalaBear.FromUInt64(chips.Bits >> i & 0xFFFF));
        input.Add(KoalaBear.FromUInt64((ulong)logHeights.Length));
        foreach (int h in logHeights)
            input.Add(KoalaBear.FromUInt64((ulong)h));
        foreach (var p in publics)
        {
            input.Add(KoalaBear.FromUInt64((ulong)p.Length));
            input.AddRange(p);
        }
        foreach (var digest in mainCap)
            input.AddRange(digest);
        return input;
    }

    /// <summary>A shard's digest: the padding-free Poseidon2 sponge (the one the Merkle rows use) of <see cref="ShardDigestInput"/>.</summary>
    public static TDigest ShardDigest<TDigest>(ShardCommitment c) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        // The cap's digests must have the configuration's length (Cap refuses others): the digest binds what the shard's
        // transcript observed, in the digest it observed it with.
        _ = c.Cap<TDigest>();
        return PaddingFreeSponge<KoalaBearParameters, TDigest>.Default.Hash(ShardDigestInput(c.Chips, c.LogHeights, c.PublicValues, c.MainCommitment).ToArray());
    }

    /// <summary>
    /// The tree over <paramref name="count"/> leaves: level by level, pairs (0, 1), (2, 3), … and an odd last item carried
    /// up unchanged, until one remains. Returns each level's pairs as (left, right) indices into the level below, the
    /// carried item as (i, -1).
    /// </summary>
    public static IReadOnlyList<(int Left, int Right)[]> TreeShape(int count)
    {
        if (count < 1)
            throw new ArgumentException("a tree needs at least one leaf");
        var levels = new List<(int, int)[]>();
        while (count > 1)
        {
            var level = new (int, int)[(count + 1) / 2];
            for (int i = 0; i < level.Length; i++)
                level[i] = 2 * i + 1 < count ? (2 * i, 2 * i + 1) : (2 * i, -1);
            levels.Add(level);
            count = level.Length;
        }
        return levels;
    }

    /// <summary>The root digest over the shards in order (the tree of <see cref="TreeShape"/>, nodes compressed).</summary>
    public static TDigest TreeDigest<TDigest>(IReadOnlyList<ShardCommitment> shards) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(shards);
        var items = shards.Select(ShardDigest<TDigest>).ToList();
        foreach (var level in TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : TruncatedPermutation<KoalaBearParameters, TDigest>.Default.Compress(items[p.Left], items[p.Right]))];
        return items[0];
    }
}
