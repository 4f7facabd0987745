using System.Runtime.InteropServices;

namespace Prover.Core.Machine;

// Events emitted by the tracing executor, one list per future chip (SP1 style). They are small
// immutable structs; a pc fits 32 bits by the memory map. Timestamps ("clk") are the 1-based index
// of the instruction in the whole execution; 0 means "initial memory" (before the first instruction).

/// <summary>
/// An arithmetic-logic operation: <c>A = op(B, C)</c>, where C is the second register or the
/// (sign-extended, for shifts the shift amount) immediate. Also used for LUI (B = 0, C = imm) and
/// AUIPC (B = pc, C = imm).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct AluEvent(uint Pc, Opcode Op, ulong A, ulong B, ulong C);

/// <summary>A conditional branch comparing A (rs1) with B (rs2); NextPc is the target when taken, else pc + 4.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct BranchEvent(uint Pc, uint NextPc, Opcode Op, bool Taken, ulong A, ulong B);

/// <summary>JAL or JALR: NextPc is the target; the link register received pc + 4. Base is rs1's value (0 for JAL).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct JumpEvent(uint Pc, uint NextPc, Opcode Op, int Imm, ulong Base);

/// <summary>
/// A load or store instruction: Address is the effective byte address (any alignment), Value the
/// value written to rd (loads, after extension) or the bytes stored (stores, truncated to the width).
/// The memory it touched is in <see cref="ExecutionRecord.MemoryAccesses"/> with the same timestamp.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct MemoryInstructionEvent(uint Pc, Opcode Op, ulong Address, ulong Value, long Timestamp);

/// <summary>
/// One access to an 8-byte aligned double word: its value after and before the access and the
/// timestamps of this and the previous access (the memory-consistency argument's tuple). A misaligned
/// access that crosses a double-word boundary produces two. Syscalls make no memory accesses except
/// modmul's (<see cref="ModMulEvent"/>; write's buffer is not proven: the proven output is committed byte by byte).
/// </summary>
public readonly record struct MemoryAccessEvent(ulong Address, ulong Value, ulong PrevValue, long Timestamp, long PrevTimestamp);

/// <summary>The value of a double word the first time a shard touches it, with the timestamp of its last write or read before.</summary>
public readonly record struct MemoryInitEvent(ulong Address, ulong Value, long Timestamp);

/// <summary>An <c>ecall</c>: the number (a7), arguments a0..a2 and the result left in a0.</summary>
public readonly record struct SyscallEvent(uint Pc, long Timestamp, ulong Number, ulong A0, ulong A1, ulong A2, ulong Result);

/// <summary>
/// A KECCAK_PERMUTE syscall at <paramref name="Clk"/> (the ECALL's clk; its memory accesses use ts = 4·clk + 2):
/// the state at <paramref name="Pointer"/> before (<paramref name="Pre"/>) and after (<paramref name="Post"/>) the
/// permutation, and each lane's previous access clk (<paramref name="PrevClk"/>, 0 = initial memory). The 25 accesses
/// are also in <see cref="ExecutionRecord.MemoryAccesses"/> (at the same clk, lane order), so the memory boundary
/// sees them like any other access.
/// </summary>
public sealed record KeccakPermuteEvent(long Clk, ulong Pointer, ulong[] Pre, ulong[] Post, long[] PrevClk);
/// A modmul syscall (<see cref="Machine.Syscall.ModMul256"/> or <see cref="Machine.Syscall.ModMul384"/>) at clk
/// <paramref name="Timestamp"/>: <paramref name="Limbs"/> (4 or 6) 64-bit limbs, x at <paramref name="XPtr"/>, y then m at
/// <paramref name="YmPtr"/>. <paramref name="Accesses"/> are its 3·Limbs double-word accesses, also in
/// <see cref="ExecutionRecord.MemoryAccesses"/>: x's limbs (prev value x, value the result), then y's, then m's (reads).
/// </summary>
public sealed record ModMulEvent(long Timestamp, int Limbs, ulong XPtr, ulong YmPtr, MemoryAccessEvent[] Accesses);

