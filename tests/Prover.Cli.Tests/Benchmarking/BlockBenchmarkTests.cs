using System.Text.Json;
using Prover.Benchmarking;
using Prover.Witness.Guest;

namespace Prover.Cli.Tests.Benchmarking;

/// <summary>The block benchmark end to end on the embedded example block, and its summary's arithmetic.</summary>
public sealed class BlockBenchmarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prover-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly HardwareInfo Machine = new("test CPU", 2, 24, 256, [], "test OS");

    [Fact]
    public void Executes_a_block_and_writes_json_csv_markdown_and_png()
    {
        string input = Path.Combine(_dir, "in");
        Directory.CreateDirectory(input);
        File.WriteAllBytes(Path.Combine(input, "example.ssz"), EthereumGuest.DefaultInput());
        File.WriteAllText(Path.Combine(input, "example.json"), "{\"block_number\": 1}"); // a convert sidecar: not an input
        File.WriteAllText(Path.Combine(input, "broken.json"), "{\"neither\": 1}");        // a bad input: reported, not thrown
        var jobs = BenchmarkInputs.Expand([input]);
        Assert.Equal(["broken", "example"], jobs.Select(j => j.Name));
        Assert.NotNull(jobs[0].LoadError);

        using var meter = new EnergyMeter(null, "RAPL absent: test", null, "NVML absent: test");
        var runner = new BlockBenchmarkRunner(new BenchmarkOptions(), meter);
        var reports = jobs.Select(j => runner.Run(j)).ToList();
        Assert.NotNull(reports[0].ExecutionError);
        var ok = reports[1];
        Assert.Null(ok.ExecutionError);
        Assert.True(ok.SuccessfulValidation);
        Assert.True(ok.Cycles > 100_000);
        Assert.True(ok.GasUsed == 0 || ok.CyclesPerGas > 0);
        // the guest's own figures, not a copy: the same run through the guest directly
        Assert.Equal(EthereumGuest.Execute(EthereumGuest.DefaultInput()).Result.Cycles, ok.Cycles);

        string output = Path.Combine(_dir, "out");
        var files = BenchmarkReportWriter.WriteAll(output, reports, Machine, meter, "test");
        Assert.Contains(files, f => f.EndsWith("summary.csv", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("summary.md", StringComparison.Ordinal));
        var pngs = files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, pngs.Count); // cycles per gas and the region split; proving plots need --prove
        foreach (var png in pngs)
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"{png}: only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "example.json")));
        var root = doc.RootElement;
        Assert.Equal("example", root.GetProperty("name").GetString());
        Assert.Equal((long)ok.GasUsed, root.GetProperty("metadata").GetProperty("block_used_gas").GetInt64());
        var success = root.GetProperty("execution").GetProperty("success");
        Assert.Equal(ok.Cycles, success.GetProperty("total_num_cycles").GetInt64());
        Assert.Equal(ok.RegionCycles.Count, success.GetProperty("region_cycles").EnumerateObject().Count());
        Assert.True(success.GetProperty("execution_duration").TryGetProperty("nanos", out _));
        Assert.Equal("test CPU", root.GetProperty("hardware").GetProperty("cpu_model").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("energy").GetProperty("execution").GetProperty("joules").ValueKind);
        Assert.Equal("NVML absent: test", root.GetProperty("energy").GetProperty("gpu_absent").GetString());
        Assert.False(root.TryGetProperty("proving", out _));

        using var crashed = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "broken.json")));
        Assert.False(string.IsNullOrEmpty(crashed.RootElement.GetProperty("execution").GetProperty("crashed").GetProperty("reason").GetString()));

        var csv = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Equal(3, csv.Length);
        Assert.Equal(string.Join(',', BenchmarkSummary.CsvColumns), csv[0]);
        var md = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Contains("test CPU, 2 cores", md);
        Assert.Contains("proving throughput not measured", md);
    }

    [Fact]
    public void Realtime_verdict_compares_the_reached_rate_with_the_largest_block()
    {
        var energy = new EnergyReading(100.0, null, 50);
        var proving = new ProvingFigures("development", 50_000, 1 << 20, 500, true, true, 1, 2, 60, 115, 3, [("commit", 20_000.0), ("open", 30_000.0)], energy);
        BlockReport Block(string name, long cycles, ProvingFigures? p) => new(name, "x", DateTimeOffset.UnixEpoch, 1, 1_000_000, true, true, 0, cycles,
            new Dictionary<string, long> { ["block_hash"] = cycles / 10 }, 10, null, null, p, null);
        var reports = new[] { Block("small", 1_000_000, proving), Block("large", 40_000_000, null) };
        var summary = new BenchmarkSummary(reports, Machine, null);
        Assert.Equal(20_000.0, summary.ProvingCyclesPerSecond!.Value, 6);      // 1 M cycles in 50 s
        Assert.Equal(4_000_000.0, summary.RequiredCyclesPerSecond, 6);         // 40 M cycles in 10 s
        Assert.Equal(100.0, summary.JoulesPerMillionCycles(proving: true)!.Value, 6);
        Assert.Null(summary.JoulesPerMillionCycles(proving: false));
        Assert.Contains("200.0x short", summary.Verdict());
        Assert.Equal(0.9 * 40_000_000, reports[1].UnattributedCycles);
        Assert.Equal(40.0, reports[1].CyclesPerGas!.Value, 9);
    }

    [Fact]
    public void Plot_labels_are_short()
    {
        Assert.Equal("modexp-mod_256_exp_2", BenchmarkPlots.Label("test_worst_modexp-mod_256_exp_2", 0));
        Assert.True(BenchmarkPlots.Label(new string('x', 100), 3).Length <= 28);
    }
}
