using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Gpu.Tests;

/// <summary>Device Poseidon2, sponge and Merkle layers against the CPU implementations, word for word.</summary>
public class MerkleTests
{
    [OpenClTheory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(300)]
    public void PermutationMatchesCpuKoalaBear(int states) => Permutation<KoalaBearParameters>(states);

    [OpenClTheory]
    [InlineData(1)]
    [InlineData(257)]
    public void PermutationMatchesCpuBabyBear(int states) => Permutation<BabyBearParameters>(states);

    internal static void Permutation<TParams>(int states, string api = "opencl") where TParams : struct, IMontyParameters
    {
        int seed = 77 + states;
        var input = Random31.Elements<TParams>(16 * states, seed);
        var expected = (MontyField31<TParams>[])input.Clone();
        var perm = Poseidon2.Width16<TParams>();
        for (int s = 0; s < states; s++)
            perm.Permute(expected.AsSpan(16 * s, 16));
        var words = MontyField31<TParams>.AsMontgomery(input.AsSpan()).ToArray();
        GpuDevices.Operations<TParams>(api).Permute(words);
        Assert.True(MontyField31<TParams>.AsMontgomery(expected.AsSpan()).SequenceEqual(words), $"permutation differs (seed {seed})");
    }

    public static TheoryData<int[], int[]> CommitCases => new()
    {
        // (log height, width) per matrix: single row, widths below / at / across the rate, mixed heights
        // with injection at several layers, equal heights grouped, a 2^16-leaf tree.
        { [0], [1] },
        { [3], [8] },
        { [4], [5] },
        { [5, 5], [3, 11] },
        { [6, 4, 6, 2], [9, 2, 7, 16] },
        { [7, 3, 7, 0], [1, 8, 4, 3] },
        { [10, 9, 8], [24, 13, 5] },
        { [16], [2] },
    };

    [OpenClTheory]
    [MemberData(nameof(CommitCases))]
    public void CommitMatchesCpuKoalaBear(int[] logHeights, int[] widths) => Commit<KoalaBearParameters>(logHeights, widths);

    [OpenClTheory]
    [MemberData(nameof(CommitCases))]
    public void CommitMatchesCpuBabyBear(int[] logHeights, int[] widths) => Commit<BabyBearParameters>(logHeights, widths);

    internal static void Commit<TParams>(int[] logHeights, int[] widths, string api = "opencl") where TParams : struct, IMontyParameters
    {
        int seed = logHeights.Sum() * 131 + widths.Sum();
        var matrices = logHeights.Select((log, i) =>
            new RowMajorMatrix<MontyField31<TParams>>(Random31.Elements<TParams>((1 << log) * widths[i], seed + i), widths[i])).ToArray();
        var expected = MerkleTreeMmcs<TParams, Digest<TParams>>.Default.Commit(matrices);
        var actual = GpuDevices.Operations<TParams>(api).Commit(matrices);
        Assert.Equal(expected.LayerCount, actual.LayerCount);
        for (int level = 0; level < expected.LayerCount; level++)
            Assert.True(expected.Layer(level).SequenceEqual(actual.Layer(level)), $"layer {level} differs (seed {seed})");
        Assert.Equal(expected.Root, actual.Root);
        // The tree opens and verifies like the CPU one.
        var mmcs = MerkleTreeMmcs<TParams, Digest<TParams>>.Default;
        int index = actual.Height - 1;
        Assert.True(mmcs.Verify(actual.Root, actual.Dimensions, index, mmcs.Open(index, actual)));
    }

    [OpenClFact]
    public void FromLayersRejectsMisshapenLayers()
    {
        var m = new RowMajorMatrix<KoalaBear>(4, 1);
        var d = default(Digest<KoalaBearParameters>);
        Assert.Throws<ArgumentException>(() => MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromLayers([m], [[d, d, d, d], [d]]));
        Assert.Throws<ArgumentException>(() => MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromLayers([m], [[d, d], [d]]));
        Assert.Throws<ArgumentException>(() => MerkleTree<KoalaBearParameters, Digest<KoalaBearParameters>>.FromLayers([m], [[d, d, d, d], [d, d]]));
    }
}
