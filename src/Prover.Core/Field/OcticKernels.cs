using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>
/// AVX-512 kernels for degree-8 binomial extensions of a 31-bit Montgomery field (provable-128's and final-128's
/// octic extension): an element's 8 coefficients are the 8 64-bit lanes of one <see cref="Vector512{T}"/> accumulator.
/// <list type="bullet">
/// <item><see cref="Multiply"/>: the product x·y (X^8 = W) as Σ_i x_i·(column i), column i (over the coefficients k)
/// being y[k − i] for k ≥ i and W·y[k − i + 8] below: 8 consecutive words of (W·y, y) — one 8-lane multiply per x_i;</item>
/// <item><see cref="Dot"/>: Σ_c a_c·b_c for base elements a_c and extension elements b_c (the verifier's DEEP row
/// combinations Σ λ^c·row_c) — one 64-bit multiply per column.</item>
/// </list>
/// Products (&lt; p²) are accumulated below p·2^32 (after each addition the accumulator keeps min(acc, acc − p·2^32),
/// as <see cref="MontyField31{TParams}.SumOfProducts"/> does) and Montgomery-reduced once per coefficient, so the
/// results are exactly the scalar ones (<see cref="ExtensionField{TBase, TDef}"/>'s binomial product and
/// <see cref="MontyField31{TParams}.SumOfProducts"/>; tests compare them). Without AVX-512 the callers keep the scalar code.
/// </summary>
internal static class OcticKernels<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>Whether this process runs the kernels (AVX-512F with hardware-accelerated 512-bit vectors).</summary>
    public static bool IsSupported { get; } = Avx512F.IsSupported && Avx2.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>result = x·y in F[X]/(X^8 − W); all Montgomery words, 8 each (<paramref name="w"/>: W's word).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ref uint x, ref uint y, uint w, ref uint result)
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

    /// <summary>result[k] = Σ_c a[c]·b[8c + k] for k &lt; 8: Montgomery words; <paramref name="b"/> holds 8 words per column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        if (b.Length < 8 * a.Length || result.Length < 8)
            throw new ArgumentException("Dot takes 8 words of b per element of a and 8 result words");
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
}
