using System.Text.Json;
using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Challenger;

/// <summary>
/// Duplex challenger over one field and one digest (width 16 / rate 8, or width 24 / rate 12): a reference written
/// from the rules, extension sampling and proof of work; <see cref="ChallengerVectorTests{TParams, TExt}"/> adds
/// both transcripts of the vectors for the 8-element digest.
/// </summary>
public abstract class DuplexChallengerTests<TParams, TExt, TDigest>(ITestOutputHelper output)
    where TParams : struct, IMontyParameters
    where TExt : struct, IExtensionField<TExt, MontyField31<TParams>>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int Rate => TDigest.Length;

    protected static MontyField31<TParams> F(uint x) => MontyField31<TParams>.FromCanonical(x);

    /// <summary>
    /// The rules string implemented independently with plain arrays and the single-state permutation of width
    /// 2·rate (rate 8 as in the vectors, or 12).
    /// </summary>
    private sealed class ReferenceChallenger(bool lengthBinding)
    {
        private readonly MontyField31<TParams>[] _state = new MontyField31<TParams>[2 * Rate];
        private readonly List<MontyField31<TParams>> _input = [];
        private readonly List<MontyField31<TParams>> _output = [];

        public void Observe(MontyField31<TParams> x)
        {
            _output.Clear();
            _input.Add(x);
            if (_input.Count == Rate)
                Duplex();
        }

        public MontyField31<TParams> Sample()
        {
            if (_input.Count > 0 || _output.Count == 0)
                Duplex();
            var last = _output[^1];
            _output.RemoveAt(_output.Count - 1);
            return last;
        }

        private void Duplex()
        {
            int n = _input.Count;
            for (int i = 0; i < n; i++)
                _state[i] = _input[i];
            if (lengthBinding)
            {
                for (int i = n; i < Rate; i++)
                    _state[i] = default;
                _state[Rate] += MontyField31<TParams>.FromCanonical((uint)n);
            }
            _input.Clear();
            (Rate == 8 ? Poseidon2.Width16<TParams>() : Poseidon2.Width24<TParams>()).Permute(_state);
            _output.Clear();
            _output.AddRange(_state.Take(Rate));
        }
    }

    [Theory]
    [InlineData(DuplexPadding.Classic)]
    [InlineData(DuplexPadding.LengthBinding)]
    public void Random_interleavings_match_reference(DuplexPadding padding)
    {
        const int seed = 99;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var c = DuplexChallenger<TParams, TDigest>.Create(padding);
        var r = new ReferenceChallenger(padding == DuplexPadding.LengthBinding);
        for (int step = 0; step < 400; step++)
        {
            if (rng.Next(2) == 0)
            {
                var x = F((uint)rng.NextInt64(TParams.P));
                c.Observe(x);
                r.Observe(x);
            }
            else
            {
                Assert.Equal(r.Sample(), c.Sample());
            }
        }
    }

    [Fact]
    public void Variants_differ_and_clone_is_independent()
    {
        var a = DuplexChallenger<TParams, TDigest>.Create(DuplexPadding.Classic);
        var b = DuplexChallenger<TParams, TDigest>.Create(DuplexPadding.LengthBinding);
        a.Observe(F(1));
        b.Observe(F(1));
        Assert.NotEqual(a.Sample(), b.Sample());

        var c = DuplexChallenger<TParams, TDigest>.Create();
        c.Observe(F(5));
        var copy = c.Clone();
        var first = c.Sample();
        c.Observe(F(6));
        Assert.Equal(first, copy.Sample());
        Assert.NotEqual(c.Sample(), copy.Sample());
    }

    [Fact]
    public void Digest_and_extension_observation_equal_their_elements()
    {
        var digest = TDigest.FromCanonical([.. Enumerable.Range(1, Rate).Select(i => (uint)i)]);
        var a = DuplexChallenger<TParams, TDigest>.Create();
        var b = DuplexChallenger<TParams, TDigest>.Create();
        a.Observe(digest);
        b.Observe(digest.Elements);
        var ext = TExt.FromCoefficients(Enumerable.Range(10, TExt.Degree).Select(i => F((uint)i)).ToArray());
        a.ObserveExtension(ext);
        foreach (var x in ext.Coefficients)
            b.Observe(x);
        Assert.Equal(a.Sample(), b.Sample());

        var s1 = a.SampleExtension<TExt>();
        var coeffs = Enumerable.Range(0, TExt.Degree).Select(_ => b.Sample()).ToArray();
        Assert.Equal(coeffs, s1.Coefficients.ToArray());
    }

    [Fact]
    public void SampleBits_masks_the_canonical_sample_and_checks_range()
    {
        var a = DuplexChallenger<TParams, TDigest>.Create();
        var b = a.Clone();
        for (int bits = 0; bits <= DuplexChallenger<TParams, TDigest>.MaxSampleBits; bits++)
            Assert.Equal(b.Sample().ToCanonical() & (uint)((1UL << bits) - 1), a.SampleBits(bits));
        Assert.Equal(30, DuplexChallenger<TParams, TDigest>.MaxSampleBits);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SampleBits(31));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SampleBits(-1));
    }

    /// <summary>Serial search over clones, exactly the definition.</summary>
    private static uint SerialWitness(DuplexChallenger<TParams, TDigest> c, int bits)
    {
        for (uint w = 0; ; w++)
        {
            var copy = c.Clone();
            copy.Observe(F(w));
            if (copy.SampleBits(bits) == 0)
                return w;
        }
    }

    [Theory]
    [InlineData(DuplexPadding.LengthBinding, 0, 0)]
    [InlineData(DuplexPadding.LengthBinding, 3, 8)]
    [InlineData(DuplexPadding.LengthBinding, 7, 12)]
    [InlineData(DuplexPadding.Classic, 5, 10)]
    [InlineData(DuplexPadding.Classic, 0, 14)]
    [InlineData(DuplexPadding.LengthBinding, 11, 10)]
    public void Grind_finds_the_first_witness_deterministically(DuplexPadding padding, int observed, int bits)
    {
        var c = DuplexChallenger<TParams, TDigest>.Create(padding);
        for (int i = 0; i < observed; i++)
            c.Observe(F((uint)(100 + i)));
        var verifier = c.Clone();
        var again = c.Clone();
        uint expected = SerialWitness(c, bits);
        var w = c.Grind(bits);
        Assert.Equal(expected, w.ToCanonical());
        Assert.Equal(w, again.Grind(bits));
        Assert.True(verifier.CheckWitness(bits, w));
        // Prover and verifier transcripts continue in step.
        var next = c.Sample();
        Assert.Equal(next, verifier.Sample());
        Assert.Equal(next, again.Sample());
    }

    [Fact]
    public void CheckWitness_rejects_a_wrong_witness()
    {
        const int bits = 12;
        var c = DuplexChallenger<TParams, TDigest>.Create();
        c.Observe(F(42));
        uint w = SerialWitness(c, bits);
        Assert.True(w > 0, "the fixed transcript should need more than one try, so wrong witnesses exist below w");
        // Every smaller candidate fails (w is the first), and out-of-range bit counts are refused.
        for (uint x = 0; x < w; x++)
            Assert.False(c.Clone().CheckWitness(bits, F(x)));
        Assert.True(c.Clone().CheckWitness(bits, F(w)));
        Assert.False(c.Clone().CheckWitness(bits + 31, F(w)));
        Assert.False(c.Clone().CheckWitness(-1, F(w)));
    }
}

