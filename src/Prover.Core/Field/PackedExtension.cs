using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Prover.Core.Field;

/// <summary>
/// Extension-field arithmetic on 16 elements at once: an element is D vectors, vector c holding
/// coefficient c of the 16 lanes (Montgomery words, as <see cref="PackedMontyField31{TParams}"/>).
/// Used by the LogUp kernels, where every row's interactions need extension products. Results equal
/// <see cref="ExtensionField{TBase, TDef}"/> arithmetic lane by lane (tests compare them).
/// </summary>
[SkipLocalsInit]
internal static class PackedExtension<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private static readonly Vector512<uint> s_w = Vector512.Create(TDef.W.Montgomery);

    /// <summary>dst = a·b (schoolbook, 2D − 1 partial coefficients, then reduction by x^D = tail). dst may alias a or b.</summary>
    public static void Mul(ReadOnlySpan<Vector512<uint>> a, ReadOnlySpan<Vector512<uint>> b, Span<Vector512<uint>> dst)
    {
        int d = TDef.Degree;
        Span<Vector512<uint>> t = stackalloc Vector512<uint>[2 * d - 1];
        for (int i = 0; i < d; i++)
            t[i] = PackedMontyField31<TParams>.Mul(a[0], b[i]);
        for (int i = d; i < 2 * d - 1; i++)
            t[i] = Vector512<uint>.Zero;
        for (int i = 1; i < d; i++)
        {
            var ai = a[i];
            for (int j = 0; j < d; j++)
                t[i + j] = PackedMontyField31<TParams>.Add(t[i + j], PackedMontyField31<TParams>.Mul(ai, b[j]));
        }
        if (TDef.IsBinomial)
        {
            for (int k = 0; k < d - 1; k++)
                dst[k] = PackedMontyField31<TParams>.Add(t[k], PackedMontyField31<TParams>.Mul(t[k + d], s_w));
            dst[d - 1] = t[d - 1];
            return;
        }
        var tail = TDef.ModulusTail;
        for (int k = 2 * d - 2; k >= d; k--)
            for (int c = 0; c < d; c++)
                if (!tail[c].IsZero)
                    t[k - d + c] = PackedMontyField31<TParams>.Add(t[k - d + c], PackedMontyField31<TParams>.Mul(t[k], Vector512.Create(tail[c].Montgomery)));
        t[..d].CopyTo(dst);
    }

    /// <summary>dst = a·s for a base-field vector s (D products).</summary>
    public static void MulBase(ReadOnlySpan<Vector512<uint>> a, Vector512<uint> s, Span<Vector512<uint>> dst)
    {
        for (int c = 0; c < TDef.Degree; c++)
            dst[c] = PackedMontyField31<TParams>.Mul(a[c], s);
    }

    /// <summary>The D coefficient vectors of one extension constant broadcast to every lane.</summary>
    public static Vector512<uint>[] Broadcast(ExtensionField<MontyField31<TParams>, TDef> value)
    {
        var result = new Vector512<uint>[TDef.Degree];
        for (int c = 0; c < result.Length; c++)
            result[c] = Vector512.Create(value[c].Montgomery);
        return result;
    }

    /// <summary>Lane <paramref name="lane"/> of a packed element.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef> Extract(ReadOnlySpan<Vector512<uint>> a, int lane)
    {
        Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[TDef.Degree];
        for (int c = 0; c < parts.Length; c++)
            parts[c] = MontyField31<TParams>.FromMontgomery(a[c].GetElement(lane));
        return ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(parts);
    }
}
