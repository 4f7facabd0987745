using System.Buffers.Binary;
using System.Diagnostics;
using Prover.Core.Machine;

namespace Prover.Core.Tests.Machine;

/// <summary>The committed test guests (native/guest/tests/elf): run in both modes, and against qemu-riscv64.</summary>
public class GuestTests
{
    public static readonly TheoryData<string, int> Guests = new()
    {
        { "hello", 0 }, { "sort", 0 }, { "bigmul", 0 }, { "misaligned", 0 }, { "abort", 134 }, { "keccak", 0 }, { "sha256", 0 },
    };

    internal static byte[] Elf(string name) =>
        File.ReadAllBytes(Path.Combine(SharedData.RepositoryRoot, "native", "guest", "tests", "elf", name + ".elf"));

    private static (ExecutionResult Fast, ExecutionResult Traced, int Shards) RunBoth(string name, byte[]? input = null, long shardSize = 1L << 22)
    {
        var program = GuestProgram.FromElf(Elf(name));
        var options = new MachineOptions { ShardSize = shardSize, Engine = ExecutionEngine.Interpreter };
        using var fast = new Prover.Core.Machine.Machine(program, input, options);
        using var traced = new Prover.Core.Machine.Machine(program, input, options);
        var f = fast.Run();
        using var jit = new Prover.Core.Machine.Machine(program, input, options with { Engine = ExecutionEngine.Jit, JitThreshold = 1 });
        var j = jit.Run();
        Assert.True(jit.CompiledBlocks > 0);
        Assert.Equal(f.Output, j.Output);
        Assert.Equal(f.CommittedOutput, j.CommittedOutput);
        Assert.Equal((f.ExitCode, f.Cycles, f.UnalignedAccesses), (j.ExitCode, j.Cycles, j.UnalignedAccesses));
        Assert.Equal(f.RegionCycles, j.RegionCycles);
        int shards = 0;
        long cycles = 0, events = 0;
        var t = traced.RunTraced(r =>
        {
            Assert.Equal(shards++, r.ShardIndex);
            Assert.Equal(cycles + 1, r.StartClk);
            cycles += r.Cycles;
            events += r.InstructionEventCount;
        });
        Assert.Equal(t.Cycles, cycles);
        Assert.Equal(t.Cycles, events);
        return (f, t, shards);
    }

    [Theory]
    [MemberData(nameof(Guests))]
    public void Fast_and_tracing_modes_agree(string name, int exitCode)
    {
        var (f, t, shards) = RunBoth(name, shardSize: 1 << 16);
        Assert.Equal(exitCode, f.ExitCode);
        Assert.Equal(f.ExitCode, t.ExitCode);
        Assert.Equal(f.Output, t.Output);
        Assert.Equal(f.CommittedOutput, t.CommittedOutput);
        // Every test guest writes its output through write_output, which commits each byte first.
        Assert.Equal(f.Output, f.CommittedOutput);
        Assert.Equal(f.Cycles, t.Cycles);
        Assert.Equal(f.UnalignedAccesses, t.UnalignedAccesses);
        Assert.Equal(f.RegionCycles, t.RegionCycles);
        Assert.Equal((int)((f.Cycles + (1 << 16) - 1) >> 16), shards);
        Assert.NotEmpty(f.Output);
    }

    [Fact]
    public void Hello_echoes_its_input_zero_copy_and_marks_a_region()
    {
        byte[] input = "input bytes \x00\xff"u8.ToArray();
        var (f, _, _) = RunBoth("hello", input);
        Assert.Equal([.. "hello, zkvm\n"u8, .. input], f.Output);
        Assert.Equal(f.Output, f.CommittedOutput);
        Assert.True(f.RegionCycles["hello"] > 0);
        Assert.Equal("hello, zkvm\n"u8.ToArray(), RunBoth("hello").Fast.Output);
    }

