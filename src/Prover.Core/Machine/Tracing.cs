using System.Runtime.CompilerServices;

namespace Prover.Core.Machine;

/// <summary>
/// What the interpreter reports while it runs. Implemented by structs so the JIT compiles one copy of
/// the interpreter per tracer: <see cref="NoTracer"/> (fast mode) has <see cref="Enabled"/> = false and
/// every call site is removed.
/// </summary>
internal unsafe interface ITracer
{
    static abstract bool Enabled { get; }

    /// <summary>Before instruction number <paramref name="clk"/> (1-based) at <paramref name="pc"/> runs.</summary>
    void Begin(long clk, ulong pc, ulong* registers);

    void Alu(ulong pc, Opcode op, ulong a, ulong b, ulong c);

    void Branch(ulong pc, Opcode op, bool taken, ulong nextPc, ulong a, ulong b);

    void Jump(ulong pc, Opcode op, ulong nextPc, int imm, ulong baseValue);

    /// <summary>After a load (the address is valid).</summary>
    void Load(ulong pc, Opcode op, ulong address, int width, ulong value);

    /// <summary>Before a store (the address is valid), with the bytes to be stored.</summary>
    void Store(ulong pc, Opcode op, ulong address, int width, ulong value);

    void Nop();

    void Syscall(ulong pc, ulong number, ulong a0, ulong a1, ulong a2, ulong result);

    /// <summary>Before KECCAK_PERMUTE writes <paramref name="post"/> over the state at <paramref name="pointer"/> (still <paramref name="pre"/> in memory).</summary>
    void KeccakPermute(ulong pointer, ReadOnlySpan<ulong> pre, ReadOnlySpan<ulong> post);
    /// <summary>Inside a modmul syscall, before x is overwritten with <paramref name="result"/> (the pointers are valid).</summary>
    void ModMul(ulong xPtr, ulong ymPtr, int limbs, ReadOnlySpan<ulong> result);
    /// <summary>Inside SHA256_COMPRESS, before the state is overwritten with <paramref name="output"/> (4 double words; the pointers are valid).</summary>
    void Sha256Compress(ulong statePtr, ulong blockPtr, ReadOnlySpan<ulong> output);
    /// <summary>Inside a Weierstrass point syscall, before P is overwritten with <paramref name="result"/> (the pointers are valid).</summary>
    void Weierstrass(ulong number, ulong pPtr, ulong qPtr, int limbs, ReadOnlySpan<ulong> result);
}

internal unsafe struct NoTracer : ITracer
{
    public static bool Enabled => false;

    public readonly void Begin(long clk, ulong pc, ulong* registers) { }

    public readonly void Alu(ulong pc, Opcode op, ulong a, ulong b, ulong c) { }

    public readonly void Branch(ulong pc, Opcode op, bool taken, ulong nextPc, ulong a, ulong b) { }

    public readonly void Jump(ulong pc, Opcode op, ulong nextPc, int imm, ulong baseValue) { }

    public readonly void Load(ulong pc, Opcode op, ulong address, int width, ulong value) { }

    public readonly void Store(ulong pc, Opcode op, ulong address, int width, ulong value) { }

    public readonly void Nop() { }

    public readonly void Syscall(ulong pc, ulong number, ulong a0, ulong a1, ulong a2, ulong result) { }

    public readonly void KeccakPermute(ulong pointer, ReadOnlySpan<ulong> pre, ReadOnlySpan<ulong> post) { }
    public readonly void ModMul(ulong xPtr, ulong ymPtr, int limbs, ReadOnlySpan<ulong> result) { }
    public readonly void Sha256Compress(ulong statePtr, ulong blockPtr, ReadOnlySpan<ulong> output) { }
    public readonly void Weierstrass(ulong number, ulong pPtr, ulong qPtr, int limbs, ReadOnlySpan<ulong> result) { }
}

