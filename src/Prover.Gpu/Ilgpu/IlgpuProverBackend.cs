using System.Runtime.InteropServices;
using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// <see cref="IProverBackend{TParams}"/> on an ILGPU accelerator (CUDA, OpenCL or ILGPU's CPU
/// accelerator): the trace LDEs, the Merkle commitments (traces, quotients, FRI layers), the LogUp traces, the quotients,
/// the out-of-domain openings, DEEP batching and the FRI folds (quartic and octic extensions) run as C# ILGPU kernels. The LDEs it makes stay on the device until the
/// prover releases them at the end of the proof, so their commitment and DEEP combination upload nothing.
/// Results are word-for-word those of <see cref="CpuBackend{TParams}"/>, so proofs are the same bytes.
/// </summary>
public sealed class IlgpuProverBackend<TParams> : IProverBackend<TParams>, IDisposable where TParams : struct, IMontyParameters
{
    private readonly bool _ownsDevice;

    public IlgpuProverBackend(IlgpuDevice device, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _ownsDevice = ownsDevice;
        Operations = new IlgpuOperations<TParams>(device) { KeepLdesOnDevice = true, KeepTracesOnDevice = true, KeepTreesOnDevice = true, LdesOnDemand = true };
        Operations.LayerFetched = bytes => Traffic.Add(IlgpuTraffic.TreeLayers, 0, bytes);
        Operations.MatrixFetched = bytes => Traffic.Add(IlgpuTraffic.MatrixValues, 0, bytes);
    }

    public IlgpuDevice Device { get; }

    public IlgpuOperations<TParams> Operations { get; }

    /// <summary>"ilgpu-cuda", "ilgpu-opencl" or "ilgpu-cpu".</summary>
    public string Name => "ilgpu-" + Device.Api;

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    /// <summary>
    /// The device's memory for the zkVM prover's shard placement: <see cref="DeviceMemoryLimit"/> when set, else a GPU's memory; null on
    /// ILGPU's CPU accelerator (host memory).
    /// </summary>
    public long? DeviceMemoryBytes => DeviceMemoryLimit ?? (Device.Api == "cpu" ? null : Device.Accelerator.MemorySize);

    /// <summary>Overrides <see cref="DeviceMemoryBytes"/> (a share of a device, or a test's small device).</summary>
    public long? DeviceMemoryLimit { get; set; }

    /// <summary>Host↔device bytes per phase of the hooks that ran on the device (<see cref="IlgpuTraffic"/>).</summary>
    public IlgpuTraffic Traffic { get; } = new();

    private (long To, long From) Mark() => (Device.BytesToDevice, Device.BytesFromDevice);

