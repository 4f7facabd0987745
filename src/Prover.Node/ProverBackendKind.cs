namespace Prover.Node;

/// <summary>Where the heavy kernels run. Every backend gives the same proof bytes; an unavailable GPU falls back to the CPU.</summary>
public enum ProverBackendKind
{
    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>A GPU through ILGPU, else hand-written CUDA, else an OpenCL GPU, else the CPU.</summary>
    Auto,

    /// <summary>CUDA (NVRTC), else the CPU.</summary>
    Cuda,

    /// <summary>OpenCL, else the CPU.</summary>
    OpenCl,

    /// <summary>ILGPU on a GPU (CUDA, or OpenCL with the generic address space), else the CPU.</summary>
    Ilgpu,

    /// <summary>ILGPU's CPU accelerator: the GPU kernels run on the CPU (slow; for correctness checks).</summary>
    IlgpuCpu,
}
