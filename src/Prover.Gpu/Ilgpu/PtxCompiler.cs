using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Compiles ILGPU kernels to PTX for a chosen architecture through ILGPU's PTX backend, without a GPU or
/// a CUDA toolkit (the backend is plain managed code; only loading the module needs the driver). Used
/// by the tests (every kernel compiles for sm_80 and sm_90) and by scripts/gpu-check.sh to dump PTX.
/// </summary>
public static class PtxCompiler
{
    /// <summary>PTX ISA 8.0 (CUDA 12.0): the oldest that targets sm_90; drivers from R525 on load it.</summary>
    public static CudaInstructionSet InstructionSet => CudaInstructionSet.ISA_80;

    private static readonly Lazy<Context> s_context = new(() => Context.Create(b => b.EnableAlgorithms()), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock s_lock = new();

    /// <summary>
    /// The PTX of one kernel: implicitly grouped (a static method taking an Index1D first) or explicitly grouped (any other static
    /// kernel, e.g. <see cref="NttBlockKernels"/>, which uses shared memory and barriers).
    /// </summary>
    public static string Compile(MethodInfo kernel, CudaArchitecture architecture) => CompileKernel(kernel, architecture).PTXAssembly;

    /// <summary>The compiled kernel: its PTX and what ILGPU knows about it (local memory per function).</summary>
    public static PTXCompiledKernel CompileKernel(MethodInfo kernel, CudaArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        lock (s_lock)
        {
            // No NVVM: ILGPU then generates all PTX itself (NVVM only links libdevice math, which these kernels do not use).
            using var backend = new PTXBackend(s_context.Value, architecture, InstructionSet, nvvmAPI: null!);
            var entry = kernel.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(Index1D)
                ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
                : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            return (PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization));
        }
    }
}
