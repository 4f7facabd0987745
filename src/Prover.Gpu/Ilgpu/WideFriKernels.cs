using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The DEEP batching and FRI kernels of <see cref="ExtensionKernels"/> for an extension of degree D = 4 or 8 (<see cref="WideShape"/>,
/// arithmetic by <see cref="WideExtension"/>): one kernel per step for every degree, which the prover runs for the octic extension of
/// provable-100/128 (the written-out quartic kernels, which keep their values in registers, stay for the quartic one; the tests run
/// these at degree 4 too and compare them with those). Values are D consecutive Montgomery words; results are canonical field words,
/// so they equal the CPU's whatever the order of the sums.
/// </summary>
public static class WideFriKernels
{
    /// <summary>
    /// One arity-2 FRI fold (<c>Fri.Fold</c>): folded[j] = (a + b)/2 + β·(a − b)·inv2x[j], a = src[2j], b = src[2j + 1]; β is D words.
    /// dst (≠ src) holds (a − b)·inv2x[j] first, then the product with β is formed in registers and the half sum added.
    /// </summary>
    public static void FriFold(Index1D i, ArrayView<uint> src, ArrayView<uint> dst, ArrayView<uint> beta, ArrayView<uint> halfInverseX, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        long j = i.X;
        long a = 2L * dd * j, b = a + dd, o = dd * j;
        uint h = halfInverseX[j];
        for (int k = 0; k < dd; k++)
            dst[o + k] = f.Mul(f.Sub(src[a + k], src[b + k]), h);
        WideExtension.Mul(e, beta, 0, dst, o, dst, o);
        for (int k = 0; k < dd; k++)
            dst[o + k] = f.Add(dst[o + k], f.Halve(f.Add(src[a + k], src[b + k])));
    }

    /// <summary>out[r] = Σ_c coeffs[c]·M[r, c]: DEEP's column combination (D words per coefficient and per result).</summary>
    public static void CombineColumns(Index1D i, ArrayView<uint> matrix, ArrayView<uint> coeffs, ArrayView<uint> output, int width, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        long row = (long)i.X * width, o = (long)dd * i.X;
        for (int k = 0; k < dd; k++)
        {
            uint acc = 0;
            for (int c = 0; c < width; c++)
                acc = f.Add(acc, f.Mul(coeffs[(long)dd * c + k], matrix[row + c]));
            output[o + k] = acc;
        }
    }

    /// <summary>dst[j] += weight·src[j] (D words each): a FRI roll-in, and DEEP's weighted sum of a matrix's combination.</summary>
    public static void AddScaled(Index1D i, ArrayView<uint> dst, ArrayView<uint> src, ArrayView<uint> weight, WideShape e)
    {
        long o = (long)e.Degree * i.X;
        WideExtension.MulAdd(e, weight, 0, src, o, dst, o);
    }

    /// <summary>output[r] = 1/(x_r − z), x_r = shift·ω^bitrev(r) (z is D words; as <see cref="ExtensionKernels.DeepInverse"/>).</summary>
    public static void DeepInverse(Index1D i, ArrayView<uint> output, ArrayView<uint> z, uint omega, uint shift, int logH, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        uint exponent = MontyField.BitReverse((uint)i.X, logH);
        uint x = shift, power = omega;
        for (int b = 0; b < logH; b++)
        {
            if (((exponent >> b) & 1u) != 0u)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        long o = (long)dd * i.X;
        output[o] = f.Sub(x, z[0]);
        for (int k = 1; k < dd; k++)
            output[o + k] = f.Sub(0u, z[k]);
        WideExtension.Inverse(e, output, o, output, o);
    }

    /// <summary>
    /// acc[r] += inv[r]·(t[r] − y): one opening point's DEEP quotient added to its height's codeword (y is D words). t[r] is
    /// left holding t[r] − y (a point's terms are not read again).
    /// </summary>
    public static void DeepAccumulate(Index1D i, ArrayView<uint> acc, ArrayView<uint> t, ArrayView<uint> inv, ArrayView<uint> y, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        long o = (long)dd * i.X;
        for (int k = 0; k < dd; k++)
            t[o + k] = f.Sub(t[o + k], y[k]);
        WideExtension.MulAdd(e, inv, o, t, o, acc, o);
    }
}
