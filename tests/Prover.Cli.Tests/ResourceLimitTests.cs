using Prover.Cli;
using Prover.Core.Zkvm.Proving;

namespace Prover.Cli.Tests;

/// <summary>
/// Resource bounds on work (docs/design.md, "Resource bounds"): cycle limits for execute and prove, input and
/// proof file sizes checked before reading, each exceeded limit a clear error with exit code 2, never a crash.
/// </summary>
public sealed class ResourceLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prover-limits-").FullName;

    private static string Elf(string name) => Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", name + ".elf");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (ProverCli.Run(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Execute_stops_at_the_cycle_limit_with_a_clear_error()
    {
        var within = Run("execute", "--elf", Elf("bigmul"));
        Assert.Equal(0, within.Exit);
        var (exit, output, error) = Run("execute", "--elf", Elf("bigmul"), "--max-cycles", "1000");
        Assert.NotEqual(0, exit);
        Assert.Contains("cycle limit 1000 exceeded", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prove_stops_at_the_cycle_limit_before_proving()
    {
        Assert.Equal(1L << 26, ZkvmProverOptions.DefaultMaxCycles);
        var (exit, _, error) = Run("prove", "--elf", Elf("bigmul"), "--config", "development", "--log-shard-size", "10", "--max-cycles", "500",
            "--out", Path.Combine(_dir, "p.bin"), "--json");
        Assert.Equal(2, exit);
        Assert.Contains("cycle limit 500 exceeded", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "p.bin")));
    }

    [Fact]
    public void Input_files_above_the_limit_are_refused_before_reading()
    {
        string input = Path.Combine(_dir, "input.bin");
        File.WriteAllBytes(input, new byte[4096]);
        var exec = Run("execute", "--elf", Elf("hello"), "--input", input, "--max-input-bytes", "1000");
        Assert.Equal(2, exec.Exit);
        Assert.Contains("4,096 bytes, more than the limit of 1,000 (--max-input-bytes)", exec.Out + exec.Err, StringComparison.Ordinal);
        var block = Run("execute", input, "--max-input-bytes", "1000");
        Assert.Equal(2, block.Exit);
        Assert.Contains("--max-input-bytes", block.Err, StringComparison.Ordinal);
        var prove = Run("prove", "--elf", Elf("hello"), "--input", input, "--max-input-bytes", "1000", "--out", Path.Combine(_dir, "p.bin"));
        Assert.Equal(2, prove.Exit);
        Assert.Contains("--max-input-bytes", prove.Err, StringComparison.Ordinal);
        // Within the limit the same input runs.
        Assert.Equal(0, Run("execute", "--elf", Elf("hello"), "--input", input, "--max-input-bytes", "4096").Exit);
    }

    [Fact]
    public void Proof_files_above_the_limit_are_refused_before_reading()
    {
        string proof = Path.Combine(_dir, "big.proof");
        File.WriteAllBytes(proof, new byte[10_000]);
        var (exit, _, error) = Run("verify", proof, "--max-proof-bytes", "4096");
        Assert.Equal(2, exit);
        Assert.Contains("10,000 bytes, more than the limit of 4,096 (--max-proof-bytes)", error, StringComparison.Ordinal);
        // Within the limit it is read and rejected as a proof (exit code 1), not refused.
        Assert.Equal(1, Run("verify", proof).Exit);
    }
}
