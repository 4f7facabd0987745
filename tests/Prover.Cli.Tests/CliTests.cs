using Prover.Cli;

namespace Prover.Cli.Tests;

/// <summary>
/// The <c>prover</c> commands end to end, in-process. One class, so its tests run one after another:
/// they redirect the process-wide console.
/// </summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prover-cli-").FullName;

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
            int exit = ProverCli.Run(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Main_job_validates_the_embedded_block()
    {
        var (exit, output, _) = Run("execute");
        Assert.Equal(0, exit);
        Assert.Matches(@"successful_validation\s+true", output);
        Assert.Matches(@"output_matched\s+true", output);
    }

    [Fact]
    public void Execute_reports_a_missing_file_as_an_error()
    {
        var (exit, _, error) = Run("execute", Path.Combine(_dir, "missing.ssz"));
        Assert.Equal(2, exit);
        Assert.Contains("error", error);
    }

    [Fact]
    public void Demo_proof_verifies_and_a_tampered_one_does_not()
    {
        string proof = Path.Combine(_dir, "fib.bin");
        Assert.Equal(0, Run("demo", "fibonacci", "--log-rows", "4", "--config", "development", "--out", proof).Exit);
        var (exit, output, _) = Run("verify", proof);
        Assert.Equal(0, exit);
        Assert.Contains("valid", output);
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(proof, bytes);
        Assert.Equal(1, Run("verify", proof).Exit);
    }

    [Fact]
    public void Garbage_inputs_get_clear_failures()
    {
        string junk = Path.Combine(_dir, "junk.bin");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5]);
        Assert.Equal(1, Run("verify", junk).Exit);
        Assert.NotEqual(0, Run("inspect", junk).Exit);
        string json = Path.Combine(_dir, "junk.json");
        File.WriteAllText(json, "{\"not\": \"a fixture\"");
        var (exit, _, error) = Run("convert", json, "--out", _dir);
        Assert.NotEqual(0, exit);
        Assert.Contains("error", error);
    }
}
