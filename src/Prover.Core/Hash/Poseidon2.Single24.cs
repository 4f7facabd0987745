using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// One width-24 state in registers (SIMD *within* a state), for the calls that permute a single state with 12-element
/// digests: transcripts, leaf sponges, compressions and Merkle path checks of provable-128 and final-128 proofs (the
/// verifier's hot loop). Two layouts, chosen at run time: AVX2 holds the state in three <see cref="Vector256{T}"/> (two
/// M4 chunks per vector, one per 128-bit lane); AVX-512 holds elements 0–15 in a <see cref="Vector512{T}"/> and 16–23 in a
/// <see cref="Vector256{T}"/>. The portable scalar kernel stays the reference (<see cref="PermuteScalarForTest"/>); every
/// path gives the same words (tests compare them on random states).
/// </summary>
public sealed partial class Poseidon2<TParams>
{
    /// <summary>Which single-state width-24 kernel this machine runs.</summary>
    internal enum Single24Kernel
    {
        Scalar,
        Avx2,
        Avx512,
    }

    /// <summary>The widest single-state width-24 kernel this process can run (AVX-512, else AVX2, else scalar).</summary>
    internal static Single24Kernel Single24Widest { get; } =
        Avx512F.IsSupported && Avx2.IsSupported && Vector512.IsHardwareAccelerated ? Single24Kernel.Avx512 :
        Avx2.IsSupported && Vector256.IsHardwareAccelerated ? Single24Kernel.Avx2 : Single24Kernel.Scalar;

    /// <summary>
    /// The single-state width-24 kernel single permutations use here. Where AVX-512 runs, AVX2's layout is also available
    /// and the faster of the two on this CPU is kept: both give the same words (tests), so the choice changes only the
    /// time. It is measured once (a few hundred permutations of each, best of several repetitions) because the answer
    /// depends on the core: on CPUs that split 512-bit operations in two (the AMD EPYC here) the three-vector AVX2 layout
    /// measured ~15% faster, where full-width 512-bit units should favour the AVX-512 one.
    /// </summary>
    internal static Single24Kernel Single24 =>
        Single24Widest != Single24Kernel.Avx512 ? Single24Widest : Single24Selection.PreferAvx512 ? Single24Kernel.Avx512 : Single24Kernel.Avx2;

