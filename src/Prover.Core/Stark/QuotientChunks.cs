using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Stark;

/// <summary>
/// A table's quotient split into chunks on the CPU (the reference behind <see cref="IProverBackend{TParams}.QuotientChunks{TDef}"/>
/// and <see cref="IProverBackend{TParams}.EvaluateCoefficientColumns{TDef}"/>): the values on the quotient domain g·H_(n·d) →
/// coefficients → d chunks of n coefficients, Q(x) = Σ_j x^(j·n)·q_j(x) → each chunk's coset LDE; and the chunks' values at ζ.
/// </summary>
public static class QuotientChunks<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private static readonly MontyField31<TParams> Shift = MontyField31<TParams>.MultiplicativeGenerator;

    /// <summary>
    /// Quotient values on the coset g·H_(n·d) (natural order, extension elements, n = 2^<paramref name="logN"/>, d =
    /// 2^<paramref name="logChunks"/>) → the chunk coefficients (n rows; chunk j, component c in column j·D + c) and their
    /// coset LDEs onto g·H_(n·2^<paramref name="logBlowup"/>), rows bit-reversed, side by side (width D·d, committed).
    /// </summary>
    public static (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) Split(
        ITwoAdicSubgroupDft<MontyField31<TParams>> dft, ExtensionField<MontyField31<TParams>, TDef>[] values, int logN, int logChunks, int logBlowup)
    {
        ArgumentNullException.ThrowIfNull(dft);
        ArgumentNullException.ThrowIfNull(values);
        if (logN < 0 || logChunks < 0 || logBlowup < 0 || logN + Math.Max(logChunks, logBlowup) > 30 || values.Length != 1 << (logN + logChunks))
            throw new ArgumentException($"{values.Length} quotient values are not 2^{logN}·2^{logChunks} (blowup 2^{logBlowup})", nameof(values));
        int d = TDef.Degree, n = 1 << logN, chunks = 1 << logChunks;
        var m = new RowMajorMatrix<MontyField31<TParams>>(values.Length, d);
        for (int i = 0; i < values.Length; i++)
            values[i].Coefficients.CopyTo(m.Row(i));
        // Coset IDFT: coefficients of p(g·x) by a plain IDFT, then c_j ← c_j·g^-j.
        dft.IdftBatch(m);
        var shiftInv = Shift.Inverse();
        var power = MontyField31<TParams>.One;
        for (int i = 0; i < m.Height; i++)
        {
            var row = m.Row(i);
            for (int c = 0; c < d; c++)
                row[c] *= power;
            power *= shiftInv;
        }
        // Chunk j, component c → column j·D + c of an n-row coefficient matrix.
        var coefficients = new RowMajorMatrix<MontyField31<TParams>>(n, d * chunks);
        for (int j = 0; j < chunks; j++)
            for (int i = 0; i < n; i++)
                m.Row(j * n + i).CopyTo(coefficients.Row(i).Slice(j * d, d));
        var lde = new RowMajorMatrix<MontyField31<TParams>>(n << logBlowup, d * chunks);
        coefficients.Values.CopyTo(lde.Values, 0);
        dft.CosetDftBatch(lde, Shift);
        BitReversal.ReverseRows(lde);
        return (coefficients, lde);
    }

    /// <summary>
    /// Each column of a coefficient matrix (row i: the coefficient of x^i) as a polynomial evaluated at <paramref name="x"/>:
    /// Σ_i x^i·c_i as one column combination with the powers of x (<see cref="ExtensionLinearAlgebra{TParams, TDef}.ColumnCombinations"/>:
    /// base × extension products, packed, with delayed reduction) instead of Horner's rule per column (an extension product per
    /// coefficient); exact field arithmetic, so the same values. <see cref="EvaluateColumnsReference"/> is the Horner form, used
    /// under <see cref="KernelSelection.UseReference(ReferenceFamily)"/> with <see cref="ReferenceFamily.Openings"/>.
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] EvaluateColumns(RowMajorMatrix<MontyField31<TParams>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef> x)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (KernelSelection.IsReference(ReferenceFamily.Openings) || coefficients.Height == 0)
            return EvaluateColumnsReference(coefficients, x);
        return ExtensionLinearAlgebra<TParams, TDef>.ColumnCombinations(coefficients, Powers(x, coefficients.Height));
    }

    /// <summary>Horner's rule per column (the reference for <see cref="EvaluateColumns"/>).</summary>
    internal static ExtensionField<MontyField31<TParams>, TDef>[] EvaluateColumnsReference(RowMajorMatrix<MontyField31<TParams>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef> x)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[coefficients.Width];
        Parallel.For(0, coefficients.Width, c =>
            result[c] = Polynomials.EvaluateCoefficients<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(coefficients.Column(c), x));
        return result;
    }

    /// <summary>x^i for i &lt; count, in parallel chunks (each starts at x^start).</summary>
    internal static ExtensionField<MontyField31<TParams>, TDef>[] Powers(ExtensionField<MontyField31<TParams>, TDef> x, int count)
    {
        var powers = new ExtensionField<MontyField31<TParams>, TDef>[count];
        const int Grain = 8192;
        int chunks = (count + Grain - 1) / Grain;
        void Chunk(int chunk)
        {
            int start = chunk * Grain, end = Math.Min(count, start + Grain);
            var p = x.Pow((ulong)start);
            for (int i = start; i < end; i++)
            {
                powers[i] = p;
                p *= x;
            }
        }
        if (chunks <= 1)
            Chunk(0);
        else
            Parallel.For(0, chunks, Chunk);
        return powers;
    }
}
