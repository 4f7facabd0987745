using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Syscall;
using SyscallNumbers = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Cpu;

/// <summary>
/// The register file as the memory argument sees it: each register's value and the timestamp (4·clk + slot)
/// of its last access. It starts an execution with the initial registers at ts 0 (what MemoryInit produces)
/// and is carried from shard to shard, so register accesses chain across shards on the memory bus with
/// absolute timestamps. <see cref="Advance"/> is its one step, over one CPU row: the CPU trace
/// (<see cref="CpuTrace"/>) and the distributed coordinator's replay (<see cref="Proving.ZkvmShardPlanner"/>) both
/// walk a shard with it, so the register file a worker ends a shard with is the one the coordinator expects.
/// </summary>
public sealed class RegisterFile
{
    public RegisterFile(IReadOnlyList<ulong> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != 32)
            throw new ArgumentException("32 registers", nameof(values));
        Values = [.. values];
        Values[0] = 0;
    }

    public ulong[] Values { get; }

    public long[] Timestamps { get; } = new long[32];

    /// <summary>Registers accessed at least once (x0 included when read).</summary>
    public bool[] Touched { get; } = new bool[32];

    /// <summary>
    /// Advances the register file over one row: rs1 read at slot 0, rs2 read at slot 1, the syscall chip's access at slot 2
    /// (an ECALL row's: the input call's a1 write, the commit, modmul, SHA-256 and point calls' a1 read, write's a2 read;
    /// not CPU accesses, but the register's next access consumes what they produce), rd written at slot 3. Returns the
    /// row's witness (previous timestamps of its three CPU accesses, rd's previous value); an ECALL row's state of a1/a2
    /// before the slot-2 access is appended to <paramref name="syscalls"/> when given.
    /// </summary>
    internal CpuRowWitness Advance(in CpuRow r, List<SyscallRow>? syscalls)
    {
        var regs = Values;
        var lastTs = Timestamps;
        var touched = Touched;
        var ins = r.Ins;
        long ts = 4 * r.Clk;
        long prev0 = Access(ref lastTs[ins.Rs1], ts);
        long prev1 = Access(ref lastTs[ins.Rs2], ts + 1);
        touched[ins.Rs1] = touched[ins.Rs2] = true;
        if (r.Syscall is { } se)
        {
            syscalls?.Add(new SyscallRow(se, new RegisterWitness(regs[11], (ulong)lastTs[11]), new RegisterWitness(regs[12], (ulong)lastTs[12])));
            if (SyscallCols.AccessesX11(se.Number))
            {
                if (r.SyscallA1 is { } a1)
                    regs[11] = a1;
                lastTs[11] = ts + 2;
                touched[11] = true;
            }
            else if (se.Number == SyscallNumbers.Write)
            {
                lastTs[12] = ts + 2;
                touched[12] = true;
            }
        }
        long prev2 = 0;
        ulong rdPrev = 0;
        if (ins.Has(InstructionFlags.WritesRd))
        {
            rdPrev = regs[ins.Rd];
            regs[ins.Rd] = r.RdVal;
            prev2 = Access(ref lastTs[ins.Rd], ts + 3);
            touched[ins.Rd] = true;
        }
        return new CpuRowWitness(prev0, prev1, prev2, rdPrev);
    }

    /// <summary>A register access at <paramref name="ts"/>: returns the previous timestamp and moves <paramref name="last"/> to <paramref name="ts"/>.</summary>
    private static long Access(ref long last, long ts)
    {
        long prev = last;
        if (ts <= prev)
            throw new InvalidOperationException($"register access at ts {ts} after ts {prev}");
        last = ts;
        return prev;
    }
}

/// <summary>What a CPU row needs of the register file: the previous timestamps of its three accesses (rs1, rs2, rd) and rd's previous value.</summary>
internal readonly record struct CpuRowWitness(long Prev0, long Prev1, long Prev2, ulong RdPrev);
