using Prover.Fuzz;
using Prover.TestSupport;
using Xunit.Abstractions;

namespace Prover.Fuzz.Tests;

/// <summary>
/// The deterministic part of fuzzing that CI runs (docs/design.md, "Fuzzing"): every harness replays its seeds
/// (generated now from the repository and ../shared) and a fixed number of seeded mutants, and every committed
/// regression input (earlier findings, tools/Prover.Fuzz/regressions/&lt;harness&gt;/). Any exception other than
/// the parser's documented rejection fails the test with the input's name, the random seed and the stack.
/// </summary>
public sealed class FuzzReplayTests(ITestOutputHelper output)
{
    /// <summary>Mutants per harness: cheap parsers get more; the converter and the proof verifiers cost milliseconds each.</summary>
    public static readonly TheoryData<string, int> Harnesses = new()
    {
        { "rlp", 4000 }, { "ssz-input", 1500 }, { "ssz-result", 2000 }, { "witness-json", 400 }, { "elf", 2000 },
        { "proof-file", 200 }, { "stark-proof", 600 }, { "zkvm-proof", 300 },
    };

    private const int RandomSeed = 20261206;

    /// <summary>Harnesses whose only accepted seeds are fixtures of ../shared.</summary>
    private static readonly HashSet<string> ValidSeedsOnlyInShared = ["witness-json"];

    [Fact]
    public void Every_harness_is_replayed()
    {
        var replayed = Harnesses.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(HarnessCatalog.All.Select(h => h.Name).Order(StringComparer.Ordinal), replayed);
    }

    [Theory]
    [MemberData(nameof(Harnesses))]
    public void Seeds_and_seeded_mutants_give_no_finding(string name, int mutations)
    {
        var harness = HarnessCatalog.Find(name)!;
        var sources = SeedSources.Locate();
        var seeds = harness.Seeds(sources).ToList();
        Assert.NotEmpty(seeds);
        var result = Campaign.Run(harness, seeds, mutations, RandomSeed);
        output.WriteLine($"{name}: {result.Executions} executions ({result.Seeds} seeds{(sources.SharedRoot is null ? ", ../shared absent: repository seeds only" : "")}), "
            + $"{result.Accepted} accepted, random seed {RandomSeed}, {result.Seconds:F1} s");
        Assert.True(result.Findings.Count == 0, Describe(result));
        // Seeds are valid inputs: a harness whose seeds were all rejected would test only the rejection path.
        // witness-json's valid seeds are all fixtures from ../shared (its repository seed is "{}"): without the
        // shared folder it can only replay rejections, which the line above already checked, and says so.
        if (sources.SharedRoot is null && ValidSeedsOnlyInShared.Contains(name))
        {
            output.WriteLine($"{name}: acceptance not checked: its valid seeds come from ../shared, which is absent ({SharedData.MissingMessage})");
            return;
        }
        Assert.True(result.Accepted >= 1, $"{name}: no input was accepted");
    }

    [Theory]
    [MemberData(nameof(Harnesses))]
    public void Committed_regression_inputs_are_rejected_or_accepted_cleanly(string name, int mutations)
    {
        _ = mutations;
        var dir = Path.Combine(SharedData.RepositoryRoot, "tools", "Prover.Fuzz", "regressions", name);
        var files = Directory.Exists(dir) ? Campaign.Files([dir]) : [];
        var result = Campaign.Run(HarnessCatalog.Find(name)!, files, 0, 0);
        output.WriteLine($"{name}: {files.Count} regression inputs");
        Assert.True(result.Findings.Count == 0, Describe(result));
    }

    [Fact]
    public void A_finding_is_reported_with_its_input()
    {
        // The campaign must catch what a harness lets through (otherwise the replay could never fail).
        var result = Campaign.Run(new ThrowingHarness(), [("boom", [1, 2, 3]), ("fine", [0])], 50, 7);
        Assert.Contains(result.Findings, f => f.Input == "boom" && f.Exception.Contains("InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Findings, f => f.Input == "fine");
        Assert.True(result.Accepted >= 1);
    }

    [Fact]
    public void Mutants_are_deterministic_and_vary()
    {
        byte[] input = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];
        var m1 = new Mutator(5);
        var m2 = new Mutator(5);
        var first = Enumerable.Range(0, 100).Select(_ => m1.Mutate(input, [9, 9, 9])).ToList();
        var second = Enumerable.Range(0, 100).Select(_ => m2.Mutate(input, [9, 9, 9])).ToList();
        Assert.Equal(first, second);
        Assert.True(first.Select(Convert.ToHexString).Distinct().Count() > 90);
        Assert.Contains(first, m => m.Length != input.Length);
    }

    private static string Describe(CampaignResult r) =>
        $"{r.Harness}: {r.Findings.Count} findings\n" + string.Join("\n\n", r.Findings.Take(3).Select(f =>
            $"input {f.Input} ({f.Bytes.Length} bytes, first 64: {Convert.ToHexString(f.Bytes.AsSpan(0, Math.Min(64, f.Bytes.Length)))})\n{f.Exception}"));

    private sealed class ThrowingHarness : FuzzHarness
    {
        public override string Name => "throwing";

        public override string Description => "throws InvalidOperationException when the first byte is 1, rejects 2 with FormatException";

        protected override void Run(ReadOnlySpan<byte> data)
        {
            if (data.Length > 0 && data[0] == 1)
                throw new InvalidOperationException("undocumented");
            if (data.Length > 0 && data[0] == 2)
                throw new FormatException("documented");
        }

        protected override bool IsRejection(Exception e) => e is FormatException;

        public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources) => [];
    }
}
