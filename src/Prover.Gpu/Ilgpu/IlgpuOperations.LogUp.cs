using ILGPU;
using ILGPU.Runtime;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Gpu.Ilgpu;

/// <summary>LogUp trace generation, the quotient's LogUp constraints and out-of-domain openings on the device (quartic extension).</summary>
public sealed partial class IlgpuOperations<TParams>
{
    /// <summary>Rows per block of the two-level scans and reductions (a block's rows are summed by one thread).</summary>
    private const int ScanBlock = 256;

    /// <summary>
    /// A table's LogUp trace (n rows × D·groups words: the first groups − 1 group columns, then the cyclic running sum), as <c>LogUp.GenerateTrace</c>
    /// makes it: <paramref name="program"/> is the AIR's interaction program, <paramref name="logUp"/> its groups and challenges
    /// (output indices relative to that program). The trace's device copy is kept under the returned matrix (when keeping is on),
    /// so its LDE uploads nothing. Throws when a fingerprint vanishes (as the CPU reference does).
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> GenerateLogUp(string name, MontyField31<TParams> w, int degree, DeviceProgram program, DeviceLogUp logUp,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed) =>
        GenerateLogUp(name, w, degree, program, logUp, main, preprocessed, null);

    /// <summary>
    /// As <see cref="GenerateLogUp(string, MontyField31{TParams}, int, DeviceProgram, DeviceLogUp, RowMajorMatrix{MontyField31{TParams}}, RowMajorMatrix{MontyField31{TParams}}?)"/>,
    /// also writing the cumulative sum T (the sum of every row's fractions, computed by the scan on the device, <paramref name="degree"/> words) into <paramref name="cumulativeSum"/>
    /// when given: with <see cref="LdesOnDemand"/> the trace then stays on the device (its values fetched when read) and only
    /// those words come back.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> GenerateLogUp(string name, MontyField31<TParams> w, int degree, DeviceProgram program, DeviceLogUp logUp,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, uint[]? cumulativeSum)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(logUp);
        ArgumentNullException.ThrowIfNull(main);
        int n = main.Height;
        if (n == 0 || preprocessed is not null && preprocessed.Height != n)
            throw new ArgumentException($"{name}: a LogUp trace needs a main trace of at least one row (and a preprocessed trace of the same height)", nameof(main));
        CheckDegree(degree);
        if (logUp.Shape.Groups < 1)
            throw new ArgumentException($"{name}: a LogUp trace needs at least one group", nameof(logUp));
        int width = degree * logUp.Shape.Groups;
        CheckWords((long)n * width);
        CheckWords((long)main.Height * main.Width);
        int slice = Math.Max(1, Math.Min(n, (1 << 26) / Math.Max(1, program.Instructions)));
        int blocks = (n + ScanBlock - 1) / ScanBlock;
        if (cumulativeSum is not null && cumulativeSum.Length != degree)
            throw new ArgumentException($"a cumulative sum of degree {degree} has {degree} words", nameof(cumulativeSum));
        RowMajorMatrix<MontyField31<TParams>> matrix;
        // The vanished-fingerprint flag and the cumulative sum come back in one copy (one synchronisation per table).
        var status = new uint[1 + degree];
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            MemoryBuffer1D<uint, Stride1D.Dense>? trace = null;
            bool kept = false;
            try
            {
                var code = Upload(System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>(program.Packed.AsSpan()), rented).Cast<int>();
                var vals = Upload(program.Values, rented);
                var m = OnDevice(main, rented);
                var pre = preprocessed is null ? Upload([0u], rented) : OnDevice(preprocessed, rented);
                var layout = Upload(System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>(logUp.Layout.AsSpan()), rented).Cast<int>();
                var challenges = Upload(logUp.Challenges, rented);
                var registers = Device.Rent(Math.Max(1L, (long)slice * program.Instructions));
                rented.Add(registers);
                var rowSums = Device.Rent((long)degree * n + 1 + degree);
                rented.Add(rowSums);
                rowSums.View.SubView((long)degree * n, 1).MemSetToZero();
                var blockSums = Device.Rent((long)degree * (blocks + 2)); // the blocks' sums, then T and T/N
                rented.Add(blockSums);
                trace = Device.Rent((long)n * width);
                var ext = new ExtensionShape(_field, w.Montgomery);
                var wide = new WideShape(_field, w.Montgomery, degree);
                var scratch = degree == ExtensionShape.Degree ? rowSums : Device.Rent((long)slice * WideKernels.Slots * degree);
                if (degree != ExtensionShape.Degree)
                    rented.Add(scratch);
                for (int first = 0; first < n; first += slice)
                {
                    var shape = new LogUpTraceShape(ext, program.Instructions, program.VariablesAt, program.OutputsAt, program.PublicsAt,
                        main.Width, preprocessed?.Width ?? 0, n, first);
                    if (degree == ExtensionShape.Degree)
                        K.LogUpRows(Math.Min(slice, n - first), code, vals, m, pre, layout, challenges, registers.View, trace.View, rowSums.View, shape, logUp.Shape);
                    else
                        K.WideLogUpRows(Math.Min(slice, n - first), code, vals, m, pre, layout, challenges, registers.View, trace.View, rowSums.View,
                            scratch.View, shape, logUp.Shape, wide);
                }
                // 1/N and block/N for the running sum's −T/N per row (N a power of two below p: invertible).
                var inverseRows = MontyField31<TParams>.FromUInt64((ulong)n).Inverse();
                uint inverseWord = inverseRows.Montgomery, blockWord = (inverseRows * MontyField31<TParams>.FromUInt64(ScanBlock)).Montgomery;
                if (degree == ExtensionShape.Degree)
                {
                    K.LogUpBlockSums(blocks, rowSums.View, blockSums.View, n, ScanBlock, _field);
                    K.LogUpBlockPrefix(1, blockSums.View, blocks, inverseWord, blockWord, _field);
                    K.LogUpRunningSum(blocks, rowSums.View, blockSums.View, trace.View, n, ScanBlock, width, _field);
                }
                else
                {
                    K.WideBlockSums(blocks, rowSums.View, blockSums.View, n, ScanBlock, wide);
                    K.WideBlockPrefix(1, blockSums.View, blocks, inverseWord, blockWord, wide);
                    K.WideRunningSum(blocks, rowSums.View, blockSums.View, trace.View, n, ScanBlock, width, wide);
                }
                // The cumulative sum is a proof value (observed by the transcript, written to the proof): it must come back. It is copied
                // next to the flag word so one download brings both.
                var tail = rowSums.View.SubView((long)degree * n, 1 + degree);
                if (cumulativeSum is not null)
                    tail.SubView(1, degree).CopyFrom(blockSums.View.SubView((long)degree * blocks, degree));
                Device.Download(tail, cumulativeSum is null ? status.AsSpan(0, 1) : status);
                if (status[0] != 0)
                    throw new InvalidOperationException($"{name}: a LogUp fingerprint vanished for these challenges");
                if (cumulativeSum is not null)
                    status.AsSpan(1).CopyTo(cumulativeSum);
                if (cumulativeSum is not null && LdesOnDemand && KeepLdesOnDevice && _residentBytes + trace.Length * sizeof(uint) <= ResidentBudgetBytes)
                {
                    matrix = OnDemand(n, width);
                    kept = KeepBuffer(matrix, trace);
                    if (!kept)
                        throw new InvalidOperationException("internal: a LogUp trace left on the device could not be kept");
                }
                else
                {
                    var result = new MontyField31<TParams>[(long)n * width];
                    Device.Download(trace.View, MontyField31<TParams>.AsMontgomery(result));
                    matrix = new RowMajorMatrix<MontyField31<TParams>>(result, width);
                    kept = KeepBuffer(matrix, trace);
                }
            }
            finally
            {
                if (trace is not null && !kept)
                    Device.Return(trace);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return matrix;
    }

