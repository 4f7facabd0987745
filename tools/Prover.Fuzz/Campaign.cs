using System.Diagnostics;

namespace Prover.Fuzz;

/// <summary>An input on which a harness threw an undocumented exception (or failed its own check).</summary>
public sealed record Finding(string Harness, string Input, byte[] Bytes, string Exception);

/// <summary>What a deterministic run did.</summary>
public sealed record CampaignResult(string Harness, int Seeds, int Executions, int Accepted, double Seconds, IReadOnlyList<Finding> Findings);

/// <summary>
/// The deterministic run CI does: every seed, then <c>mutations</c> mutants drawn from the seeds with a fixed
/// random seed. Also replays files (the committed regression inputs, an AFL++ crash directory).
/// </summary>
public static class Campaign
{
    public static CampaignResult Run(FuzzHarness harness, IReadOnlyList<(string Name, byte[] Bytes)> seeds, int mutations, int randomSeed)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(seeds);
        var sw = Stopwatch.StartNew();
        var findings = new List<Finding>();
        int executions = 0, accepted = 0;
        void One(string name, byte[] bytes)
        {
            executions++;
            try
            {
                if (harness.Execute(bytes))
                    accepted++;
            }
            catch (Exception e)
            {
                findings.Add(new Finding(harness.Name, name, bytes, e.ToString()));
            }
        }
        foreach (var (name, bytes) in seeds)
            One(name, bytes);
        if (seeds.Count > 0)
        {
            var rng = new Random(randomSeed);
            var mutator = new Mutator(randomSeed);
            for (int i = 0; i < mutations; i++)
            {
                var seed = seeds[rng.Next(seeds.Count)];
                var other = seeds[rng.Next(seeds.Count)].Bytes;
                One($"{seed.Name} mutant {i} (random seed {randomSeed})", mutator.Mutate(seed.Bytes, other));
            }
        }
        return new CampaignResult(harness.Name, seeds.Count, executions, accepted, sw.Elapsed.TotalSeconds, findings);
    }

    /// <summary>Every file under <paramref name="paths"/> (files or directories, recursively), named by path.</summary>
    public static List<(string Name, byte[] Bytes)> Files(IEnumerable<string> paths) =>
        [.. paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [p])
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal))
            .Select(f => (f, File.ReadAllBytes(f)))];
}
