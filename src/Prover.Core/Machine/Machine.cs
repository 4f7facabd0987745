using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Prover.Core.Machine;

/// <summary>Limits and sinks for one execution.</summary>
public sealed record MachineOptions
{
    /// <summary>Execution stops with <see cref="MachineFault.CycleLimitExceeded"/> before instruction number MaxCycles + 1.</summary>
    public long MaxCycles { get; init; } = 1L << 40;

    /// <summary>Cycles per shard in tracing mode (default 2^22, the house plan's maximum).</summary>
    public long ShardSize { get; init; } = 1L << 22;

    /// <summary>
    /// Tracing mode: also cut a shard before an instruction that would take one of these counters past its limit (null, the
    /// default: shards are cut every <see cref="ShardSize"/> cycles only). Resumed shards (<see cref="Machine.RunShardTraced"/>)
    /// run their given cycles and ignore it.
    /// </summary>
    public ShardRowLimits? RowLimits { get; init; }

    /// <summary>Bytes of public output the guest may write before it faults.</summary>
    public long MaxOutputBytes { get; init; } = 1L << 24;

    /// <summary>
    /// Largest input accepted (at most the input region, <see cref="MemoryMap.InputMaxSize"/>); a larger one is an
    /// <see cref="ArgumentException"/> naming both sizes, before any guest memory is set up.
    /// </summary>
    public long MaxInputBytes { get; init; } = (long)MemoryMap.InputMaxSize;

    /// <summary>Fast-mode engine (tracing always uses the interpreter).</summary>
    public ExecutionEngine Engine { get; init; } = ExecutionEngine.Jit;

    /// <summary>
    /// Executions of a block (loop iterations count, as each re-enters the dispatcher while the block is
    /// interpreted) before the JIT translates its region. Compiling a region costs about as much as
    /// interpreting 10^5 to 10^6 instructions, so only code that keeps running is worth it; cold code
    /// (initialisation, error paths) stays interpreted.
    /// </summary>
    public int JitThreshold { get; init; } = 1000;

    /// <summary>Where debug output (write to fd 2) goes; null discards it. The CLI passes the host's stderr.</summary>
    public Stream? DebugOutput { get; init; }
}

/// <summary>How an execution ended, with the counts ere reports.</summary>
public sealed record ExecutionResult(
    int ExitCode,
    byte[] Output,
    byte[] CommittedOutput,
    long Cycles,
    long UnalignedAccesses,
    IReadOnlyDictionary<string, long> RegionCycles,
    int Shards)
{
    /// <summary>Exit code 0 (EF termination semantics: anything else is a failed execution).</summary>
    public bool Success => ExitCode == 0;
}

/// <summary>
/// An RV64IM (+ Zicclsm) hart with the memory map of <see cref="MemoryMap"/> and the syscalls of
/// <see cref="Syscall"/>. <see cref="Run"/> executes fast (the region JIT by default, or the reference
/// interpreter); <see cref="RunTraced"/> executes the interpreter instantiated with a recording tracer
/// and hands one <see cref="ExecutionRecord"/> per shard to a callback. A machine runs once and is not
/// thread-safe; registers after a <see cref="MachineException"/> are unspecified in JIT mode. Anything the guest does wrong ends in a
/// <see cref="MachineException"/>; nothing the guest does can make the host allocate more than the
/// fixed memory map (plus the events the caller keeps).
/// </summary>
public sealed unsafe partial class Machine : IDisposable
{
    private const int RegisterCount = 33;

    private readonly GuestProgram _program;
    private readonly MachineOptions _options;
    private readonly GuestMemory _memory;
    private readonly ulong[] _regs = GC.AllocateArray<ulong>(RegisterCount, pinned: true);
    private readonly MemoryStream _output = new();
    private readonly MemoryStream _committed = new();
    private readonly Dictionary<string, long> _regionCycles = new(StringComparer.Ordinal);
    private readonly Stack<(string Name, long Start)> _openRegions = new();
    private int _index;
    private long _cycles;
    private long _unaligned;
    private bool _started;
    private int? _exitCode;

