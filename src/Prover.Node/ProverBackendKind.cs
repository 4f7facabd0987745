namespace Prover.Node;

/// <summary>Where the heavy kernels run. Every backend gives the same proof bytes; an unavailable GPU falls back to the CPU.</summary>
public enum ProverBackendKind
{
    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>CUDA if present, else an OpenCL GPU, else the CPU.</summary>
    Auto,

    /// <summary>CUDA (NVRTC), else the CPU.</summary>
    Cuda,

    /// <summary>OpenCL, else the CPU.</summary>
    OpenCl,
}
