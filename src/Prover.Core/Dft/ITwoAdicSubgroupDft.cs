using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Dft;

/// <summary>
/// Discrete Fourier transforms over the two-adic subgroups of a 31-bit prime field, batched over the
/// columns of a row-major matrix (each column is one polynomial, rows in natural order).
/// Convention (as in <c>shared/vectors/*.json</c>, section <c>dft</c>): for n rows and w =
/// <c>TwoAdicGenerator(log2 n)</c>, the DFT maps coefficients c to evaluations y_i = Σ_j c_j·w^(i·j).
/// Only <see cref="DftBatch"/> is required; the other members have default implementations built on it
/// that an implementation may replace with faster ones (Plonky3's <c>TwoAdicSubgroupDft</c> shape).
/// </summary>
public interface ITwoAdicSubgroupDft<T> where T : struct, IPrimeField31<T>
{
    /// <summary>In place: each column's coefficients become its evaluations on the subgroup of size Height.</summary>
    void DftBatch(RowMajorMatrix<T> matrix);

    /// <summary>In place: each column's evaluations on the subgroup become its coefficients.</summary>
    void IdftBatch(RowMajorMatrix<T> matrix)
    {
        // idft(y)_i = n^-1 · dft(y)_(−i mod n): transform, reverse rows 1..n−1, scale.
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.Height;
        DftBatch(matrix);
        for (int i = 1, j = n - 1; i < j; i++, j--)
            BitReversal.SwapRows(matrix.Row(i), matrix.Row(j));
        var nInv = T.FromUInt64((ulong)n).Inverse();
        var values = matrix.Values;
        for (int k = 0; k < values.Length; k++)
            values[k] *= nInv;
    }

    /// <summary>In place: coefficients become evaluations on the coset shift·H, y_i = Σ_j c_j·(shift·w^i)^j.</summary>
    void CosetDftBatch(RowMajorMatrix<T> matrix, T shift)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        T power = T.One;
        for (int r = 0; r < matrix.Height; r++)
        {
            var row = matrix.Row(r);
            for (int c = 0; c < row.Length; c++)
                row[c] *= power;
            power *= shift;
        }
        DftBatch(matrix);
    }

    /// <summary>
    /// Low-degree extension: <paramref name="evaluations"/> holds each column's values on the subgroup H of
    /// size n; the result (a new matrix, height n·2^addedBits, natural row order) holds the same polynomials
    /// evaluated on shift·H' with |H'| = n·2^addedBits. The input is not modified.
    /// </summary>
    RowMajorMatrix<T> CosetLde(RowMajorMatrix<T> evaluations, int addedBits, T shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        ArgumentOutOfRangeException.ThrowIfNegative(addedBits);
        var coefficients = evaluations.Clone();
        IdftBatch(coefficients);
        var result = new RowMajorMatrix<T>(checked(evaluations.Height << addedBits), evaluations.Width);
        coefficients.Values.CopyTo(result.Values, 0);
        CosetDftBatch(result, shift);
        return result;
    }

    /// <summary><see cref="CosetLde"/> with the rows in bit-reversed order (the layout that gets committed).</summary>
    RowMajorMatrix<T> CosetLdeBitReversed(RowMajorMatrix<T> evaluations, int addedBits, T shift)
    {
        var result = CosetLde(evaluations, addedBits, shift);
        BitReversal.ReverseRows(result);
        return result;
    }
}

/// <summary>Single-polynomial conveniences over any <see cref="ITwoAdicSubgroupDft{T}"/>.</summary>
public static class DftExtensions
{
    /// <summary>Evaluations of the polynomial with the given coefficients on the subgroup of size values.Length.</summary>
    public static T[] Dft<T>(this ITwoAdicSubgroupDft<T> dft, ReadOnlySpan<T> coefficients) where T : struct, IPrimeField31<T>
    {
        ArgumentNullException.ThrowIfNull(dft);
        var m = new RowMajorMatrix<T>(coefficients.ToArray(), 1);
        dft.DftBatch(m);
        return m.Values;
    }

    /// <summary>Coefficients of the polynomial with the given evaluations on the subgroup.</summary>
    public static T[] Idft<T>(this ITwoAdicSubgroupDft<T> dft, ReadOnlySpan<T> evaluations) where T : struct, IPrimeField31<T>
    {
        ArgumentNullException.ThrowIfNull(dft);
        var m = new RowMajorMatrix<T>(evaluations.ToArray(), 1);
        dft.IdftBatch(m);
        return m.Values;
    }

    /// <summary>Evaluations on the coset shift·H of the polynomial with the given coefficients.</summary>
    public static T[] CosetDft<T>(this ITwoAdicSubgroupDft<T> dft, ReadOnlySpan<T> coefficients, T shift) where T : struct, IPrimeField31<T>
    {
        ArgumentNullException.ThrowIfNull(dft);
        var m = new RowMajorMatrix<T>(coefficients.ToArray(), 1);
        dft.CosetDftBatch(m, shift);
        return m.Values;
    }

    /// <summary>Single-column <see cref="ITwoAdicSubgroupDft{T}.CosetLde"/>.</summary>
    public static T[] CosetLde<T>(this ITwoAdicSubgroupDft<T> dft, ReadOnlySpan<T> evaluations, int addedBits, T shift, bool bitReversed = false)
        where T : struct, IPrimeField31<T>
    {
        ArgumentNullException.ThrowIfNull(dft);
        var m = new RowMajorMatrix<T>(evaluations.ToArray(), 1);
        return (bitReversed ? dft.CosetLdeBitReversed(m, addedBits, shift) : dft.CosetLde(m, addedBits, shift)).Values;
    }
}
