using System.Diagnostics;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Witness.Conversion;
using Prover.Witness.Ssz;
using Xunit.Abstractions;

namespace Prover.Guest.Tests;

/// <summary>
/// Every block of every BlockchainTests/EEST fixture in ../shared, converted by the C# converter
/// (later blocks of a test on their parent's post-state, dumped by the state-dump guest on the
/// emulator), run by the host build of the guest (<c>make -C native/guest/evm host</c>): the output
/// must be the fixture's verdict, for every fork from Paris to Prague. CALLBlake2f_MaxRounds (2^32 − 1 BLAKE2 rounds, over a minute) runs only with
/// <c>EVM_ALL_FIXTURES=1</c>, as in the C block tests.
/// </summary>
public sealed class FixtureBlockTests(ITestOutputHelper output)
{
    private static readonly string EvmDir = Path.Combine(SharedData.RepositoryRoot, "native", "guest", "evm");

    private static readonly Lazy<string> HostBinaries = new(() =>
    {
        var (code, text) = RunProcess("make", ["-s", "-j2", "-C", EvmDir, "host", "host-dump"]);
        Assert.True(code == 0, $"make host host-dump failed ({code}):\n{text}");
        return Path.Combine(SharedData.RepositoryRoot, "native", "guest", "build", "evm", "host");
    });

