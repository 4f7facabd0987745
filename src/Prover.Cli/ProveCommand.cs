using System.CommandLine;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Proving;
using Prover.Node;
using Prover.Witness.Guest;
using Spectre.Console;

namespace Prover.Cli;

/// <summary>
/// <c>prover prove [input.ssz] --out proof.bin</c>: proves the embedded Ethereum guest on a block input (the
/// embedded example without one), or <c>--elf guest.elf --input file</c> for any guest; reports cycles,
/// proving time, proof size, verification time, peak memory and security (TARGETS.md fields). A thin client of
/// <see cref="NodeProver"/>: it parses, calls the library and prints.
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
        var executionProof = new Option<FileInfo?>("--execution-proof") { Description = "also write the EIP-8025 ExecutionProof (SSZ) here; the block must be valid" };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. ProofConfiguration.All.Select(p => p.Name)]);
        var shard = new Option<int?>("--log-shard-size")
        {
            Description = "log2 of the cycles per shard (10..22); default: the largest shard whose modelled peak fits --memory-budget",
        };
        var memoryBudget = new Option<double?>("--memory-budget")
        {
            Description = "GiB the automatic shard size may plan for (default: 3/4 of the memory available to this process)",
        };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var stage = new Option<ProofStage>("--stage")
        {
            Description = "shards: one STARK per shard (default, fastest); aggregated: one root recursion proof; final: the final low-rate proof over it "
                + "(provable-100: ≈ 290 KB, minutes and ~15 GB more)",
            DefaultValueFactory = _ => ProofStage.Shards,
        };
        var maxCycles = new Option<long>("--max-cycles")
        {
            Description = "stop with an error after this many cycles (the traced execution is kept in memory until proved)",
            DefaultValueFactory = _ => Prover.Core.Zkvm.Proving.ZkvmProverOptions.DefaultMaxCycles,
        };
        var maxInput = FileLimits.MaxInputOption();
        var backendOption = BackendChoice.Option("cpu");
        var cluster = WorkerCommand.ClusterOption();
        var shapePolicy = ShapesCommand.ShapePolicyOption();
        var keyCache = KeyCacheOption.Directory();
        var keyCacheSecret = KeyCacheOption.Secret();
        var command = new Command("prove", "prove a guest execution: the embedded Ethereum block validator on a block input, or any ELF")
        {
            source, elf, input, output, executionProof, config, shard, memoryBudget, json, stage, backendOption, maxCycles, maxInput, cluster, shapePolicy, keyCache, keyCacheSecret,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(source), parse.GetValue(elf), parse.GetValue(input), parse.GetValue(output)!,
            parse.GetValue(executionProof), ProofConfiguration.FromName(parse.GetValue(config)!)!, parse.GetValue(shard), parse.GetValue(memoryBudget), parse.GetValue(json),
            parse.GetValue(stage),
            BackendChoice.Kind(parse.GetValue(backendOption)), new Limits(parse.GetValue(maxCycles), parse.GetValue(maxInput)), parse.GetValue(cluster),
            WorkerCommand.ExplicitBackend(parse, backendOption), parse.GetValue(shapePolicy), parse.GetValue(keyCache), parse.GetValue(keyCacheSecret), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? sourceFile, FileInfo? elfFile, FileInfo? inputFile, FileInfo outFile, FileInfo? executionProofFile,
        ProofConfiguration config, int? logShard, double? memoryBudgetGiB, bool asJson, ProofStage stage, ProverBackendKind backend, Limits limits, string? cluster, string? explicitBackend,
        ShardShapePolicy shapePolicy, DirectoryInfo? keyCacheDirectory, FileInfo? keyCacheSecret, CancellationToken ct)
    {
        if (logShard is < 10 or > 22)
        {
            Console.Error.WriteLine("error: --log-shard-size must be between 10 and 22");
            return 2;
        }
        if (memoryBudgetGiB is <= 0 or > 1 << 20)
        {
            Console.Error.WriteLine("error: --memory-budget must be a positive number of GiB");
            return 2;
        }
        ProverGuest guest;
        BlockInput block;
        try
        {
            var file = inputFile ?? sourceFile;
            guest = elfFile is null ? ProverGuest.Ethereum : ProverGuest.FromElf(elfFile.Name, File.ReadAllBytes(elfFile.FullName),
                _ => throw new FormatException("a custom guest's input names no payload root"), output => ProverGuest.TryDecodeValidation(output));
            _ = guest.Program; // parse the ELF now, so a bad one is an argument error
            block = file is null
                ? elfFile is null ? BlockInput.Example() : new BlockInput("empty input", [])
                : BlockInput.FromStatelessInput(FileLimits.Read(file, limits.MaxInputBytes, "--max-input-bytes"), file.Name);
        }
        catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(WorkerCommand.Logging);
        var (keyCache, keyCacheError) = KeyCacheOption.Open(keyCacheDirectory, keyCacheSecret);
        if (keyCacheError is not null)
        {
            Console.Error.WriteLine("error: " + keyCacheError);
            return 2;
        }
        Prover.Cluster.ClusterConnection? connection = null;
        if (cluster is not null)
        {
            try
            {
                connection = await Prover.Cluster.ClusterHosting.OpenAsync(cluster, WorkerCommand.CoordinatorSettings(cluster, explicitBackend), loggers, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: cannot join the cluster at {cluster}: {e.Message}");
                return 2;
            }
        }
        await using var clusterConnection = connection;
        using var prover = new NodeProver(new NodeProverOptions
        {
            Configuration = config,
            LogShardSize = logShard,
            ShapePolicy = shapePolicy,
            MemoryBudgetBytes = memoryBudgetGiB is { } gib ? (long)(gib * (1L << 30)) : null,
            Backend = backend,
            Guest = guest,
            MaxCycles = limits.MaxCycles,
            Stage = stage,
            KeyCache = keyCache,
        }, engine: connection?.Prover);
        if (backend is not (ProverBackendKind.Cpu or ProverBackendKind.Auto) && prover.BackendName == "cpu")
            Console.Error.WriteLine($"warning: no {backend} device: proving on the CPU");
        ProofOutcome outcome;
        try
        {
            outcome = asJson || Console.IsOutputRedirected
                ? await prover.ProveAsync(block, null, ct)
                : await ProveWithProgressAsync(prover, block, ct);
        }
        catch (MachineException e)
        {
            Console.Error.WriteLine("error: guest fault: " + e.Message);
            return 2;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (NotSupportedException e)
        {
            // A combination the prover does not support: an error line and exit 2, not a crash.
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (InsufficientMemoryException e)
        {
            // The automatic shard size found no size whose modelled peak fits the budget (ShardMemoryModel).
            Console.Error.WriteLine("error: " + e.Message + " (choose a shard size with --log-shard-size, or a budget with --memory-budget)");
            return 1;
        }
        await File.WriteAllBytesAsync(outFile.FullName, outcome.Proof, ct);
        var r = outcome.Report;
        if (executionProofFile is not null)
        {
            if (outcome.Validation is not { SuccessfulValidation: true })
            {
                Console.Error.WriteLine("error: the proof does not show a valid block: no EIP-8025 execution proof written");
                return 1;
            }
            await File.WriteAllBytesAsync(executionProofFile.FullName, prover.ToExecutionProof(outcome).Encode(prover.Options.ProofType.MaxProofSize), ct);
        }
        double seconds = Math.Max((r.ProvingTimeMs ?? 0) / 1e3, 1e-9);
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["program"] = Convert.ToHexStringLower(prover.ProgramDigest),
                ["config"] = r.Config,
                ["stage"] = stage.ToString().ToLowerInvariant(),
                ["backend"] = r.Backend,
                ["block_number"] = r.BlockNumber,
                ["gas_used"] = r.GasUsed,
                ["total_num_cycles"] = r.TotalNumCycles,
                ["shards"] = r.Shards,
                ["exit_code"] = r.ExitCode,
                ["output"] = Convert.ToHexStringLower(outcome.PublicValues),
                ["successful_validation"] = r.SuccessfulValidation,
                ["new_payload_request_root"] = r.NewPayloadRequestRoot,
                ["proving_time_ms"] = r.ProvingTimeMs,
                ["cycles_per_second"] = Math.Round(r.TotalNumCycles / seconds),
                ["proof_size"] = r.ProofSize,
                ["verification_time_ms"] = r.VerificationTimeMs,
                ["verified"] = r.Verified,
                ["peak_memory_bytes"] = r.PeakMemoryBytes,
                ["provable_bits"] = r.ProvableBits,
                ["conjectured_bits"] = r.ConjecturedBits,
                ["bus_load"] = r.BusLoad,
                ["phases_ms"] = r.PhasesMs,
                ["device"] = prover.DeviceCounters,
                ["hardware"] = r.Hardware,
            }));
        }
        else
        {
            Console.WriteLine($"program       {Convert.ToHexStringLower(prover.ProgramDigest)}");
            Console.WriteLine($"cycles        {r.TotalNumCycles:N0} in {r.Shards} shard(s), exit code {r.ExitCode}");
            Console.WriteLine($"output        {Convert.ToHexStringLower(outcome.PublicValues)}");
            if (r.SuccessfulValidation is { } valid)
                Console.WriteLine($"block valid   {valid} (new_payload_request_root {r.NewPayloadRequestRoot})");
            Console.WriteLine($"proved        {seconds:F2} s ({r.TotalNumCycles / seconds:N0} cycles/s), config {r.Config}, backend {r.Backend}");
            Console.WriteLine($"proof         {r.ProofSize:N0} bytes ({r.ProofSize / 1024.0:F1} KiB), stage {stage.ToString().ToLowerInvariant()}");
            Console.WriteLine($"verified      {r.Verified} in {r.VerificationTimeMs:F1} ms");
            Console.WriteLine($"security      {r.ProvableBits:F1} provable bits (weakest shard), {r.ConjecturedBits:F1} conjectured (ethSTARK conjecture)");
            Console.WriteLine($"bus load      {r.BusLoad:P1} of p on the fullest bus (an execution is refused at 100%: docs/zkvm.md)");
            Console.WriteLine($"peak memory   {r.PeakMemoryBytes / (1024.0 * 1024 * 1024):F2} GiB");
            foreach (var (phase, ms) in r.PhasesMs ?? new Dictionary<string, double>())
                Console.WriteLine($"  {phase,-40} {ms,10:F1} ms");
        }
        return r.Verified == true ? 0 : 1;
    }

    /// <summary>The work limits of one proof (docs/design.md, "Resource bounds").</summary>
    private sealed record Limits(long MaxCycles, long MaxInputBytes);

    private static async Task<ProofOutcome> ProveWithProgressAsync(NodeProver prover, BlockInput block, CancellationToken ct)
    {
        ProofOutcome? result = null;
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var task = ctx.AddTask("proving", maxValue: 1.0);
            result = await prover.ProveAsync(block, new ConsoleProgress(p =>
            {
                task.Description = p.ShardCount > 0 ? $"{p.Phase} ({p.ShardsDone}/{p.ShardCount})" : p.Phase.ToString();
                task.Value = p.ShardCount > 0 ? (double)p.ShardsDone / p.ShardCount : 0;
            }), ct);
            task.Value = 1.0;
        });
        return result!;
    }

    /// <summary>Reports on the prover's thread (the console needs no synchronization context).</summary>
    private sealed class ConsoleProgress(Action<ProverProgress> report) : IProgress<ProverProgress>
    {
        public void Report(ProverProgress value) => report(value);
    }
}
