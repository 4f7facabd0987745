using Prover.Core.Machine;
using Prover.Core.Zkvm.Cpu;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// What the single-process prover keeps of one shard between its two phases (docs/design.md, "Shard retention
/// between the phases"): enough to re-execute the shard alone and rebuild its traces exactly. That is the
/// machine's <see cref="ShardResumeState"/> (start pc, clk and registers, cycles, every double word the shard touches
/// with its value and last-access clk, the output lengths before it) and the register file, with timestamps and
/// touched flags, that the CPU trace continues from. 24 bytes per touched double word, against about a kilobyte
/// of trace per cycle; the last shard's whole-execution memory boundary comes from the prover's
/// <see cref="MemoryBoundaries"/>, which phase 1 has filled by then.
/// </summary>
internal sealed record ShardCheckpoint(ShardResumeState Resume, RegisterFileState Registers, bool IsLast)
{
    /// <summary>Bytes this checkpoint holds (the touched double words and the two register files).</summary>
    public long Bytes => 24L * Resume.InitialMemory.Count + 2 * 32 * 17 + 64;

    /// <summary>The checkpoint of <paramref name="record"/>'s shard, taken before its traces are built (<paramref name="registers"/> is the file it starts from).</summary>
    public static ShardCheckpoint Of(ExecutionRecord record, RegisterFile registers, long outputBytesBefore, long committedBytesBefore, bool last)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(registers);
        var resume = new ShardResumeState(record.ShardIndex, record.Start, record.Cycles, [.. record.InitialMemory], outputBytesBefore, committedBytesBefore);
        return new ShardCheckpoint(resume, RegisterFileState.Of(registers), last);
    }

    /// <summary>
    /// Re-executes the shard and builds its traces (padded to <paramref name="budget"/> as phase 1's were). <paramref name="registers"/> starts as <see cref="Registers"/> and
    /// ends as the file after the shard; <paramref name="memory"/> is the whole execution's boundary for the last
    /// shard (phase 1's, holding every earlier shard's last accesses), any boundary for the others (they only check
    /// their first touches against it).
    /// </summary>
    public ShardTraces Rebuild(ZkvmProgram program, byte[] input, RegisterFile registers, MemoryBoundaries memory, long maxCycles, ShardBudget? budget = null) =>
        Rebuild(program, input, Resume, registers, memory, IsLast, maxCycles, budget);

    /// <summary>Re-executes the shard <paramref name="resume"/> describes and builds its traces (see the instance overload).</summary>
    public static ShardTraces Rebuild(ZkvmProgram program, byte[] input, ShardResumeState resume, RegisterFile registers, MemoryBoundaries memory, bool last,
        long maxCycles, ShardBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(resume);
        ExecutionRecord record;
        using (var machine = new Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << 40, MaxCycles = maxCycles }))
            record = machine.RunShardTraced(resume);
        if (!record.InitialMemory.SequenceEqual(resume.InitialMemory))
            throw new InvalidOperationException($"shard {resume.Index}: the re-executed shard touched other memory than its checkpoint lists");
        return ShardTraceBuilder.Build(program, record, registers, memory, input, last, budget);
    }
}