/// <summary>
/// A SHA256_COMPRESS syscall (<see cref="Machine.Syscall.Sha256Compress"/>) at clk <paramref name="Timestamp"/>: the state at
/// <paramref name="StatePtr"/>, the block at <paramref name="BlockPtr"/>. <paramref name="Accesses"/> are its 12 double-word
/// accesses, also in <see cref="ExecutionRecord.MemoryAccesses"/>: the state's 4 (prev value the input state, value the
/// output), then the block's 8 (reads).
/// </summary>
public sealed record Sha256CompressEvent(long Timestamp, ulong StatePtr, ulong BlockPtr, MemoryAccessEvent[] Accesses);

/// <summary>
/// A Weierstrass point syscall (<see cref="Machine.Syscall.Secp256k1Add"/>, <see cref="Machine.Syscall.Secp256k1Double"/>)
/// at clk <paramref name="Timestamp"/>, syscall <paramref name="Number"/>, P at <paramref name="PPtr"/>, Q at
/// <paramref name="QPtr"/> (add only; 0 for double). <paramref name="Accesses"/> are its double-word accesses, also in
/// <see cref="ExecutionRecord.MemoryAccesses"/>: P's 2·limbs (x then y; prev value the input, value the result), then
/// Q's 2·limbs (reads, add only).
/// </summary>
public sealed record WeierstrassEvent(long Timestamp, ulong Number, ulong PPtr, ulong QPtr, MemoryAccessEvent[] Accesses);

/// <summary>Machine state at the start of a shard: pc and the 32 integer registers (x0 = 0).</summary>
public sealed record ShardStart(ulong Pc, long Clk, ulong[] Registers);

/// <summary>
/// Everything one shard (at most <see cref="MachineOptions.ShardSize"/> cycles) did, by chip. Shard i
/// covers clk in [<see cref="StartClk"/>, <see cref="StartClk"/> + <see cref="Cycles"/>). To start it
/// a prover needs <see cref="Start"/> (pc, registers) and <see cref="InitialMemory"/>, the values of
/// exactly the double words the shard touches, as they were when it began.
/// </summary>
public sealed class ExecutionRecord
{
    /// <param name="index">Shard number.</param>
    /// <param name="start">State at the shard's first instruction.</param>
    /// <param name="previous">
    /// The previous shard, whose list sizes (plus 1/8) become this one's capacities: consecutive shards
    /// of a program have similar mixes, and presizing avoids regrowing (copying, and faulting in fresh
    /// pages for) lists of millions of events in every shard.
    /// </param>
    internal ExecutionRecord(int index, ShardStart start, ExecutionRecord? previous = null)
    {
        ShardIndex = index;
        Start = start;
        if (previous is null)
            return;
        static int Hint(int count) => count + count / 8;
        InitialMemory.Capacity = Hint(previous.InitialMemory.Count);
        AddSub.Capacity = Hint(previous.AddSub.Count);
        Bitwise.Capacity = Hint(previous.Bitwise.Count);
        Shift.Capacity = Hint(previous.Shift.Count);
        Compare.Capacity = Hint(previous.Compare.Count);
        Mul.Capacity = Hint(previous.Mul.Count);
        DivRem.Capacity = Hint(previous.DivRem.Count);
        UpperImmediate.Capacity = Hint(previous.UpperImmediate.Count);
        Branches.Capacity = Hint(previous.Branches.Count);
        Jumps.Capacity = Hint(previous.Jumps.Count);
        MemoryInstructions.Capacity = Hint(previous.MemoryInstructions.Count);
        MemoryAccesses.Capacity = Hint(previous.MemoryAccesses.Count);
        Syscalls.Capacity = Hint(previous.Syscalls.Count);
        KeccakPermutes.Capacity = Hint(previous.KeccakPermutes.Count);
        ModMuls.Capacity = Hint(previous.ModMuls.Count);
        Sha256Compresses.Capacity = Hint(previous.Sha256Compresses.Count);
        WeierstrassOps.Capacity = Hint(previous.WeierstrassOps.Count);
    }

