using ILGPU;
using ILGPU.Runtime;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The proof's one quotient on the device: each table's quotient evaluated into a device buffer (never downloaded) and its coset
/// IDFT (<see cref="QuotientCoefficients"/>), the tables' coefficients combined with the powers of μ, the chunk split
/// (<see cref="QuotientChunkKernels.SplitChunks"/>) and the chunks' coset LDE (<see cref="CombineQuotients"/>), the coefficients and the
/// LDE kept for the chunks' out-of-domain openings (<see cref="EvaluateCoefficientColumns"/>), the commitment, DEEP and the query
/// openings. Same words as the CPU's <c>QuotientChunks</c>.
/// </summary>
public sealed partial class IlgpuOperations<TParams>
{
    /// <summary>
    /// The chunk split of quotient values given on the host (2^(logN + logD) values of D words, natural order on g·H_(n·d)): as
    /// <see cref="QuotientCoefficients"/> and <see cref="CombineQuotients"/> of one table with weight 1 (for tests and quotients evaluated elsewhere).
    /// </summary>
    public (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) SplitQuotient(ReadOnlySpan<uint> values, int degree,
        int logN, int logD, int logBlowup)
    {
        CheckDegree(degree);
        if (logN < 0 || logD < 0 || logBlowup < 0 || logN + Math.Max(logD, logBlowup) > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient chunks of 2^{logN} rows ×2^{logD}, blowup 2^{logBlowup}");
        if (values.Length != degree << (logN + logD))
            throw new ArgumentException($"{values.Length} words are not 2^{logN}·2^{logD} values of {degree} words", nameof(values));
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                return SplitChunks(Upload(values, rented), degree, logN, logD, logBlowup, rented);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>The split and LDE of <paramref name="values"/> (on the device); the caller holds the lock and returns <paramref name="rented"/>.</summary>
    private (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) SplitChunks(ArrayView<uint> values, int degree,
        int logN, int logD, int logBlowup, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        var data = CosetIdft(values, degree, logN + logD, rented);
        return ChunksAndLde(data.View.SubView(0, (long)degree << (logN + logD)), degree, logN, logD, logBlowup, rented);
    }

    /// <summary>
    /// Coset IDFT of 2^<paramref name="logQ"/> values of D words on g·H (natural order) into a new buffer (in <paramref name="rented"/>):
    /// the polynomial's coefficients, row i the coefficient of x^i (the CPU's <c>QuotientChunks.Coefficients</c>, word for word).
    /// </summary>
    private MemoryBuffer1D<uint, Stride1D.Dense> CosetIdft(ArrayView<uint> values, int degree, int logQ, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        int D = degree, q = 1 << logQ;
        long words = (long)D * q;
        CheckWords(words);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        // Coset IDFT of the D columns: bit-reverse, DIT with inverse roots, then coefficient i times g^-i/q (the CPU's 1/q, then g^-i:
        // field products, so one factor gives the same words), the factors made on the device.
        var data = Device.Rent(words);
        rented.Add(data);
        var d = data.View.SubView(0, words);
        K.BitReverseRows((int)words, values, d, D, logQ);
        RunLevels(d, D, logQ, dit: true, inverse: true);
        var factors = Device.Rent(q);
        rented.Add(factors);
        K.Geometric(q, factors.View, MontyField31<TParams>.FromCanonical((uint)q).Inverse().Montgomery, shift.Inverse().Montgomery, 0, _field);
        K.ScaleRows((int)words, d, factors.View, D, _field);
        return data;
    }

    /// <summary>
    /// 2^(logN + logD) coefficients of D words (natural order, on the device) split into 2^<paramref name="logD"/> chunks of 2^<paramref name="logN"/>
    /// and extended: the chunk coefficients (n rows, width D·d) and their coset LDE (bit-reversed rows) as matrices (the CPU's
    /// <c>QuotientChunks.SplitCoefficients</c>, word for word). The caller holds the lock and returns <paramref name="rented"/>.
    /// </summary>
    private (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) ChunksAndLde(ArrayView<uint> d, int degree,
        int logN, int logD, int logBlowup, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        int D = degree, n = 1 << logN, chunks = 1 << logD;
        int width = D * chunks;
        long words = (long)D << (logN + logD), ldeWords = (long)width << (logN + logBlowup);
        CheckWords(words);
        CheckWords(ldeWords);
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        // Chunk j's coefficient i to row i, columns j·D .. j·D + D − 1: once as the coefficients, once into the LDE's first n rows.
        var coefficients = Device.Rent(words);
        rented.Add(coefficients);
        K.SplitChunks((int)words, d, coefficients.View, D, logN, chunks);
        // The chunks' coset LDE: coefficient row i times g^i, zero rows above n, DIF on the large domain (rows bit-reversed).
        var lde = Device.Rent(ldeWords);
        rented.Add(lde);
        var l = lde.View.SubView(0, ldeWords);
        K.SplitChunks((int)words, d, l, D, logN, chunks);
        if (ldeWords > words)
            l.SubView(words, ldeWords - words).MemSetToZero();
        var factors = Device.Rent(n);
        rented.Add(factors);
        K.Geometric(n, factors.View, MontyField31<TParams>.One.Montgomery, shift.Montgomery, 0, _field);
        K.ScaleRows((int)words, l, factors.View, width, _field);
        RunLevels(l, width, logN + logBlowup, dit: false, inverse: false);
        // Each buffer leaves the rented list as its matrix takes it over (kept, or returned by Result).
        rented.Remove(coefficients);
        var coefficientMatrix = MatrixOf(coefficients, n, width);
        rented.Remove(lde);
        return (coefficientMatrix, MatrixOf(lde, n << logBlowup, width));
    }

    /// <summary>
    /// A table's quotient (<see cref="EvaluateQuotientWithLogUp"/>'s arguments) as coefficients on the device: evaluated into a device
    /// buffer that never comes back, then its coset IDFT; returns 2^(logN + logD) rows of D words (row i: the coefficient of x^i; the
    /// CPU's <c>QuotientChunks.Coefficients</c>), kept on the device under the matrix as <see cref="MatrixOf"/> allows, for
    /// <see cref="CombineQuotients"/>. The caller releases it.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> QuotientCoefficients(MontyField31<TParams> w, int degree, DeviceProgram program, int constraints, DeviceLogUp? logUp,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        int logN, int logD, ReadOnlySpan<uint> alphaPowers, ReadOnlySpan<uint> zhInverse, ReadOnlySpan<uint> zh)
    {
        CheckDegree(degree);
        if (logN < 0 || logD < 0 || logN + logD > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient of 2^{logN} rows ×2^{logD}");
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var values = Device.Rent((long)degree << (logN + logD));
                rented.Add(values);
                QuotientInto(w, degree, program, constraints, logUp, main, preprocessed, logUpLde, logN, logD, alphaPowers, zhInverse, zh, values.View, rented);
                var data = CosetIdft(values.View, degree, logN + logD, rented);
                rented.Remove(data);
                return MatrixOf(data, 1 << (logN + logD), degree);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// The proof's one quotient on the device (the CPU's <c>QuotientChunks.Combine</c> then <c>SplitCoefficients</c>, word for word):
    /// Σ_t weights[t]·Q_t of the tables' coefficient matrices (<see cref="QuotientCoefficients"/>; read from their device copies, or
    /// uploaded), summed into one buffer of 2^(logN + logD) values (<see cref="WideFriKernels.AddScaled"/>), split into
    /// 2^<paramref name="logD"/> chunks and extended. <paramref name="weights"/>: one extension element (D words) per matrix.
    /// </summary>
    public (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) CombineQuotients(MontyField31<TParams> w, int degree,
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> coefficients, ReadOnlySpan<uint> weights, int logN, int logD, int logBlowup)
    {
        CheckDegree(degree);
        ArgumentNullException.ThrowIfNull(coefficients);
        if (logN < 0 || logD < 0 || logBlowup < 0 || logN + Math.Max(logD, logBlowup) > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient chunks of 2^{logN} rows ×2^{logD}, blowup 2^{logBlowup}");
        if (coefficients.Count == 0 || weights.Length != degree * coefficients.Count)
            throw new ArgumentException($"{coefficients.Count} quotients and {weights.Length} weight words ({degree} per quotient)", nameof(weights));
        long total = (long)degree << (logN + logD);
        CheckWords(total);
        foreach (var m in coefficients)
            if (m is null || m.Width != degree || (long)m.Height * degree > total)
                throw new ArgumentException($"a quotient of {m?.Height} coefficients of width {m?.Width} does not fit 2^{logN + logD} of width {degree}", nameof(coefficients));
        var wide = new WideShape(_field, w.Montgomery, degree);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var sum = Device.Rent(total);
                rented.Add(sum);
                var s = sum.View.SubView(0, total);
                s.MemSetToZero();
                var weightView = Upload(weights, rented);
                for (int t = 0; t < coefficients.Count; t++)
                {
                    var m = OnDevice(coefficients[t], rented);
                    K.WideAddScaled(coefficients[t].Height, s, m, weightView.SubView((long)degree * t, degree), wide);
                }
                return ChunksAndLde(s, degree, logN, logD, logBlowup, rented);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// A matrix for a device buffer this call made: kept under the matrix (values fetched when read) when keeping and fetching on
    /// demand are on and the budget allows, else downloaded (and kept when keeping is on and the budget allows); the buffer is
    /// returned to the pool when it is not kept. The caller holds the lock.
    /// </summary>
    private RowMajorMatrix<MontyField31<TParams>> MatrixOf(MemoryBuffer1D<uint, Stride1D.Dense> buffer, int height, int width)
    {
        bool kept = false;
        try
        {
            RowMajorMatrix<MontyField31<TParams>> matrix;
            if (LdesOnDemand && KeepLdesOnDevice && _residentBytes + buffer.Length * sizeof(uint) <= ResidentBudgetBytes)
            {
                matrix = OnDemand(height, width);
                kept = KeepBuffer(matrix, buffer);
                if (!kept)
                    throw new InvalidOperationException("internal: a matrix left on the device could not be kept");
                return matrix;
            }
            var values = new MontyField31<TParams>[(long)height * width];
            Device.Download(buffer.View, MontyField31<TParams>.AsMontgomery(values));
            matrix = new RowMajorMatrix<MontyField31<TParams>>(values, width);
            kept = KeepBuffer(matrix, buffer);
            return matrix;
        }
        finally
        {
            if (!kept)
                Device.Return(buffer);
        }
    }

    /// <summary>
    /// Each column of a coefficient matrix (row i: the coefficient of x^i) evaluated at a point z: the powers
    /// of the point made on the device (<see cref="QuotientChunkKernels.Powers"/>, from <paramref name="squares"/>: z^(2^b) for b &lt; log₂ rows,
    /// D words each), then block partial sums and one reduction per column.
    /// A matrix kept on the device is read from its copy; only the D words per column come back.
    /// </summary>
    public uint[] EvaluateCoefficientColumns(MontyField31<TParams> w, int degree, RowMajorMatrix<MontyField31<TParams>> coefficients, ReadOnlySpan<uint> squares)
    {
        CheckDegree(degree);
        ArgumentNullException.ThrowIfNull(coefficients);
        int D = degree, rows = coefficients.Height, width = coefficients.Width;
        if (rows == 0 || !System.Numerics.BitOperations.IsPow2(rows))
            throw new ArgumentException($"{rows} coefficients per column: a power of two is needed", nameof(coefficients));
        int logN = System.Numerics.BitOperations.Log2((uint)rows);
        if (squares.Length != D * logN)
            throw new ArgumentException($"{logN} squares of the point ({D} words each) for {rows} rows, not {squares.Length} words", nameof(squares));
        CheckWords((long)rows * width);
        CheckWords((long)D * rows);
        var result = new uint[D * width];
        if (width == 0)
            return result;
        int blocks = (rows + ScanBlock - 1) / ScanBlock;
        CheckWords((long)D * blocks * width);
        var wide = new WideShape(_field, w.Montgomery, degree);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var m = OnDevice(coefficients, rented);
                var sq = logN == 0 ? Upload([0u], rented) : Upload(squares, rented);
                var powers = Device.Rent((long)D * rows);
                rented.Add(powers);
                K.Powers(rows, powers.View, sq, logN, MontyField31<TParams>.One.Montgomery, wide);
                var partial = Device.Rent((long)D * blocks * width);
                rented.Add(partial);
                var output = Device.Rent((long)D * width);
                rented.Add(output);
                K.WidePartialSums(blocks * width, m, powers.View, partial.View, width, rows, ScanBlock, wide);
                K.WideReduceColumns(width, partial.View, output.View, width, blocks, wide);
                Device.Download(output.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return result;
    }
}
