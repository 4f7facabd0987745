using System.Text.Json;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Hash;

/// <summary>
/// Sponge, digest and compression over one field and one digest (8 elements over Poseidon2-16, 12 over Poseidon2-24):
/// agreement with a reference written from the construction (width 2L, rate L, output L; compress = perm(a ‖ b)[0..L]),
/// streaming, batched-vs-single agreement and value semantics. <see cref="SpongeVectorTests{TParams}"/> adds the
/// vectors' <c>hash</c> section for the 8-element digest.
/// </summary>
public abstract class SpongeTests<TParams, TDigest>(ITestOutputHelper output)
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int L => TDigest.Length;

    private const int Seed = 7_2026;

    protected static MontyField31<TParams> F(uint x) => MontyField31<TParams>.FromCanonical(x);

    protected static MontyField31<TParams>[] Range(int start, int end) =>
        Enumerable.Range(start, end - start).Select(i => F((uint)i)).ToArray();

    private MontyField31<TParams>[] RandomElements(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => F((uint)rng.NextInt64(TParams.P))).ToArray();

    private Random NewRandom()
    {
        output.WriteLine($"seed {Seed}");
        return new Random(Seed);
    }

    /// <summary>
    /// The sponge written from its definition (the vectors' algorithm for L = 8) over the standard permutation of
    /// width 2L: overwrite state[0..len] with each chunk of up to L inputs, permute, stop after a partial chunk.
    /// </summary>
    protected static uint[] ReferenceSponge(MontyField31<TParams>[] input)
    {
        var perm = L == 8 ? Poseidon2.Width16<TParams>() : Poseidon2.Width24<TParams>();
        Assert.Equal(2 * L, perm.Width);
        var state = new MontyField31<TParams>[2 * L];
        for (int start = 0; start < input.Length; start += L)
        {
            int len = Math.Min(L, input.Length - start);
            for (int i = 0; i < len; i++)
                state[i] = input[start + i];
            perm.Permute(state);
            if (len < L)
                break;
        }
        return state.Take(L).Select(x => x.ToCanonical()).ToArray();
    }

    [Fact]
    public void Sponge_matches_reference_at_chunk_boundaries()
    {
        var sponge = PaddingFreeSponge<TParams, TDigest>.Default;
        Assert.Equal(2 * L, sponge.Permutation.Width);
        foreach (int n in new[] { 0, 1, L - 1, L, L + 1, 2 * L, 3 * L - 1 })
            Assert.Equal(ReferenceSponge(Range(0, n)), sponge.Hash(Range(0, n)).ToCanonical());
        Assert.Equal(new uint[L], sponge.Hash([]).ToCanonical()); // padding-free: the empty input hashes to zeros
    }

    [Fact]
    public void Streaming_hasher_matches_one_shot_for_any_split()
    {
        var rng = NewRandom();
        var sponge = PaddingFreeSponge<TParams, TDigest>.Default;
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
    [InlineData(new[] { 12, 5, 11 }, 35)]
    public void Batched_row_hashing_matches_single(int[] widths, int height)
    {
        var rng = NewRandom();
        var matrices = widths.Select(w => new RowMajorMatrix<MontyField31<TParams>>(RandomElements(rng, w * height), w)).ToArray();
        var sponge = PaddingFreeSponge<TParams, TDigest>.Default;
        var batch = new TDigest[height - 3];
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
        var compress = TruncatedPermutation<TParams, TDigest>.Default;
        var children = Enumerable.Range(0, 2 * count).Select(_ => TDigest.FromElements(RandomElements(rng, L))).ToArray();
        var parents = new TDigest[count];
        compress.CompressLayer(children, parents);
        var left = children.Where((_, i) => i % 2 == 0).ToArray();
        var right = children.Where((_, i) => i % 2 == 1).ToArray();
        var pairs = new TDigest[count];
        compress.CompressPairs(right, left, pairs);
        for (int i = 0; i < count; i++)
        {
            // compress(a, b) = perm_2L(a ‖ b)[0..L], with the standard permutation of width 2L.
            var state = children[2 * i].Elements.ToArray().Concat(children[2 * i + 1].Elements.ToArray()).ToArray();
            (L == 8 ? Poseidon2.Width16<TParams>() : Poseidon2.Width24<TParams>()).Permute(state);
            var expected = TDigest.FromElements(state.AsSpan(0, L));
            Assert.Equal(expected, compress.Compress(children[2 * i], children[2 * i + 1]));
            Assert.Equal(expected, parents[i]);
            Assert.Equal(compress.Compress(right[i], left[i]), pairs[i]);
            Assert.NotEqual(expected, pairs[i]); // order matters
        }
    }

    [Fact]
    public void Digest_has_value_semantics()
    {
        var a = TDigest.FromElements(Range(0, L));
        var b = TDigest.FromCanonical([.. Enumerable.Range(0, L).Select(i => (uint)i)]);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        // Every element takes part in equality (the wide digest compares 8 words, then 4).
        for (int i = 0; i < L; i++)
        {
            var changed = Enumerable.Range(0, L).Select(j => (uint)j).ToArray();
            changed[i] += 100;
            var c = TDigest.FromCanonical(changed);
            Assert.True(a != c, $"element {i}");
            Assert.False(a.Equals(c));
            Assert.False(a.Equals((object)c));
        }
        Assert.Equal(4 * L, System.Runtime.CompilerServices.Unsafe.SizeOf<TDigest>());
        Assert.Equal(Range(0, L), a.Elements.ToArray());
        Assert.Throws<ArgumentException>(() => TDigest.FromElements(Range(0, L - 1)));
        Assert.Throws<ArgumentException>(() => TDigest.FromElements(Range(0, L + 1)));
        var big = new uint[L];
        big[L - 1] = TParams.P;
        Assert.Throws<ArgumentOutOfRangeException>(() => TDigest.FromCanonical(big));
    }

    [Fact]
    public void Sponge_and_compression_refuse_a_permutation_of_the_wrong_width()
    {
        var other = L == 8 ? Poseidon2.Width24<TParams>() : Poseidon2.Width16<TParams>();
        Assert.Throws<ArgumentException>(() => new PaddingFreeSponge<TParams, TDigest>(other));
        Assert.Throws<ArgumentException>(() => new TruncatedPermutation<TParams, TDigest>(other));
    }
}

/// <summary>The 8-element digest's conformance plus the vectors' <c>hash</c> section.</summary>
public abstract class SpongeVectorTests<TParams>(ITestOutputHelper output, string vectorFile) : SpongeTests<TParams, Digest<TParams>>(output)
    where TParams : struct, IMontyParameters
{
    private JsonElement HashSection => SharedData.Vectors(vectorFile).GetProperty("hash");

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
}

public sealed class KoalaBearSpongeTests(ITestOutputHelper output) : SpongeVectorTests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearSpongeTests(ITestOutputHelper output) : SpongeVectorTests<BabyBearParameters>(output, "babybear");

/// <summary>The 12-element digest (Poseidon2 width 24, rate 12) over KoalaBear: provable-128's hash.</summary>
public sealed class KoalaBearWideSpongeTests(ITestOutputHelper output) : SpongeTests<KoalaBearParameters, WideDigest<KoalaBearParameters>>(output);

public sealed class BabyBearWideSpongeTests(ITestOutputHelper output) : SpongeTests<BabyBearParameters, WideDigest<BabyBearParameters>>(output);
