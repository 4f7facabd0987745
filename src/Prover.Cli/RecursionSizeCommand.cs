using System.CommandLine;
using System.Text.Json;
using Prover.Core.Air.Demo;
using Prover.Core.Recursion;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Cli;

/// <summary>
/// <c>prover recursion-size</c>: builds the recursive verifier program for a proof shape (a demo, or a shard of the
/// embedded Ethereum block) and prints its size: instructions, Poseidon2 permutations, extension operations.
/// </summary>
internal static class RecursionSizeCommand
{
    public static Command Create()
    {
        var demo = new Option<string?>("--demo") { Description = "a demo statement (fibonacci, poseidon2, lookup); default: a shard of the embedded Ethereum block" };
        var logRows = new Option<int>("--log-rows") { Description = "demo: log2 of the trace height", DefaultValueFactory = _ => 10 };
        var logShard = new Option<int>("--log-shard-size") { Description = "block: log2 of the shard size in cycles (table heights are the planner's bound)", DefaultValueFactory = _ => 20 };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. StarkConfig.Presets.Select(p => p.Name)]);
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("recursion-size", "size of the recursive verifier program for a proof shape") { demo, logRows, logShard, config, json };
        command.SetAction(parse =>
        {
            var preset = StarkConfig.ByName(parse.GetValue(config)!);
            var name = parse.GetValue(demo);
            RecursionProgramReport report;
            string shape;
            try
            {
                if (name is not null)
                {
                    var airs = DemoCatalog.Airs(name) ?? throw new ArgumentException($"unknown demo '{name}' (known: {string.Join(", ", DemoCatalog.Names)})");
                    var (_, traces, _) = DemoCatalog.Build(name, parse.GetValue(logRows));
                    shape = $"demo/{name}";
                    report = RecursionProgramReport.For(preset, airs, [.. traces.Select(t => int.Log2(t.Height))]);
                }
                else
                {
                    var program = ProverGuest.Ethereum.Program;
                    var input = BlockInput.Example().Bytes;
                    var profile = ShardProfile.Probe(program, input, ShardMemoryModel.ProbeLogShardSize, ZkvmProverOptions.DefaultMaxCycles);
                    var heights = profile.LogHeights(parse.GetValue(logShard));
                    shape = $"last shard of the embedded block at 2^{parse.GetValue(logShard)} cycles";
                    // A shard is one proof of a shared-challenge group; its seed is (shard index, shard count, 8 samples of the
                    // group transcript) (ZkvmStatement).
                    // The profile gives −1 for a chip the block never uses (no table in its shards): the last shard's
                    // statement has only the tables it uses, so the verifier program is sized over those.
                    var full = Prover.Core.Zkvm.Chips.ZkvmChips.Full(lastShard: true).Indices();
                    var present = Enumerable.Range(0, full.Length).Where(p => heights[full[p]] >= 0).ToArray();
                    // The input-commitment chip follows the preset's digest shape (width 24 under 12-element digests).
                    var shaped = program.ForDigest(preset.DigestElements);
                    report = RecursionProgramReport.For(preset, [.. present.Select(p => shaped.LastShardAirs[p])],
                        [.. present.Select(p => heights[full[p]])], sharedSeedLength: 10);
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    shape, config = report.Config, log_heights = report.LogHeights, instructions = report.Instructions, felts = report.Felts, exts = report.Exts,
                    hint_felts = report.HintFelts, permutations = report.Permutations.ToDictionary(p => p.Key.ToString(), p => p.Value),
                    ext_operations = report.ExtOperations, ext_multiplications = report.ExtMultiplications, base_operations = report.BaseOperations,
                    operations = report.Operations.ToDictionary(p => p.Key.ToString(), p => p.Value), build_ms = report.BuildMilliseconds,
                }));
                return 0;
            }
            Console.WriteLine($"{shape}, {report.Config}: {report.Tables} tables, log heights [{string.Join(", ", report.LogHeights)}]");
            Console.WriteLine($"  instructions {report.Instructions:N0} (built in {report.BuildMilliseconds:F0} ms), felts {report.Felts:N0}, exts {report.Exts:N0}, hinted felts {report.HintFelts:N0}");
            Console.WriteLine($"  Poseidon2 permutations: {string.Join(", ", report.Permutations.Select(p => $"{p.Value:N0} of width {p.Key}"))}");
            Console.WriteLine($"  extension operations {report.ExtOperations:N0} (multiplications {report.ExtMultiplications:N0}), base operations {report.BaseOperations:N0}");
            Console.WriteLine("  " + string.Join(", ", report.Operations.Select(p => $"{p.Key} {p.Value:N0}")));
            return 0;
        });
        return command;
    }
}
