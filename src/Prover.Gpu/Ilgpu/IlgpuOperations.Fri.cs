using ILGPU;
using ILGPU.Runtime;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// DEEP batching and FRI folding on the device over a binomial extension of degree 4 or 8 (x^D = W): the written-out quartic
/// kernels of <see cref="ExtensionKernels"/> for D = 4, the kernels of <see cref="WideFriKernels"/> for D = 8 (and for D = 4 when
/// <see cref="WideKernelsForQuartic"/> is set, which the tests use to compare the two). Extension values are D consecutive words.
/// </summary>
public sealed partial class IlgpuOperations<TParams>
{
    /// <summary>
    /// Whether the quartic DEEP and FRI steps run on the degree-generic kernels of <see cref="WideFriKernels"/> instead of the
    /// written-out quartic ones (same words; off by default; the tests turn it on to check the generic kernels at degree 4).
    /// </summary>
    public bool WideKernelsForQuartic { get; set; }

    private bool Wide(int degree)
    {
        CheckDegree(degree);
        return degree != ExtensionShape.Degree || WideKernelsForQuartic;
    }

    private void LaunchFriFold(int degree, int half, ArrayView<uint> src, ArrayView<uint> dst, ArrayView<uint> beta, ArrayView<uint> halfInverseX, MontyField31<TParams> w)
    {
        if (Wide(degree))
            K.WideFriFold(half, src, dst, beta, halfInverseX, new WideShape(_field, w.Montgomery, degree));
        else
            K.FriFold(half, src, dst, beta, halfInverseX, new ExtensionShape(_field, w.Montgomery));
    }

    private void LaunchCombineColumns(int degree, int rows, ArrayView<uint> matrix, ArrayView<uint> coeffs, ArrayView<uint> output, int width, MontyField31<TParams> w)
    {
        if (Wide(degree))
            K.WideCombineColumns(rows, matrix, coeffs, output, width, new WideShape(_field, w.Montgomery, degree));
        else
            K.CombineColumns(rows, matrix, coeffs, output, width, new ExtensionShape(_field, w.Montgomery));
    }

    private void LaunchAddScaled(int degree, int count, ArrayView<uint> dst, ArrayView<uint> src, ArrayView<uint> weight, MontyField31<TParams> w)
    {
        if (Wide(degree))
            K.WideAddScaled(count, dst, src, weight, new WideShape(_field, w.Montgomery, degree));
        else
            K.AddScaled(count, dst, src, weight, new ExtensionShape(_field, w.Montgomery));
    }

    private void LaunchDeepInverse(int degree, int count, ArrayView<uint> output, ArrayView<uint> z, uint omega, uint shift, int logH, MontyField31<TParams> w)
    {
        if (Wide(degree))
            K.WideDeepInverse(count, output, z, omega, shift, logH, new WideShape(_field, w.Montgomery, degree));
        else
            K.DeepInverse(count, output, z, omega, shift, logH, new ExtensionShape(_field, w.Montgomery));
    }

    private void LaunchDeepAccumulate(int degree, int count, ArrayView<uint> acc, ArrayView<uint> t, ArrayView<uint> inv, ArrayView<uint> y, MontyField31<TParams> w)
    {
        if (Wide(degree))
            K.WideDeepAccumulate(count, acc, t, inv, y, new WideShape(_field, w.Montgomery, degree));
        else
            K.DeepAccumulate(count, acc, t, inv, y, new ExtensionShape(_field, w.Montgomery));
    }

