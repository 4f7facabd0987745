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