    [Fact]
    public void Input_changes_the_sort_guest_result()
    {
        // Fast mode only: the modes are compared on this guest above.
        using var m1 = Prover.Core.Machine.Machine.FromElf(Elf("sort"));
        using var m2 = Prover.Core.Machine.Machine.FromElf(Elf("sort"), BitConverter.GetBytes(77UL));
        var none = m1.Run();
        var seeded = m2.Run();
        Assert.Equal(none.Output.AsSpan(0, 8).ToArray(), seeded.Output.AsSpan(0, 8).ToArray()); // the count
        Assert.NotEqual(none.Output, seeded.Output);
        Assert.Equal(0, seeded.ExitCode);
    }

    [Fact]
    public void Misaligned_guest_counts_its_misaligned_accesses()
    {
        // 8 offsets x (5 loads + 3 stores); misaligned: u16/s16 at odd offsets (2 x 4), u32/s32 and the
        // u32 store at offsets not multiple of 4 (3 x 6), u64 load and store at offsets != 0 (2 x 7), u16 store (4).
        var f = RunBoth("misaligned").Fast;
        Assert.Equal(2 * 4 + 3 * 6 + 2 * 7 + 4, f.UnalignedAccesses);
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void Runaway_guest_is_stopped_by_the_cycle_limit(ExecutionEngine engine)
    {
        using var m = Prover.Core.Machine.Machine.FromElf(Elf("sort"), options: new MachineOptions { MaxCycles = 100_000, Engine = engine });
        var e = Assert.Throws<MachineException>(() => m.Run());
        Assert.Equal(MachineFault.CycleLimitExceeded, e.Fault);
        Assert.Equal(100_000, e.Cycles);
    }

    [QemuTheory]
    [MemberData(nameof(Guests))]
    public void Same_output_and_exit_code_as_qemu(string name, int exitCode)
    {
        var (stdout, qemuExit) = Qemu.Run(Path.Combine(SharedData.RepositoryRoot, "native", "guest", "tests", "elf", name + ".elf"));
        using var m = Prover.Core.Machine.Machine.FromElf(Elf(name));
        var r = m.Run();
        Assert.Equal(exitCode, qemuExit);
        Assert.Equal(qemuExit, r.ExitCode & 0xFF);
        Assert.Equal(stdout, r.Output);
    }
}

/// <summary>Runs an ELF under qemu-riscv64 (Linux user mode): stdout bytes and exit code.</summary>
internal static class Qemu
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
        {
            string candidate = System.IO.Path.Combine(dir, "qemu-riscv64");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static (byte[] Stdout, int ExitCode) Run(string elf)
    {
        var psi = new ProcessStartInfo(Path!, [elf]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        var errTask = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(ms);
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            throw new TimeoutException("qemu-riscv64 did not finish in 60 s");
        }
        errTask.Wait();
        return (ms.ToArray(), p.ExitCode);
    }
}

/// <summary>A theory that needs qemu-riscv64 (Debian qemu-user); skipped with a reason when it is absent.</summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute()
    {
        if (Qemu.Path is null)
            Skip = "qemu-riscv64 not found on PATH (install Debian qemu-user) for the differential test";
    }
}

public class ElfLoaderTests
{
    private static readonly byte[] Hello = GuestTests.Elf("hello");

    private static string LoadError(byte[] elf) => Assert.Throws<ElfLoadException>(() => GuestProgram.FromElf(elf)).Message;

    private static byte[] Patched(Action<byte[]> patch)
    {
        var copy = (byte[])Hello.Clone();
        patch(copy);
        return copy;
    }