internal unsafe readonly struct RecordingTracer(TraceBuilder builder) : ITracer
{
    public static bool Enabled => true;

    public TraceBuilder Builder { get; } = builder;

    public void Begin(long clk, ulong pc, ulong* registers) => Builder.Begin(clk, pc, registers);

    public void Alu(ulong pc, Opcode op, ulong a, ulong b, ulong c) => Builder.EmitAlu(new AluEvent((uint)pc, op, a, b, c));

    public void Branch(ulong pc, Opcode op, bool taken, ulong nextPc, ulong a, ulong b) =>
        Builder.Record.Branches.Add(new BranchEvent((uint)pc, (uint)nextPc, op, taken, a, b));

    public void Jump(ulong pc, Opcode op, ulong nextPc, int imm, ulong baseValue) =>
        Builder.Record.Jumps.Add(new JumpEvent((uint)pc, (uint)nextPc, op, imm, baseValue));

    public void Load(ulong pc, Opcode op, ulong address, int width, ulong value) => Builder.EmitLoad(pc, op, address, width, value);

    public void Store(ulong pc, Opcode op, ulong address, int width, ulong value) => Builder.EmitStore(pc, op, address, width, value);

    public void Nop() => Builder.Record.Nops++;

    public void Syscall(ulong pc, ulong number, ulong a0, ulong a1, ulong a2, ulong result) =>
        Builder.Record.Syscalls.Add(new SyscallEvent((uint)pc, Builder.Clk, number, a0, a1, a2, result));

    public void KeccakPermute(ulong pointer, ReadOnlySpan<ulong> pre, ReadOnlySpan<ulong> post) => Builder.EmitKeccakPermute(pointer, pre, post);
    public void ModMul(ulong xPtr, ulong ymPtr, int limbs, ReadOnlySpan<ulong> result) => Builder.EmitModMul(xPtr, ymPtr, limbs, result);
    public void Sha256Compress(ulong statePtr, ulong blockPtr, ReadOnlySpan<ulong> output) => Builder.EmitSha256Compress(statePtr, blockPtr, output);
    public void Weierstrass(ulong number, ulong pPtr, ulong qPtr, int limbs, ReadOnlySpan<ulong> result) =>
        Builder.EmitWeierstrass(number, pPtr, qPtr, limbs, result);
}

/// <summary>
/// Builds the per-shard <see cref="ExecutionRecord"/>s: routes events to their chip's list, keeps the
/// last-access timestamp of every double word (a lazily committed native array beside the memory),
/// collects each shard's initial memory on first touch, and cuts a shard every ShardSize cycles or, with row limits
/// (<see cref="MachineOptions.RowLimits"/>), before an instruction that would pass one.
/// </summary>
internal sealed unsafe class TraceBuilder(Machine machine, Action<ExecutionRecord> onShard)
{
    private readonly System.Collections.Concurrent.ConcurrentStack<ExecutionRecord> _recycled = machine.RecycledRecords;
    private readonly GuestMemory _memory = machine.MemoryForTracing;
    private readonly long _shardSize = machine.Options.ShardSize;
    private readonly ulong _codeBase = machine.Program.CodeBase;
    private ShardRowLimits? _limits = machine.Options.RowLimits;
    private readonly int[] _rowCounts = new int[machine.Options.RowLimits?.Counters ?? 0];
    private long _nextShardClk = 1;
    private ExecutionRecord? _record;

    public long Clk { get; private set; }

    public int ShardCount { get; private set; }

    public ExecutionRecord Record => _record!;

