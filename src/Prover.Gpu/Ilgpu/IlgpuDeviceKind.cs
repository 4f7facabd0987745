namespace Prover.Gpu.Ilgpu;

/// <summary>Which ILGPU accelerator to open.</summary>
public enum IlgpuDeviceKind
{
    /// <summary>A real GPU: CUDA first, then an OpenCL GPU that has the generic address space ILGPU needs.</summary>
    Gpu,

    /// <summary>ILGPU's CPU accelerator: runs the same kernels on the CPU (slow; the correctness path without a GPU).</summary>
    Cpu,
}
