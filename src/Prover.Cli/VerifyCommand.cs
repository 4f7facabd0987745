using System.CommandLine;
using System.Text.Json;
using Prover.Core.Air.Demo;
using Prover.Core.Machine;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Cli;

/// <summary><c>prover verify proof.bin</c>: verifies any proof file the tool produced; exit code 1 when invalid.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var proof = new Argument<FileInfo>("proof") { Description = "proof file" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF of an execution proof (default: the embedded Ethereum guest)" };
        var input = new Option<FileInfo?>("--input") { Description = "execution proofs: also check that the proof is about this (private) input, by its commitment" };
        var allowInsecure = new Option<bool>("--allow-insecure")
        {
            Description = "accept proofs below the minimum security (e.g. the development configuration); the result still reports the level",
        };
        var minBits = new Option<int>("--min-bits")
        {
            Description = "minimum provable security bits to accept",
            DefaultValueFactory = _ => VerificationPolicy.DefaultMinimumProvableBits,
        };
        var maxProof = new Option<long>("--max-proof-bytes")
        {
            Description = "largest proof file accepted (checked before reading it)",
            DefaultValueFactory = _ => FileLimits.DefaultMaxProofBytes,
        };
        var runs = new Option<int>("--runs")
        {
            Description = "aggregated, final and epoch proofs: verifications in this process; the time reported is the median of the last half of the warm ones "
                + "(default 201: the verifier's steady state, its code past the runtime's tiered compilation; 2 reports the second)",
            DefaultValueFactory = _ => DefaultAggregateRuns,
        };
        var keyCache = KeyCacheOption.Directory();
        var keyCacheSecret = KeyCacheOption.Secret();
        var command = new Command("verify", "verify a proof file (execution, aggregated, final, epoch or demo); exits non-zero when it is invalid or below the required security")
        {
            proof, json, elf, input, allowInsecure, minBits, maxProof, runs, keyCache, keyCacheSecret,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(proof)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"error: {path.FullName} does not exist");
                return 2;
            }
            byte[] bytes;
            try
            {
                bytes = FileLimits.Read(path, parse.GetValue(maxProof), "--max-proof-bytes");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            var policy = new VerificationPolicy { AllowInsecure = parse.GetValue(allowInsecure), MinimumProvableBits = parse.GetValue(minBits) };
            int runCount = parse.GetValue(runs);
            if (runCount < 1)
            {
                Console.Error.WriteLine("error: --runs must be at least 1");
                return 2;
            }
            var (cache, cacheError) = KeyCacheOption.Open(parse.GetValue(keyCache), parse.GetValue(keyCacheSecret));
            if (cacheError is not null)
            {
                Console.Error.WriteLine("error: " + cacheError);
                return 2;
            }
            if (ZkvmProofs.IsExecutionProof(bytes))
                return VerifyExecution(bytes, parse.GetValue(elf), parse.GetValue(input), parse.GetValue(json), policy, kind: null, runs: 2);
            if (ZkvmAggregateProofs.KindOf(bytes) is { } kind)
                return VerifyExecution(bytes, parse.GetValue(elf), parse.GetValue(input), parse.GetValue(json), policy, kind, runCount, cache);
            if (ZkvmEpochProofs.KindOf(bytes) is { } epochKind)
            {
                if (parse.GetValue(input) is not null)
                {
                    Console.Error.WriteLine("error: --input checks one execution's input; an epoch proof states each block's input commitment (compare them with the --json output)");
                    return 2;
                }
                return VerifyEpoch(bytes, parse.GetValue(elf), parse.GetValue(json), policy, epochKind, runCount, cache);
            }
            // Warm, in process: the second of two verifications is reported (the first pays the JIT and the key).
            DemoProofs.Verify(bytes, policy);
            var check = DemoProofs.Verify(bytes, policy);
            bool insecure = check.Result.IsValid && check.Security is { } sec && sec.Provable < policy.MinimumProvableBits;
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    statement = check.Statement,
                    config = check.Config,
                    valid = check.Result.IsValid,
                    proof_size = bytes.Length,
                    error = check.Result.Error,
                    verification_time_ms = Math.Round(check.VerificationMilliseconds, 3),
                    provable_bits = check.Security?.Provable,
                    conjectured_bits = check.Security?.Conjectured,
                    accepted_insecure = insecure,
                }));
            else
            {
                Console.WriteLine($"{check.Statement} ({check.Config}): {check.Result}");
                if (check.Security is not null)
                    Console.WriteLine($"verified in {check.VerificationMilliseconds:F2} ms; security: {check.Security}");
                if (insecure)
                    Console.WriteLine($"WARNING: accepted an INSECURE proof ({check.Security!.Provable} provable bits < {policy.MinimumProvableBits}) because --allow-insecure was given");
            }
            return check.Result.IsValid ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// Verifications of an aggregated or final proof by default: one cold (the tree's programs and keys, ~a minute), then 200
    /// warm ones (tens of milliseconds each) of which the last 100 give the median reported — past the runtime's tiered
    /// compilation (unoptimised, then instrumented code for a method's first calls: measured, the embedded block's final
    /// proof took ~45 ms per verification for at least its first 40 warm runs and ~28 ms by the runs 101–200; the second
    /// run alone 55–60 ms).
    /// </summary>
    internal const int DefaultAggregateRuns = 201;

    /// <summary>
    /// An execution proof (shards, or with <paramref name="kind"/> aggregated to one root proof or its final proof): against
    /// <paramref name="elfFile"/>, or the embedded Ethereum guest. Verified <paramref name="runs"/> times in process by one
    /// verifier; the time reported is the median of the last half of the warm runs (<see cref="ZkvmProofFile.WarmMilliseconds"/>;
    /// shard proofs: 2 runs, the second).
    /// </summary>
    private static int VerifyExecution(byte[] bytes, FileInfo? elfFile, FileInfo? inputFile, bool json, VerificationPolicy policy, ZkvmAggregateKind? kind, int runs,
        ZkvmKeyCache? keyCache = null)
    {
        bool aggregate = kind is not null;
        ZkvmProgram program;
        byte[]? expected;
        try
        {
            program = elfFile is null ? new ZkvmProgram(EthereumGuest.Program) : ZkvmProgram.FromElf(File.ReadAllBytes(elfFile.FullName));
            expected = inputFile is null ? null : FileLimits.Read(inputFile, (long)MemoryMap.InputMaxSize, "the input region");
        }
        catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        if (ZkvmProofs.ProgramDigest(bytes) is { } digest && !digest.AsSpan().SequenceEqual(program.Digest))
            Console.Error.WriteLine($"note: the proof names program {Convert.ToHexStringLower(digest)}, not {(elfFile is null ? "the embedded Ethereum guest" : elfFile.Name)}; pass --elf");
        var check = aggregate ? ZkvmAggregateProofs.Verify(program, bytes, expected, policy, runs, keyCache) : ZkvmProofs.Verify(program, bytes, expected, policy, runs);
        string statement = kind is { } k ? ZkvmAggregateProofs.StatementOf(k) : ZkvmProofs.Statement;
        var r = check.Result;
        bool insecure = r.IsValid && check.Security is { } sec && sec.Provable < policy.MinimumProvableBits;
        StatelessValidationResult? validation = null;
        if (r.IsValid && elfFile is null && r.Output is { } output)
        {
            try
            {
                validation = StatelessValidationResult.Decode(output);
            }
            catch (FormatException)
            {
            }
        }
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["statement"] = statement,
                ["config"] = check.Config,
                ["program"] = Convert.ToHexStringLower(check.ProgramDigest),
                ["verifying_key"] = check.VerifyingKey,
                ["valid"] = r.IsValid,
                ["proof_size"] = bytes.Length,
                ["error"] = r.Error,
                ["exit_code"] = r.IsValid ? r.ExitCode : null,
                ["proves_success"] = r.ProvesSuccess,
                ["output"] = r.Output is null ? null : Convert.ToHexStringLower(r.Output),
                ["successful_validation"] = validation?.SuccessfulValidation,
                ["chain_id"] = validation?.ChainId,
                ["total_num_cycles"] = r.IsValid ? r.Cycles : null,
                ["input_size"] = r.IsValid ? r.InputSize : null,
                ["input_commitment"] = r.InputCommitment is { } c ? Convert.ToHexStringLower(Prover.Core.Zkvm.Input.InputCommitment.ToBytes(c)) : null,
                ["input_checked"] = expected is not null && r.IsValid,
                ["verification_time_ms"] = Math.Round(check.VerificationMilliseconds, 3),
                ["verification_warm_runs"] = check.WarmRuns,
                ["provable_bits"] = check.Security?.Provable,
                ["conjectured_bits"] = check.Security?.Conjectured,
                ["accepted_insecure"] = insecure,
            }));
        else if (r.IsValid)
        {
            Console.WriteLine($"valid {(kind switch { ZkvmAggregateKind.Final => "final ", ZkvmAggregateKind.Aggregated => "aggregated ", _ => "" })}execution proof ({check.Config}), "
                + $"{bytes.Length:N0} B: {r.Cycles:N0} cycles, exit code {r.ExitCode}{(r.ProvesSuccess ? "" : " (a failed execution)")}");
            Console.WriteLine($"output {Convert.ToHexStringLower(r.Output ?? [])}");
            if (validation is not null)
                Console.WriteLine($"block valid {validation.SuccessfulValidation}, chain id {validation.ChainId}");
            Console.WriteLine($"input {r.InputSize:N0} bytes, commitment {Convert.ToHexStringLower(Prover.Core.Zkvm.Input.InputCommitment.ToBytes(r.InputCommitment))}"
                + (expected is null ? " (not compared: pass --input to check it is your input)" : " = the given input's"));
            Console.WriteLine($"verified in {check.VerificationMilliseconds:F1} ms (warm: {(check.WarmRuns == 1 ? "the second of two runs" : $"median of the last {check.WarmRuns} of {runs} runs")} in this process); security: {check.Security?.ToString() ?? "not reported"}"
                + (aggregate ? " (the weakest proof of the chain: shards, tree, top proof)" : ""));
            if (check.VerifyingKey is { } key)
                Console.WriteLine($"verifying key [{string.Join(", ", key)}] (the top recursion program's: it depends on the program, the configurations and the allowed shard shapes — through the allowed-key root a final program holds — not on the shard count)");
            if (insecure)
                Console.WriteLine($"WARNING: accepted an INSECURE proof ({check.Security!.Provable} provable bits < {policy.MinimumProvableBits}) because --allow-insecure was given");
        }
        else
            Console.WriteLine($"invalid execution proof: {r.Error}");
        return r.ProvesSuccess ? 0 : 1;
    }

    /// <summary>
    /// An epoch proof (several executions of one guest, the blocks, as one proof): against <paramref name="elfFile"/> or the
    /// embedded Ethereum guest, verified <paramref name="runs"/> times in process; prints each block's public values in order.
    /// </summary>
    private static int VerifyEpoch(byte[] bytes, FileInfo? elfFile, bool json, VerificationPolicy policy, ZkvmAggregateKind kind, int runs, ZkvmKeyCache? keyCache)
    {
        ZkvmProgram program;
        try
        {
            program = elfFile is null ? new ZkvmProgram(EthereumGuest.Program) : ZkvmProgram.FromElf(File.ReadAllBytes(elfFile.FullName));
        }
        catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        var check = ZkvmEpochProofs.Verify(program, bytes, policy, runs, keyCache);
        if (check.ProgramDigest.Length == 32 && !check.ProgramDigest.AsSpan().SequenceEqual(program.Digest))
            Console.Error.WriteLine($"note: the proof names program {Convert.ToHexStringLower(check.ProgramDigest)}, not {(elfFile is null ? "the embedded Ethereum guest" : elfFile.Name)}; pass --elf");
        var r = check.Result;
        bool insecure = r.IsValid && check.Security is { } sec && sec.Provable < policy.MinimumProvableBits;
        string statement = ZkvmEpochProofs.StatementOf(kind);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["statement"] = statement,
                ["config"] = check.Config,
                ["program"] = check.ProgramDigest.Length == 32 ? Convert.ToHexStringLower(check.ProgramDigest) : null,
                ["verifying_key"] = check.VerifyingKey,
                ["valid"] = r.IsValid,
                ["proof_size"] = bytes.Length,
                ["error"] = r.Error,
                ["blocks"] = r.Blocks.Select(b => new Dictionary<string, object?>
                {
                    ["exit_code"] = b.ExitCode,
                    ["proves_success"] = b.ProvesSuccess,
                    ["output"] = Convert.ToHexStringLower(b.Output ?? []),
                    ["total_num_cycles"] = b.Cycles,
                    ["input_size"] = b.InputSize,
                    ["input_commitment"] = b.InputCommitment is { } c ? Convert.ToHexStringLower(Prover.Core.Zkvm.Input.InputCommitment.ToBytes(c)) : null,
                }).ToArray(),
                ["verification_time_ms"] = Math.Round(check.VerificationMilliseconds, 3),
                ["verification_warm_runs"] = check.WarmRuns,
                ["provable_bits"] = check.Security?.Provable,
                ["conjectured_bits"] = check.Security?.Conjectured,
                ["accepted_insecure"] = insecure,
            }));
        else if (r.IsValid)
        {
            Console.WriteLine($"valid {(kind == ZkvmAggregateKind.Final ? "final " : "")}epoch proof ({check.Config}) of {r.Blocks.Count} blocks, {bytes.Length:N0} B");
            for (int i = 0; i < r.Blocks.Count; i++)
            {
                var b = r.Blocks[i];
                Console.WriteLine($"block {i}: {b.Cycles:N0} cycles, exit code {b.ExitCode}{(b.ProvesSuccess ? "" : " (a failed execution)")}, output {Convert.ToHexStringLower(b.Output ?? [])}, "
                    + $"input {b.InputSize:N0} bytes, commitment {Convert.ToHexStringLower(Prover.Core.Zkvm.Input.InputCommitment.ToBytes(b.InputCommitment!))}");
            }
            Console.WriteLine($"verified in {check.VerificationMilliseconds:F1} ms (warm: {(check.WarmRuns == 1 ? "one run" : $"median of the last {check.WarmRuns} of {runs} runs")} in this process); "
                + $"security: {check.Security?.ToString() ?? "not reported"} (the weakest proof of the chain: every block's shards and tree, the epoch tree, the top proof)");
            if (check.VerifyingKey is { } key)
                Console.WriteLine($"verifying key [{string.Join(", ", key)}] (the top recursion program's: it depends on the program, the configurations and every block's root program)");
            if (insecure)
                Console.WriteLine($"WARNING: accepted an INSECURE proof ({check.Security!.Provable} provable bits < {policy.MinimumProvableBits}) because --allow-insecure was given");
        }
        else
            Console.WriteLine($"invalid epoch proof: {r.Error}");
        return r.ProvesSuccess ? 0 : 1;
    }
}
