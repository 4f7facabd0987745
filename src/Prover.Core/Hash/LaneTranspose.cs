using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prover.Core.Hash;

/// <summary>
/// 8×8 transposes of 32-bit words in AVX2 registers, for moving eight rows (or digests) into the lane-wise layout of an
/// 8-lane Poseidon2 block and back: 8 loads, 24 shuffles and 8 stores where the element-by-element copy took 64 loads
/// and 64 stores with index arithmetic (about 8 % of the hashing samples in the bigmul profile on the AVX2 machine).
/// </summary>
internal static class LaneTranspose
{
    /// <summary>Whether <see cref="Transpose8x8"/> runs here (AVX2); callers fall back to element copies otherwise.</summary>
    public static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// dst[j·dstStride + i] = src[i·srcStride + j] for i, j &lt; 8: row i of the source (8 consecutive words) becomes column i
    /// of the destination. Source and destination must not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(ReadOnlySpan<uint> source, int sourceStride, Span<uint> destination, int destinationStride)
    {
        Debug.Assert(IsSupported);
        if (source.Length < 7 * sourceStride + 8 || destination.Length < 7 * destinationStride + 8)
            throw new ArgumentException("an 8×8 transpose needs 8 rows of 8 words on each side");
        ref uint s = ref Unsafe.AsRef(in source.GetPinnableReference());
        ref uint d = ref destination.GetPinnableReference();
        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        var r0 = Vector256.LoadUnsafe(ref s);
        var r1 = Vector256.LoadUnsafe(ref s, ss);
        var r2 = Vector256.LoadUnsafe(ref s, 2 * ss);
        var r3 = Vector256.LoadUnsafe(ref s, 3 * ss);
        var r4 = Vector256.LoadUnsafe(ref s, 4 * ss);
        var r5 = Vector256.LoadUnsafe(ref s, 5 * ss);
        var r6 = Vector256.LoadUnsafe(ref s, 6 * ss);
        var r7 = Vector256.LoadUnsafe(ref s, 7 * ss);
        // Pairs of rows interleaved by word: (a0 b0 a1 b1 | a4 b4 a5 b5), (a2 b2 a3 b3 | a6 b6 a7 b7), …
        var t0 = Avx2.UnpackLow(r0, r1).AsUInt64();
        var t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
        var t2 = Avx2.UnpackLow(r2, r3).AsUInt64();
        var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
        var t4 = Avx2.UnpackLow(r4, r5).AsUInt64();
        var t5 = Avx2.UnpackHigh(r4, r5).AsUInt64();
        var t6 = Avx2.UnpackLow(r6, r7).AsUInt64();
        var t7 = Avx2.UnpackHigh(r6, r7).AsUInt64();
        // Quadruples by 64-bit pair: (a0 b0 c0 d0 | a4 b4 c4 d4), (a1 b1 c1 d1 | a5 …), (a2 … | a6 …), (a3 … | a7 …).
        var u0 = Avx2.UnpackLow(t0, t2).AsUInt32();
        var u1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsUInt32();
        var u3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsUInt32();
        var u5 = Avx2.UnpackHigh(t4, t6).AsUInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsUInt32();
        var u7 = Avx2.UnpackHigh(t5, t7).AsUInt32();
        // Low 128-bit halves give columns 0–3, high halves columns 4–7.
        Avx2.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref d);
        Avx2.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref d, ds);
        Avx2.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref d, 2 * ds);
        Avx2.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref d, 3 * ds);
        Avx2.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref d, 4 * ds);
        Avx2.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref d, 5 * ds);
        Avx2.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref d, 6 * ds);
        Avx2.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref d, 7 * ds);
    }
}
