namespace Prover.Core.Machine;

/// <summary>
/// What a machine needs to re-execute one shard of an execution on its own (a distributed shard job,
/// docs/design.md "Distributed proving"): the shard's number, its start state (pc, clk, registers), how
/// many instructions it runs, the double words it touches with their values and last-access clk when it
/// starts (its record's <see cref="ExecutionRecord.InitialMemory"/>), and how many bytes of public and
/// committed output precede it (the output syscalls check them).
/// </summary>
public sealed record ShardResumeState(int Index, ShardStart Start, long Cycles, IReadOnlyList<MemoryInitEvent> InitialMemory, long OutputBytesBefore,
    long CommittedBytesBefore);

public sealed unsafe partial class Machine
{
    /// <summary>
    /// Re-executes one shard from <paramref name="state"/> with tracing and returns its record, which equals the
    /// record the whole traced run produced for that shard: every value the shard's instructions read is either in a
    /// register or in a double word it touches (all in <paramref name="state"/>), and untraced reads (the write
    /// syscall's buffer, region names) do not influence the record. Input double words must agree with this
    /// machine's input (an <see cref="InvalidOperationException"/> otherwise: the job is about another input).
    /// The machine must be new (a machine runs once).
    /// </summary>
    public ExecutionRecord RunShardTraced(ShardResumeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var start = state.Start;
        if (start.Registers.Length != 32 || start.Clk < 1 || state.Cycles < 1 || state.Index < 0)
            throw new ArgumentException("a shard starts at clk ≥ 1 with 32 registers and runs at least one instruction", nameof(state));
        if (start.Pc < _program.CodeBase || start.Pc >= _program.CodeEnd || (start.Pc & 3) != 0)
            throw new ArgumentException($"shard start pc 0x{start.Pc:x} is not an instruction of the program", nameof(state));
        if (state.OutputBytesBefore < 0 || state.CommittedBytesBefore < 0 || state.OutputBytesBefore > _options.MaxOutputBytes
            || state.CommittedBytesBefore > _options.MaxOutputBytes)
            throw new ArgumentException("output lengths before the shard are out of range", nameof(state));
        if (start.Clk - 1 > _options.MaxCycles - state.Cycles)
            throw new ArgumentException("the shard ends beyond the machine's cycle limit", nameof(state));
        BeginRun();
        _memory.EnableTimestamps();
        for (int r = 1; r < 32; r++)
            _regs[r] = start.Registers[r];
        _index = (int)((start.Pc - _program.CodeBase) >> 2);
        _cycles = start.Clk - 1;
        foreach (var e in state.InitialMemory)
        {
            if ((e.Address & 7) != 0 || !_memory.IsReadable(e.Address, 8) && !IsPaddedInput(e.Address) || e.Timestamp < 0 || e.Timestamp >= start.Clk)
                throw new ArgumentException($"initial memory entry 0x{e.Address:x} (clk {e.Timestamp}) is not a double word touched before the shard", nameof(state));
            if (e.Address >= MemoryMap.InputBase)
            {
                if (_memory.ReadDword(e.Address) != e.Value)
                    throw new InvalidOperationException($"input double word 0x{e.Address:x} differs from the shard's: the shard is about another input");
            }
            else
            {
                *(ulong*)(_memory.Ram + (e.Address - MemoryMap.RamBase)) = e.Value;
            }
            *_memory.StampSlot(e.Address) = e.Timestamp;
        }
        // Only the lengths matter: the syscalls check them; the bytes themselves are the coordinator's.
        _output.SetLength(state.OutputBytesBefore);
        _committed.SetLength(state.CommittedBytesBefore);
        _output.Position = _output.Length;
        _committed.Position = _committed.Length;

        ExecutionRecord? record = null;
        var builder = new TraceBuilder(this, r => record = record is null ? r : throw new InvalidOperationException("a resumed shard produced two records"));
        builder.ResumeAt(state.Index, start.Clk);
        var tracer = new RecordingTracer(builder);
        Interpret(ref tracer, stopAt: start.Clk - 1 + state.Cycles);
        tracer.Builder.Finish(_cycles);
        if (record is null || record.Cycles != state.Cycles)
            throw new InvalidOperationException($"the resumed shard ran {record?.Cycles ?? 0} instructions, not {state.Cycles}");
        return record;
    }

    /// <summary>The last double word of an input whose size is not a multiple of 8 (readable by tracing, zero-padded).</summary>
    private bool IsPaddedInput(ulong address) => address >= MemoryMap.InputBase && address - MemoryMap.InputBase < _memory.InputPadded;
}