    private static int PhOff(byte[] f, int index) => (int)BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(32)) + 56 * index;

    [Fact]
    public void Loads_the_hello_guest()
    {
        var p = GuestProgram.FromElf(Hello);
        Assert.Equal(MemoryMap.RamBase, p.Entry);
        Assert.Equal(MemoryMap.RamBase, p.CodeBase);
        Assert.Equal(3, p.Segments.Count);
        Assert.Equal(MemoryMap.RamEnd, p.Segments.Max(s => s.Address + s.MemorySize)); // stack top
    }

    [Fact]
    public void Truncated_files()
    {
        Assert.Contains("truncated", LoadError(Hello[..40]), StringComparison.Ordinal);
        Assert.Contains("program headers", LoadError(Hello[..100]), StringComparison.Ordinal);
        Assert.Contains("past the end", LoadError(Hello[..(Hello.Length / 2)]), StringComparison.Ordinal);
        Assert.Contains("bad magic", LoadError(new byte[64]), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_machine_class_type_or_flags()
    {
        Assert.Contains("wrong machine 62", LoadError(Patched(f => f[18] = 62)), StringComparison.Ordinal);
        Assert.Contains("ELFCLASS64", LoadError(Patched(f => f[4] = 1)), StringComparison.Ordinal);
        Assert.Contains("little-endian", LoadError(Patched(f => f[5] = 2)), StringComparison.Ordinal);
        Assert.Contains("ET_DYN", LoadError(Patched(f => f[16] = 3)), StringComparison.Ordinal);
        Assert.Contains("compressed", LoadError(Patched(f => f[48] |= 1)), StringComparison.Ordinal);
        Assert.Contains("floating-point", LoadError(Patched(f => f[48] |= 4)), StringComparison.Ordinal);
    }

    [Fact]
    public void Segments_overlapping_the_input_region_or_outside_RAM()
    {
        // Segment 2 (data, heap, stack) ends exactly at 0x40000000; one byte more reaches the input.
        string overlap = LoadError(Patched(f =>
        {
            int ph = PhOff(f, 2);
            ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(ph + 40));
            BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(ph + 40), memsz + 1);
        }));
        Assert.Contains("overlaps the input region", overlap, StringComparison.Ordinal);
        string inside = LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 1) + 16), MemoryMap.InputBase + 0x100)));
        Assert.Contains("overlaps the input region", inside, StringComparison.Ordinal);
        string low = LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 1) + 16), 0x1000)));
        Assert.Contains("outside RAM", low, StringComparison.Ordinal);
        string wrap = LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 1) + 40), ulong.MaxValue)));
        Assert.Contains("outside RAM", wrap, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_segments_bad_entry_and_oversized_file_size()
    {
        Assert.Contains("overlaps segment", LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 1) + 16), MemoryMap.RamBase + 8))), StringComparison.Ordinal);
        Assert.Contains("entry point", LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(24), MemoryMap.RamBase + 2))), StringComparison.Ordinal);
        Assert.Contains("entry point", LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(24), 0x11000))), StringComparison.Ordinal);
        Assert.Contains("exceeds memory size", LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 0) + 32), 0x10000))), StringComparison.Ordinal);
        Assert.Contains("past the end", LoadError(Patched(f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(PhOff(f, 0) + 8), 1UL << 40))), StringComparison.Ordinal);
        Assert.Contains("more than one executable", LoadError(Patched(f => f[PhOff(f, 1) + 4] |= 1)), StringComparison.Ordinal);
        Assert.Contains("PT_INTERP", LoadError(Patched(f => f[PhOff(f, 1)] = 3)), StringComparison.Ordinal);
    }

    [Fact]
    public void Random_corruption_never_crashes_the_loader_or_the_machine()
    {
        const int seed = 99;
        var rng = new Random(seed);
        for (int k = 0; k < 200; k++)
        {
            var f = (byte[])Hello.Clone();
            for (int j = 0; j < 4; j++)
                f[rng.Next(k % 2 == 0 ? 64 + 3 * 56 : f.Length)] = (byte)rng.Next(256);
            try
            {
                using var m = Prover.Core.Machine.Machine.FromElf(f, options: new MachineOptions { MaxCycles = 100_000 });
                m.Run();
            }
            catch (ElfLoadException)
            {
            }
            catch (MachineException)
            {
            }
        }
    }
}
