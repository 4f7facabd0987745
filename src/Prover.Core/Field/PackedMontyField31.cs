using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Field;

/// <summary>Which SIMD width a kernel may use (tests force each one; production uses the widest supported).</summary>
public enum SimdPath
{
    /// <summary>One element at a time with the scalar field.</summary>
    Scalar = 0,

    /// <summary>8 lanes of <see cref="Vector256{T}"/> (AVX2).</summary>
    Vector256 = 1,

    /// <summary>16 lanes of <see cref="Vector512{T}"/> (AVX-512F).</summary>
    Vector512 = 2,
}

/// <summary>
/// SIMD arithmetic on <see cref="MontyField31{TParams}"/> values held as Montgomery words in vector
/// lanes, canonical in [0, p) like the scalar field. Register-level kernels (one per instruction set, in
/// <c>PackedMontyField31.Avx512.cs</c> and <c>PackedMontyField31.Avx2.cs</c>) are for hot loops; the span
/// helpers here dispatch Vector512 → Vector256 → scalar and handle the tail with the scalar field.
/// </summary>
[SkipLocalsInit]
public static partial class PackedMontyField31<TParams>
    where TParams : struct, IMontyParameters
{
    /// <summary>The widest path this machine supports.</summary>
    public static SimdPath BestPath { get; } =
        Avx512F.IsSupported ? SimdPath.Vector512 : Avx2.IsSupported ? SimdPath.Vector256 : SimdPath.Scalar;

    /// <summary>Clamps a requested path to what the hardware supports.</summary>
    internal static SimdPath Clamp(SimdPath path) => path > BestPath ? BestPath : path;

    /// <summary>dst[i] = a[i] + b[i]. dst may alias a or b.</summary>
    public static void Add(ReadOnlySpan<MontyField31<TParams>> a, ReadOnlySpan<MontyField31<TParams>> b, Span<MontyField31<TParams>> dst)
        => Binary<AddOp>(a, b, dst, BestPath);

    /// <summary>dst[i] = a[i] − b[i]. dst may alias a or b.</summary>
    public static void Sub(ReadOnlySpan<MontyField31<TParams>> a, ReadOnlySpan<MontyField31<TParams>> b, Span<MontyField31<TParams>> dst)
        => Binary<SubOp>(a, b, dst, BestPath);

    /// <summary>dst[i] = a[i] · b[i]. dst may alias a or b.</summary>
    public static void Mul(ReadOnlySpan<MontyField31<TParams>> a, ReadOnlySpan<MontyField31<TParams>> b, Span<MontyField31<TParams>> dst)
        => Binary<MulOp>(a, b, dst, BestPath);

    /// <summary>acc[i] += b[i].</summary>
    public static void AddInPlace(Span<MontyField31<TParams>> acc, ReadOnlySpan<MontyField31<TParams>> b)
        => Binary<AddOp>(acc, b, acc, BestPath);

    /// <summary>acc[i] −= b[i].</summary>
    public static void SubInPlace(Span<MontyField31<TParams>> acc, ReadOnlySpan<MontyField31<TParams>> b)
        => Binary<SubOp>(acc, b, acc, BestPath);

    /// <summary>acc[i] *= b[i].</summary>
    public static void MulInPlace(Span<MontyField31<TParams>> acc, ReadOnlySpan<MontyField31<TParams>> b)
        => Binary<MulOp>(acc, b, acc, BestPath);

    /// <summary>x[i] = −x[i].</summary>
    public static void NegInPlace(Span<MontyField31<TParams>> x) => NegInPlace(x, BestPath);

    /// <summary>x[i] *= s (one broadcast multiplier).</summary>
    public static void ScaleInPlace(Span<MontyField31<TParams>> x, MontyField31<TParams> s) => ScaleInPlace(x, s, BestPath);

    // ---- explicit-path entry points (tests force each path; the DFT passes its configured path) ----

    internal static void Binary<TOp>(ReadOnlySpan<MontyField31<TParams>> a, ReadOnlySpan<MontyField31<TParams>> b, Span<MontyField31<TParams>> dst, SimdPath path)
        where TOp : struct, IBinaryOp
    {
        if (a.Length != b.Length || dst.Length != a.Length)
            throw new ArgumentException("spans differ in length");
        path = Clamp(path);
        int n = a.Length;
        ref uint ra = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(a));
        ref uint rb = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(b));
        ref uint rd = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(dst));
        nuint i = 0;
        if (path == SimdPath.Vector512)
        {
            for (; (int)i + 16 <= n; i += 16)
                TOp.Apply(Vector512.LoadUnsafe(ref ra, i), Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        }
        if (path >= SimdPath.Vector256)
        {
            for (; (int)i + 8 <= n; i += 8)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        }
        for (; (int)i < n; i++)
            Unsafe.Add(ref rd, i) = TOp.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }

    internal static void NegInPlace(Span<MontyField31<TParams>> x, SimdPath path)
    {
        path = Clamp(path);
        int n = x.Length;
        ref uint r = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(x));
        nuint i = 0;
        if (path == SimdPath.Vector512)
        {
            for (; (int)i + 16 <= n; i += 16)
                Neg(Vector512.LoadUnsafe(ref r, i)).StoreUnsafe(ref r, i);
        }
        if (path >= SimdPath.Vector256)
        {
            for (; (int)i + 8 <= n; i += 8)
                Neg(Vector256.LoadUnsafe(ref r, i)).StoreUnsafe(ref r, i);
        }
        for (; (int)i < n; i++)
            Unsafe.Add(ref r, i) = (-MontyField31<TParams>.FromMontgomery(Unsafe.Add(ref r, i))).Montgomery;
    }

    internal static void ScaleInPlace(Span<MontyField31<TParams>> x, MontyField31<TParams> s, SimdPath path)
    {
        ref uint r = ref Unsafe.As<MontyField31<TParams>, uint>(ref MemoryMarshal.GetReference(x));
        ScaleInPlace(ref r, x.Length, s.Montgomery, path);
    }

    /// <summary>r[0..n) *= s (Montgomery words), the broadcast-multiplier kernel the DFT uses on rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ScaleInPlace(ref uint r, int n, uint s, SimdPath path)
    {
        // A path wider than the hardware would throw PlatformNotSupportedException (or run the software
        // fallback of Vector512); every entry point clamps, as Binary and NegInPlace do.
        path = Clamp(path);
        nuint i = 0;
        if (path == SimdPath.Vector512 && n >= 16)
        {
            var sv = Vector512.Create(s);
            var smu = Vector512.Create(s * TParams.MontyMu);
            for (; (int)i + 16 <= n; i += 16)
                MulBroadcast(Vector512.LoadUnsafe(ref r, i), sv, smu).StoreUnsafe(ref r, i);
        }
        if (path >= SimdPath.Vector256 && (int)i + 8 <= n)
        {
            var sv = Vector256.Create(s);
            var smu = Vector256.Create(s * TParams.MontyMu);
            for (; (int)i + 8 <= n; i += 8)
                MulBroadcast(Vector256.LoadUnsafe(ref r, i), sv, smu).StoreUnsafe(ref r, i);
        }
        for (; (int)i < n; i++)
            Unsafe.Add(ref r, i) = MulScalar(Unsafe.Add(ref r, i), s);
    }

    // ---- scalar words (Montgomery form) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint AddScalar(uint a, uint b)
    {
        uint s = a + b;
        return Math.Min(s, s - TParams.P);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint SubScalar(uint a, uint b)
    {
        uint d = a - b;
        return Math.Min(d, d + TParams.P);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MulScalar(uint a, uint b) => MontyField31<TParams>.MontyReduce((ulong)a * b);

    /// <summary>An element-wise operation available at every width (lets one loop serve add, sub and mul).</summary>
    internal interface IBinaryOp
    {
        static abstract Vector512<uint> Apply(Vector512<uint> a, Vector512<uint> b);

        static abstract Vector256<uint> Apply(Vector256<uint> a, Vector256<uint> b);

        static abstract uint Apply(uint a, uint b);
    }

    internal readonly struct AddOp : IBinaryOp
    {
        public static Vector512<uint> Apply(Vector512<uint> a, Vector512<uint> b) => Add(a, b);

        public static Vector256<uint> Apply(Vector256<uint> a, Vector256<uint> b) => Add(a, b);

        public static uint Apply(uint a, uint b) => AddScalar(a, b);
    }

    internal readonly struct SubOp : IBinaryOp
    {
        public static Vector512<uint> Apply(Vector512<uint> a, Vector512<uint> b) => Sub(a, b);

        public static Vector256<uint> Apply(Vector256<uint> a, Vector256<uint> b) => Sub(a, b);

        public static uint Apply(uint a, uint b) => SubScalar(a, b);
    }

    internal readonly struct MulOp : IBinaryOp
    {
        public static Vector512<uint> Apply(Vector512<uint> a, Vector512<uint> b) => Mul(a, b);

        public static Vector256<uint> Apply(Vector256<uint> a, Vector256<uint> b) => Mul(a, b);

        public static uint Apply(uint a, uint b) => MulScalar(a, b);
    }
}
