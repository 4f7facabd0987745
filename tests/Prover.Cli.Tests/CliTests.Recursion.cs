using System.Text.Json;

namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    [Fact]
    public void Recursion_size_reports_the_verifier_program_of_a_demo_shape()
    {
        var (exit, output, error) = Run("recursion-size", "--demo", "lookup", "--log-rows", "6", "--config", "provable-100", "--json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal("demo/lookup", r.GetProperty("shape").GetString());
        Assert.Equal([6, 4], r.GetProperty("log_heights").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(r.GetProperty("permutations").GetProperty("16").GetInt32() > 1000);
        Assert.True(r.GetProperty("instructions").GetInt32() > r.GetProperty("ext_operations").GetInt32());
        // provable-128 hashes with the width-24 permutation.
        var (exit128, output128, _) = Run("recursion-size", "--demo", "fibonacci", "--log-rows", "6", "--config", "provable-128", "--json");
        Assert.Equal(0, exit128);
        using var doc128 = JsonDocument.Parse(output128);
        Assert.True(doc128.RootElement.GetProperty("permutations").GetProperty("24").GetInt32() > 0);
        // An unknown demo is an error, not a crash.
        var (bad, _, badError) = Run("recursion-size", "--demo", "nope");
        Assert.Equal(2, bad);
        Assert.Contains("unknown demo", badError);
    }

    [Fact]
    public void Recursion_prove_proves_and_verifies_the_verification_of_a_demo_proof()
    {
        var (exit, output, error) = Run("recursion-prove", "--demo", "fibonacci", "--log-rows", "4", "--config", "development", "--json");
        Assert.True(exit == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("valid").GetBoolean());
        Assert.Equal("valid", r.GetProperty("verdict").GetString());
        // Fibonacci from (0, 1): the outputs are its public values, the 16th row's b = F(16) = 987.
        Assert.Equal([0u, 1u, 987u], r.GetProperty("outputs").EnumerateArray().Select(e => e.GetUInt32()));
        var tables = r.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(r.GetProperty("instructions").GetInt32(),
            tables.Where(t => t.GetProperty("table").GetString() is not ("recursion-hint" or "recursion-public-output")).Sum(t => t.GetProperty("rows").GetInt32())
            + r.GetProperty("operations").GetProperty("Hint").GetInt32());
        Assert.True(r.GetProperty("proof_bytes").GetInt32() > 0);
        // An outer proof with another digest than the inner one (a provable-128 proof's verification proved with
        // 8-element digests: a chain of mixed hash strength) is an error, not a crash.
        var (bad, _, badError) = Run("recursion-prove", "--demo", "fibonacci", "--log-rows", "4", "--config", "provable-128", "--outer-config", "provable-100");
        Assert.Equal(2, bad);
        Assert.Contains("inner proof's extension and digest", badError);
    }

    [Fact]
    public void Recursion_prove_refuses_a_layer_above_the_first_for_a_guest()
    {
        // The layers above the first (RecursionLayerTests prove them) take demos only; a guest with --layer is an error, not a crash.
        var (exit, _, error) = Run("recursion-prove", "--elf", "none.elf", "--layer", "second");
        Assert.Equal(2, exit);
        Assert.Contains("demos only", error);
        var (badLayer, _, _) = Run("recursion-prove", "--layer", "third");
        Assert.NotEqual(0, badLayer);
    }

    [Fact]
    public void Aggregate_refuses_what_is_not_an_execution_proof()
    {
        // The tree itself is proved and attacked in ZkvmAggregationTests; here the command's errors: exit code 2, no crash.
        string demo = Path.Combine(_dir, "fib.bin");
        Assert.Equal(0, Run("demo", "fibonacci", "--log-rows", "4", "--config", "development", "--out", demo).Exit);
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        var (exit, _, error) = Run("aggregate", "--proof", demo, "--out", Path.Combine(_dir, "agg.bin"), "--elf", elf);
        Assert.Equal(2, exit);
        Assert.Contains("not an execution proof", error);
        string junk = Path.Combine(_dir, "junk.bin");
        File.WriteAllBytes(junk, [1, 2, 3]);
        (exit, _, error) = Run("aggregate", "--proof", junk, "--out", Path.Combine(_dir, "agg.bin"), "--elf", elf);
        Assert.Equal(2, exit);
        Assert.Contains("not a proof file", error);
        Assert.False(File.Exists(Path.Combine(_dir, "agg.bin")));
    }
}
