using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>
/// AVX-512F kernels: 16 Montgomery words per <see cref="Vector512{T}"/>, inputs and outputs canonical in
/// [0, p). Call only when <see cref="Avx512F.IsSupported"/>.
/// </summary>
public static partial class PackedMontyField31<TParams>
{
    /// <summary>
    /// a + b. Both &lt; p &lt; 2^31, so s = a + b &lt; 2^32 does not wrap; when s ≥ p, s − p is the smaller of
    /// the two, otherwise s − p wraps above s.
    /// <code>
    /// vpaddd  s, a, b
    /// vpsubd  t, s, P
    /// vpminud r, s, t          ; 3 uops, latency 3
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> a, Vector512<uint> b)
    {
        Debug.Assert(Avx512F.IsSupported);
        var s = a + b;
        return Vector512.Min(s, s - Vector512.Create(TParams.P));
    }

    /// <summary>
    /// a − b. When a ≥ b, d = a − b &lt; p and d + p is larger; when a &lt; b, d wraps and d + p is the answer.
    /// <code>
    /// vpsubd  d, a, b
    /// vpaddd  t, d, P
    /// vpminud r, d, t          ; 3 uops, latency 3
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Sub(Vector512<uint> a, Vector512<uint> b)
    {
        Debug.Assert(Avx512F.IsSupported);
        var d = a - b;
        return Vector512.Min(d, d + Vector512.Create(TParams.P));
    }

    /// <summary>
    /// −a: min(0 − a, p − a) is 0 for a = 0 (p − a = p is larger) and p − a otherwise (0 − a wraps above).
    /// <code>
    /// vpsubd  t0, ZERO, a
    /// vpsubd  t1, P, a
    /// vpminud r, t0, t1        ; 3 uops, latency 2
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Neg(Vector512<uint> a)
    {
        Debug.Assert(Avx512F.IsSupported);
        return Vector512.Min(Vector512<uint>.Zero - a, Vector512.Create(TParams.P) - a);
    }

    /// <summary>
    /// a · b with Montgomery reduction, Plonky3's scheme: vpmuludq multiplies only the even 32-bit lanes
    /// into 64-bit products, so the even and odd lanes are multiplied and reduced separately and the two
    /// results blended. Per 64-bit lane with x = a·b: q = (x mod 2^32)·μ mod 2^32, u = q·p, so x − u is a
    /// multiple of 2^32 whose high word is x·2^-32 mod p in (−p, p); one min(d, d + p) makes it canonical.
    /// <code>
    /// vmovshdup  a1, a                 ; odd lanes moved to even positions (port 5, not the multiplier)
    /// vmovshdup  b1, b
    /// vpmuludq   x0, a, b              ; even products (64-bit)
    /// vpmuludq   x1, a1, b1            ; odd products
    /// vpmuludq   q0, x0, MU            ; q = x_lo · μ (only the low word is used next)
    /// vpmuludq   q1, x1, MU
    /// vpmuludq   u0, q0, P
    /// vpmuludq   u1, q1, P
    /// vpsubq     d0, x0, u0            ; high words hold x·2^-32 mod p, signed
    /// vpsubq     d1, x1, u1
    /// vmovshdup  d0, d0                ; even results into even lanes
    /// vpblendmd  d{ODD}, d0, d1        ; odd results from d1 (the JIT emits vpternlogd with a mask constant)
    /// vpaddd     t, d, P
    /// vpminud    r, d, t               ; 14 uops, 6 of them multiplies; latency ≈ 3 multiplies + 6
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Mul(Vector512<uint> a, Vector512<uint> b)
    {
        Debug.Assert(Avx512F.IsSupported);
        var aOdd = MoveHighDup(a);
        var bOdd = MoveHighDup(b);
        return ReduceProducts(Avx512F.Multiply(a, b), Avx512F.Multiply(aOdd, bOdd));
    }

    /// <summary>
    /// a · s for a broadcast multiplier s (a twiddle or scale factor) with sMu = s·μ mod 2^32 also broadcast:
    /// q = a·sMu needs no product first, so the three multiplies per half form two independent chains.
    /// <code>
    /// vmovshdup  a1, a
    /// vpmuludq   x0, a, S ; vpmuludq x1, a1, S
    /// vpmuludq   q0, a, SMU ; vpmuludq q1, a1, SMU   ; independent of x0, x1
    /// vpmuludq   u0, q0, P ; vpmuludq u1, q1, P
    /// vpsubq ×2, vmovshdup, vpternlogd, vpaddd, vpminud  ; 13 uops, latency ≈ 2 multiplies + 6
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> MulBroadcast(Vector512<uint> a, Vector512<uint> s, Vector512<uint> sMu)
    {
        Debug.Assert(Avx512F.IsSupported);
        var p = Vector512.Create(TParams.P);
        var aOdd = MoveHighDup(a);
        var x0 = Avx512F.Multiply(a, s);
        var x1 = Avx512F.Multiply(aOdd, s);
        var u0 = Avx512F.Multiply(Avx512F.Multiply(a, sMu).AsUInt32(), p);
        var u1 = Avx512F.Multiply(Avx512F.Multiply(aOdd, sMu).AsUInt32(), p);
        return Combine(x0 - u0, x1 - u1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> ReduceProducts(Vector512<ulong> x0, Vector512<ulong> x1)
    {
        var p = Vector512.Create(TParams.P);
        var mu = Vector512.Create(TParams.MontyMu);
        var u0 = Avx512F.Multiply(Avx512F.Multiply(x0.AsUInt32(), mu).AsUInt32(), p);
        var u1 = Avx512F.Multiply(Avx512F.Multiply(x1.AsUInt32(), mu).AsUInt32(), p);
        return Combine(x0 - u0, x1 - u1);
    }

    /// <summary>Takes the high words of the even-lane and odd-lane differences and makes them canonical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Combine(Vector512<ulong> d0, Vector512<ulong> d1)
    {
        var oddLanes = Vector512.Create(0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u);
        var d = Vector512.ConditionalSelect(oddLanes, d1.AsUInt32(), MoveHighDup(d0.AsUInt32()));
        return Vector512.Min(d, d + Vector512.Create(TParams.P));
    }

    /// <summary>vmovshdup: lane 2i and 2i+1 both get lane 2i+1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> MoveHighDup(Vector512<uint> x) => Avx512F.DuplicateOddIndexed(x.AsSingle()).AsUInt32();
}
