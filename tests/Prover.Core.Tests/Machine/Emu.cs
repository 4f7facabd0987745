using Prover.Core.Machine;

namespace Prover.Core.Tests.Machine;

/// <summary>What a test program left behind (fast mode), after checking tracing mode agrees.</summary>
internal sealed record Outcome(ulong[] Regs, ExecutionResult Result, byte[] Data, IReadOnlyList<ExecutionRecord> Shards)
{
    public ulong this[int reg] => Regs[reg];
}

/// <summary>Runs small programs built with <see cref="Asm"/> in both modes.</summary>
internal static class Emu
{
    /// <summary>A RAM address for test data, far above the code.</summary>
    public const ulong Data = 0x0010_0000;

    public const int DataWindow = 64;

    /// <summary>
    /// Runs <paramref name="body"/> followed by an exit (a7 = 93, ecall), fast and traced, each on a
    /// fresh machine prepared by <paramref name="setup"/>; asserts both end with the same registers,
    /// data window, output, cycles and unaligned count, and that the trace has one event per cycle.
    /// </summary>
    public static Outcome Run(uint[] body, Action<Prover.Core.Machine.Machine>? setup = null, ReadOnlySpan<byte> input = default,
        MachineOptions? options = null, bool appendExit = true)
    {
        var program = GuestProgram.FromWords(appendExit ? [.. body, .. Asm.Exit] : body);
        options ??= new MachineOptions();
        var fast = RunOne(program, setup, input, options with { Engine = ExecutionEngine.Interpreter }, traced: false);
        var jit = RunOne(program, setup, input, options with { Engine = ExecutionEngine.Jit, JitThreshold = 1 }, traced: false);
        var traced = RunOne(program, setup, input, options, traced: true);
        Assert.Equal(fast.Regs, jit.Regs);
        Assert.Equal(fast.Data, jit.Data);
        Assert.Equal(fast.Result, jit.Result with { Output = fast.Result.Output, CommittedOutput = fast.Result.CommittedOutput, RegionCycles = fast.Result.RegionCycles });
        Assert.Equal(fast.Result.Output, jit.Result.Output);
        Assert.Equal(fast.Result.CommittedOutput, jit.Result.CommittedOutput);
        Assert.Equal(fast.Result.RegionCycles, jit.Result.RegionCycles);
        Assert.Equal(fast.Regs, traced.Regs);
        Assert.Equal(fast.Data, traced.Data);
        Assert.Equal(fast.Result.Output, traced.Result.Output);
        Assert.Equal(fast.Result.CommittedOutput, traced.Result.CommittedOutput);
        Assert.Equal(fast.Result.ExitCode, traced.Result.ExitCode);
        Assert.Equal(fast.Result.Cycles, traced.Result.Cycles);
        Assert.Equal(fast.Result.UnalignedAccesses, traced.Result.UnalignedAccesses);
        Assert.Equal(fast.Result.Cycles, traced.Shards.Sum(s => s.Cycles));
        Assert.Equal(fast.Result.Cycles, traced.Shards.Sum(s => s.InstructionEventCount));
        return fast with { Shards = traced.Shards };
    }

    private static Outcome RunOne(GuestProgram program, Action<Prover.Core.Machine.Machine>? setup, ReadOnlySpan<byte> input,
        MachineOptions? options, bool traced)
    {
        using var m = new Prover.Core.Machine.Machine(program, input, options);
        setup?.Invoke(m);
        var shards = new List<ExecutionRecord>();
        var result = traced ? m.RunTraced(shards.Add) : m.Run();
        var regs = new ulong[32];
        for (int r = 0; r < 32; r++)
            regs[r] = m.GetRegister(r);
        var data = new byte[DataWindow];
        m.ReadMemory(Data, data);
        return new Outcome(regs, result, data, shards);
    }

    /// <summary>
    /// Runs the interpreter (or tracing mode) and returns the fault; in fast mode also checks that the
    /// JIT (compiling every block) raises the same fault at the same pc and cycle.
    /// </summary>
    public static MachineException Fault(uint[] body, Action<Prover.Core.Machine.Machine>? setup = null, MachineOptions? options = null,
        ReadOnlySpan<byte> input = default, bool traced = false)
    {
        options ??= new MachineOptions();
        var program = GuestProgram.FromWords(body);
        MachineException Once(MachineOptions o, ReadOnlySpan<byte> inp, bool t)
        {
            using var m = new Prover.Core.Machine.Machine(program, inp, o);
            setup?.Invoke(m);
            return t ? Assert.Throws<MachineException>(() => m.RunTraced(_ => { })) : Assert.Throws<MachineException>(() => m.Run());
        }
        var e = Once(options with { Engine = ExecutionEngine.Interpreter }, input, traced);
        if (!traced)
        {
            var j = Once(options with { Engine = ExecutionEngine.Jit, JitThreshold = 1 }, input, false);
            Assert.Equal((e.Fault, e.Pc, e.Cycles, e.Message), (j.Fault, j.Pc, j.Cycles, j.Message));
        }
        return e;
    }
}
