using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The quotient's chunks on the device (the CPU's <c>QuotientChunks.Split</c> and <c>EvaluateColumns</c>, word for word): the
/// coefficients of the quotient (2^(logN + logD) values of D words, natural order) regrouped into d chunks of n = 2^logN
/// coefficients side by side, and the powers of a point that evaluate coefficient columns at it. Sums and products are exact
/// field operations, so evaluating Σ_i c_i·z^i as one weighted sum gives Horner's words.
/// </summary>
public static class QuotientChunkKernels
{
    /// <summary>
    /// chunked[i·(D·d) + j·D + c] = coefficients[(j·n + i)·D + c] (n = 2^<paramref name="logN"/>, d = <paramref name="chunks"/>, D =
    /// <paramref name="degree"/>): coefficient i of chunk j in row i; one thread per word.
    /// </summary>
    public static void SplitChunks(Index1D t, ArrayView<uint> coefficients, ArrayView<uint> chunked, int degree, int logN, int chunks)
    {
        int rowWidth = degree * chunks;
        int i = t.X / rowWidth;
        int rest = t.X - i * rowWidth;
        int j = rest / degree;
        int c = rest - j * degree;
        chunked[t] = coefficients[(((long)j << logN) + i) * degree + c];
    }

    /// <summary>powers[i] = z^i (D words each) from <paramref name="squares"/>[b] = z^(2^b), b &lt; <paramref name="logN"/>: one thread per power.</summary>
    public static void Powers(Index1D i, ArrayView<uint> powers, ArrayView<uint> squares, int logN, uint one, WideShape e)
    {
        int dd = e.Degree;
        long o = (long)dd * i.X;
        WideExtension.SetBase(e, one, powers, o);
        for (int b = 0; b < logN; b++)
        {
            if (((i.X >> b) & 1) != 0)
                WideExtension.Mul(e, powers, o, squares, (long)dd * b, powers, o);
        }
    }
}
