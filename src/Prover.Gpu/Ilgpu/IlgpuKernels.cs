using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The ILGPU kernels loaded on one accelerator (compiled on first use, then cached by ILGPU), and the
/// list of every kernel entry point (<see cref="All"/>) that the PTX test compiles for sm_80 and sm_90.
/// </summary>
public sealed class IlgpuKernels
{
    private readonly Accelerator _accelerator;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int>? _bitReverseRows;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, MontyField>? _scaleRows;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>? _ditLevel;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>? _difLevel;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>? _permute;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, ArrayView<uint>, Poseidon2Shape>? _absorb;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, ArrayView<uint>, Poseidon2Shape>? _finish;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>? _compressLayer;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>? _compressInject;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>? _friFold;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, ExtensionShape>? _combineColumns;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>? _addScaled;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, ExtensionShape>? _deepInverse;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>? _deepAccumulate;
    private Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape>? _quotientRows;

    private Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape>? _logUpRows;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField>? _logUpBlockSums;
    private Action<Index1D, ArrayView<uint>, int, uint, uint, MontyField>? _logUpBlockPrefix;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>? _logUpRunningSum;
    private Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape>? _quotientLogUp;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, ExtensionShape>? _openingWeights;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, ExtensionShape>? _openingPartialSums;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField>? _openingReduceColumns;

    private Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, WideShape>? _wideQuotientRows;
    private Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape, WideShape>? _wideQuotientLogUp;
    private Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape, WideShape>? _wideLogUpRows;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape>? _wideBlockSums;
    private Action<Index1D, ArrayView<uint>, int, uint, uint, WideShape>? _wideBlockPrefix;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape>? _wideRunningSum;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, WideShape>? _wideWeights;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape>? _widePartialSums;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape>? _wideReduceColumns;

    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>? _wideFriFold;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, WideShape>? _wideCombineColumns;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>? _wideAddScaled;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, WideShape>? _wideDeepInverse;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>? _wideDeepAccumulate;
    private Action<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int>? _gatherRows;
    private Action<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int, int>? _gatherColumns;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int>? _splitChunks;
    private Action<Index1D, ArrayView<uint>, uint, uint, int, MontyField>? _geometric;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>>? _flagNonZero;
    private Action<KernelConfig, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>? _ditChunk;
    private Action<KernelConfig, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>? _difChunk;
    private Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, uint, WideShape>? _powers;

    internal IlgpuKernels(Accelerator accelerator) => _accelerator = accelerator;

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int> BitReverseRows =>
        _bitReverseRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int>(NttKernels.BitReverseRows);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, MontyField> ScaleRows =>
        _scaleRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, MontyField>(NttKernels.ScaleRows);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField> DitLevel =>
        _ditLevel ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>(NttKernels.DitLevel);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField> DifLevel =>
        _difLevel ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>(NttKernels.DifLevel);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape> Permute =>
        _permute ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>(Poseidon2Kernels.Permute);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, ArrayView<uint>, Poseidon2Shape> Absorb =>
        _absorb ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, ArrayView<uint>, Poseidon2Shape>(Poseidon2Kernels.Absorb);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, ArrayView<uint>, Poseidon2Shape> Finish =>
        _finish ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, ArrayView<uint>, Poseidon2Shape>(Poseidon2Kernels.Finish);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape> CompressLayer =>
        _compressLayer ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>(Poseidon2Kernels.CompressLayer);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape> CompressInject =>
        _compressInject ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, Poseidon2Shape>(Poseidon2Kernels.CompressInject);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape> FriFold =>
        _friFold ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>(ExtensionKernels.FriFold);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, ExtensionShape> CombineColumns =>
        _combineColumns ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, ExtensionShape>(ExtensionKernels.CombineColumns);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape> AddScaled =>
        _addScaled ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>(ExtensionKernels.AddScaled);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, ExtensionShape> DeepInverse =>
        _deepInverse ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, ExtensionShape>(ExtensionKernels.DeepInverse);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape> DeepAccumulate =>
        _deepAccumulate ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ExtensionShape>(ExtensionKernels.DeepAccumulate);

    public Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape> QuotientRows =>
        _quotientRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape>(QuotientKernels.QuotientRows);

    public Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape> LogUpRows =>
        _logUpRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape>(LogUpKernels.LogUpRows);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField> LogUpBlockSums =>
        _logUpBlockSums ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField>(LogUpKernels.BlockSums);

    public Action<Index1D, ArrayView<uint>, int, uint, uint, MontyField> LogUpBlockPrefix =>
        _logUpBlockPrefix ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, int, uint, uint, MontyField>(LogUpKernels.BlockPrefix);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField> LogUpRunningSum =>
        _logUpRunningSum ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>(LogUpKernels.RunningSum);

