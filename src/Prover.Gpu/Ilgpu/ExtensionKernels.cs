using System.Runtime.CompilerServices;
using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>A binomial quartic extension F[x]/(x^4 − W) as a kernel argument (W in Montgomery form).</summary>
public readonly struct ExtensionShape
{
    public ExtensionShape(MontyField field, uint w)
    {
        Field = field;
        W = w;
    }

    public MontyField Field { get; }

    public uint W { get; }

    /// <summary>The only degree these kernels implement (written out by hand; ILGPU does not unroll).</summary>
    public const int Degree = 4;
}

/// <summary>
/// Extension-field kernels of FRI and DEEP over the binomial quartic extension (the prover's
/// KoalaBear/BabyBear challenge field). Elements are 4 consecutive Montgomery words. Field results are
/// canonical, so the grouping of products may differ from the CPU's and the words are still equal.
/// </summary>
public static class ExtensionKernels
{
    /// <summary>
    /// One arity-2 FRI fold (Fri.Fold): folded[j] = (a + b)/2 + β·(a − b)·inv2x[j], a = src[2j],
    /// b = src[2j+1]; β is 4 words.
    /// </summary>
    public static void FriFold(Index1D i, ArrayView<uint> src, ArrayView<uint> dst, ArrayView<uint> beta, ArrayView<uint> halfInverseX, ExtensionShape e)
    {
        var f = e.Field;
        long j = i.X;
        long a = 8 * j, b = a + 4, o = 4 * j;
        uint h = halfInverseX[j];
        uint d0 = f.Mul(f.Sub(src[a], src[b]), h);
        uint d1 = f.Mul(f.Sub(src[a + 1], src[b + 1]), h);
        uint d2 = f.Mul(f.Sub(src[a + 2], src[b + 2]), h);
        uint d3 = f.Mul(f.Sub(src[a + 3], src[b + 3]), h);
        Mul(e, beta[0], beta[1], beta[2], beta[3], d0, d1, d2, d3, out uint t0, out uint t1, out uint t2, out uint t3);
        dst[o] = f.Add(f.Halve(f.Add(src[a], src[b])), t0);
        dst[o + 1] = f.Add(f.Halve(f.Add(src[a + 1], src[b + 1])), t1);
        dst[o + 2] = f.Add(f.Halve(f.Add(src[a + 2], src[b + 2])), t2);
        dst[o + 3] = f.Add(f.Halve(f.Add(src[a + 3], src[b + 3])), t3);
    }

