using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Merkle;

/// <summary>
/// Caps and deduplicated multi-openings against the single-path reference: the same rows, exactly the siblings that a
/// naive set computation says cannot be derived (in level, position order), acceptance by the reference for every
/// index, and rejection of every dropped, added, swapped or changed node, wrong cap and wrong shape.
/// </summary>
public abstract class MultiOpeningTests<TDigest>(ITestOutputHelper output)
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private const int Seed = 5150;

    private static readonly MerkleTreeMmcs<KoalaBearParameters, TDigest> Mmcs = MerkleTreeMmcs<KoalaBearParameters, TDigest>.Default;

    private Random NewRandom()
    {
        output.WriteLine($"seed {Seed}");
        return new Random(Seed);
    }

    private static RowMajorMatrix<KoalaBear> RandomMatrix(Random rng, int height, int width) =>
        new(Enumerable.Range(0, height * width).Select(_ => KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P))).ToArray(), width);

    private static MerkleTree<KoalaBearParameters, TDigest> RandomTree(Random rng, int[] heights, int[] widths) =>
        Mmcs.Commit(heights.Select((h, m) => RandomMatrix(rng, h, widths[m])).ToArray());

    /// <summary>
    /// The reference sibling list: every path node's sibling below the cap, minus every node on some opened path (those
    /// the verifier computes), sorted by level then position.
    /// </summary>
    private static TDigest[] ReferenceSiblings(MerkleTree<KoalaBearParameters, TDigest> tree, IEnumerable<int> indices, int effectiveCap)
    {
        int levels = int.Log2(tree.Height) - effectiveCap;
        var onPath = new HashSet<(int, int)>();
        var needed = new SortedSet<(int Level, int Position)>();
        foreach (int i in indices)
            for (int level = 0; level < levels; level++)
                onPath.Add((level, i >> level));
        foreach (int i in indices)
            for (int level = 0; level < levels; level++)
                if (!onPath.Contains((level, (i >> level) ^ 1)))
                    needed.Add((level, (i >> level) ^ 1));
        return [.. needed.Select(n => tree.Layer(n.Level)[n.Position])];
    }

    public static TheoryData<int[], int[], int> Shapes => new()
    {
        { new[] { 64 }, new[] { 5 }, 0 },
        { new[] { 64 }, new[] { 5 }, 3 },
        { new[] { 64, 64, 16, 4 }, new[] { 3, 5, 8, 1 }, 0 },
        { new[] { 64, 64, 16, 4 }, new[] { 3, 5, 8, 1 }, 2 },
        { new[] { 64, 64, 16, 4 }, new[] { 3, 5, 8, 1 }, 5 }, // capped at log2(4) = 2 by the shortest matrix
        { new[] { 4096, 256, 4096, 32 }, new[] { 8, 11, 1, 16 }, 4 },
        { new[] { 2 }, new[] { 1 }, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multi_opening_matches_the_single_path_reference(int[] heights, int[] widths, int capHeight)
    {
        var rng = NewRandom();
        var tree = RandomTree(rng, heights, widths);
        int maxHeight = heights.Max();
        int c = MerkleTreeMmcs<KoalaBearParameters, TDigest>.EffectiveCapHeight(tree.Dimensions, capHeight);
        Assert.Equal(Math.Min(capHeight, int.Log2(heights.Min())), c);
        var cap = tree.Cap(capHeight);
        Assert.Equal(1 << c, cap.Count);
        // The cap hashes up to the root (no matrix is hashed in above the cap).
        var level = cap.Digests.ToArray();
        while (level.Length > 1)
            level = [.. Enumerable.Range(0, level.Length / 2).Select(i => Mmcs.Compression.Compress(level[2 * i], level[2 * i + 1]))];
        Assert.Equal(tree.Root, level[0]);

        foreach (int count in new[] { 1, 3, 10, 40 })
        {
            // With repeats: an index drawn twice is opened once.
            var indices = Enumerable.Range(0, count).Select(_ => rng.Next(maxHeight)).ToArray();
            indices = [.. indices, indices[0]];
            var opening = Mmcs.OpenMulti(indices, tree, capHeight);
            var distinct = indices.Distinct().Order().ToArray();
            Assert.Equal(ReferenceSiblings(tree, distinct, c), opening.Siblings);
            for (int m = 0; m < heights.Length; m++)
            {
                int shift = int.Log2(maxHeight / heights[m]);
                var expected = distinct.Select(i => i >> shift).Distinct().SelectMany(p => tree.Matrices[m].Row(p).ToArray()).ToArray();
                Assert.Equal(expected, opening.Rows[m]);
            }
            Assert.True(Mmcs.VerifyMulti(cap, capHeight, tree.Dimensions, indices, opening, out string? error), error);
            Assert.True(Mmcs.VerifyMulti(cap, capHeight, tree.Dimensions, distinct, opening, out error), error); // repeats change nothing
            // The reference accepts every index, and the multi-opening never sends more than the paths would.
            foreach (int i in distinct)
                Assert.True(Mmcs.Verify(tree.Root, tree.Dimensions, i, Mmcs.Open(i, tree), out error), error);
            Assert.True(opening.Siblings.Count <= distinct.Length * (int.Log2(maxHeight) - c));
            output.WriteLine($"{string.Join('/', heights)} cap {c}: {distinct.Length} indices, {opening.Siblings.Count} siblings (paths: {distinct.Length * int.Log2(maxHeight)})");
        }
        // Every leaf opened: nothing to send.
        Assert.Empty(Mmcs.OpenMulti(Enumerable.Range(0, maxHeight), tree, capHeight).Siblings);
    }

    [Fact]
    public void Every_tampering_is_rejected_with_a_reason()
    {
        var rng = NewRandom();
        var tree = RandomTree(rng, [256, 256, 64], [4, 3, 2]);
        var dims = tree.Dimensions;
        const int CapHeight = 2;
        var cap = tree.Cap(CapHeight);
        int[] indices = [3, 4, 17, 18, 100, 101, 200, 255];
        var opening = Mmcs.OpenMulti(indices, tree, CapHeight);
        Assert.True(Mmcs.VerifyMulti(cap, CapHeight, dims, indices, opening, out string? error), error);
        var siblings = opening.Siblings.ToArray();
        Assert.True(siblings.Length >= 3);

        void Rejected(string what, MerkleCap<KoalaBearParameters, TDigest>? c, IReadOnlyList<int>? idx, MultiOpening<KoalaBearParameters, TDigest>? o, string reason, int capHeight = CapHeight)
        {
            Assert.False(Mmcs.VerifyMulti(c, capHeight, dims, idx, o, out string? why), $"{what} accepted");
            output.WriteLine($"{what}: {why}");
            Assert.Contains(reason, why, StringComparison.Ordinal);
        }

        Rejected("dropped node", cap, indices, new(opening.Rows, siblings[..^1]), "missing siblings");
        Rejected("dropped first node", cap, indices, new(opening.Rows, siblings[1..]), "missing siblings");
        Rejected("added node", cap, indices, new(opening.Rows, [.. siblings, siblings[0]]), "beyond");
        var swapped = siblings.ToArray();
        (swapped[0], swapped[^1]) = (swapped[^1], swapped[0]);
        Rejected("swapped nodes", cap, indices, new(opening.Rows, swapped), "differs from the cap");
        for (int s = 0; s < siblings.Length; s++)
        {
            var changed = siblings.ToArray();
            var e = changed[s].Elements.ToArray();
            e[s % TDigest.Length] += KoalaBear.One; // every word, the wide digest's last four included
            changed[s] = TDigest.FromElements(e);
            Assert.False(Mmcs.VerifyMulti(cap, CapHeight, dims, indices, new(opening.Rows, changed), out _), $"changed sibling {s} accepted");
        }
        for (int m = 0; m < opening.Rows.Count; m++)
            for (int v = 0; v < opening.Rows[m].Length; v += 3)
            {
                var rows = opening.Rows.Select(r => (KoalaBear[])r.Clone()).ToArray();
                rows[m][v] += KoalaBear.One;
                Assert.False(Mmcs.VerifyMulti(cap, CapHeight, dims, indices, new(rows, siblings), out _), $"changed value {m}/{v} accepted");
            }
        var shortRow = opening.Rows.ToArray();
        shortRow[2] = shortRow[2][..^1];
        Rejected("row value missing", cap, indices, new(shortRow, siblings), "opened values");
        var capDigests = cap.Digests.ToArray();
        var ce = capDigests[1].Elements.ToArray();
        ce[0] += KoalaBear.One;
        capDigests[1] = TDigest.FromElements(ce);
        Rejected("wrong cap", new MerkleCap<KoalaBearParameters, TDigest>(capDigests), indices, opening, "differs from the cap");
        Rejected("cap of another height", tree.Cap(3), indices, opening, "the cap has 8 digests");
        Rejected("root for a cap", MerkleCap<KoalaBearParameters, TDigest>.FromRoot(tree.Root), indices, opening, "the cap has 1 digests");
        Rejected("another index set", cap, [.. indices[..^1], 254], opening, "differs from the cap");
        Rejected("one index fewer", cap, indices[1..], opening, "opened values");
        Rejected("index out of range", cap, [.. indices, 256], opening, "outside");
        Rejected("negative index", cap, [-1, .. indices], opening, "outside");
        Rejected("no index", cap, [], opening, "no index");
        Rejected("no cap", null, indices, opening, "no cap");
        Rejected("no opening", cap, indices, null, "no opening");
        Rejected("negative cap height", cap, indices, opening, "cap height", -1);
        Assert.False(Mmcs.VerifyMulti(cap, CapHeight, null, indices, opening, out _));
        Assert.False(Mmcs.VerifyMulti(cap, CapHeight, [dims[0], dims[1]], indices, opening, out _));
        Assert.False(Mmcs.VerifyMulti(cap, CapHeight, [dims[0], dims[1], dims[2] with { Height = 48 }], indices, opening, out error));
        Assert.Contains("power of two", error);
        Assert.False(Mmcs.VerifyMulti(cap, CapHeight, dims, indices, new([opening.Rows[0], opening.Rows[1], null!], siblings), out _));
    }

    /// <summary>(verdict, reason) of the batched recomputation and of the one-hash-at-a-time reference.</summary>
    private static ((bool, string?) Batched, (bool, string?) Reference) Both(MerkleCap<KoalaBearParameters, TDigest> cap, int capHeight,
        IReadOnlyList<MatrixDimensions> dims, IReadOnlyList<int> indices, MultiOpening<KoalaBearParameters, TDigest> opening)
    {
        bool batched = Mmcs.VerifyMulti(cap, capHeight, dims, indices, opening, out string? batchedError);
        using var scope = Prover.Core.Air.KernelSelection.UseReference(Prover.Core.Air.ReferenceFamily.Verifier);
        bool reference = Mmcs.VerifyMulti(cap, capHeight, dims, indices, opening, out string? referenceError);
        return ((batched, batchedError), (reference, referenceError));
    }

    /// <summary>
    /// The batched recomputation (packed Poseidon2 over the row hashes of a height and the compressions of a level) gives
    /// the verdict and reason of the reference on honest openings (index counts below, at and above the SIMD lane
    /// counts) and on every changed sibling, every changed opened value, and dropped, added and swapped siblings.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Batched_recomputation_agrees_with_the_reference(int[] heights, int[] widths, int capHeight)
    {
        var rng = NewRandom();
        var tree = RandomTree(rng, heights, widths);
        var cap = tree.Cap(capHeight);
        int rejected = 0;
        foreach (int count in new[] { 1, 7, 8, 16, 17, 40 })
        {
            var indices = Enumerable.Range(0, count).Select(_ => rng.Next(tree.Height)).ToArray();
            var opening = Mmcs.OpenMulti(indices, tree, capHeight);
            var honest = Both(cap, capHeight, tree.Dimensions, indices, opening);
            Assert.Equal((true, null), honest.Batched);
            Assert.Equal(honest.Reference, honest.Batched);
            var siblings = opening.Siblings.ToArray();
            var variants = new List<MultiOpening<KoalaBearParameters, TDigest>>();
            for (int s = 0; s < siblings.Length; s++)
            {
                var changed = siblings.ToArray();
                var e = changed[s].Elements.ToArray();
                e[s % TDigest.Length] += KoalaBear.One;
                changed[s] = TDigest.FromElements(e);
                variants.Add(new(opening.Rows, changed));
            }
            for (int m = 0; m < opening.Rows.Count; m++)
                for (int v = 0; v < opening.Rows[m].Length; v += 1 + opening.Rows[m].Length / 12)
                {
                    var rows = opening.Rows.Select(r => (KoalaBear[])r.Clone()).ToArray();
                    rows[m][v] += KoalaBear.One;
                    variants.Add(new(rows, siblings));
                }
            if (siblings.Length > 0)
            {
                variants.Add(new(opening.Rows, siblings[..^1]));
                variants.Add(new(opening.Rows, siblings[1..]));
                variants.Add(new(opening.Rows, [.. siblings, siblings[0]]));
            }
            if (siblings.Length > 1 && siblings[0] != siblings[^1])
            {
                var swapped = siblings.ToArray();
                (swapped[0], swapped[^1]) = (swapped[^1], swapped[0]);
                variants.Add(new(opening.Rows, swapped));
            }
            foreach (var variant in variants)
            {
                var (batched, reference) = Both(cap, capHeight, tree.Dimensions, indices, variant);
                Assert.Equal(reference, batched);
                Assert.False(batched.Item1, "a tampered opening was accepted");
                rejected++;
            }
        }
        output.WriteLine($"{rejected} tampered openings rejected alike");
        Assert.True(rejected > 0);
    }

    [Fact]
    public void Open_rejects_bad_arguments()
    {
        var tree = RandomTree(NewRandom(), [8], [2]);
        Assert.Throws<ArgumentException>(() => Mmcs.OpenMulti([], tree, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mmcs.OpenMulti([8], tree, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mmcs.OpenMulti([-1], tree, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mmcs.OpenMulti([1], tree, -1));
        Assert.Throws<ArgumentException>(() => new MerkleCap<KoalaBearParameters, TDigest>(new TDigest[3]));
        Assert.Equal([1, 2, 5], MerkleTreeMmcs<KoalaBearParameters, TDigest>.SortedDistinct([5, 1, 2, 5, 1]));
        Assert.Equal([0, 1, 2], MerkleTreeMmcs<KoalaBearParameters, TDigest>.Positions([1, 2, 3, 4, 5], 1));
    }
}

public sealed class MultiOpeningTests(ITestOutputHelper output) : MultiOpeningTests<Digest<KoalaBearParameters>>(output);

/// <summary>The same over 12-element digests (Poseidon2 width 24): provable-128's trees.</summary>
public sealed class WideMultiOpeningTests(ITestOutputHelper output) : MultiOpeningTests<WideDigest<KoalaBearParameters>>(output);
