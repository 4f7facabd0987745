using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Out-of-domain openings on the device (the CPU's <c>Polynomials.BarycentricWeights</c> and column combinations, word for
/// word, over the binomial quartic extension): the barycentric weights of a point z for the trace domain H = ⟨ω⟩ of n rows,
/// w_i = scale·ω^i/(z − ω^i) with scale = (z^n − 1)/n, then each column's value Σ_i w_i·M[i, c] as block partial sums and one
/// reduction per column. Each weight has its own inversion (the same element as the CPU's batch inversion: inverses are
/// unique), and the sums are exact, so their order does not change the words.
/// </summary>
public static class OpeningKernels
{
    /// <summary>weights[i] = scale·ω^i/(z − ω^i) for i &lt; 2^logN; zScale holds z (4 words) then scale (4 words).</summary>
    public static void Weights(Index1D i, ArrayView<uint> weights, ArrayView<uint> zScale, uint omega, int logN, uint one, ExtensionShape e)
    {
        var f = e.Field;
        uint x = one, power = omega;
        for (int b = 0; b < logN; b++)
        {
            if (((i.X >> b) & 1) != 0)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        ExtensionKernels.Inverse(e, f.Sub(zScale[0], x), zScale[1], zScale[2], zScale[3], out uint v0, out uint v1, out uint v2, out uint v3);
        ExtensionKernels.Mul(e, f.Mul(v0, x), f.Mul(v1, x), f.Mul(v2, x), f.Mul(v3, x), zScale[4], zScale[5], zScale[6], zScale[7],
            out uint r0, out uint r1, out uint r2, out uint r3);
        long o = 4L * i.X;
        weights[o] = r0;
        weights[o + 1] = r1;
        weights[o + 2] = r2;
        weights[o + 3] = r3;
    }

    /// <summary>
    /// Thread t = b·width + c: partial[t] = Σ_{r in block b} weights[r]·matrix[r, c] over rows [b·block, min(rows, (b + 1)·block))
    /// of a row-major base-field matrix of <paramref name="width"/> columns.
    /// </summary>
    public static void PartialSums(Index1D t, ArrayView<uint> matrix, ArrayView<uint> weights, ArrayView<uint> partial, int width, int rows, int block, ExtensionShape e)
    {
        var f = e.Field;
        int b = t.X / width, c = t.X - b * width;
        int start = b * block;
        int end = start + block < rows ? start + block : rows;
        uint a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int r = start; r < end; r++)
        {
            uint v = matrix[(long)r * width + c];
            long w = 4L * r;
            a0 = f.Add(a0, f.Mul(weights[w], v));
            a1 = f.Add(a1, f.Mul(weights[w + 1], v));
            a2 = f.Add(a2, f.Mul(weights[w + 2], v));
            a3 = f.Add(a3, f.Mul(weights[w + 3], v));
        }
        long o = 4L * t.X;
        partial[o] = a0;
        partial[o + 1] = a1;
        partial[o + 2] = a2;
        partial[o + 3] = a3;
    }

    /// <summary>output[c] = Σ_b partial[b·width + c] (4 words each): one reduction per column.</summary>
    public static void ReduceColumns(Index1D c, ArrayView<uint> partial, ArrayView<uint> output, int width, int blocks, MontyField f)
    {
        uint a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int b = 0; b < blocks; b++)
        {
            long o = 4L * ((long)b * width + c.X);
            a0 = f.Add(a0, partial[o]);
            a1 = f.Add(a1, partial[o + 1]);
            a2 = f.Add(a2, partial[o + 2]);
            a3 = f.Add(a3, partial[o + 3]);
        }
        long w = 4L * c.X;
        output[w] = a0;
        output[w + 1] = a1;
        output[w + 2] = a2;
        output[w + 3] = a3;
    }
}
