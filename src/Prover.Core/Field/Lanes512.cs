using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Prover.Core.Field;

/// <summary>16 lanes of <see cref="Vector512{T}"/> (AVX-512F): the register kernels of <see cref="PackedMontyField31{TParams}"/>
/// behind <see cref="IPackedLanes{TV}"/>. Use only where <c>Avx512F.IsSupported</c> (<c>KernelSelection.Simd</c> checks it).</summary>
internal readonly struct Lanes512<TParams> : IPackedLanes<Vector512<uint>>
    where TParams : struct, IMontyParameters
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Broadcast(uint montgomery) => Vector512.Create(montgomery);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Create(ReadOnlySpan<uint> words) => Vector512.Create(words);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<uint> value, Span<uint> words) => value.CopyTo(words);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Get(Vector512<uint> value, int lane) => value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> a, Vector512<uint> b) => PackedMontyField31<TParams>.Add(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Sub(Vector512<uint> a, Vector512<uint> b) => PackedMontyField31<TParams>.Sub(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Mul(Vector512<uint> a, Vector512<uint> b) => PackedMontyField31<TParams>.Mul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Neg(Vector512<uint> a) => PackedMontyField31<TParams>.Neg(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ZeroMask(Vector512<uint> value) => Vector512.Equals(value, Vector512<uint>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllSet(Vector512<uint> mask) => mask == Vector512<uint>.AllBitsSet;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Select(Vector512<uint> mask, Vector512<uint> ifSet, Vector512<uint> ifClear) =>
        Vector512.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Clear(Vector512<uint> value, Vector512<uint> mask) => Vector512.AndNot(value, mask);
}
