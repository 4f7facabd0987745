using System.Diagnostics;
using System.Globalization;
using Prover.Cluster;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Benchmarks.Cluster;

/// <summary>
/// <c>cluster-overhead &lt;guest.elf&gt; [input-file|-] [log-shard] [pairs] [config] [check]</c>: the in-process cluster path
/// (<see cref="ClusterHosting.StartInProcessAsync"/>, what <c>prove --cluster local</c> runs: an Orleans silo in this process,
/// shard jobs through grain calls, two phases) against direct proving (<see cref="ZkvmProofs.Prove(ZkvmProgram, byte[], ZkvmProverOptions)"/>)
/// on the same input. After one warm-up of each, <c>pairs</c> interleaved pairs, the order swapped every other pair (direct
/// then cluster, cluster then direct, …) so a load that drifts during a run does not favour one side; a full GC before every
/// run. Each run's wall time and this process's CPU time (user + system; both paths and the silo run here) are recorded; the
/// proof bytes of each pair must be equal. Prints a per-pair table (markdown, with the load average at the pair's start), the
/// median, min and max of the per-pair ratios by wall and by CPU time, the phase breakdowns of the last runs, and the CPU cost
/// of the steps only the cluster path takes (the coordinator's shard planning and job encoding, the workers' re-execution of
/// each shard) measured alone. With <c>check</c>, one more cluster run has its workers check every shard against its AIRs.
/// </summary>
public static class ClusterOverhead
{
    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string F0(double x) => x.ToString("N0", CultureInfo.InvariantCulture);

    private static string F3(double x) => x.ToString("F3", CultureInfo.InvariantCulture);

    private static async Task RunAsync(string[] args)
    {
        if (args.Length < 2)
            throw new ArgumentException("usage: cluster-overhead <guest.elf> [input-file|-] [log-shard] [pairs] [config] [check]");
        var elf = File.ReadAllBytes(args[1]);
        byte[] input = args.Length > 2 && args[2] != "-" ? File.ReadAllBytes(args[2]) : [];
        int logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        int pairs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        var config = StarkConfig.ByName(args.Length > 5 ? args[5] : "development");
        var guest = ProverGuest.FromElf(Path.GetFileNameWithoutExtension(args[1]), elf, _ => new byte[32], _ => null);
        var options = new ZkvmProverOptions { Config = config, ShardSize = 1L << logShard };
        Console.WriteLine($"start {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {Load()}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
        await using var cluster = await ClusterHosting.StartInProcessAsync();

        ZkvmProofReport? directReport = null, clusterReport = null;
        (double Wall, double Cpu, byte[] Proof) Direct()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            double cpu = Cpu();
            var sw = Stopwatch.StartNew();
            (var proof, directReport) = ZkvmProofs.Prove(guest.Program, input, options);
            return (sw.Elapsed.TotalMilliseconds, Cpu() - cpu, proof);
        }
        async Task<(double Wall, double Cpu, byte[] Proof)> Cluster(ZkvmProverOptions? with = null)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            double cpu = Cpu();
            var sw = Stopwatch.StartNew();
            var (proof, report) = await cluster.Prover.ProveAsync(guest, input, with ?? options, CancellationToken.None);
            double wall = sw.Elapsed.TotalMilliseconds;
            clusterReport = report;
            return (wall, Cpu() - cpu, proof);
        }

