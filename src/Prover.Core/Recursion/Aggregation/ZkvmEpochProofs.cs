using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>The aggregation of several blocks' proof files into one epoch file, and what each proof cost.</summary>
/// <param name="VerificationMilliseconds">The result verified once by a warm verifier (the prover's programs and keys).</param>
public sealed record ZkvmEpochReport(byte[] File, int Blocks, IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> Proofs, double TotalMilliseconds,
    double VerificationMilliseconds)
{
    public Security.SecurityReport? Security { get; init; }

    /// <summary>The verifying key the top proof is checked against, 8 or 12 canonical elements.</summary>
    public uint[]? VerifyingKey { get; init; }
}

/// <summary>The check of an epoch file: its configuration, the verdict (each block's public values), the warm time and the program it names.</summary>
public sealed record ZkvmEpochCheck(string Config, ZkvmEpochVerification Result, double VerificationMilliseconds, byte[] ProgramDigest)
{
    /// <summary>How many verifications <see cref="VerificationMilliseconds"/> is the median of (<see cref="ZkvmProofFile.WarmMilliseconds"/>).</summary>
    public int WarmRuns { get; init; } = 1;

    public Security.SecurityReport? Security { get; init; }

    public uint[]? VerifyingKey { get; init; }
}

/// <summary>
/// Epoch proof files (docs/design.md, "Recursion", blocks to epochs): a <see cref="ProofEnvelope"/> with statement
/// <see cref="Statement"/> (the epoch tree's root) or <see cref="FinalStatement"/> (the final proof over it), the blocks'
/// configuration name and the <see cref="ZkvmEpochProof{TDef, TDigest}"/> bytes. The recursion layers follow from the
/// configuration as for one execution (<see cref="ZkvmRecursionLayers.For"/>). One guest program per epoch.
/// </summary>
public static class ZkvmEpochProofs
{
    public const string Statement = "zkvm-epoch";

    public const string FinalStatement = "zkvm-epoch-final";

    public static string StatementOf(ZkvmAggregateKind kind) => kind == ZkvmAggregateKind.Final ? FinalStatement : Statement;

    /// <summary>The kind of epoch file <paramref name="file"/> is (by its envelope), or null when it is not an epoch file.</summary>
    public static ZkvmAggregateKind? KindOf(ReadOnlySpan<byte> file) => ZkvmProofFile.StatementOf(file) switch
    {
        Statement => ZkvmAggregateKind.Aggregated,
        FinalStatement => ZkvmAggregateKind.Final,
        _ => null,
    };