    private static readonly Lazy<List<(string File, BlockOutcome Outcome)>> Converted = new(() =>
    {
        string root = SharedData.PathOf(Path.Combine("fixtures", "ethereum"));
        var all = new List<(string, BlockOutcome)>();
        foreach (var file in new[] { "blockchain_tests", "eest_prague" }
                     .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.json", SearchOption.AllDirectories))
                     .Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var o in BlockchainTestConverter.Convert(doc.RootElement))
                all.Add((Path.GetRelativePath(root, file), o));
        }
        return all;
    });

    private static (int ExitCode, string Stdout) RunProcess(string exe, string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }

    /// <summary>Runs evm-host on an input; returns the exit code and the output bytes (hex on its stdout).</summary>
    private static (int ExitCode, byte[] Output) RunHost(byte[] input, string binary = "evm-host")
    {
        string path = Path.Combine(Path.GetTempPath(), $"prover-guest-{Environment.ProcessId}-{Guid.NewGuid():N}.ssz");
        File.WriteAllBytes(path, input);
        try
        {
            var psi = new ProcessStartInfo(Path.Combine(HostBinaries.Value, binary)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(path);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {binary}");
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            _ = stderr.Result;
            return (p.ExitCode, stdout.Length == 0 ? [] : Convert.FromHexString(stdout));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [NativeToolsFact(NeedsShared = true)]
    public void Every_converted_fixture_block_gets_the_fixtures_verdict_from_the_host_build()
    {
        bool everything = Environment.GetEnvironmentVariable("EVM_ALL_FIXTURES") == "1";
        int matched = 0, preCancun = 0, skipped = 0, failedConversions = 0;
        var problems = new List<string>();
        foreach (var (file, o) in Converted.Value)
        {
            if (o.Result is not { } r)
            {
                failedConversions++;
                continue;
            }
            if (!everything && r.Name.Contains("MaxRounds", StringComparison.Ordinal))
            {
                skipped++;
                continue;
            }
            var (code, bytes) = RunHost(r.Bytes);
            var expected = StatelessValidationResult.For(r.Input, r.ExpectedValid).Encode();
            if (code == 0 && bytes.AsSpan().SequenceEqual(expected))
            {
                matched++;
                if (r.Fork is Fork.Paris or Fork.Shanghai) preCancun++;
            }
            else
                problems.Add($"{file} {r.Name} block {r.BlockNumber}: exit {code}, output {Convert.ToHexStringLower(bytes)}, expected valid = {r.ExpectedValid}");
        }
        output.WriteLine($"{matched} verdicts match ({preCancun} of them Paris/Shanghai blocks), {skipped} skipped (EVM_ALL_FIXTURES=1 runs them), {failedConversions} blocks not converted");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(166, matched + skipped);
        Assert.Equal(5, preCancun); // one Paris, four Shanghai blocks (one of them on its executed parent)
        Assert.Equal(2, failedConversions); // the Berlin and London proof-of-work blocks
    }

    /// <summary>
    /// Later blocks (the third block of transType, built on two executed blocks; the last of badBlocks,
    /// after six invalid ones) on the committed RV64 ELF on the emulator: byte-identical to the host build.
    /// </summary>
    [NativeToolsFact(NeedsShared = true)]
    public void Later_blocks_give_identical_output_on_the_host_and_the_emulator()
    {
        var program = GuestProgram.FromElf(File.ReadAllBytes(Path.Combine(EvmDir, "evm-guest.elf")));
        var picks = new[] { ("ValidBlocks/bcEIP1559/transType.json", 3UL), ("InvalidBlocks/bcEIP1559/badBlocks.json", 3UL), ("ValidBlocks/bcEIP1153-transientStorage/tloadDoesNotPersistAcrossBlocks.json", 2UL) };
        foreach (var (file, number) in picks)
        {
            var r = Converted.Value.Where(x => x.File.EndsWith(file, StringComparison.Ordinal) && x.Outcome.Result is { ExpectedValid: true } c && c.BlockNumber == number)
                .Select(x => x.Outcome.Result!).First();
            var (code, hostOut) = RunHost(r.Bytes);
            using var machine = new Machine(program, r.Bytes, new MachineOptions { MaxCycles = 1L << 32 });
            var result = machine.Run();
            Assert.Equal(0, code);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(Convert.ToHexStringLower(hostOut), Convert.ToHexStringLower(result.Output));
            Assert.Equal(StatelessValidationResult.For(r.Input, true).Encode(), result.Output);
            output.WriteLine($"{file} block {number}: {result.Cycles:N0} cycles, witness {r.Input.Witness.State.Length} nodes");
        }
    }

    /// <summary>
    /// The state-dump guest on the host (evm-host-dump) and on the emulator (the committed
    /// evm-guest-dump.elf) write the same bytes (result and post-state) for every valid block of the
    /// multi-block tests (every valid block, Paris to Prague, with <c>EVM_ALL_FIXTURES=1</c>).
    /// </summary>
    [NativeToolsFact(NeedsShared = true)]
    public void The_state_dump_is_identical_on_the_host_and_the_emulator()
    {
        bool everything = Environment.GetEnvironmentVariable("EVM_ALL_FIXTURES") == "1";
        var program = GuestProgram.FromElf(File.ReadAllBytes(Path.Combine(EvmDir, "evm-guest-dump.elf")));
        var multi = Converted.Value.GroupBy(x => (x.File, x.Outcome.Result?.Name ?? x.Outcome.Failure!.Name)).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        int compared = 0;
        foreach (var x in Converted.Value)
        {
            if (x.Outcome.Result is not { ExpectedValid: true } r
                || r.Name.Contains("MaxRounds", StringComparison.Ordinal) || (!everything && !multi.Contains(x)))
                continue;
            var (code, hostOut) = RunHost(r.Bytes, "evm-host-dump");
            using var machine = new Machine(program, r.Bytes, new MachineOptions { MaxCycles = 1L << 34, MaxOutputBytes = 1L << 28 });
            var result = machine.Run();
            Assert.Equal(0, code);
            Assert.Equal(0, result.ExitCode);
            Assert.True(hostOut.AsSpan().SequenceEqual(result.Output), $"{x.File} {r.Name} block {r.BlockNumber}: host and emulator dumps differ");
            Assert.True(result.Output.Length > StatelessValidationResult.Size + 40, $"{r.Name} block {r.BlockNumber}: no dump after the result");
            compared++;
        }
        output.WriteLine($"{compared} dumps compared");
        Assert.True(compared >= (everything ? 100 : 10), $"only {compared} dumps compared");
    }
}