    private void Count(string phase, (long To, long From) mark) =>
        Traffic.Add(phase, Device.BytesToDevice - mark.To, Device.BytesFromDevice - mark.From);

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        var mark = Mark();
        var lde = Operations.CosetLdeBitReversed(evaluations, addedBits, shift);
        Count(IlgpuTraffic.Lde, mark);
        return lde;
    }

    /// <summary>
    /// The device kernels hash 8-element digests (Poseidon2 width 16): those trees are built on the device. A
    /// configuration with wider digests (provable-128: 12 elements, width 24) is committed by the CPU MMCS instead —
    /// the same tree any backend must produce, so the proof stays correct and identical; only the LDEs run on the device.
    /// </summary>
    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        if (typeof(TDigest) != typeof(Digest<TParams>))
            return MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);
        var mark = Mark();
        var tree = (MerkleTree<TParams, TDigest>)(object)Operations.Commit(matrices);
        Count(IlgpuTraffic.Commit, mark);
        return tree;
    }

    /// <summary>Whether the DEEP column combination runs on the device (default; off: the CPU reference, for comparisons).</summary>
    public bool DeepOnDevice { get; set; } = true;

    /// <summary>Whether FRI folds run on the device (default; off: the CPU reference, for comparisons).</summary>
    public bool FriOnDevice { get; set; } = true;

    /// <summary>
    /// Whether the traces an LDE was made from stay on the device with it, for their openings (default; the prover releases
    /// its traces with its LDEs; <see cref="IlgpuOperations{TParams}.KeepTracesOnDevice"/>).
    /// </summary>
    public bool KeepTracesOnDevice
    {
        get => Operations.KeepTracesOnDevice;
        set => Operations.KeepTracesOnDevice = value;
    }

    /// <summary>
    /// Whether the digest layers of the trees it commits stay on the device (default; the host fetches a layer when it reads one,
    /// the query openings gather their siblings there; <see cref="IlgpuOperations{TParams}.KeepTreesOnDevice"/>).
    /// </summary>
    public bool KeepTreesOnDevice
    {
        get => Operations.KeepTreesOnDevice;
        set => Operations.KeepTreesOnDevice = value;
    }

    /// <summary>
    /// Whether LDEs and LogUp traces made on the device come back to the host only when the host reads their values (default;
    /// <see cref="IlgpuOperations{TParams}.LdesOnDemand"/>).
    /// </summary>
    public bool LdesOnDemand
    {
        get => Operations.LdesOnDemand;
        set => Operations.LdesOnDemand = value;
    }

    /// <summary>
    /// Whether the NTT's inner levels run in group-local memory (<see cref="IlgpuOperations{TParams}.SharedMemoryNtt"/>; same words;
    /// default on for ILGPU's CPU accelerator, off on GPUs until a GPU measurement shows it faster).
    /// </summary>
    public bool SharedMemoryNtt
    {
        get => Operations.SharedMemoryNtt;
        set => Operations.SharedMemoryNtt = value;
    }

    /// <summary>Whether LDEs stay on the device until released (<see cref="IlgpuOperations{TParams}.KeepLdesOnDevice"/>).</summary>
    public bool KeepLdesOnDevice
    {
        get => Operations.KeepLdesOnDevice;
        set => Operations.KeepLdesOnDevice = value;
    }

    /// <summary>
    /// The extension fields the written-out register kernels implement (<see cref="ExtensionKernels"/>, <see cref="QuotientKernels"/>):
    /// binomial quartic x^4 = W (KoalaBear/BabyBear's challenge fields). The octic extension runs on the degree-generic kernels
    /// (<see cref="WideOnDevice{TDef}"/>).
    /// </summary>
    public static bool ExtensionOnDevice<TDef>() where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        TDef.Degree == ExtensionShape.Degree && TDef.IsBinomial;

    /// <summary>
    /// The extension fields every device hook implements (LogUp, quotient, openings, DEEP and FRI): the binomial quartic (written-out
    /// kernels) and octic (<see cref="WideKernels"/>, <see cref="WideFriKernels"/>) extensions, those of every preset. Others go to the
    /// CPU reference.
    /// </summary>
    public static bool WideOnDevice<TDef>() where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        TDef.IsBinomial && TDef.Degree is ExtensionShape.Degree or 8;

    public ExtensionField<MontyField31<TParams>, TDef>[] CombineColumns<TDef>(RowMajorMatrix<MontyField31<TParams>> matrix,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!DeepOnDevice || !WideOnDevice<TDef>())
            return Cpu.CombineColumns(matrix, coefficients);
        if (coefficients.Length != matrix.Width)
            throw new ArgumentException($"{coefficients.Length} coefficients for {matrix.Width} columns", nameof(coefficients));
        var mark = Mark();
        var words = Operations.CombineColumns(TDef.W, matrix, MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(coefficients), TDef.Degree);
        Count(IlgpuTraffic.Deep, mark);
        return MemoryMarshal.Cast<uint, ExtensionField<MontyField31<TParams>, TDef>>(words).ToArray();
    }

    public ExtensionField<MontyField31<TParams>, TDef>[] FriFold<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logN, int logArity,
        ExtensionField<MontyField31<TParams>, TDef> beta)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(codeword);
        if (!FriOnDevice || !WideOnDevice<TDef>())
        {
            FetchCodeword(codeword);
            return Cpu.FriFold(codeword, logN, logArity, beta);
        }
        if (logArity < 1 || logArity > logN || logN > 30 || codeword.Length != 1 << logN)
            throw new ArgumentException($"a step of log arity {logArity} cannot fold a codeword of {codeword.Length} values as 2^{logN}");
        var betas = new ExtensionField<MontyField31<TParams>, TDef>[logArity];
        betas[0] = beta;
        for (int i = 1; i < logArity; i++)
            betas[i] = betas[i - 1].Square();
        // The codeword's kept copy (from FriLeaves or the previous fold) is read without an upload; the folded
        // codeword's copy is kept for the next step's leaves, fold and roll-in.
        var folded = new ExtensionField<MontyField31<TParams>, TDef>[codeword.Length >> logArity];
        var mark = Mark();
        Operations.FriFoldSteps(TDef.W, Words(codeword), logN, Words(betas), Words(folded), codeword, folded, TDef.Degree);
        Count(IlgpuTraffic.FriFold, mark);
        return folded;
    }

    /// <summary>Whether quotients are evaluated on the device (default; off: the CPU).</summary>
    public bool QuotientOnDevice { get; set; } = true;

    /// <summary>Whether LogUp traces are generated on the device (default; off: the CPU).</summary>
    public bool LogUpOnDevice { get; set; } = true;

    /// <summary>Whether out-of-domain openings are evaluated on the device (default; off: the CPU).</summary>
    public bool OpeningsOnDevice { get; set; } = true;

    /// <summary>
    /// A table's LogUp trace on the device (<see cref="LogUpKernels"/>: the interaction program per row, one inversion per group
    /// and row, a two-level scan for the running sum) over the quartic and octic extensions; its device copy is kept for the LDE and the
    /// openings. Other extensions, and tables without interactions, go to the CPU reference.
    /// </summary>
    public (RowMajorMatrix<MontyField31<TParams>> Trace, ExtensionField<MontyField31<TParams>, TDef> CumulativeSum) GenerateLogUp<TDef>(
        CompiledAir<MontyField31<TParams>> air, RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed,
        IReadOnlyList<MontyField31<TParams>> publics, ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(publics);
        if (!LogUpOnDevice || !WideOnDevice<TDef>() || air.Interactions.Count == 0 || main.Height == 0)
            return Cpu.GenerateLogUp(air, main, preprocessed, publics, gamma, beta);
        // The interaction program alone (its outputs are the full program's from ConstraintCount on).
        var program = DeviceProgram.From(air.Name, air.InteractionProgram, publics, preprocessed is not null);
        var logUp = DeviceLogUp.From(air, air.ConstraintCount, gamma, beta, [], default);
        var mark = Mark();
        var sum = new uint[TDef.Degree];
        var trace = Operations.GenerateLogUp(air.Name, TDef.W, TDef.Degree, program, logUp, main, preprocessed, sum);
        Count(IlgpuTraffic.LogUp, mark);
        // The cumulative sum T, summed on the device (the trace's values may stay there).
        return (trace, ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(MontyField31<TParams>.FromMontgomery(sum.AsSpan())));
    }

    /// <summary>
    /// The quotient on the device over the quartic and octic extensions: the constraint program interpreted by
    /// <see cref="QuotientKernels.QuotientRows"/>, then (tables with LogUp columns) the LogUp constraints by
    /// <see cref="QuotientKernels.QuotientLogUp"/>, the LDEs read from their kept copies. Other extensions are evaluated by the CPU.
    /// </summary>
    public ExtensionField<MontyField31<TParams>, TDef>[] EvaluateQuotient<TDef>(CompiledAir<MontyField31<TParams>> air, int logN,
        RowMajorMatrix<MontyField31<TParams>> mainLde, RowMajorMatrix<MontyField31<TParams>>? preprocessedLde, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> cumulativeSum)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(mainLde);
        ArgumentNullException.ThrowIfNull(publics);
        if (!QuotientOnDevice || !WideOnDevice<TDef>())
            return Cpu.EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
        if (air.LogUpColumns > 0 && logUpLde is null)
            throw new ArgumentException($"{air.Name} has LogUp columns but no LogUp LDE was given", nameof(logUpLde));
        int logD = air.LogQuotientChunks;
        var program = DeviceProgram.From(air.Name, air.Program, publics, preprocessedLde is not null);
        int constraints = air.ConstraintCount;
        if (program.Outputs < constraints)
            throw new InvalidOperationException($"{air.Name}: the constraint program has {program.Outputs} outputs for {constraints} constraints");
        // Z_H takes d values (QuotientSelectors' definition); the per-point selectors are computed on the device.
        if (logN < 0 || logN + logD > 30)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        var zh = QuotientSelectors<TParams>.Vanishing(logN, logD);
        var zhInverse = Fields.BatchInverse<MontyField31<TParams>>(zh);
        int logUpConstraints = LogUp.ConstraintCount(air);
        var alphaPowers = alpha.Powers(constraints + logUpConstraints);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[1 << (logN + logD)];
        var mark = Mark();
        if (logUpConstraints == 0 && ExtensionOnDevice<TDef>())
        {
            Operations.EvaluateQuotient(TDef.W, program.Packed, program.Instructions, program.VariablesAt, program.OutputsAt, constraints, program.Values,
                program.PublicsAt, mainLde, preprocessedLde, logN, logD, Words(alphaPowers.AsSpan()), MontyField31<TParams>.AsMontgomery(zhInverse),
                MontyField31<TParams>.AsMontgomery(zh), Words(result.AsSpan()));
            Count(IlgpuTraffic.Quotient, mark);
            return result;
        }
        var logUp = logUpConstraints == 0 ? null : DeviceLogUp.From(air, 0, gamma, beta, alphaPowers.AsSpan(constraints),
            LogUp.SumPerRow<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(cumulativeSum, 1 << logN));
        Operations.EvaluateQuotientWithLogUp(TDef.W, TDef.Degree, program, constraints, logUp, mainLde, preprocessedLde, logUp is null ? null : logUpLde, logN, logD,
            Words(alphaPowers.AsSpan(0, constraints)), MontyField31<TParams>.AsMontgomery(zhInverse), MontyField31<TParams>.AsMontgomery(zh),
            Words(result.AsSpan()));
        Count(IlgpuTraffic.Quotient, mark);
        return result;
    }

    /// <summary>
    /// A table's quotient as coefficients on the device (<see cref="IlgpuOperations{TParams}.QuotientCoefficients"/>): the quotient is
    /// evaluated as in <see cref="EvaluateQuotient{TDef}"/> into a device buffer that never comes back, and its coset IDFT runs there; the
    /// coefficients stay on the device (for <see cref="CombineQuotients{TDef}"/>) as the budget allows. Other extensions, or the quotient
    /// off the device, go to the CPU reference.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> QuotientCoefficients<TDef>(CompiledAir<MontyField31<TParams>> air,
        int logN, RowMajorMatrix<MontyField31<TParams>> mainLde, RowMajorMatrix<MontyField31<TParams>>? preprocessedLde, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> cumulativeSum)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(mainLde);
        ArgumentNullException.ThrowIfNull(publics);
        if (!QuotientOnDevice || !QuotientChunksOnDevice || !WideOnDevice<TDef>())
            return QuotientChunks<TParams, TDef>.Coefficients(Dft, EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum));
        if (air.LogUpColumns > 0 && logUpLde is null)
            throw new ArgumentException($"{air.Name} has LogUp columns but no LogUp LDE was given", nameof(logUpLde));
        int logD = air.LogQuotientChunks;
        if (logN < 0 || logN + logD > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient of 2^{logN} rows (2^{logD} chunks)");
        var program = DeviceProgram.From(air.Name, air.Program, publics, preprocessedLde is not null);
        int constraints = air.ConstraintCount;
        if (program.Outputs < constraints)
            throw new InvalidOperationException($"{air.Name}: the constraint program has {program.Outputs} outputs for {constraints} constraints");
        var zh = QuotientSelectors<TParams>.Vanishing(logN, logD);
        var zhInverse = Fields.BatchInverse<MontyField31<TParams>>(zh);
        int logUpConstraints = LogUp.ConstraintCount(air);
        var alphaPowers = alpha.Powers(constraints + logUpConstraints);
        var logUp = logUpConstraints == 0 ? null : DeviceLogUp.From(air, 0, gamma, beta, alphaPowers.AsSpan(constraints),
            LogUp.SumPerRow<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(cumulativeSum, 1 << logN));
        var mark = Mark();
        var coefficients = Operations.QuotientCoefficients(TDef.W, TDef.Degree, program, constraints, logUp, mainLde, preprocessedLde, logUp is null ? null : logUpLde,
            logN, logD, Words(alphaPowers.AsSpan(0, constraints)), MontyField31<TParams>.AsMontgomery(zhInverse), MontyField31<TParams>.AsMontgomery(zh));
        Count(IlgpuTraffic.Quotient, mark);
        return coefficients;
    }

    /// <summary>
    /// The proof's one quotient on the device (<see cref="IlgpuOperations{TParams}.CombineQuotients"/>): the tables' coefficients, read
    /// from their device copies, summed with their weights, split into chunks and extended there; the chunk coefficients (for their
    /// openings at ζ) and the LDE (for the commitment, DEEP and the query openings) stay on the device. Other extensions, or the split
    /// off the device, go to the CPU reference.
    /// </summary>
    public (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) CombineQuotients<TDef>(
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> coefficients, ExtensionField<MontyField31<TParams>, TDef>[] weights, int logN, int logChunks, int logBlowup)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(weights);
        if (!QuotientChunksOnDevice || !WideOnDevice<TDef>())
            return Cpu.CombineQuotients(coefficients, weights, logN, logChunks, logBlowup);
        var mark = Mark();
        var chunks = Operations.CombineQuotients(TDef.W, TDef.Degree, coefficients, Words(weights.AsSpan()), logN, logChunks, logBlowup);
        Count(IlgpuTraffic.Quotient, mark);
        return chunks;
    }

    /// <summary>Whether the quotient's chunk split and LDE run on the device (default; off: the quotient's values come back and are split on the CPU).</summary>
    public bool QuotientChunksOnDevice { get; set; } = true;

    /// <summary>
    /// The quotient chunks' values at a point on the device (<see cref="IlgpuOperations{TParams}.EvaluateCoefficientColumns"/>), reading the
    /// kept coefficient matrix; other extensions go to the CPU reference. Counted as out-of-domain openings.
    /// </summary>
    public ExtensionField<MontyField31<TParams>, TDef>[] EvaluateCoefficientColumns<TDef>(RowMajorMatrix<MontyField31<TParams>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef> point)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (!OpeningsOnDevice || !WideOnDevice<TDef>() || coefficients.Height == 0 || !System.Numerics.BitOperations.IsPow2(coefficients.Height))
            return Cpu.EvaluateCoefficientColumns(coefficients, point);
        int logN = System.Numerics.BitOperations.Log2((uint)coefficients.Height);
        var squares = new ExtensionField<MontyField31<TParams>, TDef>[logN];
        if (logN > 0)
            squares[0] = point;
        for (int b = 1; b < logN; b++)
            squares[b] = squares[b - 1].Square();
        var mark = Mark();
        var words = Operations.EvaluateCoefficientColumns(TDef.W, TDef.Degree, coefficients, Words(squares.AsSpan()));
        Count(IlgpuTraffic.OutOfDomain, mark);
        return MemoryMarshal.Cast<uint, ExtensionField<MontyField31<TParams>, TDef>>(words).ToArray();
    }

    /// <summary>
    /// Out-of-domain openings on the device (<see cref="OpeningKernels"/>: each point's barycentric weights, then block partial
    /// sums and one reduction per column) over the quartic and octic extensions; traces kept on the device (LogUp traces made there) are
    /// read from their copies, the others are uploaded once. Other extensions go to the CPU reference.
    /// </summary>
    public ExtensionField<MontyField31<TParams>, TDef>[][][] EvaluateOutOfDomain<TDef>(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (!OpeningsOnDevice || !WideOnDevice<TDef>())
            return Cpu.EvaluateOutOfDomain(logN, matrices, points);
        if (logN < 0 || logN > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logN), $"no trace domain of 2^{logN} rows");
        var scales = new ExtensionField<MontyField31<TParams>, TDef>[points.Length];
        for (int p = 0; p < points.Length; p++)
        {
            // Off the domain (z^n ≠ 1) every weight's denominator z − ω^i is non-zero; on it the CPU reference throws too.
            if (Polynomials.Vanishing(logN, points[p]).IsZero)
                throw new ArgumentException("evaluation point lies on the domain", nameof(points));
            scales[p] = OutOfDomain<TParams, TDef>.Scale(logN, points[p]);
        }
        var mark = Mark();
        var words = Operations.EvaluateOutOfDomain(TDef.W, TDef.Degree, logN, matrices, MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(points),
            Words(scales.AsSpan()));
        Count(IlgpuTraffic.OutOfDomain, mark);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[points.Length][][];
        for (int p = 0; p < points.Length; p++)
        {
            result[p] = new ExtensionField<MontyField31<TParams>, TDef>[matrices.Count][];
            for (int m = 0; m < matrices.Count; m++)
                result[p][m] = MemoryMarshal.Cast<uint, ExtensionField<MontyField31<TParams>, TDef>>(words[p][m]).ToArray();
        }
        return result;
    }

    public ExtensionField<MontyField31<TParams>, TDef>[] DeepReduce<TDef>(int logHeight, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> columnCoefficients, IReadOnlyList<DeepPoint<TParams, TDef>> points)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(points);
        if (!DeepOnDevice || !WideOnDevice<TDef>())
            return Cpu.DeepReduce(logHeight, matrices, columnCoefficients, points);
        if (logHeight < 0 || logHeight > Math.Min(30, TParams.TwoAdicity))
            throw new ArgumentOutOfRangeException(nameof(logHeight), $"no LDE domain of 2^{logHeight} points");
        var words = new List<(uint[] Z, uint[] Scales, uint[] Y)>(points.Count);
        foreach (var p in points)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(points));
            if (p.Scales.Length != matrices.Count)
                throw new ArgumentException($"a point with {p.Scales.Length} weights for {matrices.Count} matrices", nameof(points));
            Span<ExtensionField<MontyField31<TParams>, TDef>> z = [p.Z], y = [p.Y];
            words.Add((Words(z).ToArray(), Words(p.Scales.AsSpan()).ToArray(), Words(y).ToArray()));
        }
        // The codeword's device copy is kept: FRI's first leaves (or a roll-in) read it without an upload.
        var result = new ExtensionField<MontyField31<TParams>, TDef>[1 << logHeight];
        var mark = Mark();
        Operations.DeepReduce(TDef.W, logHeight, matrices, MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(columnCoefficients), words,
            Words(result.AsSpan()), result, TDef.Degree);
        Count(IlgpuTraffic.Deep, mark);
        return result;
    }

    /// <summary>
    /// A FRI step's leaves: the codeword's words in order, so they name the codeword's device copy (a codeword made on the host is
    /// uploaded here once, for its commitment and its fold). With <see cref="LdesOnDemand"/> the leaves' values are fetched only
    /// when the host reads them (the query openings gather the opened rows on the device); else they are made on the host too.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> FriLeaves<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logArity)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(codeword);
        var mark = Mark();
        if (FriOnDevice && WideOnDevice<TDef>() && logArity >= 1 && codeword.Length % (1 << logArity) == 0
            && (Operations.IsResident(codeword) || Operations.Keep(codeword, Words(codeword))))
        {
            int k = 1 << logArity;
            var leaves = LdesOnDemand ? Operations.LeavesOf(codeword, codeword.Length / k, k * TDef.Degree) : null;
            if (leaves is null)
            {
                FetchCodeword(codeword);
                leaves = Cpu.FriLeaves(codeword, logArity);
                Operations.Alias(leaves, codeword);
            }
            Count(IlgpuTraffic.FriLeaves, mark);
            return leaves;
        }
        FetchCodeword(codeword);
        return Cpu.FriLeaves(codeword, logArity);
    }

    /// <summary>Downloads a codeword whose values were left on the device (DEEP, FRI folds and roll-ins leave them there when keeping and fetching on demand).</summary>
    public void FetchCodeword<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(codeword);
        if (!Operations.IsOnDeviceOnly(codeword))
            return;
        var mark = Mark();
        Operations.FetchCodeword(codeword, Words(codeword.AsSpan()));
        Count(IlgpuTraffic.FriFinal, mark);
    }

    /// <summary>
    /// FRI's final polynomial on the device (<see cref="IlgpuOperations{TParams}.FinalPolynomial"/>) when the final codeword is kept there:
    /// its inverse DFT runs on the device and only the 2^LogFinalPolyLength coefficients (and one flag word for the check that the rest
    /// vanish) come back, not the codeword. Otherwise the CPU reference (which fetches the codeword).
    /// A final codeword that is not of low degree is handed to the CPU reference, which throws.
    /// </summary>
    public ExtensionField<MontyField31<TParams>, TDef>[] FriFinalPolynomial<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logFinal, int terms)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(codeword);
        if (!FriOnDevice || !FinalPolynomialOnDevice || !WideOnDevice<TDef>() || !Operations.IsResident(codeword))
        {
            FetchCodeword(codeword);
            return Cpu.FriFinalPolynomial(codeword, logFinal, terms);
        }
        if (logFinal < 0 || logFinal > 30 || codeword.Length != 1 << logFinal || terms < 1 || terms > codeword.Length)
            throw new ArgumentException($"no final polynomial of {terms} terms from a codeword of {codeword.Length} values as 2^{logFinal}");
        var final = new ExtensionField<MontyField31<TParams>, TDef>[terms];
        var mark = Mark();
        // The host array may hold no values (left on the device): the kept copy is read, never the array.
        bool lowDegree = Operations.FinalPolynomial(codeword, Operations.IsOnDeviceOnly(codeword) ? [] : Words(codeword.AsSpan()), TDef.Degree, logFinal,
            Words(final.AsSpan()));
        Count(IlgpuTraffic.FriFinal, mark);
        if (lowDegree)
            return final;
        // A higher coefficient does not vanish (a prover bug): the CPU reference repeats the transform on the fetched codeword and
        // throws its own error.
        FetchCodeword(codeword);
        return Cpu.FriFinalPolynomial(codeword, logFinal, terms);
    }

    /// <summary>Whether FRI's final polynomial is computed on the device (default; off: the final codeword comes back and the CPU transforms it).</summary>
    public bool FinalPolynomialOnDevice { get; set; } = true;

    public void FriRollIn<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] folded, ExtensionField<MontyField31<TParams>, TDef> weight,
        ExtensionField<MontyField31<TParams>, TDef>[] rollIn)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(rollIn);
        // Only a codeword kept on the device is updated there (its copy must stay equal to the host values).
        if (!FriOnDevice || !WideOnDevice<TDef>() || !Operations.IsResident(folded))
        {
            FetchCodeword(folded);
            FetchCodeword(rollIn);
            Cpu.FriRollIn(folded, weight, rollIn);
            return;
        }
        if (rollIn.Length != folded.Length)
            throw new ArgumentException($"a codeword of {rollIn.Length} values cannot roll into one of {folded.Length}", nameof(rollIn));
        Span<ExtensionField<MontyField31<TParams>, TDef>> w = [weight];
        var mark = Mark();
        Operations.AddScaled(TDef.W, Words(folded), Words(w), Words(rollIn), folded, rollIn, TDef.Degree);
        Count(IlgpuTraffic.FriRollIn, mark);
    }

    /// <summary>Whether query openings are gathered on the device (default; off: the CPU reference, for comparisons).</summary>
    public bool QueriesOnDevice { get; set; } = true;

    /// <summary>
    /// The query openings of a tree of 8-element digests on the device (<see cref="IlgpuOperations{TParams}.OpenMulti"/>): the opened
    /// rows gathered from the kept copies of its matrices (LDEs, FRI leaves), the siblings from the kept copy of its digest layers (kept
    /// by <see cref="Commit{TDigest}"/> until released). Trees of wider digests, hashed on the CPU, are opened by the CPU reference.
    /// </summary>
    public MultiOpening<TParams, TDigest> OpenMulti<TDigest>(MerkleTree<TParams, TDigest> tree, IReadOnlyList<int> indices, int capHeight)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(tree);
        if (!QueriesOnDevice || !HashesOnDevice<TDigest>())
            return Cpu.OpenMulti(tree, indices, capHeight);
        var mark = Mark();
        var opening = Operations.OpenMulti((MerkleTree<TParams, Digest<TParams>>)(object)tree, indices, capHeight);
        Count(IlgpuTraffic.QueryOpenings, mark);
        return (MultiOpening<TParams, TDigest>)(object)opening;
    }

    /// <summary>DEEP's column selection on the device when the matrix is kept there (<see cref="IlgpuOperations{TParams}.SelectColumns"/>; counted as DEEP).</summary>
    public RowMajorMatrix<MontyField31<TParams>> SelectColumns(RowMajorMatrix<MontyField31<TParams>> matrix, IReadOnlyList<int> columns)
    {
        if (!DeepOnDevice)
            return ColumnSelection.Select(matrix, columns);
        var mark = Mark();
        var selected = Operations.SelectColumns(matrix, columns);
        Count(IlgpuTraffic.Deep, mark);
        return selected;
    }

    public void Release(IEnumerable<object?> data) => Operations.Release(data);

    /// <summary>
    /// A proving key's traces and LDEs stay on the device across proofs and shards once a hook has read them (uploaded once per key and
    /// device; <see cref="IlgpuOperations{TParams}.Retain"/>), until <see cref="ReleaseRetained"/>, eviction by newer keys over
    /// <see cref="IlgpuOperations{TParams}.RetainedBudgetBytes"/>, or disposal.
    /// </summary>
    public void Retain(IEnumerable<RowMajorMatrix<MontyField31<TParams>>?> matrices) => Operations.Retain(matrices);

    public void ReleaseRetained(IEnumerable<RowMajorMatrix<MontyField31<TParams>>?> matrices) => Operations.ReleaseRetained(matrices);

    private static Span<uint> Words<TDef>(Span<ExtensionField<MontyField31<TParams>, TDef>> values)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(values);

    private static IProverBackend<TParams> Cpu => CpuBackend<TParams>.Instance;

    /// <summary>Whether trees of <typeparamref name="TDigest"/> are hashed on the device (else on the CPU).</summary>
    public static bool HashesOnDevice<TDigest>() where TDigest : struct, IDigest<TDigest, TParams> => typeof(TDigest) == typeof(Digest<TParams>);

    public void Dispose()
    {
        Operations.Dispose();
        if (_ownsDevice)
            Device.Dispose();
    }
}
