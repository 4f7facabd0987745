using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Stark;

/// <summary>
/// The quotient split into chunks on the CPU (the reference behind <see cref="IProverBackend{TParams}.QuotientCoefficients{TDef}"/>,
/// <see cref="IProverBackend{TParams}.CombineQuotients{TDef}"/> and <see cref="IProverBackend{TParams}.EvaluateCoefficientColumns{TDef}"/>):
/// each table's values on its quotient domain g·H_(n_t·d_t) → its coefficients; the tables' coefficients combined with the powers
/// of μ → d chunks of N coefficients, Q(x) = Σ_j x^(j·N)·q_j(x) → each chunk's coset LDE; and the chunks' values at ζ.
/// </summary>
public static class QuotientChunks<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private static readonly MontyField31<TParams> Shift = MontyField31<TParams>.MultiplicativeGenerator;

    /// <summary>
    /// Quotient values on the coset g·H_(n·d) (natural order, extension elements, n = 2^<paramref name="logN"/>, d =
    /// 2^<paramref name="logChunks"/>) → the chunk coefficients (n rows; chunk j, component c in column j·D + c) and their
    /// coset LDEs onto g·H_(n·2^<paramref name="logBlowup"/>), rows bit-reversed, side by side (width D·d, committed):
    /// <see cref="Coefficients"/> then <see cref="SplitCoefficients"/> (one table's quotient alone, as a combined quotient of one term).
    /// </summary>
    public static (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) Split(
        ITwoAdicSubgroupDft<MontyField31<TParams>> dft, ExtensionField<MontyField31<TParams>, TDef>[] values, int logN, int logChunks, int logBlowup)
    {
        ArgumentNullException.ThrowIfNull(dft);
        ArgumentNullException.ThrowIfNull(values);
        if (logN < 0 || logChunks < 0 || logBlowup < 0 || logN + Math.Max(logChunks, logBlowup) > 30 || values.Length != 1 << (logN + logChunks))
            throw new ArgumentException($"{values.Length} quotient values are not 2^{logN}·2^{logChunks} (blowup 2^{logBlowup})", nameof(values));
        return SplitCoefficients(dft, Coefficients(dft, values), logN, logChunks, logBlowup);
    }

    /// <summary>
    /// The coefficients of the polynomial whose values on the coset g·H_q (natural order, q = values.Length a power of two) are
    /// <paramref name="values"/>: a matrix of q rows (row i: the coefficient of x^i, its D base components side by side).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowMajorMatrix<MontyField31<TParams>> Coefficients(ITwoAdicSubgroupDft<MontyField31<TParams>> dft, ExtensionField<MontyField31<TParams>, TDef>[] values)
    {
        ArgumentNullException.ThrowIfNull(dft);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0 || !System.Numerics.BitOperations.IsPow2(values.Length) || values.Length > 1 << 30)
            throw new ArgumentException($"{values.Length} quotient values: a power of two is needed", nameof(values));
        int d = TDef.Degree;
        // An extension element is its D base components in order (TDef is an inline array of them): the values are the
        // matrix's rows as they lie, copied at once into an array every element of which is written.
        var m = new RowMajorMatrix<MontyField31<TParams>>(GC.AllocateUninitializedArray<MontyField31<TParams>>(values.Length * d), d);
        MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, MontyField31<TParams>>(values).CopyTo(m.Values);
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
        return m;
    }

    /// <summary>
    /// The combined quotient's coefficients (docs/design.md, "STARK": one quotient per proof): Σ_t weights[t]·Q_t(x), each Q_t
    /// given by its coefficients (<see cref="Coefficients"/>: q_t rows of D components, q_t ≤ n·d), as one matrix of n·d rows,
    /// 2^<paramref name="logN"/> = n and 2^<paramref name="logChunks"/> = d. A term's coefficients beyond its own length are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowMajorMatrix<MontyField31<TParams>> Combine(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> coefficients,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> weights, int logN, int logChunks)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        int d = TDef.Degree;
        if (logN < 0 || logChunks < 0 || logN + logChunks > 30)
            throw new ArgumentException($"no combined quotient of 2^{logN}·2^{logChunks} coefficients");
        if (weights.Length != coefficients.Count || coefficients.Count == 0)
            throw new ArgumentException($"{coefficients.Count} quotients and {weights.Length} weights");
        int total = 1 << (logN + logChunks);
        var sum = new RowMajorMatrix<MontyField31<TParams>>(total, d);
        for (int t = 0; t < coefficients.Count; t++)
        {
            var m = coefficients[t];
            ArgumentNullException.ThrowIfNull(m);
            if (m.Width != d || m.Height > total)
                throw new ArgumentException($"quotient {t}: {m.Height} coefficients of width {m.Width} do not fit {total} of width {d}");
            var w = weights[t];
            // Row chunks in parallel (each coefficient is its own sum: the same values in any order).
            int count = m.Height;
            const int Grain = 8192;
            Parallel.For(0, (count + Grain - 1) / Grain, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk) =>
            {
                int start = chunk * Grain, end = Math.Min(count, start + Grain);
                var terms = MemoryMarshal.Cast<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(m.Values.AsSpan(0, count * d));
                var target = MemoryMarshal.Cast<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(sum.Values.AsSpan(0, total * d));
                for (int i = start; i < end; i++)
                    target[i] += w * terms[i];
            });
        }
        return sum;
    }

    /// <summary>
    /// A polynomial's coefficients (n·d rows of D components, <see cref="Coefficients"/> or <see cref="Combine"/>) → d chunks of n
    /// coefficients, Q(x) = Σ_j x^(j·n)·q_j(x): their coefficients (n rows; chunk j, component c in column j·D + c) and their coset
    /// LDEs onto g·H_(n·2^<paramref name="logBlowup"/>), rows bit-reversed, side by side (width D·d, committed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) SplitCoefficients(
        ITwoAdicSubgroupDft<MontyField31<TParams>> dft, RowMajorMatrix<MontyField31<TParams>> m, int logN, int logChunks, int logBlowup)
    {
        ArgumentNullException.ThrowIfNull(dft);
        ArgumentNullException.ThrowIfNull(m);
        int d = TDef.Degree;
        if (logN < 0 || logChunks < 0 || logBlowup < 0 || logN + Math.Max(logChunks, logBlowup) > 30 || m.Width != d || m.Height != 1 << (logN + logChunks))
            throw new ArgumentException($"{m.Height} coefficients of width {m.Width} are not 2^{logN}·2^{logChunks} of width {d} (blowup 2^{logBlowup})", nameof(m));
        int n = 1 << logN, chunks = 1 << logChunks;
        // Chunk j, component c → column j·D + c of an n-row coefficient matrix.
        var coefficients = new RowMajorMatrix<MontyField31<TParams>>(n, d * chunks);
        for (int j = 0; j < chunks; j++)
            for (int i = 0; i < n; i++)
                m.Row(j * n + i).CopyTo(coefficients.Row(i).Slice(j * d, d));
        var lde = new RowMajorMatrix<MontyField31<TParams>>(n << logBlowup, d * chunks);
        coefficients.Values.CopyTo(lde.Values, 0);
        if (dft is Radix2Dft<TParams> radix2 && !KernelSelection.IsReference(ReferenceFamily.Openings))
        {
            // Straight into bit-reversed rows (no permutation to natural order and back); only the n coefficient rows scaled.
            radix2.CosetDftBatchBitReversed(lde, Shift, n);
        }
        else
        {
            dft.CosetDftBatch(lde, Shift);
            BitReversal.ReverseRows(lde);
        }
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
