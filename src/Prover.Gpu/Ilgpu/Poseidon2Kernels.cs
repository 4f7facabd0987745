using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Poseidon2-16 permutation, the padding-free overwrite sponge of rate 8 and the truncated-permutation
/// compression of the Merkle MMCS as ILGPU kernels (one thread per state, row or node): the same
/// semantics as Prover.Core's <c>PaddingFreeSponge</c>, <c>TruncatedPermutation</c> and
/// <c>MerkleTreeMmcs</c>, and as native/kernels/poseidon2.cl.
/// </summary>
public static class Poseidon2Kernels
{
    /// <summary>Permutes states of 16 words in place (test hook and benchmark).</summary>
    public static void Permute(Index1D i, ArrayView<uint> states, ArrayView<uint> rc, Poseidon2Shape shape)
    {
        long o = (long)i.X * Poseidon2State.Width;
        var s = Poseidon2State.Load(states, o);
        s.Permute(shape, rc);
        s.Store(states, o);
    }

    /// <summary>
    /// Streams row i of a row-major matrix of <paramref name="width"/> columns into sponge state i.
    /// <paramref name="pos"/> is the number of words already written into the current rate chunk (the
    /// same for every row: all rows of a group have the same widths). Overwrite mode: permute whenever
    /// the chunk is full.
    /// </summary>
    public static void Absorb(Index1D i, ArrayView<uint> states, ArrayView<uint> matrix, int width, int pos, ArrayView<uint> rc, Poseidon2Shape shape)
    {
        long o = (long)i.X * Poseidon2State.Width;
        var s = Poseidon2State.Load(states, o);
        long row = (long)i.X * width;
        for (int c = 0; c < width; c++)
        {
            s.Set(pos, matrix[row + c]);
            pos++;
            if (pos == Poseidon2State.Rate)
            {
                s.Permute(shape, rc);
                pos = 0;
            }
        }
        s.Store(states, o);
    }

    /// <summary>Ends the sponge: a pending partial chunk is permuted; the digest is the first 8 words.</summary>
    public static void Finish(Index1D i, ArrayView<uint> states, ArrayView<uint> digests, int pos, ArrayView<uint> rc, Poseidon2Shape shape)
    {
        var s = Poseidon2State.Load(states, (long)i.X * Poseidon2State.Width);
        if (pos != 0)
            s.Permute(shape, rc);
        s.StoreRate(digests, (long)i.X * Poseidon2State.Rate);
    }

    /// <summary>One Merkle layer: parents[i] = perm(children[2i] ‖ children[2i+1])[0..8].</summary>
    public static void CompressLayer(Index1D i, ArrayView<uint> children, ArrayView<uint> parents, ArrayView<uint> rc, Poseidon2Shape shape)
    {
        var s = Poseidon2State.Load(children, (long)i.X * Poseidon2State.Width);
        s.Permute(shape, rc);
        s.StoreRate(parents, (long)i.X * Poseidon2State.Rate);
    }

    /// <summary>Mixed-height injection: nodes[i] = perm(nodes[i] ‖ rowHashes[i])[0..8].</summary>
    public static void CompressInject(Index1D i, ArrayView<uint> nodes, ArrayView<uint> rowHashes, ArrayView<uint> rc, Poseidon2Shape shape)
    {
        long o = (long)i.X * Poseidon2State.Rate;
        var s = Poseidon2State.LoadHalves(nodes, o, rowHashes, o);
        s.Permute(shape, rc);
        s.StoreRate(nodes, o);
    }
}
