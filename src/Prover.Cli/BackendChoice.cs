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
            Description = "auto (CUDA, then an OpenCL GPU, else CPU), cpu, cuda or opencl; an unavailable GPU falls back to the CPU. The proof bytes are the same on every backend",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong("auto", "cpu", "cuda", "opencl");
        return option;
    }

    /// <summary>The library's backend kind for the option's value.</summary>
    public static Prover.Node.ProverBackendKind Kind(string? value) => value switch
    {
        "cpu" => Prover.Node.ProverBackendKind.Cpu,
        "cuda" => Prover.Node.ProverBackendKind.Cuda,
        "opencl" => Prover.Node.ProverBackendKind.OpenCl,
        _ => Prover.Node.ProverBackendKind.Auto,
    };

    /// <summary>The backend for the option's value; warns on stderr when an explicitly requested GPU is unavailable.</summary>
    public static IProverBackend<KoalaBearParameters> Create(string? value, out string report)
    {
        var kind = value switch
        {
            "cpu" => BackendKind.Cpu,
            "cuda" => BackendKind.Cuda,
            "opencl" => BackendKind.OpenCl,
            _ => BackendKind.Auto,
        };
        var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(kind, out report);
        if (kind is BackendKind.Cuda or BackendKind.OpenCl && backend is CpuBackend<KoalaBearParameters>)
            Console.Error.WriteLine($"warning: {report}");
        return backend;
    }
}
