using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Hash;

/// <summary>16 Montgomery words of sponge state, inline.</summary>
[InlineArray(PaddingFreeSponge<KoalaBearParameters>.Width)]
internal struct SpongeWords
{
    private uint _w0;
}

/// <summary>
/// Plonky3's <c>PaddingFreeSponge</c> over a width-16 permutation, rate 8, output 8, in overwrite mode:
/// the state starts at zero; each chunk of up to 8 input elements overwrites state[0..len] and is
/// followed by a permutation; hashing stops after a partial chunk; the output is state[0..8]. No
/// padding, so the empty input hashes to 8 zeros and inputs of different lengths are only separated
/// by the caller fixing the length (Merkle rows have fixed widths).
/// </summary>
public sealed class PaddingFreeSponge<TParams> where TParams : struct, IMontyParameters
{
    public const int Width = 16;
    public const int Rate = 8;

    public PaddingFreeSponge(Poseidon2<TParams> permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Width != Width)
            throw new ArgumentException($"the sponge needs a width-{Width} permutation, got width {permutation.Width}", nameof(permutation));
        Permutation = permutation;
    }

    /// <summary>The standard sponge for <typeparamref name="TParams"/> (Poseidon2 width 16).</summary>
    public static PaddingFreeSponge<TParams> Default { get; } = new(Poseidon2.Width16<TParams>());

    public Poseidon2<TParams> Permutation { get; }

    /// <summary>Hashes a sequence of elements.</summary>
    public Digest<TParams> Hash(ReadOnlySpan<MontyField31<TParams>> input)
    {
        var h = CreateHasher();
        h.Absorb(input);
        return h.Finish();
    }

    /// <summary>Hashes the concatenation of row <paramref name="row"/> of each matrix, in order, without copying.</summary>
    public Digest<TParams> HashRows(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int row)
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
    public void HashRows(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int firstRow, Span<Digest<TParams>> output)
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

    /// <summary>A streaming hasher: <c>Absorb</c> any number of spans, then <c>Finish</c>; same result as one <see cref="Hash"/> of the concatenation.</summary>
    public SpongeHasher<TParams> CreateHasher() => new(Permutation);

    /// <summary>
    /// Hashes rows [<paramref name="firstRow"/>, firstRow + output.Length) of the concatenated matrices
    /// (all of the same height) into <paramref name="output"/>, <see cref="Poseidon2{TParams}.BatchLanes"/>
    /// rows at a time with SIMD across rows; the rows are read in place (transposed into lanes on the fly).
    /// </summary>
    [SkipLocalsInit]
    internal void HashRowsBatch(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, int firstRow, Span<Digest<TParams>> output)
    {
        int lanes = Poseidon2<TParams>.BatchLanes;
        int count = output.Length;
        int k = 0;
        if (lanes > 1)
        {
            Span<uint> soa = stackalloc uint[Width * lanes];
            Span<uint> outWords = Digest<TParams>.AsWords(output);
            for (; k + lanes <= count; k += lanes)
            {
                soa.Clear();
                int pos = 0;
                int row0 = firstRow + k;
                for (int m = 0; m < matrices.Count; m++)
                {
                    var matrix = matrices[m];
                    int w = matrix.Width;
                    ReadOnlySpan<uint> words = MemoryMarshal.Cast<MontyField31<TParams>, uint>(matrix.Values.AsSpan(row0 * w, lanes * w));
                    int c = 0;
                    while (c < w)
                    {
                        int n = Math.Min(Rate - pos, w - c);
                        for (int l = 0; l < lanes; l++)
                        {
                            ReadOnlySpan<uint> src = words.Slice(l * w + c, n);
                            for (int j = 0; j < n; j++)
                                soa[(pos + j) * lanes + l] = src[j];
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
                for (int l = 0; l < lanes; l++)
                    for (int j = 0; j < Digest<TParams>.Length; j++)
                        outWords[(k + l) * Digest<TParams>.Length + j] = soa[j * lanes + l];
            }
        }
        for (; k < count; k++)
            output[k] = HashRows(matrices, firstRow + k);
    }
}

/// <summary>
/// Incremental <see cref="PaddingFreeSponge{TParams}"/> hashing (a mutable value: pass by ref).
/// Equivalent to hashing the concatenation of everything absorbed.
/// </summary>
public struct SpongeHasher<TParams> where TParams : struct, IMontyParameters
{
    private readonly Poseidon2<TParams> _permutation;
    private SpongeWords _state;
    private int _position;

    internal SpongeHasher(Poseidon2<TParams> permutation)
    {
        Debug.Assert(permutation.Width == PaddingFreeSponge<TParams>.Width);
        _permutation = permutation;
        _state = default;
        _position = 0;
    }

    public void Absorb(MontyField31<TParams> value)
    {
        _state[_position++] = value.Montgomery;
        if (_position == PaddingFreeSponge<TParams>.Rate)
        {
            // Permuting eagerly when a chunk fills is the same as permuting when the next one starts:
            // Finish only permutes a partial chunk.
            _permutation.PermuteMontgomery(_state);
            _position = 0;
        }
    }

    public void Absorb(ReadOnlySpan<MontyField31<TParams>> values)
    {
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<MontyField31<TParams>, uint>(values);
        while (!words.IsEmpty)
        {
            int n = Math.Min(PaddingFreeSponge<TParams>.Rate - _position, words.Length);
            words[..n].CopyTo(((Span<uint>)_state).Slice(_position, n));
            words = words[n..];
            _position += n;
            if (_position == PaddingFreeSponge<TParams>.Rate)
            {
                _permutation.PermuteMontgomery(_state);
                _position = 0;
            }
        }
    }

    /// <summary>The digest of everything absorbed; the hasher must not be used afterwards.</summary>
    public Digest<TParams> Finish()
    {
        if (_position != 0)
        {
            _permutation.PermuteMontgomery(_state);
            _position = 0;
        }
        return Digest<TParams>.FromElements(MontyField31<TParams>.FromMontgomery(((Span<uint>)_state)[..Digest<TParams>.Length]));
    }
}
