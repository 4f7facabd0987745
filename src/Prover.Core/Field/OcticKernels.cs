using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>
/// SIMD kernels for degree-8 binomial extensions of a 31-bit Montgomery field (the octic extension of provable-100,
/// provable-128 and their final layers): with AVX-512 an element's 8 coefficients are the 8 64-bit lanes of one
/// <see cref="Vector512{T}"/> accumulator; with AVX2 only, of two <see cref="Vector256{T}"/> accumulators (coefficients
/// 0–3 and 4–7), each step the same arithmetic on half the lanes.
/// <list type="bullet">
/// <item><see cref="Multiply"/>: the product x·y (X^8 = W) as Σ_i x_i·(column i), column i (over the coefficients k)
/// being y[k − i] for k ≥ i and W·y[k − i + 8] below: 8 consecutive words of (W·y, y) — one 8-lane multiply per x_i;</item>
/// <item><see cref="Dot"/>: Σ_c a_c·b_c for base elements a_c and extension elements b_c (the verifier's DEEP row
/// combinations Σ λ^c·row_c) — one 64-bit multiply per column.</item>
/// </list>
/// Products (&lt; p²) are accumulated below p·2^32 (after each addition the accumulator keeps min(acc, acc − p·2^32),
/// as <see cref="MontyField31{TParams}.SumOfProducts"/> does) and Montgomery-reduced once per coefficient, so the
/// results are exactly the scalar ones (<see cref="ExtensionField{TBase, TDef}"/>'s binomial product and
/// <see cref="MontyField31{TParams}.SumOfProducts"/>; tests compare every path this machine has with them). Where both
/// widths run, the AVX-512 one is taken; without AVX2 the callers keep the scalar code.
/// </summary>
internal static class OcticKernels<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>Whether this process runs the AVX-512 kernels (AVX-512F with hardware-accelerated 512-bit vectors).</summary>
    internal static bool Avx512Supported { get; } = Avx512F.IsSupported && Avx2.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Whether this process runs the AVX2 kernels.</summary>
    internal static bool Avx2Supported { get; } = Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Whether this process runs one of the kernels (AVX-512 or AVX2).</summary>
    public static bool IsSupported { get; } = Avx512Supported || Avx2Supported;

    /// <summary>result = x·y in F[X]/(X^8 − W); all Montgomery words, 8 each (<paramref name="w"/>: W's word). Needs <see cref="IsSupported"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(ref uint x, ref uint y, uint w, ref uint result)
    {
        if (Avx512Supported)
            Multiply512(ref x, ref y, w, ref result);
        else
            Multiply256(ref x, ref y, w, ref result);
    }

    /// <summary>result[k] = Σ_c a[c]·b[8c + k] for k &lt; 8: Montgomery words; <paramref name="b"/> holds 8 words per column. Needs <see cref="IsSupported"/>.</summary>
    public static void Dot(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        if (b.Length < 8 * a.Length || result.Length < 8)
            throw new ArgumentException("Dot takes 8 words of b per element of a and 8 result words");
        if (Avx512Supported)
            Dot512(a, b, result);
        else
            Dot256(a, b, result);
    }

    /// <summary>The AVX-512 product (<see cref="Multiply"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply512(ref uint x, ref uint y, uint w, ref uint result)
    {
        var yv = Vector256.LoadUnsafe(ref y);
        var wy = Hash.Avx2Lanes<TParams>.Mul(yv, Vector256.Create(w));
        // Lanes 0–7: W·y, lanes 8–15: y. Column i (coefficients k = 0…7) is lanes 8 − i … 15 − i.
        var t = Vector512.Create(wy, yv);
        var bound = Vector512.Create((ulong)TParams.P << 32);
        // valignd: lanes j of AlignRight32(t, t, s) are t[j + s] (j + s < 16 here), so the low 8 lanes at s = 8 − i are column i.
        var acc = Column(x, yv);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 1), Avx512F.AlignRight32(t, t, 7).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 2), Avx512F.AlignRight32(t, t, 6).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 3), Avx512F.AlignRight32(t, t, 5).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 4), Avx512F.AlignRight32(t, t, 4).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 5), Avx512F.AlignRight32(t, t, 3).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 6), Avx512F.AlignRight32(t, t, 2).GetLower()), bound);
        acc = Accumulate(acc, Column(Unsafe.Add(ref x, 7), Avx512F.AlignRight32(t, t, 1).GetLower()), bound);
        Reduce(acc).StoreUnsafe(ref result);
    }

    /// <summary>x_i times the 8 words of column i, as 64-bit products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Column(uint xi, Vector256<uint> column) =>
        Avx512F.Multiply(Avx512F.ConvertToVector512UInt64(column).AsUInt32(), Vector512.Create((ulong)xi).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Accumulate(Vector512<ulong> acc, Vector512<ulong> product, Vector512<ulong> bound)
    {
        // acc < p·2^32 and product < p² < p·2^32, so the sum stays below 2^64; subtracting p·2^32 where it does not wrap
        // keeps the invariant.
        acc += product;
        return Vector512.Min(acc, acc - bound);
    }

    /// <summary>The AVX-512 dot product (<see cref="Dot"/>; lengths checked by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dot512(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        var bound = Vector512.Create((ulong)TParams.P << 32);
        var acc = Vector512<ulong>.Zero;
        ref uint pb = ref MemoryMarshal.GetReference(b);
        for (int c = 0; c < a.Length; c++)
        {
            var column = Avx512F.ConvertToVector512UInt64(Vector256.LoadUnsafe(ref pb, (nuint)(8 * c)));
            acc = Accumulate(acc, Avx512F.Multiply(column.AsUInt32(), Vector512.Create((ulong)a[c]).AsUInt32()), bound);
        }
        Reduce(acc).StoreUnsafe(ref MemoryMarshal.GetReference(result));
    }

    /// <summary>
    /// Montgomery reduction of 8 lanes below p·2^32 (as <see cref="MontyField31{TParams}.MontyReduce"/>): q = (x mod 2^32)·μ
    /// mod 2^32, d = x − q·p is a multiple of 2^32 in (−p·2^32, p·2^32); d/2^32 plus p where negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Reduce(Vector512<ulong> x)
    {
        var q = Avx512F.Multiply(x.AsUInt32(), Vector512.Create((ulong)TParams.MontyMu).AsUInt32());
        var qp = Avx512F.Multiply(q.AsUInt32(), Vector512.Create((ulong)TParams.P).AsUInt32());
        var high = Avx512F.ConvertToVector256UInt32(Vector512.ShiftRightLogical(x - qp, 32));
        return Vector256.Min(high, high + Vector256.Create(TParams.P));
    }

    /// <summary>
    /// The AVX2 product (<see cref="Multiply"/>): the 8 coefficients in two 4-lane accumulators. Column i is read from
    /// memory as the 8 consecutive words t[8 − i … 15 − i] of t = (W·y, y) (AVX2 has no 16-word lane rotation), 4 words
    /// at a time zero-extended to 64 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    internal static void Multiply256(ref uint x, ref uint y, uint w, ref uint result)
    {
        var yv = Vector256.LoadUnsafe(ref y);
        var wy = Hash.Avx2Lanes<TParams>.Mul(yv, Vector256.Create(w));
        Span<uint> t = stackalloc uint[16];
        ref uint t0 = ref MemoryMarshal.GetReference(t);
        wy.StoreUnsafe(ref t0);
        yv.StoreUnsafe(ref t0, 8);
        var bound = Vector256.Create((ulong)TParams.P << 32);
        var lo = Vector256<ulong>.Zero;
        var hi = Vector256<ulong>.Zero;
        for (int i = 0; i < 8; i++)
        {
            var xi = Vector256.Create((ulong)Unsafe.Add(ref x, i)).AsUInt32();
            ref uint column = ref Unsafe.Add(ref t0, 8 - i);
            lo = Accumulate(lo, Avx2.Multiply(Widen(Vector128.LoadUnsafe(ref column)), xi), bound);
            hi = Accumulate(hi, Avx2.Multiply(Widen(Vector128.LoadUnsafe(ref column, 4)), xi), bound);
        }
        Reduce(lo, hi).StoreUnsafe(ref result);
    }

    /// <summary>The AVX2 dot product (<see cref="Dot"/>; lengths checked by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dot256(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        var bound = Vector256.Create((ulong)TParams.P << 32);
        var lo = Vector256<ulong>.Zero;
        var hi = Vector256<ulong>.Zero;
        ref uint pb = ref MemoryMarshal.GetReference(b);
        for (int c = 0; c < a.Length; c++)
        {
            var ac = Vector256.Create((ulong)a[c]).AsUInt32();
            lo = Accumulate(lo, Avx2.Multiply(Widen(Vector128.LoadUnsafe(ref pb, (nuint)(8 * c))), ac), bound);
            hi = Accumulate(hi, Avx2.Multiply(Widen(Vector128.LoadUnsafe(ref pb, (nuint)(8 * c + 4))), ac), bound);
        }
        Reduce(lo, hi).StoreUnsafe(ref MemoryMarshal.GetReference(result));
    }

    /// <summary>4 words zero-extended to the low halves of 4 64-bit lanes (vpmovzxdq), as the multiplier's operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Widen(Vector128<uint> words) => Avx2.ConvertToVector256Int64(words).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Accumulate(Vector256<ulong> acc, Vector256<ulong> product, Vector256<ulong> bound)
    {
        // The invariant of the 512-bit Accumulate, without an unsigned 64-bit min (AVX-512 only): s = acc + product <
        // p·2^32 + p² < 2^64; d = s − p·2^32 is negative as a signed value exactly when s < p·2^32 (then d > −2^63, and
        // otherwise 0 ≤ d < p² < 2^63), so adding p·2^32 back under that sign mask gives min(s, s − p·2^32).
        var d = acc + product - bound;
        var negative = Avx2.CompareGreaterThan(Vector256<long>.Zero, d.AsInt64()).AsUInt64();
        return d + (bound & negative);
    }

    /// <summary>
    /// The Montgomery reduction of <see cref="Reduce(Vector512{ulong})"/> on coefficients 0–3 (<paramref name="lo"/>) and
    /// 4–7 (<paramref name="hi"/>): each d = x − q·p holds its result in its high word; the two halves are interleaved
    /// into one vector ((lo₀, hi₀, lo₁, hi₁, …): lo's high words shifted down into the even slots, hi's kept in the odd
    /// ones) and put back in coefficient order by one cross-lane permutation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Reduce(Vector256<ulong> lo, Vector256<ulong> hi)
    {
        var mu = Vector256.Create((ulong)TParams.MontyMu).AsUInt32();
        var p = Vector256.Create((ulong)TParams.P).AsUInt32();
        var dLo = lo - Avx2.Multiply(Avx2.Multiply(lo.AsUInt32(), mu).AsUInt32(), p);
        var dHi = hi - Avx2.Multiply(Avx2.Multiply(hi.AsUInt32(), mu).AsUInt32(), p);
        var interleaved = Avx2.Blend(Vector256.ShiftRightLogical(dLo, 32).AsUInt32(), dHi.AsUInt32(), 0b1010_1010);
        var high = Avx2.PermuteVar8x32(interleaved, Vector256.Create(0u, 2, 4, 6, 1, 3, 5, 7));
        return Vector256.Min(high, high + Vector256.Create(TParams.P));
    }
}
