using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Hash;

/// <summary>Sponge state words, inline: room for the widest permutation (24); a sponge uses its first Width.</summary>
[InlineArray(Digests.MaxWidth)]
internal struct SpongeWords
{
    private uint _w0;
}

/// <summary>
/// Plonky3's <c>PaddingFreeSponge</c> over a width-2L permutation, rate L, output L (L = the digest's length:
/// width 16, rate 8 for <see cref="Digest{TParams}"/>; width 24, rate 12 for <see cref="WideDigest{TParams}"/>),
/// in overwrite mode: the state starts at zero; each chunk of up to L input elements overwrites state[0..len]
/// and is followed by a permutation; hashing stops after a partial chunk; the output is state[0..L]. The
/// capacity (L elements) equals the output, so the generic collision bound is half the digest either way. No
/// padding, so the empty input hashes to L zeros and inputs of different lengths are only separated
/// by the caller fixing the length (Merkle rows have fixed widths).
/// </summary>
public sealed class PaddingFreeSponge<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>Permutation width: twice the digest (16 or 24).</summary>
    public static int Width => 2 * TDigest.Length;

    /// <summary>Elements absorbed per permutation: the digest's length (8 or 12).</summary>
    public static int Rate => TDigest.Length;

    public PaddingFreeSponge(Poseidon2<TParams> permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Width != Width)
            throw new ArgumentException($"the sponge needs a width-{Width} permutation, got width {permutation.Width}", nameof(permutation));
        Digests.CheckLayout<TDigest, TParams>();
        Permutation = permutation;
    }

    /// <summary>The standard sponge for the digest (Poseidon2 of width 2L for <typeparamref name="TParams"/>).</summary>
    public static PaddingFreeSponge<TParams, TDigest> Default { get; } = new(TDigest.Permutation);

    public Poseidon2<TParams> Permutation { get; }

    /// <summary>Hashes a sequence of elements.</summary>
    public TDigest Hash(ReadOnlySpan<MontyField31<TParams>> input)
    {
        var h = CreateHasher();
        h.Absorb(input);
        return h.Finish();
    }

    /// <summary>Hashes the concatenation of row <paramref name="row"/> of each matrix, in order, without copying.</summary>
    public TDigest HashRows(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int row)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        var h = CreateHasher();
        for (int m = 0; m < matrices.Count; m++)
            h.Absorb(matrices[m].Row(row));
        return h.Finish();
    }

    /// <summary>
    /// Hashes rows [<paramref name="firstRow"/>, firstRow + output.Length) of the concatenated matrices
    /// (all of the same height) into <paramref name="output"/>, 16 rows at a time with SIMD.
    /// </summary>
    public void HashRows(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int firstRow, Span<TDigest> output)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
            throw new ArgumentException("no matrices", nameof(matrices));
        int height = matrices[0].Height;
        for (int m = 1; m < matrices.Count; m++)
            if (matrices[m].Height != height)
                throw new ArgumentException($"matrix {m} has height {matrices[m].Height}, matrix 0 has {height}", nameof(matrices));
        if (firstRow < 0 || firstRow > height - output.Length)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"rows {firstRow}..{firstRow + output.Length} are not all inside height {height}");
        HashRowsBatch(matrices, firstRow, output);
    }

    /// <summary>The fewest rows a partial SIMD block is used for (fewer are hashed one state at a time).</summary>
    internal const int MinPaddedLanes = 2;

    /// <summary>
    /// Whether full 8-lane blocks are filled and emptied by <see cref="LaneTranspose"/> (AVX2) rather than word by word
    /// (the reference, kept for tests through <see cref="WithoutTransposes"/>). The words moved are the same.
    /// </summary>
    internal bool TransposeBlocks { get; private init; } = LaneTranspose.IsSupported;

    /// <summary>Test hook: this sponge with the word-by-word block fill (the reference for the transposed one).</summary>
    internal PaddingFreeSponge<TParams, TDigest> WithoutTransposes() => new(Permutation) { TransposeBlocks = false };

    /// <summary>A streaming hasher: <c>Absorb</c> any number of spans, then <c>Finish</c>; same result as one <see cref="Hash"/> of the concatenation.</summary>
    public SpongeHasher<TParams, TDigest> CreateHasher() => new(Permutation);

    /// <summary>
    /// Hashes rows [<paramref name="firstRow"/>, firstRow + output.Length) of the concatenated matrices
    /// (all of the same height) into <paramref name="output"/>, <see cref="Poseidon2{TParams}.Lanes"/>
    /// rows at a time with SIMD across rows; the rows are read in place (transposed into lanes on the fly).
    /// </summary>
    [SkipLocalsInit]
    internal void HashRowsBatch(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int firstRow, Span<TDigest> output)
    {
        int count = output.Length;
        Span<uint> buffer = stackalloc uint[Width * Math.Max(Poseidon2<TParams>.BatchLanes, 1)];
        Span<uint> outWords = Digests.AsWords(output);
        for (int k = 0; k < count;)
        {
            // Full blocks, and a partial block with its unused lanes zero where the permutation's plan (or, without one,
            // at least MinPaddedLanes rows) says it is cheaper than one state at a time (a lane's result does not depend
            // on the others).
            int lanes = Permutation.NextBlockLanes(count - k, MinPaddedLanes);
            if (lanes == 1)
            {
                output[k] = HashRows(matrices, firstRow + k);
                k++;
                continue;
            }
            Span<uint> soa = buffer[..(Width * lanes)];
            int rowsHere = Math.Min(lanes, count - k);
            // A full 8-lane block of a rate-8 sponge moves whole chunks of 8 words by register transposes (same words).
            bool transpose = TransposeBlocks && lanes == 8 && rowsHere == 8 && Rate == 8;
            soa.Clear();
            int pos = 0;
            int row0 = firstRow + k;
            for (int m = 0; m < matrices.Count; m++)
            {
                var matrix = matrices[m];
                int w = matrix.Width;
                ReadOnlySpan<uint> words = MemoryMarshal.Cast<MontyField31<TParams>, uint>(matrix.Values.AsSpan(row0 * w, rowsHere * w));
                int c = 0;
                while (c < w)
                {
                    int n = Math.Min(Rate - pos, w - c);
                    if (transpose && n == 8)
                    {
                        LaneTranspose.Transpose8x8(words[c..], w, soa, 8); // n = 8 = Rate only with pos = 0
                    }
                    else
                    {
                        for (int l = 0; l < rowsHere; l++)
                        {
                            ReadOnlySpan<uint> src = words.Slice(l * w + c, n);
                            for (int j = 0; j < n; j++)
                                soa[(pos + j) * lanes + l] = src[j];
                        }
                    }
                    pos += n;
                    c += n;
                    if (pos == Rate)
                    {
                        Permutation.PermuteBlock(soa);
                        pos = 0;
                    }
                }
            }
            if (pos != 0)
                Permutation.PermuteBlock(soa);
            if (transpose)
            {
                LaneTranspose.Transpose8x8(soa, 8, outWords.Slice(k * 8, 64), 8);
                k += rowsHere;
                continue;
            }
            for (int l = 0; l < rowsHere; l++)
                for (int j = 0; j < TDigest.Length; j++)
                    outWords[(k + l) * TDigest.Length + j] = soa[j * lanes + l];
            k += rowsHere;
        }
    }
}