    public Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape> QuotientLogUp =>
        _quotientLogUp ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape>(QuotientKernels.QuotientLogUp);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, ExtensionShape> OpeningWeights =>
        _openingWeights ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, ExtensionShape>(OpeningKernels.Weights);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, ExtensionShape> OpeningPartialSums =>
        _openingPartialSums ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, ExtensionShape>(OpeningKernels.PartialSums);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField> OpeningReduceColumns =>
        _openingReduceColumns ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, MontyField>(OpeningKernels.ReduceColumns);

    public Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, WideShape> WideQuotientRows =>
        _wideQuotientRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, WideShape>(WideKernels.QuotientRows);

    public Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape, WideShape> WideQuotientLogUp =>
        _wideQuotientLogUp ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, QuotientShape, LogUpShape, WideShape>(WideKernels.QuotientLogUp);

    public Action<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape, WideShape> WideLogUpRows =>
        _wideLogUpRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, LogUpTraceShape, LogUpShape, WideShape>(WideKernels.LogUpRows);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape> WideBlockSums =>
        _wideBlockSums ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape>(WideKernels.BlockSums);

    public Action<Index1D, ArrayView<uint>, int, uint, uint, WideShape> WideBlockPrefix =>
        _wideBlockPrefix ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, int, uint, uint, WideShape>(WideKernels.BlockPrefix);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape> WideRunningSum =>
        _wideRunningSum ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape>(WideKernels.RunningSum);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, WideShape> WideWeights =>
        _wideWeights ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, uint, int, uint, WideShape>(WideKernels.Weights);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape> WidePartialSums =>
        _widePartialSums ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, int, int, WideShape>(WideKernels.PartialSums);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape> WideReduceColumns =>
        _wideReduceColumns ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, WideShape>(WideKernels.ReduceColumns);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape> WideFriFold =>
        _wideFriFold ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>(WideFriKernels.FriFold);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, WideShape> WideCombineColumns =>
        _wideCombineColumns ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, int, WideShape>(WideFriKernels.CombineColumns);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape> WideAddScaled =>
        _wideAddScaled ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>(WideFriKernels.AddScaled);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, WideShape> WideDeepInverse =>
        _wideDeepInverse ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, uint, uint, int, WideShape>(WideFriKernels.DeepInverse);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape> WideDeepAccumulate =>
        _wideDeepAccumulate ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>, WideShape>(WideFriKernels.DeepAccumulate);

    public Action<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int> GatherRows =>
        _gatherRows ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int>(GatherKernels.GatherRows);

    public Action<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int, int> GatherColumns =>
        _gatherColumns ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<uint>, int, int>(GatherKernels.GatherColumns);

    public Action<Index1D, ArrayView<uint>, uint, uint, int, MontyField> Geometric =>
        _geometric ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, uint, uint, int, MontyField>(NttKernels.Geometric);

    /// <summary>The shared-memory DIT chunk kernel (explicitly grouped: launched with a <see cref="KernelConfig"/>).</summary>
    public Action<KernelConfig, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField> DitChunk =>
        _ditChunk ??= _accelerator.LoadStreamKernel<ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>(NttBlockKernels.DitChunk);

    /// <summary>The shared-memory DIF chunk kernel (explicitly grouped).</summary>
    public Action<KernelConfig, ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField> DifChunk =>
        _difChunk ??= _accelerator.LoadStreamKernel<ArrayView<uint>, ArrayView<uint>, int, int, int, MontyField>(NttBlockKernels.DifChunk);

    /// <summary>Threads per group of the chunk kernels: 256, or fewer where the accelerator allows fewer (2 on ILGPU's CPU accelerator).</summary>
    public int ChunkGroupSize => Math.Max(1, Math.Min(256, _accelerator.MaxNumThreadsPerGroup));

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>> FlagNonZero =>
        _flagNonZero ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>>(NttKernels.FlagNonZero);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int> SplitChunks =>
        _splitChunks ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, int, int>(QuotientChunkKernels.SplitChunks);

    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int, uint, WideShape> Powers =>
        _powers ??= _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int, uint, WideShape>(QuotientChunkKernels.Powers);

    /// <summary>Every explicitly grouped kernel entry point (shared memory and barriers; <see cref="NttBlockKernels"/>).</summary>
    public static IReadOnlyList<MethodInfo> Grouped { get; } =
        typeof(NttBlockKernels).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(void)).ToArray();

    /// <summary>Every implicitly grouped kernel entry point (static methods taking an Index1D first).</summary>
    public static IReadOnlyList<MethodInfo> All { get; } =
        new[] { typeof(NttKernels), typeof(Poseidon2Kernels), typeof(ExtensionKernels), typeof(QuotientKernels), typeof(LogUpKernels), typeof(OpeningKernels), typeof(WideKernels), typeof(WideFriKernels),
            typeof(GatherKernels), typeof(QuotientChunkKernels) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.GetParameters() is [{ ParameterType: var p }, ..] && p == typeof(Index1D))
            .ToArray();
}
