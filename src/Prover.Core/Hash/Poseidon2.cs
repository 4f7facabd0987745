using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// The Poseidon2 permutation (Grassi, Khovratovich, Schofnegger 2023, eprint 2023/323) over a 31-bit
/// Montgomery field, with Plonky3's constants and layout: s = M_E(s); 4 full rounds (add a row of
/// round constants, S-box x^D on every element, M_E); R_P partial rounds (s0 += c, s0 = s0^D,
/// internal layer s_i = Σ_j s_j + diag_i·s_i); 4 full rounds. M_E ("MLight") applies
/// M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] to each 4-chunk, then adds to each element the sum of
/// the elements in its position mod 4 across chunks.
/// <para>
/// One algorithm (<see cref="PermuteCore{TL,TV}"/>) is compiled per lane type: scalar words for a
/// single state, and AVX-512 / AVX2 vectors for 16 / 8 independent states at once (SIMD across
/// states). A single width-16 state additionally has an in-register AVX-512 kernel
/// (Poseidon2.Avx512.cs). Instances are immutable and thread-safe; no call allocates.
/// </para>
/// </summary>
public sealed partial class Poseidon2<TParams> : ICryptographicPermutation<MontyField31<TParams>>
    where TParams : struct, IMontyParameters
{
    /// <summary>
    /// The S-box degree: the smallest D ≥ 3 with gcd(D, p − 1) = 1, so x ↦ x^D is a permutation
    /// (3 for KoalaBear; 7 for BabyBear, where 3 and 5 divide p − 1). The smallest such D is prime, so
    /// coprimality is just "D does not divide p − 1". Written over the constant p so that the JIT
    /// folds it and the branch in <see cref="SBox{TL,TV}"/> disappears even without tiering. 0 (rejected
    /// by the constructor) for a prime where every D ≤ 11 divides p − 1.
    /// </summary>
    public static int SBoxDegree
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TParams.P - 1) % 3 != 0 ? 3 : (TParams.P - 1) % 5 != 0 ? 5 : (TParams.P - 1) % 7 != 0 ? 7 : (TParams.P - 1) % 11 != 0 ? 11 : 0;
    }

    private readonly uint[] _initial;   // 4·Width round constants, Montgomery form
    private readonly uint[] _final;     // 4·Width
    private readonly uint[] _internal;  // PartialRounds
    private readonly uint[] _diagonal;  // Width
    private readonly int[] _diagonalCode; // how to multiply by each diagonal entry (see DiagonalCode)
    private readonly InternalLayerKind _layer;

    /// <summary>Which compiled internal layer matches this instance's diagonal.</summary>
    private enum InternalLayerKind
    {
        Generic,
        KoalaBear16,
        KoalaBear24,
        BabyBear16,
        BabyBear24,
    }

    /// <summary>True when the internal layer runs a kernel specialised for the diagonal (no general products).</summary>
    internal bool HasSpecialisedInternalLayer => _layer != InternalLayerKind.Generic;

    /// <summary>
    /// Builds a permutation from canonical constants: 4 rows of initial and 4 rows of final external
    /// round constants (row-major, <paramref name="width"/> each), one constant per partial round and
    /// the internal diagonal.
    /// </summary>
    public Poseidon2(int width, ReadOnlySpan<uint> externalInitial, ReadOnlySpan<uint> externalFinal,
        ReadOnlySpan<uint> internalConstants, ReadOnlySpan<uint> internalDiagonal)
    {
        if (width < 8 || width % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(width), width, "Poseidon2 with MLight needs a width that is a multiple of 4, at least 8");
        if (externalInitial.Length != 4 * width || externalFinal.Length != 4 * width)
            throw new ArgumentException($"external round constants must be 4 rows of {width}");
        if (internalDiagonal.Length != width)
            throw new ArgumentException($"internal diagonal must have {width} entries", nameof(internalDiagonal));
        if (SBoxDegree == 0)
            throw new NotSupportedException($"no S-box degree ≤ 11 is coprime to p − 1 for {TParams.Name}");
        Width = width;
        PartialRounds = internalConstants.Length;
        _initial = ToMontgomery(externalInitial);
        _final = ToMontgomery(externalFinal);
        _internal = ToMontgomery(internalConstants);
        _diagonal = ToMontgomery(internalDiagonal);
        _diagonalCode = new int[width];
        for (int i = 0; i < width; i++)
            _diagonalCode[i] = DiagonalCode(internalDiagonal[i]);
        _layer = _diagonalCode.AsSpan().SequenceEqual(KoalaBear16Layer.Codes) ? InternalLayerKind.KoalaBear16 :
            _diagonalCode.AsSpan().SequenceEqual(KoalaBear24Layer.Codes) ? InternalLayerKind.KoalaBear24 :
            _diagonalCode.AsSpan().SequenceEqual(BabyBear16Layer.Codes) ? InternalLayerKind.BabyBear16 :
            _diagonalCode.AsSpan().SequenceEqual(BabyBear24Layer.Codes) ? InternalLayerKind.BabyBear24 :
            InternalLayerKind.Generic;
        if (width == 16 && SingleStateAvx512)
        {
            _fullVec = [.. RowsToVectors(_initial), .. RowsToVectors(_final)];
            _internalVec = new Vector512<uint>[PartialRounds];
            for (int r = 0; r < PartialRounds; r++)
                _internalVec[r] = Vector512.CreateScalar(_internal[r]);
            _diagVec = Vector512.Create(_diagonal);
            _diagOddVec = Vector512.ShiftRightLogical(_diagVec.AsUInt64(), 32).AsUInt32();
        }
        _single24 = BuildSingle24(width, _initial, _final, _internal, _diagonal);
    }

    // Width 24's single-state kernel constants (Poseidon2.Single24.cs); null for other widths or without AVX2.
    private readonly Single24Constants? _single24;

    public int Width { get; }

    public int PartialRounds { get; }

    /// <summary>Full rounds: 4 before and 4 after the partial rounds.</summary>
    public static int FullRounds => 8;

    /// <summary>
    /// The widest SIMD batch this machine runs (16 states with AVX-512, 8 with AVX2, else 1). The batched kernels of an
    /// instance use <see cref="Lanes"/>, which may be narrower where that measured faster.
    /// </summary>
    public static int BatchLanes { get; } =
        Avx512Lanes<TParams>.IsSupported && Vector512.IsHardwareAccelerated ? 16 :
        Avx2Lanes<TParams>.IsSupported && Vector256.IsHardwareAccelerated ? 8 : 1;

    private static uint[] ToMontgomery(ReadOnlySpan<uint> canonical)
    {
        var result = new uint[canonical.Length];
        for (int i = 0; i < result.Length; i++)
        {
            if (canonical[i] >= TParams.P)
                throw new ArgumentException($"constant {canonical[i]} is not a canonical {TParams.Name} element");
            result[i] = MontyField31<TParams>.FromCanonical(canonical[i]).Montgomery;
        }
        return result;
    }

    /// <summary>
    /// Plonky3 picks internal diagonals made of ±1, ±2, ±3, ±4 and ±2^-k, so most of the 16 products
    /// per partial round need no Montgomery multiplication. Code: ±n for ±n (n ≤ 4), ±(100 + k) for
    /// ±2^-k, 0 for anything else (general product). 2^-k uses the shape p = 2^31 − 2^m + 1
    /// (KoalaBear m = 24, BabyBear m = 27) and needs k ≤ m; other primes fall back to products.
    /// </summary>
    private static int DiagonalCode(uint canonical)
    {
        uint p = TParams.P;
        int m = TParams.TwoAdicity;
        bool shiftForm = m < 31 && p == (1u << 31) - (1u << m) + 1;
        foreach (int sign in (ReadOnlySpan<int>)[1, -1])
        {
            uint v = sign > 0 ? canonical : (p - canonical) % p;
            if (v >= 1 && v <= 4)
                return sign * (int)v;
            if (shiftForm)
            {
                ulong inverse = 1;
                for (int k = 1; k <= m; k++)
                {
                    inverse = inverse * ((p + 1UL) / 2) % p; // 2^-k
                    if (inverse == v)
                        return sign * (100 + k);
                }
            }
        }
        return 0;
    }

    /// <summary>x·2^-k mod p for p = 2^31 − 2^m + 1, k ≤ m, without a multiplication.</summary>
    /// <remarks>
    /// x = hi·2^k + lo with lo &lt; 2^k, so x·2^-k = hi + lo·2^-k, and 2^-k ≡ −c·2^(m−k) with c = 2^(31−m) − 1
    /// (because 2^k·c·2^(m−k) = p − 1 ≡ −1). lo·c·2^(m−k) &lt; c·2^m = p − 1 and hi &lt; 2^(31−k) ≤ p, so one
    /// modular subtraction finishes: x·2^-k = hi − ((lo ≪ (31−k)) − (lo ≪ (m−k))). 7 word operations.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MulPow2Neg<TL, TV>(TV x, int k) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        int m = TParams.TwoAdicity;
        var hi = TL.ShiftRight(x, k);
        var lo = TL.And(x, TL.Broadcast((1u << k) - 1));
        var t = TL.WrappingSub(TL.ShiftLeft(lo, 31 - k), TL.ShiftLeft(lo, m - k));
        return TL.Sub(hi, t);
    }

    /// <summary>sum + d·x for the diagonal entry d (Montgomery word <paramref name="d"/>, code from <see cref="DiagonalCode"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV InternalTerm<TL, TV>(TV sum, TV x, int code, uint d) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        if (code == 0)
            return TL.Add(sum, TL.MulConst(x, TL.Broadcast(d)));
        int a = code < 0 ? -code : code;
        TV t;
        if (a > 100)
        {
            t = MulPow2Neg<TL, TV>(x, a - 100);
        }
        else if (a == 1)
        {
            t = x;
        }
        else
        {
            var x2 = TL.Add(x, x);
            t = a == 2 ? x2 : a == 3 ? TL.Add(x2, x) : TL.Add(x2, x2);
        }
        return code > 0 ? TL.Add(sum, t) : TL.Sub(sum, t);
    }

    /// <summary>Permutes one state of <see cref="Width"/> elements in place.</summary>
    /// <remarks>Entry points are compiled fully optimised at once: their tier-0 code (span casts and vector loads as calls) doubled the cost of a single permutation in short runs.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Permute(Span<MontyField31<TParams>> state)
    {
        if (state.Length != Width)
            ThrowWidth(state.Length);
        PermuteMontgomery(MontyField31<TParams>.AsMontgomery(state));
    }

    /// <summary>Permutes one state given as Montgomery words (for kernels that work on raw words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PermuteMontgomery(Span<uint> state)
    {
        Debug.Assert(state.Length == Width);
        if (_fullVec is not null)
            Permute16Avx512(ref MemoryMarshal.GetReference(state));
        else if (_single24 is not null)
            Permute24(ref MemoryMarshal.GetReference(state), _single24);
        else
            PermuteCore<ScalarLanes<TParams>, uint>(ref MemoryMarshal.GetReference(state));
    }

    /// <summary>Test hook: the portable scalar kernel, whatever the machine supports.</summary>
    internal void PermuteScalarForTest(Span<uint> state)
    {
        if (state.Length != Width)
            ThrowWidth(state.Length);
        PermuteCore<ScalarLanes<TParams>, uint>(ref MemoryMarshal.GetReference(state));
    }

    /// <summary>
    /// Permutes <c>soa.Length / Width</c> states (16, 8 or 1: <see cref="Lanes"/> or a narrower path this machine has)
    /// held lane-wise ("structure of arrays"): element j of state l is <c>soa[j·lanes + l]</c>. This is the form the
    /// Merkle and sponge kernels fill directly.
    /// </summary>
    internal void PermuteBlock(Span<uint> soa)
    {
        // The lane count is the block's own (its length over the width), so a block is always permuted in the layout its
        // caller filled, whatever Lanes returns.
        int lanes = soa.Length / Width;
        Debug.Assert(soa.Length == Width * lanes && (lanes == 1 || lanes == 8 && Avx2Lanes<TParams>.IsSupported || lanes == 16 && BatchLanes == 16));
        ref uint s = ref MemoryMarshal.GetReference(soa);
        switch (lanes)
        {
            case 16:
                PermuteCore<Avx512Lanes<TParams>, Vector512<uint>>(ref Unsafe.As<uint, Vector512<uint>>(ref s));
                break;
            case 8:
                PermuteCore<Avx2Lanes<TParams>, Vector256<uint>>(ref Unsafe.As<uint, Vector256<uint>>(ref s));
                break;
            default:
                PermuteCore<ScalarLanes<TParams>, uint>(ref s);
                break;
        }
    }

    /// <summary>Test hook: permutes a structure-of-arrays block with an explicit lane type.</summary>
    internal void PermuteBlockWith<TL, TV>(Span<TV> soa) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        if (soa.Length != Width)
            ThrowWidth(soa.Length);
        PermuteCore<TL, TV>(ref MemoryMarshal.GetReference(soa));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SBox<TL, TV>(TV x) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        if (SBoxDegree == 3)
        {
            var x2 = TL.Mul(x, x);
            return TL.Mul(x2, x);
        }
        if (SBoxDegree == 7)
        {
            var x2 = TL.Mul(x, x);
            var x3 = TL.Mul(x2, x);
            var x4 = TL.Mul(x2, x2);
            return TL.Mul(x3, x4);
        }
        return SBoxGeneric<TL, TV>(x);
    }

    private static TV SBoxGeneric<TL, TV>(TV x) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        TV result = x;
        for (int i = 1; i < SBoxDegree; i++)
            result = TL.Mul(result, x);
        return result;
    }

    /// <summary>
    /// M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] on one 4-chunk with 7 additions and 2 doublings
    /// (Plonky3's addition chain).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void M4<TL, TV>(ref TV x) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        TV a = x, b = Unsafe.Add(ref x, 1), c = Unsafe.Add(ref x, 2), d = Unsafe.Add(ref x, 3);
        TV t01 = TL.Add(a, b);
        TV t23 = TL.Add(c, d);
        TV t0123 = TL.Add(t01, t23);
        TV t01123 = TL.Add(t0123, b);
        TV t01233 = TL.Add(t0123, d);
        x = TL.Add(t01123, t01);                                  // 2a + 3b + c + d
        Unsafe.Add(ref x, 1) = TL.Add(t01123, TL.Add(c, c));      // a + 2b + 3c + d
        Unsafe.Add(ref x, 2) = TL.Add(t01233, t23);               // a + b + 2c + 3d
        Unsafe.Add(ref x, 3) = TL.Add(t01233, TL.Add(a, a));      // 3a + b + c + 2d
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExternalLinear<TL, TV>(ref TV s, int width) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        for (int c = 0; c < width; c += 4)
            M4<TL, TV>(ref Unsafe.Add(ref s, c));
        TV c0 = s, c1 = Unsafe.Add(ref s, 1), c2 = Unsafe.Add(ref s, 2), c3 = Unsafe.Add(ref s, 3);
        for (int c = 4; c < width; c += 4)
        {
            c0 = TL.Add(c0, Unsafe.Add(ref s, c));
            c1 = TL.Add(c1, Unsafe.Add(ref s, c + 1));
            c2 = TL.Add(c2, Unsafe.Add(ref s, c + 2));
            c3 = TL.Add(c3, Unsafe.Add(ref s, c + 3));
        }
        for (int c = 0; c < width; c += 4)
        {
            Unsafe.Add(ref s, c) = TL.Add(Unsafe.Add(ref s, c), c0);
            Unsafe.Add(ref s, c + 1) = TL.Add(Unsafe.Add(ref s, c + 1), c1);
            Unsafe.Add(ref s, c + 2) = TL.Add(Unsafe.Add(ref s, c + 2), c2);
            Unsafe.Add(ref s, c + 3) = TL.Add(Unsafe.Add(ref s, c + 3), c3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyFullRounds<TL, TV>(ref TV s, int width, ref uint rc) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        for (int r = 0; r < 4; r++)
        {
            ref uint row = ref Unsafe.Add(ref rc, r * width);
            for (int i = 0; i < width; i++)
            {
                ref TV x = ref Unsafe.Add(ref s, i);
                x = SBox<TL, TV>(TL.Add(x, TL.Broadcast(Unsafe.Add(ref row, i))));
            }
            ExternalLinear<TL, TV>(ref s, width);
        }
    }

    // Fully optimised on first call: this is the hot kernel, and tier-0 code of the lane abstraction
    // (every Add/Mul a call) is ~50x slower, which short runs and loaded machines would otherwise see.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PermuteCore<TL, TV>(ref TV s) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        int width = Width;
        ExternalLinear<TL, TV>(ref s, width);
        ApplyFullRounds<TL, TV>(ref s, width, ref MemoryMarshal.GetArrayDataReference(_initial));

        switch (_layer)
        {
            case InternalLayerKind.KoalaBear16:
                ApplyPartialRounds<TL, TV, KoalaBear16Layer>(ref s);
                break;
            case InternalLayerKind.KoalaBear24:
                ApplyPartialRounds<TL, TV, KoalaBear24Layer>(ref s);
                break;
            case InternalLayerKind.BabyBear16:
                ApplyPartialRounds<TL, TV, BabyBear16Layer>(ref s);
                break;
            case InternalLayerKind.BabyBear24:
                ApplyPartialRounds<TL, TV, BabyBear24Layer>(ref s);
                break;
            default:
                ApplyPartialRounds<TL, TV, GenericLayer>(ref s);
                break;
        }
        ApplyFullRounds<TL, TV>(ref s, width, ref MemoryMarshal.GetArrayDataReference(_final));
    }

    // A separate method per layer (not inlined into PermuteCore): five inlined copies would exceed the
    // JIT's inlining budget, after which the lane operations stop being inlined (measured: width 24 3x slower).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void ApplyPartialRounds<TL, TV, TI>(ref TV s)
        where TL : struct, IMontyLanes<TV> where TV : struct where TI : struct, IInternalLayer
    {
        int width = Width;
        ref uint diag = ref MemoryMarshal.GetArrayDataReference(_diagonal);
        ref int diagCode = ref MemoryMarshal.GetArrayDataReference(_diagonalCode);
        ref uint rcInternal = ref MemoryMarshal.GetArrayDataReference(_internal);
        int partialRounds = PartialRounds;
        for (int r = 0; r < partialRounds; r++)
        {
            s = SBox<TL, TV>(TL.Add(s, TL.Broadcast(Unsafe.Add(ref rcInternal, r))));
            // Σ s_j with four independent accumulators (width is a multiple of 4).
            TV a0 = s, a1 = Unsafe.Add(ref s, 1), a2 = Unsafe.Add(ref s, 2), a3 = Unsafe.Add(ref s, 3);
            for (int i = 4; i < width; i += 4)
            {
                a0 = TL.Add(a0, Unsafe.Add(ref s, i));
                a1 = TL.Add(a1, Unsafe.Add(ref s, i + 1));
                a2 = TL.Add(a2, Unsafe.Add(ref s, i + 2));
                a3 = TL.Add(a3, Unsafe.Add(ref s, i + 3));
            }
            TV sum = TL.Add(TL.Add(a0, a1), TL.Add(a2, a3));
            TI.Apply<TL, TV>(ref s, sum, ref diag, ref diagCode, width);
        }
    }

    /// <summary>The internal layer's s_i = sum + d_i·s_i for all i.</summary>
    private interface IInternalLayer
    {
        static abstract ReadOnlySpan<int> Codes { get; }

        static abstract void Apply<TL, TV>(ref TV s, TV sum, ref uint diag, ref int codes, int width)
            where TL : struct, IMontyLanes<TV> where TV : struct;
    }

    /// <summary>Any diagonal: a loop over the per-entry codes (general products where no shortcut applies).</summary>
    private readonly struct GenericLayer : IInternalLayer
    {
        public static ReadOnlySpan<int> Codes => [];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TL, TV>(ref TV s, TV sum, ref uint diag, ref int codes, int width)
            where TL : struct, IMontyLanes<TV> where TV : struct
        {
            for (int i = 0; i < width; i++)
                Unsafe.Add(ref s, i) = InternalTerm<TL, TV>(sum, Unsafe.Add(ref s, i), Unsafe.Add(ref codes, i), Unsafe.Add(ref diag, i));
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowWidth(int length) =>
        throw new ArgumentException($"Poseidon2 state must have {Width} elements, got {length}");
}
