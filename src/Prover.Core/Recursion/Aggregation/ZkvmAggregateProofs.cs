using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>The aggregation of an execution proof file: the aggregated file, and what each proof of the tree cost.</summary>
/// <param name="VerificationMilliseconds">The aggregated proof verified once by a warm verifier (the tree's programs and keys
/// already made, as a verifier of many proofs of one program keeps them): the native statement checks and the root's STARK.</param>
public sealed record ZkvmAggregateReport(byte[] File, int Shards, IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> Proofs, double TotalMilliseconds,
    double VerificationMilliseconds);

/// <summary>
/// Aggregated proof files: a <see cref="ProofEnvelope"/> with statement <see cref="Statement"/>, the shards' configuration
/// name and the <see cref="ZkvmAggregateProof{TDef}"/> bytes. Every recursion proof of the tree is made under the same
/// configuration as the shards (its extension; 8-element digests: provable-128's 12-element digests need width-24
/// Poseidon2 in the recursion chips, which they do not have yet).
/// </summary>
public static class ZkvmAggregateProofs
{
    public const string Statement = "zkvm-aggregate";

    /// <summary>Whether <paramref name="file"/> is an aggregated proof file (by its envelope).</summary>
    public static bool IsAggregateProof(ReadOnlySpan<byte> file)
    {
        try
        {
            return ProofEnvelope.Parse(file).Statement == Statement;
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Aggregates the execution proof file <paramref name="executionFile"/> of <paramref name="program"/> into one root
    /// proof. An <see cref="ArgumentException"/> when the file is not a valid execution proof of the program (or of a
    /// configuration the recursion chips cannot verify), <see cref="RecursionRejectedException"/> when a shard's proof fails
    /// its leaf.
    /// </summary>
    public static ZkvmAggregateReport Aggregate(ZkvmProgram program, ReadOnlySpan<byte> executionFile, Action<string, double, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ProofEnvelope envelope;
        try
        {
            envelope = ProofEnvelope.Parse(executionFile);
        }
        catch (ProofFormatException e)
        {
            throw new ArgumentException("not a proof file: " + e.Message, e);
        }
        if (envelope.Statement != ZkvmProofs.Statement)
            throw new ArgumentException($"not an execution proof (statement '{envelope.Statement}')");
        var config = StarkConfig.Presets.FirstOrDefault(p => p.Name == envelope.ConfigName)
            ?? throw new ArgumentException($"unknown configuration '{envelope.ConfigName}'");
        if (config.DigestElements != KoalaBearDigest.Length)
            throw new ArgumentException($"configuration '{config.Name}' uses {config.DigestElements}-element digests; the recursion chips prove width-16 Poseidon2 (8 elements) only");
        return config.ExtensionDegree == 4
            ? Aggregate<KoalaBearQuartic>(program, config, envelope.Proof, progress)
            : Aggregate<KoalaBearOctic>(program, config, envelope.Proof, progress);
    }

    private static ZkvmAggregateReport Aggregate<TDef>(ZkvmProgram program, StarkConfig config, byte[] bytes, Action<string, double, int>? progress)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var sw = Stopwatch.StartNew();
        ZkvmProof<TDef, KoalaBearDigest> proof;
        try
        {
            proof = ZkvmProof<TDef, KoalaBearDigest>.Parse(bytes, config);
        }
        catch (ProofFormatException e)
        {
            throw new ArgumentException("malformed execution proof: " + e.Message, e);
        }
        var keys = new ZkvmAggregationKeys<TDef>(config, config, program);
        var aggregator = new ZkvmAggregator<TDef>(keys, proof);
        var items = Enumerable.Range(0, aggregator.ShardCount).Select(s => Report(aggregator, aggregator.Leaf(s), progress)).ToList();
        foreach (var level in ZkvmAggregateStatement.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : Report(aggregator, aggregator.Node(items[p.Left], items[p.Right]), progress))];
        var bytesOut = aggregator.FromRoot(items[0]).ToBytes();
        var file = new ProofEnvelope(Statement, config.Name, bytesOut).ToBytes();
        double total = sw.Elapsed.TotalMilliseconds;
        // The result checked by a verifier that shares the prover's programs and keys (warm): a proof that does not verify is a bug here.
        sw.Restart();
        var verdict = new ZkvmAggregateVerifier<TDef>(keys).Verify(bytesOut);
        double verifyMs = sw.Elapsed.TotalMilliseconds;
        if (!verdict.IsValid)
            throw new InvalidOperationException("the aggregated proof does not verify: " + verdict.Error);
        return new ZkvmAggregateReport(file, aggregator.ShardCount, aggregator.Timings, total, verifyMs);
    }

    private static ZkvmAggregationItem<TDef> Report<TDef>(ZkvmAggregator<TDef> aggregator, ZkvmAggregationItem<TDef> item, Action<string, double, int>? progress)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        if (progress is not null)
        {
            var (layer, ms, size) = aggregator.Timings[^1];
            progress(layer, ms, size);
        }
        return item;
    }

    /// <summary>
    /// Verifies an aggregated proof file against <paramref name="program"/> (and, with <paramref name="expectedInput"/>, its
    /// input); malformed files are rejections. <paramref name="policy"/> decides whether the configuration is accepted.
    /// The time includes rebuilding the tree's programs and keys (a cold verifier; <see cref="ZkvmAggregateVerifier{TDef}"/>
    /// keeps them for the next proof).
    /// </summary>
    public static ZkvmProofCheck Verify(ZkvmProgram program, ReadOnlySpan<byte> file, byte[]? expectedInput = null, VerificationPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        policy ??= VerificationPolicy.Default;
        var sw = Stopwatch.StartNew();
        ProofEnvelope envelope;
        try
        {
            envelope = ProofEnvelope.Parse(file);
        }
        catch (ProofFormatException e)
        {
            return new ZkvmProofCheck("?", ZkvmVerification.Reject(e.Message), sw.Elapsed.TotalMilliseconds, []);
        }
        if (envelope.Statement != Statement)
            return new ZkvmProofCheck(envelope.ConfigName, ZkvmVerification.Reject($"not an aggregated proof (statement '{envelope.Statement}')"), 0, []);
        var preset = StarkConfig.Presets.FirstOrDefault(p => p.Name == envelope.ConfigName);
        if (preset is null)
            return new ZkvmProofCheck(envelope.ConfigName, ZkvmVerification.Reject($"unknown configuration '{envelope.ConfigName}'"), 0, []);
        if (policy.RefuseConfig(preset.Name) is { } refused)
            return new ZkvmProofCheck(preset.Name, ZkvmVerification.Reject(refused), 0, []);
        if (preset.DigestElements != KoalaBearDigest.Length)
            return new ZkvmProofCheck(preset.Name, ZkvmVerification.Reject("aggregated proofs use 8-element digests"), 0, []);
        var config = policy.Apply(preset);
        var result = config.ExtensionDegree == 4
            ? new ZkvmAggregateVerifier<KoalaBearQuartic>(config, config, program).Verify(envelope.Proof)
            : new ZkvmAggregateVerifier<KoalaBearOctic>(config, config, program).Verify(envelope.Proof);
        if (result.IsValid && expectedInput is not null && (result.InputSize != (ulong)expectedInput.Length
            || !result.InputCommitment.AsSpan().SequenceEqual(Zkvm.Input.InputCommitment.Compute(expectedInput))))
            result = ZkvmVerification.Reject("the proof is about another input (size or commitment differs)");
        return new ZkvmProofCheck(config.Name, result, sw.Elapsed.TotalMilliseconds, envelope.Proof.Length >= 40 ? envelope.Proof[8..40] : []);
    }
}
