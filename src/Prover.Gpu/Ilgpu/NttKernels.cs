using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Batched radix-2 NTT building blocks over the columns of a row-major matrix (row r, column c at
/// data[r·width + c]) as ILGPU kernels, one thread per (butterfly, column); the same algorithm as
/// native/kernels/ntt.cl. Twiddles: tw[i] = ω^i for i &lt; 2^(L−1), ω a primitive 2^L-th root; level j
/// (half-size m = 2^j) of a transform uses ω_{2m}^k = tw[k &lt;&lt; (L − 1 − j)].
/// Indices are 32-bit: callers keep buffers below 2^32 words.
/// </summary>
public static class NttKernels
{
    /// <summary>dst row r = src row bitrev(r) (out of place); one thread per word of src.</summary>
    public static void BitReverseRows(Index1D i, ArrayView<uint> src, ArrayView<uint> dst, int width, int logRows)
    {
        uint gid = (uint)i.X;
        uint row = gid / (uint)width;
        uint col = gid - row * (uint)width;
        dst[(long)gid] = src[(long)(MontyField.BitReverse(row, logRows) * (uint)width + col)];
    }

    /// <summary>data[r·width + c] *= factors[r]; one thread per word of the first factors.Length rows.</summary>
    public static void ScaleRows(Index1D i, ArrayView<uint> data, ArrayView<uint> factors, int width, MontyField f)
    {
        uint gid = (uint)i.X;
        data[(long)gid] = f.Mul(data[(long)gid], factors[(long)(gid / (uint)width)]);
    }

    /// <summary>
    /// output[i] = first·ratio^e with e = i, or bitrev(i) over <paramref name="reverseBits"/> bits when that is positive (square and
    /// multiply): the scale factors of the LDEs and quotient chunks and FRI's 1/(2x) tables, made on the device instead of uploaded.
    /// Field products are exact, so these are the words of the host's running products.
    /// </summary>
    public static void Geometric(Index1D i, ArrayView<uint> output, uint first, uint ratio, int reverseBits, MontyField f)
    {
        uint e = reverseBits > 0 ? MontyField.BitReverse((uint)i.X, reverseBits) : (uint)i.X;
        uint acc = first, power = ratio;
        while (e != 0)
        {
            if ((e & 1) != 0)
                acc = f.Mul(acc, power);
            power = f.Mul(power, power);
            e >>= 1;
        }
        output[i] = acc;
    }

    /// <summary>
    /// flag[0] = 1 when data[i] ≠ 0 (else unchanged; concurrent writers all write 1): FRI's final polynomial checks on the device that
    /// its coefficients above 2^LogFinalPolyLength vanish, so only the low coefficients and this word come back.
    /// </summary>
    public static void FlagNonZero(Index1D i, ArrayView<uint> data, ArrayView<uint> flag)
    {
        if (data[i] != 0u)
            flag[0] = 1u;
    }

    /// <summary>
    /// One decimation-in-time level (bit-reversed → natural when run for j = 0 .. log−1):
    /// (x, y) ← (x + w·y, x − w·y). One thread per (butterfly, column): (rows/2)·width threads.
    /// </summary>
    public static void DitLevel(Index1D i, ArrayView<uint> data, ArrayView<uint> tw, int width, int j, int twShift, MontyField f)
    {
        uint gid = (uint)i.X;
        uint t = gid / (uint)width;
        uint c = gid - t * (uint)width;
        uint m = 1u << j;
        uint k = t & (m - 1u);
        uint a = (((t >> j) << (j + 1)) + k) * (uint)width + c;
        uint b = a + m * (uint)width;
        uint x = data[(long)a];
        uint y = f.Mul(data[(long)b], tw[(long)(k << twShift)]);
        data[(long)a] = f.Add(x, y);
        data[(long)b] = f.Sub(x, y);
    }

    /// <summary>
    /// One decimation-in-frequency level (natural → bit-reversed when run for j = log−1 .. 0):
    /// (x, y) ← (x + y, (x − y)·w).
    /// </summary>
    public static void DifLevel(Index1D i, ArrayView<uint> data, ArrayView<uint> tw, int width, int j, int twShift, MontyField f)
    {
        uint gid = (uint)i.X;
        uint t = gid / (uint)width;
        uint c = gid - t * (uint)width;
        uint m = 1u << j;
        uint k = t & (m - 1u);
        uint a = (((t >> j) << (j + 1)) + k) * (uint)width + c;
        uint b = a + m * (uint)width;
        uint x = data[(long)a];
        uint y = data[(long)b];
        data[(long)a] = f.Add(x, y);
        data[(long)b] = f.Mul(f.Sub(x, y), tw[(long)(k << twShift)]);
    }
}
