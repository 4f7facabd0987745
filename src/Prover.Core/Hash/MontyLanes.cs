using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// Montgomery arithmetic on "lanes": one word (scalar) or a vector of independent words (SIMD across
/// states). Poseidon2 is written once over this interface and specialised by the JIT per lane type,
/// so the scalar and SIMD permutations run the same code path. All values are Montgomery words in [0, p).
/// </summary>
internal interface IMontyLanes<TV> where TV : struct
{
    /// <summary>Number of independent states processed at once.</summary>
    static abstract int Count { get; }

    static abstract TV Broadcast(uint montgomery);

    static abstract TV Add(TV a, TV b);

    static abstract TV Mul(TV a, TV b);

    /// <summary>a − b mod p.</summary>
    static abstract TV Sub(TV a, TV b);

    /// <summary>Plain (non-modular) word operations, for the shift-based multiplications by 2^-k.</summary>
    static abstract TV ShiftRight(TV a, int count);

    static abstract TV ShiftLeft(TV a, int count);

    static abstract TV And(TV a, TV b);

    static abstract TV WrappingSub(TV a, TV b);

    /// <summary>a·c for c from <see cref="Broadcast"/> (equal in every lane): SIMD lanes skip c's odd-lane shift.</summary>
    static abstract TV MulConst(TV a, TV c);
}

