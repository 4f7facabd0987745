using System.Diagnostics;
using System.Text;
using Prover.Fuzz;
using Prover.Fuzz.Harnesses;
using Prover.TestSupport;
using Xunit.Abstractions;

namespace Prover.Fuzz.Tests;

/// <summary>
/// The C guest's input decoder on its host build (native/guest/evm/fuzz/fuzz_input.c, built by
/// <c>make host-fuzz</c> with AddressSanitizer and UBSan): the StatelessInput seeds and seeded mutants, one
/// forked child per input; a sanitizer report, a signal or an unexpected exit code is a finding.
/// </summary>
public sealed class GuestInputFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 400, RandomSeed = 20261206;

    [GccMakeFact]
    public void Guest_decoder_replays_seeds_and_mutants_without_findings()
    {
        var evm = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "evm");
        var build = Run("make", "-s", "-C", evm, "host-fuzz");
        Assert.True(build.ExitCode == 0, "make host-fuzz failed:\n" + build.Output);
        var harness = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "build", "evm", "host-fuzz", "evm-input-fuzz");

        var seeds = new SszInputHarness().Seeds(SeedSources.Locate()).ToList();
        var dir = Directory.CreateTempSubdirectory("prover-guest-fuzz-");
        try
        {
            var files = new List<string>();
            void Write(byte[] bytes)
            {
                var path = Path.Combine(dir.FullName, $"{files.Count:D4}");
                File.WriteAllBytes(path, bytes);
                files.Add(path);
            }
            foreach (var (_, bytes) in seeds)
                Write(bytes);
            var rng = new Random(RandomSeed);
            var mutator = new Mutator(RandomSeed);
            for (int i = 0; i < Mutations; i++)
                Write(mutator.Mutate(seeds[rng.Next(seeds.Count)].Bytes, seeds[rng.Next(seeds.Count)].Bytes));
            var run = Run(harness, [.. files]);
            output.WriteLine($"{run.Output.Trim()} (random seed {RandomSeed})");
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains($"{files.Count} inputs, ", run.Output, StringComparison.Ordinal);
            Assert.Contains(" 0 findings", run.Output, StringComparison.Ordinal);
            // The seeds decode: the harness reaches the hash tree root and the header decoder.
            Assert.DoesNotContain($" 0 accepted", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["ASAN_OPTIONS"] = "detect_leaks=0";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (stderr)
                    stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string all = stdout + stderr;
        return (process.ExitCode, all.Length > 8000 ? all[^8000..] : all);
    }
}

/// <summary>Skipped, with the reason, when gcc or make is not on PATH.</summary>
public sealed class GccMakeFactAttribute : FactAttribute
{
    public GccMakeFactAttribute()
    {
        string? missing = new[] { "gcc", "make" }.FirstOrDefault(t =>
            !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, t))));
        if (missing is not null)
            Skip = $"{missing} not found on PATH: the guest decoder's fuzz harness is built with gcc and make";
    }
}