    public Machine(GuestProgram program, ReadOnlySpan<byte> input = default, MachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        _program = program;
        _options = options ?? new MachineOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.ShardSize);
        long maxInput = Math.Min(_options.MaxInputBytes, (long)MemoryMap.InputMaxSize);
        if (input.Length > maxInput)
            throw new ArgumentException($"input of {input.Length} bytes exceeds the limit of {maxInput} bytes", nameof(input));
        _memory = new GuestMemory(input);
        foreach (var seg in program.Segments)
            seg.Data.CopyTo(new Span<byte>(_memory.Ram + (seg.Address - MemoryMap.RamBase), seg.Data.Length));
        _index = (int)((program.Entry - program.CodeBase) >> 2);
        _regs[2] = MemoryMap.StackTop;
    }

    /// <summary>Parses the ELF (<see cref="ElfLoadException"/> when it cannot run) and preloads the input.</summary>
    public static Machine FromElf(ReadOnlySpan<byte> elf, ReadOnlySpan<byte> input = default, MachineOptions? options = null) =>
        new(GuestProgram.FromElf(elf), input, options);

    public GuestProgram Program => _program;

    public MachineOptions Options => _options;

    internal GuestMemory MemoryForTracing => _memory;

    public ulong Pc => _program.CodeBase + ((ulong)(uint)_index << 2);

    public long Cycles => _cycles;

    public long UnalignedAccesses => _unaligned;

    public ulong GetRegister(int index) => index is >= 0 and < 32 ? _regs[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Sets a register before the run (x0 stays 0).</summary>
    public void SetRegister(int index, ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 31);
        if (index != 0)
            _regs[index] = value;
    }

    /// <summary>Copies guest memory (RAM or input) into <paramref name="destination"/>.</summary>
    public void ReadMemory(ulong address, Span<byte> destination)
    {
        if (!_memory.IsReadable(address, (ulong)destination.Length))
            throw new ArgumentOutOfRangeException(nameof(address), $"[0x{address:x}, +{destination.Length}) is not mapped");
        new ReadOnlySpan<byte>(_memory.PointerTo(address), destination.Length).CopyTo(destination);
    }

    /// <summary>Writes RAM directly (tests and tools; ignores the read-only code range).</summary>
    public void WriteMemory(ulong address, ReadOnlySpan<byte> source)
    {
        if (address - MemoryMap.RamBase > MemoryMap.RamSize || (ulong)source.Length > MemoryMap.RamEnd - address)
            throw new ArgumentOutOfRangeException(nameof(address), $"[0x{address:x}, +{source.Length}) is not in RAM");
        source.CopyTo(new Span<byte>(_memory.Ram + (address - MemoryMap.RamBase), source.Length));
    }

    /// <summary>Runs to the halt without tracing (<see cref="MachineOptions.Engine"/>); <see cref="ExecutionResult.Shards"/> is 0.</summary>
    public ExecutionResult Run()
    {
        BeginRun();
        if (_options.Engine == ExecutionEngine.Jit && JitAvailable)
        {
            RunBlocks();
        }
        else
        {
            var tracer = default(NoTracer);
            Interpret(ref tracer);
        }
        return Result(0);
    }

    /// <summary>
    /// Runs to the halt recording events; <paramref name="onShard"/> receives each shard's record as
    /// soon as it is complete (the last one at the halt). Records are not kept by the machine;
    /// hand each back with <see cref="Recycle"/> when done so later shards reuse its lists.
    /// </summary>
    public ExecutionResult RunTraced(Action<ExecutionRecord> onShard)
    {
        ArgumentNullException.ThrowIfNull(onShard);
        BeginRun();
        _memory.EnableTimestamps();
        var tracer = new RecordingTracer(new TraceBuilder(this, onShard));
        Interpret(ref tracer);
        tracer.Builder.Finish(_cycles);
        return Result(tracer.Builder.ShardCount);
    }

    /// <summary>
    /// Hands a shard record back once the caller is done with it (its traces generated), so a later
    /// shard reuses its lists instead of allocating (and faulting in) new ones. Safe to call from any
    /// thread; the record must not be used afterwards.
    /// </summary>
    public void Recycle(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        RecycledRecords.Push(record);
    }

    internal System.Collections.Concurrent.ConcurrentStack<ExecutionRecord> RecycledRecords { get; } = new();

    /// <summary>Runs traced and returns all shard records (convenient for small programs and tests).</summary>
    public (ExecutionResult Result, IReadOnlyList<ExecutionRecord> Shards) RunTraced()
    {
        var shards = new List<ExecutionRecord>();
        var result = RunTraced(shards.Add);
        return (result, shards);
    }

    public void Dispose()
    {
        _memory.Dispose();
        _output.Dispose();
        _committed.Dispose();
    }

    private void BeginRun()
    {
        ObjectDisposedException.ThrowIf(_memory.Ram == null, this);
        if (_started)
            throw new InvalidOperationException("a machine runs once; create a new one from the program");
        _started = true;
    }

    private ExecutionResult Result(int shards)
    {
        Debug.Assert(_exitCode is not null);
        return new ExecutionResult(_exitCode.Value, _output.ToArray(), _committed.ToArray(), _cycles, _unaligned,
            new Dictionary<string, long>(_regionCycles, StringComparer.Ordinal), shards);
    }

    private ulong PcOf(int index) => _program.CodeBase + ((ulong)(uint)index << 2);

    [DoesNotReturn]
    private void Fault(MachineFault fault, int index, long cyclesDone, string message)
    {
        _cycles = cyclesDone;
        throw new MachineException(fault, PcOf(index), cyclesDone, message);
    }

    /// <summary>Load that missed the fast RAM check: RAM near its end, the input region, or a fault.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong LoadSlow(ulong addr, int width, int index, long cycles)
    {
        if (!_memory.IsReadable(addr, (ulong)width))
            Fault(MachineFault.LoadOutOfBounds, index, cycles - 1, $"load of {width} bytes at 0x{addr:x} outside RAM and input");
        byte* p = _memory.PointerTo(addr);
        return width switch
        {
            1 => *p,
            2 => Unsafe.ReadUnaligned<ushort>(p),
            4 => Unsafe.ReadUnaligned<uint>(p),
            _ => Unsafe.ReadUnaligned<ulong>(p),
        };
    }

    /// <summary>Store that missed the fast check: near the end of RAM, or a fault.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StoreSlow<T>(ref T tracer, Opcode op, ulong addr, int width, ulong value, int index, long cycles) where T : struct, ITracer
    {
        ulong lo = _program.CodeEnd;
        if (addr < lo || addr >= MemoryMap.RamEnd || (ulong)width > MemoryMap.RamEnd - addr)
        {
            string where = addr >= MemoryMap.RamBase && addr < lo ? "into the read-only code" : "outside writable RAM";
            Fault(MachineFault.StoreOutOfBounds, index, cycles - 1, $"store of {width} bytes at 0x{addr:x} {where}");
        }
        if (T.Enabled)
            tracer.Store(PcOf(index), op, addr, width, width == 8 ? value : value & ((1UL << (8 * width)) - 1));
        byte* p = _memory.Ram + (addr - MemoryMap.RamBase);
        switch (width)
        {
            case 1: *p = (byte)value; break;
            case 2: Unsafe.WriteUnaligned(p, (ushort)value); break;
            case 4: Unsafe.WriteUnaligned(p, (uint)value); break;
            default: Unsafe.WriteUnaligned(p, value); break;
        }
    }

    /// <summary>The slow opcode: falling off the code, or a branch/JAL whose target is invalid.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SlowOp<T>(ref T tracer, ulong* x, int index, Instruction ins, long cycles) where T : struct, ITracer
    {
        if (index == _program.Code.Length - 1)
            Fault(MachineFault.JumpOutsideCode, index, cycles - 1, "execution ran past the end of the code");
        var d = Decoder.Decode((uint)ins.Imm);
        ulong a = x[d.Rs1], b = x[d.Rs2];
        bool taken = d.Op switch
        {
            Opcode.Beq => a == b,
            Opcode.Bne => a != b,
            Opcode.Blt => (long)a < (long)b,
            Opcode.Bge => (long)a >= (long)b,
            Opcode.Bltu => a < b,
            Opcode.Bgeu => a >= b,
            _ => true, // JAL
        };
        if (!taken)
        {
            if (T.Enabled)
                tracer.Branch(PcOf(index), d.Op, false, PcOf(index + 1), a, b);
            return index + 1;
        }
        ulong target = PcOf(index) + (ulong)(long)d.Imm;
        if ((d.Imm & 3) != 0)
            Fault(MachineFault.MisalignedJump, index, cycles - 1, $"{d.Op} to misaligned address 0x{target:x}");
        Fault(MachineFault.JumpOutsideCode, index, cycles - 1, $"{d.Op} to 0x{target:x} outside the code");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int BadJalr(ulong target, int index, long cycles)
    {
        if ((target & 3) != 0)
            Fault(MachineFault.MisalignedJump, index, cycles - 1, $"JALR to misaligned address 0x{target:x}");
        Fault(MachineFault.JumpOutsideCode, index, cycles - 1, $"JALR to 0x{target:x} outside the code");
        return 0;
    }

    /// <summary>Executes an ECALL; returns true when the guest halted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Ecall<T>(ref T tracer, ulong* x, int index, long cycles) where T : struct, ITracer
    {
        ulong num = x[17], a0 = x[10], a1 = x[11], a2 = x[12];
        ulong result;
        switch (num)
        {
            case Syscall.Exit or Syscall.ExitGroup:
                _exitCode = (int)a0;
                if (T.Enabled)
                    tracer.Syscall(PcOf(index), num, a0, a1, a2, a0);
                return true;
            case Syscall.Write:
                if (a2 > (ulong)Math.Min(_options.MaxOutputBytes, int.MaxValue) || !_memory.IsReadable(a1, a2))
                    Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"write of {a2} bytes from 0x{a1:x}: buffer not readable");
                var bytes = new ReadOnlySpan<byte>(_memory.PointerTo(a1), (int)a2);
                if (a0 == 1)
                {
                    if (_output.Length + (long)a2 > _options.MaxOutputBytes)
                        Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"public output exceeds {_options.MaxOutputBytes} bytes");
                    _output.Write(bytes);
                    result = a2;
                }
                else if (a0 == 2)
                {
                    _options.DebugOutput?.Write(bytes);
                    result = a2;
                }
                else
                {
                    result = unchecked((ulong)-Syscall.EBadF);
                }
                break;
            case Syscall.Commit:
                if (a0 != (ulong)_committed.Length)
                    Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"commit of byte index {a0}: {_committed.Length} bytes are committed (bytes are committed in order)");
                if (a1 > 0xFF)
                    Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"commit of {a1} (a1): not a byte");
                if (_committed.Length + 1 > _options.MaxOutputBytes)
                    Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"committed output exceeds {_options.MaxOutputBytes} bytes");
                _committed.WriteByte((byte)a1);
                result = 0;
                break;
            case Syscall.KeccakPermute:
                KeccakPermute(ref tracer, a0, index, cycles);
                result = 0;
                break;
            case Syscall.Input:
                result = MemoryMap.InputBase;
                x[11] = _memory.InputSize;
                break;
            case Syscall.ModMul256 or Syscall.ModMul384:
                ModMul(ref tracer, a0, a1, num == Syscall.ModMul256 ? 4 : 6, index, cycles);
                result = 0;
                break;
            case Syscall.Sha256Compress:
                Sha256Compress(ref tracer, a0, a1, index, cycles);
                result = 0;
                break;
            case Syscall.Secp256k1Add or Syscall.Secp256k1Double or Syscall.Bn254Add or Syscall.Bn254Double or Syscall.Bls12381Add or Syscall.Bls12381Double:
                Weierstrass(ref tracer, num, a0, a1, index, cycles);
                result = 0;
                break;
            case Syscall.RegionBegin:
                _openRegions.Push((ReadName(a0, index, cycles), cycles));
                result = 0;
                break;
            case Syscall.RegionEnd:
                string name = ReadName(a0, index, cycles);
                // Regions only feed the report; an unmatched end is ignored rather than faulting.
                if (_openRegions.Count > 0 && _openRegions.Peek().Name == name)
                {
                    var (_, start) = _openRegions.Pop();
                    _regionCycles[name] = _regionCycles.GetValueOrDefault(name) + (cycles - start);
                }
                result = 0;
                break;
            default:
                Fault(MachineFault.UnknownSyscall, index, cycles - 1, $"unknown syscall {num} (a7)");
                return false;
        }
        if (T.Enabled)
            tracer.Syscall(PcOf(index), num, a0, a1, a2, result);
        x[10] = result;
        return false;
    }

    /// <summary>KECCAK_PERMUTE on the 200 bytes at <paramref name="pointer"/> (8-aligned, in writable RAM, else a fault).</summary>
    private void KeccakPermute<T>(ref T tracer, ulong pointer, int index, long cycles) where T : struct, ITracer
    {
        const ulong Bytes = 8 * Hash.KeccakF1600.Lanes;
        if ((pointer & 7) != 0 || pointer < _program.CodeEnd || pointer >= MemoryMap.RamEnd || Bytes > MemoryMap.RamEnd - pointer)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1,
                $"keccak_permute of the state at 0x{pointer:x}: not 8-aligned or not 200 bytes of writable RAM");
        var lanes = new Span<ulong>(_memory.Ram + (pointer - MemoryMap.RamBase), Hash.KeccakF1600.Lanes);
        Span<ulong> state = stackalloc ulong[Hash.KeccakF1600.Lanes];
        lanes.CopyTo(state);
        Hash.KeccakF1600.Permute(state);
        if (T.Enabled)
            tracer.KeccakPermute(pointer, lanes, state);
        state.CopyTo(lanes);
    }

    private string ReadName(ulong addr, int index, long cycles)
    {
        const int MaxName = 64;
        var sb = new StringBuilder();
        for (int i = 0; i < MaxName; i++)
        {
            if (!_memory.IsReadable(addr + (ulong)i, 1))
                Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"region name at 0x{addr:x} is not readable");
            byte c = *_memory.PointerTo(addr + (ulong)i);
            if (c == 0)
                return sb.ToString();
            sb.Append(c is >= 0x20 and < 0x7F ? (char)c : '?');
        }
        Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"region name at 0x{addr:x} is longer than {MaxName} bytes");
        return "";
    }
}
