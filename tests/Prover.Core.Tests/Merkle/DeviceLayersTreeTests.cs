using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Tests.Merkle;

/// <summary>
/// <see cref="MerkleTree{TParams, TDigest}.FromDeviceLayers"/>: a tree whose layers are fetched when first read (a GPU backend
/// leaves them on the device). It must read the same as the tree it stands for, fetch each layer once, refuse a layer of the
/// wrong length, and pass on a failed fetch (never answer with other digests).
/// </summary>
public class DeviceLayersTreeTests
{
    private static readonly MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>> Mmcs = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;

    private static RowMajorMatrix<MontyField31<KoalaBearParameters>> Matrix(int height, int width, int seed)
    {
        var rng = new Random(seed);
        return new(Enumerable.Range(0, height * width).Select(_ => MontyField31<KoalaBearParameters>.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P))).ToArray(), width);
    }

    [Fact]
    public void Layers_are_fetched_once_when_read_and_read_as_the_reference_tree()
    {
        var a = Matrix(16, 3, 1);
        var b = Matrix(8, 2, 2);
        var reference = Mmcs.Commit([a, b]);
        var fetched = new List<int>();
        var tree = MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromDeviceLayers([a, b], level =>
        {
            fetched.Add(level);
            return reference.Layer(level).ToArray();
        });
        Assert.Equal(16, tree.Height);
        Assert.Equal(reference.LayerCount, tree.LayerCount);
        Assert.False(tree.HasHostLayers);
        Assert.Empty(fetched);
        Assert.Equal(reference.Cap(2).Digests.ToArray(), tree.Cap(2).Digests.ToArray());
        Assert.Equal([2], fetched); // the cap's layer only
        Assert.Equal(reference.Root, tree.Root);
        Assert.Equal(reference.Cap(2).Digests.ToArray(), tree.Cap(2).Digests.ToArray());
        Assert.Equal([2, 4], fetched); // the root's layer, and no second fetch of the cap's
        int[] indices = [3, 9, 10, 15];
        var expected = Mmcs.OpenMulti(indices, reference, 1);
        var actual = Mmcs.OpenMulti(indices, tree, 1);
        Assert.Equal(expected.Siblings, actual.Siblings);
        tree.FetchAllLayers();
        Assert.True(tree.HasHostLayers);
        Assert.Equal(reference.LayerCount, fetched.Count); // every layer exactly once
        Assert.True(Mmcs.Verify(tree.Root, tree.Dimensions, 9, Mmcs.Open(9, tree)));
    }

    [Fact]
    public void A_layer_of_the_wrong_length_or_a_failed_fetch_is_an_error()
    {
        var a = Matrix(8, 1, 3);
        var reference = Mmcs.Commit([a]);
        var shortLayer = MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromDeviceLayers([a], level => reference.Layer(level)[1..].ToArray());
        Assert.Throws<InvalidOperationException>(() => shortLayer.Layer(0).Length);
        var failing = MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromDeviceLayers([a], _ => throw new InvalidOperationException("released"));
        Assert.Throws<InvalidOperationException>(() => failing.Root);
        Assert.Throws<ArgumentException>(() => MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromDeviceLayers([], _ => []));
        Assert.Throws<ArgumentException>(() => MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromDeviceLayers([Matrix(6, 1, 4)], _ => []));
    }
}
