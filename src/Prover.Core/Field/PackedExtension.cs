using System.Runtime.CompilerServices;

namespace Prover.Core.Field;

/// <summary>
/// Extension-field arithmetic on a vector of elements at once (16 with <see cref="Lanes512{TParams}"/>,
/// 8 with <see cref="Lanes256{TParams}"/>): an element is D vectors, vector c holding coefficient c of
/// every lane (Montgomery words, as <see cref="PackedMontyField31{TParams}"/>). Used by the LogUp
/// kernels, where every row's interactions need extension products. Results equal
/// <see cref="ExtensionField{TBase, TDef}"/> arithmetic lane by lane (tests compare them).
/// </summary>
[SkipLocalsInit]
internal static class PackedExtension<TParams, TDef, TL, TV>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TL : struct, IPackedLanes<TV>
    where TV : unmanaged
{
    private static readonly TV s_w = TL.Broadcast(TDef.W.Montgomery);

    /// <summary>dst = a·b (schoolbook, 2D − 1 partial coefficients, then reduction by x^D = tail). dst may alias a or b.</summary>
    public static void Mul(ReadOnlySpan<TV> a, ReadOnlySpan<TV> b, Span<TV> dst)
    {
        int d = TDef.Degree;
        Span<TV> t = stackalloc TV[2 * d - 1];
        for (int i = 0; i < d; i++)
            t[i] = TL.Mul(a[0], b[i]);
        for (int i = d; i < 2 * d - 1; i++)
            t[i] = default;
        for (int i = 1; i < d; i++)
        {
            var ai = a[i];
            for (int j = 0; j < d; j++)
                t[i + j] = TL.Add(t[i + j], TL.Mul(ai, b[j]));
        }
        if (TDef.IsBinomial)
        {
            for (int k = 0; k < d - 1; k++)
                dst[k] = TL.Add(t[k], TL.Mul(t[k + d], s_w));
            dst[d - 1] = t[d - 1];
            return;
        }
        var tail = TDef.ModulusTail;
        for (int k = 2 * d - 2; k >= d; k--)
            for (int c = 0; c < d; c++)
                if (!tail[c].IsZero)
                    t[k - d + c] = TL.Add(t[k - d + c], TL.Mul(t[k], TL.Broadcast(tail[c].Montgomery)));
        t[..d].CopyTo(dst);
    }

    /// <summary>dst = a·s for a base-field vector s (D products).</summary>
    public static void MulBase(ReadOnlySpan<TV> a, TV s, Span<TV> dst)
    {
        for (int c = 0; c < TDef.Degree; c++)
            dst[c] = TL.Mul(a[c], s);
    }

    /// <summary>The D coefficient vectors of one extension constant broadcast to every lane.</summary>
    public static TV[] Broadcast(ExtensionField<MontyField31<TParams>, TDef> value)
    {
        var result = new TV[TDef.Degree];
        for (int c = 0; c < result.Length; c++)
            result[c] = TL.Broadcast(value[c].Montgomery);
        return result;
    }

    /// <summary>Lane <paramref name="lane"/> of a packed element.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef> Extract(ReadOnlySpan<TV> a, int lane)
    {
        Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[TDef.Degree];
        for (int c = 0; c < parts.Length; c++)
            parts[c] = MontyField31<TParams>.FromMontgomery(TL.Get(a[c], lane));
        return ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
    }
}
