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

    /// <summary>Proves the demo <paramref name="demo"/> at 2^<paramref name="logRows"/> rows under <paramref name="inner"/>, then its verification under <paramref name="outer"/> (same extension, 8-element digests).</summary>
    public static RecursionProofReport ForDemo(string demo, int logRows, StarkConfig inner, StarkConfig outer)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outer);
        if (inner.ExtensionDegree != outer.ExtensionDegree || inner.DigestElements != KoalaBearDigest.Length || outer.DigestElements != KoalaBearDigest.Length)
            throw new ArgumentException("this report is built for 8-element digests (provable-128 recursion is measured by the recursion-final benchmark, not here), with the inner proof's extension for the outer proof");
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        return inner.ExtensionDegree == 4
            ? For<KoalaBearQuartic>($"demo/{demo} 2^{logRows}", airs, traces, publics, inner, outer)
            : For<KoalaBearOctic>($"demo/{demo} 2^{logRows}", airs, traces, publics, inner, outer);
    }

    private static RecursionProofReport For<TDef>(string shape, IAir<KoalaBear>[] airs, Matrix.RowMajorMatrix<KoalaBear>[] traces, KoalaBear[][] publics,
        StarkConfig inner, StarkConfig outer)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var sw = Stopwatch.StartNew();
        var proof = new StarkProver<KoalaBearParameters, TDef, KoalaBearDigest>(inner).Prove(airs, traces, publics);
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
        if (inner.ExtensionDegree != outer.ExtensionDegree || inner.DigestElements != KoalaBearDigest.Length || outer.DigestElements != KoalaBearDigest.Length)
            throw new ArgumentException("this report is built for 8-element digests (provable-128 recursion is measured by the recursion-final benchmark, not here), with the inner proof's extension for the outer proof");
        return inner.ExtensionDegree == 4
            ? ForShard<KoalaBearQuartic>(elf, input, inner, outer, shard)
            : ForShard<KoalaBearOctic>(elf, input, inner, outer, shard);
    }

    private static RecursionProofReport ForShard<TDef>(byte[] elf, byte[] input, StarkConfig inner, StarkConfig outer, int shard)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var program = Zkvm.Proving.ZkvmProgram.FromElf(elf);
        var sw = Stopwatch.StartNew();
        var zk = new Zkvm.Proving.ZkvmProver<TDef, KoalaBearDigest>(new Zkvm.Proving.ZkvmProverOptions { Config = inner }).Prove(program, input);
        double innerMs = sw.Elapsed.TotalMilliseconds;
        int s = shard < 0 ? zk.Shards.Count - 1 : shard;
        if (s >= zk.Shards.Count)
            throw new ArgumentException($"the execution has {zk.Shards.Count} shards, not {s + 1}");
        // The statement around the shard, derived as ZkvmVerifier does: one preprocessed key over all chips (each shard
        // uses its subset) and the shared challenges drawn over every shard's commitment.
        var chips = zk.ShardChips;
        var heights = zk.Shards.Select(p => p.LogHeights).ToArray();
        var fullKey = StarkSetup.Preprocess<KoalaBearParameters, KoalaBearDigest>(program.Airs, Zkvm.Proving.ZkvmProgram.RegistryHeights(chips[^1], heights[^1]),
            inner.LogBlowup)!.VerifyingKey;
        var commitments = zk.Shards.Select((p, k) => Zkvm.Proving.ShardCommitment.Of(chips[k], p.LogHeights, p.PublicValues, p.MainCommitment)).ToArray();
        var (seeds, _, _) = Zkvm.Proving.ZkvmStatement.Challenges<TDef, KoalaBearDigest>(inner, program, fullKey.PreprocessedRoot, zk.InputSize,
            zk.InputCommitment, zk.Output, zk.ExitCode, zk.Cycles, commitments);
        double fractions = Zkvm.Proving.ZkvmBusBudget.StatementFractions(program, chips, heights, zk.Output.Length);
        var shared = seeds[s] with { StatementFractions = fractions };
        var airs = program.AirsOf(chips[s]).ToArray();
        var key = fullKey.Subset(program.Airs, chips[s].Indices());
        var proof = zk.Shards[s];
        return Recurse($"zkVM shard {s} of {zk.Shards.Count} ({zk.Cycles} cycles, {airs.Length} tables)", airs, proof, key, shared, inner, outer, innerMs,
            ProofSerializer.Serialize(proof).Length);
    }

    private static RecursionProofReport Recurse<TDef>(string shape, IAir<KoalaBear>[] airs, StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, KoalaBearDigest> proof,
        VerifyingKey<KoalaBearParameters, KoalaBearDigest>? innerKey, SharedBusChallenges<ExtensionField<KoalaBear, TDef>>? shared, StarkConfig inner, StarkConfig outer,
        double innerMs, int innerBytes)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var sw = Stopwatch.StartNew();
        var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, KoalaBearDigest>.Build(inner, airs, proof.LogHeights, shared?.Seed.Length, shared?.StatementFractions);
        double buildMs = sw.Elapsed.TotalMilliseconds;
        var hints = new StarkProofHints<KoalaBearParameters, TDef, KoalaBearDigest>(inner, airs, proof, innerKey, shared);
        return ProveRun<TDef>(shape, program, hints, inner, outer, innerMs, innerBytes, buildMs);
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
        if (inner.ExtensionDegree != outer.ExtensionDegree || inner.DigestElements != KoalaBearDigest.Length || outer.DigestElements != KoalaBearDigest.Length)
            throw new ArgumentException("this report is built for 8-element digests (provable-128 recursion is measured by the recursion-final benchmark, not here), with the inner proof's extension for the outer proof");
        return inner.ExtensionDegree == 4
            ? Layer<KoalaBearQuartic>(demo, logRows, inner, outer, children)
            : Layer<KoalaBearOctic>(demo, logRows, inner, outer, children);
    }

    private static RecursionProofReport Layer<TDef>(string demo, int logRows, StarkConfig inner, StarkConfig outer, int children)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var sw = Stopwatch.StartNew();
        var first = new List<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, KoalaBearDigest>>();
        RecursionMachine<KoalaBearParameters, TDef>? machine = null;
        VerifyingKey<KoalaBearParameters, KoalaBearDigest>? key = null;
        for (int c = 0; c < children; c++)
        {
            var (airs, traces, publics) = DemoCatalog.Build(demo, logRows, seed: c + 1);
            var proof = new StarkProver<KoalaBearParameters, TDef, KoalaBearDigest>(inner).Prove(airs, traces, publics);
            var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, KoalaBearDigest>.Build(inner, airs, proof.LogHeights);
            machine ??= new RecursionMachine<KoalaBearParameters, TDef>(program);
            key ??= machine.Setup<KoalaBearDigest>(inner).VerifyingKey;
            first.Add(new RecursionProver<KoalaBearParameters, TDef, KoalaBearDigest>(inner).Prove(program, new StarkProofHints<KoalaBearParameters, TDef, KoalaBearDigest>(inner, airs, proof)).Stark);
        }
        double innerMs = sw.Elapsed.TotalMilliseconds;
        int innerBytes = first.Sum(p => ProofSerializer.Serialize(p).Length);
        sw.Restart();
        var top = RecursiveStarkVerifier<KoalaBearParameters, TDef, KoalaBearDigest>.BuildAggregation(inner, machine!.Airs, [.. first.Select(p => (IReadOnlyList<int>)p.LogHeights)],
            key!.PreprocessedRoot);
        double buildMs = sw.Elapsed.TotalMilliseconds;
        var hints = new AggregationHints<KoalaBearParameters>([.. first.Select(p => new StarkProofHints<KoalaBearParameters, TDef, KoalaBearDigest>(inner, machine.Airs, p, key))]);
        string shape = children == 1 ? $"second layer over demo/{demo} 2^{logRows}" : $"2-to-1 node over 2 × demo/{demo} 2^{logRows}";
        return ProveRun<TDef>(shape, top, hints, inner, outer, innerMs, innerBytes, buildMs);
    }

    private static RecursionProofReport ProveRun<TDef>(string shape, RecursionProgram program, IRecursionHints<KoalaBearParameters> hints, StarkConfig inner, StarkConfig outer,
        double innerMs, int innerBytes, double buildMs)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var sw = Stopwatch.StartNew();
        var prover = new RecursionProver<KoalaBearParameters, TDef, KoalaBearDigest>(outer);
        sw.Restart();
        var recursion = prover.Prove(program, hints);
        double provingMs = sw.Elapsed.TotalMilliseconds;
        int bytes = ProofSerializer.Serialize(recursion.Stark).Length;
        // Verification timed warm: the machine and its key (the program) are made once (the verifier's cache), as a
        // verifier of many proofs would; the median of 5 runs after one untimed.
        var verifier = new RecursionVerifier<KoalaBearParameters, TDef, KoalaBearDigest>(outer);
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
}
