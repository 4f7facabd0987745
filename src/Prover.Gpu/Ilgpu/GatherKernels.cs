using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Gathering rows of a row-major device buffer into a small one: the query openings take the opened rows of a committed matrix
/// and the sibling digests of a Merkle tree (rows of 8 words of its layer buffer) this way from their device copies, so only the
/// opened words cross the bus (and one row index per opened row goes up).
/// </summary>
public static class GatherKernels
{
    /// <summary>output[i] = source[rows[i / width]·width + i mod width]: the listed rows of <paramref name="width"/> words, in list order.</summary>
    public static void GatherRows(Index1D i, ArrayView<uint> source, ArrayView<int> rows, ArrayView<uint> output, int width)
    {
        int k = i.X / width;
        output[i] = source[(long)rows[k] * width + (i.X - k * width)];
    }

    /// <summary>
    /// output[r·k + j] = source[r·width + columns[j]] (k = <paramref name="count"/>): the listed columns of every row, as a new
    /// row-major matrix (DEEP's ζ·ω point reads only the columns opened on the next row).
    /// </summary>
    public static void GatherColumns(Index1D i, ArrayView<uint> source, ArrayView<int> columns, ArrayView<uint> output, int width, int count)
    {
        int r = i.X / count;
        output[i] = source[(long)r * width + columns[i.X - r * count]];
    }
}