    /// <summary>
    /// Ticks of the best of 7 runs of 64 single permutations through the AVX-512 (<paramref name="wide"/>) or AVX2 kernel of
    /// this instance (only where AVX-512 runs; <see cref="Single24Selection"/> times KoalaBear's standard instance).
    /// </summary>
    internal long TimeSingle24(bool wide)
    {
        if (Single24Widest != Single24Kernel.Avx512 || _single24 is not { } k)
            throw new InvalidOperationException("both width-24 kernels are timed only where AVX-512 runs");
        var state = new uint[24];
        long best = long.MaxValue;
        for (int rep = 0; rep < 7; rep++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < 64; i++)
            {
                if (wide)
                    Permute24Avx512(ref MemoryMarshal.GetArrayDataReference(state), k);
                else
                    Permute24Avx2(ref MemoryMarshal.GetArrayDataReference(state), k);
            }
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        }
        return best;
    }

    /// <summary>Round constants and diagonal of a width-24 instance in the vector layouts (built once per instance).</summary>
    private sealed class Single24Constants
    {
        /// <summary>8 full-round rows × 3 vectors: elements 0–7, 8–15, 16–23.</summary>
        public required Vector256<uint>[] Rows { get; init; }

        /// <summary>(c, 0, …, 0) per partial round.</summary>
        public required Vector256<uint>[] Internal { get; init; }

        /// <summary>The diagonal as 3 vectors, then the same shifted down one lane in each 64-bit pair (odd products).</summary>
        public required Vector256<uint>[] Diagonal { get; init; }

        /// <summary>AVX-512: the 8 rows' elements 0–15 (null where the machine has no AVX-512).</summary>
        public Vector512<uint>[]? RowsLow { get; init; }

        public Vector512<uint> DiagonalLow { get; init; }

        public Vector512<uint> DiagonalLowOdd { get; init; }

        /// <summary>Whether single permutations take the AVX-512 kernel (<see cref="Single24"/>, read once per instance).</summary>
        public bool UseAvx512 => _useAvx512 ??= RowsLow is not null && Single24 == Single24Kernel.Avx512;

        private bool? _useAvx512;
    }

    private static Single24Constants? BuildSingle24(int width, uint[] initial, uint[] final, uint[] internalRc, uint[] diagonal)
    {
        if (width != 24 || Single24Widest == Single24Kernel.Scalar)
            return null;
        uint[] rows = [.. initial, .. final];
        var rows256 = new Vector256<uint>[rows.Length / 8];
        for (int i = 0; i < rows256.Length; i++)
            rows256[i] = Vector256.Create(rows.AsSpan(8 * i, 8));
        var internal256 = new Vector256<uint>[internalRc.Length];
        for (int r = 0; r < internalRc.Length; r++)
            internal256[r] = Vector256.CreateScalar(internalRc[r]);
        var diag = new Vector256<uint>[6];
        for (int i = 0; i < 3; i++)
        {
            diag[i] = Vector256.Create(diagonal.AsSpan(8 * i, 8));
            diag[3 + i] = Vector256.ShiftRightLogical(diag[i].AsUInt64(), 32).AsUInt32();
        }
        if (Single24Widest != Single24Kernel.Avx512)
            return new Single24Constants { Rows = rows256, Internal = internal256, Diagonal = diag };
        var low = new Vector512<uint>[rows.Length / 24];
        for (int r = 0; r < low.Length; r++)
            low[r] = Vector512.Create(rows.AsSpan(24 * r, 16));
        var diagLow = Vector512.Create(diagonal.AsSpan(0, 16));
        return new Single24Constants
        {
            Rows = rows256, Internal = internal256, Diagonal = diag, RowsLow = low,
            DiagonalLow = diagLow, DiagonalLowOdd = Vector512.ShiftRightLogical(diagLow.AsUInt64(), 32).AsUInt32(),
        };
    }

    // ---- AVX2: three Vector256 ----

    /// <summary>
    /// Width-24 permutation of Montgomery words in three 256-bit vectors. Full round: add, S-box, then MLight (M4 per
    /// 128-bit lane as S + x + 2·rot1(x); the 6 chunks' column sums are the three vectors' sum plus its halves swapped).
    /// Partial round: the S-box blended into element 0, Σs by a 3-step butterfly over the three vectors' sum (every lane
    /// ends with the total), then s_i = Σ + d_i·s_i with the diagonal's 3 vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Permute24Avx2(ref uint state, Single24Constants k)
    {
        var a = Vector256.LoadUnsafe(ref state);
        var b = Vector256.LoadUnsafe(ref state, 8);
        var c = Vector256.LoadUnsafe(ref state, 16);
        var rows = k.Rows;
        int full = rows.Length / 3;
        for (int r = 0; ; r++)
        {
            MLight24Avx2(ref a, ref b, ref c); // the initial linear layer, then the end of each full round
            if (r == full)
                break;
            if (r == full / 2)
                PartialRounds24Avx2(ref a, ref b, ref c, k);
            a = SBox<Avx2Lanes<TParams>, Vector256<uint>>(Avx2Lanes<TParams>.Add(a, rows[3 * r]));
            b = SBox<Avx2Lanes<TParams>, Vector256<uint>>(Avx2Lanes<TParams>.Add(b, rows[3 * r + 1]));
            c = SBox<Avx2Lanes<TParams>, Vector256<uint>>(Avx2Lanes<TParams>.Add(c, rows[3 * r + 2]));
        }
        a.StoreUnsafe(ref state);
        b.StoreUnsafe(ref state, 8);
        c.StoreUnsafe(ref state, 16);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PartialRounds24Avx2(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, Single24Constants k)
    {
        var internalRc = k.Internal;
        var d = k.Diagonal;
        Vector256<uint> da = d[0], db = d[1], dc = d[2], daOdd = d[3], dbOdd = d[4], dcOdd = d[5];
        Vector256<uint> x = a, y = b, z = c;
        for (int r = 0; r < internalRc.Length; r++)
        {
            var t = Avx2Lanes<TParams>.Add(x, internalRc[r]);
            var s = Avx2.Blend(t, SBox<Avx2Lanes<TParams>, Vector256<uint>>(t), 0x01); // the S-box on element 0 only
            var sum = HorizontalSum8(Avx2Lanes<TParams>.Add(Avx2Lanes<TParams>.Add(s, y), z));
            x = Avx2Lanes<TParams>.Add(sum, Avx2Lanes<TParams>.MulOdd(s, da, daOdd));
            y = Avx2Lanes<TParams>.Add(sum, Avx2Lanes<TParams>.MulOdd(y, db, dbOdd));
            z = Avx2Lanes<TParams>.Add(sum, Avx2Lanes<TParams>.MulOdd(z, dc, dcOdd));
        }
        (a, b, c) = (x, y, z);
    }

    /// <summary>Every lane ← the sum of the 8 lanes (mod p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> HorizontalSum8(Vector256<uint> u)
    {
        u = Avx2Lanes<TParams>.Add(u, Avx2.Permute2x128(u, u, 0x01)); // swap 128-bit halves
        u = Avx2Lanes<TParams>.Add(u, Avx2.Shuffle(u, 0x4E));          // swap 64-bit pairs
        return Avx2Lanes<TParams>.Add(u, Avx2.Shuffle(u, 0xB1));       // swap neighbours
    }

    /// <summary>M4 on each 128-bit lane: M4·x = S + x + 2·rot1(x) (M4 is circulant), S the chunk's sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> M4Lanes(Vector256<uint> x)
    {
        var r1 = Avx2.Shuffle(x, 0x39);                                                       // x[i+1 mod 4]
        var pair = Avx2Lanes<TParams>.Add(x, r1);                                             // x_i + x_{i+1}
        var s = Avx2Lanes<TParams>.Add(pair, Avx2.Shuffle(pair, 0x4E));                       // chunk sum
        return Avx2Lanes<TParams>.Add(Avx2Lanes<TParams>.Add(s, pair), r1);                   // S + x_i + 2x_{i+1}
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MLight24Avx2(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c)
    {
        var x = M4Lanes(a);
        var y = M4Lanes(b);
        var z = M4Lanes(c);
        // Column sums over the 6 chunks: each half of x + y + z holds 3 chunks; adding the swapped halves gives all 6.
        var t = Avx2Lanes<TParams>.Add(Avx2Lanes<TParams>.Add(x, y), z);
        t = Avx2Lanes<TParams>.Add(t, Avx2.Permute2x128(t, t, 0x01));
        a = Avx2Lanes<TParams>.Add(x, t);
        b = Avx2Lanes<TParams>.Add(y, t);
        c = Avx2Lanes<TParams>.Add(z, t);
    }

    // ---- AVX-512: elements 0–15 in a Vector512, 16–23 in a Vector256 ----

    /// <summary>
    /// Width-24 permutation with elements 0–15 in one 512-bit vector (M4 per 128-bit block, as the width-16 kernel) and
    /// 16–23 in a 256-bit one. Partial rounds take the S-box on the low 256 bits only and the 8-lane butterfly over
    /// (0–7) + (8–15) + (16–23).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Permute24Avx512(ref uint state, Single24Constants k)
    {
        var lo = Vector512.LoadUnsafe(ref state);
        var hi = Vector256.LoadUnsafe(ref state, 16);
        var rowsLow = k.RowsLow!;
        var rows = k.Rows;
        int full = rowsLow.Length;
        for (int r = 0; ; r++)
        {
            MLight24Avx512(ref lo, ref hi);
            if (r == full)
                break;
            if (r == full / 2)
                PartialRounds24Avx512(ref lo, ref hi, k);
            lo = SBox<Avx512Lanes<TParams>, Vector512<uint>>(Avx512Lanes<TParams>.Add(lo, rowsLow[r]));
            hi = SBox<Avx2Lanes<TParams>, Vector256<uint>>(Avx2Lanes<TParams>.Add(hi, rows[3 * r + 2]));
        }
        lo.StoreUnsafe(ref state);
        hi.StoreUnsafe(ref state, 16);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PartialRounds24Avx512(ref Vector512<uint> lo, ref Vector256<uint> hi, Single24Constants k)
    {
        var internalRc = k.Internal;
        var d = k.Diagonal;
        Vector512<uint> dLow = k.DiagonalLow, dLowOdd = k.DiagonalLowOdd;
        Vector256<uint> dc = d[2], dcOdd = d[5];
        Vector512<uint> x = lo;
        Vector256<uint> z = hi;
        for (int r = 0; r < internalRc.Length; r++)
        {
            var first = x.GetLower();
            var t = Avx2Lanes<TParams>.Add(first, internalRc[r]);
            var s = Avx2.Blend(t, SBox<Avx2Lanes<TParams>, Vector256<uint>>(t), 0x01); // the S-box on element 0 only
            var y = Vector512.Create(s, x.GetUpper());
            var sum = HorizontalSum8(Avx2Lanes<TParams>.Add(Avx2Lanes<TParams>.Add(s, x.GetUpper()), z));
            x = Avx512Lanes<TParams>.Add(Vector512.Create(sum, sum), Avx512Lanes<TParams>.MulOdd(y, dLow, dLowOdd));
            z = Avx2Lanes<TParams>.Add(sum, Avx2Lanes<TParams>.MulOdd(z, dc, dcOdd));
        }
        (lo, hi) = (x, z);
    }

    // Not inlined: inlined into the round loop with both lane types' S-boxes it exhausted the JIT's inlining budget and
    // the lane helpers were called out of line (measured: the kernel twice as slow).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MLight24Avx512(ref Vector512<uint> lo, ref Vector256<uint> hi)
    {
        // M4 per 128-bit block of the low vector (as MLight16) and per lane of the high one.
        var r1 = Avx512F.Shuffle(lo, 0x39);
        var pair = Avx512Lanes<TParams>.Add(lo, r1);
        var s = Avx512Lanes<TParams>.Add(pair, Avx512F.Shuffle(pair, 0x4E));
        var y = Avx512Lanes<TParams>.Add(Avx512Lanes<TParams>.Add(s, pair), r1);
        var z = M4Lanes(hi);
        // Column sums: the low vector's 4 chunks folded into one 128-bit block (two block swaps), plus the high one's 2.
        var c = Avx512Lanes<TParams>.Add(y, Avx512F.Shuffle4x128(y, y, 0x4E));
        c = Avx512Lanes<TParams>.Add(c, Avx512F.Shuffle4x128(c, c, 0xB1));
        var h = Avx2Lanes<TParams>.Add(z, Avx2.Permute2x128(z, z, 0x01));
        var total = Avx2Lanes<TParams>.Add(c.GetLower(), h);
        lo = Avx512Lanes<TParams>.Add(y, Vector512.Create(total, total));
        hi = Avx2Lanes<TParams>.Add(z, total);
    }

    // ---- dispatch and test hooks ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Permute24(ref uint state, Single24Constants k)
    {
        if (k.UseAvx512)
            Permute24Avx512(ref state, k);
        else
            Permute24Avx2(ref state, k);
    }

    /// <summary>Test hook: a width-24 state (Montgomery words) through the chosen single-state kernel.</summary>
    internal void PermuteSingle24ForTest(Single24Kernel kernel, Span<uint> montgomery)
    {
        if (Width != 24 || montgomery.Length != 24)
            throw new InvalidOperationException("the single-state width-24 kernels take width-24 states");
        ref uint s = ref MemoryMarshal.GetReference(montgomery);
        switch (kernel)
        {
            case Single24Kernel.Scalar:
                PermuteCore<ScalarLanes<TParams>, uint>(ref s);
                break;
            case Single24Kernel.Avx2 when Single24Widest is Single24Kernel.Avx2 or Single24Kernel.Avx512:
                Permute24Avx2(ref s, _single24!);
                break;
            case Single24Kernel.Avx512 when Single24Widest is Single24Kernel.Avx512:
                Permute24Avx512(ref s, _single24!);
                break;
            default:
                throw new PlatformNotSupportedException($"the {kernel} width-24 kernel needs instructions this machine lacks");
        }
    }
}

/// <summary>
/// Which single-state width-24 layout a process with AVX-512 uses (<see cref="Poseidon2{TParams}.Single24"/>): timed
/// once, on KoalaBear's standard instance, for every field (the answer is the CPU's, not the field's).
/// </summary>
internal static class Single24Selection
{
    private static readonly Lazy<bool> s_preferAvx512 = new(() =>
    {
        var perm = Poseidon2.KoalaBear24;
        perm.TimeSingle24(true); // compiled and warm before timing
        perm.TimeSingle24(false);
        return perm.TimeSingle24(true) <= perm.TimeSingle24(false);
    });

    /// <summary>True where the AVX-512 layout measured at least as fast as the AVX2 one.</summary>
    public static bool PreferAvx512 => s_preferAvx512.Value;
}
