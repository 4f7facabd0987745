using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Tests.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Hash;

/// <summary>
/// The AVX2 8×8 transposes that fill and empty 8-lane Poseidon2 blocks (<see cref="LaneTranspose"/>): the transpose itself
/// against its definition, and row hashes and compressions with it against the same sponge and compression filling
/// blocks word by word (the reference), over row widths that put every chunk alignment through both paths, partial
/// blocks, in-place compression and the edge values 0 and p − 1. Skipped with a reason where AVX2 is unavailable.
/// </summary>
public sealed class LaneTransposeTests(ITestOutputHelper output)
{
    private const int Seed = 1_207_2026;

    private static MontyField31<KoalaBearParameters> F(uint x) => MontyField31<KoalaBearParameters>.FromCanonical(x);

    /// <summary>Random elements with every fifth 0 and every fifth p − 1.</summary>
    private static MontyField31<KoalaBearParameters>[] Elements(Random rng, int n) =>
        Enumerable.Range(0, n).Select(i => (i % 5) switch
        {
            0 => F(0),
            1 => F(KoalaBearParameters.P - 1),
            _ => F((uint)rng.NextInt64(KoalaBearParameters.P)),
        }).ToArray();

    [SimdFact(SimdPath.Vector256)]
    public void Transpose8x8_moves_row_i_to_column_i()
    {
        var rng = new Random(Seed);
        foreach (var (sourceStride, destinationStride) in new[] { (8, 8), (13, 8), (8, 21), (64, 16) })
        {
            var source = Enumerable.Range(0, 7 * sourceStride + 8).Select(_ => (uint)rng.Next()).ToArray();
            var destination = new uint[7 * destinationStride + 8];
            var expected = (uint[])destination.Clone();
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                    expected[j * destinationStride + i] = source[i * sourceStride + j];
            LaneTranspose.Transpose8x8(source, sourceStride, destination, destinationStride);
            Assert.Equal(expected, destination);
        }
        Assert.Throws<ArgumentException>(() => LaneTranspose.Transpose8x8(new uint[63], 8, new uint[64], 8));
    }

    [SimdFact(SimdPath.Vector256)]
    public void Row_hashes_with_transposes_match_word_by_word_blocks()
    {
        var rng = new Random(Seed + 1);
        var sponge = PaddingFreeSponge<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;
        var reference = sponge.WithoutTransposes();
        Assert.True(sponge.TransposeBlocks);
        Assert.False(reference.TransposeBlocks);
        output.WriteLine($"{sponge.Permutation.Lanes}-lane blocks");
        foreach (int[] widths in new[] { new[] { 8 }, [1], [7], [9], [16], [17, 3], [5, 11, 8], [33], [64, 1, 8], [3, 3, 3, 3, 3, 3] })
        {
            foreach (int height in new[] { 8, 16, 32 })
            {
                var matrices = widths.Select(w => new RowMajorMatrix<MontyField31<KoalaBearParameters>>(Elements(rng, w * height), w)).ToArray();
                foreach (var (first, count) in new[] { (0, height), (1, height - 1), (3, Math.Min(13, height - 3)), (0, 7) })
                {
                    var got = new Digest<KoalaBearParameters>[count];
                    var want = new Digest<KoalaBearParameters>[count];
                    sponge.HashRows(matrices, first, got);
                    reference.HashRows(matrices, first, want);
                    Assert.True(want.AsSpan().SequenceEqual(got), $"widths [{string.Join(", ", widths)}], rows {first}..{first + count}");
                    Assert.Equal(reference.HashRows(matrices, first), got[0]); // and the single-row sponge
                }
            }
        }
    }

    [SimdFact(SimdPath.Vector256)]
    public void Compressions_with_transposes_match_word_by_word_blocks()
    {
        var rng = new Random(Seed + 2);
        var compress = TruncatedPermutation<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;
        var reference = compress.WithoutTransposes();
        Assert.True(compress.TransposeBlocks);
        Digest<KoalaBearParameters> Digest() => Digest<KoalaBearParameters>.FromElements(Elements(rng, 8));
        foreach (int count in new[] { 1, 7, 8, 9, 16, 23, 64 })
        {
            var children = Enumerable.Range(0, 2 * count).Select(_ => Digest()).ToArray();
            var got = new Digest<KoalaBearParameters>[count];
            var want = new Digest<KoalaBearParameters>[count];
            compress.CompressLayer(children, got);
            reference.CompressLayer(children, want);
            Assert.True(want.AsSpan().SequenceEqual(got), $"layer of {count}");
            Assert.Equal(reference.Compress(children[0], children[1]), got[0]);
            var left = Enumerable.Range(0, count).Select(_ => Digest()).ToArray();
            var right = Enumerable.Range(0, count).Select(_ => Digest()).ToArray();
            compress.CompressPairs(left, right, got);
            reference.CompressPairs(left, right, want);
            Assert.True(want.AsSpan().SequenceEqual(got), $"pairs of {count}");
            compress.CompressPairs(left, right, left); // in place, as the mixed-height tree does
            Assert.True(want.AsSpan().SequenceEqual(left), $"pairs of {count} in place");
        }
    }
}