    /// <summary>
    /// out[r] = Σ_c coeffs[c]·M[r, c] with extension coefficients over a base-field matrix of
    /// <paramref name="width"/> columns: the column combination of DEEP batching (Deep.cs, "S(r) = Σ_c λ^c·M[r, c]").
    /// </summary>
    public static void CombineColumns(Index1D i, ArrayView<uint> matrix, ArrayView<uint> coeffs, ArrayView<uint> output, int width, ExtensionShape e)
    {
        var f = e.Field;
        long row = (long)i.X * width;
        uint a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int c = 0; c < width; c++)
        {
            uint v = matrix[row + c];
            long k = 4L * c;
            a0 = f.Add(a0, f.Mul(coeffs[k], v));
            a1 = f.Add(a1, f.Mul(coeffs[k + 1], v));
            a2 = f.Add(a2, f.Mul(coeffs[k + 2], v));
            a3 = f.Add(a3, f.Mul(coeffs[k + 3], v));
        }
        long o = 4L * i.X;
        output[o] = a0;
        output[o + 1] = a1;
        output[o + 2] = a2;
        output[o + 3] = a3;
    }

    /// <summary>dst[j] += weight·src[j] (4 words each): a smaller table's DEEP codeword rolled into FRI with weight β^k.</summary>
    public static void AddScaled(Index1D i, ArrayView<uint> dst, ArrayView<uint> src, ArrayView<uint> weight, ExtensionShape e)
    {
        var f = e.Field;
        long o = 4L * i.X;
        Mul(e, weight[0], weight[1], weight[2], weight[3], src[o], src[o + 1], src[o + 2], src[o + 3], out uint t0, out uint t1, out uint t2, out uint t3);
        dst[o] = f.Add(dst[o], t0);
        dst[o + 1] = f.Add(dst[o + 1], t1);
        dst[o + 2] = f.Add(dst[o + 2], t2);
        dst[o + 3] = f.Add(dst[o + 3], t3);
    }

    /// <summary>
    /// output[r] = 1/(x_r − z) for the LDE points x_r = shift·ω^bitrev(r) of a domain of 2^<paramref name="logH"/> points
    /// (DEEP's denominators; z is 4 words, ω and shift Montgomery words). Each thread inverts its own value
    /// (inverses are unique, so the words equal the CPU's batch inversion).
    /// </summary>
    public static void DeepInverse(Index1D i, ArrayView<uint> output, ArrayView<uint> z, uint omega, uint shift, int logH, ExtensionShape e)
    {
        var f = e.Field;
        uint exponent = MontyField.BitReverse((uint)i.X, logH);
        uint x = shift, power = omega;
        for (int b = 0; b < logH; b++)
        {
            if (((exponent >> b) & 1u) != 0u)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        Inverse(e, f.Sub(x, z[0]), f.Sub(0u, z[1]), f.Sub(0u, z[2]), f.Sub(0u, z[3]), out uint r0, out uint r1, out uint r2, out uint r3);
        long o = 4L * i.X;
        output[o] = r0;
        output[o + 1] = r1;
        output[o + 2] = r2;
        output[o + 3] = r3;
    }

    /// <summary>acc[r] += inv[r]·(t[r] − y): one opening point's DEEP quotient added to its height's codeword (y is 4 words).</summary>
    public static void DeepAccumulate(Index1D i, ArrayView<uint> acc, ArrayView<uint> t, ArrayView<uint> inv, ArrayView<uint> y, ExtensionShape e)
    {
        var f = e.Field;
        long o = 4L * i.X;
        Mul(e, inv[o], inv[o + 1], inv[o + 2], inv[o + 3],
            f.Sub(t[o], y[0]), f.Sub(t[o + 1], y[1]), f.Sub(t[o + 2], y[2]), f.Sub(t[o + 3], y[3]),
            out uint r0, out uint r1, out uint r2, out uint r3);
        acc[o] = f.Add(acc[o], r0);
        acc[o + 1] = f.Add(acc[o + 1], r1);
        acc[o + 2] = f.Add(acc[o + 2], r2);
        acc[o + 3] = f.Add(acc[o + 3], r3);
    }

    /// <summary>
    /// a^−1 in F[x]/(x^4 − W) through the tower y = x²: a = A + B·x with A, B in F[y]/(y² − W); a·(A − B·x) = A² − B²·y
    /// = N = n0 + n1·y; N·(n0 − n1·y) = n0² − W·n1² (the norm, in F, inverted by Fermat: p − 2). Zero maps to zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Inverse(in ExtensionShape e, uint a0, uint a1, uint a2, uint a3, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        var f = e.Field;
        uint w = e.W;
        uint n0 = f.Sub(f.Add(f.Mul(a0, a0), f.Mul(w, f.Mul(a2, a2))), f.Mul(w, f.Add(f.Mul(a1, a3), f.Mul(a1, a3))));
        uint n1 = f.Sub(f.Add(f.Mul(a0, a2), f.Mul(a0, a2)), f.Add(f.Mul(a1, a1), f.Mul(w, f.Mul(a3, a3))));
        uint norm = f.Sub(f.Mul(n0, n0), f.Mul(w, f.Mul(n1, n1)));
        uint inv = f.Inverse(norm);
        uint m0 = f.Mul(n0, inv), m1 = f.Sub(0u, f.Mul(n1, inv));
        r0 = f.Add(f.Mul(a0, m0), f.Mul(w, f.Mul(a2, m1)));
        r1 = f.Sub(0u, f.Add(f.Mul(a1, m0), f.Mul(w, f.Mul(a3, m1))));
        r2 = f.Add(f.Mul(a0, m1), f.Mul(a2, m0));
        r3 = f.Sub(0u, f.Add(f.Mul(a1, m1), f.Mul(a3, m0)));
    }

    /// <summary>(a0..a3)·(b0..b3) mod x^4 − W: r_k = Σ_{i≤k} a_i·b_(k−i) + W·Σ_{i>k} a_i·b_(k+4−i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Mul(in ExtensionShape e, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, uint b2, uint b3,
        out uint r0, out uint r1, out uint r2, out uint r3)
    {
        var f = e.Field;
        uint w = e.W;
        r0 = f.Add(f.Mul(a0, b0), f.Mul(w, f.Add(f.Add(f.Mul(a1, b3), f.Mul(a2, b2)), f.Mul(a3, b1))));
        r1 = f.Add(f.Add(f.Mul(a0, b1), f.Mul(a1, b0)), f.Mul(w, f.Add(f.Mul(a2, b3), f.Mul(a3, b2))));
        r2 = f.Add(f.Add(f.Add(f.Mul(a0, b2), f.Mul(a1, b1)), f.Mul(a2, b0)), f.Mul(w, f.Mul(a3, b3)));
        r3 = f.Add(f.Add(f.Mul(a0, b3), f.Mul(a1, b2)), f.Add(f.Mul(a2, b1), f.Mul(a3, b0)));
    }
}
