using System.CommandLine;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Gpu;

namespace Prover.Cli;

/// <summary>The <c>--backend</c> option shared by the proving commands.</summary>
internal static class BackendChoice
{
    public static Option<string> Option(string defaultValue)
    {
        var option = new Option<string>("--backend")
        {
            Description = "auto (a GPU through ILGPU, then hand-written CUDA or an OpenCL GPU, else CPU), cpu, ilgpu (ILGPU on a GPU), ilgpu:cpu (ILGPU's CPU accelerator: slow, for checks), cuda or opencl; an unavailable GPU falls back to the CPU. The proof bytes are the same on every backend",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong([.. GpuBackend.Names]);
        return option;
    }

    /// <summary>The library's backend kind for the option's value.</summary>
    public static Prover.Node.ProverBackendKind Kind(string? value) => value switch
    {
        "cpu" => Prover.Node.ProverBackendKind.Cpu,
        "cuda" => Prover.Node.ProverBackendKind.Cuda,
        "opencl" => Prover.Node.ProverBackendKind.OpenCl,
        "ilgpu" => Prover.Node.ProverBackendKind.Ilgpu,
        "ilgpu:cpu" => Prover.Node.ProverBackendKind.IlgpuCpu,
        _ => Prover.Node.ProverBackendKind.Auto,
    };

    /// <summary>The backend for the option's value; warns on stderr when an explicitly requested GPU is unavailable.</summary>
    public static IProverBackend<KoalaBearParameters> Create(string? value, out string report)
    {
        var kind = value is null ? BackendKind.Auto : GpuBackend.Parse(value);
        var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(kind, out report);
        if (kind is not (BackendKind.Auto or BackendKind.Cpu) && backend is CpuBackend<KoalaBearParameters>)
            Console.Error.WriteLine($"warning: {report}");
        return backend;
    }
}
