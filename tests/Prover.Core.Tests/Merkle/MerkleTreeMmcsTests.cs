using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Merkle;

/// <summary>
/// Mixed-height Merkle commitments over one field and one digest (8 or 12 elements): a recursive reference, openings
/// and tamper detection; <see cref="MerkleVectorTests{TParams}"/> adds the vectors for the 8-element digest.
/// </summary>
public abstract class MerkleTreeMmcsTests<TParams, TDigest>(ITestOutputHelper output)
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private const int Seed = 4242;

    protected static MontyField31<TParams> F(uint x) => MontyField31<TParams>.FromCanonical(x);

    protected static readonly MerkleTreeMmcs<TParams, TDigest> Mmcs = MerkleTreeMmcs<TParams, TDigest>.Default;

    private Random NewRandom()
    {
        output.WriteLine($"seed {Seed}");
        return new Random(Seed);
    }

    private static RowMajorMatrix<MontyField31<TParams>> RandomMatrix(Random rng, int height, int width) =>
        new(Enumerable.Range(0, height * width).Select(_ => F((uint)rng.NextInt64(TParams.P))).ToArray(), width);

    /// <summary>
    /// The reference: node(level, i) defined recursively from the rule in the brief, with the plain
    /// single-state sponge and compression (no batching, no threads).
    /// </summary>
    protected static TDigest ReferenceRoot(RowMajorMatrix<MontyField31<TParams>>[] matrices)
    {
        var sponge = PaddingFreeSponge<TParams, TDigest>.Default;
        var compress = TruncatedPermutation<TParams, TDigest>.Default;
        int maxHeight = matrices.Max(m => m.Height);
        TDigest RowHash(int height, int row)
        {
            var concat = matrices.Where(m => m.Height == height).SelectMany(m => m.Row(row).ToArray()).ToArray();
            return sponge.Hash(concat);
        }
        TDigest Node(int height, int i)
        {
            if (height == maxHeight)
                return RowHash(height, i);
            var node = compress.Compress(Node(height * 2, 2 * i), Node(height * 2, 2 * i + 1));
            return matrices.Any(m => m.Height == height) ? compress.Compress(node, RowHash(height, i)) : node;
        }
        return Node(1, 0);
    }

    public static TheoryData<int[], int[]> Shapes => new()
    {
        { new[] { 8, 8, 4, 2 }, new[] { 3, 5, 8, 1 } },
        { new[] { 2, 8, 4, 8 }, new[] { 7, 2, 3, 9 } },
        { new[] { 1 }, new[] { 5 } },
        { new[] { 16, 1 }, new[] { 8, 3 } },
        { new[] { 4096, 256, 4096, 32 }, new[] { 8, 11, 1, 64 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Mixed_heights_match_reference_and_openings_verify(int[] heights, int[] widths)
    {
        var rng = NewRandom();
        var matrices = heights.Select((h, m) => RandomMatrix(rng, h, widths[m])).ToArray();
        var tree = Mmcs.Commit(matrices);
        Assert.Equal(ReferenceRoot(matrices), tree.Root);
        var dims = tree.Dimensions;
        int maxHeight = heights.Max();
        var indices = maxHeight <= 16 ? Enumerable.Range(0, maxHeight) : Enumerable.Range(0, 20).Select(_ => rng.Next(maxHeight));
        foreach (int index in indices)
        {
            var opening = Mmcs.Open(index, tree);
            for (int m = 0; m < matrices.Length; m++)
                Assert.Equal(matrices[m].Row(index / (maxHeight / heights[m])).ToArray(), opening.OpenedRows[m]);
            Assert.True(Mmcs.Verify(tree.Root, dims, index, opening, out string? error), error);
        }
    }

    [Fact]
    public void Verification_fails_on_any_change()
    {
        var rng = NewRandom();
        int[] heights = [8, 8, 4, 2];
        int[] widths = [3, 5, 8, 1];
        var matrices = heights.Select((h, m) => RandomMatrix(rng, h, widths[m])).ToArray();
        var tree = Mmcs.Commit(matrices);
        var dims = tree.Dimensions;
        const int index = 5;
        var opening = Mmcs.Open(index, tree);
        Assert.True(Mmcs.Verify(tree.Root, dims, index, opening));

        // Every opened value, one at a time.
        for (int m = 0; m < opening.OpenedRows.Count; m++)
        {
            for (int c = 0; c < opening.OpenedRows[m].Length; c++)
            {
                var rows = opening.OpenedRows.Select(r => (MontyField31<TParams>[])r.Clone()).ToArray();
                rows[m][c] += MontyField31<TParams>.One;
                Assert.False(Mmcs.Verify(tree.Root, dims, index, rows, opening.Proof, out _), $"changed value {m},{c} accepted");
            }
        }
        // Every path element, every word.
        for (int level = 0; level < opening.Proof.Count; level++)
        {
            for (int j = 0; j < TDigest.Length; j++)
            {
                var proof = opening.Proof.ToArray();
                var e = proof[level].Elements.ToArray();
                e[j] += MontyField31<TParams>.One;
                proof[level] = TDigest.FromElements(e);
                Assert.False(Mmcs.Verify(tree.Root, dims, index, opening.OpenedRows, proof, out _), $"changed sibling {level}/{j} accepted");
            }
        }
        // Every other index.
        for (int other = 0; other < 8; other++)
            if (other != index)
                Assert.False(Mmcs.Verify(tree.Root, dims, other, opening));
        // Root.
        var rootElems = tree.Root.Elements.ToArray();
        rootElems[0] += MontyField31<TParams>.One;
        Assert.False(Mmcs.Verify(TDigest.FromElements(rootElems), dims, index, opening));
        // Dimensions: a different height (still a power of two) or width, or a reordering.
        var badHeight = dims.ToArray();
        badHeight[2] = badHeight[2] with { Height = 2 };
        Assert.False(Mmcs.Verify(tree.Root, badHeight, index, opening));
        var swapped = dims.ToArray();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.False(Mmcs.Verify(tree.Root, swapped, index, opening));
    }

    [Fact]
    public void Malformed_input_is_rejected_without_exceptions()
    {
        var rng = NewRandom();
        var matrices = new[] { RandomMatrix(rng, 8, 4), RandomMatrix(rng, 4, 2) };
        var tree = Mmcs.Commit(matrices);
        var dims = tree.Dimensions;
        var opening = Mmcs.Open(3, tree);
        var root = tree.Root;
        string? error;
        Assert.False(Mmcs.Verify(root, dims, -1, opening, out error));
        Assert.Contains("index", error);
        Assert.False(Mmcs.Verify(root, dims, 8, opening, out error));
        Assert.False(Mmcs.Verify(root, [], 3, opening, out error));
        Assert.False(Mmcs.Verify(root, null!, 3, opening, out error));
        Assert.False(Mmcs.Verify(root, dims, 3, null!, out error));
        Assert.False(Mmcs.Verify(root, dims, 3, null, opening.Proof, out error));
        Assert.False(Mmcs.Verify(root, dims, 3, opening.OpenedRows, null, out error));
        Assert.False(Mmcs.Verify(root, [dims[0]], 3, opening, out error));
        Assert.Contains("opened rows", error);
        Assert.False(Mmcs.Verify(root, [dims[0] with { Width = 5 }, dims[1]], 3, opening, out error));
        Assert.False(Mmcs.Verify(root, [dims[0] with { Width = 0 }, dims[1]], 3, opening, out error));
        Assert.False(Mmcs.Verify(root, [dims[0] with { Height = 6 }, dims[1]], 3, opening, out error));
        Assert.Contains("power of two", error);
        Assert.False(Mmcs.Verify(root, [dims[0] with { Height = 16 }, dims[1]], 3, opening, out error));
        Assert.Contains("siblings", error);
        Assert.False(Mmcs.Verify(root, dims, 3, [opening.OpenedRows[0], null!], opening.Proof, out error));
        Assert.False(Mmcs.Verify(root, dims, 3, opening.OpenedRows, opening.Proof.Take(2).ToArray(), out error));
        Assert.False(Mmcs.Verify(root, dims, 3, opening.OpenedRows, opening.Proof.Append(root).ToArray(), out error));
    }

    [Fact]
    public void Commit_rejects_bad_shapes()
    {
        var rng = NewRandom();
        Assert.Throws<ArgumentException>(() => Mmcs.Commit([]));
        Assert.Throws<ArgumentException>(() => Mmcs.Commit([RandomMatrix(rng, 6, 2)]));
        var tree = Mmcs.Commit([RandomMatrix(rng, 4, 2)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mmcs.Open(4, tree));
    }

    [Fact]
    public void Large_parallel_build_matches_serial_layers()
    {
        var rng = NewRandom();
        var matrix = RandomMatrix(rng, 1 << 13, 9);
        var small = RandomMatrix(rng, 1 << 11, 3);
        var tree = Mmcs.Commit([matrix, small]);
        var sponge = PaddingFreeSponge<TParams, TDigest>.Default;
        var compress = TruncatedPermutation<TParams, TDigest>.Default;
        // Serial recomputation layer by layer with single hashes.
        var layer = Enumerable.Range(0, matrix.Height).Select(r => sponge.Hash(matrix.Row(r))).ToArray();
        Assert.Equal(layer, tree.Layer(0).ToArray());
        for (int level = 1; level < tree.LayerCount; level++)
        {
            layer = Enumerable.Range(0, layer.Length / 2).Select(i => compress.Compress(layer[2 * i], layer[2 * i + 1])).ToArray();
            if (layer.Length == small.Height)
                layer = layer.Select((d, i) => compress.Compress(d, sponge.Hash(small.Row(i)))).ToArray();
            Assert.Equal(layer, tree.Layer(level).ToArray());
        }
    }
}

/// <summary>The 8-element digest's tests plus the vectors' Merkle tree.</summary>
public abstract class MerkleVectorTests<TParams>(ITestOutputHelper output, string vectorFile) : MerkleTreeMmcsTests<TParams, Digest<TParams>>(output)
    where TParams : struct, IMontyParameters
{
    [SharedFact]
    public void Merkle_4x8_vector_matches()
    {
        var v = SharedData.Vectors(vectorFile).GetProperty("hash").GetProperty("merkle_4x8");
        var matrix = new RowMajorMatrix<MontyField31<TParams>>(Enumerable.Range(0, 32).Select(i => F((uint)i)).ToArray(), 8);
        var tree = Mmcs.Commit([matrix]);
        var leaves = v.GetProperty("leaf_digests").U32Matrix();
        Assert.Equal(4, tree.Height);
        for (int i = 0; i < 4; i++)
            Assert.Equal(leaves[i], tree.Layer(0)[i].ToCanonical());
        Assert.Equal(v.GetProperty("root").U32Array(), tree.Root.ToCanonical());
        Assert.Equal(ReferenceRoot([matrix]), tree.Root);
    }
}

public sealed class KoalaBearMerkleTests(ITestOutputHelper output) : MerkleVectorTests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearMerkleTests(ITestOutputHelper output) : MerkleVectorTests<BabyBearParameters>(output, "babybear");

/// <summary>Merkle trees of 12-element digests (Poseidon2 width 24): provable-128's commitments.</summary>
public sealed class KoalaBearWideMerkleTests(ITestOutputHelper output) : MerkleTreeMmcsTests<KoalaBearParameters, WideDigest<KoalaBearParameters>>(output);

public sealed class BabyBearWideMerkleTests(ITestOutputHelper output) : MerkleTreeMmcsTests<BabyBearParameters, WideDigest<BabyBearParameters>>(output);
