using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Tests.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Dft;

/// <summary>The radix-2 DFT against the vectors, the O(n²) reference and its own identities, for each field.</summary>
public abstract class DftTests<TParams>(ITestOutputHelper output, string vectorFile)
    where TParams : struct, IMontyParameters
{
    private const int Seed = 5_202_611;

    private static MontyField31<TParams> F(uint canonical) => MontyField31<TParams>.FromCanonical(canonical);

    private static readonly Radix2Dft<TParams> Fast = Radix2Dft<TParams>.Instance;
    private static readonly NaiveDft<MontyField31<TParams>> Naive = new();

    /// <summary>Variants that must all agree: each SIMD path, serial and forced-parallel, and a tiny cache block
    /// so that matrices of a few rows already take the full-pass (uncached) levels.</summary>
    private static Radix2Dft<TParams>[] Variants =>
    [
        new(SimdPath.Scalar, int.MaxValue),
        new(SimdPath.Vector256, int.MaxValue),
        new(SimdPath.Vector512, int.MaxValue),
        new(SimdPath.Vector512, 1),
        new(SimdPath.Vector512, 1, cacheBlockBytes: 64),
        new(SimdPath.Vector256, int.MaxValue, cacheBlockBytes: 4),
        new(SimdPath.Scalar, 1, cacheBlockBytes: 256),
    ];

    private Random NewRandom(int salt = 0)
    {
        output.WriteLine($"seed {Seed + salt}");
        return new Random(Seed + salt);
    }

    private static RowMajorMatrix<MontyField31<TParams>> RandomMatrix(Random rng, int height, int width)
    {
        var values = new MontyField31<TParams>[height * width];
        for (int i = 0; i < values.Length; i++)
            values[i] = F((uint)rng.NextInt64(TParams.P));
        return new RowMajorMatrix<MontyField31<TParams>>(values, width);
    }

    private static MontyField31<TParams>[] Elements(uint[] canonical) => canonical.Select(F).ToArray();

    private static uint[] Canonical(MontyField31<TParams>[] values) => values.Select(v => v.ToCanonical()).ToArray();

    // ---- known answers -------------------------------------------------------------------------

    public static TheoryData<bool> Implementations => new() { true, false };

    [SharedTheory]
    [MemberData(nameof(Implementations))]
    public void Matches_dft_vectors(bool fast)
    {
        ITwoAdicSubgroupDft<MontyField31<TParams>> dft = fast ? Fast : Naive;
        var v = SharedData.Vectors(vectorFile).GetProperty("dft");
        var oneToEight = Elements([1, 2, 3, 4, 5, 6, 7, 8]);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        Assert.Equal(v.GetProperty("dft([1..8])").U32Array(), Canonical(dft.Dft<MontyField31<TParams>>(oneToEight)));
        Assert.Equal(v.GetProperty("coset_dft([1..8], shift=generator)").U32Array(), Canonical(dft.CosetDft<MontyField31<TParams>>(oneToEight, shift)));
        var evals = Elements([1, 2, 3, 4]);
        Assert.Equal(v.GetProperty("coset_lde(evals=[1,2,3,4], added_bits=1, shift=generator) natural order").U32Array(),
            Canonical(dft.CosetLde<MontyField31<TParams>>(evals, 1, shift)));
        Assert.Equal(v.GetProperty("same, bit-reversed row order (as committed)").U32Array(),
            Canonical(dft.CosetLde<MontyField31<TParams>>(evals, 1, shift, bitReversed: true)));
    }

    [SharedFact]
    public void Vectors_hold_in_every_variant_and_width()
    {
        // The same known answers in every column of a wider matrix, on every path.
        var v = SharedData.Vectors(vectorFile).GetProperty("dft");
        uint[] expectedDft = v.GetProperty("dft([1..8])").U32Array();
        uint[] expectedLde = v.GetProperty("same, bit-reversed row order (as committed)").U32Array();
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        foreach (var dft in Variants)
        {
            foreach (int width in new[] { 1, 3, 8, 21 })
            {
                var m = RowMajorMatrix<MontyField31<TParams>>.FromColumns(Enumerable.Repeat(Elements([1, 2, 3, 4, 5, 6, 7, 8]), width).ToArray());
                dft.DftBatch(m);
                var lde = dft.CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>>.FromColumns(
                    Enumerable.Repeat(Elements([1, 2, 3, 4]), width).ToArray()), 1, shift);
                for (int c = 0; c < width; c++)
                {
                    Assert.Equal(expectedDft, Canonical(m.Column(c)));
                    Assert.Equal(expectedLde, Canonical(lde.Column(c)));
                }
            }
        }
    }

    // ---- against the O(n²) reference ---------------------------------------------------------------

    [Fact]
    public void Dft_idft_and_coset_dft_match_naive_reference()
    {
        var rng = NewRandom(1);
        var shift = F(1 + (uint)rng.NextInt64(TParams.P - 1));
        foreach (int log in new[] { 0, 1, 2, 3, 4, 5, 6, 8, 9 })
        {
            foreach (int width in new[] { 1, 2, 3, 7, 8, 9, 16, 17, 33 })
            {
                if ((1L << (2 * log)) * width > 1 << 21)
                    continue;
                var input = RandomMatrix(rng, 1 << log, width);
                var expected = input.Clone();
                Naive.DftBatch(expected);
                var expectedInverse = input.Clone();
                ((ITwoAdicSubgroupDft<MontyField31<TParams>>)Naive).IdftBatch(expectedInverse);
                var expectedCoset = input.Clone();
                ((ITwoAdicSubgroupDft<MontyField31<TParams>>)Naive).CosetDftBatch(expectedCoset, shift);
                foreach (var dft in Variants)
                {
                    var m = input.Clone();
                    dft.DftBatch(m);
                    Assert.True(expected.Values.AsSpan().SequenceEqual(m.Values), $"dft 2^{log} x {width} on {dft.Path}");
                    m = input.Clone();
                    dft.IdftBatch(m);
                    Assert.True(expectedInverse.Values.AsSpan().SequenceEqual(m.Values), $"idft 2^{log} x {width} on {dft.Path}");
                    m = input.Clone();
                    dft.CosetDftBatch(m, shift);
                    Assert.True(expectedCoset.Values.AsSpan().SequenceEqual(m.Values), $"coset dft 2^{log} x {width} on {dft.Path}");
                }
            }
        }
    }

    [Fact]
    public void Lde_agrees_with_direct_polynomial_evaluation()
    {
        var rng = NewRandom(2);
        foreach (int log in new[] { 0, 1, 2, 4, 6 })
        {
            foreach (int addedBits in new[] { 0, 1, 2, 3 })
            {
                foreach (int width in new[] { 1, 4, 8, 19 })
                {
                    var evals = RandomMatrix(rng, 1 << log, width);
                    var shift = F(1 + (uint)rng.NextInt64(TParams.P - 1));
                    var coefficients = evals.Clone();
                    ((ITwoAdicSubgroupDft<MontyField31<TParams>>)Naive).IdftBatch(coefficients);
                    int bigLog = log + addedBits;
                    int big = 1 << bigLog;
                    var w = MontyField31<TParams>.TwoAdicGenerator(bigLog);
                    var expected = new RowMajorMatrix<MontyField31<TParams>>(big, width);
                    for (int c = 0; c < width; c++)
                    {
                        var poly = coefficients.Column(c);
                        for (int i = 0; i < big; i++)
                            expected[i, c] = NaiveDft<MontyField31<TParams>>.Evaluate(poly, shift * w.Pow((ulong)i));
                    }
                    var expectedReversed = expected.Clone();
                    BitReversal.ReverseRows(expectedReversed);
                    var input = evals.Clone();
                    foreach (var dft in Variants.Append(Fast))
                    {
                        Assert.True(expected.Values.AsSpan().SequenceEqual(dft.CosetLde(evals, addedBits, shift).Values),
                            $"lde 2^{log}+{addedBits} x {width} on {dft.Path}");
                        Assert.True(expectedReversed.Values.AsSpan().SequenceEqual(dft.CosetLdeBitReversed(evals, addedBits, shift).Values),
                            $"bit-reversed lde 2^{log}+{addedBits} x {width} on {dft.Path}");
                    }
                    Assert.True(input.Values.AsSpan().SequenceEqual(evals.Values), "the LDE input is left unchanged");
                    // The interface's default LDE (built on the naive DftBatch) agrees as well.
                    var viaDefault = ((ITwoAdicSubgroupDft<MontyField31<TParams>>)Naive).CosetLdeBitReversed(evals, addedBits, shift);
                    Assert.True(expectedReversed.Values.AsSpan().SequenceEqual(viaDefault.Values));
                }
            }
        }
    }

    // ---- identities on large sizes --------------------------------------------------------------------

    public static TheoryData<int, int> RoundTripShapes => new()
    {
        { 16, 1 }, { 14, 3 }, { 12, 8 }, { 10, 300 }, { 13, 37 }, { 0, 5 }, { 1, 300 },
    };

    [Theory]
    [MemberData(nameof(RoundTripShapes))]
    public void Idft_inverts_dft_and_variants_agree(int log, int width)
    {
        var rng = NewRandom(3 + log * 1000 + width);
        var input = RandomMatrix(rng, 1 << log, width);
        RowMajorMatrix<MontyField31<TParams>>? reference = null;
        foreach (var dft in Variants.Append(Fast))
        {
            var m = input.Clone();
            dft.DftBatch(m);
            reference ??= m.Clone();
            Assert.True(reference.Values.AsSpan().SequenceEqual(m.Values), $"dft 2^{log} x {width}: {dft.Path}, threshold {dft.ParallelThreshold}, block {dft.CacheBlockBytes}");
            dft.IdftBatch(m);
            Assert.True(input.Values.AsSpan().SequenceEqual(m.Values), $"idft(dft(x)) = x, 2^{log} x {width}");
        }
        // One column of the batch equals that column transformed alone.
        int col = width / 2;
        var single = Fast.Dft<MontyField31<TParams>>(input.Column(col));
        Assert.Equal(reference!.Column(col), single);
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(13, 1)]
    [InlineData(12, 9)]
    [InlineData(11, 16)]
    [InlineData(14, 3)]
    public void Large_dft_matches_direct_evaluation_at_sampled_rows(int log, int width)
    {
        // Large sizes take the blocked bit reversal and the multi-pass schedule; check sampled outputs
        // y_i = Σ_j c_j·w^(ij) by Horner's rule on each column.
        var rng = NewRandom(6 + log * 100 + width);
        var input = RandomMatrix(rng, 1 << log, width);
        var w = MontyField31<TParams>.TwoAdicGenerator(log);
        foreach (var dft in new[] { Fast, new Radix2Dft<TParams>(SimdPath.Vector512, 1) })
        {
            var m = input.Clone();
            dft.DftBatch(m);
            foreach (int i in new[] { 0, 1, 2, 3, 5, (1 << log) - 1, 1 << (log - 1) }.Concat(Enumerable.Range(0, 24).Select(_ => rng.Next(1 << log))))
            {
                var x = w.Pow((ulong)i);
                for (int c = 0; c < width; c++)
                    Assert.Equal(NaiveDft<MontyField31<TParams>>.Evaluate(input.Column(c), x), m[i, c]);
            }
        }
    }

    /// <summary>
    /// The strided passes run on a contiguous copy of each group (the default) or in place (the reference): the same
    /// butterflies, so every transform and LDE must give the same words, on each SIMD path, for single columns, narrow and
    /// wide rows, cache blocks small enough that several strided passes run, serial and forced-parallel (which also takes
    /// the bit-reversed LDE's parallel copy, clearing and scaling). Inputs mix random elements with 0 and p − 1.
    /// </summary>
    [Theory]
    [SimdPathData(SimdPath.Scalar)]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Gathered_strided_groups_match_in_place_passes(SimdPath path)
    {
        var rng = NewRandom(77 + (int)path);
        foreach (var (log, width) in new[] { (12, 1), (11, 3), (10, 8), (9, 20), (8, 64), (13, 9) })
        {
            var values = new MontyField31<TParams>[(1 << log) * width];
            for (int i = 0; i < values.Length; i++)
                values[i] = (i % 7) switch { 0 => F(0), 1 => F(TParams.P - 1), _ => F((uint)rng.NextInt64(TParams.P)) };
            var input = new RowMajorMatrix<MontyField31<TParams>>(values, width);
            foreach (int cacheBlock in new[] { 64, 1024, Radix2Dft<TParams>.DefaultCacheBlockBytes })
            {
                var reference = new Radix2Dft<TParams>(path, int.MaxValue, cacheBlock, gatherStridedGroups: false);
                foreach (var dft in new[] { new Radix2Dft<TParams>(path, int.MaxValue, cacheBlock), new Radix2Dft<TParams>(path, 1, cacheBlock) })
                {
                    string name = $"2^{log} x {width}, block {cacheBlock} B, threshold {dft.ParallelThreshold}";
                    var expected = input.Clone();
                    var actual = input.Clone();
                    reference.DftBatch(expected);
                    dft.DftBatch(actual);
                    Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values), $"DFT, {name}");
                    reference.IdftBatch(expected);
                    dft.IdftBatch(actual);
                    Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values), $"inverse DFT, {name}");
                    var shift = MontyField31<TParams>.MultiplicativeGenerator;
                    Assert.True(reference.CosetLdeBitReversed(input, 1, shift).Values.AsSpan().SequenceEqual(dft.CosetLdeBitReversed(input, 1, shift).Values),
                        $"bit-reversed LDE, {name}");
                    Assert.True(reference.CosetLde(input, 2, shift).Values.AsSpan().SequenceEqual(dft.CosetLde(input, 2, shift).Values), $"LDE, {name}");
                }
            }
        }
    }

    [Theory]
    [InlineData(16, 1, 1)]
    [InlineData(12, 5, 2)]
    [InlineData(11, 40, 3)]
    [InlineData(9, 300, 1)]
    public void Large_lde_variants_agree_and_restrict_to_the_input(int log, int width, int addedBits)
    {
        var rng = NewRandom(4 + log);
        var evals = RandomMatrix(rng, 1 << log, width);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var natural = Fast.CosetLde(evals, addedBits, shift);
        var reversed = Fast.CosetLdeBitReversed(evals, addedBits, shift);
        BitReversal.ReverseRows(reversed);
        Assert.True(natural.Values.AsSpan().SequenceEqual(reversed.Values), "natural and bit-reversed LDE agree");
        foreach (var dft in Variants)
            Assert.True(natural.Values.AsSpan().SequenceEqual(dft.CosetLde(evals, addedBits, shift).Values), $"{dft.Path}, threshold {dft.ParallelThreshold}");
        // With shift 1 the LDE restricted to every 2^addedBits-th row is the input again.
        var plain = Fast.CosetLde(evals, addedBits, MontyField31<TParams>.One);
        for (int i = 0; i < evals.Height; i++)
            Assert.True(evals.Row(i).SequenceEqual(plain.Row(i << addedBits)), $"row {i}");
        // And a few rows against direct evaluation of one column's polynomial.
        var coefficients = Fast.Idft<MontyField31<TParams>>(evals.Column(0));
        var w = MontyField31<TParams>.TwoAdicGenerator(log + addedBits);
        foreach (int i in new[] { 0, 1, 7, natural.Height - 1, rng.Next(natural.Height) })
            Assert.Equal(NaiveDft<MontyField31<TParams>>.Evaluate(coefficients, shift * w.Pow((ulong)i)), natural[i, 0]);
    }

    // ---- bit reversal and argument checks -------------------------------------------------------------

    [Fact]
    public void Bit_reversal_matches_definition()
    {
        var rng = NewRandom(5);
        for (int bits = 0; bits <= 32; bits++)
        {
            for (int t = 0; t < 50; t++)
            {
                uint x = bits == 0 ? 0 : (uint)rng.NextInt64(1L << bits);
                uint expected = 0;
                for (int b = 0; b < bits; b++)
                    expected |= ((x >> b) & 1) << (bits - 1 - b);
                Assert.Equal(expected, BitReversal.ReverseBits(x, bits));
            }
        }
        var values = Enumerable.Range(0, 64).ToArray();
        BitReversal.ReverseInPlace<int>(values);
        for (int i = 0; i < 64; i++)
            Assert.Equal(BitReversal.ReverseBits(i, 6), values[i]);
        var m = new RowMajorMatrix<int>(Enumerable.Range(0, 32 * 3).ToArray(), 3);
        BitReversal.ReverseRows(m);
        for (int i = 0; i < 32; i++)
            Assert.Equal(BitReversal.ReverseBits(i, 5) * 3 + 2, m[i, 2]);
        Assert.Throws<ArgumentException>(() => BitReversal.ReverseRows(new RowMajorMatrix<int>(new int[12], 2)));
    }

    [Fact]
    public void Rejects_bad_shapes()
    {
        Assert.Throws<ArgumentException>(() => Fast.DftBatch(new RowMajorMatrix<MontyField31<TParams>>(6, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.CosetLde(new RowMajorMatrix<MontyField31<TParams>>(4, 1), TParams.TwoAdicity, MontyField31<TParams>.One));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.CosetLde(new RowMajorMatrix<MontyField31<TParams>>(4, 1), -1, MontyField31<TParams>.One));
    }
}

public sealed class KoalaBearDftTests(ITestOutputHelper output) : DftTests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearDftTests(ITestOutputHelper output) : DftTests<BabyBearParameters>(output, "babybear");
