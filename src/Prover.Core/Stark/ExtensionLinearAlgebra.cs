using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Stark;

/// <summary>
/// Products of base-field matrices with extension-field vectors, the two hot loops of the openings
/// and the DEEP batching. An extension element is D base coefficients, so each product is D
/// base-field products computed with delayed Montgomery reduction: 64-bit accumulators that stay
/// below p·2^32 (one conditional subtraction per term), reduced once at the end — instead of one
/// extension×base multiplication (D reductions) per term. The plain versions are kept as references
/// and compared in the tests.
/// </summary>
internal static class ExtensionLinearAlgebra<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>rowSums[r] = Σ_c coefficients[c]·matrix[r, c] (one extension value per row).</summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] RowCombinations(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients)
    {
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
            return RowCombinationsReference(matrix, coefficients);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[matrix.Height];
        RowCombinationsInto(matrix, coefficients, result, accumulate: false);
        return result;
    }

    /// <summary>
    /// target[r] += Σ_c coefficients[c]·matrix[r, c] (<see cref="RowCombinations"/> added into an existing vector: DEEP
    /// batching sums many matrices' combinations per point without a temporary per matrix).
    /// </summary>
    public static void AccumulateRowCombinations(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef>[] target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length != matrix.Height)
            throw new ArgumentException("one target value per row", nameof(target));
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
        {
            var s = RowCombinationsReference(matrix, coefficients);
            for (int r = 0; r < s.Length; r++)
                target[r] += s[r];
            return;
        }
        RowCombinationsInto(matrix, coefficients, target, accumulate: true);
    }

    /// <summary>
    /// The packed row combination. Per row and component k, a 64-bit accumulator per lane sums x_c·a_(k,c) (Montgomery
    /// words, each product &lt; p²) over the row's columns, kept below p·2^32 by one conditional subtraction per step, and
    /// is reduced once: the same residue as <see cref="MontyField31{TParams}.SumOfProducts"/>, so the same values as the
    /// reference. With AVX-512 a step takes 16 columns (8 lanes): <c>vpmuludq</c> multiplies the low 32-bit halves of each
    /// 64-bit lane, i.e. the even columns of the loaded words against the even coefficients, and after a 32-bit right
    /// shift the odd ones; AVX2 does the same with 8 columns (4 lanes). Bounds: acc &lt; p·2^32 and two products &lt; 2p²
    /// give s &lt; p·2^32 + 2p² &lt; 2^64 (no wrap, p &lt; 2^31), and since 2p² &lt; p·2^32 one conditional subtraction of
    /// p·2^32 brings s back below p·2^32. Lanes are summed the same way; columns past the last full step go one at a time.
    /// </summary>
    [SkipLocalsInit]
    private static void RowCombinationsInto(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef>[] result, bool accumulate)
    {
        int d = TDef.Degree, w = matrix.Width, h = matrix.Height;
        if (coefficients.Length < w)
            throw new ArgumentException($"{coefficients.Length} coefficients for {w} columns", nameof(coefficients));
        var simd = KernelSelection.Simd<TParams>();
        // Quartic: one sweep per row for the four components; octic: two, components 0–3 then 4–7 (each half of an element's
        // words is written, or added into, on its own: extension addition is component-wise).
        if ((d == 4 || d == 8) && (simd == SimdPath.Vector512 && Avx2.IsSupported || simd == SimdPath.Vector256))
        {
            for (int k0 = 0; k0 < d; k0 += 4)
            {
                if (simd == SimdPath.Vector512)
                    RowCombinationsQuartic<Sweep512>(matrix, coefficients, result, accumulate, k0);
                else
                    RowCombinationsQuartic<Sweep256>(matrix, coefficients, result, accumulate, k0);
            }
            return;
        }
        int step = simd == SimdPath.Vector512 ? 16 : simd == SimdPath.Vector256 ? 8 : 1;
        int vecW = step == 1 ? 0 : w / step * step;
        int half = vecW / 2;
        // even[k·half + i] / odd[k·half + i]: component k of the coefficient of column 2i / 2i + 1 (i < half), in the low
        // half of a 64-bit word, so that a step's 8 (or 4) words line up with the lanes of its loaded columns.
        var even = new ulong[d * half];
        var odd = new ulong[d * half];
        var tail = new uint[d * (w - vecW)];
        for (int k = 0; k < d; k++)
        {
            for (int i = 0; i < half; i++)
            {
                even[k * half + i] = coefficients[2 * i][k].Montgomery;
                odd[k * half + i] = coefficients[2 * i + 1][k].Montgomery;
            }
            for (int c = vecW; c < w; c++)
                tail[k * (w - vecW) + c - vecW] = coefficients[c][k].Montgomery;
        }
        var values = matrix.Values;
        int grain = Math.Max(64, (1 << 16) / Math.Max(1, w * d));
        Parallel.For(0, (h + grain - 1) / grain, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk) =>
        {
            Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[d];
            int end = Math.Min(h, (chunk + 1) * grain);
            ulong bound = (ulong)TParams.P << 32;
            // References, not indexing: a matrix narrower than one step has empty coefficient arrays (never read then).
            ref ulong evenRef = ref MemoryMarshal.GetArrayDataReference(even);
            ref ulong oddRef = ref MemoryMarshal.GetArrayDataReference(odd);
            for (int r = chunk * grain; r < end; r++)
            {
                ref uint row = ref Unsafe.As<MontyField31<TParams>, uint>(ref values[r * w]);
                for (int k = 0; k < d; k++)
                {
                    ulong acc = step switch
                    {
                        16 => Lanes512(ref row, ref Unsafe.Add(ref evenRef, k * half), ref Unsafe.Add(ref oddRef, k * half), vecW),
                        8 => Lanes256(ref row, ref Unsafe.Add(ref evenRef, k * half), ref Unsafe.Add(ref oddRef, k * half), vecW),
                        _ => 0,
                    };
                    int tk = k * (w - vecW);
                    for (int c = vecW; c < w; c++)
                    {
                        ulong s = acc + (ulong)tail[tk + c - vecW] * Unsafe.Add(ref row, c);
                        acc = Math.Min(s, s - bound);
                    }
                    parts[k] = MontyField31<TParams>.FromMontgomery(MontyField31<TParams>.MontyReduce(acc));
                }
                var value = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
                result[r] = accumulate ? result[r] + value : value;
            }
        });
    }

    /// <summary>
    /// <see cref="RowCombinationsInto"/> for four components of the extension (<paramref name="k0"/> … <paramref name="k0"/> + 3:
    /// all of a quartic element, one half of an octic one), one method for both vector widths (<typeparamref name="TSweep"/>:
    /// <see cref="Sweep512"/>, 16 columns per step with AVX-512; <see cref="Sweep256"/>, 8 with AVX2 alone). One sweep over a
    /// row's columns feeds all four components' accumulators (each loaded word is multiplied by the four coefficient
    /// components: the even columns' words against the even coefficients, after a 32-bit right shift the odd ones), the sweep
    /// hands back one 4-lane vector per component, the four lane sums are folded together on AVX2 (unpack and 128-bit
    /// permutes, with the same conditional subtraction), the columns past the last full step are added on the four components
    /// at once, and the four Montgomery reductions and the accumulation into the target run on one vector. Bounds as in
    /// <see cref="RowCombinationsInto"/>; the reduction is <see cref="MontyField31{TParams}.MontyReduce"/> lane-wise
    /// (u = (x·μ mod 2^32)·p, (x − u)/2^32 in (−p, p), plus p when negative, taken as the unsigned minimum of r and r + p).
    /// <para>
    /// The width is a struct type argument, so the JIT compiles one copy of this method per width with the sweep inlined
    /// (the static abstract calls resolve at compile time): the same machine code per width as two written-out methods.
    /// </para>
    /// </summary>
    [SkipLocalsInit]
    private static void RowCombinationsQuartic<TSweep>(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef>[] result, bool accumulate, int k0)
        where TSweep : struct, IQuarticSweep
    {
        const int D = 4;
        int degree = TDef.Degree; // the stride of an element's words in the result
        int step = TSweep.Columns, lanes = step / 2;
        int w = matrix.Width, h = matrix.Height, blocks = w / step, vecW = blocks * step, rest = w - vecW;
        // Per block of `step` columns and component k: `lanes` words of the even columns' coefficients, then `lanes` of the
        // odd ones (low halves), so that a block's words line up with the lanes of its loaded columns.
        var packed = new ulong[blocks * D * step];
        for (int b = 0; b < blocks; b++)
            for (int k = 0; k < D; k++)
                for (int i = 0; i < lanes; i++)
                {
                    packed[(b * D + k) * step + i] = coefficients[b * step + 2 * i][k0 + k].Montgomery;
                    packed[(b * D + k) * step + lanes + i] = coefficients[b * step + 2 * i + 1][k0 + k].Montgomery;
                }
        // Columns past the last block: the four components of a column's coefficient in the low halves of four lanes.
        var tail = new ulong[rest * D];
        for (int c = 0; c < rest; c++)
            for (int k = 0; k < D; k++)
                tail[c * D + k] = coefficients[vecW + c][k0 + k].Montgomery;
        var values = matrix.Values;
        var resultWords = result;
        int grain = Math.Max(64, (1 << 16) / Math.Max(1, w * D));
        Parallel.For(0, (h + grain - 1) / grain, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk) =>
        {
            var bound = Vector256.Create((ulong)TParams.P << 32);
            var mu = Vector256.Create((ulong)TParams.MontyMu).AsUInt32();
            var p64 = Vector256.Create((ulong)TParams.P).AsUInt32();
            var p32 = Vector256.Create(TParams.P);
            var gather = Vector256.Create(0u, 2u, 4u, 6u, 0u, 2u, 4u, 6u);
            var p128 = Vector128.Create(TParams.P);
            ref ulong packedRef = ref MemoryMarshal.GetArrayDataReference(packed);
            ref ulong tailRef = ref MemoryMarshal.GetArrayDataReference(tail);
            ref uint outRef = ref Unsafe.As<ExtensionField<MontyField31<TParams>, TDef>, uint>(ref MemoryMarshal.GetArrayDataReference(resultWords));
            int end = Math.Min(h, (chunk + 1) * grain);
            for (int r = chunk * grain; r < end; r++)
            {
                ref uint row = ref Unsafe.As<MontyField31<TParams>, uint>(ref values[r * w]);
                TSweep.Sweep(ref row, ref packedRef, blocks, bound, out var a0, out var a1, out var a2, out var a3);
                var p01 = Avx2.UnpackLow(a0, a1) + Avx2.UnpackHigh(a0, a1);
                p01 = Vector256.Min(p01, p01 - bound);
                var p23 = Avx2.UnpackLow(a2, a3) + Avx2.UnpackHigh(a2, a3);
                p23 = Vector256.Min(p23, p23 - bound);
                var sum = Avx2.Permute2x128(p01, p23, 0x20) + Avx2.Permute2x128(p01, p23, 0x31);
                sum = Vector256.Min(sum, sum - bound); // lane k: component k
                for (int c = 0; c < rest; c++)
                {
                    var xc = Vector256.Create((ulong)Unsafe.Add(ref row, vecW + c)).AsUInt32();
                    var t = sum + Avx2.Multiply(xc, Vector256.LoadUnsafe(ref tailRef, (nuint)(c * D)).AsUInt32());
                    sum = Vector256.Min(t, t - bound);
                }
                // Montgomery reduction of the four lanes.
                var u = Avx2.Multiply(Avx2.Multiply(sum.AsUInt32(), mu).AsUInt32(), p64);
                var hi = Vector256.ShiftRightLogical(sum - u, 32).AsUInt32(); // low halves: (x − u)/2^32 mod 2^32
                var reduced = Vector256.Min(hi, hi + p32);
                var packedOut = Avx2.PermuteVar8x32(reduced, gather).GetLower();
                ref uint dst = ref Unsafe.Add(ref outRef, r * degree + k0);
                if (accumulate)
                {
                    var s2 = Vector128.LoadUnsafe(ref dst) + packedOut;
                    packedOut = Vector128.Min(s2, s2 - p128);
                }
                packedOut.StoreUnsafe(ref dst);
            }
        });
    }

    /// <summary>The width-specific part of <see cref="RowCombinationsQuartic{TSweep}"/>: the sweep over a row's full blocks.</summary>
    private interface IQuarticSweep
    {
        /// <summary>Columns per step (two per 64-bit lane).</summary>
        static abstract int Columns { get; }

        /// <summary>
        /// The four components' sums over the first <paramref name="blocks"/>·<see cref="Columns"/> columns of
        /// <paramref name="row"/> against the packed coefficients, each as four 64-bit lanes &lt; p·2^32
        /// (<paramref name="bound"/> = p·2^32 in every lane).
        /// </summary>
        static abstract void Sweep(ref uint row, ref ulong packed, int blocks, Vector256<ulong> bound,
            out Vector256<ulong> a0, out Vector256<ulong> a1, out Vector256<ulong> a2, out Vector256<ulong> a3);
    }

    /// <summary>AVX-512: 16 columns (8 lanes) per step; each component's 8 lanes halved to 4 at the end.</summary>
    private readonly struct Sweep512 : IQuarticSweep
    {
        public static int Columns => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Sweep(ref uint row, ref ulong packed, int blocks, Vector256<ulong> bound,
            out Vector256<ulong> a0, out Vector256<ulong> a1, out Vector256<ulong> a2, out Vector256<ulong> a3)
        {
            var bound512 = Vector512.Create((ulong)TParams.P << 32);
            Vector512<ulong> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int b = 0; b < blocks; b++)
            {
                var x = Vector512.LoadUnsafe(ref row, (nuint)(b * 16));
                var xo = Vector512.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();
                ref ulong cb = ref Unsafe.Add(ref packed, b * 4 * 16);
                s0 = Step(s0, x, xo, ref cb, 0, bound512);
                s1 = Step(s1, x, xo, ref cb, 16, bound512);
                s2 = Step(s2, x, xo, ref cb, 32, bound512);
                s3 = Step(s3, x, xo, ref cb, 48, bound512);
            }
            a0 = Half(s0, bound);
            a1 = Half(s1, bound);
            a2 = Half(s2, bound);
            a3 = Half(s3, bound);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Step(Vector512<ulong> acc, Vector512<uint> x, Vector512<uint> xo, ref ulong cb, int at, Vector512<ulong> bound)
        {
            var e = Vector512.LoadUnsafe(ref cb, (nuint)at).AsUInt32();
            var o = Vector512.LoadUnsafe(ref cb, (nuint)(at + 8)).AsUInt32();
            var s = acc + Avx512F.Multiply(x, e) + Avx512F.Multiply(xo, o);
            return Vector512.Min(s, s - bound);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Half(Vector512<ulong> v, Vector256<ulong> bound)
        {
            var s = v.GetLower() + v.GetUpper();
            return Vector256.Min(s, s - bound);
        }
    }

    /// <summary>AVX2: 8 columns (4 lanes) per step.</summary>
    private readonly struct Sweep256 : IQuarticSweep
    {
        public static int Columns => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Sweep(ref uint row, ref ulong packed, int blocks, Vector256<ulong> bound,
            out Vector256<ulong> a0, out Vector256<ulong> a1, out Vector256<ulong> a2, out Vector256<ulong> a3)
        {
            Vector256<ulong> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int b = 0; b < blocks; b++)
            {
                var x = Vector256.LoadUnsafe(ref row, (nuint)(b * 8));
                var xo = Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();
                ref ulong cb = ref Unsafe.Add(ref packed, b * 4 * 8);
                s0 = Step(s0, x, xo, ref cb, 0, bound);
                s1 = Step(s1, x, xo, ref cb, 8, bound);
                s2 = Step(s2, x, xo, ref cb, 16, bound);
                s3 = Step(s3, x, xo, ref cb, 24, bound);
            }
            (a0, a1, a2, a3) = (s0, s1, s2, s3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Step(Vector256<ulong> acc, Vector256<uint> x, Vector256<uint> xo, ref ulong cb, int at, Vector256<ulong> bound)
        {
            var e = Vector256.LoadUnsafe(ref cb, (nuint)at).AsUInt32();
            var o = Vector256.LoadUnsafe(ref cb, (nuint)(at + 4)).AsUInt32();
            var s = acc + Avx2.Multiply(x, e) + Avx2.Multiply(xo, o);
            return Vector256.Min(s, s - bound);
        }
    }

    /// <summary>Σ over the first <paramref name="count"/> columns (a multiple of 16) of one component, &lt; p·2^32 (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Lanes512(ref uint row, ref ulong even, ref ulong odd, int count)
    {
        var vBound = Vector512.Create((ulong)TParams.P << 32);
        var acc = Vector512<ulong>.Zero;
        for (int c = 0; c < count; c += 16)
        {
            var x = Vector512.LoadUnsafe(ref row, (nuint)c);
            var e = Vector512.LoadUnsafe(ref even, (nuint)(c / 2)).AsUInt32();
            var o = Vector512.LoadUnsafe(ref odd, (nuint)(c / 2)).AsUInt32();
            var s = acc + Avx512F.Multiply(x, e) + Avx512F.Multiply(Vector512.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), o);
            acc = Vector512.Min(s, s - vBound);
        }
        var h = Vector256.Create((ulong)TParams.P << 32);
        var s256 = acc.GetLower() + acc.GetUpper();
        return FoldLanes(Vector256.Min(s256, s256 - h));
    }

    /// <summary>Σ over the first <paramref name="count"/> columns (a multiple of 8) of one component, &lt; p·2^32 (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Lanes256(ref uint row, ref ulong even, ref ulong odd, int count)
    {
        var vBound = Vector256.Create((ulong)TParams.P << 32);
        var acc = Vector256<ulong>.Zero;
        for (int c = 0; c < count; c += 8)
        {
            var x = Vector256.LoadUnsafe(ref row, (nuint)c);
            var e = Vector256.LoadUnsafe(ref even, (nuint)(c / 2)).AsUInt32();
            var o = Vector256.LoadUnsafe(ref odd, (nuint)(c / 2)).AsUInt32();
            var s = acc + Avx2.Multiply(x, e) + Avx2.Multiply(Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), o);
            acc = Vector256.Min(s, s - vBound);
        }
        return FoldLanes(acc);
    }

    /// <summary>The sum of four lanes, each &lt; p·2^32, kept &lt; p·2^32 (two lanes sum below 2^64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FoldLanes(Vector256<ulong> v)
    {
        ulong bound = (ulong)TParams.P << 32;
        ulong a = v.GetElement(0) + v.GetElement(1);
        a = Math.Min(a, a - bound);
        ulong b = v.GetElement(2) + v.GetElement(3);
        b = Math.Min(b, b - bound);
        ulong s = a + b;
        return Math.Min(s, s - bound);
    }

    /// <summary>rowSums[r] = Σ_c coefficients[c]·matrix[r, c], one scalar dot product per row and component: the previous
    /// version of <see cref="RowCombinations"/>, kept as the reference for the tests (and the kernel under
    /// <see cref="KernelSelection.UseReference(ReferenceFamily)"/> with <see cref="ReferenceFamily.Openings"/>).</summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] RowCombinationsReference(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients)
    {
        int d = TDef.Degree, w = matrix.Width, h = matrix.Height;
        // components[k][c] = coefficient k of coefficients[c]: D base-field vectors.
        var components = new MontyField31<TParams>[d][];
        for (int k = 0; k < d; k++)
        {
            components[k] = new MontyField31<TParams>[w];
            for (int c = 0; c < w; c++)
                components[k][c] = coefficients[c][k];
        }
        var result = new ExtensionField<MontyField31<TParams>, TDef>[h];
        const int Grain = 512;
        Parallel.For(0, (h + Grain - 1) / Grain, chunk =>
        {
            Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[d];
            int end = Math.Min(h, (chunk + 1) * Grain);
            for (int r = chunk * Grain; r < end; r++)
            {
                ReadOnlySpan<MontyField31<TParams>> row = matrix.Row(r);
                for (int k = 0; k < d; k++)
                    parts[k] = MontyField31<TParams>.SumOfProducts(row, components[k]);
                result[r] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
            }
        });
        return result;
    }

    /// <summary>
    /// columnSums[c] = Σ_r weights[r]·matrix[r, c] (one extension value per column). Work items are
    /// (column block × row chunk) pairs, so narrow or short matrices still use every core; each item
    /// keeps its own delayed-reduction accumulators, reduced once, and the partial sums of a column are
    /// added in the field afterwards (exact arithmetic: the result does not depend on the split).
    /// </summary>
    [SkipLocalsInit]
    public static ExtensionField<MontyField31<TParams>, TDef>[] ColumnCombinations(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> weights)
    {
        int d = TDef.Degree, w = matrix.Width, h = matrix.Height;
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
            return ColumnCombinationsReference(matrix, weights);
        if (weights.Length != h)
            throw new ArgumentException("one weight per row", nameof(weights));
        var weightParts = new uint[h * d];
        for (int r = 0; r < h; r++)
            for (int k = 0; k < d; k++)
                weightParts[r * d + k] = weights[r][k].Montgomery;
        var result = new ExtensionField<MontyField31<TParams>, TDef>[w];
        if (w == 0)
            return result;
        const int Block = 64;
        int blocks = (w + Block - 1) / Block;
        // Row chunks: enough items for the cores (×4 for balance), each at least ~16 k multiply-adds.
        int cores = Environment.ProcessorCount;
        int minRows = Math.Max(64, (1 << 14) / Math.Max(1, Math.Min(w, Block) * d));
        int chunks = Math.Max(1, Math.Min((4 * cores + blocks - 1) / blocks, h / minRows));
        int rowsPerChunk = (h + chunks - 1) / chunks;
        chunks = Math.Max(1, (h + rowsPerChunk - 1) / rowsPerChunk);
        // partials[chunk][k·w + c]: component k of the chunk's sum for column c (reduced field values).
        var partials = new MontyField31<TParams>[chunks][];
        for (int i = 0; i < chunks; i++)
            partials[i] = new MontyField31<TParams>[w * d];
        var values = matrix.Values;
        var simd = KernelSelection.Simd<TParams>();
        Parallel.For(0, blocks * chunks, item =>
        {
            int block = item % blocks, chunk = item / blocks;
            int c0 = block * Block, c1 = Math.Min(w, c0 + Block), width = c1 - c0;
            int r0 = chunk * rowsPerChunk, r1 = Math.Min(h, r0 + rowsPerChunk);
            Span<ulong> acc = stackalloc ulong[Block * 8];
            acc = acc.Slice(0, width * d);
            acc.Clear();
            Accumulate(values, weightParts, w, d, c0, width, r0, r1, acc, simd);
            var part = partials[chunk];
            for (int k = 0; k < d; k++)
                for (int c = 0; c < width; c++)
                    part[k * w + c0 + c] = MontyField31<TParams>.FromMontgomery(MontyField31<TParams>.MontyReduce(acc[k * width + c]));
        });
        Parallel.For(0, blocks, block =>
        {
            int c0 = block * Block, c1 = Math.Min(w, c0 + Block);
            Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[d];
            for (int c = c0; c < c1; c++)
            {
                for (int k = 0; k < d; k++)
                {
                    var sum = partials[0][k * w + c];
                    for (int i = 1; i < chunks; i++)
                        sum += partials[i][k * w + c];
                    parts[k] = sum;
                }
                result[c] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
            }
        });
        return result;
    }

    /// <summary>acc[k·width + c] += Σ_(r0 ≤ r < r1) weight_k[r]·matrix[r, c0 + c], kept below p·2^32
    /// (8 columns per step with AVX-512, 4 with AVX2, one at a time otherwise: the same sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(MontyField31<TParams>[] values, uint[] weightParts, int w, int d,
        int c0, int width, int r0, int r1, Span<ulong> acc, SimdPath simd)
    {
        ulong bound = (ulong)TParams.P << 32;
        if (simd == SimdPath.Vector512 && width >= 8)
        {
            var vBound = Vector512.Create(bound);
            int vecEnd = width & ~7;
            ref ulong accRef = ref MemoryMarshal.GetReference(acc);
            for (int r = r0; r < r1; r++)
            {
                ref uint row = ref Unsafe.As<MontyField31<TParams>, uint>(ref values[r * w + c0]);
                int wBase = r * d;
                for (int k = 0; k < d; k++)
                {
                    ulong wk = weightParts[wBase + k];
                    var vw = Vector512.Create(wk);
                    int a = k * width;
                    int c = 0;
                    for (; c < vecEnd; c += 8)
                    {
                        var x = Vector512.WidenLower(Vector256.LoadUnsafe(ref row, (nuint)c).ToVector512Unsafe());
                        ref ulong slot = ref Unsafe.Add(ref accRef, a + c);
                        var s = Vector512.LoadUnsafe(ref slot) + vw * x;
                        Vector512.Min(s, s - vBound).StoreUnsafe(ref slot);
                    }
                    for (; c < width; c++)
                    {
                        ulong s = acc[a + c] + wk * Unsafe.Add(ref row, c);
                        acc[a + c] = Math.Min(s, s - bound);
                    }
                }
            }
            return;
        }
        if (simd == SimdPath.Vector256 && width >= 4)
        {
            // AVX2: vpmuludq multiplies the low 32-bit halves of each 64-bit lane, exactly wk·x here (both
            // < p < 2^31 and the widened x has a zero high half). Bounds as in the scalar loop: acc < p·2^32
            // and wk·x < p² < p·2^32, so s < 2^64 does not wrap, and min(s, s − p·2^32) subtracts once
            // exactly when s ≥ p·2^32 (otherwise s − p·2^32 wraps above s).
            var vBound = Vector256.Create(bound);
            int vecEnd = width & ~3;
            ref ulong accRef = ref MemoryMarshal.GetReference(acc);
            for (int r = r0; r < r1; r++)
            {
                ref uint row = ref Unsafe.As<MontyField31<TParams>, uint>(ref values[r * w + c0]);
                int wBase = r * d;
                for (int k = 0; k < d; k++)
                {
                    ulong wk = weightParts[wBase + k];
                    var vw = Vector256.Create(wk).AsUInt32();
                    int a = k * width;
                    int c = 0;
                    for (; c < vecEnd; c += 4)
                    {
                        var x = Vector256.WidenLower(Vector128.LoadUnsafe(ref row, (nuint)c).ToVector256Unsafe());
                        ref ulong slot = ref Unsafe.Add(ref accRef, a + c);
                        var s = Vector256.LoadUnsafe(ref slot) + Avx2.Multiply(x.AsUInt32(), vw);
                        Vector256.Min(s, s - vBound).StoreUnsafe(ref slot);
                    }
                    for (; c < width; c++)
                    {
                        ulong s = acc[a + c] + wk * Unsafe.Add(ref row, c);
                        acc[a + c] = Math.Min(s, s - bound);
                    }
                }
            }
            return;
        }
        for (int r = r0; r < r1; r++)
        {
            int rowStart = r * w;
            int wBase = r * d;
            for (int k = 0; k < d; k++)
            {
                ulong wk = weightParts[wBase + k];
                int a = k * width;
                for (int c = 0; c < width; c++)
                {
                    ulong s = acc[a + c] + wk * values[rowStart + c0 + c].Montgomery;
                    acc[a + c] = Math.Min(s, s - bound);
                }
            }
        }
    }

    /// <summary>columnSums[c] = Σ_r weights[r]·matrix[r, c] (one extension value per column). The
    /// previous version (column blocks in parallel, rows serial), kept as the reference for the tests.</summary>
    [SkipLocalsInit]
    public static ExtensionField<MontyField31<TParams>, TDef>[] ColumnCombinationsReference(
        RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> weights)
    {
        int d = TDef.Degree, w = matrix.Width, h = matrix.Height;
        if (weights.Length != h)
            throw new ArgumentException("one weight per row", nameof(weights));
        var weightParts = new uint[h * d];
        for (int r = 0; r < h; r++)
            for (int k = 0; k < d; k++)
                weightParts[r * d + k] = weights[r][k].Montgomery;
        var result = new ExtensionField<MontyField31<TParams>, TDef>[w];
        ulong bound = (ulong)TParams.P << 32;
        // Columns in blocks (parallel); within a block, rows in order so the matrix is read row by row.
        const int Block = 64;
        var values = matrix.Values;
        Parallel.For(0, (w + Block - 1) / Block, block =>
        {
            int c0 = block * Block, c1 = Math.Min(w, c0 + Block), width = c1 - c0;
            var acc = new ulong[width * d];
            for (int r = 0; r < h; r++)
            {
                int rowStart = r * w;
                int wBase = r * d;
                for (int k = 0; k < d; k++)
                {
                    ulong wk = weightParts[wBase + k];
                    int a = k * width;
                    for (int c = 0; c < width; c++)
                    {
                        ulong s = acc[a + c] + wk * values[rowStart + c0 + c].Montgomery;
                        acc[a + c] = Math.Min(s, s - bound);
                    }
                }
            }
            Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[d];
            for (int c = 0; c < width; c++)
            {
                for (int k = 0; k < d; k++)
                    parts[k] = MontyField31<TParams>.FromMontgomery(MontyField31<TParams>.MontyReduce(acc[k * width + c]));
                result[c0 + c] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
            }
        });
        return result;
    }
}
