using System.Diagnostics;
using System.Globalization;
using Prover.Cluster;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Benchmarks.Cluster;

/// <summary>
/// <c>cluster-overhead &lt;guest.elf&gt; [input-file|-] [log-shard] [reps] [config] [check]</c>: the in-process cluster path
/// (<see cref="ClusterHosting.StartInProcessAsync"/>: an Orleans silo in this process, shard jobs through grain calls,
/// two phases) against direct proving (<see cref="ZkvmProofs.Prove(ZkvmProgram, byte[], ZkvmProverOptions)"/>) on the same
/// input, alternating direct and cluster per repetition after one warm-up of each; checks the proof bytes are equal
/// and prints each time, each repetition's ratio, their median and spread, and the ratio of the sums. With <c>check</c>,
/// one more cluster run has its workers check every shard against its AIRs (what they did by default before) and prints
/// what that check costs.
/// </summary>
public static class ClusterOverhead
{
    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        if (args.Length < 2)
            throw new ArgumentException("usage: cluster-overhead <guest.elf> [input-file|-] [log-shard] [reps] [config] [check]");
        var elf = File.ReadAllBytes(args[1]);
        byte[] input = args.Length > 2 && args[2] != "-" ? File.ReadAllBytes(args[2]) : [];
        int logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        int reps = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        var config = StarkConfig.ByName(args.Length > 5 ? args[5] : "development");
        var guest = ProverGuest.FromElf(Path.GetFileNameWithoutExtension(args[1]), elf, _ => new byte[32], _ => null);
        var options = new ZkvmProverOptions { Config = config, ShardSize = 1L << logShard };
        await using var cluster = await ClusterHosting.StartInProcessAsync();

        // CPU time of this process (both paths and the silo run in it): steadier than wall time on a loaded machine.
        var (directCpu, clusterCpu) = (new List<double>(), new List<double>());
        static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        ZkvmProofReport? directReport = null;
        double Direct(out byte[] proof)
        {
            double cpu = Cpu();
            var sw = Stopwatch.StartNew();
            (proof, directReport) = ZkvmProofs.Prove(guest.Program, input, options);
            double ms = sw.Elapsed.TotalMilliseconds;
            directCpu.Add(Cpu() - cpu);
            return ms;
        }
        async Task<(double, byte[], ZkvmProofReport)> Cluster(ZkvmProverOptions? with = null)
        {
            double cpu = Cpu();
            var sw = Stopwatch.StartNew();
            var (proof, report) = await cluster.Prover.ProveAsync(guest, input, with ?? options, CancellationToken.None);
            double ms = sw.Elapsed.TotalMilliseconds;
            clusterCpu.Add(Cpu() - cpu);
            return (ms, proof, report);
        }

        Direct(out var reference);
        var (_, warm, _) = await Cluster();
        if (!warm.AsSpan().SequenceEqual(reference))
            throw new InvalidOperationException("the cluster's proof differs from the direct one");
        var (direct, viaCluster) = (new List<double>(), new List<double>());
        directCpu.Clear(); // the warm-ups
        clusterCpu.Clear();
        ZkvmProofReport? last = null;
        for (int r = 0; r < reps; r++)
        {
            direct.Add(Direct(out var a));
            var (ms, b, report) = await Cluster();
            viaCluster.Add(ms);
            last = report;
            if (!a.AsSpan().SequenceEqual(b))
                throw new InvalidOperationException("the cluster's proof differs from the direct one");
        }
        string F(List<double> xs) => string.Join(", ", xs.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)));
        Console.WriteLine($"guest {guest.Name}, {input.Length} input bytes, {last!.Cycles:N0} cycles in {last.Shards} shard(s) of 2^{logShard}, config {config.Name}, {reps} reps");
        Console.WriteLine($"direct  (ms): {F(direct)}");
        Console.WriteLine($"cluster (ms): {F(viaCluster)}");
        void Ratios(string what, List<double> d, List<double> c)
        {
            var ratios = d.Select((x, i) => c[i] / x).ToList();
            var sorted = ratios.Order().ToList();
            double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            Console.WriteLine($"cluster / direct per rep ({what}): {string.Join(", ", ratios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}");
            Console.WriteLine($"cluster / direct ({what}): median {median:F3}, min {sorted[0]:F3}, max {sorted[^1]:F3}, ratio of sums {c.Sum() / d.Sum():F3}");
        }
        Ratios("wall", direct, viaCluster);
        Console.WriteLine($"direct  CPU (ms): {F(directCpu)}");
        Console.WriteLine($"cluster CPU (ms): {F(clusterCpu)}");
        Ratios("process CPU time", directCpu, clusterCpu);
        Console.WriteLine("identical proof bytes: yes");
        if (args.Length > 6 && args[6] == "check")
        {
            // What the workers' former default cost: one more cluster run with the AIR check on every shard.
            var check = await Cluster(options with { CheckConstraints = true });
            if (!check.Item2.AsSpan().SequenceEqual(reference))
                throw new InvalidOperationException("the cluster's proof with the AIR check differs from the direct one");
            double air = check.Item3.Timings.Where(t => t.Phase.Trim() == StarkProver<Prover.Core.Field.KoalaBearParameters, Prover.Core.Field.KoalaBearQuartic,
                Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>.ConstraintCheckPhase).Sum(t => t.Milliseconds);
            Console.WriteLine($"cluster with the AIR check on the workers (ms): {check.Item1:F0}; the check itself, all shards: {air:F0} ms " +
                $"({air / last.Shards:F0} ms per shard)");
        }
        Console.WriteLine("last direct run, by phase:");
        foreach (var (phase, ms) in directReport!.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
        Console.WriteLine("last cluster run, by phase:");
        foreach (var (phase, ms) in last.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
    }
}
