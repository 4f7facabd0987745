using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using KoalaBearDigest = Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// The final low-rate layer (docs/benchmarks.md, "Recursion: the final layer"): a demo statement is proved under an
/// inner configuration, its verification proved by the recursion chips under the same configuration (a first-layer
/// recursion proof, what the tree's layers produce), and then the verification of that recursion proof (its program's
/// key pinned) is proved under candidate final configurations: for each log blowup, the fewest queries the security
/// calculator gives the target provable bits. Prints per candidate: size, proving time, provable / conjectured bits,
/// warm verification time (median; the verifying key made once) and the account of the proof's bytes by part.
/// <c>recursion-final [demo=fibonacci] [log=10] [inner=provable-100] [inner-blowup=B inner-queries=Q inner-pow=P] [blowups=4,5,6] [pow=20] [bits=100] [dir=DIR]
/// [verify-runs=9] [verify-only] [compare-reference] [shape-only]</c>: proofs are written to DIR as final-B.bin; with verify-only they are read back
/// instead of proved (run that under <c>taskset -c 0</c> and <c>DOTNET_PROCESSOR_COUNT=1</c> for one core); compare-reference also
/// times the reference verifier (ReferenceFamily.Verifier, no compiled-AIR cache) alternately with the fast one. Each
/// verification's phases (StarkVerifier.LastTimings) and the process CPU time per verification go to stderr.
/// </summary>
public static class RecursionFinal
{
    /// <summary>shape-only: print the final program's tables and each candidate's query count and bits, prove nothing.</summary>
    private static bool ShapeOnly;

