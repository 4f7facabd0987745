namespace Prover.Cli.Tests;

/// <summary>
/// A fact that runs the zkVM proof on ILGPU's CPU accelerator only when <c>PROVER_ILGPU_CPU_ELF=1</c>: that proof of hello.elf
/// takes about 8.5 minutes on the shared 2-core machine (every simulated GPU thread runs on one core), too long for every test
/// run; otherwise skipped with that reason. <c>ZkvmChipsOnTheDevice</c> (Prover.Gpu.Tests) compares the device's LogUp,
/// quotient and opening steps on every hello.elf table in seconds on every run.
/// </summary>
public sealed class SlowIlgpuCpuFactAttribute : FactAttribute
{
    public const string Variable = "PROVER_ILGPU_CPU_ELF";

    public SlowIlgpuCpuFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
            Skip = $"the zkVM proof on ILGPU's CPU accelerator takes minutes; set {Variable}=1 to run it";
    }
}