    /// <summary>
    /// Adds a table's LogUp constraints to its quotient: as <see cref="EvaluateQuotient"/> (whose arguments these repeat), then
    /// per slice <see cref="QuotientKernels.QuotientLogUp"/> over the same registers, reading the LogUp LDE
    /// (<paramref name="logUpLde"/>, its kept copy when there is one). <paramref name="logUp"/>'s output indices are the full
    /// program's.
    /// </summary>
    public void EvaluateQuotientWithLogUp(MontyField31<TParams> w, int degree, DeviceProgram program, int constraints, DeviceLogUp? logUp,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        int logN, int logD, ReadOnlySpan<uint> alphaPowers, ReadOnlySpan<uint> zhInverse, ReadOnlySpan<uint> zh, Span<uint> result)
    {
        CheckDegree(degree);
        if (logN < 0 || logD < 0 || logN + logD > 30)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        if (result.Length != degree << (logN + logD))
            throw new ArgumentException($"the quotient has {degree << (logN + logD)} words, not {result.Length}", nameof(result));
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var o = Device.Rent((long)degree << (logN + logD));
                rented.Add(o);
                QuotientInto(w, degree, program, constraints, logUp, main, preprocessed, logUpLde, logN, logD, alphaPowers, zhInverse, zh, o.View, rented);
                Device.Download(o.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// The launches of <see cref="EvaluateQuotientWithLogUp"/> into <paramref name="o"/> (D·2^(logN + logD) words, left on the device);
    /// the buffers it rents join <paramref name="rented"/>. The caller holds the device lock.
    /// </summary>
    private void QuotientInto(MontyField31<TParams> w, int degree, DeviceProgram program, int constraints, DeviceLogUp? logUp,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        int logN, int logD, ReadOnlySpan<uint> alphaPowers, ReadOnlySpan<uint> zhInverse, ReadOnlySpan<uint> zh, ArrayView<uint> o,
        List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        CheckDegree(degree);
        int D = degree;
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(main);
        if (logUp is null != logUpLde is null)
            throw new ArgumentException("a LogUp layout needs its LDE and the other way round", nameof(logUpLde));
        if (logN < 0 || logD < 0 || logN + logD > 30)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        int q = 1 << (logN + logD);
        if (main.Height < q || preprocessed is not null && preprocessed.Height < q || logUpLde is not null && logUpLde.Height < q)
            throw new ArgumentException($"LDEs of {main.Height} (preprocessed {preprocessed?.Height}, LogUp {logUpLde?.Height}) rows cannot serve a quotient domain of {q} points", nameof(main));
        if (logUp is not null && logUpLde!.Width != D * logUp.Shape.Groups)
            throw new ArgumentException($"a LogUp LDE of {logUpLde.Width} columns for {logUp.Shape.Groups} groups", nameof(logUpLde));
        if (alphaPowers.Length != D * constraints || zhInverse.Length != 1 << logD || zh.Length != 1 << logD || o.Length < (long)D * q)
            throw new ArgumentException("α powers, Z_H, 1/Z_H or the result have the wrong length");
        if (constraints > program.Outputs)
            throw new ArgumentException($"{constraints} constraints for a program of {program.Outputs} outputs", nameof(constraints));
        CheckWords((long)main.Height * main.Width);
        CheckWords(logUpLde is null ? 0 : (long)logUpLde.Height * logUpLde.Width);
        CheckWords((long)D * q);
        int instructions = program.Instructions;
        int slice = Math.Max(1, Math.Min(q, (1 << 26) / Math.Max(1, instructions)));
        var alphaZh = new uint[alphaPowers.Length + 2 * zhInverse.Length];
        alphaPowers.CopyTo(alphaZh);
        zhInverse.CopyTo(alphaZh.AsSpan(alphaPowers.Length));
        zh.CopyTo(alphaZh.AsSpan(alphaPowers.Length + zhInverse.Length));
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var domain = new QuotientDomain(MontyField31<TParams>.MultiplicativeGenerator.Montgomery, MontyField31<TParams>.TwoAdicGenerator(logN + logD).Montgomery,
            omegaN.Montgomery, omegaN.Inverse().Montgomery, MontyField31<TParams>.FromUInt64((ulong)(1L << logN)).Montgomery);
        var code = Upload(System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>(program.Packed.AsSpan()), rented).Cast<int>();
        var vals = Upload(program.Values, rented);
        var m = OnDevice(main, rented);
        var pre = preprocessed is null ? Upload([0u], rented) : OnDevice(preprocessed, rented);
        var lu = logUpLde is null ? Upload([0u], rented) : OnDevice(logUpLde, rented);
        var layout = Upload(System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>((logUp?.Layout ?? [0]).AsSpan()), rented).Cast<int>();
        var challenges = Upload(logUp?.Challenges ?? [0u], rented);
        var az = Upload(alphaZh, rented);
        var registers = Device.Rent(Math.Max(1L, (long)slice * instructions));
        rented.Add(registers);
        var ext = new ExtensionShape(_field, w.Montgomery);
        var wide = new WideShape(_field, w.Montgomery, degree);
        var scratch = o;
        if (degree != ExtensionShape.Degree && logUp is not null)
        {
            var s = Device.Rent((long)slice * WideKernels.Slots * degree);
            rented.Add(s);
            scratch = s.View;
        }
        for (int first = 0; first < q; first += slice)
        {
            int count = Math.Min(slice, q - first);
            var shape = new QuotientShape(ext, instructions, program.VariablesAt, program.OutputsAt, constraints, program.PublicsAt, main.Width,
                preprocessed?.Width ?? 0, logN + logD, logD, first, domain);
            if (degree == ExtensionShape.Degree)
            {
                K.QuotientRows(count, code, vals, m, pre, az, registers.View, o, shape);
                if (logUp is not null)
                    K.QuotientLogUp(count, code, layout, challenges, lu, az, registers.View, o, shape, logUp.Shape);
            }
            else
            {
                K.WideQuotientRows(count, code, vals, m, pre, az, registers.View, o, shape, wide);
                if (logUp is not null)
                    K.WideQuotientLogUp(count, code, layout, challenges, lu, az, registers.View, o, scratch, shape, logUp.Shape, wide);
            }
        }
    }

    /// <summary>
    /// Out-of-domain openings: for each point z (4 words each in <paramref name="points"/>, off the trace domain of
    /// 2^<paramref name="logN"/> rows), each matrix's columns evaluated at z from their values on H (natural order):
    /// Σ_r w_r(z)·M[r, c] with the barycentric weights (<see cref="OpeningKernels"/>). Returns [point][matrix] the column
    /// values, 4 words each. Matrices kept on the device are read from their copies; the others are uploaded once for all points.
    /// </summary>
    public uint[][][] EvaluateOutOfDomain(MontyField31<TParams> w, int degree, int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<uint> points, ReadOnlySpan<uint> scales)
    {
        CheckDegree(degree);
        int D = degree;
        ArgumentNullException.ThrowIfNull(matrices);
        if (logN < 0 || logN > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no trace domain of 2^{logN} rows");
        int n = 1 << logN;
        if (points.Length % D != 0 || scales.Length != points.Length)
            throw new ArgumentException($"points and scales are {D} words each, one scale per point", nameof(points));
        foreach (var matrix in matrices)
        {
            ArgumentNullException.ThrowIfNull(matrix, nameof(matrices));
            if (matrix.Height != n)
                throw new ArgumentException($"a matrix of {matrix.Height} rows on a domain of {n}", nameof(matrices));
            CheckWords((long)matrix.Height * matrix.Width);
        }
        CheckWords((long)D * n);
        int count = points.Length / D;
        int blocks = (n + ScanBlock - 1) / ScanBlock;
        int maxWidth = matrices.Count == 0 ? 0 : matrices.Max(m => m.Width);
        CheckWords((long)D * blocks * maxWidth);
        var results = new uint[count][][];
        var omega = MontyField31<TParams>.TwoAdicGenerator(logN).Montgomery;
        var ext = new ExtensionShape(_field, w.Montgomery);
        var wide = new WideShape(_field, w.Montgomery, degree);
        bool quartic = degree == ExtensionShape.Degree;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var views = new ArrayView<uint>[matrices.Count];
                for (int i = 0; i < views.Length; i++)
                    views[i] = OnDevice(matrices[i], rented);
                var weights = Device.Rent((long)D * n);
                rented.Add(weights);
                var zScale = Device.Rent(2 * D);
                rented.Add(zScale);
                var partial = Device.Rent(Math.Max(1L, (long)D * blocks * maxWidth));
                rented.Add(partial);
                var output = Device.Rent(Math.Max(1L, (long)D * maxWidth));
                rented.Add(output);
                Span<uint> zs = stackalloc uint[2 * 8];
                zs = zs[..(2 * D)];
                for (int p = 0; p < count; p++)
                {
                    points.Slice(D * p, D).CopyTo(zs);
                    scales.Slice(D * p, D).CopyTo(zs[D..]);
                    Device.Upload(zScale.View, zs);
                    if (quartic)
                        K.OpeningWeights(n, weights.View, zScale.View, omega, logN, MontyField31<TParams>.One.Montgomery, ext);
                    else
                        K.WideWeights(n, weights.View, zScale.View, omega, logN, MontyField31<TParams>.One.Montgomery, wide);
                    results[p] = new uint[matrices.Count][];
                    for (int i = 0; i < views.Length; i++)
                    {
                        int width = matrices[i].Width;
                        results[p][i] = new uint[D * width];
                        if (width == 0)
                            continue;
                        if (quartic)
                        {
                            K.OpeningPartialSums(blocks * width, views[i], weights.View, partial.View, width, n, ScanBlock, ext);
                            K.OpeningReduceColumns(width, partial.View, output.View, width, blocks, _field);
                        }
                        else
                        {
                            K.WidePartialSums(blocks * width, views[i], weights.View, partial.View, width, n, ScanBlock, wide);
                            K.WideReduceColumns(width, partial.View, output.View, width, blocks, wide);
                        }
                        Device.Download(output.View, results[p][i]);
                    }
                }
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return results;
    }

    private static void CheckDegree(int degree)
    {
        if (degree is not (ExtensionShape.Degree or 8))
            throw new NotSupportedException($"the device extension kernels implement degrees 4 and 8, not {degree}");
    }
}