        var reference = Direct().Proof;
        if (!(await Cluster()).Proof.AsSpan().SequenceEqual(reference))
            throw new InvalidOperationException("the cluster's proof differs from the direct one");
        var rows = new List<(string Load, string First, (double Wall, double Cpu) Direct, (double Wall, double Cpu) Cluster, double Outside)>();
        // The cluster run's wall time outside its worker jobs (both phases, one slot: the jobs run one after another): what the
        // coordinator's planning, the challenges, the assembly, dispatching, polling and messaging added to the proving itself.
        double OutsideJobs(double wall) => wall - clusterReport!.Timings.Where(t => t.Phase == ClusterProver.CommitJobsPhase || t.Phase.Trim() == "shard job on the worker, whole")
            .Sum(t => t.Milliseconds);
        for (int p = 0; p < pairs; p++)
        {
            string load = Load();
            bool directFirst = p % 2 == 0;
            (double Wall, double Cpu, byte[] Proof) d, c;
            if (directFirst)
            {
                d = Direct();
                c = await Cluster();
            }
            else
            {
                c = await Cluster();
                d = Direct();
            }
            if (!d.Proof.AsSpan().SequenceEqual(c.Proof) || !d.Proof.AsSpan().SequenceEqual(reference))
                throw new InvalidOperationException($"pair {p + 1}: the cluster's proof differs from the direct one");
            rows.Add((load, directFirst ? "direct" : "cluster", (d.Wall, d.Cpu), (c.Wall, c.Cpu), OutsideJobs(c.Wall)));
            Console.WriteLine($"pair {p + 1}: direct {F0(d.Wall)} ms wall, {F0(d.Cpu)} ms CPU; cluster {F0(c.Wall)} ms wall ({F0(rows[^1].Outside)} outside the worker jobs), " +
                $"{F0(c.Cpu)} ms CPU; load {load}");
        }
        Console.WriteLine($"end {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {Load()}");
        Console.WriteLine($"guest {guest.Name}, {input.Length} input bytes, {clusterReport!.Cycles:N0} cycles in {clusterReport.Shards} shard(s) of 2^{logShard}, " +
            $"config {config.Name}, {pairs} pairs, identical proof bytes in every pair: yes");
        Console.WriteLine();
        Console.WriteLine("| pair | load (1/5/15 min) | first | direct wall (ms) | cluster wall (ms) | wall ratio | direct CPU (ms) | cluster CPU (ms) | CPU ratio | cluster wall outside worker jobs (ms) |");
        Console.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int p = 0; p < rows.Count; p++)
        {
            var r = rows[p];
            Console.WriteLine($"| {p + 1} | {r.Load} | {r.First} | {F0(r.Direct.Wall)} | {F0(r.Cluster.Wall)} | {F3(r.Cluster.Wall / r.Direct.Wall)} | " +
                $"{F0(r.Direct.Cpu)} | {F0(r.Cluster.Cpu)} | {F3(r.Cluster.Cpu / r.Direct.Cpu)} | {F0(r.Outside)} |");
        }
        Console.WriteLine();
        void Summary(string what, Func<(double Wall, double Cpu), double> pick)
        {
            var ratios = rows.Select(r => pick(r.Cluster) / pick(r.Direct)).ToList();
            Console.WriteLine($"cluster / direct by {what}: median {F3(Median(ratios))} (min {F3(ratios.Min())}, max {F3(ratios.Max())}), " +
                $"ratio of sums {F3(rows.Sum(r => pick(r.Cluster)) / rows.Sum(r => pick(r.Direct)))}");
        }
        Summary("wall time", x => x.Wall);
        Summary("process CPU time", x => x.Cpu);
        Console.WriteLine($"cluster wall outside the worker jobs: median {F0(Median(rows.Select(r => r.Outside)))} ms " +
            $"({F3(Median(rows.Select(r => r.Outside / r.Direct.Wall)))} of the direct wall time, median)");

        if (args.Length > 6 && args[6] == "check")
        {
            // What the workers' former default cost: one more cluster run with the AIR check on every shard.
            var report = clusterReport;
            var check = await Cluster(options with { CheckConstraints = true });
            if (!check.Proof.AsSpan().SequenceEqual(reference))
                throw new InvalidOperationException("the cluster's proof with the AIR check differs from the direct one");
            double air = clusterReport.Timings.Where(t => t.Phase.Trim() == StarkProver<Prover.Core.Field.KoalaBearParameters, Prover.Core.Field.KoalaBearQuartic,
                Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>.ConstraintCheckPhase).Sum(t => t.Milliseconds);
            Console.WriteLine($"cluster with the AIR check on the workers (ms): {check.Wall:F0}; the check itself, all shards: {air:F0} ms ({air / report.Shards:F0} ms per shard)");
            clusterReport = report;
        }
        Console.WriteLine("last direct run, by phase:");
        foreach (var (phase, ms) in directReport!.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
        Console.WriteLine("last cluster run, by phase:");
        foreach (var (phase, ms) in clusterReport.Timings)
            Console.WriteLine($"  {phase,-44} {ms,10:F1} ms");
        Steps(guest.Program, input, options.ShardSize!.Value);
    }

    /// <summary>The CPU time of the steps only one path takes, each alone (median of three): what the cluster adds besides messaging.</summary>
    private static void Steps(ZkvmProgram program, byte[] input, long shardSize)
    {
        (double Wall, double Cpu) Time(Action action)
        {
            var runs = new List<(double, double)>();
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                double cpu = Cpu();
                var sw = Stopwatch.StartNew();
                action();
                runs.Add((sw.Elapsed.TotalMilliseconds, Cpu() - cpu));
            }
            return (Median(runs.Select(r => r.Item1)), Median(runs.Select(r => r.Item2)));
        }
        var traced = Time(() =>
        {
            using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = shardSize });
            machine.RunTraced();
        });
        ZkvmShardPlan? plan = null;
        var planned = Time(() => plan = ZkvmShardPlanner.Plan(program, input, shardSize));
        var encoded = Time(() =>
        {
            foreach (var j in plan!.Jobs)
            {
                var bytes = j.ToBytes();
                ShardPayload.Compress(bytes);
                ShardPayload.Digest(bytes);
            }
        });
        var reexecuted = Time(() =>
        {
            foreach (var j in plan!.Jobs)
            {
                using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << 40 });
                machine.RunShardTraced(j.Resume!); // a natural plan: CPU shard jobs only
            }
        });
        long jobBytes = plan!.Jobs.Sum(j => (long)j.ToBytes().Length);
        long packed = plan.Jobs.Sum(j => (long)ShardPayload.Compress(j.ToBytes()).Length);
        Console.WriteLine("steps alone (median of 3; wall ms / CPU ms):");
        Console.WriteLine($"  direct: traced run of the whole execution            {traced.Wall,9:F1} / {traced.Cpu,9:F1}");
        Console.WriteLine($"  cluster: coordinator's shard plan (traced run + jobs) {planned.Wall,9:F1} / {planned.Cpu,9:F1}");
        Console.WriteLine($"  cluster: jobs encoded, LZ4, SHA-256                   {encoded.Wall,9:F1} / {encoded.Cpu,9:F1}  ({jobBytes:N0} B -> {packed:N0} B)");
        Console.WriteLine($"  cluster: workers re-execute every shard (traced)      {reexecuted.Wall,9:F1} / {reexecuted.Cpu,9:F1}");
    }
}
