using System.Runtime.CompilerServices;

namespace Prover.Core.Field;

/// <summary>Batch operations over any field.</summary>
public static class Fields
{
    /// <summary>
    /// Montgomery's batch inversion: one inversion and 3(n−1) multiplications for n inverses.
    /// Throws <see cref="DivideByZeroException"/> if any input is zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchInverse<T>(ReadOnlySpan<T> values, Span<T> result) where T : struct, IField<T>
    {
        if (result.Length != values.Length)
            throw new ArgumentException("result length differs from input length", nameof(result));
        int n = values.Length;
        if (n == 0)
            return;
        // result[i] = v0·v1·…·v(i−1) (prefix products, exclusive).
        T acc = T.One;
        for (int i = 0; i < n; i++)
        {
            if (values[i].IsZero)
                throw new DivideByZeroException($"batch inverse: element {i} is zero");
            result[i] = acc;
            acc *= values[i];
        }
        T inv = acc.Inverse();
        for (int i = n - 1; i >= 0; i--)
        {
            T vi = values[i];
            result[i] *= inv;
            inv *= vi;
        }
    }

    /// <summary>Allocating convenience for <see cref="BatchInverse{T}(ReadOnlySpan{T}, Span{T})"/>.</summary>
    public static T[] BatchInverse<T>(ReadOnlySpan<T> values) where T : struct, IField<T>
    {
        var result = new T[values.Length];
        BatchInverse(values, result);
        return result;
    }

    /// <summary>Dot product Σ a[i]·b[i].</summary>
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : struct, IField<T>
    {
        if (a.Length != b.Length)
            throw new ArgumentException("lengths differ");
        T acc = T.Zero;
        for (int i = 0; i < a.Length; i++)
            acc += a[i] * b[i];
        return acc;
    }
}
