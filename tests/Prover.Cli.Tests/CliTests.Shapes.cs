using System.Text.Json;

namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    [Fact]
    public void Shapes_prints_every_shards_chip_set_and_heights_at_each_shard_size()
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "bigmul.elf");
        var (exit, output, error) = Run("shapes", "--elf", elf, "--log-shard-size", "16", "18");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var chips = doc.RootElement.GetProperty("chips").EnumerateArray().ToList();
        int cpu = chips.FindIndex(c => c.GetProperty("name").GetString() == "Cpu");
        int memoryInit = chips.FindIndex(c => c.GetProperty("name").GetString() == "MemoryInit");
        Assert.True(cpu >= 0 && memoryInit >= 0);
        Assert.True(chips[cpu].GetProperty("width").GetInt32() > 0);
        var sizes = doc.RootElement.GetProperty("sizes").EnumerateArray().ToList();
        Assert.Equal([16, 18], sizes.Select(s => s.GetProperty("log_shard_size").GetInt32()));
        long cycles = sizes[0].GetProperty("cycles").GetInt64();
        Assert.Equal(cycles, sizes[1].GetProperty("cycles").GetInt64());
        foreach (var size in sizes)
        {
            int k = size.GetProperty("log_shard_size").GetInt32();
            var shards = size.GetProperty("shards").EnumerateArray().Select(s => s.EnumerateArray().Select(h => h.GetInt32()).ToArray()).ToList();
            // Shards of 2^k cycles: all full but the last, whose CPU table is its cycles rounded up to a power of two.
            Assert.Equal((cycles + (1L << k) - 1) >> k, shards.Count);
            Assert.True(shards.Count > 1, "bigmul runs in several shards at these sizes");
            Assert.All(shards, s => Assert.Equal(chips.Count, s.Length));
            Assert.All(shards.SkipLast(1), s => Assert.Equal(k, s[cpu]));
            long rest = cycles - ((long)(shards.Count - 1) << k);
            Assert.Equal(Math.Max(1, (int)Math.Ceiling(Math.Log2(rest))), shards[^1][cpu]);
            // The memory boundary is the last shard's only.
            Assert.All(shards.SkipLast(1), s => Assert.Equal(-1, s[memoryInit]));
            Assert.True(shards[^1][memoryInit] > 0);
        }
        var (bad, _, badError) = Run("shapes", "--elf", elf, "--log-shard-size", "9");
        Assert.Equal(2, bad);
        Assert.Contains("between 10 and 24", badError);
    }
}
