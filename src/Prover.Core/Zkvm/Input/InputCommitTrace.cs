using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Input;

/// <summary>The input commitment: what <see cref="InputCommitAir"/> proves, computed natively (for provers, verifiers and attesters).</summary>
public static class InputCommitment
{
    /// <summary>Upper bound on the input (the machine's input region).</summary>
    public const long MaxInputBytes = 1L << 30;

    /// <summary>The input's double words (little-endian, zero-padded) in pairs: at least one pair.</summary>
    internal static ulong[] Words(ReadOnlySpan<byte> input)
    {
        int dwords = (input.Length + 7) / 8;
        var words = new ulong[Math.Max(2, (dwords + 1) / 2 * 2)];
        Span<byte> b = stackalloc byte[8];
        for (int d = 0; d < dwords; d++)
        {
            b.Clear();
            input.Slice(8 * d, Math.Min(8, input.Length - 8 * d)).CopyTo(b);
            words[d] = BitConverter.ToUInt64(b);
        }
        return words;
    }

    /// <summary>The sponge's input states of width <paramref name="width"/>, one per row: 8 limbs then the capacity (filled by the caller from the previous output).</summary>
    internal static KoalaBear[] Absorb(ulong w0, ulong w1, int width = 16)
    {
        var state = new KoalaBear[width];
        for (int k = 0; k < 4; k++)
        {
            state[k] = KoalaBear.FromUInt64(Word.Limb(w0, k));
            state[4 + k] = KoalaBear.FromUInt64(Word.Limb(w1, k));
        }
        return state;
    }

    /// <summary>The 8-element commitment to <paramref name="input"/> (8-element-digest configurations).</summary>
    public static KoalaBear[] Compute(ReadOnlySpan<byte> input) => Compute(input, 8);

    /// <summary>
    /// The <paramref name="elements"/>-element commitment to <paramref name="input"/>: 8 (width-16 Poseidon2) under
    /// 8-element digests, 12 (width-24 Poseidon2) under 12-element digests (<see cref="InputCommitAir"/>).
    /// </summary>
    public static KoalaBear[] Compute(ReadOnlySpan<byte> input, int elements)
    {
        if (input.Length > MaxInputBytes)
            throw new ArgumentException("input larger than the input region", nameof(input));
        var perm = elements switch
        {
            8 => Poseidon2.Width16<KoalaBearParameters>(),
            12 => Poseidon2.Width24<KoalaBearParameters>(),
            _ => throw new ArgumentOutOfRangeException(nameof(elements), elements, "the input commitment has 8 or 12 elements"),
        };
        var words = Words(input);
        var state = new KoalaBear[perm.Width];
        state[8] = KoalaBear.FromUInt64((ulong)input.Length & 0xFFFF);
        state[9] = KoalaBear.FromUInt64((ulong)input.Length >> 16);
        for (int j = 0; j < words.Length / 2; j++)
        {
            var absorbed = Absorb(words[2 * j], words[2 * j + 1], perm.Width);
            Array.Copy(absorbed, state, 8);
            perm.Permute(state);
        }
        return state[..elements];
    }

    /// <summary>The commitment as 4 bytes per element (little-endian u32 canonical values: 32 or 48), for files and reports.</summary>
    public static byte[] ToBytes(ReadOnlySpan<KoalaBear> commitment)
    {
        var bytes = new byte[4 * commitment.Length];
        for (int i = 0; i < commitment.Length; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), commitment[i].ToCanonical());
        return bytes;
    }
}

/// <summary>Trace generation for <see cref="InputCommitAir"/>.</summary>
public static class InputCommitTrace
{
    /// <summary>The trace (one row per pair of double words, padding rows hold permutations of zero) and its public values; counts the Range16 lookups.</summary>
    public static RowMajorMatrix<KoalaBear> Generate(InputCommitAir air, ReadOnlySpan<byte> input, LookupCounts counts, out KoalaBear[] publicValues)
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(counts);
        var words = InputCommitment.Words(input);
        int rows = words.Length / 2;
        var trace = new RowMajorMatrix<KoalaBear>(Word.TraceHeight(rows), air.Width);
        int width = air.StateWidth, digest = air.CommitmentElements;
        var capacity = new KoalaBear[width - 8];
        capacity[0] = KoalaBear.FromUInt64((ulong)input.Length & 0xFFFF);
        capacity[1] = KoalaBear.FromUInt64((ulong)input.Length >> 16);
        int outputs = InputCommitCols.Permutation + air.Permutation.OutputColumn(0);
        for (int j = 0; j < trace.Height; j++)
        {
            var row = trace.Row(j);
            row[InputCommitCols.Pair] = KoalaBear.FromUInt64((ulong)j);
            if (j < rows)
            {
                row[InputCommitCols.Real] = KoalaBear.One;
                var state = InputCommitment.Absorb(words[2 * j], words[2 * j + 1], width);
                capacity.CopyTo(state, 8);
                air.Permutation.FillPermutation(row, InputCommitCols.Permutation, state);
                row.Slice(outputs + 8, width - 8).CopyTo(capacity);
                for (int k = 0; k < 8; k++)
                    counts.AddRange16(state[k].ToCanonical());
            }
            else
            {
                air.Permutation.FillPermutation(row, InputCommitCols.Permutation, new KoalaBear[width]);
            }
        }
        publicValues = new KoalaBear[InputCommitCols.PublicValueCountFor(digest)];
        publicValues[InputCommitCols.PublicSizeLo] = KoalaBear.FromUInt64((ulong)input.Length & 0xFFFF);
        publicValues[InputCommitCols.PublicSizeHi] = KoalaBear.FromUInt64((ulong)input.Length >> 16);
        trace.Row(rows - 1).Slice(outputs, digest).CopyTo(publicValues.AsSpan(InputCommitCols.PublicCommitment));
        return trace;
    }

    /// <summary>The (key, value) pairs the chip sends on <see cref="ZkvmBus.InputValue"/>: every input double word, plus the zero pad of an odd last pair.</summary>
    public static IEnumerable<(ulong Key, ulong Value)> SentWords(ReadOnlySpan<byte> input)
    {
        var words = InputCommitment.Words(input);
        var list = new List<(ulong, ulong)>(words.Length);
        for (int d = 0; d < words.Length; d++)
            list.Add((InputCommitAir.KeyBase + (ulong)d, words[d]));
        return list;
    }
}