    /// <summary>
    /// Aggregates blocks' proof files of <paramref name="program"/> — each an execution proof file (its aggregation tree is
    /// proved here) or an aggregated (root) file, in order, all under one configuration — into one epoch file, with
    /// <paramref name="kind"/> <see cref="ZkvmAggregateKind.Final"/> the final proof over the epoch root. An
    /// <see cref="ArgumentException"/> for fewer than two files, a file of another kind (a final or epoch file), mixed
    /// configurations, another program or a block that does not verify; <see cref="RecursionRejectedException"/> when a
    /// proof fails the program above it.
    /// </summary>
    public static ZkvmEpochReport Aggregate(ZkvmProgram program, IReadOnlyList<byte[]> files, ZkvmAggregateKind kind = ZkvmAggregateKind.Aggregated,
        Action<string, double, int>? progress = null, ZkvmKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        var envelopes = Envelopes(files);
        var config = StarkConfig.Presets.FirstOrDefault(p => p.Name == envelopes[0].ConfigName)
            ?? throw new ArgumentException($"unknown configuration '{envelopes[0].ConfigName}'");
        var layers = ZkvmRecursionLayers.For(config);
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Aggregate(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program, keyCache), envelopes, kind, progress),
            (4, _) => Aggregate(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program, keyCache), envelopes, kind, progress),
            (_, KoalaBearDigest.Length) => Aggregate(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program, keyCache), envelopes, kind, progress),
            _ => Aggregate(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program, keyCache), envelopes, kind, progress),
        };
    }

    /// <summary>
    /// The same with the programs and keys <paramref name="keys"/> (made once for several epochs; the files' configuration
    /// names are only compared with each other).
    /// </summary>
    public static ZkvmEpochReport Aggregate<TDef, TDigest>(ZkvmAggregationKeys<TDef, TDigest> keys, IReadOnlyList<byte[]> files, ZkvmAggregateKind kind = ZkvmAggregateKind.Aggregated,
        Action<string, double, int>? progress = null)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Aggregate(keys, Envelopes(files), kind, progress);
    }

    /// <summary>The blocks' envelopes: at least two, each an execution or aggregated proof file, all under one configuration.</summary>
    private static ProofEnvelope[] Envelopes(IReadOnlyList<byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count < 2)
            throw new ArgumentException($"an epoch aggregates at least two blocks' proofs, not {files.Count}");
        var envelopes = new ProofEnvelope[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            try
            {
                envelopes[i] = ProofEnvelope.Parse(files[i]);
            }
            catch (ProofFormatException e)
            {
                throw new ArgumentException($"block {i}: not a proof file: {e.Message}", e);
            }
            string statement = envelopes[i].Statement;
            if (statement is ZkvmAggregateProofs.FinalStatement)
                throw new ArgumentException($"block {i}: a final proof ends its execution's chain; pass the execution proof or its aggregated (root) proof");
            if (statement is Statement or FinalStatement)
                throw new ArgumentException($"block {i}: an epoch file; epochs of epochs are not supported");
            if (statement is not (ZkvmProofs.Statement or ZkvmAggregateProofs.Statement))
                throw new ArgumentException($"block {i}: not an execution or aggregated proof (statement '{statement}')");
            if (envelopes[i].ConfigName != envelopes[0].ConfigName)
                throw new ArgumentException($"mixed configurations: block 0 is '{envelopes[0].ConfigName}', block {i} '{envelopes[i].ConfigName}' (an epoch is under one)");
        }
        return envelopes;
    }

    private static ZkvmEpochReport Aggregate<TDef, TDigest>(ZkvmAggregationKeys<TDef, TDigest> keys, ProofEnvelope[] envelopes, ZkvmAggregateKind kind,
        Action<string, double, int>? progress)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var timings = new List<(string Layer, double Milliseconds, int Bytes)>();
        int reported = 0;
        void Report(string prefix)
        {
            for (; reported < timings.Count; reported++)
            {
                timings[reported] = (prefix + timings[reported].Layer, timings[reported].Milliseconds, timings[reported].Bytes);
                progress?.Invoke(timings[reported].Layer, timings[reported].Milliseconds, timings[reported].Bytes);
            }
        }
        var blocks = new ZkvmEpochBlock<TDef, TDigest>[envelopes.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            try
            {
                if (envelopes[i].Statement == ZkvmProofs.Statement)
                {
                    var execution = ZkvmProof<TDef, TDigest>.Parse(envelopes[i].Proof, keys.ShardConfig);
                    if (!execution.ProgramDigest.AsSpan().SequenceEqual(keys.Program.Digest))
                        throw new ArgumentException($"a proof of program {Convert.ToHexStringLower(execution.ProgramDigest)}, not {Convert.ToHexStringLower(keys.Program.Digest)}: an epoch is over one guest program");
                    blocks[i] = ZkvmEpochAggregator<TDef, TDigest>.BlockOf(keys, execution, timings);
                }
                else
                    blocks[i] = ZkvmEpochAggregator<TDef, TDigest>.BlockOf(keys, ZkvmAggregateProof<TDef, TDigest>.Parse(envelopes[i].Proof, keys.RecursionConfig, keys.FinalConfig));
            }
            catch (ProofFormatException e)
            {
                throw new ArgumentException($"block {i}: malformed proof: {e.Message}", e);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"block {i}: {e.Message}", e);
            }
            Report($"block {i}: ");
        }
        var aggregator = new ZkvmEpochAggregator<TDef, TDigest>(keys, blocks);
        int epochReported = 0;
        var items = Enumerable.Range(0, blocks.Length).Select(aggregator.Block).ToList();
        foreach (var level in ShardCommitmentTree.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : Epoch(aggregator.Node(items[p.Left], items[p.Right])))];
        var result = kind == ZkvmAggregateKind.Final ? aggregator.FromFinal(Epoch(aggregator.Final(items[0]))) : aggregator.FromRoot(items[0].Item);
        var bytes = result.ToBytes();
        var file = new ProofEnvelope(StatementOf(kind), keys.ShardConfig.Name, bytes).ToBytes();
        double total = sw.Elapsed.TotalMilliseconds;
        var verifier = new ZkvmEpochVerifier<TDef, TDigest>(keys);
        sw.Restart();
        var verdict = verifier.Verify(bytes);
        double verifyMs = sw.Elapsed.TotalMilliseconds;
        if (!verdict.IsValid)
            throw new InvalidOperationException("the epoch proof does not verify: " + verdict.Error);
        return new ZkvmEpochReport(file, blocks.Length, timings, total, verifyMs)
        {
            Security = verdict.Security,
            VerifyingKey = verifier.LastKey?.ToCanonical(),
        };

        T Epoch<T>(T item)
        {
            // The epoch layers' proofs (the aggregator's timings) after the blocks' trees.
            for (; epochReported < aggregator.Timings.Count; epochReported++)
                timings.Add(aggregator.Timings[epochReported]);
            Report("");
            return item;
        }
    }

    /// <summary>
    /// Verifies an epoch file against <paramref name="program"/>; malformed files are rejections; <paramref name="policy"/>
    /// decides whether the configuration is accepted. Verified <paramref name="runs"/> times by one verifier (the first
    /// cold: every block's tree and the epoch's programs and keys); the time reported is
    /// <see cref="ZkvmProofFile.WarmMilliseconds"/>'s, the verifier's steady state.
    /// </summary>
    public static ZkvmEpochCheck Verify(ZkvmProgram program, ReadOnlySpan<byte> file, VerificationPolicy? policy = null, int runs = 1, ZkvmKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var sw = Stopwatch.StartNew();
        var (envelope, config, rejection) = ZkvmProofFile.Open(file, [Statement, FinalStatement], "an epoch proof", policy ?? VerificationPolicy.Default, sw);
        if (rejection is not null)
            return new ZkvmEpochCheck(rejection.Config, ZkvmEpochVerification.Reject(rejection.Result.Error!), rejection.VerificationMilliseconds, []);
        var layers = ZkvmRecursionLayers.For(config!);
        return (config!.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Check(new ZkvmEpochVerifier<KoalaBearQuartic, KoalaBearDigest>(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            (4, _) => Check(new ZkvmEpochVerifier<KoalaBearQuartic, KoalaBearWideDigest>(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            (_, KoalaBearDigest.Length) => Check(new ZkvmEpochVerifier<KoalaBearOctic, KoalaBearDigest>(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
            _ => Check(new ZkvmEpochVerifier<KoalaBearOctic, KoalaBearWideDigest>(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program, keyCache)), config, envelope!, runs, sw),
        };
    }

    private static ZkvmEpochCheck Check<TDef, TDigest>(ZkvmEpochVerifier<TDef, TDigest> verifier, StarkConfig config, ProofEnvelope envelope, int runs, Stopwatch sw)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ZkvmEpochVerification result = null!;
        var times = new List<double>(runs);
        for (int run = 0; run < runs; run++)
        {
            sw.Restart();
            result = verifier.Verify(envelope.Proof);
            // The other kind inside this envelope (an epoch root labelled final, or the reverse) is another statement.
            if (result.IsValid && ZkvmEpochProof<TDef, TDigest>.KindOf(envelope.Proof) is { } kind && StatementOf(kind) != envelope.Statement)
                result = ZkvmEpochVerification.Reject($"the envelope says '{envelope.Statement}' but holds a proof of another kind");
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (!result.IsValid)
                break;
        }
        return new ZkvmEpochCheck(config.Name, result, ZkvmProofFile.WarmMilliseconds(times), envelope.Proof.Length >= 42 ? envelope.Proof[10..42] : [])
        {
            WarmRuns = ZkvmProofFile.WarmCount(times.Count),
            Security = result.IsValid ? result.Security : null,
            VerifyingKey = verifier.LastKey?.ToCanonical(),
        };
    }
}
