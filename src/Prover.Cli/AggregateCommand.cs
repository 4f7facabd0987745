using System.CommandLine;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;

namespace Prover.Cli;

/// <summary>
/// <c>prover aggregate --proof P --out A</c>: turns an execution proof file (one STARK per shard) into one aggregated
/// proof (a leaf recursion proof per shard, nodes up a binary tree; docs/design.md, "Recursion"), which
/// <c>prover verify</c> accepts.
/// </summary>
internal static class AggregateCommand
{
    public static Command Create()
    {
        var proof = new Option<FileInfo>("--proof") { Description = "the execution proof file (prover prove)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "where to write the aggregated proof", Required = true };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF of the execution (default: the embedded Ethereum guest)" };
        var maxProof = new Option<long>("--max-proof-bytes")
        {
            Description = "largest proof file accepted (checked before reading it)",
            DefaultValueFactory = _ => FileLimits.DefaultMaxProofBytes,
        };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var final = new Option<bool>("--final")
        {
            Description = "also prove the final low-rate layer over the tree's root (provable-100: final-100, ≈ 290 KB; provable-128: final-128; minutes and ~15 GB)",
        };
        var command = new Command("aggregate", "aggregate an execution proof's shard proofs into one proof (recursion tree, optionally the final layer)")
        {
            proof, output, elf, maxProof, json, final,
        };
        command.SetAction(parse =>
        {
            ZkvmAggregateReport report;
            try
            {
                var bytes = FileLimits.Read(parse.GetValue(proof)!, parse.GetValue(maxProof), "--max-proof-bytes");
                var program = parse.GetValue(elf) is { } e ? ZkvmProgram.FromElf(File.ReadAllBytes(e.FullName)) : new ZkvmProgram(EthereumGuest.Program);
                bool quiet = parse.GetValue(json);
                var kind = parse.GetValue(final) ? ZkvmAggregateKind.Final : ZkvmAggregateKind.Aggregated;
                report = ZkvmAggregateProofs.Aggregate(program, bytes, kind, quiet ? null : (layer, ms, size) => Console.WriteLine($"  {layer}: {size:N0} B in {ms:F0} ms"));
                File.WriteAllBytes(parse.GetValue(output)!.FullName, report.File);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or ElfLoadException or RecursionRejectedException or NotSupportedException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    shards = report.Shards,
                    proof_size = report.File.Length,
                    proving_ms = Math.Round(report.TotalMilliseconds, 1),
                    proofs = report.Proofs.Select(p => new { layer = p.Layer, ms = Math.Round(p.Milliseconds, 1), bytes = p.Bytes }),
                    verification_time_ms = Math.Round(report.VerificationMilliseconds, 3),
                    provable_bits = report.Security?.Provable,
                    conjectured_bits = report.Security?.Conjectured,
                    verifying_key = report.VerifyingKey,
                }));
            else
            {
                Console.WriteLine($"aggregated {report.Shards} shard proofs into one {(parse.GetValue(final) ? "final" : "root")} proof of {report.File.Length:N0} B in {report.TotalMilliseconds / 1000:F1} s");
                if (report.Security is { } security)
                    Console.WriteLine($"security: {security} (the weakest proof of the chain)");
                if (report.VerifyingKey is { } key)
                    Console.WriteLine($"verifying key [{string.Join(", ", key)}] (depends on the program, the configurations and the shards' shapes)");
                Console.WriteLine($"verified (warm: the tree's programs and keys kept) in {report.VerificationMilliseconds:F1} ms");
            }
            return 0;
        });
        return command;
    }
}
