using System.Diagnostics;
using System.Text;

namespace Prover.Guest.Tests;

/// <summary>
/// Builds and runs the accelerator library's C test runner (<c>native/guest/accel</c>, host gcc with
/// ASan/UBSan) once, then reports one xunit test per C test group so the counts mean something.
/// The runner prints <c>PASS group.case</c> / <c>FAIL group.case</c> lines and a SUMMARY line.
/// </summary>
public sealed class AccelRunFixture
{
    public string Output { get; }
    public int ExitCode { get; }

    public AccelRunFixture()
    {
        string dir = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "accel");
        (ExitCode, Output) = Run("make", $"-s -C \"{dir}\" host-test");
    }

    private static (int Code, string Output) Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return (process.ExitCode, text.ToString());
    }
}

/// <summary>A theory that needs gcc and make on PATH; skipped with a reason otherwise.</summary>
public sealed class NativeToolchainTheoryAttribute : TheoryAttribute
{
    public NativeToolchainTheoryAttribute()
    {
        string? missing = new[] { "gcc", "make" }.FirstOrDefault(t => !OnPath(t));
        if (missing is not null)
            Skip = $"'{missing}' not found on PATH: the native accelerator tests need gcc and make";
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, tool)));
}

public sealed class AccelTests(AccelRunFixture run) : IClassFixture<AccelRunFixture>
{
    [NativeToolchainTheory]
    [InlineData("field")]
    [InlineData("keccak")]
    [InlineData("sha256")]
    [InlineData("ripemd160")]
    [InlineData("modexp")]
    [InlineData("secp256k1")]
    [InlineData("p256")]
    [InlineData("bn254")]
    [InlineData("blake2f")]
    [InlineData("bls12")]
    [InlineData("kzg")]
    public void Group(string group)
    {
        string[] lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        string prefix = group + ".";
        var passed = lines.Where(l => l.StartsWith("PASS " + prefix, StringComparison.Ordinal)).ToList();
        var failed = lines.Where(l => l.StartsWith("FAIL " + prefix, StringComparison.Ordinal)).ToList();
        Assert.True(passed.Count + failed.Count > 0,
            $"no '{group}' cases ran (exit code {run.ExitCode}); runner output:\n{Tail(run.Output)}");
        Assert.True(failed.Count == 0,
            $"{failed.Count} failing '{group}' cases: {string.Join(", ", failed.Select(l => l[5..]))}\n{Tail(run.Output)}");
        Assert.Contains(lines, l => l.StartsWith("SUMMARY ", StringComparison.Ordinal));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