/// <summary>
/// Incremental <see cref="PaddingFreeSponge{TParams, TDigest}"/> hashing (a mutable value: pass by ref).
/// Equivalent to hashing the concatenation of everything absorbed.
/// </summary>
public struct SpongeHasher<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int Width => 2 * TDigest.Length;

    private static int Rate => TDigest.Length;

    private readonly Poseidon2<TParams> _permutation;
    private SpongeWords _state;
    private int _position;

    internal SpongeHasher(Poseidon2<TParams> permutation)
    {
        Debug.Assert(permutation.Width == Width);
        _permutation = permutation;
        _state = default;
        _position = 0;
    }

    public void Absorb(MontyField31<TParams> value)
    {
        _state[_position++] = value.Montgomery;
        if (_position == Rate)
        {
            // Permuting eagerly when a chunk fills is the same as permuting when the next one starts:
            // Finish only permutes a partial chunk.
            _permutation.PermuteMontgomery(((Span<uint>)_state)[..Width]);
            _position = 0;
        }
    }

    public void Absorb(ReadOnlySpan<MontyField31<TParams>> values)
    {
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<MontyField31<TParams>, uint>(values);
        while (!words.IsEmpty)
        {
            int n = Math.Min(Rate - _position, words.Length);
            words[..n].CopyTo(((Span<uint>)_state).Slice(_position, n));
            words = words[n..];
            _position += n;
            if (_position == Rate)
            {
                _permutation.PermuteMontgomery(((Span<uint>)_state)[..Width]);
                _position = 0;
            }
        }
    }

    /// <summary>The digest of everything absorbed; the hasher must not be used afterwards.</summary>
    public TDigest Finish()
    {
        if (_position != 0)
        {
            _permutation.PermuteMontgomery(((Span<uint>)_state)[..Width]);
            _position = 0;
        }
        return TDigest.FromElements(MontyField31<TParams>.FromMontgomery(((Span<uint>)_state)[..TDigest.Length]));
    }
}
