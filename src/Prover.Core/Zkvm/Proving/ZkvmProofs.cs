using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Zkvm.Proving;

/// <summary>The verdict on a proof file of an execution, with its claims, its security level (when known) and the verification time.</summary>
public sealed record ZkvmProofCheck(string Config, ZkvmVerification Result, double VerificationMilliseconds, byte[] ProgramDigest)
{
    /// <summary>The weakest shard's security, bus term over the whole statement (null when the proof could not be read that far).</summary>
    public Security.SecurityReport? Security { get; init; }

    /// <summary>How many verifications <see cref="VerificationMilliseconds"/> is the median of (<see cref="ZkvmProofFile.WarmMilliseconds"/>; 1: a single run).</summary>
    public int WarmRuns { get; init; } = 1;

    /// <summary>For an aggregated or final proof: the verifying key (8 canonical elements, 12 for a provable-128 execution) its top recursion proof was checked against.</summary>
    public uint[]? VerifyingKey { get; init; }

    /// <summary>Whether the proof was accepted below the default minimum only because the caller allowed insecure proofs.</summary>
    public bool AcceptedInsecure => Result.IsValid && (Security?.Provable ?? 0) < VerificationPolicy.DefaultMinimumProvableBits;
}

/// <summary>
/// Proof files of guest executions: <c>Prove(elf, input)</c> and <c>Verify(proof)</c> for a caller that does
/// not want to pick extension degrees. The file is a <see cref="ProofEnvelope"/> with statement
/// <see cref="Statement"/>, the configuration name and the <see cref="ZkvmProof{TDef, TDigest}"/> bytes. The
/// configuration's <see cref="StarkConfig.ExtensionDegree"/> picks the extension field and its
/// <see cref="StarkConfig.DigestElements"/> the digest (docs/design.md).
/// </summary>
public static class ZkvmProofs
{
    public const string Statement = "zkvm";

    /// <summary>
    /// Proves <paramref name="program"/> on <paramref name="input"/>. Without <paramref name="shardSize"/> the shard size
    /// follows <paramref name="memoryBudgetBytes"/> (default: <see cref="ShardMemoryModel.DefaultBudgetBytes"/>).
    /// </summary>
    public static (byte[] File, ZkvmProofReport Report) Prove(ZkvmProgram program, byte[] input, string configName, long? shardSize = null,
        IProverBackend<KoalaBearParameters>? backend = null, Action<string, double>? progress = null, long maxCycles = ZkvmProverOptions.DefaultMaxCycles,
        long? memoryBudgetBytes = null) =>
        Prove(program, input, new ZkvmProverOptions
        {
            Config = StarkConfig.ByName(configName), ShardSize = shardSize, MemoryBudgetBytes = memoryBudgetBytes, Backend = backend, Progress = progress,
            MaxCycles = maxCycles,
        });

    /// <summary>Proves with full options (cancellation, per-shard progress); the extension degree follows from the configuration.</summary>
    public static (byte[] File, ZkvmProofReport Report) Prove(ZkvmProgram program, byte[] input, ZkvmProverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Config;
        config.Validate();
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Prove<KoalaBearQuartic, KoalaBearDigest>(program, input, options),
            (4, _) => Prove<KoalaBearQuartic, KoalaBearWideDigest>(program, input, options),
            (_, KoalaBearDigest.Length) => Prove<KoalaBearOctic, KoalaBearDigest>(program, input, options),
            _ => Prove<KoalaBearOctic, KoalaBearWideDigest>(program, input, options),
        };
    }

    private static (byte[], ZkvmProofReport) Prove<TDef, TDigest>(ZkvmProgram program, byte[] input, ZkvmProverOptions options)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var prover = new ZkvmProver<TDef, TDigest>(options);
        var proof = prover.Prove(program, input);
        var file = new ProofEnvelope(Statement, options.Config.Name, proof.ToBytes()).ToBytes();
        return (file, prover.LastReport! with { ProofBytes = file.Length });
    }

    /// <summary>Whether <paramref name="file"/> is an execution proof file (by its envelope).</summary>
    public static bool IsExecutionProof(ReadOnlySpan<byte> file) => ZkvmProofFile.StatementOf(file) == Statement;

    /// <summary>The program digest a proof file names (to pick the ELF), or null when the file is not a well-formed execution proof.</summary>
    public static byte[]? ProgramDigest(ReadOnlySpan<byte> file)
    {
        try
        {
            var envelope = ProofEnvelope.Parse(file);
            return envelope.Statement == Statement ? ZkvmProof<KoalaBearQuartic, KoalaBearDigest>.PeekProgramDigest(envelope.Proof) : null;
        }
        catch (ProofFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Verifies a proof file against <paramref name="program"/>; malformed files are rejections. With
    /// <paramref name="expectedInput"/>, the proof must also be about that input (its size and commitment).
    /// <paramref name="policy"/> (default <see cref="VerificationPolicy.Default"/>: at least 100 provable bits) decides
    /// the security level accepted, whatever configuration the proof names.
    /// </summary>
    /// <remarks>The proof is verified <paramref name="runs"/> times by one verifier and the last time is reported (2: a warm verification).</remarks>
    public static ZkvmProofCheck Verify(ZkvmProgram program, ReadOnlySpan<byte> file, byte[]? expectedInput = null, VerificationPolicy? policy = null, int runs = 1) =>
        ZkvmProofFile.CheckInput(VerifyAnyInput(program, file, policy ?? VerificationPolicy.Default, runs), expectedInput);

    private static ZkvmProofCheck VerifyAnyInput(ZkvmProgram program, ReadOnlySpan<byte> file, VerificationPolicy policy, int runs)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var sw = Stopwatch.StartNew();
        var (envelope, config, rejection) = ZkvmProofFile.Open(file, [Statement], "an execution proof", policy, sw);
        if (rejection is not null)
            return rejection;
        // Every shard's verifier rejects a shape below the policy's minimum before other work.
        return (config!.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Check<KoalaBearQuartic, KoalaBearDigest>(program, config, envelope!.Proof, sw, runs),
            (4, _) => Check<KoalaBearQuartic, KoalaBearWideDigest>(program, config, envelope!.Proof, sw, runs),
            (_, KoalaBearDigest.Length) => Check<KoalaBearOctic, KoalaBearDigest>(program, config, envelope!.Proof, sw, runs),
            _ => Check<KoalaBearOctic, KoalaBearWideDigest>(program, config, envelope!.Proof, sw, runs),
        };
    }

    private static ZkvmProofCheck Check<TDef, TDigest>(ZkvmProgram program, StarkConfig config, byte[] bytes, Stopwatch sw, int runs)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var verifier = new ZkvmVerifier<TDef, TDigest>(config, program);
        ZkvmProofCheck check = null!;
        for (int run = 0; run < runs; run++)
        {
            if (run > 0)
                sw.Restart();
            ZkvmProof<TDef, TDigest> proof;
            try
            {
                proof = ZkvmProof<TDef, TDigest>.Parse(bytes, config);
            }
            catch (ProofFormatException e)
            {
                return new ZkvmProofCheck(config.Name, ZkvmVerification.Reject(e.Message), sw.Elapsed.TotalMilliseconds, []);
            }
            var result = verifier.Verify(proof);
            check = new ZkvmProofCheck(config.Name, result, sw.Elapsed.TotalMilliseconds, proof.ProgramDigest) { Security = result.Security };
        }
        return check;
    }
}
