using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>One recursion table of a proof: instructions it executes, height and columns (cells = height × all columns).</summary>
public sealed record RecursionTableReport(string Table, int Rows, int LogHeight, int Width, int PreprocessedWidth)
{
    public long Cells => (long)(Width + PreprocessedWidth) << LogHeight;
}

/// <summary>
/// A recursive proof measured end to end (docs/benchmarks.md, "Recursion"): an inner proof is made, the verifier program
/// for its shape built and run, its run proved by the recursion chips and the recursion proof verified.
/// </summary>
public sealed record RecursionProofReport(string Shape, string InnerConfig, string OuterConfig, int InnerProofBytes, double InnerProvingMilliseconds,
    int Instructions, IReadOnlyDictionary<RecursionOp, int> Operations, double BuildMilliseconds, IReadOnlyList<RecursionTableReport> Tables,
    IReadOnlyList<(string Phase, double Milliseconds)> Phases, double ProvingMilliseconds, int ProofBytes, double VerificationMilliseconds, bool Valid, string Verdict,
    IReadOnlyList<uint> Outputs)
{
    /// <summary>Provable and conjectured bits of the recursion proof (the outer configuration at the chips' heights).</summary>
    public (int Provable, int Conjectured) Security { get; init; }

    /// <summary>Proves the demo <paramref name="demo"/> at 2^<paramref name="logRows"/> rows under <paramref name="inner"/>, then its verification under <paramref name="outer"/> (same extension and digest: 8 elements, or 12 under provable-128).</summary>
    public static RecursionProofReport ForDemo(string demo, int logRows, StarkConfig inner, StarkConfig outer)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outer);
        CheckPair(inner, outer);
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        string shape = $"demo/{demo} 2^{logRows}";
        return (inner.ExtensionDegree, inner.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => For<KoalaBearQuartic, KoalaBearDigest>(shape, airs, traces, publics, inner, outer),
            (4, _) => For<KoalaBearQuartic, KoalaBearWideDigest>(shape, airs, traces, publics, inner, outer),
            (_, KoalaBearDigest.Length) => For<KoalaBearOctic, KoalaBearDigest>(shape, airs, traces, publics, inner, outer),
            _ => For<KoalaBearOctic, KoalaBearWideDigest>(shape, airs, traces, publics, inner, outer),
        };
    }

    private static RecursionProofReport For<TDef, TDigest>(string shape, IAir<KoalaBear>[] airs, Matrix.RowMajorMatrix<KoalaBear>[] traces, KoalaBear[][] publics,
        StarkConfig inner, StarkConfig outer)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var proof = new StarkProver<KoalaBearParameters, TDef, TDigest>(inner).Prove(airs, traces, publics);
        double innerMs = sw.Elapsed.TotalMilliseconds;
        return Recurse(shape, airs, proof, null, null, inner, outer, innerMs, ProofSerializer.Serialize(proof).Length);
    }

    /// <summary>
    /// Proves the guest <paramref name="elf"/> on <paramref name="input"/> (one zkVM proof under <paramref name="inner"/>),
    /// then the verification of its shard <paramref name="shard"/> (the last where negative) as one proof of the shards'
    /// shared-challenge group, with the key and seed the zkVM verifier derives.
    /// </summary>
    public static RecursionProofReport ForZkvmShard(byte[] elf, byte[] input, StarkConfig inner, StarkConfig outer, int shard = -1)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outer);
        CheckPair(inner, outer);
        return (inner.ExtensionDegree, inner.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => ForShard<KoalaBearQuartic, KoalaBearDigest>(elf, input, inner, outer, shard),
            (4, _) => ForShard<KoalaBearQuartic, KoalaBearWideDigest>(elf, input, inner, outer, shard),
            (_, KoalaBearDigest.Length) => ForShard<KoalaBearOctic, KoalaBearDigest>(elf, input, inner, outer, shard),
            _ => ForShard<KoalaBearOctic, KoalaBearWideDigest>(elf, input, inner, outer, shard),
        };
    }

    private static RecursionProofReport ForShard<TDef, TDigest>(byte[] elf, byte[] input, StarkConfig inner, StarkConfig outer, int shard)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var program = Zkvm.Proving.ZkvmProgram.FromElf(elf).ForDigest(TDigest.Length);
        var sw = Stopwatch.StartNew();
        var zk = new Zkvm.Proving.ZkvmProver<TDef, TDigest>(new Zkvm.Proving.ZkvmProverOptions { Config = inner }).Prove(program, input);
        double innerMs = sw.Elapsed.TotalMilliseconds;
        int s = shard < 0 ? zk.Shards.Count - 1 : shard;
        if (s >= zk.Shards.Count)
            throw new ArgumentException($"the execution has {zk.Shards.Count} shards, not {s + 1}");
        // The statement around the shard, derived as ZkvmVerifier does: one preprocessed key over all chips (each shard
        // uses its subset) and the shared challenges drawn over every shard's commitment. The shards are proved in the
        // shape the prover chose (inner's own, or its small-statement shape, StarkConfig.ForTallestTable): the shape
        // their proofs state is the one their verification runs under.
        inner = zk.Shards[0].Config;
        var chips = zk.ShardChips;
        var heights = zk.Shards.Select(p => p.LogHeights).ToArray();
        var fullKey = StarkSetup.Preprocess<KoalaBearParameters, TDigest>(program.Airs, Zkvm.Proving.ZkvmProgram.RegistryHeights(chips[^1], heights[^1]),
            inner.LogBlowup)!.VerifyingKey;
        var commitments = zk.Shards.Select((p, k) => Zkvm.Proving.ShardCommitment.Of(chips[k], p.LogHeights, p.PublicValues, p.MainCommitment)).ToArray();
        var (seeds, _, _) = Zkvm.Proving.ZkvmStatement.Challenges<TDef, TDigest>(inner, program, fullKey.PreprocessedRoot, zk.InputSize,
            zk.InputCommitment, zk.Output, zk.ExitCode, zk.Cycles, commitments);
        double fractions = Zkvm.Proving.ZkvmBusBudget.StatementFractions(program, chips, heights, zk.Output.Length);
        var shared = seeds[s] with { StatementFractions = fractions };
        var airs = program.AirsOf(chips[s]).ToArray();
        var key = fullKey.Subset(program.Airs, chips[s].Indices());
        var proof = zk.Shards[s];
        return Recurse($"zkVM shard {s} of {zk.Shards.Count} ({zk.Cycles} cycles, {airs.Length} tables)", airs, proof, key, shared, inner, outer, innerMs,
            ProofSerializer.Serialize(proof).Length);
    }

    private static RecursionProofReport Recurse<TDef, TDigest>(string shape, IAir<KoalaBear>[] airs, StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> proof,
        VerifyingKey<KoalaBearParameters, TDigest>? innerKey, SharedBusChallenges<ExtensionField<KoalaBear, TDef>>? shared, StarkConfig inner, StarkConfig outer,
        double innerMs, int innerBytes)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Build(inner, airs, proof.LogHeights, shared?.Seed.Length, shared?.StatementFractions);
        double buildMs = sw.Elapsed.TotalMilliseconds;
        var hints = new StarkProofHints<KoalaBearParameters, TDef, TDigest>(inner, airs, proof, innerKey, shared);
        return ProveRun<TDef, TDigest>(shape, program, hints, inner, outer, innerMs, innerBytes, buildMs);
    }

    /// <summary>
    /// The layers above a first recursion proof of the demo <paramref name="demo"/>: the demo is proved under
    /// <paramref name="inner"/> and its verification proved under <paramref name="inner"/> (the first layer); then with
    /// <paramref name="children"/> = 1 the verification of that recursion proof (its program's key pinned), with 2 a 2-to-1
    /// aggregation node over two first-layer proofs (of the demo built with seeds 1 and 2), proved under <paramref name="outer"/>.
    /// "Inner proof" figures are the first layer's (the demo proofs and their recursion proofs, all of them).
    /// </summary>
    public static RecursionProofReport ForDemoLayer(string demo, int logRows, StarkConfig inner, StarkConfig outer, int children)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outer);
        if (children is < 1 or > 2)
            throw new ArgumentException("a layer above the first verifies 1 recursion proof (a second layer) or 2 (a 2-to-1 aggregation node)");
        CheckPair(inner, outer);
        return (inner.ExtensionDegree, inner.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Layer<KoalaBearQuartic, KoalaBearDigest>(demo, logRows, inner, outer, children),
            (4, _) => Layer<KoalaBearQuartic, KoalaBearWideDigest>(demo, logRows, inner, outer, children),
            (_, KoalaBearDigest.Length) => Layer<KoalaBearOctic, KoalaBearDigest>(demo, logRows, inner, outer, children),
            _ => Layer<KoalaBearOctic, KoalaBearWideDigest>(demo, logRows, inner, outer, children),
        };
    }

    private static RecursionProofReport Layer<TDef, TDigest>(string demo, int logRows, StarkConfig inner, StarkConfig outer, int children)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var first = new List<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>>();
        RecursionMachine<KoalaBearParameters, TDef>? machine = null;
        VerifyingKey<KoalaBearParameters, TDigest>? key = null;
        for (int c = 0; c < children; c++)
        {
            var (airs, traces, publics) = DemoCatalog.Build(demo, logRows, seed: c + 1);
            var proof = new StarkProver<KoalaBearParameters, TDef, TDigest>(inner).Prove(airs, traces, publics);
            var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Build(inner, airs, proof.LogHeights);
            machine ??= new RecursionMachine<KoalaBearParameters, TDef>(program);
            key ??= machine.Setup<TDigest>(inner).VerifyingKey;
            first.Add(new RecursionProver<KoalaBearParameters, TDef, TDigest>(inner).Prove(program, new StarkProofHints<KoalaBearParameters, TDef, TDigest>(inner, airs, proof)).Stark);
        }
        double innerMs = sw.Elapsed.TotalMilliseconds;
        int innerBytes = first.Sum(p => ProofSerializer.Serialize(p).Length);
        sw.Restart();
        var top = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.BuildAggregation(inner, machine!.Airs, [.. first.Select(p => (IReadOnlyList<int>)p.LogHeights)],
            key!.PreprocessedRoot);
        double buildMs = sw.Elapsed.TotalMilliseconds;
        var hints = new AggregationHints<KoalaBearParameters>([.. first.Select(p => new StarkProofHints<KoalaBearParameters, TDef, TDigest>(inner, machine.Airs, p, key))]);
        string shape = children == 1 ? $"second layer over demo/{demo} 2^{logRows}" : $"2-to-1 node over 2 × demo/{demo} 2^{logRows}";
        return ProveRun<TDef, TDigest>(shape, top, hints, inner, outer, innerMs, innerBytes, buildMs);
    }

    private static RecursionProofReport ProveRun<TDef, TDigest>(string shape, RecursionProgram program, IRecursionHints<KoalaBearParameters> hints, StarkConfig inner, StarkConfig outer,
        double innerMs, int innerBytes, double buildMs)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var prover = new RecursionProver<KoalaBearParameters, TDef, TDigest>(outer);
        sw.Restart();
        var recursion = prover.Prove(program, hints);
        double provingMs = sw.Elapsed.TotalMilliseconds;
        int bytes = ProofSerializer.Serialize(recursion.Stark).Length;
        // Verification timed warm: the machine and its key (the program) are made once (the verifier's cache), as a
        // verifier of many proofs would; the median of 5 runs after one untimed.
        var verifier = new RecursionVerifier<KoalaBearParameters, TDef, TDigest>(outer);
        var machine = verifier.Prepare(program).Machine;
        var verdict = verifier.Verify(program, recursion.Outputs, recursion.Stark);
        var runs = new double[5];
        for (int k = 0; k < runs.Length; k++)
        {
            sw.Restart();
            verdict = verifier.Verify(program, recursion.Outputs, recursion.Stark);
            runs[k] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(runs);
        double verifyMs = runs[runs.Length / 2];
        var tables = machine.Shape().Select(t => new RecursionTableReport(t.Table, t.Rows, t.LogHeight, t.Width, t.PreprocessedWidth)).ToArray();
        var phases = prover.LastTimings.Concat(prover.LastStarkTimings.Select(t => ("  STARK: " + t.Phase, t.Milliseconds))).ToArray();
        return new RecursionProofReport(shape, inner.Name, outer.Name, innerBytes, innerMs, program.Instructions.Count, program.Counts(), buildMs, tables,
            phases, provingMs, bytes, verifyMs, verdict.IsValid, verdict.ToString(), recursion.Outputs)
        {
            Security = (prover.LastSecurity!.Provable, prover.LastSecurity.Conjectured),
        };
    }

    /// <summary>
    /// The outer (recursion) proof takes the inner proof's extension and digest: the verifier program computes in the inner
    /// extension, and a recursion proof committing with the other digest would be a chain of mixed hash strength (an
    /// <see cref="ArgumentException"/>).
    /// </summary>
    private static void CheckPair(StarkConfig inner, StarkConfig outer)
    {
        if (inner.ExtensionDegree != outer.ExtensionDegree || inner.DigestElements != outer.DigestElements)
            throw new ArgumentException($"the outer proof must use the inner proof's extension and digest (inner '{inner.Name}': degree {inner.ExtensionDegree}, {inner.DigestElements}-element digests; outer '{outer.Name}': degree {outer.ExtensionDegree}, {outer.DigestElements}-element digests)");
    }
}
