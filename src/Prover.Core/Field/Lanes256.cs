using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Prover.Core.Field;

/// <summary>8 lanes of <see cref="Vector256{T}"/> (AVX2): the register kernels of <see cref="PackedMontyField31{TParams}"/>
/// behind <see cref="IPackedLanes{TV}"/>. Use only where <c>Avx2.IsSupported</c> (<c>KernelSelection.Simd</c> checks it).</summary>
internal readonly struct Lanes256<TParams> : IPackedLanes<Vector256<uint>>
    where TParams : struct, IMontyParameters
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Broadcast(uint montgomery) => Vector256.Create(montgomery);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Create(ReadOnlySpan<uint> words) => Vector256.Create(words);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<uint> value, Span<uint> words) => value.CopyTo(words);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Get(Vector256<uint> value, int lane) => value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Add(Vector256<uint> a, Vector256<uint> b) => PackedMontyField31<TParams>.Add(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Sub(Vector256<uint> a, Vector256<uint> b) => PackedMontyField31<TParams>.Sub(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mul(Vector256<uint> a, Vector256<uint> b) => PackedMontyField31<TParams>.Mul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Neg(Vector256<uint> a) => PackedMontyField31<TParams>.Neg(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ZeroMask(Vector256<uint> value) => Vector256.Equals(value, Vector256<uint>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllSet(Vector256<uint> mask) => mask == Vector256<uint>.AllBitsSet;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Select(Vector256<uint> mask, Vector256<uint> ifSet, Vector256<uint> ifClear) =>
        Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Clear(Vector256<uint> value, Vector256<uint> mask) => Vector256.AndNot(value, mask);
}
