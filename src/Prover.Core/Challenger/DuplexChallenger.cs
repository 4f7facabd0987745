using System.Runtime.CompilerServices;
using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Challenger;

/// <summary>How a duplex call absorbs a partially filled rate.</summary>
public enum DuplexPadding
{
    /// <summary>Plonky3's <c>DuplexChallenger</c>: the n buffered inputs overwrite state[0..n]; the rest of the rate is left as it was.</summary>
    Classic,

    /// <summary>
    /// The inputs overwrite state[0..n], state[n..rate] is zeroed and n is added to state[rate] (the capacity),
    /// so transcripts that differ only in where a duplex happened, or in trailing values equal to the
    /// stale rate, cannot collide. The project's default (ARCHITECTURE.md).
    /// </summary>
    LengthBinding,
}

/// <summary>Rate words of a transcript, inline: room for the widest rate (12).</summary>
[InlineArray(Digests.MaxLength)]
internal struct RateWords
{
    private uint _w0;
}

/// <summary>
/// Fiat–Shamir transcript: a duplex sponge over Poseidon2 whose width and rate come from the digest the
/// proof commits with: width 16 and rate 8 for <see cref="Digest{TParams}"/>, width 24 and rate 12 for
/// <see cref="WideDigest{TParams}"/> (capacity = rate = the digest's length, so the transcript is as
/// collision resistant as the commitments it observes). Observing clears the output buffer and buffers the
/// input, duplexing when a rate's worth is buffered; sampling duplexes first when input is pending or no
/// output is left, then pops from the END of the output buffer (the first sample after a duplex is
/// state[rate − 1]). The state lives inline, so <see cref="Clone"/> is one small copy.
/// Not thread-safe (a transcript is sequential by nature).
/// </summary>
public sealed class DuplexChallenger<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>Permutation width: twice the digest (16 or 24).</summary>
    public static int Width => 2 * TDigest.Length;

    /// <summary>Rate (and capacity): the digest's length (8 or 12).</summary>
    public static int Rate => TDigest.Length;

    private readonly Poseidon2<TParams> _permutation;
    private SpongeWords _state;
    private RateWords _input;
    private int _inputCount;
    private RateWords _output;
    private int _outputCount;

    public DuplexChallenger(Poseidon2<TParams> permutation, DuplexPadding padding = DuplexPadding.LengthBinding)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Width != Width)
            throw new ArgumentException($"the challenger needs a width-{Width} permutation, got width {permutation.Width}", nameof(permutation));
        Digests.CheckLayout<TDigest, TParams>();
        _permutation = permutation;
        Padding = padding;
    }

    /// <summary>A fresh transcript over the digest's standard Poseidon2 (width 2L) of <typeparamref name="TParams"/>.</summary>
    public static DuplexChallenger<TParams, TDigest> Create(DuplexPadding padding = DuplexPadding.LengthBinding) =>
        new(TDigest.Permutation, padding);

    public DuplexPadding Padding { get; }

    /// <summary>An independent copy of the transcript (one ~200-byte allocation).</summary>
    public DuplexChallenger<TParams, TDigest> Clone() => (DuplexChallenger<TParams, TDigest>)MemberwiseClone();

    public void Observe(MontyField31<TParams> value)
    {
        _outputCount = 0;
        _input[_inputCount++] = value.Montgomery;
        if (_inputCount == Rate)
            Duplex();
    }

    public void Observe(ReadOnlySpan<MontyField31<TParams>> values)
    {
        foreach (var v in values)
            Observe(v);
    }

    public void Observe(in TDigest digest) => Observe(digest.Elements);

    /// <summary>Observes an extension element as its base coefficients, lowest degree first.</summary>
    public void ObserveExtension<TExt>(TExt value) where TExt : struct, IExtensionField<TExt, MontyField31<TParams>> =>
        Observe(value.Coefficients);

    public MontyField31<TParams> Sample()
    {
        if (_inputCount != 0 || _outputCount == 0)
            Duplex();
        return MontyField31<TParams>.FromMontgomery(_output[--_outputCount]);
    }

    /// <summary>Fills <paramref name="destination"/> with successive samples.</summary>
    public void Sample(Span<MontyField31<TParams>> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = Sample();
    }

    /// <summary>An extension element from D successive samples (coefficient 0 first).</summary>
    [SkipLocalsInit]
    public TExt SampleExtension<TExt>() where TExt : struct, IExtensionField<TExt, MontyField31<TParams>>
    {
        Span<MontyField31<TParams>> c = stackalloc MontyField31<TParams>[TExt.Degree];
        Sample(c);
        return TExt.FromCoefficients(c);
    }

    /// <summary>The largest <c>bits</c> accepted by <see cref="SampleBits"/>: 2^bits must be below p (30 for both fields).</summary>
    public static int MaxSampleBits { get; } = System.Numerics.BitOperations.Log2(TParams.P - 1);

    /// <summary>The low <paramref name="bits"/> bits of the canonical value of one sample (0 ≤ bits ≤ <see cref="MaxSampleBits"/>).</summary>
    public uint SampleBits(int bits)
    {
        CheckBits(bits);
        return Sample().ToCanonical() & Mask(bits);
    }

    /// <summary>
    /// Proof of work: the smallest w (searched from 0 upwards, so the result is deterministic) such
    /// that on a copy of this transcript observe(w) then SampleBits(bits) gives 0. Candidates are
    /// permuted in SIMD blocks, blocks spread over threads in rounds; the first success of a round in
    /// candidate order is the answer. This transcript then observes w and samples, exactly as a
    /// verifier's <see cref="CheckWitness"/> does, so both stay in step.
    /// </summary>
    public MontyField31<TParams> Grind(int bits)
    {
        CheckBits(bits);
        var witness = FindWitness(bits);
        bool ok = CheckWitness(bits, witness);
        System.Diagnostics.Debug.Assert(ok);
        return witness;
    }

    /// <summary>
    /// Observes <paramref name="witness"/> and samples <paramref name="bits"/> bits; true when they are
    /// all zero. Returns false (without touching the transcript) for an out-of-range <paramref name="bits"/>.
    /// </summary>
    public bool CheckWitness(int bits, MontyField31<TParams> witness)
    {
        if ((uint)bits > (uint)MaxSampleBits)
            return false;
        Observe(witness);
        return SampleBits(bits) == 0;
    }

    private void Duplex()
    {
        int n = _inputCount;
        Span<uint> state = ((Span<uint>)_state)[..Width];
        ((ReadOnlySpan<uint>)_input)[..n].CopyTo(state);
        if (Padding == DuplexPadding.LengthBinding)
        {
            state[n..Rate].Clear();
            state[Rate] = (MontyField31<TParams>.FromMontgomery(state[Rate]) + MontyField31<TParams>.FromCanonical((uint)n)).Montgomery;
        }
        _inputCount = 0;
        _permutation.PermuteMontgomery(state);
        state[..Rate].CopyTo((Span<uint>)_output);
        _outputCount = Rate;
    }

    private static uint Mask(int bits) => (uint)((1UL << bits) - 1);

    private static void CheckBits(int bits)
    {
        if ((uint)bits > (uint)MaxSampleBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"at most {MaxSampleBits} bits can be sampled from {TParams.Name}");
    }

    /// <summary>Candidates per thread per round of the parallel search.</summary>
    private const int GrindChunk = 4096;

    /// <summary>
    /// The state every candidate permutes: observe(w) appends w to the buffered inputs and the sample
    /// duplexes (inside observe when the buffer fills, else in sample) — either way one duplex with
    /// n = inputCount + 1 inputs, w at position inputCount, and the sample is state[rate − 1] after it.
    /// </summary>
    private MontyField31<TParams> FindWitness(int bits)
    {
        int slot = _inputCount;
        var template = new uint[Width];
        ((ReadOnlySpan<uint>)_state)[..Width].CopyTo(template);
        ((ReadOnlySpan<uint>)_input)[..slot].CopyTo(template);
        if (Padding == DuplexPadding.LengthBinding)
        {
            int n = slot + 1;
            template.AsSpan(n, Rate - n).Clear();
            template[Rate] = (MontyField31<TParams>.FromMontgomery(template[Rate]) + MontyField31<TParams>.FromCanonical((uint)n)).Montgomery;
        }
        uint mask = Mask(bits);
        int threads = Math.Max(1, Environment.ProcessorCount);
        long p = TParams.P;
        for (long roundStart = 0; roundStart < p; roundStart += (long)threads * GrindChunk)
        {
            long found = long.MaxValue;
            long start0 = roundStart;
            if (threads == 1)
            {
                found = SearchRange(template, slot, mask, start0, (int)Math.Min(GrindChunk, p - start0));
            }
            else
            {
                Parallel.For(0, threads, t =>
                {
                    long start = start0 + (long)t * GrindChunk;
                    if (start >= p)
                        return;
                    long w = SearchRange(template, slot, mask, start, (int)Math.Min(GrindChunk, p - start));
                    if (w != long.MaxValue)
                        InterlockedMin(ref found, w);
                });
            }
            if (found != long.MaxValue)
                return MontyField31<TParams>.FromCanonical((uint)found);
        }
        throw new InvalidOperationException($"no proof-of-work witness for {bits} bits exists in {TParams.Name}");
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }

    /// <summary>The smallest w in [start, start + count) that passes, or long.MaxValue.</summary>
    [SkipLocalsInit]
    private long SearchRange(uint[] template, int slot, uint mask, long start, int count)
    {
        int lanes = _permutation.Lanes;
        Span<uint> soa = stackalloc uint[Width * lanes];
        for (int k = 0; k < count; k += lanes)
        {
            for (int j = 0; j < Width; j++)
                soa.Slice(j * lanes, lanes).Fill(template[j]);
            int valid = Math.Min(lanes, count - k);
            for (int l = 0; l < valid; l++)
                soa[slot * lanes + l] = MontyField31<TParams>.FromCanonical((uint)(start + k + l)).Montgomery;
            _permutation.PermuteBlock(soa);
            for (int l = 0; l < valid; l++)
            {
                uint sample = MontyField31<TParams>.FromMontgomery(soa[(Rate - 1) * lanes + l]).ToCanonical();
                if ((sample & mask) == 0)
                    return start + k + l;
            }
        }
        return long.MaxValue;
    }
}
