using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion;

namespace Prover.Core.Tests.Recursion;

/// <summary>Hints from a plain list (channel 0, read in order).</summary>
internal sealed class ListHints(IEnumerable<KoalaBear> values) : IRecursionHints<KoalaBearParameters>
{
    private readonly Queue<KoalaBear> _values = new(values);

    public KoalaBear[] Read(int channel, ReadOnlySpan<KoalaBear> arguments, int count) =>
        Enumerable.Range(0, count).Select(_ => _values.Count > 0 ? _values.Dequeue() : throw new RecursionHintException("out of hints")).ToArray();
}

/// <summary>The IR's operations, the transcript and the hash gadgets against the native code they stand for.</summary>
public sealed class RecursionIrTests
{
    private static KoalaBear Random(Random rng) => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));

    private static KoalaBearExt4 RandomExt(Random rng) => KoalaBearExt4.FromCoefficients([Random(rng), Random(rng), Random(rng), Random(rng)]);

    private static RecursionRun Run(RecursionBuilder<KoalaBearParameters, KoalaBearQuartic> b, IEnumerable<KoalaBear> hints) =>
        RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(b.Build(), new ListHints(hints));

    [Fact]
    public void Arithmetic_matches_the_native_fields_and_a_wrong_claim_is_rejected()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            KoalaBearExt4 x = RandomExt(rng), y = RandomExt(rng);
            KoalaBear f = Random(rng), g = Random(rng);
            var expected = (x * y - x) * (y + x).Inverse() * f + g * (f - g).Inverse();
            var expectedBase = f * g.Inverse() - g + f * f;
            foreach (bool honest in new[] { true, false })
            {
                var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
                var xs = b.HintExt(0, 2);
                var fs = b.Hint(0, 2);
                var r = b.Add(b.Mul(b.Mul(b.Sub(b.Mul(xs[0], xs[1]), xs[0]), b.Inverse(b.Add(xs[1], xs[0]))), fs[0]), b.Lift(b.Mul(fs[1], b.Inverse(b.Sub(fs[0], fs[1])))));
                var rb = b.Add(b.Sub(b.Mul(fs[0], b.Inverse(fs[1])), fs[1]), b.Mul(fs[0], fs[0]));
                var claimed = b.HintExt(0, 1)[0];
                var claimedBase = b.Hint(0, 1)[0];
                b.AssertEqual(r, claimed, "ext");
                b.AssertEqual(rb, claimedBase, "base");
                var claim = honest ? expected : expected + KoalaBearExt4.One;
                var run = Run(b, [.. x.Coefficients, .. y.Coefficients, f, g, .. claim.Coefficients, expectedBase]);
                Assert.Equal(honest, run.Accepted);
                if (!honest)
                    Assert.Equal("ext", run.Failure);
            }
        }
    }

    [Fact]
    public void Inverse_of_zero_and_a_select_on_a_non_bit_fail()
    {
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        b.Inverse(b.HintExt(0, 1)[0]);
        Assert.True(Run(b, [KoalaBear.One, .. new KoalaBear[3]]).Accepted);
        var zero = Run(b, new KoalaBear[4]);
        Assert.False(zero.Accepted);
        Assert.Contains("inverse of zero", zero.Failure);

        var s = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var h = s.Hint(0, 3);
        s.AssertEqual(s.Select(h[0], h[1], h[2]), h[1], "picked");
        Assert.True(Run(s, [KoalaBear.One, KoalaBear.FromUInt64(5), KoalaBear.FromUInt64(6)]).Accepted);
        Assert.False(Run(s, [KoalaBear.Zero, KoalaBear.FromUInt64(5), KoalaBear.FromUInt64(6)]).Accepted);
        Assert.Contains("not a bit", Run(s, [KoalaBear.FromUInt64(2), KoalaBear.FromUInt64(5), KoalaBear.FromUInt64(5)]).Failure);
    }

    [Fact]
    public void Bits_are_the_canonical_binary_digits()
    {
        var rng = new Random(3);
        var value = Random(rng);
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var bits = b.Bits(b.Hint(0, 1)[0]);
        var claimed = b.Hint(0, 31);
        for (int i = 0; i < 31; i++)
            b.AssertEqual(bits[i], claimed[i], $"bit {i}");
        uint v = value.ToCanonical();
        var expected = Enumerable.Range(0, 31).Select(i => KoalaBear.FromUInt64((v >> i) & 1)).ToArray();
        Assert.True(Run(b, [value, .. expected]).Accepted);
        expected[30] = KoalaBear.One - expected[30];
        Assert.Equal("bit 30", Run(b, [value, .. expected]).Failure);
    }

    private static void TranscriptMatches<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var rng = new Random(11);
        var native = DuplexChallenger<KoalaBearParameters, TDigest>.Create();
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var ch = new TranscriptVar<KoalaBearParameters, KoalaBearQuartic>(b, TDigest.Length);
        var hints = new List<KoalaBear>();
        var checks = new List<(Felt Sampled, KoalaBear Expected)>();
        // Runs of observations of many lengths (partial, full and several rates), constants and hinted values, then samples.
        foreach (int run in new[] { 0, 1, 3, 7, 8, 9, 12, 13, 24, 2, 0, 5 })
        {
            for (int i = 0; i < run; i++)
            {
                var v = Random(rng);
                native.Observe(v);
                if (i % 3 == 0)
                    ch.Observe(b.Constant(v));
                else
                {
                    hints.Add(v);
                    ch.Observe(b.Hint(0, 1)[0]);
                }
            }
            for (int s = 0; s < 1 + run % 4; s++)
                checks.Add((ch.Sample(), native.Sample()));
        }
        foreach (var (sampled, expected) in checks)
        {
            var claimed = b.Hint(0, 1)[0];
            b.AssertEqual(sampled, claimed, "sample");
            hints.Add(expected);
        }
        Assert.True(Run(b, hints).Accepted);
        hints[^1] += KoalaBear.One;
        Assert.False(Run(b, hints).Accepted);
    }

    [Fact]
    public void Transcript_matches_the_duplex_challenger_for_both_digests()
    {
        TranscriptMatches<KoalaBearDigest>();
        TranscriptMatches<KoalaBearWideDigest>();
    }

    private static void HashesMatch<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var rng = new Random(5);
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var hash = new HashGadgets<KoalaBearParameters, KoalaBearQuartic>(b, TDigest.Length);
        var hints = new List<KoalaBear>();
        var sponge = PaddingFreeSponge<KoalaBearParameters, TDigest>.Default;
        var compress = TruncatedPermutation<KoalaBearParameters, TDigest>.Default;
        for (int length = 0; length <= 26; length++)
        {
            var row = Enumerable.Range(0, length).Select(_ => Random(rng)).ToArray();
            hints.AddRange(row);
            var digest = hash.HashRow(b.Hint(0, length));
            var expected = sponge.Hash(row);
            hints.AddRange(expected.Elements.ToArray());
            hash.AssertDigest(digest, b.Hint(0, TDigest.Length), $"row of {length}");
            var other = TDigest.FromElements(Enumerable.Range(0, TDigest.Length).Select(_ => Random(rng)).ToArray());
            hints.AddRange(other.Elements.ToArray());
            var node = hash.Compress(digest, b.Hint(0, TDigest.Length));
            hints.AddRange(compress.Compress(expected, other).Elements.ToArray());
            hash.AssertDigest(node, b.Hint(0, TDigest.Length), $"node {length}");
        }
        Assert.True(Run(b, hints).Accepted);
        hints[^1] += KoalaBear.One;
        Assert.False(Run(b, hints).Accepted);
    }

    [Fact]
    public void Row_hash_and_compression_match_the_commitment_scheme_for_both_digests()
    {
        HashesMatch<KoalaBearDigest>();
        HashesMatch<KoalaBearWideDigest>();
    }

    private static void OrderedCompressionMatches<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        // The fused Merkle step (one PermuteSwap row) against the commitment scheme's compression of the children in the
        // bit's order, and against the reference gadget (two selects per element and a plain permutation), for both bits.
        var rng = new Random(11);
        var compress = TruncatedPermutation<KoalaBearParameters, TDigest>.Default;
        foreach (uint bitValue in new uint[] { 0, 1 })
        {
            var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
            var hash = new HashGadgets<KoalaBearParameters, KoalaBearQuartic>(b, TDigest.Length);
            var node = TDigest.FromElements(Enumerable.Range(0, TDigest.Length).Select(_ => Random(rng)).ToArray());
            var sibling = TDigest.FromElements(Enumerable.Range(0, TDigest.Length).Select(_ => Random(rng)).ToArray());
            var bit = b.Hint(0, 1)[0];
            var n = b.Hint(0, TDigest.Length);
            var sib = b.Hint(0, TDigest.Length);
            var fused = hash.CompressOrdered(bit, n, sib);
            var reference = hash.CompressOrderedBySelects(bit, n, sib);
            for (int i = 0; i < TDigest.Length; i++)
                b.AssertEqual(fused[i], reference[i], "fused and reference steps differ");
            hash.AssertDigest(fused, b.Hint(0, TDigest.Length), "native");
            var program = b.Build();
            Assert.Contains(program.Instructions, i => i.Op == RecursionOp.PermuteSwap);
            var expected = bitValue == 0 ? compress.Compress(node, sibling) : compress.Compress(sibling, node);
            List<KoalaBear> Hints(KoalaBear bitHint) => [bitHint, .. node.Elements.ToArray(), .. sibling.Elements.ToArray(), .. expected.Elements.ToArray()];
            Assert.True(RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(Hints(KoalaBear.FromUInt64(bitValue)))).Accepted);
            // The other order does not give the digest (the children differ), and a non-bit is refused.
            var wrong = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(Hints(KoalaBear.FromUInt64(1 - bitValue))));
            Assert.False(wrong.Accepted);
            Assert.Equal("native", wrong.Failure);
            var nonBit = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(Hints(KoalaBear.FromUInt64(2))));
            Assert.False(nonBit.Accepted);
            Assert.Contains("not a bit", nonBit.Failure);
        }
        // A constant bit folds to a plain permutation of the ordered children.
        var c = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var h = new HashGadgets<KoalaBearParameters, KoalaBearQuartic>(c, TDigest.Length);
        h.CompressOrdered(c.One, c.Hint(0, TDigest.Length), c.Hint(0, TDigest.Length));
        Assert.DoesNotContain(c.Build().Instructions, i => i.Op == RecursionOp.PermuteSwap);
    }

    [Fact]
    public void Fused_merkle_step_orders_the_children_by_the_bit_for_both_digests()
    {
        OrderedCompressionMatches<KoalaBearDigest>();
        OrderedCompressionMatches<KoalaBearWideDigest>();
    }

    [Fact]
    public void Fused_multiply_adds_match_the_unfused_operations()
    {
        var rng = new Random(13);
        for (int trial = 0; trial < 10; trial++)
        {
            KoalaBearExt4 acc = RandomExt(rng), x = RandomExt(rng), y = RandomExt(rng);
            KoalaBear f = Random(rng);
            var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
            var e = b.HintExt(0, 3);
            var g = b.Hint(0, 1)[0];
            var fusedF = b.MulAdd(e[0], e[1], g);
            var fusedE = b.MulAdd(e[0], e[1], e[2]);
            b.AssertEqual(fusedF, b.Add(e[0], b.Mul(e[1], g)), "felt reference");
            b.AssertEqual(fusedE, b.Add(e[0], b.Mul(e[1], e[2])), "ext reference");
            var claimed = b.HintExt(0, 2);
            b.AssertEqual(fusedF, claimed[0], "felt native");
            b.AssertEqual(fusedE, claimed[1], "ext native");
            var program = b.Build();
            Assert.Contains(program.Instructions, i => i.Op == RecursionOp.EMulFAdd);
            Assert.Contains(program.Instructions, i => i.Op == RecursionOp.EMulAdd);
            List<KoalaBear> hints = [.. acc.Coefficients, .. x.Coefficients, .. y.Coefficients, f, .. (acc + x * f).Coefficients, .. (acc + x * y).Coefficients];
            Assert.True(RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(hints)).Accepted);
            hints[^1] += KoalaBear.One;
            Assert.Equal("ext native", RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(hints)).Failure);
        }
        // Constant operands fold: acc + 0·x is acc, 0 + x·y is a plain product, acc + x·1 an addition.
        var c = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var v = c.HintExt(0, 2);
        Assert.Equal(v[0], c.MulAdd(v[0], c.ExtZero, v[1]));
        c.MulAdd(c.ExtZero, v[0], v[1]);
        c.MulAdd(v[0], v[1], c.One);
        Assert.DoesNotContain(c.Build().Instructions, i => i.Op is RecursionOp.EMulAdd or RecursionOp.EMulFAdd);
    }

    [Fact]
    public void Operations_on_constants_are_folded_at_build_time()
    {
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var x = b.Mul(b.Constant(3), b.Constant(5));
        Assert.True(b.TryConstant(x, out var v) && v == KoalaBear.FromUInt64(15));
        var permuted = b.Permute(Enumerable.Range(0, 16).Select(i => b.Constant(i)).ToArray());
        var expected = Enumerable.Range(0, 16).Select(i => KoalaBear.FromUInt64((ulong)i)).ToArray();
        KoalaBearDigest.Permutation.Permute(expected);
        for (int i = 0; i < 16; i++)
            Assert.True(b.TryConstant(permuted[i], out var p) && p == expected[i]);
        Assert.DoesNotContain(b.Build().Instructions, i => i.Op is RecursionOp.Permute or RecursionOp.FMul);
    }
}
