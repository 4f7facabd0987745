using System.CommandLine;
using Prover.Benchmarking;
using Prover.Core.Stark;
using Spectre.Console;

namespace Prover.Cli;

/// <summary>
/// <c>prover bench blocks &lt;inputs…&gt; --out dir/ [--prove]</c>: executes (and proves and verifies) each
/// block and writes the per-block JSON, summary CSV/Markdown and plots (Prover.Benchmarking does the work).
/// </summary>
internal static class BenchBlocksCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "block inputs: .ssz, fixture/witness JSON (.json or .json.gz), or folders of them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out") { Description = "report folder (created if absent)", Required = true };
        var prove = new Option<bool>("--prove") { Description = "also prove and verify each block (minutes and GBs per block)" };
        var config = new Option<string>("--config") { Description = "proof configuration with --prove: development, provable-100 or provable-128", DefaultValueFactory = _ => "development" };
        config.AcceptOnlyFromAmong([.. StarkConfig.Presets.Select(p => p.Name)]);
        var shard = new Option<int>("--log-shard-size") { Description = "log2 of the cycles per shard with --prove (10..22)", DefaultValueFactory = _ => 20 };
        var command = new Command("blocks", "benchmark Ethereum blocks: per-block JSON (zkevm-benchmark-workload fields), summary CSV/Markdown, PNG plots, energy, realtime verdict")
        {
            inputs, output, prove, config, shard,
        };
        command.SetAction(parse =>
        {
            int logShard = parse.GetValue(shard);
            if (logShard is < 10 or > 22)
            {
                Console.Error.WriteLine("error: --log-shard-size must be between 10 and 22");
                return 2;
            }
            var options = new BenchmarkOptions { Prove = parse.GetValue(prove), Config = parse.GetValue(config)!, ShardSize = 1L << logShard };
            return Run(parse.GetValue(inputs)!, parse.GetValue(output)!, options, "prover " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
        });
        return command;
    }

    private static int Run(string[] inputs, DirectoryInfo output, BenchmarkOptions options, string commandLine)
    {
        var jobs = BenchmarkInputs.Expand(inputs);
        if (jobs.Count == 0)
        {
            Console.Error.WriteLine("error: no block inputs found");
            return 2;
        }
        using var meter = EnergyMeter.Open();
        var hardware = HardwareInfo.Detect(meter.Gpus);
        var runner = new BlockBenchmarkRunner(options, meter);
        var reports = new List<BlockReport>();
        if (Console.IsOutputRedirected)
        {
            foreach (var job in jobs)
            {
                reports.Add(runner.Run(job));
                Console.WriteLine(Line(reports[^1]));
            }
        }
        else
        {
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var overall = ctx.AddTask($"{jobs.Count} blocks", maxValue: jobs.Count);
                    var current = ctx.AddTask("", maxValue: 1.0);
                    foreach (var job in jobs)
                    {
                        string label = Markup.Escape(job.Name.Length > 40 ? job.Name[..40] + "…" : job.Name);
                        reports.Add(runner.Run(job, (stage, fraction) =>
                        {
                            current.Description = $"{label}: {Markup.Escape(stage.Trim())}";
                            current.Value = fraction;
                        }));
                        overall.Increment(1);
                    }
                    current.Value = 1.0;
                });
            foreach (var r in reports)
                Console.WriteLine(Line(r));
        }
        List<string> written;
        try
        {
            written = BenchmarkReportWriter.WriteAll(output.FullName, reports, hardware, meter, commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        var summary = new BenchmarkSummary(reports, hardware, meter);
        Console.WriteLine($"hardware: {hardware.Describe()}");
        Console.WriteLine($"energy: CPU {meter.CpuAbsentReason ?? "RAPL"}; GPU {meter.GpuAbsentReason ?? "NVML"}");
        Console.WriteLine(summary.Verdict());
        Console.WriteLine($"{written.Count} files written to {output.FullName}");
        bool ok = reports.All(r => r.ExecutionError is null && r.OutputMatched != false && r.ProvingError is null);
        return ok ? 0 : 1;
    }

    private static string Line(BlockReport r)
    {
        string state = r.ExecutionError ?? (r.SuccessfulValidation == true ? "valid" : "invalid") + (r.OutputMatched == false ? " (NOT as expected)" : "");
        string proof = r.Proving is { } p ? $", proved in {p.ProvingMs / 1e3:F1} s, {p.ProofSize / 1024.0:F0} KiB, verified {p.Verified}" : r.ProvingError is { } pe ? $", {pe}" : "";
        return $"{r.Name}: {state}, {r.Cycles:N0} cycles, {r.GasUsed:N0} gas{(r.CyclesPerGas is { } c ? $", {c:F1} cycles/gas" : "")}{proof}";
    }
}
