using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Field;

namespace Prover.Core.Dft;

/// <summary>
/// AVX-512 kernels for the four lowest levels of a single column (butterfly half-sizes 8, 4, 2, 1), whose
/// pairs lie inside one 16-lane vector. Two vectors x, y (32 consecutive elements) are regrouped so that u
/// holds the first element of each of their 16 pairs and v the second, the butterfly runs on (u, v) with a
/// constant twiddle vector per level, and the results are put back:
/// <code>
/// vpermt2d  u, x, GATHER_LO[j], y      ; 8 pair-firsts of x, then 8 of y
/// vpermt2d  v, x, GATHER_HI[j], y
/// butterfly (Add, Sub, Mul by TW[j]; no Mul at j = 0 where every twiddle is 1)
/// vpermt2d  x, s, SCATTER_X[j], d
/// vpermt2d  y, s, SCATTER_Y[j], d      ; 4 permutes per level per 32 elements
/// </code>
/// </summary>
public sealed partial class Radix2Dft<TParams>
{
    /// <summary>Number of low levels handled by <see cref="DifLowLevels512"/> / <see cref="DitLowLevels512"/>.</summary>
    private const int LowLevels = 4;

    /// <summary>Levels 3, 2, 1, 0 of DIF over <paramref name="count"/> elements (a multiple of 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DifLowLevels512(ref uint block, int count, uint[][] levels)
    {
        var t3 = LowLevelTwiddles(levels[3], 3);
        var t2 = LowLevelTwiddles(levels[2], 2);
        var t1 = LowLevelTwiddles(levels[1], 1);
        for (nuint i = 0; i < (nuint)count; i += 32)
        {
            var x = Vector512.LoadUnsafe(ref block, i);
            var y = Vector512.LoadUnsafe(ref block, i + 16);
            DifLevel512(ref x, ref y, 3, t3, multiply: true);
            DifLevel512(ref x, ref y, 2, t2, multiply: true);
            DifLevel512(ref x, ref y, 1, t1, multiply: true);
            DifLevel512(ref x, ref y, 0, default, multiply: false);
            x.StoreUnsafe(ref block, i);
            y.StoreUnsafe(ref block, i + 16);
        }
    }

    /// <summary>Levels 0, 1, 2, 3 of DIT over <paramref name="count"/> elements (a multiple of 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DitLowLevels512(ref uint block, int count, uint[][] levels)
    {
        var t3 = LowLevelTwiddles(levels[3], 3);
        var t2 = LowLevelTwiddles(levels[2], 2);
        var t1 = LowLevelTwiddles(levels[1], 1);
        for (nuint i = 0; i < (nuint)count; i += 32)
        {
            var x = Vector512.LoadUnsafe(ref block, i);
            var y = Vector512.LoadUnsafe(ref block, i + 16);
            DitLevel512(ref x, ref y, 0, default, multiply: false);
            DitLevel512(ref x, ref y, 1, t1, multiply: true);
            DitLevel512(ref x, ref y, 2, t2, multiply: true);
            DitLevel512(ref x, ref y, 3, t3, multiply: true);
            x.StoreUnsafe(ref block, i);
            y.StoreUnsafe(ref block, i + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DifLevel512(ref Vector512<uint> x, ref Vector512<uint> y, int j, Vector512<uint> t, bool multiply)
    {
        var u = Avx512F.PermuteVar16x32x2(x, LowLevelPermutes.GatherLo[j], y);
        var v = Avx512F.PermuteVar16x32x2(x, LowLevelPermutes.GatherHi[j], y);
        var s = PackedMontyField31<TParams>.Add(u, v);
        var d = PackedMontyField31<TParams>.Sub(u, v);
        if (multiply)
            d = PackedMontyField31<TParams>.Mul(d, t);
        x = Avx512F.PermuteVar16x32x2(s, LowLevelPermutes.ScatterX[j], d);
        y = Avx512F.PermuteVar16x32x2(s, LowLevelPermutes.ScatterY[j], d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DitLevel512(ref Vector512<uint> x, ref Vector512<uint> y, int j, Vector512<uint> t, bool multiply)
    {
        var u = Avx512F.PermuteVar16x32x2(x, LowLevelPermutes.GatherLo[j], y);
        var v = Avx512F.PermuteVar16x32x2(x, LowLevelPermutes.GatherHi[j], y);
        if (multiply)
            v = PackedMontyField31<TParams>.Mul(v, t);
        var s = PackedMontyField31<TParams>.Add(u, v);
        var d = PackedMontyField31<TParams>.Sub(u, v);
        x = Avx512F.PermuteVar16x32x2(s, LowLevelPermutes.ScatterX[j], d);
        y = Avx512F.PermuteVar16x32x2(s, LowLevelPermutes.ScatterY[j], d);
    }

    /// <summary>Lane l of u holds the pair-first element e = L_j[l mod 8], whose twiddle is level[e mod 2^j].</summary>
    private static Vector512<uint> LowLevelTwiddles(uint[] level, int j)
    {
        Span<uint> t = stackalloc uint[16];
        for (int l = 0; l < 16; l++)
            t[l] = level[LowLevelPermutes.PairFirst(l % 8, j) & ((1 << j) - 1)];
        return Vector512.Create((ReadOnlySpan<uint>)t);
    }
}

/// <summary>Permutation indices for the in-vector levels (field independent).</summary>
internal static class LowLevelPermutes
{
    public static readonly Vector512<uint>[] GatherLo = Build((j, l) => Source(PairFirst(l % 8, j), l >= 8));
    public static readonly Vector512<uint>[] GatherHi = Build((j, l) => Source(PairFirst(l % 8, j) + (1 << j), l >= 8));
    public static readonly Vector512<uint>[] ScatterX = Build((j, e) => Back(e, j, 0));
    public static readonly Vector512<uint>[] ScatterY = Build((j, e) => Back(e, j, 8));

    /// <summary>The l-th (l &lt; 8) lane index in [0, 16) whose bit j is clear.</summary>
    public static int PairFirst(int l, int j) => ((l >> j) << (j + 1)) | (l & ((1 << j) - 1));

    /// <summary>vpermt2d index: lanes 0..15 from the first operand, 16..31 from the second.</summary>
    private static uint Source(int lane, bool second) => (uint)(lane + (second ? 16 : 0));

    /// <summary>Where lane e of the output vector (x: offset 0, y: offset 8) comes from in (s, d).</summary>
    private static uint Back(int e, int j, int offset)
    {
        int m = 1 << j;
        bool isSecond = (e & m) != 0;
        int first = isSecond ? e - m : e;
        int l = ((first >> (j + 1)) << j) | (first & (m - 1)); // inverse of PairFirst
        return (uint)(l + offset + (isSecond ? 16 : 0));
    }

    private static Vector512<uint>[] Build(Func<int, int, uint> index)
    {
        var result = new Vector512<uint>[4];
        Span<uint> lanes = stackalloc uint[16];
        for (int j = 0; j < 4; j++)
        {
            for (int l = 0; l < 16; l++)
                lanes[l] = index(j, l);
            result[j] = Vector512.Create((ReadOnlySpan<uint>)lanes);
        }
        return result;
    }
}
