using BenchmarkDotNet.Attributes;
using Prover.Core.Machine;

namespace Prover.Benchmarks.Machine;

/// <summary>
/// Emulator throughput on the compute-heavy guest native/guest/tests/elf/bench.elf (about 2.8e8
/// instructions: big-integer squaring and a merge sort). MHz = <see cref="Cycles"/> / mean time.
/// Compare with <c>qemu-riscv64</c> on the same ELF (docs/benchmarks.md).
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*EmulatorBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EmulatorBenchmarks
{
    private GuestProgram _program = null!;

    /// <summary>Instructions the guest executes (set by the setup).</summary>
    public long Cycles { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Prover.sln")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Prover.sln not found");
        _program = GuestProgram.FromElf(File.ReadAllBytes(Path.Combine(dir, "native", "guest", "tests", "elf", "bench.elf")));
        // The variants must agree before they are timed.
        var a = Run(ExecutionEngine.Interpreter);
        var b = Run(ExecutionEngine.Jit);
        if (!a.Output.AsSpan().SequenceEqual(b.Output) || a.Cycles != b.Cycles || a.ExitCode != 0)
            throw new InvalidOperationException("interpreter and JIT disagree on bench.elf");
        Cycles = a.Cycles;
        Console.WriteLine($"// bench.elf: {Cycles} cycles");
    }

    private ExecutionResult Run(ExecutionEngine engine)
    {
        using var m = new Prover.Core.Machine.Machine(_program, default, new MachineOptions { Engine = engine });
        return m.Run();
    }

    [Benchmark(Baseline = true)]
    public long Interpreter() => Run(ExecutionEngine.Interpreter).Cycles;

    [Benchmark]
    public long Jit() => Run(ExecutionEngine.Jit).Cycles;

    [Benchmark]
    public long Tracing()
    {
        using var m = new Prover.Core.Machine.Machine(_program);
        long events = 0;
        m.RunTraced(r =>
        {
            events += r.InstructionEventCount;
            m.Recycle(r);
        });
        return events;
    }
}
