using System.Diagnostics;
using System.Globalization;
using Prover.Cluster;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Benchmarks.Cluster;

/// <summary>
/// <c>cluster-overhead &lt;guest.elf&gt; [input-file|-] [log-shard] [reps] [config]</c>: the in-process cluster path
/// (<see cref="ClusterHosting.StartInProcessAsync"/>: an Orleans silo in this process, shard jobs through grain calls,
/// two phases) against direct proving (<see cref="ZkvmProofs.Prove(ZkvmProgram, byte[], ZkvmProverOptions)"/>) on the same
/// input, alternating direct and cluster per repetition after one warm-up of each; checks the proof bytes are equal
/// and prints each time, each repetition's ratio, their median and spread, and the ratio of the sums.
/// </summary>
public static class ClusterOverhead
{
    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        if (args.Length < 2)
            throw new ArgumentException("usage: cluster-overhead <guest.elf> [input-file|-] [log-shard] [reps] [config]");
        var elf = File.ReadAllBytes(args[1]);
        byte[] input = args.Length > 2 && args[2] != "-" ? File.ReadAllBytes(args[2]) : [];
        int logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        int reps = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        var config = StarkConfig.ByName(args.Length > 5 ? args[5] : "development");
        var guest = ProverGuest.FromElf(Path.GetFileNameWithoutExtension(args[1]), elf, _ => new byte[32], _ => null);
        var options = new ZkvmProverOptions { Config = config, ShardSize = 1L << logShard };
        await using var cluster = await ClusterHosting.StartInProcessAsync();

        ZkvmProofReport? directReport = null;
        double Direct(out byte[] proof)
        {
            var sw = Stopwatch.StartNew();
            (proof, directReport) = ZkvmProofs.Prove(guest.Program, input, options);
            return sw.Elapsed.TotalMilliseconds;
        }
        async Task<(double, byte[], ZkvmProofReport)> Cluster()
        {
            var sw = Stopwatch.StartNew();
            var (proof, report) = await cluster.Prover.ProveAsync(guest, input, options, CancellationToken.None);
            return (sw.Elapsed.TotalMilliseconds, proof, report);
        }

        Direct(out var reference);
        var (_, warm, _) = await Cluster();
        if (!warm.AsSpan().SequenceEqual(reference))
            throw new InvalidOperationException("the cluster's proof differs from the direct one");
        var (direct, viaCluster) = (new List<double>(), new List<double>());
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
        var ratios = direct.Select((d, i) => viaCluster[i] / d).ToList();
        var sorted = ratios.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine($"cluster / direct per rep: {string.Join(", ", ratios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"cluster / direct: median {median:F3}, min {sorted[0]:F3}, max {sorted[^1]:F3}, ratio of sums {viaCluster.Sum() / direct.Sum():F3} (identical proof bytes: yes)");
        Console.WriteLine("last direct run, by phase:");
        foreach (var (phase, ms) in directReport!.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
        Console.WriteLine("last cluster run, by phase:");
        foreach (var (phase, ms) in last.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
    }
}
