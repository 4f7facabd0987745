using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// What the chips' trace generators of one shard read: the shard's <see cref="ExecutionRecord"/>, the program and
/// input, the register file and memory boundary carried across shards, the shared lookup counts (every chip adds its
/// byte-table lookups; the byte table, generated last, receives them), and what the CPU stage derives from the record:
/// the CPU rows and trace, the syscall rows, and the ALU requests the CPU rows send, by receiving chip.
/// </summary>
internal sealed class ShardTraceContext
{
    private readonly List<AluEvent>[] _requests;

    public ShardTraceContext(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last)
    {
        Program = program;
        Record = record;
        Registers = registers;
        Memory = memory;
        Input = input;
        IsLast = last;
        Rows = CpuTrace.Rows(record, program.Table, InputSize);
        Cpu = CpuTrace.Generate<KoalaBear>(Rows, registers, Counts, out var cpuPublics, Syscalls);
        CpuPublics = cpuPublics;
        memory.Add(record);

        // The ALU requests the CPU sends, by receiving chip (LUI/AUIPC go to the add/sub chip).
        _requests = [.. Enum.GetValues<AluFamily>().Select(_ => new List<AluEvent>())];
        foreach (var r in Rows)
        {
            if (AluRequest(r) is not { } e)
                continue;
            var chip = OpcodeClasses.FamilyOf(e.Op);
            _requests[(int)(chip == AluFamily.UpperImmediate ? AluFamily.AddSub : chip)].Add(e);
            if (r.Ins.Has(InstructionFlags.Store))
                StoreOperands[r.Clk] = r.Rs2Val;
        }
    }

    public ZkvmProgram Program { get; }

    public ExecutionRecord Record { get; }

    public RegisterFile Registers { get; }

    public MemoryBoundaries Memory { get; }

    public byte[] Input { get; }

    public ulong InputSize => (ulong)Input.Length;

    public bool IsLast { get; }

    /// <summary>Byte-table lookups of every chip generated so far.</summary>
    public LookupCounts Counts { get; } = new();

    public List<CpuRow> Rows { get; }

    public RowMajorMatrix<KoalaBear> Cpu { get; }

    public KoalaBear[] CpuPublics { get; }

    /// <summary>The ECALL rows the CPU trace hands to the syscall chip.</summary>
    public List<SyscallRow> Syscalls { get; } = [];

    /// <summary>The value each store writes (rs2), by clk.</summary>
    public Dictionary<long, ulong> StoreOperands { get; } = [];

    private (List<Memory.MemoryEntry> Init, List<Memory.MemoryEntry> Final)? _memoryEntries;

    /// <summary>Last shard: the initial and final memory of the whole execution (after this shard's accesses and registers).</summary>
    public (List<Memory.MemoryEntry> Init, List<Memory.MemoryEntry> Final) MemoryEntries => _memoryEntries ??= IsLast ? Memory.Entries(Registers)
        : throw new InvalidOperationException("only the last shard has the memory boundary");

    /// <summary>The ALU requests the CPU rows send to the chip of <paramref name="family"/>.</summary>
    public IReadOnlyList<AluEvent> AluRequests(AluFamily family) => _requests[(int)family];

    /// <summary>The tuple the CPU row sends on the ALU bus (docs/zkvm.md), as an event for the receiving chip; null when it sends none.</summary>
    internal static AluEvent? AluRequest(CpuRow r)
    {
        var ins = r.Ins;
        if (ins.Has(InstructionFlags.Alu))
            return new AluEvent(r.Pc, ins.Op, r.AluA, ins.Has(InstructionFlags.Auipc) ? r.Pc : r.Rs1Val, ins.Has(InstructionFlags.ImmC) ? ins.Imm64 : r.Rs2Val);
        if (ins.Has(InstructionFlags.BranchCmp))
            return new AluEvent(r.Pc, ins.Has(InstructionFlags.BranchUnsigned) ? Opcode.Sltu : Opcode.Slt, r.AluA, r.Rs1Val, r.Rs2Val);
        if (ins.Has(InstructionFlags.Jalr) || ins.Has(InstructionFlags.Load) || ins.Has(InstructionFlags.Store))
            return new AluEvent(r.Pc, Opcode.Add, r.AluA, r.Rs1Val, ins.Imm64);
        return null;
    }
}
