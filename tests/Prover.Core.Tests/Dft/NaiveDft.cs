using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Tests.Dft;

/// <summary>
/// The O(n²) definition, y_i = Σ_j c_j·w^(i·j), as the reference. It implements only the required member
/// of <see cref="ITwoAdicSubgroupDft{T}"/>, so the interface's default inverse, coset and LDE methods run
/// on top of it and are checked too.
/// </summary>
internal sealed class NaiveDft<T> : ITwoAdicSubgroupDft<T> where T : struct, IPrimeField31<T>
{
    public void DftBatch(RowMajorMatrix<T> matrix)
    {
        int n = matrix.Height;
        int log = System.Numerics.BitOperations.Log2((uint)n);
        var w = T.TwoAdicGenerator(log);
        var powers = w.Powers(n);
        var input = matrix.Clone();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < matrix.Width; c++)
            {
                T acc = T.Zero;
                for (int j = 0; j < n; j++)
                    acc += input[j, c] * powers[(int)((long)i * j % n)];
                matrix[i, c] = acc;
            }
        }
    }

    /// <summary>Σ_j c_j·x^j by Horner's rule.</summary>
    public static T Evaluate(ReadOnlySpan<T> coefficients, T x)
    {
        T acc = T.Zero;
        for (int j = coefficients.Length - 1; j >= 0; j--)
            acc = acc * x + coefficients[j];
        return acc;
    }
}
