using System.CommandLine;
using System.Text.Json;
using Prover.Core.Recursion;
using Prover.Core.Stark;

namespace Prover.Cli;

/// <summary>
/// <c>prover recursion-prove</c>: proves a demo statement, then proves with the recursion chips that the verifier
/// program accepts that proof, verifies the recursion proof and prints the tables, times and sizes (docs/design.md,
/// "Recursion").
/// </summary>
internal static class RecursionProveCommand
{
    public static Command Create()
    {
        var demo = new Option<string>("--demo") { Description = "the inner statement: fibonacci, poseidon2 or lookup", DefaultValueFactory = _ => "fibonacci" };
        var logRows = new Option<int>("--log-rows") { Description = "log2 of the inner trace height", DefaultValueFactory = _ => 10 };
        var config = new Option<string>("--config") { Description = "the inner proof's configuration (development, provable-100 or provable-128)", DefaultValueFactory = _ => "development" };
        var outer = new Option<string?>("--outer-config") { Description = "the recursion proof's configuration (default: the inner one)" };
        var elf = new Option<FileInfo?>("--elf") { Description = "instead of a demo: prove this RV64IM guest, then the verification of one of its shards" };
        var input = new Option<FileInfo?>("--input") { Description = "the guest's input (with --elf)" };
        var shard = new Option<int>("--shard") { Description = "which shard (with --elf; default: the last)", DefaultValueFactory = _ => -1 };
        var layer = new Option<string>("--layer")
        {
            Description = "first: the demo's verification; second: the verification of that recursion proof; aggregate: a 2-to-1 node over two first-layer proofs (demos only)",
            DefaultValueFactory = _ => "first",
        };
        layer.AcceptOnlyFromAmong("first", "second", "aggregate");
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("recursion-prove", "prove that the verifier program accepts a demo proof or a zkVM shard proof, and verify that proof")
        {
            demo, logRows, config, outer, elf, input, shard, layer, json,
        };
        command.SetAction(parse =>
        {
            RecursionProofReport r;
            try
            {
                var inner = StarkConfig.ByName(parse.GetValue(config)!);
                var outerConfig = parse.GetValue(outer) is { } o ? StarkConfig.ByName(o) : inner;
                string layerName = parse.GetValue(layer)!;
                if (layerName != "first" && parse.GetValue(elf) is not null)
                    throw new ArgumentException("--layer second/aggregate works on demos only");
                r = layerName != "first"
                    ? RecursionProofReport.ForDemoLayer(parse.GetValue(demo)!, parse.GetValue(logRows), inner, outerConfig, layerName == "second" ? 1 : 2)
                    : parse.GetValue(elf) is { } guest
                    ? RecursionProofReport.ForZkvmShard(File.ReadAllBytes(guest.FullName), parse.GetValue(input) is { } i ? File.ReadAllBytes(i.FullName) : [],
                        inner, outerConfig, parse.GetValue(shard))
                    : RecursionProofReport.ForDemo(parse.GetValue(demo)!, parse.GetValue(logRows), inner, outerConfig);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    shape = r.Shape, inner_config = r.InnerConfig, outer_config = r.OuterConfig, inner_proof_bytes = r.InnerProofBytes,
                    inner_proving_ms = r.InnerProvingMilliseconds, instructions = r.Instructions, build_ms = r.BuildMilliseconds,
                    operations = r.Operations.ToDictionary(p => p.Key.ToString(), p => p.Value),
                    tables = r.Tables.Select(t => new { table = t.Table, rows = t.Rows, log_height = t.LogHeight, width = t.Width, preprocessed_width = t.PreprocessedWidth, cells = t.Cells }),
                    phases = r.Phases.Select(p => new { phase = p.Phase, ms = p.Milliseconds }), proving_ms = r.ProvingMilliseconds, proof_bytes = r.ProofBytes,
                    verification_ms = r.VerificationMilliseconds, provable_bits = r.Security.Provable, conjectured_bits = r.Security.Conjectured, valid = r.Valid, verdict = r.Verdict, outputs = r.Outputs,
                }));
                return r.Valid ? 0 : 1;
            }
            Console.WriteLine($"{r.Shape} under {r.InnerConfig}: inner proof {r.InnerProofBytes:N0} B in {r.InnerProvingMilliseconds:F0} ms");
            Console.WriteLine($"verifier program: {r.Instructions:N0} instructions (built in {r.BuildMilliseconds:F0} ms): "
                + string.Join(", ", r.Operations.Select(p => $"{p.Key} {p.Value:N0}")));
            long cells = r.Tables.Sum(t => t.Cells);
            foreach (var t in r.Tables)
                Console.WriteLine($"  {t.Table,-24} {t.Rows,9:N0} rows  2^{t.LogHeight,-2}  {t.Width,4} + {t.PreprocessedWidth,3} columns  {100.0 * t.Cells / cells,5:F1}% of cells");
            Console.WriteLine($"recursion proof under {r.OuterConfig} ({r.Security.Provable} provable, {r.Security.Conjectured} conjectured bits): {r.ProofBytes:N0} B in {r.ProvingMilliseconds:F0} ms; "
                + $"verified in {r.VerificationMilliseconds:F1} ms: {r.Verdict}");
            foreach (var (phase, ms) in r.Phases)
                Console.WriteLine($"  {phase}: {ms:F0} ms");
            Console.WriteLine($"outputs: [{string.Join(", ", r.Outputs)}]");
            return r.Valid ? 0 : 1;
        });
        return command;
    }
}
