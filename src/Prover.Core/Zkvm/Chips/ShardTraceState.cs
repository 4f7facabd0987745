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
/// What the chips' trace generators of one shard read, shared by every generator of the shard: the shard's
/// <see cref="ExecutionRecord"/>, the program and input, the register file and memory boundary carried across shards,
/// and what the CPU stage derives from the record: the CPU rows and trace, the syscall rows, and the ALU requests the
/// CPU rows send, by receiving chip.
/// <para>
/// All of it is fixed by the constructor (the register file's pass over the rows included; the last shard's memory
/// boundary is computed once, by the first generator to ask), so the chips of one stage may generate concurrently. The
/// one mutable thing a generator writes, its byte-table lookup counts, is not here but in its <see cref="ShardTraceContext"/>.
/// </para>
/// </summary>
internal sealed class ShardTraceState
{
    private readonly List<AluEvent>[] _requests;

    /// <summary>The CPU trace, made by the constructor on the serial path (null on the parallel path).</summary>
    private readonly RowMajorMatrix<KoalaBear>? _cpu;

    /// <summary>The CPU rows' register witnesses, for the CPU chip to fill its trace from on the parallel path (null on the serial path).</summary>
    private readonly CpuRowWitness[]? _cpuWitnesses;

    private readonly Lazy<(List<Memory.MemoryEntry> Init, List<Memory.MemoryEntry> Final)> _memoryEntries;

    /// <param name="parallel">
    /// False (the reference): the CPU trace is made here in one pass, its lookups counted into <paramref name="counts"/>.
    /// True: only the register file's pass runs here, and the CPU chip's generator fills the trace in parallel chunks
    /// (<see cref="CpuTrace(LookupCounts)"/>); the same trace and counts.
    /// </param>
    public ShardTraceState(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last,
        bool parallel, LookupCounts counts)
    {
        Program = program;
        Record = record;
        Registers = registers;
        Memory = memory;
        Input = input;
        IsLast = last;
        Rows = Cpu.CpuTrace.Rows(record, program.Table, InputSize);
        if (parallel)
        {
            _cpuWitnesses = Cpu.CpuTrace.Witnesses(Rows, registers, Syscalls);
            CpuPublics = Cpu.CpuTrace.PublicValues<KoalaBear>(Rows);
        }
        else
        {
            _cpu = Cpu.CpuTrace.Generate<KoalaBear>(Rows, registers, counts, out var cpuPublics, Syscalls);
            CpuPublics = cpuPublics;
        }
        memory.Add(record);
        // Computed once, by the first of the memory boundary chips to ask (they may run concurrently), after the registers' pass above.
        _memoryEntries = new(() => IsLast ? Memory.Entries(Registers) : throw new InvalidOperationException("only the last shard has the memory boundary"),
            LazyThreadSafetyMode.ExecutionAndPublication);

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

    public List<CpuRow> Rows { get; }

    /// <summary>
    /// The CPU trace (for the CPU chip's generator, once): the constructor's on the serial path, filled now with its lookups
    /// counted into <paramref name="counts"/> on the parallel path.
    /// </summary>
    public RowMajorMatrix<KoalaBear> CpuTrace(LookupCounts counts) => _cpu ?? Cpu.CpuTrace.Fill<KoalaBear>(Rows, _cpuWitnesses!, counts);

    public KoalaBear[] CpuPublics { get; }

    /// <summary>The ECALL rows the CPU trace hands to the syscall chip.</summary>
    public List<SyscallRow> Syscalls { get; } = [];

    /// <summary>The value each store writes (rs2), by clk.</summary>
    public Dictionary<long, ulong> StoreOperands { get; } = [];

    /// <summary>Last shard: the initial and final memory of the whole execution (after this shard's accesses and registers).</summary>
    public (List<Memory.MemoryEntry> Init, List<Memory.MemoryEntry> Final) MemoryEntries => _memoryEntries.Value;

    /// <summary>The ALU requests the CPU rows send to the chip of <paramref name="family"/>.</summary>
    public IReadOnlyList<AluEvent> AluRequests(AluFamily family) => _requests[(int)family];

    /// <summary>The tuple the CPU row sends on the ALU bus (docs/zkvm.md), as an event for the receiving chip; null when it sends none.</summary>
    internal static AluEvent? AluRequest(CpuRow r)
    {
        var ins = r.Ins;
        if (AluRequestOp(ins) is not { } op)
            return null;
        if (ins.Has(InstructionFlags.Alu))
            return new AluEvent(r.Pc, op, r.AluA, ins.Has(InstructionFlags.Auipc) ? r.Pc : r.Rs1Val, ins.Has(InstructionFlags.ImmC) ? ins.Imm64 : r.Rs2Val);
        if (ins.Has(InstructionFlags.BranchCmp))
            return new AluEvent(r.Pc, op, r.AluA, r.Rs1Val, r.Rs2Val);
        return new AluEvent(r.Pc, op, r.AluA, r.Rs1Val, ins.Imm64);
    }

    /// <summary>
    /// The operation of the ALU request a row of instruction <paramref name="ins"/> sends (null: none): its own for an ALU
    /// instruction, SLT/SLTU for an ordered branch, ADD for the address of JALR, loads and stores. A function of the
    /// instruction alone, so the shard budget's planner (<see cref="Proving.ShardBudget"/>) counts the rows each ALU chip
    /// receives before the trace exists.
    /// </summary>
    internal static Opcode? AluRequestOp(ProgramRow ins)
    {
        if (ins.Has(InstructionFlags.Alu))
            return ins.Op;
        if (ins.Has(InstructionFlags.BranchCmp))
            return ins.Has(InstructionFlags.BranchUnsigned) ? Opcode.Sltu : Opcode.Slt;
        if (ins.Has(InstructionFlags.Jalr) || ins.Has(InstructionFlags.Load) || ins.Has(InstructionFlags.Store))
            return Opcode.Add;
        return null;
    }
}
