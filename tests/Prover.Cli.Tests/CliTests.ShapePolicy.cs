using System.Text.Json;

namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    [Fact]
    public void Shapes_and_prove_take_the_budget_shape_policy()
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "bigmul.elf");
        var (exit, output, error) = Run("shapes", "--elf", elf, "--log-shard-size", "16", "--shape-policy", "budget");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("budget", doc.RootElement.GetProperty("shape_policy").GetString());
        var chips = doc.RootElement.GetProperty("chips").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        var shards = doc.RootElement.GetProperty("sizes")[0].GetProperty("shards").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(h => h.GetInt32()).ToArray()).ToList();
        Assert.True(shards.Count > 2);
        // Every CPU shard but the last: one shape, the budget's (CPU 2^16, DivRem 2^12, the byte table 2^16). The memory
        // boundary and the input commitment are in chunk shards of their own, before the last shard (no CPU table: −1).
        var cpuShards = shards.Where(s => s[chips.IndexOf("Cpu")] >= 0).ToList();
        Assert.True(cpuShards.Count > 2);
        Assert.All(cpuShards.SkipLast(1), s => Assert.Equal(shards[0], s));
        Assert.Equal(shards[^1], cpuShards[^1]);
        Assert.Contains(shards, s => s[chips.IndexOf("MemoryInitChunk")] >= 10 && s[chips.IndexOf("Cpu")] < 0);
        Assert.Equal(16, shards[0][chips.IndexOf("Cpu")]);
        Assert.Equal(12, shards[0][chips.IndexOf("DivRem")]);
        Assert.Equal(16, shards[0][chips.IndexOf("Bytes")]);

        var (bad, _, badError) = Run("shapes", "--elf", elf, "--log-shard-size", "16", "--shape-policy", "tiny");
        Assert.NotEqual(0, bad);
        Assert.Contains("tiny", badError);

        // On a cluster (the in-process one) the budget-shaped proof is the in-process proof's bytes.
        string misaligned = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "misaligned.elf");
        string proof = Path.Combine(Path.GetTempPath(), $"budget-{Guid.NewGuid():N}.bin");
        string clustered = Path.Combine(Path.GetTempPath(), $"budget-cluster-{Guid.NewGuid():N}.bin");
        try
        {
            var direct = Run("prove", "--elf", misaligned, "--config", "development", "--log-shard-size", "10", "--shape-policy", "budget", "--out", proof);
            Assert.True(direct.Exit == 0, direct.Err);
            var cluster = Run("prove", "--elf", misaligned, "--config", "development", "--log-shard-size", "10", "--shape-policy", "budget", "--cluster", "local",
                "--out", clustered);
            Assert.True(cluster.Exit == 0, cluster.Err);
            Assert.Equal(File.ReadAllBytes(proof), File.ReadAllBytes(clustered));
            // Budget-shaped shards aggregate (the leaves take every shard kind) and the aggregated file verifies.
            var aggregated = Run("prove", "--elf", misaligned, "--config", "development", "--log-shard-size", "10", "--shape-policy", "budget", "--stage", "aggregated", "--out", proof);
            Assert.True(aggregated.Exit == 0, aggregated.Err);
            var verified = Run("verify", proof, "--elf", misaligned, "--allow-insecure");
            Assert.True(verified.Exit == 0, verified.Err + verified.Out);
            Assert.Contains("valid aggregated", verified.Out);
        }
        finally
        {
            File.Delete(proof);
            File.Delete(clustered);
        }
    }

    [Fact]
    public void Prove_on_the_local_cluster_under_the_budget_policy_with_accelerator_calls_gives_the_direct_bytes()
    {
        // keccak.elf's Keccak-f calls become an accelerator shard, proved on the cluster from an accelerator shard job
        // (docs/design.md, "Distributed proving"): the file is the in-process file, and it verifies.
        string keccak = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "keccak.elf");
        string input = Path.Combine(Path.GetTempPath(), $"keccak-input-{Guid.NewGuid():N}.bin");
        string proof = Path.Combine(Path.GetTempPath(), $"budget-keccak-{Guid.NewGuid():N}.bin");
        string clustered = Path.Combine(Path.GetTempPath(), $"budget-keccak-cluster-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(input, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 13))]);
            string[] common = ["prove", "--elf", keccak, "--input", input, "--config", "development", "--log-shard-size", "10", "--shape-policy", "budget"];
            var direct = Run([.. common, "--out", proof]);
            Assert.True(direct.Exit == 0, direct.Err);
            var cluster = Run([.. common, "--cluster", "local", "--out", clustered]);
            Assert.True(cluster.Exit == 0, cluster.Err);
            Assert.Equal(File.ReadAllBytes(proof), File.ReadAllBytes(clustered));
            var verified = Run("verify", clustered, "--elf", keccak, "--input", input, "--allow-insecure");
            Assert.True(verified.Exit == 0, verified.Err + verified.Out);
        }
        finally
        {
            File.Delete(input);
            File.Delete(proof);
            File.Delete(clustered);
        }
    }
}
