using System.Text.Json;
using Prover.Core.Stark;

namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    private static string HelloElf => Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");

    /// <summary>hello.elf proved under the development preset (one shard) with <paramref name="input"/>: a block's execution proof file.</summary>
    private string ProveHello(string name, string input)
    {
        string inputFile = Path.Combine(_dir, name + ".in"), proof = Path.Combine(_dir, name + ".bin");
        File.WriteAllText(inputFile, input);
        var (exit, _, error) = Run("prove", "--elf", HelloElf, "--input", inputFile, "--config", "development", "--out", proof);
        Assert.True(exit == 0, error);
        return proof;
    }

    [Fact]
    public void Aggregate_of_several_files_refuses_missing_files_mixed_configurations_and_other_kinds()
    {
        // Epochs themselves are proved and attacked in ZkvmEpochTests; here the command's errors: exit code 2, a clear
        // message, no file written.
        string a = ProveHello("a", "ab");
        string epoch = Path.Combine(_dir, "epoch.bin");
        var (exit, _, error) = Run("aggregate", a, Path.Combine(_dir, "missing.bin"), "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error);
        (exit, _, error) = Run("aggregate", "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("give the proof file", error);
        // The same execution proof labelled provable-100: an epoch is under one configuration.
        string relabelled = Path.Combine(_dir, "relabelled.bin");
        File.WriteAllBytes(relabelled, new ProofEnvelope("zkvm", StarkConfig.Provable100.Name, ProofEnvelope.Parse(File.ReadAllBytes(a)).Proof).ToBytes());
        (exit, _, error) = Run("aggregate", a, relabelled, "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("mixed configurations", error);
        // A demo proof and junk among the blocks.
        string demo = Path.Combine(_dir, "fib.bin");
        Assert.Equal(0, Run("demo", "fibonacci", "--log-rows", "4", "--config", "development", "--out", demo).Exit);
        (exit, _, error) = Run("aggregate", a, demo, "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("block 1: not an execution or aggregated proof", error);
        string junk = Path.Combine(_dir, "junk.bin");
        File.WriteAllBytes(junk, [1, 2, 3]);
        (exit, _, error) = Run("aggregate", junk, a, "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("block 0: not a proof file", error);
        // Another guest's execution among the blocks.
        string misalignedElf = Path.Combine(Path.GetDirectoryName(HelloElf)!, "misaligned.elf");
        string other = Path.Combine(_dir, "other.bin");
        Assert.Equal(0, Run("prove", "--elf", misalignedElf, "--config", "development", "--out", other).Exit);
        (exit, _, error) = Run("aggregate", a, other, "--out", epoch, "--elf", HelloElf);
        Assert.Equal(2, exit);
        Assert.Contains("one guest program", error);
        Assert.False(File.Exists(epoch));
    }

    [ProveBlocksFact]
    public void Aggregate_and_verify_an_epoch_of_two_executions()
    {
        string a = ProveHello("a", "ab"), b = ProveHello("b", "cd");
        // Today's single-execution form still works, and its aggregated file can be a block of an epoch.
        string aggregated = Path.Combine(_dir, "a.agg");
        var (exit, output, error) = Run("aggregate", "--proof", a, "--out", aggregated, "--elf", HelloElf, "--json");
        Assert.True(exit == 0, error);
        using (var doc = JsonDocument.Parse(output))
            Assert.Equal(1, doc.RootElement.GetProperty("shards").GetInt32());
        string epoch = Path.Combine(_dir, "epoch.bin");
        (exit, output, error) = Run("aggregate", aggregated, b, "--out", epoch, "--elf", HelloElf, "--json");
        Assert.True(exit == 0, error + output);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("blocks").GetInt32());
            Assert.Equal(new FileInfo(epoch).Length, doc.RootElement.GetProperty("proof_size").GetInt32());
            Assert.Equal(["block 1: leaf 0", "block 1: lift", "epoch node"], doc.RootElement.GetProperty("proofs").EnumerateArray().Select(p => p.GetProperty("layer").GetString()));
        }

        var verified = Run("verify", epoch, "--elf", HelloElf, "--allow-insecure", "--json", "--runs", "3");
        Assert.True(verified.Exit == 0, verified.Err + verified.Out);
        using (var doc = JsonDocument.Parse(verified.Out))
        {
            var r = doc.RootElement;
            Assert.True(r.GetProperty("valid").GetBoolean());
            Assert.Equal("zkvm-epoch", r.GetProperty("statement").GetString());
            Assert.Equal(new FileInfo(epoch).Length, r.GetProperty("proof_size").GetInt32());
            Assert.True(r.GetProperty("provable_bits").GetInt32() > 0);
            Assert.True(r.GetProperty("conjectured_bits").GetInt32() >= r.GetProperty("provable_bits").GetInt32());
            Assert.True(r.GetProperty("verification_time_ms").GetDouble() > 0);
            var blocks = r.GetProperty("blocks").EnumerateArray().ToArray();
            Assert.Equal([Convert.ToHexStringLower("hello, zkvm\nab"u8), Convert.ToHexStringLower("hello, zkvm\ncd"u8)], blocks.Select(x => x.GetProperty("output").GetString()));
            Assert.All(blocks, x => Assert.Equal(0, x.GetProperty("exit_code").GetInt32()));
            Assert.All(blocks, x => Assert.Equal(2, x.GetProperty("input_size").GetInt32()));
        }
        var text = Run("verify", epoch, "--elf", HelloElf, "--allow-insecure", "--runs", "2");
        Assert.True(text.Exit == 0, text.Err);
        Assert.Contains("valid epoch proof (development) of 2 blocks", text.Out);
        Assert.Contains("block 1:", text.Out);
        // --input names one execution's input: refused for an epoch.
        Assert.Equal(2, Run("verify", epoch, "--elf", HelloElf, "--allow-insecure", "--input", Path.Combine(_dir, "a.in")).Exit);
        // The epoch against another guest: rejected.
        var wrong = Run("verify", epoch, "--elf", Path.Combine(Path.GetDirectoryName(HelloElf)!, "misaligned.elf"), "--allow-insecure", "--runs", "1");
        Assert.Equal(1, wrong.Exit);
        Assert.Contains("another program", wrong.Out);

        // --final: the final proof over the epoch root.
        string final = Path.Combine(_dir, "epoch-final.bin");
        (exit, _, error) = Run("aggregate", a, b, "--out", final, "--elf", HelloElf, "--final");
        Assert.True(exit == 0, error);
        var verifiedFinal = Run("verify", final, "--elf", HelloElf, "--allow-insecure", "--json", "--runs", "2");
        Assert.True(verifiedFinal.Exit == 0, verifiedFinal.Err + verifiedFinal.Out);
        using (var doc = JsonDocument.Parse(verifiedFinal.Out))
            Assert.Equal("zkvm-epoch-final", doc.RootElement.GetProperty("statement").GetString());
    }
}
