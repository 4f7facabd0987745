using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using KoalaBearDigest = Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>;
using KoalaBearWideDigest = Prover.Core.Hash.WideDigest<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// Where a warm verification of an aggregated or final zkVM proof file goes (docs/benchmarks.md, "Verification of a
/// final proof: the whole check"): one verifier (<see cref="ZkvmAggregateVerifier{TDef, TDigest}"/>) made once, the file verified
/// cold once and then <c>runs</c> times; per run the verifier's own steps (<see cref="ZkvmAggregateVerifier{TDef, TDigest}.LastTimings"/>)
/// and the top STARK's phases, and beside them, in the same process and run, the public bus terms alone
/// (<see cref="ZkvmStatement.PublicBusSum"/>: the image's terms before the image table, to subtract; now the output and halt) and the top STARK verified by a verifier
/// that compiles its AIRs afresh (the path before the shared compiled-AIR cache). Medians over the last half of the runs
/// (the runtime's tiered compilation is done by then) and minima; the first warm run is what `prover verify` reported
/// before it took the median. Every run must accept the proof.
/// <c>final-verify FILE[,FILE…] [elf=PATH] [runs=200]</c> (the embedded Ethereum guest without elf=); run it under
/// <c>taskset -c 0</c> and <c>DOTNET_PROCESSOR_COUNT=1</c> for one core.
/// </summary>
public static class FinalVerify
{
    public static void Run(string[] args)
    {
        if (args.Length < 2)
            throw new ArgumentException("final-verify FILE[,FILE…] [elf=PATH] [runs=200]");
        var options = args.Skip(2).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "true");
        int runs = int.Parse(options.GetValueOrDefault("runs", "200"));
        var program = options.TryGetValue("elf", out var elf)
            ? ZkvmProgram.FromElf(File.ReadAllBytes(elf))
            : new ZkvmProgram(Prover.Witness.Guest.EthereumGuest.Program);
        Console.WriteLine($"{DateTime.UtcNow:u}, {Environment.ProcessorCount} processor(s) visible, load {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var path in args[1].Split(','))
        {
            var bytes = File.ReadAllBytes(path);
            var envelope = ProofEnvelope.Parse(bytes);
            var config = StarkConfig.ByName(envelope.ConfigName);
            var layers = ZkvmRecursionLayers.For(config);
            switch (config.ExtensionDegree, config.DigestElements)
            {
                case (4, KoalaBearDigest.Length):
                    Measure(path, ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program), envelope.Proof, runs);
                    break;
                case (4, _):
                    Measure(path, ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program), envelope.Proof, runs);
                    break;
                case (_, KoalaBearDigest.Length):
                    Measure(path, ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program), envelope.Proof, runs);
                    break;
                default:
                    Measure(path, ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program), envelope.Proof, runs);
                    break;
            }
        }
    }

    private static void Measure<TDef, TDigest>(string path, ZkvmAggregationKeys<TDef, TDigest> keys, byte[] proofBytes, int runs)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var verifier = new ZkvmAggregateVerifier<TDef, TDigest>(keys);
        var sw = Stopwatch.StartNew();
        var cold = verifier.Verify(proofBytes);
        double coldMs = sw.Elapsed.TotalMilliseconds;
        if (!cold.IsValid)
            throw new InvalidOperationException($"{path}: rejected: {cold.Error}");
        Console.WriteLine($"{Path.GetFileName(path)} ({proofBytes.Length:N0} B): cold {coldMs:F0} ms (the tree's programs and keys), {cold.Security}");

        // What the steps beside the verifier need, made once (the statement's γ, β and the top program).
        var proof = ZkvmAggregateProof<TDef, TDigest>.Parse(proofBytes, keys.RecursionConfig, keys.FinalConfig);
        var summary = proof.Summary.Resolve(keys.Program);
        var (error, statement) = ZkvmVerifier<TDef, TDigest>.CheckSummary(keys.ShardConfig, keys.Program, proof.Claim, summary.Shapes, summary.ShardCount,
            summary.Digest<TDigest>(), catalog: summary.CatalogLogShardSize > 0);
        if (error is not null)
            throw new InvalidOperationException(error);
        var family = keys.Family(statement!.Config, summary.Shapes, statement.Fractions);
        bool final = proof.Kind == ZkvmAggregateKind.Final;
        var top = final ? keys.FinalChain(family)[^1] : family.Top(summary.ShardCount);
        var expected = ZkvmAggregateStatement.Expected(keys.Program, summary, statement, family.AllowedKeys);
        var (endQ, endHi) = ZkvmVerifier<TDef, TDigest>.EndClock(proof.Claim.Cycles);
        ulong halt = ZkvmStatement.HaltTimestamp(endQ, endHi);
        var topConfig = final ? keys.FinalConfig : keys.RecursionConfig;

        var whole = new List<double>();
        var series = new Dictionary<string, List<double>>();
        var order = new List<string>();
        void Add(string key, double ms)
        {
            if (!series.TryGetValue(key, out var list))
            {
                series[key] = list = [];
                order.Add(key);
            }
            list.Add(ms);
        }
        for (int run = 0; run < runs; run++)
        {
            sw.Restart();
            var result = verifier.Verify(proofBytes);
            double ms = sw.Elapsed.TotalMilliseconds;
            if (!result.IsValid)
                throw new InvalidOperationException($"{path}: run {run} rejected: {result.Error}");
            whole.Add(ms);
            foreach (var (step, t) in verifier.LastTimings)
                Add("step: " + step, t);
            foreach (var (phase, t) in verifier.LastStarkTimings)
                Add("  STARK: " + phase, t);

            sw.Restart();
            var bus = ZkvmStatement.PublicBusSum(proof.Claim.Output, proof.Claim.ExitCode, halt, statement.Gamma, statement.Beta);
            double busMs = sw.Elapsed.TotalMilliseconds;
            if (bus != statement.PublicBusSum)
                throw new InvalidOperationException("the public bus terms differ between runs");
            Add("apart: the verifier's public bus terms (ZkvmStatement.PublicBusSum)", busMs);
            Add("apart: whole minus the public bus terms", ms - busMs);

            sw.Restart();
            var fresh = new RecursionVerifier<KoalaBearParameters, TDef, TDigest>(topConfig).Verify(top.Machine, top.Key, expected, proof.Root);
            Add("apart: top STARK, AIRs compiled afresh (before: a RecursionVerifier per proof)", sw.Elapsed.TotalMilliseconds);
            if (!fresh.IsValid)
                throw new InvalidOperationException("the top STARK alone is rejected: " + fresh.Error);
        }
        int from = runs / 2;
        static double Median(IEnumerable<double> values)
        {
            var s = values.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
        Console.WriteLine($"  whole ZkvmAggregateVerifier.Verify: first warm run {whole[0]:F2} ms; runs {from + 1}–{runs}: median {Median(whole.Skip(from)):F2} ms, min {whole.Skip(from).Min():F2} ms; "
            + $"ProofFile.WarmMilliseconds over {runs + 1} runs (what prover verify --runs {runs + 1} reports): {ZkvmProofFile.WarmMilliseconds([coldMs, .. whole]):F2} ms");
        Console.WriteLine($"  {"step (ms)",-84} {"median",8} {"min",8}");
        // A difference of two timings has a median but no meaningful minimum (one disturbed run makes it anything).
        foreach (var key in order)
            Console.WriteLine($"  {key,-84} {Median(series[key].Skip(from)),8:F3} {(key.Contains("minus", StringComparison.Ordinal) ? "-" : series[key].Skip(from).Min().ToString("F3")),8}");
        Console.WriteLine("  warm runs in tens (median of each): " + string.Join(" ", whole.Chunk(10).Select(c => Median(c).ToString("F1"))));
        Console.WriteLine($"  GCs so far gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
    }
}
