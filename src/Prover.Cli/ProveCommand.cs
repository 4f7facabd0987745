using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;
using Spectre.Console;

namespace Prover.Cli;

/// <summary>
/// <c>prover prove [input.ssz] --out proof.bin</c>: proves the embedded Ethereum guest on a block input (the
/// embedded example without one), or <c>--elf guest.elf --input file</c> for any guest; reports cycles,
/// proving time, proof size, verification time, peak memory and security (TARGETS.md fields).
/// </summary>
internal static class ProveCommand
{
    public static Command Create()
    {
        var source = new Argument<FileInfo?>("input")
        {
            Description = "canonical StatelessInput (.ssz) for the embedded Ethereum guest; default: the embedded example block",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF to prove instead of the embedded Ethereum guest" };
        var input = new Option<FileInfo?>("--input") { Description = "file preloaded as the guest's input" };
        var output = new Option<FileInfo>("--out") { Description = "where to write the proof", Required = true };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. StarkConfig.Presets.Select(p => p.Name)]);
        var shard = new Option<int?>("--log-shard-size") { Description = "log2 of the cycles per shard (10..22); default: the largest that fits the memory budget" };
        var budget = new Option<double?>("--memory-budget")
        {
            Description = "GiB the automatic shard size may plan for; default: 3/4 of the memory available to the process",
        };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var backendOption = BackendChoice.Option("cpu");
        var command = new Command("prove", "prove a guest execution: the embedded Ethereum block validator on a block input, or any ELF")
        {
            source, elf, input, output, config, shard, budget, json, backendOption,
        };
        command.SetAction(parse =>
        {
            int? logShard = parse.GetValue(shard);
            if (logShard is < 10 or > 22)
            {
                Console.Error.WriteLine("error: --log-shard-size must be between 10 and 22");
                return 2;
            }
            double? budgetGiB = parse.GetValue(budget);
            if (budgetGiB is { } g && (!double.IsFinite(g) || g <= 0 || g > 1 << 20))
            {
                Console.Error.WriteLine("error: --memory-budget must be a positive number of GiB");
                return 2;
            }
            long? shardSize = logShard is { } ls ? 1L << ls : null;
            long? budgetBytes = budgetGiB is { } gib ? (long)(gib * (1L << 30)) : null;
            bool asJson = parse.GetValue(json);
            ZkvmProgram program;
            byte[] data;
            var elfFile = parse.GetValue(elf);
            try
            {
                var inputFile = parse.GetValue(input) ?? parse.GetValue(source);
                program = elfFile is null ? new ZkvmProgram(EthereumGuest.Program) : ZkvmProgram.FromElf(File.ReadAllBytes(elfFile.FullName));
                data = inputFile is null ? (elfFile is null ? EthereumGuest.DefaultInput() : []) : File.ReadAllBytes(inputFile.FullName);
            }
            catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            var backend = BackendChoice.Create(parse.GetValue(backendOption), out _);
            var sw = Stopwatch.StartNew();
            (byte[] File, ZkvmProofReport Report) proved;
            try
            {
                proved = asJson || Console.IsOutputRedirected
                    ? ZkvmProofs.Prove(program, data, parse.GetValue(config)!, shardSize, backend, memoryBudgetBytes: budgetBytes)
                    : ProveWithProgress(program, data, parse.GetValue(config)!, shardSize, budgetBytes, backend);
            }
            catch (MachineException e)
            {
                Console.Error.WriteLine("error: guest fault: " + e.Message);
                return 2;
            }
            catch (InsufficientMemoryException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            finally
            {
                (backend as IDisposable)?.Dispose();
            }
            double proveMs = sw.Elapsed.TotalMilliseconds;
            var (file, report) = proved;
            File.WriteAllBytes(parse.GetValue(output)!.FullName, file);
            // The self-check demands what the chosen configuration promises (development: insecure, and reported so).
            var check = ZkvmProofs.Verify(program, file, data, VerificationPolicy.Of(DemoProofs.ConfigByName(report.Config)));
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;
            var validation = elfFile is null && check.Result.Output is { } outBytes ? Decode(outBytes) : null;
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["program"] = Convert.ToHexStringLower(program.Digest),
                    ["config"] = report.Config,
                    ["backend"] = backend.Name,
                    ["total_num_cycles"] = report.Cycles,
                    ["shards"] = report.Shards,
                    ["log_shard_size"] = report.LogShardSize,
                    ["memory_budget_bytes"] = report.Memory?.Budget,
                    ["memory_estimate_bytes"] = report.Memory?.Estimate,
                    ["exit_code"] = check.Result.ExitCode,
                    ["output"] = Convert.ToHexStringLower(check.Result.Output ?? []),
                    ["successful_validation"] = validation?.SuccessfulValidation,
                    ["proving_time_ms"] = Math.Round(proveMs, 1),
                    ["cycles_per_second"] = Math.Round(report.Cycles / Math.Max(proveMs / 1e3, 1e-9)),
                    ["proof_size"] = file.Length,
                    ["verification_time_ms"] = Math.Round(check.VerificationMilliseconds, 2),
                    ["verified"] = check.Result.IsValid,
                    ["peak_memory_bytes"] = peak,
                    ["provable_bits"] = Math.Round(report.ProvableBits, 1),
                    ["conjectured_bits"] = Math.Round(report.ConjecturedBits, 1),
                    ["bus_load"] = Math.Round(report.BusLoad.Share, 4),
                    ["bus_load_bus"] = report.BusLoad.Bus,
                    ["phases_ms"] = report.Timings.ToDictionary(p => p.Phase.Trim(), p => Math.Round(p.Milliseconds, 1)),
                }));
            }
            else
            {
                Console.WriteLine($"program       {Convert.ToHexStringLower(program.Digest)}");
                Console.WriteLine($"cycles        {report.Cycles:N0} in {report.Shards} shard(s) of 2^{report.LogShardSize}, exit code {check.Result.ExitCode}");
                if (report.Memory is { } plan)
                    Console.WriteLine($"shard size    from the memory budget {plan.Budget / (1024.0 * 1024 * 1024):F1} GiB (modelled peak {plan.Estimate / (1024.0 * 1024 * 1024):F1} GiB)");
                Console.WriteLine($"output        {Convert.ToHexStringLower(check.Result.Output ?? [])}");
                if (validation is not null)
                    Console.WriteLine($"block valid   {validation.SuccessfulValidation}");
                Console.WriteLine($"proved        {proveMs / 1e3:F2} s ({report.Cycles / Math.Max(proveMs / 1e3, 1e-9):N0} cycles/s), config {report.Config}, backend {backend.Name}");
                Console.WriteLine($"proof         {file.Length:N0} bytes ({file.Length / 1024.0:F1} KiB)");
                Console.WriteLine($"verified      {check.Result.IsValid} in {check.VerificationMilliseconds:F1} ms{(check.Result.Error is { } err ? ": " + err : "")}");
                Console.WriteLine($"security      {report.ProvableBits:F1} provable bits (weakest shard), {report.ConjecturedBits:F1} conjectured (ethSTARK conjecture)");
                Console.WriteLine($"bus load      {report.BusLoad.Share:P1} of p on bus {report.BusLoad.Bus} (an execution is refused at 100%: docs/zkvm.md)");
                Console.WriteLine($"peak memory   {peak / (1024.0 * 1024 * 1024):F2} GiB");
                foreach (var (phase, ms) in report.Timings)
                    Console.WriteLine($"  {phase,-40} {ms,10:F1} ms");
            }
            return check.Result.IsValid ? 0 : 1;
        });
        return command;
    }

    private static StatelessValidationResult? Decode(byte[] output)
    {
        try
        {
            return StatelessValidationResult.Decode(output);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static (byte[], ZkvmProofReport) ProveWithProgress(ZkvmProgram program, byte[] input, string config, long? shardSize, long? budgetBytes,
        IProverBackend<KoalaBearParameters> backend)
    {
        (byte[], ZkvmProofReport) result = default;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("proving", maxValue: 1.0);
            result = ZkvmProofs.Prove(program, input, config, shardSize, backend, (phase, fraction) =>
            {
                task.Description = phase;
                task.Value = fraction;
            }, budgetBytes);
            task.Value = 1.0;
        });
        return result;
    }
}
