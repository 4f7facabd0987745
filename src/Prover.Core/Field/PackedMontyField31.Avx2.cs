using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>
/// AVX2 kernels: 8 Montgomery words per <see cref="Vector256{T}"/>, inputs and outputs canonical in
/// [0, p). Call only when <see cref="Avx2.IsSupported"/>; the instruction sequences are those of the AVX-512 file on ymm registers.
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
    public static Vector256<uint> Add(Vector256<uint> a, Vector256<uint> b)
    {
        Debug.Assert(Avx2.IsSupported);
        var s = a + b;
        return Vector256.Min(s, s - Vector256.Create(TParams.P));
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
    public static Vector256<uint> Sub(Vector256<uint> a, Vector256<uint> b)
    {
        Debug.Assert(Avx2.IsSupported);
        var d = a - b;
        return Vector256.Min(d, d + Vector256.Create(TParams.P));
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
    public static Vector256<uint> Neg(Vector256<uint> a)
    {
        Debug.Assert(Avx2.IsSupported);
        return Vector256.Min(Vector256<uint>.Zero - a, Vector256.Create(TParams.P) - a);
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
    /// vpblendd   d, d0, d1, 0xAA       ; odd results from d1
    /// vpaddd     t, d, P
    /// vpminud    r, d, t               ; 14 uops, 6 of them multiplies; latency ≈ 3 multiplies + 6
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mul(Vector256<uint> a, Vector256<uint> b)
    {
        Debug.Assert(Avx2.IsSupported);
        var aOdd = MoveHighDup(a);
        var bOdd = MoveHighDup(b);
        return ReduceProducts(Avx2.Multiply(a, b), Avx2.Multiply(aOdd, bOdd));
    }

    /// <summary>
    /// a · s for a broadcast multiplier s (a twiddle or scale factor) with sMu = s·μ mod 2^32 also broadcast:
    /// q = a·sMu needs no product first, so the three multiplies per half form two independent chains.
    /// <code>
    /// vmovshdup  a1, a
    /// vpmuludq   x0, a, S ; vpmuludq x1, a1, S
    /// vpmuludq   q0, a, SMU ; vpmuludq q1, a1, SMU   ; independent of x0, x1
    /// vpmuludq   u0, q0, P ; vpmuludq u1, q1, P
    /// vpsubq ×2, vmovshdup, vpblendd, vpaddd, vpminud  ; 13 uops, latency ≈ 2 multiplies + 6
    /// </code>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> MulBroadcast(Vector256<uint> a, Vector256<uint> s, Vector256<uint> sMu)
    {
        Debug.Assert(Avx2.IsSupported);
        var p = Vector256.Create(TParams.P);
        var aOdd = MoveHighDup(a);
        var x0 = Avx2.Multiply(a, s);
        var x1 = Avx2.Multiply(aOdd, s);
        var u0 = Avx2.Multiply(Avx2.Multiply(a, sMu).AsUInt32(), p);
        var u1 = Avx2.Multiply(Avx2.Multiply(aOdd, sMu).AsUInt32(), p);
        return Combine(x0 - u0, x1 - u1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> ReduceProducts(Vector256<ulong> x0, Vector256<ulong> x1)
    {
        var p = Vector256.Create(TParams.P);
        var mu = Vector256.Create(TParams.MontyMu);
        var u0 = Avx2.Multiply(Avx2.Multiply(x0.AsUInt32(), mu).AsUInt32(), p);
        var u1 = Avx2.Multiply(Avx2.Multiply(x1.AsUInt32(), mu).AsUInt32(), p);
        return Combine(x0 - u0, x1 - u1);
    }

    /// <summary>Takes the high words of the even-lane and odd-lane differences and makes them canonical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Combine(Vector256<ulong> d0, Vector256<ulong> d1)
    {
        // vpblendd with immediate 0b1010_1010: odd lanes from d1.
        var d = Avx2.Blend(MoveHighDup(d0.AsUInt32()), d1.AsUInt32(), 0b1010_1010);
        return Vector256.Min(d, d + Vector256.Create(TParams.P));
    }

    /// <summary>vmovshdup: lane 2i and 2i+1 both get lane 2i+1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> MoveHighDup(Vector256<uint> x) => Avx.DuplicateOddIndexed(x.AsSingle()).AsUInt32();
}
