using System.Runtime.CompilerServices;
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

    /// <summary>columnSums[c] = Σ_r weights[r]·matrix[r, c] (one extension value per column).</summary>
    [SkipLocalsInit]
    public static ExtensionField<MontyField31<TParams>, TDef>[] ColumnCombinations(
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
