using System.CommandLine;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;

namespace Prover.Cli;

/// <summary>
/// <c>prover aggregate --proof P --out A</c> (or <c>prover aggregate P --out A</c>): turns an execution proof file (one
/// STARK per shard) into one aggregated proof (a leaf recursion proof per shard, nodes up a binary tree; docs/design.md,
/// "Recursion"). <c>prover aggregate a.bin b.bin … --out epoch.bin</c>: several executions of one guest (blocks; each an
/// execution proof or an aggregated file) into one epoch proof ("Recursion", blocks to epochs). <c>prover verify</c>
/// accepts both.
/// </summary>
internal static class AggregateCommand
{
    public static Command Create()
    {
        var proofs = new Argument<FileInfo[]>("proofs")
        {
            Description = "execution proof files (prover prove) or aggregated files; two or more make one epoch proof over the blocks in this order",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var proof = new Option<FileInfo?>("--proof") { Description = "one execution proof file (prover prove): the same as giving it alone as an argument" };
        var output = new Option<FileInfo>("--out") { Description = "where to write the aggregated (or epoch) proof", Required = true };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF of the execution(s) (default: the embedded Ethereum guest)" };
        var maxProof = new Option<long>("--max-proof-bytes")
        {
            Description = "largest proof file accepted (checked before reading it)",
            DefaultValueFactory = _ => FileLimits.DefaultMaxProofBytes,
        };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var final = new Option<bool>("--final")
        {
            Description = "also prove the final low-rate layer over the root (provable-100: final-100, ≈ 290 KB; provable-128: final-128; minutes and ~15 GB)",
        };
        var keyCache = KeyCacheOption.Directory();
        var keyCacheSecret = KeyCacheOption.Secret();
        var command = new Command("aggregate", "aggregate an execution proof's shard proofs into one proof, or several executions' proofs into one epoch proof (recursion tree, optionally the final layer)")
        {
            proofs, proof, output, elf, maxProof, json, final, keyCache, keyCacheSecret,
        };
        command.SetAction(parse =>
        {
            var files = (parse.GetValue(proof) is { } p ? [p] : Array.Empty<FileInfo>()).Concat(parse.GetValue(proofs) ?? []).ToArray();
            if (files.Length == 0)
            {
                Console.Error.WriteLine("error: give the proof file(s) to aggregate (or --proof)");
                return 2;
            }
            if (files.FirstOrDefault(f => !f.Exists) is { } missing)
            {
                Console.Error.WriteLine($"error: {missing.FullName} does not exist");
                return 2;
            }
            var (cache, cacheError) = KeyCacheOption.Open(parse.GetValue(keyCache), parse.GetValue(keyCacheSecret));
            if (cacheError is not null)
            {
                Console.Error.WriteLine("error: " + cacheError);
                return 2;
            }
            bool quiet = parse.GetValue(json);
            var kind = parse.GetValue(final) ? ZkvmAggregateKind.Final : ZkvmAggregateKind.Aggregated;
            Action<string, double, int>? progress = quiet ? null : (layer, ms, size) => Console.WriteLine($"  {layer}: {size:N0} B in {ms:F0} ms");
            try
            {
                var bytes = files.Select(f => FileLimits.Read(f, parse.GetValue(maxProof), "--max-proof-bytes")).ToArray();
                var program = parse.GetValue(elf) is { } e ? ZkvmProgram.FromElf(File.ReadAllBytes(e.FullName)) : new ZkvmProgram(EthereumGuest.Program);
                if (bytes.Length == 1)
                {
                    var report = ZkvmAggregateProofs.Aggregate(program, bytes[0], kind, progress, cache);
                    File.WriteAllBytes(parse.GetValue(output)!.FullName, report.File);
                    Print(quiet, kind, report.File.Length, report.TotalMilliseconds, report.Proofs, report.VerificationMilliseconds, report.Security, report.VerifyingKey,
                        ("shards", report.Shards), $"{report.Shards} shard proofs");
                }
                else
                {
                    var report = ZkvmEpochProofs.Aggregate(program, bytes, kind, progress, cache);
                    File.WriteAllBytes(parse.GetValue(output)!.FullName, report.File);
                    Print(quiet, kind, report.File.Length, report.TotalMilliseconds, report.Proofs, report.VerificationMilliseconds, report.Security, report.VerifyingKey,
                        ("blocks", report.Blocks), $"{report.Blocks} blocks");
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or ElfLoadException or RecursionRejectedException or NotSupportedException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            return 0;
        });
        return command;
    }

    private static void Print(bool json, ZkvmAggregateKind kind, int size, double totalMs, IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> proofs, double verifyMs,
        Prover.Core.Security.SecurityReport? security, uint[]? key, (string Name, int Value) count, string what)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                [count.Name] = count.Value,
                ["proof_size"] = size,
                ["proving_ms"] = Math.Round(totalMs, 1),
                ["proofs"] = proofs.Select(p => new { layer = p.Layer, ms = Math.Round(p.Milliseconds, 1), bytes = p.Bytes }),
                ["verification_time_ms"] = Math.Round(verifyMs, 3),
                ["provable_bits"] = security?.Provable,
                ["conjectured_bits"] = security?.Conjectured,
                ["verifying_key"] = key,
            }));
            return;
        }
        Console.WriteLine($"aggregated {what} into one {(kind == ZkvmAggregateKind.Final ? "final" : "root")} proof of {size:N0} B in {totalMs / 1000:F1} s");
        if (security is not null)
            Console.WriteLine($"security: {security} (the weakest proof of the chain)");
        if (key is not null)
            Console.WriteLine($"verifying key [{string.Join(", ", key)}] (depends on the program, the configurations and the allowed shard shapes, not on the shard count)");
        Console.WriteLine($"verified (warm: the programs and keys kept) in {verifyMs:F1} ms");
    }
}