/// <summary>One state at a time, on <see cref="uint"/> words.</summary>
internal readonly struct ScalarLanes<TParams> : IMontyLanes<uint> where TParams : struct, IMontyParameters
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Broadcast(uint montgomery) => montgomery;

    // Branch-free on purpose: the JIT turns Math.Min / ?: into jumps here, and with random field
    // elements every other one mispredicts (measured: ~10 µs per permutation instead of ~1 µs).

    /// <summary>a + b − p lies in (−p, p); add p back when it is negative (sign mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add(uint a, uint b)
    {
        uint s = a + b - TParams.P;
        return s + (TParams.P & (uint)((int)s >> 31));
    }

    /// <summary>Montgomery product (same reduction as <see cref="MontyField31{TParams}"/>, with a sign mask instead of a compare).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mul(uint a, uint b)
    {
        ulong x = (ulong)a * b;
        ulong u = (ulong)((uint)x * TParams.MontyMu) * TParams.P;
        // x, u < 2^63, so x − u is negative as a signed 64-bit value exactly when x < u.
        long diff = (long)(x - u);
        return (uint)(diff >> 32) + (TParams.P & (uint)(diff >> 63));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MulConst(uint a, uint c) => Mul(a, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Sub(uint a, uint b)
    {
        uint d = a - b;
        return d + (TParams.P & (uint)((int)d >> 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftRight(uint a, int count) => a >> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftLeft(uint a, int count) => a << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint And(uint a, uint b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WrappingSub(uint a, uint b) => a - b;
}

/// <summary>
/// 16 states at once in <see cref="Vector512{T}"/> (AVX-512F). Montgomery product per lane, the
/// Plonky3 scheme: vpmuludq multiplies only the even 32-bit lanes to 64 bits, so even and odd lanes are
/// done separately (odd ones shifted down), then q = lo(prod)·μ, t = hi(prod) − hi(q·p) ∈ (−p, p)
/// (the low halves agree by construction of q, so no borrow), result = min(t, t + p) as unsigned.
/// Cost: 6 vpmuludq, 3 shifts, 2 subs, 1 blend, 1 add, 1 min per 16 products.
/// </summary>
internal readonly struct Avx512Lanes<TParams> : IMontyLanes<Vector512<uint>> where TParams : struct, IMontyParameters
{
    public static int Count => 16;

    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Broadcast(uint montgomery) => Vector512.Create(montgomery);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> a, Vector512<uint> b)
    {
        var s = a + b;
        return Vector512.Min(s, s - Vector512.Create(TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Mul(Vector512<uint> a, Vector512<uint> b) =>
        MulOdd(a, b, Vector512.ShiftRightLogical(b.AsUInt64(), 32).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Sub(Vector512<uint> a, Vector512<uint> b)
    {
        var d = a - b;
        return Vector512.Min(d, d + Vector512.Create(TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftRight(Vector512<uint> a, int count) => Vector512.ShiftRightLogical(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftLeft(Vector512<uint> a, int count) => Vector512.ShiftLeft(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> And(Vector512<uint> a, Vector512<uint> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> WrappingSub(Vector512<uint> a, Vector512<uint> b) => a - b;

    /// <summary>A broadcast constant already holds its value in the low half of every 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> MulConst(Vector512<uint> a, Vector512<uint> c) => MulOdd(a, c, c);

    /// <summary>a·b given b's odd lanes already shifted down (for per-lane constants precomputed once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> MulOdd(Vector512<uint> a, Vector512<uint> b, Vector512<uint> bOdd)
    {
        var p = Vector512.Create(TParams.P);
        var mu = Vector512.Create(TParams.MontyMu);
        var aOdd = Vector512.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32();
        var prodEvn = Avx512F.Multiply(a, b);
        var prodOdd = Avx512F.Multiply(aOdd, bOdd);
        var qEvn = Avx512F.Multiply(prodEvn.AsUInt32(), mu);
        var qOdd = Avx512F.Multiply(prodOdd.AsUInt32(), mu);
        var qpEvn = Avx512F.Multiply(qEvn.AsUInt32(), p);
        var qpOdd = Avx512F.Multiply(qOdd.AsUInt32(), p);
        // The high words sit in the odd 32-bit positions; subtract there, then move the even lanes' results down.
        var dEvn = prodEvn.AsUInt32() - qpEvn.AsUInt32();
        var dOdd = prodOdd.AsUInt32() - qpOdd.AsUInt32();
        var t = Vector512.ConditionalSelect(
            Vector512.Create(0xFFFF_FFFF_0000_0000UL).AsUInt32(),
            dOdd,
            Vector512.ShiftRightLogical(dEvn.AsUInt64(), 32).AsUInt32());
        return Vector512.Min(t, t + p);
    }
}

/// <summary>8 states at once in <see cref="Vector256{T}"/> (AVX2); same scheme as <see cref="Avx512Lanes{TParams}"/>.</summary>
internal readonly struct Avx2Lanes<TParams> : IMontyLanes<Vector256<uint>> where TParams : struct, IMontyParameters
{
    public static int Count => 8;

    public static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Broadcast(uint montgomery) => Vector256.Create(montgomery);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Add(Vector256<uint> a, Vector256<uint> b)
    {
        var s = a + b;
        return Vector256.Min(s, s - Vector256.Create(TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mul(Vector256<uint> a, Vector256<uint> b) =>
        MulOdd(a, b, Vector256.ShiftRightLogical(b.AsUInt64(), 32).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Sub(Vector256<uint> a, Vector256<uint> b)
    {
        var d = a - b;
        return Vector256.Min(d, d + Vector256.Create(TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftRight(Vector256<uint> a, int count) => Vector256.ShiftRightLogical(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftLeft(Vector256<uint> a, int count) => Vector256.ShiftLeft(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> And(Vector256<uint> a, Vector256<uint> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> WrappingSub(Vector256<uint> a, Vector256<uint> b) => a - b;

    /// <summary>A broadcast constant already holds its value in the low half of every 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> MulConst(Vector256<uint> a, Vector256<uint> c) => MulOdd(a, c, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> MulOdd(Vector256<uint> a, Vector256<uint> b, Vector256<uint> bOdd)
    {
        var p = Vector256.Create(TParams.P);
        var mu = Vector256.Create(TParams.MontyMu);
        var aOdd = Vector256.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32();
        var prodEvn = Avx2.Multiply(a, b);
        var prodOdd = Avx2.Multiply(aOdd, bOdd);
        var qEvn = Avx2.Multiply(prodEvn.AsUInt32(), mu);
        var qOdd = Avx2.Multiply(prodOdd.AsUInt32(), mu);
        var qpEvn = Avx2.Multiply(qEvn.AsUInt32(), p);
        var qpOdd = Avx2.Multiply(qOdd.AsUInt32(), p);
        var dEvn = prodEvn.AsUInt32() - qpEvn.AsUInt32();
        var dOdd = prodOdd.AsUInt32() - qpOdd.AsUInt32();
        var t = Avx2.Blend(Vector256.ShiftRightLogical(dEvn.AsUInt64(), 32).AsUInt32(), dOdd, 0b1010_1010);
        return Vector256.Min(t, t + p);
    }
}
