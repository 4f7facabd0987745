using System.Runtime.CompilerServices;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Stark;

/// <summary>
/// Out-of-domain openings on the CPU (the reference behind <see cref="IProverBackend{TParams}.EvaluateOutOfDomain{TDef}"/>):
/// the barycentric weights of each point for the trace domain H (<see cref="Polynomials.BarycentricWeights{F, TExt}"/>, the
/// points' weights side by side), then each matrix's column combinations with them.
/// </summary>
public static class OutOfDomain<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    public static ExtensionField<MontyField31<TParams>, TDef>[][][] Evaluate(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points) => Evaluate(logN, matrices, points, null);

    /// <summary>
    /// The openings of only some columns: <paramref name="columns"/>[p][m] lists the columns of matrix m wanted at points[p]
    /// (null, or a null <paramref name="columns"/>: all), result[p][m][j] being column columns[p][m][j]. A column's value
    /// is its own combination with the point's weights, so it equals the same column's entry in the full evaluation; only
    /// the wanted columns are read (a copy of them when they are not all of the matrix's).
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[][][] Evaluate(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points, IReadOnlyList<IReadOnlyList<int>?[]>? columns)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        CheckColumns(matrices.Count, points.Length, columns);
        var zs = points.ToArray();
        foreach (var z in zs)
            if (Polynomials.Vanishing(logN, z).IsZero)
                throw new ArgumentException("evaluation point lies on the domain", nameof(points));
        var weights = new ExtensionField<MontyField31<TParams>, TDef>[zs.Length][];
        // The weight vectors (a serial batch inversion each) are computed side by side.
        if (KernelSelection.IsReference(ReferenceFamily.Openings))
        {
            for (int p = 0; p < zs.Length; p++)
                weights[p] = Polynomials.BarycentricWeights(logN, MontyField31<TParams>.One, zs[p]);
        }
        else
        {
            // A point z·ω^k (ζ·ω next to ζ) takes the earlier point's weights rotated by k (see Rotated); the others are computed
            // by Weights, in parallel chunks.
            var omega = MontyField31<TParams>.TwoAdicGenerator(logN);
            for (int p = 0; p < zs.Length; p++)
            {
                for (int q = 0; q < p && weights[p] is null; q++)
                    if (zs[p] == zs[q] * omega)
                        weights[p] = Rotated(weights[q]);
                weights[p] ??= Weights(logN, zs[p]);
            }
        }
        var result = new ExtensionField<MontyField31<TParams>, TDef>[zs.Length][][];
        for (int p = 0; p < zs.Length; p++)
        {
            result[p] = new ExtensionField<MontyField31<TParams>, TDef>[matrices.Count][];
            for (int m = 0; m < matrices.Count; m++)
            {
                var wanted = columns?[p][m];
                result[p][m] = wanted is null
                    ? ExtensionLinearAlgebra<TParams, TDef>.ColumnCombinations(matrices[m], weights[p])
                    : wanted.Count == 0
                        ? []
                        : ExtensionLinearAlgebra<TParams, TDef>.ColumnCombinations(
                            IsIdentity(wanted, matrices[m].Width) ? matrices[m] : ColumnSelection.Select(matrices[m], wanted), weights[p]);
            }
        }
        return result;
    }

    /// <summary>
    /// The entries of a full evaluation (result[p][m][c] for every column c) that <paramref name="columns"/> asks for, in the
    /// shape <see cref="Evaluate(int, IReadOnlyList{RowMajorMatrix{MontyField31{TParams}}}, ReadOnlySpan{ExtensionField{MontyField31{TParams}, TDef}}, IReadOnlyList{IReadOnlyList{int}?[]}?)"/>
    /// returns (the default of backends that evaluate every column).
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[][][] SelectColumns(ExtensionField<MontyField31<TParams>, TDef>[][][] all,
        IReadOnlyList<IReadOnlyList<int>?[]> columns)
    {
        ArgumentNullException.ThrowIfNull(all);
        CheckColumns(all.Length == 0 ? 0 : all[0].Length, all.Length, columns);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[all.Length][][];
        for (int p = 0; p < all.Length; p++)
        {
            result[p] = new ExtensionField<MontyField31<TParams>, TDef>[all[p].Length][];
            for (int m = 0; m < all[p].Length; m++)
            {
                var wanted = columns[p][m];
                var values = all[p][m];
                result[p][m] = wanted is null ? values : [.. wanted.Select(c => values[c])];
            }
        }
        return result;
    }

    private static void CheckColumns(int matrices, int points, IReadOnlyList<IReadOnlyList<int>?[]>? columns)
    {
        if (columns is null)
            return;
        if (columns.Count != points)
            throw new ArgumentException($"column lists for {columns.Count} points, not {points}", nameof(columns));
        foreach (var perMatrix in columns)
            if (perMatrix is null || perMatrix.Length != matrices)
                throw new ArgumentException($"a point's column lists do not cover the {matrices} matrices", nameof(columns));
    }

    private static bool IsIdentity(IReadOnlyList<int> columns, int width)
    {
        if (columns.Count != width)
            return false;
        for (int c = 0; c < width; c++)
            if (columns[c] != c)
                return false;
        return true;
    }

    /// <summary>The barycentric scale ((z/shift)^n − 1)/n with shift 1, as <see cref="Polynomials.BarycentricWeights{F, TExt}"/> computes it.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef> Scale(int logN, ExtensionField<MontyField31<TParams>, TDef> z) =>
        (z.Pow(1UL << logN) - ExtensionField<MontyField31<TParams>, TDef>.One) * MontyField31<TParams>.FromUInt64(1UL << logN).Inverse();

    /// <summary>
    /// The weights of z·ω from those of z: w_i(z) = s(z)·ω^i/(z − ω^i) with s(z) = (z^n − 1)/n, and (z·ω)^n = z^n, so
    /// w_i(z·ω) = s(z)·ω^i/(ω·(z − ω^(i−1))) = w_(i−1)(z), indices mod n. The same field elements as a fresh computation,
    /// without its batch inversion.
    /// </summary>
    internal static ExtensionField<MontyField31<TParams>, TDef>[] Rotated(ExtensionField<MontyField31<TParams>, TDef>[] weights)
    {
        int n = weights.Length;
        var rotated = new ExtensionField<MontyField31<TParams>, TDef>[n];
        rotated[0] = weights[n - 1];
        weights.AsSpan(0, n - 1).CopyTo(rotated.AsSpan(1));
        return rotated;
    }

    /// <summary>
    /// <see cref="Polynomials.BarycentricWeights{F, TExt}"/> with shift 1 in parallel chunks: each chunk starts its powers at
    /// ω^start and inverts its own batch (inverses are unique, so the values equal those of one serial batch inversion).
    /// </summary>
    internal static ExtensionField<MontyField31<TParams>, TDef>[] Weights(int logN, ExtensionField<MontyField31<TParams>, TDef> z)
    {
        int n = 1 << logN;
        var omega = MontyField31<TParams>.TwoAdicGenerator(logN);
        var scale = Scale(logN, z);
        var weights = new ExtensionField<MontyField31<TParams>, TDef>[n];
        const int Grain = 4096;
        int chunks = (n + Grain - 1) / Grain;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Chunk(int chunk)
        {
            int start = chunk * Grain, count = Math.Min(n, start + Grain) - start;
            var denominators = new ExtensionField<MontyField31<TParams>, TDef>[count];
            var w = omega.Pow((ulong)start);
            for (int i = 0; i < count; i++)
            {
                denominators[i] = z - w;
                w *= omega;
            }
            var span = weights.AsSpan(start, count);
            PackedBatchInverse<TParams, TDef>.Invert(denominators, span);
            // w_i = scale·ω^i/(z − ω^i): the scale times ω^i (one extension × base product per point).
            w = omega.Pow((ulong)start);
            for (int i = 0; i < count; i++)
            {
                span[i] *= scale * w;
                w *= omega;
            }
        }
        if (chunks == 1)
            Chunk(0);
        else
            Parallel.For(0, chunks, Chunk);
        return weights;
    }
}
