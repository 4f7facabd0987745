using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// One width-16 state in one <see cref="Vector512{T}"/> (SIMD *within* a state), for the calls that
/// permute a single state: transcripts, single hashes and compressions, Merkle path verification. The
/// batched paths (SIMD across states) are faster per permutation; this one cuts the latency of one.
/// </summary>
public sealed partial class Poseidon2<TParams>
{
    /// <summary>Whether single width-16 permutations use the in-register AVX-512 kernel.</summary>
    internal static bool SingleStateAvx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    // Per-instance constants in vector form (built once, only for width 16).
    private readonly Vector512<uint>[]? _fullVec;      // 8 rows: 4 initial, then 4 final
    private readonly Vector512<uint>[]? _internalVec;  // (c, 0, …, 0) per partial round
    private readonly Vector512<uint> _diagVec;
    private readonly Vector512<uint> _diagOddVec;      // diag shifted down one lane in each 64-bit pair

    private Vector512<uint>[] RowsToVectors(uint[] rows)
    {
        var result = new Vector512<uint>[rows.Length / 16];
        for (int r = 0; r < result.Length; r++)
            result[r] = Vector512.Create(rows.AsSpan(r * 16, 16));
        return result;
    }

    /// <summary>
    /// Permutes one width-16 state held in a vector. Instruction plan per full round: 1 add (3 ops),
    /// S-box (2 or 4 Montgomery products of 14 ops), MLight = M4 per 128-bit lane as S + x + 2·rot1(x)
    /// with 2 vpshufd and 4 adds, then the column sums with 2 vshufi32x4 and 3 adds. Per partial round:
    /// the S-box on the whole vector blended into lane 0, a 4-step butterfly for Σs (each lane ends up
    /// holding the sum), one product by the diagonal and one add.
    /// </summary>
    // Structured so that each lane helper has one call site per method: with every round written out
    // the JIT ran out of inlining budget under tiered PGO and called Add/Mul/MLight out of line (3x slower).
    // NoInlining: inlined into its callers it shared their budget and the lane helpers were called out of line.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private Vector512<uint> Permute16Avx512(Vector512<uint> x)
    {
        var rows = _fullVec!;
        for (int r = 0; ; r++)
        {
            x = MLight16(x); // the initial linear layer, then the end of each full round
            if (r == rows.Length)
                return x;
            if (r == rows.Length / 2)
                x = PartialRounds16Avx512(x);
            x = SBox<Avx512Lanes<TParams>, Vector512<uint>>(Avx512Lanes<TParams>.Add(x, rows[r]));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private Vector512<uint> PartialRounds16Avx512(Vector512<uint> x)
    {
        var internalRc = _internalVec!;
        var diag = _diagVec;
        var diagOdd = _diagOddVec;
        var lane0 = Vector512.Create(uint.MaxValue, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        for (int r = 0; r < internalRc.Length; r++)
        {
            var t = Avx512Lanes<TParams>.Add(x, internalRc[r]);
            var y = Vector512.ConditionalSelect(lane0, SBox<Avx512Lanes<TParams>, Vector512<uint>>(t), t);
            var sum = Avx512Lanes<TParams>.Add(y, Avx512F.Shuffle4x128(y, y, 0x4E));   // swap 256-bit halves
            sum = Avx512Lanes<TParams>.Add(sum, Avx512F.Shuffle4x128(sum, sum, 0xB1)); // swap 128-bit blocks
            sum = Avx512Lanes<TParams>.Add(sum, Avx512F.Shuffle(sum, 0x4E));            // swap 64-bit pairs
            sum = Avx512Lanes<TParams>.Add(sum, Avx512F.Shuffle(sum, 0xB1));            // swap neighbours
            x = Avx512Lanes<TParams>.Add(sum, Avx512Lanes<TParams>.MulOdd(y, diag, diagOdd));
        }
        return x;
    }

    /// <summary>
    /// MLight for width 16 in one vector. M4 is circulant (row i is row 0 rotated by i), so
    /// M4·x = S + x + 2·rot1(x) per 4-chunk, S the chunk sum; each 4-chunk is one 128-bit block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> MLight16(Vector512<uint> x)
    {
        var r1 = Avx512F.Shuffle(x, 0x39);                                            // x[i+1 mod 4]
        var pair = Avx512Lanes<TParams>.Add(x, r1);                                   // x_i + x_{i+1}
        var s = Avx512Lanes<TParams>.Add(pair, Avx512F.Shuffle(pair, 0x4E));          // chunk sum
        var y = Avx512Lanes<TParams>.Add(Avx512Lanes<TParams>.Add(s, pair), r1);      // S + x_i + 2x_{i+1}
        var c = Avx512Lanes<TParams>.Add(y, Avx512F.Shuffle4x128(y, y, 0x4E));
        c = Avx512Lanes<TParams>.Add(c, Avx512F.Shuffle4x128(c, c, 0xB1));           // column sums
        return Avx512Lanes<TParams>.Add(y, c);
    }

    /// <summary>Width-16 single permutation on Montgomery words through the in-register kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Permute16Avx512(ref uint state)
    {
        var v = Vector512.LoadUnsafe(ref state);
        Permute16Avx512(v).StoreUnsafe(ref state);
    }

    /// <summary>Test hook: the in-register kernel on canonical input (width 16, AVX-512 only).</summary>
    internal void PermuteSingleAvx512ForTest(Span<uint> montgomery)
    {
        if (Width != 16 || montgomery.Length != 16 || !SingleStateAvx512)
            throw new InvalidOperationException("width-16 AVX-512 kernel not available");
        Permute16Avx512(ref MemoryMarshal.GetReference(montgomery));
    }
}
