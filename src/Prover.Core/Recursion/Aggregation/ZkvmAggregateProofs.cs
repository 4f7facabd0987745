using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>The aggregation of an execution proof file: the aggregated (or final) file, and what each proof of the tree cost.</summary>
/// <param name="VerificationMilliseconds">The result verified once by a warm verifier (the tree's programs and keys
/// already made, as a verifier of many proofs of one program keeps them): the native statement checks and the top STARK.</param>
public sealed record ZkvmAggregateReport(byte[] File, int Shards, IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> Proofs, double TotalMilliseconds,
    double VerificationMilliseconds)
{
    /// <summary>The verification's security: the weakest proof of the chain (shards, tree, top proof).</summary>
    public Security.SecurityReport? Security { get; init; }

    /// <summary>The verifying key the top proof is checked against (<see cref="ZkvmAggregateVerifier{TDef, TDigest}.LastKey"/>), 8 or 12 canonical elements.</summary>
    public uint[]? VerifyingKey { get; init; }

    /// <summary>The steps of every recursion proof by layer (<see cref="ZkvmAggregator{TDef, TDigest}.Phases"/>).</summary>
    public IReadOnlyList<(string Layer, string Phase, double Milliseconds)> Phases { get; init; } = [];
}

/// <summary>
/// Aggregated and final proof files: a <see cref="ProofEnvelope"/> with statement <see cref="Statement"/> (the tree's
/// root) or <see cref="FinalStatement"/> (the final proof over it), the shards' configuration name and the
/// <see cref="ZkvmAggregateProof{TDef, TDigest}"/> bytes. The recursion layers' configurations follow from the shards' by
/// <see cref="ZkvmRecursionLayers.For"/> (provable-100 shards: provable-100 leaves and nodes, then a recursion-100 wrap
/// and the final-100 final proof; provable-128 shards: provable-128 leaves and nodes, a recursion-128 wrap and the
/// final-128 final proof, every layer with 12-element digests; otherwise the shards' own). The envelope handling is
/// <see cref="ZkvmProofFile"/>'s, shared with <see cref="ZkvmProofs"/>.
/// </summary>
public static class ZkvmAggregateProofs
{
    public const string Statement = "zkvm-aggregate";

    public const string FinalStatement = "zkvm-final";

    /// <summary>The envelope statement of a proof of <paramref name="kind"/>.</summary>
    public static string StatementOf(ZkvmAggregateKind kind) => kind == ZkvmAggregateKind.Final ? FinalStatement : Statement;

    /// <summary>The kind of <paramref name="file"/> (by its envelope), or null when it is neither an aggregated nor a final proof file.</summary>
    public static ZkvmAggregateKind? KindOf(ReadOnlySpan<byte> file) => ZkvmProofFile.StatementOf(file) switch
    {
        Statement => ZkvmAggregateKind.Aggregated,
        FinalStatement => ZkvmAggregateKind.Final,
        _ => null,
    };

    /// <summary>Whether <paramref name="file"/> is an aggregated or final proof file (by its envelope).</summary>
    public static bool IsAggregateProof(ReadOnlySpan<byte> file) => KindOf(file) is not null;

