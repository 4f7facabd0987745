using Prover.Cli;

namespace Prover.Cli.Tests;

/// <summary>
/// The <c>prover</c> commands end to end, in-process. One class, so its tests run one after another:
/// they redirect the process-wide console.
/// </summary>
public sealed partial class CliTests : IDisposable
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
    public void Execute_profile_names_the_costliest_functions_and_accounts_for_every_cycle()
    {
        // The embedded guest on its example block: the top functions plus the rest are the whole run.
        var (exit, output, error) = Run("execute", "--profile", "3", "--json");
        Assert.True(exit == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var profile = doc.RootElement.GetProperty("function_profile").EnumerateArray().ToList();
        Assert.Equal(4, profile.Count); // three functions, then the rest
        var top = profile.Take(3).Select(e => e.GetProperty("cycles").GetInt64()).ToList();
        Assert.Equal(top.OrderDescending(), top);
        Assert.All(profile.Take(3), e => Assert.DoesNotContain("rest", e.GetProperty("name").GetString()!, StringComparison.Ordinal));
        Assert.Equal(doc.RootElement.GetProperty("total_num_cycles").GetInt64(), profile.Sum(e => e.GetProperty("cycles").GetInt64()));
        // Any ELF, text report: the sort guest spends most of its cycles in merge_sort.
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "sort.elf");
        var (exit2, text, _) = Run("execute", "--elf", elf, "--profile", "2");
        Assert.Equal(0, exit2);
        Assert.Matches(@"function profile[^\n]*\n\s+merge_sort\s", text);
        Assert.Equal(2, Run("execute", "--profile", "-1").Exit);
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
        // A development proof is insecure: rejected by default, with the level named; accepted (and flagged) on request.
        var strict = Run("verify", proof);
        Assert.NotEqual(0, strict.Exit);
        Assert.Contains("insecure proof", strict.Out);
        Assert.Contains("provable bits", strict.Out);
        var (exit, output, _) = Run("verify", proof, "--allow-insecure");
        Assert.Equal(0, exit);
        Assert.Contains("valid", output);
        Assert.Contains("INSECURE", output);
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(proof, bytes);
        Assert.Equal(1, Run("verify", proof, "--allow-insecure").Exit);
    }

    [Fact]
    public void Provable_128_demo_proof_meets_128_bits_with_the_hash_counted()
    {
        string proof = Path.Combine(_dir, "fib128.bin");
        var (made, madeOut, _) = Run("demo", "fibonacci", "--log-rows", "6", "--config", "provable-128", "--backend", "cpu", "--out", proof);
        Assert.Equal(0, made);
        Assert.Contains("hash 128", madeOut);
        var (exit, output, _) = Run("verify", proof, "--min-bits", "128");
        Assert.Equal(0, exit);
        Assert.Contains("valid", output);
        Assert.DoesNotContain("INSECURE", output);
        Assert.Equal(1, Run("verify", proof, "--min-bits", "129").Exit);
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(proof, bytes);
        Assert.Equal(1, Run("verify", proof, "--min-bits", "128").Exit);
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

    [Fact]
    public void Prove_and_verify_an_elf_execution()
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        string proof = Path.Combine(_dir, "hello.bin");
        var (exit, output, error) = Run("prove", "--elf", elf, "--config", "development", "--log-shard-size", "10", "--out", proof, "--json");
        Assert.True(exit == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var r = doc.RootElement;
            Assert.True(r.GetProperty("verified").GetBoolean());
            Assert.Equal(0, r.GetProperty("exit_code").GetInt32());
            Assert.Equal(Convert.ToHexStringLower("hello, zkvm\n"u8), r.GetProperty("output").GetString());
            Assert.True(r.GetProperty("proof_size").GetInt32() > 0);
            Assert.True(r.GetProperty("peak_memory_bytes").GetInt64() > 0);
        }
        // Development proofs are insecure: rejected by default, naming the level.
        var strict = Run("verify", proof, "--elf", elf, "--json");
        Assert.Equal(1, strict.Exit);
        using (var doc = System.Text.Json.JsonDocument.Parse(strict.Out))
        {
            Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
            Assert.Contains("insecure proof", doc.RootElement.GetProperty("error").GetString());
        }
        var verified = Run("verify", proof, "--elf", elf, "--allow-insecure");
        Assert.Equal(0, verified.Exit);
        Assert.Contains("valid execution proof", verified.Out);
        Assert.Contains("provable", verified.Out);
        Assert.Contains("INSECURE", verified.Out);
        // Against the embedded Ethereum guest (another program) it is rejected.
        var other = Run("verify", proof, "--allow-insecure");
        Assert.Equal(1, other.Exit);
        Assert.Contains("another program", other.Out + other.Err);
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length - 100] ^= 0x04;
        File.WriteAllBytes(proof, bytes);
        Assert.Equal(1, Run("verify", proof, "--elf", elf, "--allow-insecure").Exit);
    }

    [Fact]
    public void Serve_reports_bad_arguments_before_listening()
    {
        Assert.Equal(2, Run("serve", "--log-shard-size", "3").Exit);
        Assert.Equal(2, Run("serve", "--proof-type", "Not A Name").Exit);
        Assert.Equal(2, Run("serve", "--urls", "http://127.0.0.1:0", "--el-rpc", "http://127.0.0.1:1", "--chain-config", Path.Combine(_dir, "missing.json")).Exit);
    }

    [Fact]
    public void Prove_reports_bad_arguments()
    {
        Assert.Equal(2, Run("prove", "--elf", Path.Combine(_dir, "missing.elf"), "--out", Path.Combine(_dir, "p.bin")).Exit);
        Assert.Equal(2, Run("prove", "--log-shard-size", "3", "--out", Path.Combine(_dir, "p.bin")).Exit);
        string notElf = Path.Combine(_dir, "not.elf");
        File.WriteAllText(notElf, "not an elf");
        Assert.Equal(2, Run("prove", "--elf", notElf, "--out", Path.Combine(_dir, "p.bin")).Exit);
        Assert.Equal(2, Run("prove", "--memory-budget", "-1", "--out", Path.Combine(_dir, "p.bin")).Exit);
    }

    [Fact]
    public void Prove_without_a_shard_size_plans_one_from_the_memory_budget()
    {
        // No --log-shard-size: the library probes the execution and takes the largest shard that fits the budget.
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        string proof = Path.Combine(_dir, "auto.bin");
        var (exit, output, error) = Run("prove", "--elf", elf, "--config", "development", "--memory-budget", "2", "--out", proof, "--json");
        Assert.True(exit == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(0, Run("verify", proof, "--elf", elf, "--allow-insecure").Exit);
    }

    [Fact]
    public void Prove_reports_a_budget_no_shard_size_fits_as_an_error_not_a_crash()
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        var (exit, _, error) = Run("prove", "--elf", elf, "--config", "development", "--memory-budget", "0.001", "--out", Path.Combine(_dir, "tiny.bin"));
        Assert.Equal(1, exit);
        Assert.Contains("error: proving", error, StringComparison.Ordinal);
        Assert.Contains("--log-shard-size", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "tiny.bin")));
    }

    [Fact]
    public void Bench_blocks_writes_the_reports_of_the_embedded_block()
    {
        string input = Path.Combine(_dir, "example.ssz");
        File.WriteAllBytes(input, Prover.Witness.Guest.EthereumGuest.DefaultInput());
        string output = Path.Combine(_dir, "report");
        var (exit, text, _) = Run("bench", "blocks", input, "--out", output);
        Assert.Equal(0, exit);
        Assert.Contains("example: valid", text);
        Assert.Contains("realtime:", text);
        foreach (var file in new[] { "example.json", "summary.csv", "summary.md", "cycles_per_gas.png", "cycle_split_by_region.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Equal(2, Run("bench", "blocks", Path.Combine(_dir, "missing-folder"), "--out", output, "--log-shard-size", "3").Exit);
        Assert.Equal(1, Run("bench", "blocks", Path.Combine(_dir, "missing.ssz"), "--out", output).Exit); // reported as a crashed block
    }

    [SharedFact]
    public void Fetch_from_a_replay_node_writes_a_file_that_converts()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/prague_witness/test_worst_modexp-mod_pawel_2.json")));
        var bw = doc.RootElement.GetProperty("block_and_witness");
        var block = new System.Text.Json.Nodes.JsonObject();
        foreach (var part in new[] { "header", "body" })
            foreach (var field in bw.GetProperty("block").GetProperty(part).EnumerateObject())
                block[field.Name] = ReplayRpcServer.Json(field.Value);
        using var server = new ReplayRpcServer(new()
        {
            ["eth_getBlockByNumber"] = block,
            ["debug_executionWitness"] = ReplayRpcServer.Json(bw.GetProperty("witness")),
            ["eth_chainId"] = "0x1",
            ["debug_chainConfig"] = ReplayRpcServer.Json(bw.GetProperty("chain_config")),
        });
        string fetched = Path.Combine(_dir, "fetched");
        var (exit, text, err) = Run("fetch", "--rpc", server.Endpoint.ToString(), "--block", "latest", "--out", fetched);
        Assert.True(exit == 0, err);
        Assert.Contains("block 1 (chain 1)", text);
        var converted = Run("convert", Path.Combine(fetched, "block-1.json"), "--out", Path.Combine(_dir, "converted"));
        Assert.True(converted.Exit == 0, converted.Err);
        Assert.Contains("1 inputs written", converted.Out);
        Assert.Equal(1, Run("fetch", "--rpc", "http://127.0.0.1:9/", "--block", "1", "--out", fetched, "--timeout", "5").Exit);
    }
}
