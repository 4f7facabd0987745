using System.Text.Json;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Hash;

/// <summary>Sponge, digest and compression over one field: the vectors' <c>hash</c> section and batched-vs-single agreement.</summary>
public abstract class SpongeTests<TParams>(ITestOutputHelper output, string vectorFile)
    where TParams : struct, IMontyParameters
{
    private const int Seed = 7_2026;

    private static MontyField31<TParams> F(uint x) => MontyField31<TParams>.FromCanonical(x);

    private static MontyField31<TParams>[] Range(int start, int end) =>
        Enumerable.Range(start, end - start).Select(i => F((uint)i)).ToArray();

    private JsonElement HashSection => SharedData.Vectors(vectorFile).GetProperty("hash");

    private MontyField31<TParams>[] RandomElements(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => F((uint)rng.NextInt64(TParams.P))).ToArray();

    private Random NewRandom()
    {
        output.WriteLine($"seed {Seed}");
        return new Random(Seed);
    }

    /// <summary>The sponge written as the vectors describe it, over the library permutation.</summary>
    private static uint[] ReferenceSponge(MontyField31<TParams>[] input)
    {
        var perm = Poseidon2.Width16<TParams>();
        var state = new MontyField31<TParams>[16];
        for (int start = 0; start < input.Length; start += 8)
        {
            int len = Math.Min(8, input.Length - start);
            for (int i = 0; i < len; i++)
                state[i] = input[start + i];
            perm.Permute(state);
            if (len < 8)
                break;
        }
        return state.Take(8).Select(x => x.ToCanonical()).ToArray();
    }

    [SharedFact]
    public void Sponge_vectors_match()
    {
        var h = HashSection;
        var sponge = PaddingFreeSponge<TParams, Digest<TParams>>.Default;
        Assert.Equal(h.GetProperty("sponge([0..7])").U32Array(), sponge.Hash(Range(0, 8)).ToCanonical());
        Assert.Equal(h.GetProperty("sponge([0..15])").U32Array(), sponge.Hash(Range(0, 16)).ToCanonical());
        Assert.Equal(h.GetProperty("sponge([0..9])").U32Array(), sponge.Hash(Range(0, 10)).ToCanonical());
        Assert.Equal(h.GetProperty("sponge([])").U32Array(), sponge.Hash([]).ToCanonical());
        foreach (int n in new[] { 0, 8, 10, 16 })
            Assert.Equal(ReferenceSponge(Range(0, n)), sponge.Hash(Range(0, n)).ToCanonical());
    }

    [SharedFact]
    public void Compress_vector_matches()
    {
        var expected = HashSection.GetProperty("compress([0..7],[8..15])").U32Array();
        var a = Digest<TParams>.FromElements(Range(0, 8));
        var b = Digest<TParams>.FromElements(Range(8, 16));
        Assert.Equal(expected, TruncatedPermutation<TParams, Digest<TParams>>.Default.Compress(a, b).ToCanonical());
    }

    [Fact]
    public void Streaming_hasher_matches_one_shot_for_any_split()
    {
        var rng = NewRandom();
        var sponge = PaddingFreeSponge<TParams, Digest<TParams>>.Default;
        for (int n = 0; n <= 40; n++)
        {
            var input = RandomElements(rng, n);
            var expected = ReferenceSponge(input);
            Assert.Equal(expected, sponge.Hash(input).ToCanonical());
            int cut1 = rng.Next(n + 1), cut2 = rng.Next(cut1, n + 1);
            var h = sponge.CreateHasher();
            h.Absorb(input.AsSpan(0, cut1));
            foreach (var x in input.AsSpan(cut1, cut2 - cut1))
                h.Absorb(x);
            h.Absorb(input.AsSpan(cut2));
            Assert.Equal(expected, h.Finish().ToCanonical());
        }
    }

    [Theory]
    [InlineData(new[] { 8 }, 64)]
    [InlineData(new[] { 3, 5, 1 }, 37)]
    [InlineData(new[] { 64 }, 19)]
    [InlineData(new[] { 7, 9 }, 16)]
    public void Batched_row_hashing_matches_single(int[] widths, int height)
    {
        var rng = NewRandom();
        var matrices = widths.Select(w => new RowMajorMatrix<MontyField31<TParams>>(RandomElements(rng, w * height), w)).ToArray();
        var sponge = PaddingFreeSponge<TParams, Digest<TParams>>.Default;
        var batch = new Digest<TParams>[height - 3];
        sponge.HashRows(matrices, 3, batch);
        Assert.Throws<ArgumentOutOfRangeException>(() => sponge.HashRows(matrices, 4, batch));
        for (int r = 3; r < height; r++)
        {
            var concat = matrices.SelectMany(m => m.Row(r).ToArray()).ToArray();
            var expected = ReferenceSponge(concat);
            Assert.Equal(expected, sponge.HashRows(matrices, r).ToCanonical());
            Assert.Equal(expected, batch[r - 3].ToCanonical());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(45)]
    public void Batched_compression_matches_single(int count)
    {
        var rng = NewRandom();
        var compress = TruncatedPermutation<TParams, Digest<TParams>>.Default;
        var children = Enumerable.Range(0, 2 * count).Select(_ => Digest<TParams>.FromElements(RandomElements(rng, 8))).ToArray();
        var parents = new Digest<TParams>[count];
        compress.CompressLayer(children, parents);
        var left = children.Where((_, i) => i % 2 == 0).ToArray();
        var right = children.Where((_, i) => i % 2 == 1).ToArray();
        var pairs = new Digest<TParams>[count];
        compress.CompressPairs(right, left, pairs);
        for (int i = 0; i < count; i++)
        {
            var state = children[2 * i].Elements.ToArray().Concat(children[2 * i + 1].Elements.ToArray()).ToArray();
            Poseidon2.Width16<TParams>().Permute(state);
            var expected = Digest<TParams>.FromElements(state.AsSpan(0, 8));
            Assert.Equal(expected, compress.Compress(children[2 * i], children[2 * i + 1]));
            Assert.Equal(expected, parents[i]);
            Assert.Equal(compress.Compress(right[i], left[i]), pairs[i]);
            Assert.NotEqual(expected, pairs[i]); // order matters
        }
    }

    [Fact]
    public void Digest_has_value_semantics()
    {
        var a = Digest<TParams>.FromElements(Range(0, 8));
        var b = Digest<TParams>.FromCanonical([0, 1, 2, 3, 4, 5, 6, 7]);
        var c = Digest<TParams>.FromCanonical([0, 1, 2, 3, 4, 5, 6, 8]);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.False(a.Equals(c));
        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<Digest<TParams>>());
        Assert.Throws<ArgumentException>(() => Digest<TParams>.FromElements(Range(0, 7)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Digest<TParams>.FromCanonical([TParams.P, 0, 0, 0, 0, 0, 0, 0]));
    }
}

public sealed class KoalaBearSpongeTests(ITestOutputHelper output) : SpongeTests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearSpongeTests(ITestOutputHelper output) : SpongeTests<BabyBearParameters>(output, "babybear");
