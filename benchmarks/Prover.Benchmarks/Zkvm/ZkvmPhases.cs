using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Benchmarks.Zkvm;

/// <summary>
/// Per-phase times of the zkVM prover with the reference kernels and with the optimised ones, run
/// alternately in one process (the machine is shared, so only ratios from the same run are meaningful).
/// Both variants are warmed up on hello.elf first; checks that both produce the same proof bytes.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- zkvm-phases ELF LOG_SHARD [ROUNDS] [quartic|octic] [logup|openings]</c>;
/// the last argument picks the kernels the reference variant switches: <c>logup</c> (default,
/// <see cref="ReferenceFamily.LogUp"/>: LogUp and quotient) or <c>openings</c> (<see cref="ReferenceFamily.Openings"/>:
/// out-of-domain column combinations and barycentric weights, DEEP inverse distances), through <see cref="KernelSelection.UseReference(ReferenceFamily)"/>.
/// </summary>
public static class ZkvmPhases
{
    public static void Run(string[] args)
    {
        string elf = args.Length > 1 ? args[1] : "native/guest/tests/elf/bigmul.elf";
        int logShard = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 16;
        int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 2;
        bool octic = args.Length > 4 && args[4] == "octic";
        bool openings = args.Length > 5 && args[5] == "openings";
        KernelSelection.Scope scope = default;
        void Select(bool reference)
        {
            scope.Dispose();
            scope = KernelSelection.UseReference(!reference ? ReferenceFamily.None : openings ? ReferenceFamily.Openings : ReferenceFamily.LogUp);
        }
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        var sums = new Dictionary<string, double>[] { new(), new() };
        var order = new List<string>();
        byte[]?[] bytes = [null, null];
        // Warm-up (JIT, tiered compilation) of both variants on the smallest guest, not timed.
        var warmup = ZkvmProgram.FromElf(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(elf)!, "hello.elf")));
        foreach (bool reference in new[] { true, false })
        {
            Select(reference);
            _ = octic ? Prove<KoalaBearOctic>(warmup, logShard, StarkConfig.Provable100) : Prove<KoalaBearQuartic>(warmup, logShard, StarkConfig.Development);
        }
        for (int r = 0; r < rounds; r++)
        {
            foreach (int variant in r % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
            {
                Select(variant == 0);
                var clock = Stopwatch.StartNew();
                var (proof, report) = octic ? Prove<KoalaBearOctic>(program, logShard, StarkConfig.Provable100) : Prove<KoalaBearQuartic>(program, logShard, StarkConfig.Development);
                clock.Stop();
                if (bytes[variant] is null)
                    bytes[variant] = proof;
                foreach (var (phase, ms) in report.Timings)
                {
                    if (!order.Contains(phase)) order.Add(phase);
                    sums[variant][phase] = sums[variant].GetValueOrDefault(phase) + ms;
                }
                sums[variant]["total"] = sums[variant].GetValueOrDefault("total") + clock.Elapsed.TotalMilliseconds;
                Console.WriteLine($"round {r} {(variant == 0 ? "reference" : "optimised")}: {clock.Elapsed.TotalSeconds:F1} s, {report.Cycles} cycles, {report.Shards} shards");
            }
        }
        Select(false);
        if (!bytes[0]!.AsSpan().SequenceEqual(bytes[1]))
            throw new InvalidOperationException("the reference and optimised kernels produced different proofs");
        Console.WriteLine($"proofs identical ({bytes[0]!.Length} bytes); per-phase mean over {rounds} rounds:");
        Console.WriteLine($"{"phase",-44} {"reference ms",12} {"optimised ms",12} {"ratio",7}");
        order.Add("total");
        foreach (var phase in order)
        {
            double a = sums[0].GetValueOrDefault(phase) / rounds, b = sums[1].GetValueOrDefault(phase) / rounds;
            Console.WriteLine($"{phase,-44} {a,12:F0} {b,12:F0} {(b > 0 ? a / b : 0),7:F2}");
        }
    }

    /// <summary>
    /// Splits the LogUp phase of one shard (shard 0, quartic): trace generation (reference and
    /// optimised), LDE and commitment, each timed once after one untimed pass.
    /// <c>… -- zkvm-logup ELF LOG_SHARD</c>
    /// </summary>
    public static void LogUpSplit(string[] args)
    {
        string elf = args.Length > 1 ? args[1] : "native/guest/tests/elf/bigmul.elf";
        int logShard = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 16;
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        RowMajorMatrix<KoalaBear>[]? traces = null;
        KoalaBear[][]? publics = null;
        int[]? chips = null;
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = StarkConfig.Development with { NumQueries = 1, QueryPowBits = 0 },
            ShardSize = 1L << logShard,
            Tamper = (s, t, p) =>
            {
                if (s == 0)
                    (traces, publics, chips) = ([.. t.OfType<RowMajorMatrix<KoalaBear>>()], [.. p.Where((_, c) => t[c] is not null)],
                        [.. t.Select((m, c) => (m, c)).Where(x => x.m is not null).Select(x => x.c)]);
            },
        }).Prove(program, []);
        IReadOnlyList<Prover.Core.Air.IAir<KoalaBear>> airs = [.. chips!.Select(c => program.Airs[c])];
        var key = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(airs, [.. traces!.Select(t => int.Log2(t.Height))], 1);
        var compiled = airs.Select(a => new CompiledAir<KoalaBear>(a)).ToArray();
        var rng = new Random(1);
        ExtensionField<KoalaBear, KoalaBearQuartic> Ext() =>
            ExtensionField<KoalaBear, KoalaBearQuartic>.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        var (gamma, beta) = (Ext(), Ext());
        var backend = CpuBackend<KoalaBearParameters>.Instance;
        double reference = 0, optimised = 0, lde = 0, commit = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            var ldes = new List<RowMajorMatrix<KoalaBear>>();
            double r = 0, o = 0, l = 0;
            for (int t = 0; t < airs.Count; t++)
            {
                if (compiled[t].Interactions.Count == 0) continue;
                var clock = Stopwatch.StartNew();
                using (KernelSelection.UseReference())
                    LogUpPacked<KoalaBearParameters, KoalaBearQuartic>.GenerateTrace(compiled[t], traces![t], key?.Traces[t], publics![t], gamma, beta);
                r += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var (trace, _) = LogUpPacked<KoalaBearParameters, KoalaBearQuartic>.GenerateTrace(compiled[t], traces[t], key?.Traces[t], publics![t], gamma, beta);
                o += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                ldes.Add(backend.CosetLdeBitReversed(trace, 1, KoalaBear.MultiplicativeGenerator));
                l += clock.Elapsed.TotalMilliseconds;
            }
            var commitClock = Stopwatch.StartNew();
            backend.Commit<Digest<KoalaBearParameters>>(ldes);
            (reference, optimised, lde, commit) = (r, o, l, commitClock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"LogUp phase of shard 0, ms: trace generation reference {reference:F0}, optimised {optimised:F0} ({reference / optimised:F2}x); LDE {lde:F0}; commit {commit:F0}");
    }

    private static (byte[] Proof, ZkvmProofReport Report) Prove<TDef>(ZkvmProgram program, int logShard, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var prover = new ZkvmProver<TDef, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, ShardSize = 1L << logShard });
        var proof = prover.Prove(program, []);
        return (proof.ToBytes(), prover.LastReport!);
    }
}
