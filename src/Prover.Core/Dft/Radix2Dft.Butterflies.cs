using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;

namespace Prover.Core.Dft;

/// <summary>
/// Butterfly kernels. Two shapes: "rows" applies one broadcast twiddle to two whole rows (the matrix is
/// row-major, so the columns vectorize for free); "vec" is the single-column case, where consecutive
/// butterflies of one level are vectorized and their twiddles loaded as a vector from the level table.
/// Per 16 lanes a DIF butterfly is Add (3 uops) + Sub (3) + MulBroadcast (13) plus two loads and two
/// stores; with twiddle 1 (k = 0) the multiply is skipped.
/// </summary>
public sealed partial class Radix2Dft<TParams>
{
    /// <summary>
    /// R mod p, the Montgomery word of 1, as a static readonly field: the JIT did not inline
    /// <c>MontyField31.One</c> here (a call per row in the disassembly), a readonly static is a constant
    /// once the class is initialized.
    /// </summary>
    private static readonly uint OneMontgomery = MontyField31<TParams>.One.Montgomery;

    /// <summary>DIF (Gentleman–Sande) on two rows: a ← a + b, b ← (a − b)·t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DifRows(ref uint a, ref uint b, int width, uint t, SimdPath path)
    {
        if (t == OneMontgomery)
        {
            AddSubRows(ref a, ref b, width, path);
            return;
        }
        nuint i = 0;
        nuint w = (nuint)width;
        if (path == SimdPath.Vector512 && w >= 16)
        {
            var tv = Vector512.Create(t);
            var tmu = Vector512.Create(t * TParams.MontyMu);
            for (; i + 16 <= w; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                var y = Vector512.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.MulBroadcast(PackedMontyField31<TParams>.Sub(x, y), tv, tmu).StoreUnsafe(ref b, i);
            }
        }
        if (path >= SimdPath.Vector256 && i + 8 <= w)
        {
            var tv = Vector256.Create(t);
            var tmu = Vector256.Create(t * TParams.MontyMu);
            for (; i + 8 <= w; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref a, i);
                var y = Vector256.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.MulBroadcast(PackedMontyField31<TParams>.Sub(x, y), tv, tmu).StoreUnsafe(ref b, i);
            }
        }
        for (; i < w; i++)
        {
            uint x = Unsafe.Add(ref a, i);
            uint y = Unsafe.Add(ref b, i);
            Unsafe.Add(ref a, i) = PackedMontyField31<TParams>.AddScalar(x, y);
            Unsafe.Add(ref b, i) = PackedMontyField31<TParams>.MulScalar(PackedMontyField31<TParams>.SubScalar(x, y), t);
        }
    }

    /// <summary>DIT (Cooley–Tukey) on two rows: a ← a + b·t, b ← a − b·t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DitRows(ref uint a, ref uint b, int width, uint t, SimdPath path)
    {
        if (t == OneMontgomery)
        {
            AddSubRows(ref a, ref b, width, path);
            return;
        }
        nuint i = 0;
        nuint w = (nuint)width;
        if (path == SimdPath.Vector512 && w >= 16)
        {
            var tv = Vector512.Create(t);
            var tmu = Vector512.Create(t * TParams.MontyMu);
            for (; i + 16 <= w; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                var y = PackedMontyField31<TParams>.MulBroadcast(Vector512.LoadUnsafe(ref b, i), tv, tmu);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        if (path >= SimdPath.Vector256 && i + 8 <= w)
        {
            var tv = Vector256.Create(t);
            var tmu = Vector256.Create(t * TParams.MontyMu);
            for (; i + 8 <= w; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref a, i);
                var y = PackedMontyField31<TParams>.MulBroadcast(Vector256.LoadUnsafe(ref b, i), tv, tmu);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        for (; i < w; i++)
        {
            uint x = Unsafe.Add(ref a, i);
            uint y = PackedMontyField31<TParams>.MulScalar(Unsafe.Add(ref b, i), t);
            Unsafe.Add(ref a, i) = PackedMontyField31<TParams>.AddScalar(x, y);
            Unsafe.Add(ref b, i) = PackedMontyField31<TParams>.SubScalar(x, y);
        }
    }

    /// <summary>The twiddle-1 butterfly shared by DIF and DIT: a ← a + b, b ← a − b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSubRows(ref uint a, ref uint b, int width, SimdPath path)
    {
        nuint i = 0;
        nuint w = (nuint)width;
        if (path == SimdPath.Vector512)
        {
            for (; i + 16 <= w; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                var y = Vector512.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        if (path >= SimdPath.Vector256)
        {
            for (; i + 8 <= w; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref a, i);
                var y = Vector256.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        for (; i < w; i++)
        {
            uint x = Unsafe.Add(ref a, i);
            uint y = Unsafe.Add(ref b, i);
            Unsafe.Add(ref a, i) = PackedMontyField31<TParams>.AddScalar(x, y);
            Unsafe.Add(ref b, i) = PackedMontyField31<TParams>.SubScalar(x, y);
        }
    }

    /// <summary>
    /// Single column, <paramref name="count"/> consecutive DIF butterflies of one level: a[k] ← a[k] + b[k],
    /// b[k] ← (a[k] − b[k])·t[k] with t loaded from the level table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DifVec(ref uint a, ref uint b, ref uint t, int count, SimdPath path)
    {
        nuint i = 0;
        nuint n = (nuint)count;
        if (path == SimdPath.Vector512)
        {
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                var y = Vector512.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Mul(PackedMontyField31<TParams>.Sub(x, y), Vector512.LoadUnsafe(ref t, i)).StoreUnsafe(ref b, i);
            }
        }
        if (path >= SimdPath.Vector256)
        {
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref a, i);
                var y = Vector256.LoadUnsafe(ref b, i);
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Mul(PackedMontyField31<TParams>.Sub(x, y), Vector256.LoadUnsafe(ref t, i)).StoreUnsafe(ref b, i);
            }
        }
        for (; i < n; i++)
        {
            uint x = Unsafe.Add(ref a, i);
            uint y = Unsafe.Add(ref b, i);
            Unsafe.Add(ref a, i) = PackedMontyField31<TParams>.AddScalar(x, y);
            Unsafe.Add(ref b, i) = PackedMontyField31<TParams>.MulScalar(PackedMontyField31<TParams>.SubScalar(x, y), Unsafe.Add(ref t, i));
        }
    }

    /// <summary>Single column, consecutive DIT butterflies: a[k] ← a[k] + b[k]·t[k], b[k] ← a[k] − b[k]·t[k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DitVec(ref uint a, ref uint b, ref uint t, int count, SimdPath path)
    {
        nuint i = 0;
        nuint n = (nuint)count;
        if (path == SimdPath.Vector512)
        {
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref a, i);
                var y = PackedMontyField31<TParams>.Mul(Vector512.LoadUnsafe(ref b, i), Vector512.LoadUnsafe(ref t, i));
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        if (path >= SimdPath.Vector256)
        {
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref a, i);
                var y = PackedMontyField31<TParams>.Mul(Vector256.LoadUnsafe(ref b, i), Vector256.LoadUnsafe(ref t, i));
                PackedMontyField31<TParams>.Add(x, y).StoreUnsafe(ref a, i);
                PackedMontyField31<TParams>.Sub(x, y).StoreUnsafe(ref b, i);
            }
        }
        for (; i < n; i++)
        {
            uint x = Unsafe.Add(ref a, i);
            uint y = PackedMontyField31<TParams>.MulScalar(Unsafe.Add(ref b, i), Unsafe.Add(ref t, i));
            Unsafe.Add(ref a, i) = PackedMontyField31<TParams>.AddScalar(x, y);
            Unsafe.Add(ref b, i) = PackedMontyField31<TParams>.SubScalar(x, y);
        }
    }
}
