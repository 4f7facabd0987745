namespace Prover.Cli.Tests;

/// <summary>
/// <c>--backend ilgpu:cpu</c> (the ILGPU kernels on ILGPU's CPU accelerator) writes the same proof bytes
/// as <c>--backend cpu</c>. Part of <see cref="CliTests"/> (one class: the tests redirect the console).
/// ILGPU's CPU accelerator is slow (it simulates GPU threads), so poseidon2 (the widest demo trace) runs
/// at 2^8 rows here; at 2^12 it takes minutes and was checked by hand (docs/benchmarks.md).
/// </summary>
public sealed partial class CliTests
{
    [Theory]
    [InlineData("fibonacci", 12)]
    [InlineData("lookup", 12)]
    [InlineData("poseidon2", 8)]
    public void Demo_proof_bytes_are_the_same_on_ilgpu_cpu_and_cpu(string demo, int logRows)
    {
        string cpu = Path.Combine(_dir, demo + "-cpu.bin"), ilgpu = Path.Combine(_dir, demo + "-ilgpu.bin");
        var r1 = Run("demo", demo, "--log-rows", logRows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", "development", "--backend", "cpu", "--out", cpu);
        Assert.True(r1.Exit == 0, r1.Err);
        var r2 = Run("demo", demo, "--log-rows", logRows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", "development", "--backend", "ilgpu:cpu", "--out", ilgpu, "--json");
        Assert.True(r2.Exit == 0, r2.Err);
        // The ILGPU backend really ran (no silent fallback to the CPU backend).
        Assert.Contains("\"backend\":\"ilgpu-cpu\"", r2.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(cpu), File.ReadAllBytes(ilgpu));
    }

    [Fact]
    public void Unknown_backend_is_rejected()
    {
        var (exit, _, _) = Run("demo", "fibonacci", "--log-rows", "4", "--backend", "ilgpu:tpu", "--out", Path.Combine(_dir, "x.bin"));
        Assert.NotEqual(0, exit);
    }

    /// <summary>
    /// The zkVM proof of hello.elf on ILGPU: on a GPU it must be the CPU backend's bytes (scripts/gpu-check.sh runs it);
    /// skipped, with the reason, without one. <see cref="Elf_proof_bytes_are_the_same_on_ilgpu_cpu_and_cpu"/> is the same check on
    /// ILGPU's CPU accelerator.
    /// </summary>
    [IlgpuGpuFact]
    public void Elf_proof_bytes_are_the_same_on_ilgpu_and_cpu() => ElfProofBytesMatch("ilgpu");

    /// <summary>
    /// The zkVM proof of hello.elf with every device step (LDEs, commitments, LogUp traces, quotients, openings, DEEP, FRI) on
    /// ILGPU's CPU accelerator: the CPU backend's bytes. About 12 s here since the byte table is sized to use (hello's tallest
    /// table is 2^10 rows, not 2^16: it took 8.5 minutes and was opt-in before) and the CPU accelerator runs the shared-memory NTT
    /// (1.5 minutes with the global-level NTT), so it runs in every test run and in CI.
    /// </summary>
    [Fact]
    public void Elf_proof_bytes_are_the_same_on_ilgpu_cpu_and_cpu() => ElfProofBytesMatch("ilgpu:cpu");

    private void ElfProofBytesMatch(string backend)
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        string cpu = Path.Combine(_dir, "hello-cpu.bin"), device = Path.Combine(_dir, "hello-device.bin");
        var r1 = Run("prove", "--elf", elf, "--config", "development", "--backend", "cpu", "--out", cpu, "--json");
        Assert.True(r1.Exit == 0, r1.Err);
        var r2 = Run("prove", "--elf", elf, "--config", "development", "--backend", backend, "--out", device, "--json");
        Assert.True(r2.Exit == 0, r2.Err);
        // The ILGPU backend really ran (no silent fallback to the CPU backend).
        Assert.Contains("\"backend\":\"ilgpu-", r2.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(cpu), File.ReadAllBytes(device));
    }
}
