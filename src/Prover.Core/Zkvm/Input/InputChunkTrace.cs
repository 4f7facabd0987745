using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Input;

/// <summary>Trace generation for <see cref="InputChunkAir"/>.</summary>
public static class InputChunkTrace
{
    /// <summary>Rows (pairs of double words) the input's sponge absorbs: at least one.</summary>
    public static int Rows(int inputLength) => InputCommitment.Words(new byte[inputLength]).Length / 2;

    /// <summary>
    /// The trace of the chunk absorbing pairs [<paramref name="firstPair"/>, <paramref name="firstPair"/> + <paramref name="pairs"/>)
    /// of <paramref name="input"/>, padded to <paramref name="height"/> rows with permutations of zero; counts the Range16
    /// lookups. The capacity it starts from is the sponge's after the pairs before it (recomputed natively from the input).
    /// </summary>
    public static RowMajorMatrix<KoalaBear> Generate(InputChunkAir air, ReadOnlySpan<byte> input, int firstPair, int pairs, int height, LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(counts);
        var words = InputCommitment.Words(input);
        int total = words.Length / 2;
        if (pairs < 1 || firstPair < 0 || firstPair + pairs > total || pairs > height)
            throw new ArgumentException($"pairs [{firstPair}, {firstPair + pairs}) of {total} do not make a chunk of {height} rows");
        int width = air.StateWidth;
        var perm = width == 16 ? Poseidon2.Width16<KoalaBearParameters>() : Poseidon2.Width24<KoalaBearParameters>();
        // The capacity before the chunk: the sponge over the earlier pairs (the same steps as InputCommitment.Compute).
        var state = new KoalaBear[width];
        state[8] = KoalaBear.FromUInt64((ulong)input.Length & 0xFFFF);
        state[9] = KoalaBear.FromUInt64((ulong)input.Length >> 16);
        for (int j = 0; j < firstPair; j++)
        {
            Array.Copy(InputCommitment.Absorb(words[2 * j], words[2 * j + 1], width), state, 8);
            perm.Permute(state);
        }
        var capacity = state[8..];
        var trace = new RowMajorMatrix<KoalaBear>(height, air.Width);
        int outputs = InputChunkCols.Permutation + air.Permutation.OutputColumn(0);
        for (int r = 0; r < height; r++)
        {
            var row = trace.Row(r);
            ulong pair = (ulong)(firstPair + r);
            row[InputChunkCols.Pair] = KoalaBear.FromUInt64(pair);
            if (r < pairs)
            {
                row[InputChunkCols.Real] = KoalaBear.One;
                int j = firstPair + r;
                var absorbed = InputCommitment.Absorb(words[2 * j], words[2 * j + 1], width);
                capacity.CopyTo(absorbed, 8);
                air.Permutation.FillPermutation(row, InputChunkCols.Permutation, absorbed);
                row.Slice(outputs + 8, width - 8).CopyTo(capacity);
                for (int k = 0; k < 8; k++)
                    counts.AddRange16(absorbed[k].ToCanonical());
            }
            else
            {
                air.Permutation.FillPermutation(row, InputChunkCols.Permutation, new KoalaBear[width]);
            }
        }
        var first = trace.Row(0);
        first[InputChunkCols.First] = KoalaBear.One;
        ulong lo = (ulong)firstPair & 0xFFFF, hi = (ulong)firstPair >> 16;
        if (hi > InputChunkCols.PairHiBound)
            throw new ArgumentException($"pair {firstPair} is past the chain's bound");
        first[InputChunkCols.PairLo] = KoalaBear.FromUInt64(lo);
        first[InputChunkCols.PairHi] = KoalaBear.FromUInt64(hi);
        counts.AddRange16(lo);
        counts.AddRange16(hi);
        counts.AddRange16(InputChunkCols.PairHiBound - hi);
        trace.Row(pairs - 1)[InputChunkCols.Last] = KoalaBear.One;
        return trace;
    }

    /// <summary>The chunk's public values: f (1 for the chain's last chunk).</summary>
    public static KoalaBear[] PublicValues(bool lastChunk) => [lastChunk ? KoalaBear.One : KoalaBear.Zero];
}