    public int ShardIndex { get; private set; }

    public ShardStart Start { get; private set; }

    public long StartClk => Start.Clk;

    /// <summary>Empties a recycled record for another shard; the lists keep their capacity (clearing lists of structs is O(1)).</summary>
    internal void Reset(int index, ShardStart start)
    {
        ShardIndex = index;
        Start = start;
        Cycles = 0;
        Nops = 0;
        InitialMemory.Clear();
        AddSub.Clear();
        Bitwise.Clear();
        Shift.Clear();
        Compare.Clear();
        Mul.Clear();
        DivRem.Clear();
        UpperImmediate.Clear();
        Branches.Clear();
        Jumps.Clear();
        MemoryInstructions.Clear();
        MemoryAccesses.Clear();
        Syscalls.Clear();
        KeccakPermutes.Clear();
        ModMuls.Clear();
        Sha256Compresses.Clear();
        WeierstrassOps.Clear();
    }

    public long Cycles { get; internal set; }

    public List<MemoryInitEvent> InitialMemory { get; } = [];

    public List<AluEvent> AddSub { get; } = [];

    public List<AluEvent> Bitwise { get; } = [];

    public List<AluEvent> Shift { get; } = [];

    public List<AluEvent> Compare { get; } = [];

    public List<AluEvent> Mul { get; } = [];

    public List<AluEvent> DivRem { get; } = [];

    /// <summary>LUI and AUIPC.</summary>
    public List<AluEvent> UpperImmediate { get; } = [];

    /// <summary>The event list of an ALU chip family.</summary>
    public List<AluEvent> AluList(AluFamily chip) => chip switch
    {
        AluFamily.AddSub => AddSub,
        AluFamily.Bitwise => Bitwise,
        AluFamily.Shift => Shift,
        AluFamily.Compare => Compare,
        AluFamily.Mul => Mul,
        AluFamily.DivRem => DivRem,
        _ => UpperImmediate,
    };

    public List<BranchEvent> Branches { get; } = [];

    public List<JumpEvent> Jumps { get; } = [];

    public List<MemoryInstructionEvent> MemoryInstructions { get; } = [];

    public List<MemoryAccessEvent> MemoryAccesses { get; } = [];

    public List<SyscallEvent> Syscalls { get; } = [];

    /// <summary>KECCAK_PERMUTE calls (each also has its <see cref="SyscallEvent"/> in <see cref="Syscalls"/>).</summary>
    public List<KeccakPermuteEvent> KeccakPermutes { get; } = [];
    /// <summary>The modmul syscalls (also in <see cref="Syscalls"/>), with their memory accesses.</summary>
    public List<ModMulEvent> ModMuls { get; } = [];
    /// <summary>The SHA256_COMPRESS syscalls (also in <see cref="Syscalls"/>), with their memory accesses.</summary>
    public List<Sha256CompressEvent> Sha256Compresses { get; } = [];

    /// <summary>The Weierstrass point syscalls (also in <see cref="Syscalls"/>), with their memory accesses.</summary>
    public List<WeierstrassEvent> WeierstrassOps { get; } = [];

    /// <summary>Instructions that emit no event: FENCE (a no-op).</summary>
    public long Nops { get; internal set; }

    /// <summary>Total instruction events (must equal <see cref="Cycles"/>).</summary>
    public long InstructionEventCount =>
        AddSub.Count + Bitwise.Count + Shift.Count + Compare.Count + Mul.Count + DivRem.Count + UpperImmediate.Count +
        Branches.Count + Jumps.Count + MemoryInstructions.Count + Syscalls.Count + Nops;
}