    /// <summary>
    /// FRI's final polynomial on the device: the final codeword (2^<paramref name="logFinal"/> values of <paramref name="degree"/> words,
    /// bit-reversed on H_Nf; its kept copy when there is one, else <paramref name="codeword"/> uploaded) copied, its inverse DFT per base
    /// component (DIT with inverse roots, which takes bit-reversed input, times 1/n made on the device), the first
    /// <paramref name="coefficients"/>.Length / degree coefficients downloaded into <paramref name="coefficients"/>, and the rest checked
    /// to be zero there (<see cref="NttKernels.FlagNonZero"/>: one word comes back). Returns false when a higher coefficient is not zero
    /// (the caller throws, as the CPU reference does). Same words as <c>Fri.FinalPolynomial</c>: the inverse DFT is unique.
    /// </summary>
    public bool FinalPolynomial(object codewordKey, ReadOnlySpan<uint> codeword, int degree, int logFinal, Span<uint> coefficients)
    {
        ArgumentNullException.ThrowIfNull(codewordKey);
        CheckDegree(degree);
        int D = degree;
        if (logFinal < 0 || logFinal > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logFinal), $"no final codeword of 2^{logFinal} values");
        long words = (long)D << logFinal;
        CheckWords(words);
        if (coefficients.Length == 0 || coefficients.Length % D != 0 || coefficients.Length > words)
            throw new ArgumentException($"{coefficients.Length} words are not 1 … 2^{logFinal} coefficients of {D} words", nameof(coefficients));
        int n = 1 << logFinal;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                ArrayView<uint> source;
                if (TryKept(codewordKey, out var kept))
                    source = kept.View.SubView(0, words);
                else if (_unfilled.Contains(codewordKey))
                    throw new InvalidOperationException("internal: a codeword left on the device has no device copy");
                else if (codeword.Length != words)
                    throw new ArgumentException($"a final codeword of {codeword.Length} words for 2^{logFinal} values of {D} words", nameof(codeword));
                else
                    source = Upload(codeword, rented);
                // The codeword is bit-reversed on H_Nf: the order DIT takes (the CPU reverses it to natural order, and its inverse DFT
                // reverses again). A copy is transformed: the kept copy stays unchanged.
                var data = Device.Rent(words);
                rented.Add(data);
                var d = data.View.SubView(0, words);
                d.CopyFrom(source);
                RunLevels(d, D, logFinal, dit: true, inverse: true);
                var factors = Device.Rent(n);
                rented.Add(factors);
                K.Geometric(n, factors.View, MontyField31<TParams>.FromCanonical((uint)n).Inverse().Montgomery, MontyField31<TParams>.One.Montgomery, 0, _field);
                K.ScaleRows((int)words, d, factors.View, D, _field);
                var flag = Device.Rent(1);
                rented.Add(flag);
                flag.View.SubView(0, 1).MemSetToZero();
                if (coefficients.Length < words)
                    K.FlagNonZero((int)(words - coefficients.Length), d.SubView(coefficients.Length, words - coefficients.Length), flag.View);
                Device.Download(d.SubView(0, coefficients.Length), coefficients);
                Span<uint> nonZero = stackalloc uint[1];
                Device.Download(flag.View.SubView(0, 1), nonZero);
                return nonZero[0] == 0;
            }
            finally
            {
                foreach (var r in rented)
                    Device.Return(r);
            }
        }
    }

    /// <summary>
    /// One arity-2 FRI fold over the binomial extension x^D = <paramref name="w"/>: folded[j] = (a+b)/2 + β·(a−b)·halfInverseX[j],
    /// a = codeword[2j], b = codeword[2j+1] (D words each). Same formula as <c>Fri.Fold</c>.
    /// </summary>
    public uint[] FriFold(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, ReadOnlySpan<uint> beta, ReadOnlySpan<uint> halfInverseX, int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int D = degree;
        if (beta.Length != D || codeword.Length % (2 * D) != 0 || halfInverseX.Length != codeword.Length / (2 * D))
            throw new ArgumentException($"codeword, beta and 1/(2x) lengths do not match an extension of degree {D}");
        CheckWords(codeword.Length);
        int half = halfInverseX.Length;
        var result = new uint[half * D];
        if (half == 0)
            return result;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var src = Upload(codeword, rented);
                var b = Upload(beta, rented);
                var h = Upload(halfInverseX, rented);
                var dst = Device.Rent(result.Length);
                rented.Add(dst);
                LaunchFriFold(D, half, src, dst.View, b, h, w);
                Device.Download(dst.View, result);
            }
            finally
            {
                foreach (var r in rented)
                    Device.Return(r);
            }
        }
        return result;
    }

    /// <summary>
    /// The folds of one FRI step over the binomial extension x^D = <paramref name="w"/>: <paramref name="betas"/> holds β, β², β⁴, …
    /// (D words each, one per arity-2 fold); the codeword (2^<paramref name="logN"/> values, bit-reversed) is uploaded once, folded on
    /// the device and only the result comes back. Same values as <c>Fri.FoldSteps</c>.
    /// </summary>
    public uint[] FriFoldSteps(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, int logN, ReadOnlySpan<uint> betas, int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int logArity = betas.Length / degree;
        var result = new uint[logArity >= 1 && logN >= logArity && logN <= 30 ? (degree << logN) >> logArity : 0];
        FriFoldSteps(w, codeword, logN, betas, result, null, null, degree);
        return result;
    }

    /// <summary>
    /// <see cref="FriFoldSteps(MontyField31{TParams}, ReadOnlySpan{uint}, int, ReadOnlySpan{uint}, int)"/> into
    /// <paramref name="result"/>, reading the kept copy of <paramref name="codewordKey"/> when there is one (no upload)
    /// and keeping the result's device copy under <paramref name="resultKey"/> (when keeping is on and the budget allows).
    /// </summary>
    public void FriFoldSteps(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, int logN, ReadOnlySpan<uint> betas, Span<uint> result,
        object? codewordKey, object? resultKey, int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int D = degree;
        int logArity = betas.Length / D;
        if (betas.Length % D != 0 || logArity < 1 || logN < logArity || logN > 30 || codeword.Length != D << logN)
            throw new ArgumentException($"a codeword of {codeword.Length} words and {betas.Length} β words do not make folds of a 2^{logN}-value codeword of degree {D}");
        if (result.Length != codeword.Length >> logArity)
            throw new ArgumentException($"the folded codeword has {codeword.Length >> logArity} words, not {result.Length}", nameof(result));
        CheckWords(codeword.Length);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            MemoryBuffer1D<uint, Stride1D.Dense>? last = null;
            bool kept = false;
            try
            {
                ArrayView<uint> src = codewordKey is not null && TryKept(codewordKey, out var k) ? k.View.AsContiguous() : Upload(codeword, rented);
                var beta = Upload(betas, rented);
                var h = Device.Rent(1L << (logN - 1));
                rented.Add(h);
                for (int level = 0; level < logArity; level++)
                {
                    int log = logN - level, half = 1 << (log - 1);
                    // A fresh buffer per level (the pool reuses them): the last one may be kept as the result's copy.
                    var dst = Device.Rent((long)half * D);
                    if (last is not null)
                        rented.Add(last);
                    last = dst;
                    // 1/(2x_j) = ½·ω^-bitrev(j) made on the device (HalfInverseX's words).
                    K.Geometric(half, h.View, MontyField31<TParams>.One.Halve().Montgomery, MontyField31<TParams>.TwoAdicGenerator(log).Inverse().Montgomery, log - 1, _field);
                    LaunchFriFold(D, half, src, dst.View, beta.SubView(level * D, D), h.View, w);
                    src = dst.View;
                }
                // Left on the device (the host array marked, its values fetched when read) when it will be kept; else downloaded.
                if (resultKey is not null && MayLeaveOnDevice(last!.Length))
                {
                    kept = KeepBuffer(resultKey, last);
                    if (!kept)
                        throw new InvalidOperationException("internal: a folded codeword left on the device could not be kept");
                    LeftOnDevice(resultKey, result);
                }
                else
                {
                    Device.Download(src, result);
                    kept = resultKey is not null && KeepBuffer(resultKey, last!);
                }
            }
            finally
            {
                if (last is not null && !kept)
                    Device.Return(last);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// folded[j] += weight·rollIn[j] over the extension of degree D (D words per value), on the kept copy of
    /// <paramref name="foldedKey"/> (uploaded first when there is none); the result is written back to <paramref name="folded"/> unless
    /// <paramref name="foldedKey"/>'s values were left on the device (<see cref="IsOnDeviceOnly"/>), where they stay.
    /// </summary>
    public void AddScaled(MontyField31<TParams> w, Span<uint> folded, ReadOnlySpan<uint> weight, ReadOnlySpan<uint> rollIn, object? foldedKey, object? rollInKey = null,
        int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int D = degree;
        if (weight.Length != D || folded.Length != rollIn.Length || folded.Length % D != 0)
            throw new ArgumentException($"folded, weight and roll-in lengths do not match an extension of degree {D}");
        CheckWords(folded.Length);
        if (folded.Length == 0)
            return;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                ArrayView<uint> dst = foldedKey is not null && TryKept(foldedKey, out var k) ? k.View.AsContiguous() : Upload(folded, rented);
                var src = rollInKey is null ? Upload(rollIn, rented) : OnDevice(rollInKey, rollIn, rented);
                var wt = Upload(weight, rented);
                LaunchAddScaled(D, folded.Length / D, dst, src, wt, w);
                // A codeword left on the device stays there (its kept copy now holds the sum).
                if (foldedKey is null || !_unfilled.Contains(foldedKey))
                    Device.Download(dst, folded);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// DEEP batching of one LDE height on the device (<c>IProverBackend.DeepReduce</c>): result[r] = Σ_p (Σ_m scale_pm·S_m[r] − y_p)/(x_r − z_p),
    /// S_m[r] = Σ_c coefficients[c]·M_m[r, c], x_r = g·ω^bitrev(r). Matrices with a kept copy are read there; the result's
    /// device copy is kept under <paramref name="resultKey"/> (for FRI). Extension values are D words; a point's
    /// <c>Scales</c> hold D words per matrix.
    /// </summary>
    public void DeepReduce(MontyField31<TParams> w, int logH, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, ReadOnlySpan<uint> coefficients,
        IReadOnlyList<(uint[] Z, uint[] Scales, uint[] Y)> points, Span<uint> result, object? resultKey, int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int D = degree;
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(points);
        if (logH < 0 || logH > 30 || result.Length != D << logH || coefficients.Length % D != 0)
            throw new ArgumentException($"a DEEP codeword of 2^{logH} values takes {D << Math.Clamp(logH, 0, 30)} words, and {D} words per coefficient");
        int h = 1 << logH;
        CheckWords((long)D * h);
        foreach (var m in matrices)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matrices));
            if (m.Height != h || m.Width * D > coefficients.Length)
                throw new ArgumentException($"a {m.Height}×{m.Width} matrix at a height of {h} rows with {coefficients.Length / D} coefficients", nameof(matrices));
            CheckWords((long)m.Height * m.Width);
        }
        foreach (var (z, scales, y) in points)
            if (z.Length != D || y.Length != D || scales.Length != D * matrices.Count)
                throw new ArgumentException($"a point needs z and y ({D} words each) and {D} words of weight per matrix", nameof(points));
        uint omega = MontyField31<TParams>.TwoAdicGenerator(logH).Montgomery, shift = MontyField31<TParams>.MultiplicativeGenerator.Montgomery;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            MemoryBuffer1D<uint, Stride1D.Dense>? acc = null;
            bool kept = false;
            try
            {
                var coeffs = Upload(coefficients, rented);
                // Every point's z, y and weights in one upload: point p at 2Dp (z) and 2Dp + D (y), weights after.
                int pc = points.Count, mc = matrices.Count;
                var small = new uint[2 * D * pc + D * pc * mc];
                for (int p = 0; p < pc; p++)
                {
                    points[p].Z.CopyTo(small, 2 * D * p);
                    points[p].Y.CopyTo(small, 2 * D * p + D);
                    points[p].Scales.CopyTo(small, 2 * D * pc + D * p * mc);
                }
                var smallView = Upload(small, rented);
                var terms = new ArrayView<uint>[pc];
                for (int p = 0; p < pc; p++)
                {
                    var t = Device.Rent((long)D * h);
                    rented.Add(t);
                    terms[p] = t.View.SubView(0, (long)D * h);
                    terms[p].MemSetToZero();
                }
                var s = Device.Rent((long)D * h);
                rented.Add(s);
                for (int m = 0; m < mc; m++)
                {
                    var matrix = matrices[m];
                    LaunchCombineColumns(D, h, OnDevice(matrix, rented), coeffs, s.View, matrix.Width, w);
                    for (int p = 0; p < pc; p++)
                    {
                        int at = 2 * D * pc + D * (p * mc + m);
                        if (small.AsSpan(at, D).IndexOfAnyExcept(0u) < 0)
                            continue; // not opened at this point
                        LaunchAddScaled(D, h, terms[p], s.View, smallView.SubView(at, D), w);
                    }
                }
                acc = Device.Rent((long)D * h);
                acc.View.SubView(0, (long)D * h).MemSetToZero();
                var inv = Device.Rent((long)D * h);
                rented.Add(inv);
                for (int p = 0; p < pc; p++)
                {
                    LaunchDeepInverse(D, h, inv.View, smallView.SubView(2 * D * p, D), omega, shift, logH, w);
                    LaunchDeepAccumulate(D, h, acc.View, terms[p], inv.View, smallView.SubView(2 * D * p + D, D), w);
                }
                if (resultKey is not null && MayLeaveOnDevice(acc.Length))
                {
                    kept = KeepBuffer(resultKey, acc);
                    if (!kept)
                        throw new InvalidOperationException("internal: a DEEP codeword left on the device could not be kept");
                    LeftOnDevice(resultKey, result);
                }
                else
                {
                    Device.Download(acc.View, result);
                    kept = resultKey is not null && KeepBuffer(resultKey, acc);
                }
            }
            finally
            {
                if (acc is not null && !kept)
                    Device.Return(acc);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>1/(x_r − z) for x_r = g·ω^bitrev(r) on a domain of 2^<paramref name="logH"/> points, on the device (D words per value).</summary>
    public uint[] DeepInverse(MontyField31<TParams> w, int logH, ReadOnlySpan<uint> z, int degree = ExtensionShape.Degree)
    {
        CheckDegree(degree);
        int D = degree;
        if (logH < 0 || logH > 30 || z.Length != D)
            throw new ArgumentException($"a point of {D} words on a domain of at most 2^30 points");
        var result = new uint[D << logH];
        CheckWords(result.Length);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var zv = Upload(z, rented);
                var o = Device.Rent(result.Length);
                rented.Add(o);
                LaunchDeepInverse(D, 1 << logH, o.View, zv, MontyField31<TParams>.TwoAdicGenerator(logH).Montgomery,
                    MontyField31<TParams>.MultiplicativeGenerator.Montgomery, logH, w);
                Device.Download(o.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return result;
    }

    /// <summary>
    /// out[r] = Σ_c coeffs[c]·M[r, c] with extension coefficients of degree D (D words each) over a base-field matrix: the column
    /// combination of DEEP batching.
    /// </summary>
    public uint[] CombineColumns(MontyField31<TParams> w, RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<uint> coeffs, int degree = ExtensionShape.Degree)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckDegree(degree);
        int D = degree;
        if (coeffs.Length != matrix.Width * D)
            throw new ArgumentException($"one extension coefficient ({D} words) per column is needed", nameof(coeffs));
        CheckWords((long)matrix.Height * matrix.Width);
        CheckWords((long)matrix.Height * D);
        var result = new uint[matrix.Height * D];
        if (matrix.Height == 0)
            return result;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var m = OnDevice(matrix, rented);
                var c = Upload(coeffs, rented);
                var o = Device.Rent(result.Length);
                rented.Add(o);
                LaunchCombineColumns(D, matrix.Height, m, c, o.View, matrix.Width, w);
                Device.Download(o.View, result);
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
