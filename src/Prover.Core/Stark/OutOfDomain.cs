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
            Parallel.For(0, zs.Length, p => weights[p] = Polynomials.BarycentricWeights(logN, MontyField31<TParams>.One, zs[p]));
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
}
