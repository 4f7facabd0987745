using System.Runtime.CompilerServices;
using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// A binomial extension F[x]/(x^D − W) of degree 4 or 8 as a kernel argument: the octic extension of provable-100/128 (and the
/// quartic one) for the kernels of <see cref="WideKernels"/>, whose extension values live in device memory (D words each).
/// </summary>
public readonly struct WideShape
{
    public WideShape(MontyField field, uint w, int degree)
    {
        Field = field;
        W = w;
        Degree = degree;
    }

    public MontyField Field { get; }

    public uint W { get; }

    /// <summary>4 or 8.</summary>
    public int Degree { get; }

    /// <summary>The quartic shape of the tower y = x² (y^4 = W) the octic arithmetic is built on.</summary>
    public ExtensionShape Quartic => new(Field, W);
}

/// <summary>
/// Extension arithmetic over values in device memory (D words at an offset of a view), for degree 4 (<see cref="ExtensionKernels"/>'
/// written-out quartic arithmetic) and 8 (the tower x² = y over the quartic F[y]/(y^4 − W): a = A + x·B, b = C + x·D gives
/// a·b = (A·C + y·B·D) + x·(A·D + B·C), and a^−1 = (A − x·B)·(A² − y·B²)^−1). Operands are read before the result is
/// written, so a result may overwrite an operand. ILGPU does not unroll loops over local arrays, so the octic values are
/// 8 scalars and every step is written out.
/// </summary>
public static class WideExtension
{
    /// <summary>dv[d..] = av[a..]·bv[b..].</summary>
    public static void Mul(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> bv, long b, ArrayView<uint> dv, long d)
    {
        var q = e.Quartic;
        if (e.Degree == 4)
        {
            ExtensionKernels.Mul(q, av[a], av[a + 1], av[a + 2], av[a + 3], bv[b], bv[b + 1], bv[b + 2], bv[b + 3],
                out uint r0, out uint r1, out uint r2, out uint r3);
            dv[d] = r0;
            dv[d + 1] = r1;
            dv[d + 2] = r2;
            dv[d + 3] = r3;
            return;
        }
        Mul8(q, av[a], av[a + 1], av[a + 2], av[a + 3], av[a + 4], av[a + 5], av[a + 6], av[a + 7],
            bv[b], bv[b + 1], bv[b + 2], bv[b + 3], bv[b + 4], bv[b + 5], bv[b + 6], bv[b + 7],
            out uint s0, out uint s1, out uint s2, out uint s3, out uint s4, out uint s5, out uint s6, out uint s7);
        dv[d] = s0;
        dv[d + 1] = s1;
        dv[d + 2] = s2;
        dv[d + 3] = s3;
        dv[d + 4] = s4;
        dv[d + 5] = s5;
        dv[d + 6] = s6;
        dv[d + 7] = s7;
    }

    /// <summary>dv[d..] += av[a..]·bv[b..] (the product is formed in registers before dv is written, so dv may overlap an operand).</summary>
    public static void MulAdd(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> bv, long b, ArrayView<uint> dv, long d)
    {
        var q = e.Quartic;
        var f = e.Field;
        if (e.Degree == 4)
        {
            ExtensionKernels.Mul(q, av[a], av[a + 1], av[a + 2], av[a + 3], bv[b], bv[b + 1], bv[b + 2], bv[b + 3],
                out uint r0, out uint r1, out uint r2, out uint r3);
            dv[d] = f.Add(dv[d], r0);
            dv[d + 1] = f.Add(dv[d + 1], r1);
            dv[d + 2] = f.Add(dv[d + 2], r2);
            dv[d + 3] = f.Add(dv[d + 3], r3);
            return;
        }
        Mul8(q, av[a], av[a + 1], av[a + 2], av[a + 3], av[a + 4], av[a + 5], av[a + 6], av[a + 7],
            bv[b], bv[b + 1], bv[b + 2], bv[b + 3], bv[b + 4], bv[b + 5], bv[b + 6], bv[b + 7],
            out uint s0, out uint s1, out uint s2, out uint s3, out uint s4, out uint s5, out uint s6, out uint s7);
        dv[d] = f.Add(dv[d], s0);
        dv[d + 1] = f.Add(dv[d + 1], s1);
        dv[d + 2] = f.Add(dv[d + 2], s2);
        dv[d + 3] = f.Add(dv[d + 3], s3);
        dv[d + 4] = f.Add(dv[d + 4], s4);
        dv[d + 5] = f.Add(dv[d + 5], s5);
        dv[d + 6] = f.Add(dv[d + 6], s6);
        dv[d + 7] = f.Add(dv[d + 7], s7);
    }

