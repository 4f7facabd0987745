using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// Plonky3's <c>TruncatedPermutation</c> 2-to-1 compression: compress(a, b) = perm(a ‖ b)[0..L] for digests of
/// L elements and a permutation of width 2L (perm16 and 8 for <see cref="Digest{TParams}"/>, perm24 and 12 for
/// <see cref="WideDigest{TParams}"/>). Used for Merkle tree nodes (and for injecting row hashes into a layer
/// of the mixed-height tree).
/// </summary>
public sealed class TruncatedPermutation<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int Width => 2 * TDigest.Length;

    private static int Half => TDigest.Length;

    public TruncatedPermutation(Poseidon2<TParams> permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Width != Width)
            throw new ArgumentException($"compression needs a width-{Width} permutation, got width {permutation.Width}", nameof(permutation));
        Digests.CheckLayout<TDigest, TParams>();
        Permutation = permutation;
    }

    /// <summary>The standard compression for the digest (Poseidon2 of width 2L for <typeparamref name="TParams"/>).</summary>
    public static TruncatedPermutation<TParams, TDigest> Default { get; } = new(TDigest.Permutation);

    public Poseidon2<TParams> Permutation { get; }

    /// <summary>
    /// Whether full 8-lane blocks are filled and emptied by <see cref="LaneTranspose"/> (AVX2) rather than word by word
    /// (the reference, kept for tests through <see cref="WithoutTransposes"/>). The words moved are the same.
    /// </summary>
    internal bool TransposeBlocks { get; private init; } = LaneTranspose.IsSupported;

    /// <summary>Test hook: this compression with the word-by-word block fill (the reference for the transposed one).</summary>
    internal TruncatedPermutation<TParams, TDigest> WithoutTransposes() => new(Permutation) { TransposeBlocks = false };

    public TDigest Compress(in TDigest left, in TDigest right)
    {
        SpongeWords state = default;
        Span<uint> s = ((Span<uint>)state)[..Width];
        Digests.CopyWords<TDigest, TParams>(left, s);
        Digests.CopyWords<TDigest, TParams>(right, s[Half..]);
        Permutation.PermuteMontgomery(s);
        return TDigest.FromElements(MontyField31<TParams>.FromMontgomery(s[..Half]));
    }

    /// <summary>output[i] = compress(left[i], right[i]), SIMD across pairs.</summary>
    public void CompressPairs(ReadOnlySpan<TDigest> left, ReadOnlySpan<TDigest> right, Span<TDigest> output)
    {
        if (left.Length != output.Length || right.Length != output.Length)
            throw new ArgumentException("left, right and output must have the same length");
        CompressStrided(Digests.AsWords(left), Digests.AsWords(right), Half, output);
    }

    /// <summary>One Merkle layer: parents[i] = compress(children[2i], children[2i+1]).</summary>
    public void CompressLayer(ReadOnlySpan<TDigest> children, Span<TDigest> parents)
    {
        if (children.Length != 2 * parents.Length)
            throw new ArgumentException($"{children.Length} children do not make {parents.Length} parents");
        ReadOnlySpan<uint> words = Digests.AsWords(children);
        CompressStrided(words, words.Length == 0 ? words : words[Half..], 2 * Half, parents);
    }

    /// <summary>output[i] = compress(leftWords[i·stride ..+L], rightWords[i·stride ..+L]).</summary>
    [SkipLocalsInit]
    private void CompressStrided(ReadOnlySpan<uint> leftWords, ReadOnlySpan<uint> rightWords, int stride, Span<TDigest> output)
    {
        int count = output.Length;
        Span<uint> outWords = Digests.AsWords(output);
        Span<uint> buffer = stackalloc uint[Width * Math.Max(Poseidon2<TParams>.BatchLanes, 1)];
        Span<uint> s = stackalloc uint[Width];
        for (int k = 0; k < count;)
        {
            // Full blocks, and a partial block with its unused lanes zero where the permutation's plan (or, without one,
            // at least two pairs) says it is cheaper than one state at a time (a lane's result does not depend on the others).
            int lanes = Permutation.NextBlockLanes(count - k, PaddingFreeSponge<TParams, TDigest>.MinPaddedLanes);
            if (lanes == 1)
            {
                leftWords.Slice(k * stride, Half).CopyTo(s);
                rightWords.Slice(k * stride, Half).CopyTo(s[Half..]);
                Permutation.PermuteMontgomery(s);
                s[..Half].CopyTo(outWords.Slice(k * Half, Half));
                k++;
                continue;
            }
            Span<uint> soa = buffer[..(Width * lanes)];
            int pairs = Math.Min(lanes, count - k);
            if (TransposeBlocks && lanes == 8 && pairs == 8 && Half == 8)
            {
                // A full 8-lane block of digest pairs by register transposes (the same words as the loops below).
                LaneTranspose.Transpose8x8(leftWords[(k * stride)..], stride, soa, 8);
                LaneTranspose.Transpose8x8(rightWords[(k * stride)..], stride, soa[64..], 8);
                Permutation.PermuteBlock(soa);
                LaneTranspose.Transpose8x8(soa, 8, outWords.Slice(k * 8, 64), 8);
                k += pairs;
                continue;
            }
            if (pairs < lanes)
                soa.Clear();
            for (int l = 0; l < pairs; l++)
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
            for (int l = 0; l < pairs; l++)
                for (int j = 0; j < Half; j++)
                    outWords[(k + l) * Half + j] = soa[j * lanes + l];
            k += pairs;
        }
    }
}
