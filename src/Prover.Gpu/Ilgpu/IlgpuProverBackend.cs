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
/// accelerator): the trace LDEs, the Merkle commitments (traces, quotients, FRI layers), the DEEP column
/// combination and the FRI folds run as C# ILGPU kernels. The LDEs it makes stay on the device until the
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
        Operations = new IlgpuOperations<TParams>(device) { KeepLdesOnDevice = true };
    }

    public IlgpuDevice Device { get; }

    public IlgpuOperations<TParams> Operations { get; }

    /// <summary>"ilgpu-cuda", "ilgpu-opencl" or "ilgpu-cpu".</summary>
    public string Name => "ilgpu-" + Device.Api;

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Operations.CosetLdeBitReversed(evaluations, addedBits, shift);

    /// <summary>
    /// The device kernels hash 8-element digests (Poseidon2 width 16): those trees are built on the device. A
    /// configuration with wider digests (provable-128: 12 elements, width 24) is committed by the CPU MMCS instead —
    /// the same tree any backend must produce, so the proof stays correct and identical; only the LDEs run on the device.
    /// </summary>
    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams> =>
        typeof(TDigest) == typeof(Digest<TParams>)
            ? (MerkleTree<TParams, TDigest>)(object)Operations.Commit(matrices)
            : MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);

    /// <summary>Whether the DEEP column combination runs on the device (default; off: the CPU reference, for comparisons).</summary>
    public bool DeepOnDevice { get; set; } = true;

    /// <summary>Whether FRI folds run on the device (default; off: the CPU reference, for comparisons).</summary>
    public bool FriOnDevice { get; set; } = true;

    /// <summary>Whether LDEs stay on the device until released (<see cref="IlgpuOperations{TParams}.KeepLdesOnDevice"/>).</summary>
    public bool KeepLdesOnDevice
    {
        get => Operations.KeepLdesOnDevice;
        set => Operations.KeepLdesOnDevice = value;
    }

    /// <summary>
    /// The extension fields the device kernels implement: binomial quartic x^4 = W (KoalaBear/BabyBear's
    /// challenge fields). Others (the octic extension) are combined and folded by the CPU reference instead.
    /// </summary>
    public static bool ExtensionOnDevice<TDef>() where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        TDef.Degree == ExtensionShape.Degree && TDef.IsBinomial;

    public ExtensionField<MontyField31<TParams>, TDef>[] CombineColumns<TDef>(RowMajorMatrix<MontyField31<TParams>> matrix,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!DeepOnDevice || !ExtensionOnDevice<TDef>())
            return Cpu.CombineColumns(matrix, coefficients);
        if (coefficients.Length != matrix.Width)
            throw new ArgumentException($"{coefficients.Length} coefficients for {matrix.Width} columns", nameof(coefficients));
        var words = Operations.CombineColumns(TDef.W, matrix, MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(coefficients));
        return MemoryMarshal.Cast<uint, ExtensionField<MontyField31<TParams>, TDef>>(words).ToArray();
    }

    public ExtensionField<MontyField31<TParams>, TDef>[] FriFold<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logN, int logArity,
        ExtensionField<MontyField31<TParams>, TDef> beta)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(codeword);
        if (!FriOnDevice || !ExtensionOnDevice<TDef>())
            return Cpu.FriFold(codeword, logN, logArity, beta);
        if (logArity < 1 || logArity > logN || logN > 30 || codeword.Length != 1 << logN)
            throw new ArgumentException($"a step of log arity {logArity} cannot fold a codeword of {codeword.Length} values as 2^{logN}");
        var betas = new ExtensionField<MontyField31<TParams>, TDef>[logArity];
        betas[0] = beta;
        for (int i = 1; i < logArity; i++)
            betas[i] = betas[i - 1].Square();
        // The codeword's kept copy (from FriLeaves or the previous fold) is read without an upload; the folded
        // codeword's copy is kept for the next step's leaves, fold and roll-in.
        var folded = new ExtensionField<MontyField31<TParams>, TDef>[codeword.Length >> logArity];
        Operations.FriFoldSteps(TDef.W, Words(codeword), logN, Words(betas), Words(folded), codeword, folded);
        return folded;
    }

    /// <summary>Whether the quotient of AIRs without LogUp columns is evaluated on the device (default; off: the CPU).</summary>
    public bool QuotientOnDevice { get; set; } = true;

    /// <summary>
    /// The quotient on the device for AIRs without LogUp columns over the quartic extension (the constraint program
    /// interpreted by <see cref="QuotientKernels.QuotientRows"/>, the LDEs read from their kept copies); tables with LogUp
    /// columns, and other extensions, are evaluated by the CPU.
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
        if (!QuotientOnDevice || !ExtensionOnDevice<TDef>() || air.LogUpColumns > 0)
            return Cpu.EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
        int logD = air.LogQuotientChunks;
        var (code, constants, variables, outputs) = air.Program.Export();
        int constraints = air.ConstraintCount;
        if (outputs.Length < constraints)
            throw new InvalidOperationException($"{air.Name}: the constraint program has {outputs.Length} outputs for {constraints} constraints");
        // One int array: code (3 per instruction), variables (source 0 main / 1 preprocessed / 2 public, column, row offset), outputs.
        int instructions = code.Length / 3;
        var program = new int[code.Length + 3 * variables.Length + constraints];
        code.CopyTo(program, 0);
        int variablesAt = code.Length, outputsAt = variablesAt + 3 * variables.Length;
        for (int v = 0; v < variables.Length; v++)
        {
            var variable = variables[v];
            if (variable.Source == VariableSource.Public && (uint)variable.Index >= (uint)publics.Length)
                throw new ArgumentException($"{air.Name}: public value {variable.Index} of {publics.Length}", nameof(publics));
            program[variablesAt + 3 * v] = variable.Source switch
            {
                VariableSource.Main => 0,
                VariableSource.Preprocessed => preprocessedLde is null
                    ? throw new ArgumentException($"{air.Name} reads preprocessed columns but no preprocessed LDE was given", nameof(preprocessedLde))
                    : 1,
                _ => 2,
            };
            program[variablesAt + 3 * v + 1] = variable.Index;
            program[variablesAt + 3 * v + 2] = variable.Offset;
        }
        outputs.AsSpan(0, constraints).CopyTo(program.AsSpan(outputsAt));
        var values = new uint[constants.Length + publics.Length];
        MontyField31<TParams>.AsMontgomery(constants).CopyTo(values);
        MontyField31<TParams>.AsMontgomery(publics).CopyTo(values.AsSpan(constants.Length));
        // Z_H takes d values (QuotientSelectors' definition); the per-point selectors are computed on the device.
        if (logN < 0 || logN + logD > 30)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        var zh = QuotientSelectors<TParams>.Vanishing(logN, logD);
        var zhInverse = Fields.BatchInverse<MontyField31<TParams>>(zh);
        var alphaPowers = alpha.Powers(constraints);
        var result = new ExtensionField<MontyField31<TParams>, TDef>[1 << (logN + logD)];
        Operations.EvaluateQuotient(TDef.W, program, instructions, variablesAt, outputsAt, constraints, values, constants.Length, mainLde, preprocessedLde,
            logN, logD, Words(alphaPowers.AsSpan()), MontyField31<TParams>.AsMontgomery(zhInverse), MontyField31<TParams>.AsMontgomery(zh), Words(result.AsSpan()));
        return result;
    }

    public ExtensionField<MontyField31<TParams>, TDef>[] DeepReduce<TDef>(int logHeight, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> columnCoefficients, IReadOnlyList<DeepPoint<TParams, TDef>> points)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(points);
        if (!DeepOnDevice || !ExtensionOnDevice<TDef>())
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
        Operations.DeepReduce(TDef.W, logHeight, matrices, MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(columnCoefficients), words,
            Words(result.AsSpan()), result);
        return result;
    }

    public RowMajorMatrix<MontyField31<TParams>> FriLeaves<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logArity)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        var leaves = Cpu.FriLeaves(codeword, logArity);
        // The leaves are the codeword's words in order: their commitment reads the codeword's device copy
        // (the DEEP codeword of the first step is uploaded here once, for its commitment and its fold).
        if (FriOnDevice && ExtensionOnDevice<TDef>() && Operations.Keep(codeword, Words(codeword)))
            Operations.Alias(leaves, codeword);
        return leaves;
    }

    public void FriRollIn<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] folded, ExtensionField<MontyField31<TParams>, TDef> weight,
        ExtensionField<MontyField31<TParams>, TDef>[] rollIn)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(rollIn);
        // Only a codeword kept on the device is updated there (its copy must stay equal to the host values).
        if (!FriOnDevice || !ExtensionOnDevice<TDef>() || !Operations.IsResident(folded))
        {
            Cpu.FriRollIn(folded, weight, rollIn);
            return;
        }
        if (rollIn.Length != folded.Length)
            throw new ArgumentException($"a codeword of {rollIn.Length} values cannot roll into one of {folded.Length}", nameof(rollIn));
        Span<ExtensionField<MontyField31<TParams>, TDef>> w = [weight];
        Operations.AddScaled(TDef.W, Words(folded), Words(w), Words(rollIn), folded, rollIn);
    }

    public void Release(IEnumerable<object?> data) => Operations.Release(data);

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
