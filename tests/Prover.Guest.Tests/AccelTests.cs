using System.Diagnostics;
using System.Text;

namespace Prover.Guest.Tests;

/// <summary>
/// Builds and runs the accelerator library's C test runner (<c>native/guest/accel</c>, host gcc with
/// ASan/UBSan) once, then reports one xunit test per C test group so the counts mean something.
/// The runner prints <c>PASS group.case</c> / <c>FAIL group.case</c> lines and a SUMMARY line.
/// </summary>
public class AccelRunFixture
{
    public string Output { get; }
    public int ExitCode { get; }

    public AccelRunFixture()
        : this("host-test")
    {
    }

    /// <summary>Runs make target <paramref name="target"/> of native/guest/accel.</summary>
    protected AccelRunFixture(string target)
    {
        string dir = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "accel");
        (ExitCode, Output) = Run("make", $"-s -C \"{dir}\" {target}");
    }

    private static (int Code, string Output) Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // the kzg group reads the EF point-evaluation fixture from the shared folder
        if (SharedData.Directory is string shared)
            psi.Environment["PROVER_SHARED"] = shared;
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
        string? missing = MissingTool();
        if (missing is not null)
            Skip = $"'{missing}' not found on PATH: the native accelerator tests need gcc and make";
    }

    internal static string? MissingTool() => new[] { "gcc", "make" }.FirstOrDefault(t => !OnPath(t));

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, tool)));
}

/// <summary>A fact that needs gcc, make and <c>../shared</c>; skipped with a reason otherwise.</summary>
public sealed class NativeSharedFactAttribute : FactAttribute
{
    public NativeSharedFactAttribute()
    {
        string? missing = NativeToolchainTheoryAttribute.MissingTool();
        if (missing is not null)
            Skip = $"'{missing}' not found on PATH: the native accelerator tests need gcc and make";
        else if (!SharedData.Exists)
            Skip = SharedData.MissingMessage;
    }
}

/// <summary>
/// The same C tests on the zkVM build's field path (R = 1 contexts, every field product through the modmul
/// syscall, emulated on the host: <c>make host-test-modmul</c>), so the rv64 code path is checked against every
/// vector, not only the fixture blocks the emulator runs.
/// </summary>
public sealed class AccelModMulRunFixture : AccelRunFixture
{
    public AccelModMulRunFixture()
        : base("host-test-modmul")
    {
    }
}

public sealed class AccelModMulPathTests(AccelModMulRunFixture run) : IClassFixture<AccelModMulRunFixture>
{
    [NativeToolchainTheory]
    [InlineData("field")]
    [InlineData("secp256k1")]
    [InlineData("ecrecover")]
    [InlineData("p256")]
    [InlineData("bn254")]
    [InlineData("bls12")]
    [InlineData("kzg")]
    public void Group(string group)
    {
        Assert.Equal(0, run.ExitCode);
        AccelTests.AssertGroup(run, group);
    }
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
    [InlineData("ecrecover")]
    [InlineData("p256")]
    [InlineData("bn254")]
    [InlineData("blake2f")]
    [InlineData("bls12")]
    [InlineData("kzg")]
    public void Group(string group) => AssertGroup(run, group);

    internal static void AssertGroup(AccelRunFixture run, string group)
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

    /// <summary>With the shared folder present, the KZG cases built on the EF point-evaluation fixture
    /// (its real proof and the negative cases derived from it) must have run, not been skipped.</summary>
    [NativeSharedFact]
    public void KzgFixtureCasesRan()
    {
        const string fixture = "fixtures/ethereum/prague_witness/test_worst_precompile_fixed_cost-point_evaluation.json";
        Assert.True(File.Exists(SharedData.PathOf(fixture)), $"shared/{fixture} is missing");
        string[] lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("PASS kzg.fixture-point-evaluation", lines);
        Assert.Contains("PASS kzg.fixture-negative", lines);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
