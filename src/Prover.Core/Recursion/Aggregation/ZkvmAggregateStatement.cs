using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The fixed-size statement every proof of a zkVM aggregation tree states (a leaf: one shard; a node: a run of
/// consecutive shards), as a fixed list of field elements (not hashed: a flat list lets a node compare the fields it
/// chains). Its length depends on the extension degree d and the digest length w (8, or 12 under provable-128's
/// 12-element digests): 49 elements for (4, 8), 61 for (8, 8), 69 for (8, 12). In order:
/// <list type="bullet">
/// <item>first shard index, last shard index, shard count (from the shards' seeds);</item>
/// <item>the eight common seed elements the global transcript drew after γ and β (every shard's seed shares them);</item>
/// <item>γ, β (d coefficients each) and the bus sum of the covered shards (d);</item>
/// <item>the preprocessed key's root (w: the program's Program and byte tables);</item>
/// <item>the CPU's start (pc lo, pc hi, clk q, clk hi) of the first shard and end of the last (4 + 4);</item>
/// <item>the input size (lo 16 bits, the rest) as the syscall chip states it;</item>
/// <item>the commitment digest (w): a leaf's is the Poseidon2 sponge of its shard's commitment (<see cref="ShardDigest"/>),
/// a node's the compression of its children's (<see cref="TreeDigest"/>), so the root's binds every shard's chips,
/// heights, public values and main cap in order. Both hash with the shards' digest (width-24 Poseidon2 for 12-element
/// digests): the same hash as the shards' own commitments, so the binding is as strong as they are.</item>
/// </list>
/// </summary>
public static class ZkvmAggregateStatement
{
    public const int SeedLength = 10;

    public const int FirstShard = 0, LastShard = 1, ShardCount = 2, Common = 3;

    public static int Gamma => Common + 8;

    public static int Beta(int d) => Gamma + d;

    public static int BusSum(int d) => Gamma + 2 * d;

    public static int KeyRoot(int d) => Gamma + 3 * d;

    /// <summary>Where the CPU's start is, for extension degree <paramref name="d"/> and <paramref name="w"/>-element digests.</summary>
    public static int Start(int d, int w) => KeyRoot(d) + w;

    public static int End(int d, int w) => Start(d, w) + 4;

    public static int InputSize(int d, int w) => End(d, w) + 4;

    public static int Digest(int d, int w) => InputSize(d, w) + 2;

    public static int Length(int d, int w) => Digest(d, w) + w;

    /// <summary>
    /// The elements a leaf hashes for its shard: the chip set (four 16-bit pieces), the table count and heights, every
    /// table's public value count and values, and the main cap's elements.
    /// </summary>
    public static List<KoalaBear> ShardDigestInput(ChipSet chips, int[] logHeights, KoalaBear[][] publics, KoalaBear[][] mainCap)
    {
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

    /// <summary>The leaf's digest of its shard's commitment (the padding-free Poseidon2 sponge the Merkle rows use).</summary>
    public static TDigest ShardDigest<TDigest>(ShardCommitment c) where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        PaddingFreeSponge<KoalaBearParameters, TDigest>.Default.Hash(ShardDigestInput(c.Chips, c.LogHeights, c.PublicValues, c.MainCommitment).ToArray());

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

    /// <summary>The root's commitment digest over the shards in order (the tree of <see cref="TreeShape"/>, nodes compressed).</summary>
    public static TDigest TreeDigest<TDigest>(IReadOnlyList<ShardCommitment> shards) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var items = shards.Select(ShardDigest<TDigest>).ToList();
        foreach (var level in TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : TruncatedPermutation<KoalaBearParameters, TDigest>.Default.Compress(items[p.Left], items[p.Right]))];
        return items[0];
    }

    /// <summary>
    /// The statement a valid root over the whole execution states, from what the verifier derives natively: shards 0 to
    /// n − 1 of n, the common seed, γ and β, the bus sum that cancels the verifier's own tuples (−<paramref name="publicBusSum"/>:
    /// the shards' sums plus the public terms must be zero), the program's key root, shard 0's start and the last shard's
    /// end, the input size and the tree digest of the shards' commitments.
    /// </summary>
    public static uint[] Expected<TDef, TDigest>(IReadOnlyList<ShardCommitment> shards, ZkvmCheckedStatement<TDef, TDigest> statement, ulong inputSize)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        int d = TDef.Degree, w = TDigest.Length, n = shards.Count;
        var s = new uint[Length(d, w)];
        s[FirstShard] = 0;
        s[LastShard] = (uint)(n - 1);
        s[ShardCount] = (uint)n;
        var seed = statement.Seeds[0].Seed;
        for (int i = 0; i < 8; i++)
            s[Common + i] = (uint)(seed[2 + i] % KoalaBearParameters.P);
        void Ext(int at, ExtensionField<KoalaBear, TDef> e)
        {
            for (int i = 0; i < d; i++)
                s[at + i] = e.Coefficients[i].ToCanonical();
        }
        Ext(Gamma, statement.Gamma);
        Ext(Beta(d), statement.Beta);
        Ext(BusSum(d), -statement.PublicBusSum);
        var root = statement.FullKey.PreprocessedRoot.Elements;
        for (int i = 0; i < w; i++)
            s[KeyRoot(d) + i] = root[i].ToCanonical();
        var first = shards[0].PublicsOf(ZkvmTable.Cpu);
        var last = shards[^1].PublicsOf(ZkvmTable.Cpu);
        for (int i = 0; i < 4; i++)
        {
            s[Start(d, w) + i] = first[i].ToCanonical();
            s[End(d, w) + i] = last[4 + i].ToCanonical();
        }
        s[InputSize(d, w)] = (uint)(inputSize & 0xFFFF);
        s[InputSize(d, w) + 1] = (uint)(inputSize >> 16);
        var digest = TreeDigest<TDigest>(shards).Elements;
        for (int i = 0; i < w; i++)
            s[Digest(d, w) + i] = digest[i].ToCanonical();
        return s;
    }
}