    /// <summary>dv[d..] = av[a..]^−1 (zero maps to zero).</summary>
    public static void Inverse(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> dv, long d)
    {
        var q = e.Quartic;
        if (e.Degree == 4)
        {
            ExtensionKernels.Inverse(q, av[a], av[a + 1], av[a + 2], av[a + 3], out uint r0, out uint r1, out uint r2, out uint r3);
            dv[d] = r0;
            dv[d + 1] = r1;
            dv[d + 2] = r2;
            dv[d + 3] = r3;
            return;
        }
        var f = e.Field;
        uint a0 = av[a], a1 = av[a + 1], a2 = av[a + 2], a3 = av[a + 3], a4 = av[a + 4], a5 = av[a + 5], a6 = av[a + 6], a7 = av[a + 7];
        // A = (a0, a2, a4, a6), B = (a1, a3, a5, a7) over y; N = A² − y·B².
        ExtensionKernels.Mul(q, a0, a2, a4, a6, a0, a2, a4, a6, out uint p0, out uint p1, out uint p2, out uint p3);
        ExtensionKernels.Mul(q, a1, a3, a5, a7, a1, a3, a5, a7, out uint t0, out uint t1, out uint t2, out uint t3);
        // y·(t0, t1, t2, t3) = (W·t3, t0, t1, t2).
        ExtensionKernels.Inverse(q, f.Sub(p0, f.Mul(e.W, t3)), f.Sub(p1, t0), f.Sub(p2, t1), f.Sub(p3, t2),
            out uint n0, out uint n1, out uint n2, out uint n3);
        ExtensionKernels.Mul(q, a0, a2, a4, a6, n0, n1, n2, n3, out uint e0, out uint e1, out uint e2, out uint e3);
        ExtensionKernels.Mul(q, a1, a3, a5, a7, n0, n1, n2, n3, out uint o0, out uint o1, out uint o2, out uint o3);
        dv[d] = e0;
        dv[d + 1] = f.Sub(0u, o0);
        dv[d + 2] = e1;
        dv[d + 3] = f.Sub(0u, o1);
        dv[d + 4] = e2;
        dv[d + 5] = f.Sub(0u, o2);
        dv[d + 6] = e3;
        dv[d + 7] = f.Sub(0u, o3);
    }

    /// <summary>The octic product through the quartic tower (see the class).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Mul8(in ExtensionShape q, uint a0, uint a1, uint a2, uint a3, uint a4, uint a5, uint a6, uint a7,
        uint b0, uint b1, uint b2, uint b3, uint b4, uint b5, uint b6, uint b7,
        out uint r0, out uint r1, out uint r2, out uint r3, out uint r4, out uint r5, out uint r6, out uint r7)
    {
        var f = q.Field;
        ExtensionKernels.Mul(q, a0, a2, a4, a6, b0, b2, b4, b6, out uint c0, out uint c1, out uint c2, out uint c3); // A·C
        ExtensionKernels.Mul(q, a1, a3, a5, a7, b1, b3, b5, b7, out uint d0, out uint d1, out uint d2, out uint d3); // B·D
        ExtensionKernels.Mul(q, a0, a2, a4, a6, b1, b3, b5, b7, out uint g0, out uint g1, out uint g2, out uint g3); // A·D
        ExtensionKernels.Mul(q, a1, a3, a5, a7, b0, b2, b4, b6, out uint h0, out uint h1, out uint h2, out uint h3); // B·C
        r0 = f.Add(c0, f.Mul(q.W, d3));
        r2 = f.Add(c1, d0);
        r4 = f.Add(c2, d1);
        r6 = f.Add(c3, d2);
        r1 = f.Add(g0, h0);
        r3 = f.Add(g1, h1);
        r5 = f.Add(g2, h2);
        r7 = f.Add(g3, h3);
    }

    /// <summary>dv[d..] = av[a..] + bv[b..].</summary>
    public static void Add(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> bv, long b, ArrayView<uint> dv, long d)
    {
        var f = e.Field;
        for (int k = 0; k < e.Degree; k++)
            dv[d + k] = f.Add(av[a + k], bv[b + k]);
    }

    /// <summary>dv[d..] = av[a..] − bv[b..].</summary>
    public static void Sub(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> bv, long b, ArrayView<uint> dv, long d)
    {
        var f = e.Field;
        for (int k = 0; k < e.Degree; k++)
            dv[d + k] = f.Sub(av[a + k], bv[b + k]);
    }

    /// <summary>dv[d..] = av[a..]·v (a base-field scalar).</summary>
    public static void Scale(in WideShape e, ArrayView<uint> av, long a, uint v, ArrayView<uint> dv, long d)
    {
        var f = e.Field;
        for (int k = 0; k < e.Degree; k++)
            dv[d + k] = f.Mul(av[a + k], v);
    }

    /// <summary>dv[d..] = av[a..].</summary>
    public static void Copy(in WideShape e, ArrayView<uint> av, long a, ArrayView<uint> dv, long d)
    {
        for (int k = 0; k < e.Degree; k++)
            dv[d + k] = av[a + k];
    }

    /// <summary>dv[d..] = the base element v (v, 0, …, 0).</summary>
    public static void SetBase(in WideShape e, uint v, ArrayView<uint> dv, long d)
    {
        dv[d] = v;
        for (int k = 1; k < e.Degree; k++)
            dv[d + k] = 0u;
    }

    /// <summary>True when av[a..] is zero.</summary>
    public static bool IsZero(in WideShape e, ArrayView<uint> av, long a)
    {
        uint any = 0u;
        for (int k = 0; k < e.Degree; k++)
            any |= av[a + k];
        return any == 0u;
    }
}
