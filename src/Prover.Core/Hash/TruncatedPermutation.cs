using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// Plonky3's <c>TruncatedPermutation</c> 2-to-1 compression: compress(a, b) = perm16(a ‖ b)[0..8].
/// Used for Merkle tree nodes (and for injecting row hashes into a layer of the mixed-height tree).
/// </summary>
public sealed class TruncatedPermutation<TParams> where TParams : struct, IMontyParameters
{
    private const int Width = 16;
    private const int Half = Digest<TParams>.Length;

    public TruncatedPermutation(Poseidon2<TParams> permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Width != Width)
            throw new ArgumentException($"compression needs a width-{Width} permutation, got width {permutation.Width}", nameof(permutation));
        Permutation = permutation;
    }

    /// <summary>The standard compression for <typeparamref name="TParams"/> (Poseidon2 width 16).</summary>
    public static TruncatedPermutation<TParams> Default { get; } = new(Poseidon2.Width16<TParams>());

    public Poseidon2<TParams> Permutation { get; }

    public Digest<TParams> Compress(in Digest<TParams> left, in Digest<TParams> right)
    {
        SpongeWords state = default;
        Span<uint> s = state;
        left.Words.CopyTo(s);
        right.Words.CopyTo(s[Half..]);
        Permutation.PermuteMontgomery(s);
        return Digest<TParams>.FromElements(MontyField31<TParams>.FromMontgomery(s[..Half]));
    }

    /// <summary>output[i] = compress(left[i], right[i]), SIMD across pairs.</summary>
    public void CompressPairs(ReadOnlySpan<Digest<TParams>> left, ReadOnlySpan<Digest<TParams>> right, Span<Digest<TParams>> output)
    {
        if (left.Length != output.Length || right.Length != output.Length)
            throw new ArgumentException("left, right and output must have the same length");
        CompressStrided(Digest<TParams>.AsWords(left), Digest<TParams>.AsWords(right), Half, output);
    }

    /// <summary>One Merkle layer: parents[i] = compress(children[2i], children[2i+1]).</summary>
    public void CompressLayer(ReadOnlySpan<Digest<TParams>> children, Span<Digest<TParams>> parents)
    {
        if (children.Length != 2 * parents.Length)
            throw new ArgumentException($"{children.Length} children do not make {parents.Length} parents");
        ReadOnlySpan<uint> words = Digest<TParams>.AsWords(children);
        CompressStrided(words, words.Length == 0 ? words : words[Half..], 2 * Half, parents);
    }

    /// <summary>output[i] = compress(leftWords[i·stride ..+8], rightWords[i·stride ..+8]).</summary>
    [SkipLocalsInit]
    private void CompressStrided(ReadOnlySpan<uint> leftWords, ReadOnlySpan<uint> rightWords, int stride, Span<Digest<TParams>> output)
    {
        int count = output.Length;
        Span<uint> outWords = Digest<TParams>.AsWords(output);
        int lanes = Poseidon2<TParams>.BatchLanes;
        int k = 0;
        if (lanes > 1)
        {
            Span<uint> soa = stackalloc uint[Width * lanes];
            for (; k + lanes <= count; k += lanes)
            {
                for (int l = 0; l < lanes; l++)
                {
                    ReadOnlySpan<uint> a = leftWords.Slice((k + l) * stride, Half);
                    ReadOnlySpan<uint> b = rightWords.Slice((k + l) * stride, Half);
                    for (int j = 0; j < Half; j++)
                    {
                        soa[j * lanes + l] = a[j];
                        soa[(j + Half) * lanes + l] = b[j];
                    }
                }
                Permutation.PermuteBlock(soa);
                for (int l = 0; l < lanes; l++)
                    for (int j = 0; j < Half; j++)
                        outWords[(k + l) * Half + j] = soa[j * lanes + l];
            }
        }
        Span<uint> s = stackalloc uint[Width];
        for (; k < count; k++)
        {
            leftWords.Slice(k * stride, Half).CopyTo(s);
            rightWords.Slice(k * stride, Half).CopyTo(s[Half..]);
            Permutation.PermuteMontgomery(s);
            s[..Half].CopyTo(outWords.Slice(k * Half, Half));
        }
    }
}
