using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Core.Matrix;

namespace Prover.Core.Dft;

/// <summary>Bit-reversal permutations (the row order of DIF outputs and of committed LDE matrices).</summary>
public static class BitReversal
{
    /// <summary>The low <paramref name="bits"/> bits of <paramref name="index"/> in reverse order (bits ≤ 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReverseBits(uint index, int bits)
    {
        if ((uint)bits > 32)
            throw new ArgumentOutOfRangeException(nameof(bits));
        if (bits == 0)
            return 0;
        uint x = index;
        x = ((x >> 1) & 0x5555_5555u) | ((x & 0x5555_5555u) << 1);
        x = ((x >> 2) & 0x3333_3333u) | ((x & 0x3333_3333u) << 2);
        x = ((x >> 4) & 0x0F0F_0F0Fu) | ((x & 0x0F0F_0F0Fu) << 4);
        x = BinaryPrimitives.ReverseEndianness(x);
        return x >> (32 - bits);
    }

    /// <summary><see cref="ReverseBits(uint, int)"/> for int indices.</summary>
    public static int ReverseBits(int index, int bits) => (int)ReverseBits((uint)index, bits);

    /// <summary>Permutes the elements so that element i moves to index ReverseBits(i, log2 n); length a power of two.</summary>
    public static void ReverseInPlace<T>(Span<T> values) => ReverseRows(values, 1);

    /// <summary>Permutes the rows so that row i moves to row ReverseBits(i, log2 Height); Height a power of two.</summary>
    public static void ReverseRows<T>(RowMajorMatrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ReverseRows(matrix.Values.AsSpan(), matrix.Width);
    }

    /// <summary>Bit-reverses the rows of a row-major block of <paramref name="width"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReverseRows<T>(Span<T> values, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int n = values.Length / width;
        if (n * width != values.Length || !BitOperations.IsPow2(n))
            throw new ArgumentException($"{values.Length} values are not a power-of-two number of rows of width {width}", nameof(values));
        int bits = BitOperations.Log2((uint)n);
        ref T r = ref MemoryMarshal.GetReference(values);
        if (width == 1)
        {
            for (int i = 0; i < n; i++)
            {
                int j = ReverseBits(i, bits);
                if (i < j)
                    (Unsafe.Add(ref r, i), Unsafe.Add(ref r, j)) = (Unsafe.Add(ref r, j), Unsafe.Add(ref r, i));
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            int j = ReverseBits(i, bits);
            if (i < j)
                SwapRows(values.Slice(i * width, width), values.Slice(j * width, width));
        }
    }

    /// <summary>Exchanges the contents of two equal-length, non-overlapping spans.</summary>
    internal static void SwapRows<T>(Span<T> a, Span<T> b)
    {
        for (int k = 0; k < a.Length; k++)
            (a[k], b[k]) = (b[k], a[k]);
    }
}
