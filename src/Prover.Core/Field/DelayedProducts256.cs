using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>
/// Sums of products of 8-lane vectors (Montgomery words, canonical) with broadcast constants on AVX2, reduced once:
/// Σ_q x_q·c_q per lane as 64-bit accumulators (the even lanes' products in one vector, the odd lanes' in another, as
/// <c>vpmuludq</c> gives them) instead of one Montgomery reduction per product. Each step adds a product &lt; p² and
/// subtracts C = p·2^31 when the sum reaches C, so an accumulator stays below C:
/// <list type="bullet">
/// <item>acc &lt; C and x·c &lt; p² give s &lt; p·2^31 + p² &lt; 2^63, so the signed comparison <c>vpcmpgtq</c> is exact;</item>
/// <item>s ≥ C: s − C &lt; p² &lt; C (p &lt; 2^31); s &lt; C: nothing to do;</item>
/// <item>C is a multiple of p, so the residue mod p is the sum of the products', and the final Montgomery reduction
/// (input below p·2^32) gives (Σ x_q·c_q)·2^−32 mod p, canonical: the same word as the sum of the reduced products
/// (field arithmetic is exact, so the values do not depend on the order or the grouping).</item>
/// </list>
/// A step is 5 instructions per half (multiply, add, compare, and, subtract) against 17 for a reduced product and a
/// reduced addition. Callers check <see cref="Avx2.IsSupported"/> (through <c>KernelSelection.Simd</c>).
/// </summary>
internal static class DelayedProducts256<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>The odd lanes of <paramref name="x"/> moved to the even positions (the multiplier reads the low halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> OddLanes(Vector256<uint> x) => Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();

    /// <summary>acc += x·c on the 4 even (or odd, with <see cref="OddLanes"/>) lanes, kept below C = p·2^31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Step(Vector256<ulong> acc, Vector256<uint> x, Vector256<uint> c)
    {
        Debug.Assert(Avx2.IsSupported);
        var bound = Vector256.Create((ulong)TParams.P << 31);
        var s = acc + Avx2.Multiply(x, c);
        var reached = Avx2.CompareGreaterThan(s.AsInt64(), (bound - Vector256<ulong>.One).AsInt64()).AsUInt64();
        return s - (reached & bound);
    }

    /// <summary>The 8 lanes' sums (even and odd accumulators, each below p·2^32) Montgomery-reduced to canonical words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Reduce(Vector256<ulong> even, Vector256<ulong> odd)
    {
        Debug.Assert(Avx2.IsSupported);
        var p = Vector256.Create(TParams.P);
        var mu = Vector256.Create(TParams.MontyMu);
        var u0 = Avx2.Multiply(Avx2.Multiply(even.AsUInt32(), mu).AsUInt32(), p);
        var u1 = Avx2.Multiply(Avx2.Multiply(odd.AsUInt32(), mu).AsUInt32(), p);
        // High words of x − u hold x·2^−32 mod p in (−p, p): even results into even lanes, odd ones from the odd difference.
        var d0 = Avx.DuplicateOddIndexed((even - u0).AsSingle()).AsUInt32();
        var d = Avx2.Blend(d0, (odd - u1).AsUInt32(), 0b1010_1010);
        return Vector256.Min(d, d + p);
    }

    /// <summary>
    /// dst = a·b in a binomial quartic extension (x^4 = <paramref name="w"/>, broadcast), 8 lanes of elements, component c of
    /// every lane in vector c; dst may alias a or b. With b'_j = W·b_j (three reduced products),
    /// <code>c0 = a0b0 + a1b'3 + a2b'2 + a3b'1    c1 = a0b1 + a1b0 + a2b'3 + a3b'2
    /// c2 = a0b2 + a1b1 + a2b0 + a3b'3    c3 = a0b3 + a1b2 + a2b1 + a3b0</code>
    /// each the sum of four products &lt; 4p² &lt; 2^64 (no wrap, p &lt; 2^31), brought below p·2^32 by one conditional subtraction
    /// of p·2^32 (s − p·2^32 &lt; 4p² − p·2^32 = p·(4p − 2^32) &lt; p·2^32) and reduced once: 7 reductions instead of the schoolbook's 19.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulQuartic(ReadOnlySpan<Vector256<uint>> a, ReadOnlySpan<Vector256<uint>> b, Span<Vector256<uint>> dst, Vector256<uint> w)
    {
        Debug.Assert(Avx2.IsSupported);
        var (a0, a1, a2, a3) = (a[0], a[1], a[2], a[3]);
        var (b0, b1, b2, b3) = (b[0], b[1], b[2], b[3]);
        var w1 = PackedMontyField31<TParams>.Mul(b1, w);
        var w2 = PackedMontyField31<TParams>.Mul(b2, w);
        var w3 = PackedMontyField31<TParams>.Mul(b3, w);
        var (a0o, a1o, a2o, a3o) = (High(a0), High(a1), High(a2), High(a3));
        var (b0o, b1o, b2o, b3o) = (High(b0), High(b1), High(b2), High(b3));
        var (w1o, w2o, w3o) = (High(w1), High(w2), High(w3));
        dst[0] = Sum4(a0, b0, a1, w3, a2, w2, a3, w1, a0o, b0o, a1o, w3o, a2o, w2o, a3o, w1o);
        dst[1] = Sum4(a0, b1, a1, b0, a2, w3, a3, w2, a0o, b1o, a1o, b0o, a2o, w3o, a3o, w2o);
        dst[2] = Sum4(a0, b2, a1, b1, a2, b0, a3, w3, a0o, b2o, a1o, b1o, a2o, b0o, a3o, w3o);
        dst[3] = Sum4(a0, b3, a1, b2, a2, b1, a3, b0, a0o, b3o, a1o, b2o, a2o, b1o, a3o, b0o);
    }

    /// <summary>The odd 32-bit lanes in the even positions (<c>vmovshdup</c>), for the odd products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> High(Vector256<uint> x) => Avx.DuplicateOddIndexed(x.AsSingle()).AsUInt32();

    /// <summary>Σ of four lane-wise products (even lanes from x·y, odd lanes from the odd halves), reduced to canonical words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Sum4(Vector256<uint> x0, Vector256<uint> y0, Vector256<uint> x1, Vector256<uint> y1,
        Vector256<uint> x2, Vector256<uint> y2, Vector256<uint> x3, Vector256<uint> y3,
        Vector256<uint> x0o, Vector256<uint> y0o, Vector256<uint> x1o, Vector256<uint> y1o,
        Vector256<uint> x2o, Vector256<uint> y2o, Vector256<uint> x3o, Vector256<uint> y3o)
    {
        var even = Avx2.Multiply(x0, y0) + Avx2.Multiply(x1, y1) + (Avx2.Multiply(x2, y2) + Avx2.Multiply(x3, y3));
        var odd = Avx2.Multiply(x0o, y0o) + Avx2.Multiply(x1o, y1o) + (Avx2.Multiply(x2o, y2o) + Avx2.Multiply(x3o, y3o));
        return Reduce(BelowP32(even), BelowP32(odd));
    }

    /// <summary>s − p·2^32 where s ≥ p·2^32 (an unsigned comparison: both sides' top bits flipped for the signed <c>vpcmpgtq</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BelowP32(Vector256<ulong> s)
    {
        var bound = Vector256.Create((ulong)TParams.P << 32);
        var flip = Vector256.Create(1UL << 63);
        var reached = Avx2.CompareGreaterThan((s ^ flip).AsInt64(), ((bound - Vector256<ulong>.One) ^ flip).AsInt64()).AsUInt64();
        return s - (reached & bound);
    }

    /// <summary>
    /// acc[j] += Σ_(q &lt; count) x[q]·constants[q·4 + j] for j &lt; 4: the α-fold of the quotient (x the constraint values, the
    /// constants the quartic α powers' components broadcast), each component reduced once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FoldQuartic(ReadOnlySpan<Vector256<uint>> x, int count, ReadOnlySpan<Vector256<uint>> constants, Span<Vector256<uint>> acc)
    {
        if (x.Length < count || constants.Length < 4 * count || acc.Length < 4)
            throw new ArgumentException("FoldQuartic: spans too short");
        Vector256<ulong> e0 = default, e1 = default, e2 = default, e3 = default;
        Vector256<ulong> o0 = default, o1 = default, o2 = default, o3 = default;
        for (int q = 0; q < count; q++)
        {
            var v = x[q];
            var vo = OddLanes(v);
            var c = constants.Slice(4 * q, 4);
            e0 = Step(e0, v, c[0]);
            o0 = Step(o0, vo, c[0]);
            e1 = Step(e1, v, c[1]);
            o1 = Step(o1, vo, c[1]);
            e2 = Step(e2, v, c[2]);
            o2 = Step(o2, vo, c[2]);
            e3 = Step(e3, v, c[3]);
            o3 = Step(o3, vo, c[3]);
        }
        acc[0] = PackedMontyField31<TParams>.Add(acc[0], Reduce(e0, o0));
        acc[1] = PackedMontyField31<TParams>.Add(acc[1], Reduce(e1, o1));
        acc[2] = PackedMontyField31<TParams>.Add(acc[2], Reduce(e2, o2));
        acc[3] = PackedMontyField31<TParams>.Add(acc[3], Reduce(e3, o3));
    }
}