    /// <summary>
    /// Aggregates the execution proof file <paramref name="executionFile"/> of <paramref name="program"/> into one root
    /// proof, and with <paramref name="kind"/> <see cref="ZkvmAggregateKind.Final"/> the final proof over it. An
    /// <see cref="ArgumentException"/> when the file is not a valid execution proof of the program (or of a configuration
    /// the recursion chips cannot verify), <see cref="RecursionRejectedException"/> when a shard's proof fails its leaf.
    /// </summary>
    /// <remarks>
    /// <paramref name="catalogLogShardSize"/>: for a budget-policy proof with shards of 2^k cycles, k, so that the tree's
    /// family is the guest's shard catalog's (<see cref="ShardCatalog"/>: the final key is then the same for every execution
    /// of the guest at that k and these configurations); null: the execution's own shapes.
    /// </remarks>
    public static ZkvmAggregateReport Aggregate(ZkvmProgram program, ReadOnlySpan<byte> executionFile, ZkvmAggregateKind kind = ZkvmAggregateKind.Aggregated,
        Action<string, double, int>? progress = null, ZkvmKeyCache? keyCache = null, int? catalogLogShardSize = null)
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
        var layers = ZkvmRecursionLayers.For(config);
        // The tree's extension and digest are the shards' (a provable-128 execution: the octic extension and 12-element
        // digests in every layer, width-24 Poseidon2 throughout).
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Aggregate(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program, keyCache), envelope.Proof, kind, progress, catalogLogShardSize),
            (4, _) => Aggregate(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program, keyCache), envelope.Proof, kind, progress, catalogLogShardSize),
            (_, KoalaBearDigest.Length) => Aggregate(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program, keyCache), envelope.Proof, kind, progress, catalogLogShardSize),
            _ => Aggregate(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program, keyCache), envelope.Proof, kind, progress, catalogLogShardSize),
        };
    }

    /// <summary>The same from a parsed execution proof, with the tree's programs and keys <paramref name="keys"/> (made once for several executions).</summary>
    public static ZkvmAggregateReport Aggregate<TDef, TDigest>(ZkvmAggregationKeys<TDef, TDigest> keys, ZkvmProof<TDef, TDigest> proof, ZkvmAggregateKind kind,
        Action<string, double, int>? progress = null, int? catalogLogShardSize = null)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(keys);
        var sw = Stopwatch.StartNew();
        var aggregator = new ZkvmAggregator<TDef, TDigest>(keys, proof, catalogLogShardSize is { } k ? ShardCatalog.For(keys.Program, k) : null);
        int reported = 0;
        ZkvmAggregationItem<TDef, TDigest> Report(ZkvmAggregationItem<TDef, TDigest> item)
        {
            for (; reported < aggregator.Timings.Count; reported++)
                progress?.Invoke(aggregator.Timings[reported].Layer, aggregator.Timings[reported].Milliseconds, aggregator.Timings[reported].Bytes);
            return item;
        }
        // The leaves grouped by program (each leaf's proving key made once, dropped after its group); the same proofs in shard order.
        var items = aggregator.Leaves(item => Report(item));
        foreach (var level in ShardCommitmentTree.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : Report(aggregator.Node(items[p.Left], items[p.Right])))];
        // One shard: its leaf lifted to the node shape, the root the verifier expects (ZkvmAggregationFamily.Top(1), as Root() does).
        var root = items.Count == 1 && aggregator.Family.IsLeaf(items[0].Child) ? Report(aggregator.Lift(items[0])) : items[0];
        var result = kind == ZkvmAggregateKind.Final ? aggregator.FromFinal(Report(aggregator.Final(root))) : aggregator.FromRoot(root);
        var bytesOut = result.ToBytes();
        var file = new ProofEnvelope(StatementOf(kind), keys.ShardConfig.Name, bytesOut).ToBytes();
        double total = sw.Elapsed.TotalMilliseconds;
        // The result checked by a verifier that shares the prover's programs and keys (warm): a proof that does not verify is a bug here.
        var verifier = new ZkvmAggregateVerifier<TDef, TDigest>(keys);
        sw.Restart();
        var verdict = verifier.Verify(bytesOut);
        double verifyMs = sw.Elapsed.TotalMilliseconds;
        if (!verdict.IsValid)
            throw new InvalidOperationException("the aggregated proof does not verify: " + verdict.Error);
        return new ZkvmAggregateReport(file, aggregator.ShardCount, aggregator.Timings, total, verifyMs)
        {
            Security = verdict.Security,
            VerifyingKey = verifier.LastKey?.ToCanonical(),
            Phases = aggregator.Phases,
        };
    }

    /// <summary>
    /// Parses an execution proof file under its named preset (what <see cref="Aggregate(ZkvmProgram, ReadOnlySpan{byte}, ZkvmAggregateKind, Action{string, double, int}?)"/> reads).
    /// </summary>
    private static ZkvmProof<TDef, TDigest> ParseExecution<TDef, TDigest>(byte[] bytes, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        try
        {
            return ZkvmProof<TDef, TDigest>.Parse(bytes, config);
        }
        catch (ProofFormatException e)
        {
            throw new ArgumentException("malformed execution proof: " + e.Message, e);
        }
    }

    private static ZkvmAggregateReport Aggregate<TDef, TDigest>(ZkvmAggregationKeys<TDef, TDigest> keys, byte[] bytes, ZkvmAggregateKind kind, Action<string, double, int>? progress,
        int? catalogLogShardSize)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        Aggregate(keys, ParseExecution<TDef, TDigest>(bytes, keys.ShardConfig), kind, progress, catalogLogShardSize);

    /// <summary>
    /// Verifies an aggregated or final proof file against <paramref name="program"/> (and, with
    /// <paramref name="expectedInput"/>, its input); malformed files are rejections. <paramref name="policy"/> decides
    /// whether the configuration is accepted. The proof is verified <paramref name="runs"/> times by one verifier: the first
    /// run rebuilds the tree's programs and keys (a cold verifier), later runs are warm (a verifier of many proofs of one
    /// program keeps them). The time reported is <see cref="ZkvmProofFile.WarmMilliseconds"/>'s: the median of the last half
    /// of the warm runs (the second run alone for 2), so that with enough runs it is the verifier's steady state, its code
    /// past the runtime's tiered compilation (a verifier of many proofs), not the first warm run's partly unoptimised code.
    /// The check's <see cref="ZkvmProofCheck.VerifyingKey"/> is the top program's key.
    /// </summary>
    public static ZkvmProofCheck Verify(ZkvmProgram program, ReadOnlySpan<byte> file, byte[]? expectedInput = null, VerificationPolicy? policy = null, int runs = 1, ZkvmKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var sw = Stopwatch.StartNew();
        var (envelope, config, rejection) = ZkvmProofFile.Open(file, [Statement, FinalStatement], "an aggregated or final proof", policy ?? VerificationPolicy.Default, sw);
        if (rejection is not null)
            return rejection;
        var layers = ZkvmRecursionLayers.For(config!);
        var check = (config!.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Check(new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            (4, _) => Check(new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearWideDigest>(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            (_, KoalaBearDigest.Length) => Check(new ZkvmAggregateVerifier<KoalaBearOctic, KoalaBearDigest>(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            _ => Check(new ZkvmAggregateVerifier<KoalaBearOctic, KoalaBearWideDigest>(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
        };
        return ZkvmProofFile.CheckInput(check, expectedInput);
    }

    private static ZkvmProofCheck Check<TDef, TDigest>(ZkvmAggregateVerifier<TDef, TDigest> verifier, StarkConfig config, ProofEnvelope envelope, int runs, Stopwatch sw)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ZkvmVerification result = null!;
        var times = new List<double>(runs);
        for (int run = 0; run < runs; run++)
        {
            sw.Restart();
            result = verifier.Verify(envelope.Proof);
            // A proof of the other kind inside this envelope (a root labelled final, or the reverse) is another statement.
            if (result.IsValid && ZkvmAggregateProof<TDef, TDigest>.KindOf(envelope.Proof) is var kind && StatementOf(kind!.Value) != envelope.Statement)
                result = ZkvmVerification.Reject($"the envelope says '{envelope.Statement}' but holds a proof of another kind");
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (!result.IsValid)
                break; // the same verdict every time: a rejection is reported at once
        }
        return new ZkvmProofCheck(config.Name, result, ZkvmProofFile.WarmMilliseconds(times), envelope.Proof.Length >= 40 ? envelope.Proof[8..40] : [])
        {
            WarmRuns = ZkvmProofFile.WarmCount(times.Count),
            Security = result.IsValid ? result.Security : null,
            VerifyingKey = verifier.LastKey?.ToCanonical(),
        };
    }
}
