using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>
/// Montgomery's batch inversion of extension elements on SIMD lanes: lane l of a block of 16 (AVX-512) or 8 (AVX2) takes the
/// elements l, l + 16, l + 32, … (read from and written to the elements as they lie, D Montgomery words each), its own chain of
/// prefix products on <see cref="PackedExtension{TParams, TDef, TL, TV}"/>, one inversion per lane and the backward pass.
/// Inverses are unique, so the results equal <see cref="Fields.BatchInverse{T}(ReadOnlySpan{T}, Span{T})"/>'s (the reference:
/// without SIMD, inside <see cref="KernelSelection.UseReference(ReferenceFamily)"/> with <see cref="ReferenceFamily.Openings"/>,
/// for the last elements that fill no whole vector, and for a block that holds a zero, so that a zero throws the same
/// <see cref="DivideByZeroException"/>). Its callers (out-of-domain weights, DEEP's inverse distances) invert thousands at once.
/// </summary>
[SkipLocalsInit]
internal static class PackedBatchInverse<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>result[i] = 1/values[i]; throws <see cref="DivideByZeroException"/> if any value is zero.</summary>
    public static void Invert(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> values, Span<ExtensionField<MontyField31<TParams>, TDef>> result)
    {
        if (result.Length != values.Length)
            throw new ArgumentException("result length differs from input length", nameof(result));
        var simd = KernelSelection.Simd<TParams>();
        if (KernelSelection.IsReference(ReferenceFamily.Openings) || simd == SimdPath.Scalar)
        {
            Fields.BatchInverse(values, result);
            return;
        }
        int done = simd == SimdPath.Vector512
            ? Blocks<Lanes512<TParams>, Vector512<uint>>(values, result)
            : Blocks<Lanes256<TParams>, Vector256<uint>>(values, result);
        if (done < values.Length)
            Fields.BatchInverse(values[done..], result[done..]);
    }

    /// <summary>Inverts the first ⌊n / lanes⌋·lanes values (one block of interleaved lane chains); returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Blocks<TL, TV>(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> values, Span<ExtensionField<MontyField31<TParams>, TDef>> result)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int lanes = TL.Count, d = TDef.Degree;
        int steps = values.Length / lanes;
        if (steps == 0)
            return 0;
        var input = MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(values);
        var output = MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(result);
        var prefix = new TV[steps * d];
        Span<TV> running = stackalloc TV[d];
        Span<TV> value = stackalloc TV[d];
        Span<TV> inverse = stackalloc TV[d];
        Span<uint> words = stackalloc uint[16];
        running.Clear();
        running[0] = TL.Broadcast(MontyField31<TParams>.One.Montgomery);
        // Forward: prefix[t] = Π_(s < t) v_s per lane.
        for (int t = 0; t < steps; t++)
        {
            running.CopyTo(prefix.AsSpan(t * d, d));
            Load<TL, TV>(input, t * lanes, d, value, words);
            PackedExtension<TParams, TDef, TL, TV>.Mul(running, value, running);
        }
        // One inversion per lane (a zero product means a zero value: the reference path throws for it).
        for (int l = 0; l < lanes; l++)
        {
            var product = PackedExtension<TParams, TDef, TL, TV>.Extract(running, l);
            if (product.IsZero)
            {
                Fields.BatchInverse(values[..(steps * lanes)], result[..(steps * lanes)]);
                return steps * lanes;
            }
            var inv = product.Inverse();
            for (int c = 0; c < d; c++)
                Lane<TL, TV>(inverse, c, l, inv[c].Montgomery, words);
        }
        // Backward: 1/v_t = prefix[t]·(Π_(s ≤ t) v_s)^−1, then drop v_t from the running inverse.
        for (int t = steps - 1; t >= 0; t--)
        {
            Load<TL, TV>(input, t * lanes, d, value, words);
            PackedExtension<TParams, TDef, TL, TV>.Mul(prefix.AsSpan(t * d, d), inverse, running);
            Store<TL, TV>(output, t * lanes, d, running, words);
            PackedExtension<TParams, TDef, TL, TV>.Mul(inverse, value, inverse);
        }
        return steps * lanes;
    }

    /// <summary>Elements first … first + lanes − 1 (D words each) as D vectors of their components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<TL, TV>(ReadOnlySpan<uint> words, int first, int d, Span<TV> dst, Span<uint> scratch)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int lanes = TL.Count;
        var block = words.Slice(first * d, lanes * d);
        for (int c = 0; c < d; c++)
        {
            for (int l = 0; l < lanes; l++)
                scratch[l] = block[l * d + c];
            dst[c] = TL.Create(scratch[..lanes]);
        }
    }

    /// <summary>D vectors of components back into elements first … first + lanes − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TL, TV>(Span<uint> words, int first, int d, ReadOnlySpan<TV> src, Span<uint> scratch)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int lanes = TL.Count;
        var block = words.Slice(first * d, lanes * d);
        for (int c = 0; c < d; c++)
        {
            TL.Store(src[c], scratch);
            for (int l = 0; l < lanes; l++)
                block[l * d + c] = scratch[l];
        }
    }

    /// <summary>Sets lane <paramref name="lane"/> of vector <paramref name="c"/> to <paramref name="word"/>.</summary>
    private static void Lane<TL, TV>(Span<TV> vectors, int c, int lane, uint word, Span<uint> scratch)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        TL.Store(vectors[c], scratch);
        scratch[lane] = word;
        vectors[c] = TL.Create(scratch[..TL.Count]);
    }
}