/// <summary>The 8-element digest's transcript plus both transcripts of the vectors.</summary>
public abstract class ChallengerVectorTests<TParams, TExt>(ITestOutputHelper output, string vectorFile)
    : DuplexChallengerTests<TParams, TExt, Digest<TParams>>(output)
    where TParams : struct, IMontyParameters
    where TExt : struct, IExtensionField<TExt, MontyField31<TParams>>
{
    private JsonElement Section(string variant) =>
        SharedData.Vectors(vectorFile).GetProperty("challenger").GetProperty(variant);

    [SharedTheory]
    [InlineData("classic", DuplexPadding.Classic)]
    [InlineData("length_binding", DuplexPadding.LengthBinding)]
    public void Transcript_matches_vectors(string variant, DuplexPadding padding)
    {
        var v = Section(variant);
        var c = DuplexChallenger<TParams, Digest<TParams>>.Create(padding);
        foreach (uint x in v.GetProperty("observe").U32Array())
            c.Observe(F(x));
        Assert.Equal(v.GetProperty("then_sample_3").U32Array(), Enumerable.Range(0, 3).Select(_ => c.Sample().ToCanonical()).ToArray());
        c.Observe(v.GetProperty("then_observe").U32Array().Select(F).ToArray());
        Assert.Equal(v.GetProperty("then_sample_2").U32Array(), Enumerable.Range(0, 2).Select(_ => c.Sample().ToCanonical()).ToArray());
        Assert.Equal(v.GetProperty("then_sample_bits_20").GetUInt32(), c.SampleBits(20));
    }
}

public sealed class KoalaBearChallengerTests(ITestOutputHelper output) : ChallengerVectorTests<KoalaBearParameters, KoalaBearExt4>(output, "koalabear");

public sealed class BabyBearChallengerTests(ITestOutputHelper output) : ChallengerVectorTests<BabyBearParameters, BabyBearExt4>(output, "babybear");

/// <summary>The transcript of 12-element digests (Poseidon2 width 24, rate 12): provable-128's.</summary>
public sealed class KoalaBearWideChallengerTests(ITestOutputHelper output)
    : DuplexChallengerTests<KoalaBearParameters, KoalaBearExt8, WideDigest<KoalaBearParameters>>(output);

public sealed class BabyBearWideChallengerTests(ITestOutputHelper output)
    : DuplexChallengerTests<BabyBearParameters, BabyBearExt4, WideDigest<BabyBearParameters>>(output);
