using System.Diagnostics;
using System.Text;
using Prover.Core.Machine;

namespace Prover.Guest.Tests;

/// <summary>
/// Runs the EVM guest's C tests (<c>make -C native/guest/evm host-test</c>: a host build with
/// AddressSanitizer and UBSan) once, and reports each C test group as one xunit test, so a failing
/// group names its failing C tests.
/// </summary>
public sealed class EvmGuestTests
{
    [NativeToolsFact] public void Uint256() => AssertGroup("u256");
    [NativeToolsFact] public void Rlp() => AssertGroup("rlp");
    [NativeToolsFact] public void Ssz() => AssertGroup("ssz");
    [NativeToolsFact] public void Trie() => AssertGroup("trie");
    /// <summary>The block group runs on inputs generated at build time from ../shared (see gen_block_vectors.py).</summary>
    [NativeToolsFact(NeedsShared = true)] public void Block() => AssertGroup("block");

    [NativeToolsFact] public void Evm() => AssertGroup("evm");

    /// <summary>
    /// The committed RV64 ELF (native/guest/evm/evm-guest.elf) on the emulator gives the host build's
    /// exit code and output for the committed inputs, and the fixture's verdict. Needs no C toolchain.
    /// </summary>
    [Theory]
    [InlineData("empty_block", true)]
    [InlineData("SimpleTx", true)]
    [InlineData("wrongStateRoot", false)]
    [InlineData("invalid_negative_excess_blob_gas", false)]
    [InlineData("ecadd_1-2_0-0_21000_64_1", true)]
    [InlineData("ecmul_1-2_5617_21000_96_1", true)]
    [InlineData("ecpairing_two_point_match_1_0", true)]
    [InlineData("CALLBlake2f_24", true)]
    [InlineData("point_evaluation_precompile_gas_tx_to_3", true)]
    [InlineData("ejs_paris", true)]
    [InlineData("ejs_shanghai", true)]
    public void ElfOnEmulator(string name, bool valid)
    {
        string dir = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "evm");
        var program = GuestProgram.FromElf(File.ReadAllBytes(Path.Combine(dir, "evm-guest.elf")));
        byte[] input = File.ReadAllBytes(Path.Combine(dir, "tests", "inputs", name + ".ssz"));
        string[] expected = File.ReadAllText(Path.Combine(dir, "tests", "inputs", name + ".expected")).Trim().Split(' ');
        using var machine = new Machine(program, input, new MachineOptions { MaxCycles = 1L << 32 });
        ExecutionResult result = machine.Run();
        Assert.Equal(int.Parse(expected[0], System.Globalization.CultureInfo.InvariantCulture), result.ExitCode);
        Assert.Equal(expected[1], Convert.ToHexStringLower(result.Output));
        Assert.Equal(43, result.Output.Length);
        Assert.Equal(valid ? 1 : 0, result.Output[32]);
    }

    private static void AssertGroup(string group)
    {
        NativeRun run = Run.Value;
        string prefix = group + "/";
        var passed = new List<string>();
        var failed = new List<string>();
        foreach (string line in run.Lines)
        {
            if (line.StartsWith("PASS " + prefix, StringComparison.Ordinal))
                passed.Add(line[5..]);
            else if (line.StartsWith("FAIL " + prefix, StringComparison.Ordinal))
                failed.Add(line[5..]);
        }
        Assert.True(failed.Count == 0,
            $"C tests failed in group {group}: {string.Join(", ", failed)}\n{run.Tail}");
        Assert.True(passed.Count > 0,
            $"no C test of group {group} ran (make exit code {run.ExitCode})\n{run.Tail}");
    }

    private sealed record NativeRun(int ExitCode, string[] Lines, string Tail);

    private static readonly Lazy<NativeRun> Run = new(RunMake);

    private static NativeRun RunMake()
    {
        var psi = new ProcessStartInfo("make")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-s");
        psi.ArgumentList.Add("-j2");
        psi.ArgumentList.Add("-C");
        psi.ArgumentList.Add(Path.Combine(SharedData.RepositoryRoot, "native", "guest", "evm"));
        psi.ArgumentList.Add("host-test");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start make");
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
        string tail = all.Length > 4000 ? all[^4000..] : all;
        return new NativeRun(process.ExitCode, stdout.Split('\n', StringSplitOptions.TrimEntries), tail);
    }
}

/// <summary>A fact that is skipped when gcc, make or python3 (the native test toolchain) is not on PATH.</summary>
public sealed class NativeToolsFactAttribute : FactAttribute
{
    public NativeToolsFactAttribute()
    {
        string? missing = new[] { "gcc", "make", "python3" }.FirstOrDefault(t => !OnPath(t));
        if (missing is not null)
            Skip = $"{missing} not found on PATH: the EVM guest's native tests need gcc, make and python3";
    }

    /// <summary>Also skip (with the reason) when ../shared, where the test inputs come from, is absent.</summary>
    public bool NeedsShared
    {
        get => _needsShared;
        init
        {
            _needsShared = value;
            if (value && Skip is null && !SharedData.Exists)
                Skip = SharedData.MissingMessage;
        }
    }

    private readonly bool _needsShared;

    private static bool OnPath(string tool)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return false;
        return path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool)));
    }
}