    public static void Run(string[] args)
    {
        var options = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "true");
        string demo = options.GetValueOrDefault("demo", "fibonacci");
        int log = int.Parse(options.GetValueOrDefault("log", "10"));
        var inner = StarkConfig.ByName(options.GetValueOrDefault("inner", "provable-100"));
        // The layer below the final one may itself be a lower-rate layer (fewer queries make the final program smaller):
        // inner-blowup=B inner-queries=Q inner-pow=P override the preset (LogUp raise = B).
        if (options.TryGetValue("inner-blowup", out var ib))
            inner = inner with
            {
                Name = $"{inner.Name}-b{ib}", LogBlowup = int.Parse(ib), LogUpMaxLogQuotientChunks = int.Parse(ib),
                NumQueries = int.Parse(options.GetValueOrDefault("inner-queries", inner.NumQueries.ToString())),
                QueryPowBits = int.Parse(options.GetValueOrDefault("inner-pow", inner.QueryPowBits.ToString())),
            };
        int[] blowups = [.. options.GetValueOrDefault("blowups", "4,5,6").Split(',').Select(int.Parse)];
        int pow = int.Parse(options.GetValueOrDefault("pow", "20"));
        int bits = int.Parse(options.GetValueOrDefault("bits", "100"));
        string dir = options.GetValueOrDefault("dir", "/tmp/recursion-final");
        int verifyRuns = int.Parse(options.GetValueOrDefault("verify-runs", "9"));
        bool verifyOnly = options.ContainsKey("verify-only");
        bool compareReference = options.ContainsKey("compare-reference");
        ShapeOnly = options.ContainsKey("shape-only");
        Directory.CreateDirectory(dir);
        // The layers commit with the inner configuration's digest: 12-element digests (provable-128) make every layer,
        // the final one included, hash with width-24 Poseidon2 (the recursion program's width-24 table).
        switch (inner.ExtensionDegree, inner.DigestElements)
        {
            case (8, KoalaBearDigest.Length):
                Run<KoalaBearOctic, KoalaBearDigest>(demo, log, inner, blowups, pow, bits, dir, verifyRuns, verifyOnly, compareReference);
                break;
            case (8, _):
                Run<KoalaBearOctic, WideDigest<KoalaBearParameters>>(demo, log, inner, blowups, pow, bits, dir, verifyRuns, verifyOnly, compareReference);
                break;
            case (_, KoalaBearDigest.Length):
                Run<KoalaBearQuartic, KoalaBearDigest>(demo, log, inner, blowups, pow, bits, dir, verifyRuns, verifyOnly, compareReference);
                break;
            default:
                Run<KoalaBearQuartic, WideDigest<KoalaBearParameters>>(demo, log, inner, blowups, pow, bits, dir, verifyRuns, verifyOnly, compareReference);
                break;
        }
    }

    private static void Run<TDef, TDigest>(string demo, int log, StarkConfig inner, int[] blowups, int pow, int bits, string dir, int verifyRuns, bool verifyOnly,
        bool compareReference)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var (airs, traces, publics) = DemoCatalog.Build(demo, log);
        var proof = new StarkProver<KoalaBearParameters, TDef, TDigest>(inner).Prove(airs, traces, publics);
        var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Build(inner, airs, proof.LogHeights);
        // The first-layer proof is written to DIR/first.bin; verify-only reads it back (proofs are deterministic), so a
        // one-core verification run does not prove the layer again.
        string firstFile = Path.Combine(dir, "first.bin");
        StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> first;
        var firstProver = new RecursionProver<KoalaBearParameters, TDef, TDigest>(inner);
        if (verifyOnly && File.Exists(firstFile))
        {
            first = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(File.ReadAllBytes(firstFile));
        }
        else
        {
            first = firstProver.Prove(program, new StarkProofHints<KoalaBearParameters, TDef, TDigest>(inner, airs, proof)).Stark;
            File.WriteAllBytes(firstFile, ProofSerializer.Serialize(first));
        }
        var machine = new RecursionMachine<KoalaBearParameters, TDef>(program);
        var key = machine.Setup<TDigest>(inner).VerifyingKey;
        Console.WriteLine($"first layer: demo/{demo} 2^{log} under {inner.Name} ({inner.DigestElements}-element digests; demo proof {ProofSerializer.Serialize(proof).Length:N0} B): "
            + $"program {program.Instructions.Count:N0} instructions, recursion proof {ProofSerializer.Serialize(first).Length:N0} B"
            + (firstProver.LastSecurity is { } firstSecurity ? $", {firstSecurity.Provable} provable / {firstSecurity.Conjectured} conjectured bits" : "")
            + $" ({sw.Elapsed.TotalSeconds:F1} s with the demo proof; peak RSS so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F1} GB)");

        sw.Restart();
        var final = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.BuildPinned(inner, machine.Airs, first.LogHeights, key.PreprocessedRoot);
        var hints = new StarkProofHints<KoalaBearParameters, TDef, TDigest>(inner, machine.Airs, first, key);
        var finalMachine = new RecursionMachine<KoalaBearParameters, TDef>(final);
        Console.WriteLine($"final program (verifies the first-layer proof, key pinned): {final.Instructions.Count:N0} instructions in {sw.ElapsedMilliseconds} ms: "
            + string.Join(", ", final.Counts().Select(p => $"{p.Key} {p.Value:N0}")));
        foreach (var t in finalMachine.Shape())
            Console.WriteLine($"  {t.Table,-24} {t.Rows,9:N0} rows  2^{t.LogHeight,-2}  {t.Width,4} + {t.PreprocessedWidth,3} columns");

        Console.WriteLine();
        Console.WriteLine("| log blowup | queries | PoW | provable / conjectured bits | proof bytes | proving (of which setup) | verification (warm, median) |");
        Console.WriteLine("|---:|---:|---:|---|---:|---|---:|");
        foreach (int blowup in blowups)
        {
            var candidate = inner with { Name = $"final-b{blowup}", LogBlowup = blowup, LogUpMaxLogQuotientChunks = blowup, QueryPowBits = pow };
            int? queries = Enumerable.Range(1, 300).Select(n => (int?)n)
                .FirstOrDefault(n => Security(finalMachine, candidate with { NumQueries = n!.Value }).Provable >= bits);
            if (queries is null)
            {
                Console.WriteLine($"| {blowup} | — | {pow} | no query count reaches {bits} bits | | | |");
                continue;
            }
            candidate = candidate with { NumQueries = queries.Value };
            var security = Security(finalMachine, candidate);
            if (ShapeOnly)
            {
                Console.WriteLine($"| {blowup} | {queries} | {pow} | {security.Provable} / {security.Conjectured} | | | |");
                continue;
            }
            string file = Path.Combine(dir, $"final-{blowup}.bin");
            StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> outer;
            IReadOnlyList<uint> outputs;
            string proving = "(read back)";
            if (verifyOnly)
            {
                outer = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(File.ReadAllBytes(file));
                outputs = RecursionExecutor<KoalaBearParameters, TDef>.Run(final, hints).Outputs;
            }
            else
            {
                var prover = new RecursionProver<KoalaBearParameters, TDef, TDigest>(candidate);
                sw.Restart();
                var r = prover.Prove(final, hints);
                double ms = sw.Elapsed.TotalMilliseconds;
                outer = r.Stark;
                outputs = r.Outputs;
                File.WriteAllBytes(file, ProofSerializer.Serialize(outer));
                double setup = prover.LastTimings.FirstOrDefault(t => t.Phase.StartsWith("setup", StringComparison.Ordinal)).Milliseconds;
                proving = $"{ms / 1000:F1} s ({setup / 1000:F1} s), peak RSS so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F1} GB";
            }
            int bytes = ProofSerializer.Serialize(outer).Length;
            var verifier = new RecursionVerifier<KoalaBearParameters, TDef, TDigest>(candidate);
            sw.Restart();
            verifier.Prepare(final);
            double keyMs = sw.Elapsed.TotalMilliseconds;
            var verdict = verifier.Verify(final, outputs, outer);
            if (!verdict.IsValid)
                throw new InvalidOperationException($"blowup 2^{blowup}: the final proof does not verify: {verdict}");
            var times = new double[verifyRuns];
            var phases = new Dictionary<string, List<double>>();
            var cpu = System.Diagnostics.Process.GetCurrentProcess();
            var cpuStart = cpu.TotalProcessorTime;
            for (int k = 0; k < verifyRuns; k++)
            {
                sw.Restart();
                verifier.Verify(final, outputs, outer);
                times[k] = sw.Elapsed.TotalMilliseconds;
                foreach (var (phase, phaseMs) in verifier.LastTimings)
                    (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(phaseMs);
            }
            cpu.Refresh();
            double cpuMs = (cpu.TotalProcessorTime - cpuStart).TotalMilliseconds / verifyRuns;
            Array.Sort(times);
            if (compareReference)
            {
                // The reference verifier (every AIR compiled afresh, Merkle openings one hash at a time, DEEP per query)
                // and the fast one alternately, so both see the same machine load.
                var preparedKey = verifier.Prepare(final).Key;
                var referenceTimes = new double[verifyRuns];
                var fastTimes = new double[verifyRuns];
                for (int k = 0; k < verifyRuns; k++)
                {
                    using (KernelSelection.UseReference(ReferenceFamily.Verifier))
                    {
                        sw.Restart();
                        var r = new StarkVerifier<KoalaBearParameters, TDef, TDigest>(candidate).Verify(finalMachine.Airs, outer, preparedKey);
                        referenceTimes[k] = sw.Elapsed.TotalMilliseconds;
                        if (!r.IsValid)
                            throw new InvalidOperationException($"the reference verifier rejects the final proof: {r}");
                    }
                    sw.Restart();
                    verifier.Verify(final, outputs, outer);
                    fastTimes[k] = sw.Elapsed.TotalMilliseconds;
                }
                Array.Sort(referenceTimes);
                Array.Sort(fastTimes);
                Console.Error.WriteLine($"blowup 2^{blowup}: alternating {verifyRuns} + {verifyRuns}: reference median {referenceTimes[verifyRuns / 2]:F2} ms "
                    + $"(min {referenceTimes[0]:F2}), fast median {fastTimes[verifyRuns / 2]:F2} ms (min {fastTimes[0]:F2})");
            }
            Console.Error.WriteLine($"blowup 2^{blowup}: {verifyRuns} warm verifications: median {times[verifyRuns / 2]:F2} ms, min {times[0]:F2} ms, "
                + $"mean CPU time {cpuMs:F2} ms (process, all threads)");
            foreach (var (phase, list) in phases)
            {
                list.Sort();
                Console.Error.WriteLine($"  {phase,-40} median {list[list.Count / 2],7:F2} ms  min {list[0],7:F2} ms");
            }
            // What compiling the tables' AIRs (symbolic constraints, done inside every verification) costs of that.
            var compileTimes = new double[verifyRuns];
            for (int k = 0; k < verifyRuns; k++)
            {
                sw.Restart();
                foreach (var (a, t) in finalMachine.Airs.Select((a, t) => (a, t)))
                    _ = new CompiledAir<KoalaBear>(a, candidate.LogUpBatchingFor(outer.LogHeights[t]));
                compileTimes[k] = sw.Elapsed.TotalMilliseconds;
            }
            Array.Sort(compileTimes);
            Console.Error.WriteLine($"blowup 2^{blowup}: compiling the AIRs {compileTimes[verifyRuns / 2]:F1} ms of a verification's {times[verifyRuns / 2]:F1} ms");
            Console.WriteLine($"| {blowup} | {queries} | {pow} | {security.Provable} / {security.Conjectured} | {bytes:N0} | {proving} | {times[verifyRuns / 2]:F1} ms "
                + $"(min {times[0]:F1}; key made once in {keyMs / 1000:F1} s) |");
            // The account at once (a later candidate may not fit in memory).
            Console.WriteLine();
            Console.WriteLine($"byte account, log blowup {candidate.LogBlowup}, {candidate.NumQueries} queries:");
            ProofAccount.Print(ProofAccount.Account(outer, finalMachine.Airs, candidate), candidate.NumQueries);
            Console.WriteLine();
        }
    }

    private static Prover.Core.Security.SecurityReport Security<TDef>(RecursionMachine<KoalaBearParameters, TDef> machine, StarkConfig c)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var heights = machine.LogHeights;
        var compiled = machine.Airs.Select((a, t) => new CompiledAir<KoalaBear>(a, c.LogUpBatchingFor(heights[t]))).ToList();
        var layout = new StarkLayout<KoalaBear>(compiled, heights, c.ExtensionDegree, c.LogBlowup, c.LogFinalPolyLength, c.FoldingArity);
        return StarkSecurity.Report(c, layout, KoalaBearParameters.P, c.DigestElements);
    }
}
