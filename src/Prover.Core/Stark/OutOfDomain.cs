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
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points)
    {
        ArgumentNullException.ThrowIfNull(matrices);
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
                result[p][m] = ExtensionLinearAlgebra<TParams, TDef>.ColumnCombinations(matrices[m], weights[p]);
        }
        return result;
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
            Fields.BatchInverse<ExtensionField<MontyField31<TParams>, TDef>>(denominators, span);
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