    /// <summary>Resumes numbering at shard <paramref name="index"/>, whose first instruction is <paramref name="clk"/> (<see cref="Machine.RunShardTraced"/>).</summary>
    public void ResumeAt(int index, long clk)
    {
        _limits = null; // a resumed shard runs the cycles it is given
        ShardCount = index;
        _nextShardClk = clk;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Begin(long clk, ulong pc, ulong* registers)
    {
        Clk = clk;
        if (_limits is null)
        {
            if (clk == _nextShardClk)
                StartShard(clk, pc, registers);
            return;
        }
        int index = (int)((pc - _codeBase) >> 2);
        if (clk == _nextShardClk || _record is not null && _limits.WouldExceed(index, _rowCounts))
        {
            StartShard(clk, pc, registers);
            Array.Clear(_rowCounts);
        }
        _limits.Add(index, _rowCounts);
    }

    private void StartShard(long clk, ulong pc, ulong* registers)
    {
        var previous = _record;
        var regs = new ulong[32];
        for (int r = 1; r < 32; r++)
            regs[r] = registers[r];
        var start = new ShardStart(pc, clk, regs);
        if (_recycled.TryPop(out var reused))
        {
            reused.Reset(ShardCount++, start);
            _record = reused;
        }
        else
        {
            _record = new ExecutionRecord(ShardCount++, start, previous);
        }
        if (previous is not null)
        {
            previous.Cycles = clk - previous.StartClk;
            onShard(previous);
        }
        _nextShardClk = clk + _shardSize;
    }

    /// <summary>After the halt: hands over the last shard.</summary>
    public void Finish(long totalCycles)
    {
        if (_record is null)
            return;
        _record.Cycles = totalCycles + 1 - _record.StartClk;
        onShard(_record);
        _record = null;
    }

    public void EmitAlu(AluEvent e)
    {
        var r = Record;
        r.AluList(OpcodeClasses.FamilyOf(e.Op)).Add(e);
    }

    public void EmitLoad(ulong pc, Opcode op, ulong address, int width, ulong value)
    {
        Record.MemoryInstructions.Add(new MemoryInstructionEvent((uint)pc, op, address, value, Clk));
        EmitRead(address, (ulong)width);
    }

    public void EmitStore(ulong pc, Opcode op, ulong address, int width, ulong value)
    {
        Record.MemoryInstructions.Add(new MemoryInstructionEvent((uint)pc, op, address, value, Clk));
        ulong first = address & ~7UL, last = (address + (ulong)width - 1) & ~7UL;
        // The stored bytes placed over the (one or two) double words they cover.
        Span<byte> window = stackalloc byte[16];
        Unsafe.WriteUnaligned(ref window[0], _memory.ReadDword(first));
        if (last != first)
            Unsafe.WriteUnaligned(ref window[8], _memory.ReadDword(last));
        int shift = (int)(address - first);
        for (int k = 0; k < width; k++)
            window[shift + k] = (byte)(value >> (8 * k));
        Access(first, Unsafe.ReadUnaligned<ulong>(ref window[0]));
        if (last != first)
            Access(last, Unsafe.ReadUnaligned<ulong>(ref window[8]));
    }

    /// <summary>
    /// A modmul syscall's memory: x's double words read and overwritten with the result, then y's and m's read,
    /// all at the ECALL's clk (the chip's slot, ts = 4·clk + 2), in that order; the event lists the accesses.
    /// </summary>
    public void EmitModMul(ulong xPtr, ulong ymPtr, int limbs, ReadOnlySpan<ulong> result)
    {
        var r = Record;
        int first = r.MemoryAccesses.Count;
        for (int i = 0; i < limbs; i++)
            Access(xPtr + 8 * (ulong)i, result[i]);
        EmitRead(ymPtr, 16 * (ulong)limbs);
        r.ModMuls.Add(new ModMulEvent(Clk, limbs, xPtr, ymPtr, [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(r.MemoryAccesses)[first..]]));
    }

    /// <summary>
    /// SHA256_COMPRESS's memory: the state's 4 double words read and overwritten with the output, then the block's 8 read,
    /// all at the ECALL's clk (ts = 4·clk + 2), in that order; the event lists the accesses.
    /// </summary>
    public void EmitSha256Compress(ulong statePtr, ulong blockPtr, ReadOnlySpan<ulong> output)
    {
        var r = Record;
        int first = r.MemoryAccesses.Count;
        for (int i = 0; i < output.Length; i++)
            Access(statePtr + 8 * (ulong)i, output[i]);
        EmitRead(blockPtr, 64);
        r.Sha256Compresses.Add(new Sha256CompressEvent(Clk, statePtr, blockPtr, [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(r.MemoryAccesses)[first..]]));
    }

    /// <summary>
    /// A Weierstrass point syscall's memory: P's 2·limbs double words read and overwritten with the result, then Q's read
    /// (add only), all at the ECALL's clk (ts = 4·clk + 2), in that order; the event lists the accesses.
    /// </summary>
    public void EmitWeierstrass(ulong number, ulong pPtr, ulong qPtr, int limbs, ReadOnlySpan<ulong> result)
    {
        var r = Record;
        int first = r.MemoryAccesses.Count;
        for (int i = 0; i < 2 * limbs; i++)
            Access(pPtr + 8 * (ulong)i, result[i]);
        if (qPtr != 0)
            EmitRead(qPtr, 16 * (ulong)limbs);
        r.WeierstrassOps.Add(new WeierstrassEvent(Clk, number, pPtr, qPtr,
            [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(r.MemoryAccesses)[first..]]));
    }

    /// <summary>Read accesses to every double word covering [address, address + length).</summary>
    public void EmitRead(ulong address, ulong length)
    {
        if (length == 0)
            return;
        ulong last = (address + length - 1) & ~7UL;
        for (ulong d = address & ~7UL; d <= last; d += 8)
            Access(d, _memory.ReadDword(d));
    }

    /// <summary>The 25 read-modify-write accesses of KECCAK_PERMUTE (before memory is overwritten) and its event.</summary>
    public void EmitKeccakPermute(ulong pointer, ReadOnlySpan<ulong> pre, ReadOnlySpan<ulong> post)
    {
        var prevClk = new long[pre.Length];
        for (int i = 0; i < pre.Length; i++)
        {
            ulong dword = pointer + 8 * (ulong)i;
            prevClk[i] = *_memory.StampSlot(dword);
            Access(dword, post[i]);
        }
        Record.KeccakPermutes.Add(new KeccakPermuteEvent(Clk, pointer, pre.ToArray(), post.ToArray(), prevClk));
    }

    private void Access(ulong dword, ulong newValue)
    {
        long* slot = _memory.StampSlot(dword);
        long prevTs = *slot;
        ulong prev = _memory.ReadDword(dword);
        var r = Record;
        if (prevTs < r.StartClk)
            r.InitialMemory.Add(new MemoryInitEvent(dword, prev, prevTs));
        *slot = Clk;
        r.MemoryAccesses.Add(new MemoryAccessEvent(dword, newValue, prev, Clk, prevTs));
    }
}
