using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Prover.Core.Machine;

/// <summary>How fast mode executes.</summary>
public enum ExecutionEngine
{
    /// <summary>The reference interpreter (also used for tracing).</summary>
    Interpreter,

    /// <summary>
    /// Code that runs often is translated to IL and compiled by the .NET JIT: from a hot block, the region
    /// of blocks reachable through direct branches and JAL (up to a size limit) becomes one
    /// <see cref="DynamicMethod"/> whose registers live in IL locals, so loops run without leaving it.
    /// JALR, ECALL, faults, cold blocks and the last cycles before the limit go through the dispatcher
    /// and the interpreter. Falls back to the interpreter where dynamic code is not supported.
    /// </summary>
    Jit,
}

internal unsafe delegate int BlockFn(Machine machine, ulong* x, long* cycles, long* unaligned, long maxCycles);

public sealed unsafe partial class Machine
{
    private const int MaxBlockLength = 256;
    private const int MaxRegionInstructions = 256;
    private const int MaxRegionBlocks = 64;

    private struct BlockEntry
    {
        public BlockFn? Fn;
        public int Length;
        public int Hits;
        public bool Compilable;
    }

    private BlockEntry[]? _blocks;

    /// <summary>Regions translated to IL so far (diagnostics and tests).</summary>
    public int CompiledBlocks { get; private set; }

    /// <summary>Time spent translating regions to IL and compiling them (included in the run's time).</summary>
    public TimeSpan JitTime { get; private set; }

    /// <summary>The dispatch loop: one delegate call per entry into a compiled region.</summary>
    private void RunBlocks()
    {
        var code = _program.Code;
        var blocks = _blocks ??= new BlockEntry[code.Length];
        long maxCycles = _options.MaxCycles;
        int threshold = Math.Max(1, _options.JitThreshold);
        long unaligned = _unaligned;
        long cycles = _cycles;
        int i = _index;
        fixed (ulong* x = _regs)
        {
            for (;;)
            {
                ref BlockEntry e = ref blocks[i];
                if (e.Length == 0)
                    Scan(i, ref e);
                if (e.Fn is null && e.Compilable && ++e.Hits >= threshold)
                {
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    e.Fn = CompileRegion(i);
                    CompiledBlocks++;
                    JitTime += System.Diagnostics.Stopwatch.GetElapsedTime(t0);
                }
                if (e.Fn is { } fn && cycles + e.Length <= maxCycles)
                {
                    // The region checks the limit before each of its blocks and returns at the first
                    // that would pass it; the entry block fits (checked here), so it always progresses.
                    i = fn(this, x, &cycles, &unaligned, maxCycles);
                    continue;
                }
                _index = i;
                _cycles = cycles;
                _unaligned = unaligned;
                var none = default(NoTracer);
                if (Interpret(ref none, cycles + e.Length))
                    return;
                i = _index;
                cycles = _cycles;
                unaligned = _unaligned;
            }
        }
    }

    private static bool Compilable(Opcode op) => op <= Opcode.Fence;

    private static bool EndsBlock(Opcode op) => op is >= Opcode.Beq and <= Opcode.Jalr;

    /// <summary>A block: straight-line compilable instructions up to and including the first jump or branch.</summary>
    private void Scan(int start, ref BlockEntry e)
    {
        var code = _program.Code;
        int last = code.Length - 1; // the sentinel
        int k = 0;
        while (k < MaxBlockLength && start + k < last)
        {
            var op = code[start + k].Op;
            if (!Compilable(op))
                break;
            k++;
            if (EndsBlock(op))
                break;
        }
        e.Compilable = k > 0;
        e.Length = Math.Max(k, 1);
    }

    private static readonly MethodInfo LoadSlowMethod = typeof(Machine).GetMethod(nameof(LoadSlow), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo StoreSlowMethod = typeof(Machine).GetMethod(nameof(StoreSlowNoTrace), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo BadJalrMethod = typeof(Machine).GetMethod(nameof(BadJalr), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static readonly MethodInfo BigMulUnsigned = typeof(Math).GetMethod(nameof(Math.BigMul), [typeof(ulong), typeof(ulong), typeof(ulong).MakeByRefType()])!;
    private static readonly MethodInfo BigMulSigned = typeof(Math).GetMethod(nameof(Math.BigMul), [typeof(long), typeof(long), typeof(long).MakeByRefType()])!;

    private static MethodInfo Helper(string name) => typeof(Machine).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private void StoreSlowNoTrace(ulong addr, int width, ulong value, int index, long cycles)
    {
        var none = default(NoTracer);
        StoreSlow(ref none, Opcode.Sd, addr, width, value, index, cycles);
    }

    /// <summary>
    /// Translates the region of <paramref name="entry"/> to IL: the blocks reachable from it through
    /// direct branches and JAL (breadth first, at most <see cref="MaxRegionBlocks"/> blocks and
    /// <see cref="MaxRegionInstructions"/> instructions). Every register the region touches is loaded
    /// into an IL local on entry and written back at each exit. Each block first checks that its
    /// instructions fit under the cycle limit (else the region exits there and the interpreter takes
    /// over), then adds its length to the cycle counter. Memory accesses keep the interpreter's fast
    /// path inline (one unsigned compare) and call the same slow-path helpers, so faults carry the same
    /// pc and cycle count as in the interpreter.
    /// </summary>
    private BlockFn CompileRegion(int entry)
    {
        var code = _program.Code;
        var blocks = _blocks!;
        ulong codeBase = _program.CodeBase;
        ulong writableBase = _program.CodeEnd;
        long ram = (long)_memory.Ram;
        long wram = (long)(_memory.Ram + (writableBase - MemoryMap.RamBase));

        // Region discovery.
        var order = new List<int>();
        var inRegion = new HashSet<int>();
        var queue = new Queue<int>();
        queue.Enqueue(entry);
        int total = 0;
        while (queue.Count > 0 && order.Count < MaxRegionBlocks)
        {
            int b = queue.Dequeue();
            if (inRegion.Contains(b))
                continue;
            ref BlockEntry be = ref blocks[b];
            if (be.Length == 0)
                Scan(b, ref be);
            if (!be.Compilable || (total + be.Length > MaxRegionInstructions && order.Count > 0))
                continue;
            inRegion.Add(b);
            order.Add(b);
            total += be.Length;
            int lastIndex = b + be.Length - 1;
            var last = code[lastIndex];
            if (last.Op is >= Opcode.Beq and <= Opcode.Bgeu)
            {
                queue.Enqueue(lastIndex + last.Imm);
                queue.Enqueue(lastIndex + 1);
            }
            else if (last.Op == Opcode.Jal)
            {
                queue.Enqueue(lastIndex + last.Imm);
            }
            else if (last.Op != Opcode.Jalr)
            {
                queue.Enqueue(b + be.Length);
            }
        }

        var dm = new DynamicMethod($"rv_region_{codeBase + (ulong)entry * 4:x}", typeof(int),
            [typeof(Machine), typeof(ulong*), typeof(long*), typeof(long*), typeof(long)], typeof(Machine), skipVisibility: true);
        var il = dm.GetILGenerator();
        var regs = new LocalBuilder?[32];
        var ad = il.DeclareLocal(typeof(ulong));
        var off = il.DeclareLocal(typeof(ulong));
        var val = il.DeclareLocal(typeof(ulong));
        var low = il.DeclareLocal(typeof(ulong)); // BigMul's out parameter: address-exposed, so kept apart from val
        var cyc = il.DeclareLocal(typeof(long));
        var labels = order.ToDictionary(b => b, _ => il.DefineLabel());
        var exits = new Dictionary<int, Label>();

        // Prologue: registers the region reads or writes (a register written on one path only must
        // still be written back with its old value on the others), and the cycle counter.
        foreach (int b in order)
        {
            for (int k = 0; k < blocks[b].Length; k++)
            {
                var ins = code[b + k];
                foreach (int r in (ReadOnlySpan<int>)[ins.Rs1, ins.Rs2, ins.Rd])
                {
                    if (r is 0 or Instruction.ZeroSink || regs[r] is not null)
                        continue;
                    regs[r] = il.DeclareLocal(typeof(ulong));
                    il.Emit(OpCodes.Ldarg_1);
                    il.Emit(OpCodes.Ldc_I4, r * 8);
                    il.Emit(OpCodes.Add);
                    il.Emit(OpCodes.Ldind_I8);
                    il.Emit(OpCodes.Stloc, regs[r]!);
                }
            }
        }
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldind_I8);
        il.Emit(OpCodes.Stloc, cyc);

        void LoadReg(int r)
        {
            if (r == 0)
                il.Emit(OpCodes.Ldc_I8, 0L);
            else
                il.Emit(OpCodes.Ldloc, regs[r]!);
        }

        void StoreReg(int r)
        {
            if (r == Instruction.ZeroSink)
            {
                il.Emit(OpCodes.Pop);
                return;
            }
            il.Emit(OpCodes.Stloc, regs[r]!);
        }

        // Leaves the region: registers and cycles back to the machine, next instruction index on the stack.
        void ExitPrefix()
        {
            for (int r = 1; r < 32; r++)
            {
                if (regs[r] is null)
                    continue;
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, r * 8);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Ldloc, regs[r]!);
                il.Emit(OpCodes.Stind_I8);
            }
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldloc, cyc);
            il.Emit(OpCodes.Stind_I8);
        }

        Label Target(int index)
        {
            if (labels.TryGetValue(index, out var l))
                return l;
            if (!exits.TryGetValue(index, out l))
                exits[index] = l = il.DefineLabel();
            return l;
        }

        void Imm(long v) => il.Emit(OpCodes.Ldc_I8, v);

        int blockLength = 0;

        // Cycle count including instruction k of the current block (cyc already includes the whole block).
        void CyclesAt(int k)
        {
            il.Emit(OpCodes.Ldloc, cyc);
            Imm(k + 1 - blockLength);
            il.Emit(OpCodes.Add);
        }
        void CountUnaligned(int width)
        {
            if (width == 1)
                return;
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, ad);
            Imm(width - 1);
            il.Emit(OpCodes.And);
            Imm(0);
            il.Emit(OpCodes.Beq, skip);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Ldind_I8);
            Imm(1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stind_I8);
            il.MarkLabel(skip);
        }

        void Binary(Instruction ins, OpCode op, bool immediate, bool word = false)
        {
            LoadReg(ins.Rs1);
            if (immediate)
                Imm(ins.Imm);
            else
                LoadReg(ins.Rs2);
            il.Emit(op);
            if (word)
            {
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Conv_I8);
            }
            StoreReg(ins.Rd);
        }

        void Call(Instruction ins, string helper)
        {
            LoadReg(ins.Rs1);
            LoadReg(ins.Rs2);
            il.Emit(OpCodes.Call, Helper(helper));
            StoreReg(ins.Rd);
        }

        // 64-bit shifts: amount & 63 (register) or the immediate; W forms operate on the low word and sign-extend.
        void Shift(Instruction ins, OpCode op, bool immediate, int wordKind)
        {
            LoadReg(ins.Rs1);
            if (wordKind == 1)
                il.Emit(OpCodes.Conv_U4);
            else if (wordKind == 2)
                il.Emit(OpCodes.Conv_I4);
            if (immediate)
            {
                il.Emit(OpCodes.Ldc_I4, ins.Imm);
            }
            else
            {
                LoadReg(ins.Rs2);
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Ldc_I4, wordKind == 0 ? 63 : 31);
                il.Emit(OpCodes.And);
            }
            il.Emit(op);
            if (wordKind != 0)
                il.Emit(OpCodes.Conv_I8);
            StoreReg(ins.Rd);
        }

        void Compare(Instruction ins, OpCode op, bool immediate)
        {
            LoadReg(ins.Rs1);
            if (immediate)
                Imm(ins.Imm);
            else
                LoadReg(ins.Rs2);
            il.Emit(op);
            il.Emit(OpCodes.Conv_U8);
            StoreReg(ins.Rd);
        }

        void Load(Instruction ins, int index, int k, int width, OpCode ldind, OpCode? extend)
        {
            var slow = il.DefineLabel();
            var done = il.DefineLabel();
            LoadReg(ins.Rs1);
            Imm(ins.Imm);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, ad);
            il.Emit(OpCodes.Ldloc, ad);
            Imm((long)MemoryMap.RamBase);
            il.Emit(OpCodes.Sub);
            il.Emit(OpCodes.Stloc, off);
            il.Emit(OpCodes.Ldloc, off);
            Imm((long)(MemoryMap.RamSize - 8));
            il.Emit(OpCodes.Bgt_Un, slow);
            Imm(ram);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Ldloc, off);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Unaligned, (byte)1);
            il.Emit(ldind);
            if (width < 8)
                il.Emit(OpCodes.Conv_U8);
            il.Emit(OpCodes.Stloc, val);
            il.Emit(OpCodes.Br, done);
            il.MarkLabel(slow);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldloc, ad);
            il.Emit(OpCodes.Ldc_I4, width);
            il.Emit(OpCodes.Ldc_I4, index);
            CyclesAt(k);
            il.Emit(OpCodes.Call, LoadSlowMethod);
            il.Emit(OpCodes.Stloc, val);
            il.MarkLabel(done);
            CountUnaligned(width);
            il.Emit(OpCodes.Ldloc, val);
            if (extend is { } ext)
            {
                il.Emit(ext);
                il.Emit(OpCodes.Conv_I8);
            }
            StoreReg(ins.Rd);
        }

        void Store(Instruction ins, int index, int k, int width, OpCode stind, OpCode? narrow)
        {
            var slow = il.DefineLabel();
            var done = il.DefineLabel();
            LoadReg(ins.Rs1);
            Imm(ins.Imm);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, ad);
            LoadReg(ins.Rs2);
            il.Emit(OpCodes.Stloc, val);
            il.Emit(OpCodes.Ldloc, ad);
            Imm((long)writableBase);
            il.Emit(OpCodes.Sub);
            il.Emit(OpCodes.Stloc, off);
            il.Emit(OpCodes.Ldloc, off);
            Imm((long)(MemoryMap.RamEnd - writableBase - 8));
            il.Emit(OpCodes.Bgt_Un, slow);
            Imm(wram);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Ldloc, off);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldloc, val);
            if (narrow is { } n)
                il.Emit(n);
            il.Emit(OpCodes.Unaligned, (byte)1);
            il.Emit(stind);
            il.Emit(OpCodes.Br, done);
            il.MarkLabel(slow);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldloc, ad);
            il.Emit(OpCodes.Ldc_I4, width);
            il.Emit(OpCodes.Ldloc, val);
            il.Emit(OpCodes.Ldc_I4, index);
            CyclesAt(k);
            il.Emit(OpCodes.Call, StoreSlowMethod);
            il.MarkLabel(done);
            CountUnaligned(width);
        }

        void Branch(Instruction ins, int index, OpCode op)
        {
            LoadReg(ins.Rs1);
            LoadReg(ins.Rs2);
            il.Emit(op, Target(index + ins.Imm));
            il.Emit(OpCodes.Br, Target(index + 1));
        }

        foreach (int start in order)
        {
        int length = blocks[start].Length;
        blockLength = length;
        il.MarkLabel(labels[start]);
        il.Emit(OpCodes.Ldloc, cyc);
        Imm(length);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, cyc);
        il.Emit(OpCodes.Ldloc, cyc);
        il.Emit(OpCodes.Ldarg, 4);
        il.Emit(OpCodes.Bgt, Target(-1 - start)); // over the limit: leave before this block (undoing its cycles)
        for (int k = 0; k < length; k++)
        {
            int index = start + k;
            var ins = code[index];
            long pc = (long)(codeBase + (ulong)index * 4);
            switch (ins.Op)
            {
                case Opcode.Add: Binary(ins, OpCodes.Add, false); break;
                case Opcode.Sub: Binary(ins, OpCodes.Sub, false); break;
                case Opcode.Addi: Binary(ins, OpCodes.Add, true); break;
                case Opcode.Addw: Binary(ins, OpCodes.Add, false, word: true); break;
                case Opcode.Subw: Binary(ins, OpCodes.Sub, false, word: true); break;
                case Opcode.Addiw: Binary(ins, OpCodes.Add, true, word: true); break;
                case Opcode.Xor: Binary(ins, OpCodes.Xor, false); break;
                case Opcode.Or: Binary(ins, OpCodes.Or, false); break;
                case Opcode.And: Binary(ins, OpCodes.And, false); break;
                case Opcode.Xori: Binary(ins, OpCodes.Xor, true); break;
                case Opcode.Ori: Binary(ins, OpCodes.Or, true); break;
                case Opcode.Andi: Binary(ins, OpCodes.And, true); break;
                case Opcode.Sll: Shift(ins, OpCodes.Shl, false, 0); break;
                case Opcode.Srl: Shift(ins, OpCodes.Shr_Un, false, 0); break;
                case Opcode.Sra: Shift(ins, OpCodes.Shr, false, 0); break;
                case Opcode.Slli: Shift(ins, OpCodes.Shl, true, 0); break;
                case Opcode.Srli: Shift(ins, OpCodes.Shr_Un, true, 0); break;
                case Opcode.Srai: Shift(ins, OpCodes.Shr, true, 0); break;
                case Opcode.Sllw: Shift(ins, OpCodes.Shl, false, 1); break;
                case Opcode.Srlw: Shift(ins, OpCodes.Shr_Un, false, 1); break;
                case Opcode.Sraw: Shift(ins, OpCodes.Shr, false, 2); break;
                case Opcode.Slliw: Shift(ins, OpCodes.Shl, true, 1); break;
                case Opcode.Srliw: Shift(ins, OpCodes.Shr_Un, true, 1); break;
                case Opcode.Sraiw: Shift(ins, OpCodes.Shr, true, 2); break;
                case Opcode.Slt: Compare(ins, OpCodes.Clt, false); break;
                case Opcode.Sltu: Compare(ins, OpCodes.Clt_Un, false); break;
                case Opcode.Slti: Compare(ins, OpCodes.Clt, true); break;
                case Opcode.Sltiu: Compare(ins, OpCodes.Clt_Un, true); break;
                case Opcode.Mul: Binary(ins, OpCodes.Mul, false); break;
                case Opcode.Mulw:
                    LoadReg(ins.Rs1);
                    il.Emit(OpCodes.Conv_I4);
                    LoadReg(ins.Rs2);
                    il.Emit(OpCodes.Conv_I4);
                    il.Emit(OpCodes.Mul);
                    il.Emit(OpCodes.Conv_I8);
                    StoreReg(ins.Rd);
                    break;
                case Opcode.Mulh:
                case Opcode.Mulhu:
                    // Math.BigMul directly (a JIT intrinsic: one widening multiply), not through a helper.
                    LoadReg(ins.Rs1);
                    LoadReg(ins.Rs2);
                    il.Emit(OpCodes.Ldloca, low);
                    il.Emit(OpCodes.Call, ins.Op == Opcode.Mulh ? BigMulSigned : BigMulUnsigned);
                    StoreReg(ins.Rd);
                    break;
                case Opcode.Mulhsu: Call(ins, nameof(MulHsu)); break;
                case Opcode.Div: Call(ins, nameof(Div)); break;
                case Opcode.Divu: Call(ins, nameof(DivU)); break;
                case Opcode.Rem: Call(ins, nameof(Rem)); break;
                case Opcode.Remu: Call(ins, nameof(RemU)); break;
                case Opcode.Divw: Call(ins, nameof(DivW)); break;
                case Opcode.Divuw: Call(ins, nameof(DivUW)); break;
                case Opcode.Remw: Call(ins, nameof(RemW)); break;
                case Opcode.Remuw: Call(ins, nameof(RemUW)); break;
                case Opcode.Lui: Imm(ins.Imm); StoreReg(ins.Rd); break;
                case Opcode.Auipc: Imm(pc + ins.Imm); StoreReg(ins.Rd); break;
                case Opcode.Lb: Load(ins, index, k, 1, OpCodes.Ldind_U1, OpCodes.Conv_I1); break;
                case Opcode.Lbu: Load(ins, index, k, 1, OpCodes.Ldind_U1, null); break;
                case Opcode.Lh: Load(ins, index, k, 2, OpCodes.Ldind_U2, OpCodes.Conv_I2); break;
                case Opcode.Lhu: Load(ins, index, k, 2, OpCodes.Ldind_U2, null); break;
                case Opcode.Lw: Load(ins, index, k, 4, OpCodes.Ldind_U4, OpCodes.Conv_I4); break;
                case Opcode.Lwu: Load(ins, index, k, 4, OpCodes.Ldind_U4, null); break;
                case Opcode.Ld: Load(ins, index, k, 8, OpCodes.Ldind_I8, null); break;
                case Opcode.Sb: Store(ins, index, k, 1, OpCodes.Stind_I1, OpCodes.Conv_U1); break;
                case Opcode.Sh: Store(ins, index, k, 2, OpCodes.Stind_I2, OpCodes.Conv_U2); break;
                case Opcode.Sw: Store(ins, index, k, 4, OpCodes.Stind_I4, OpCodes.Conv_U4); break;
                case Opcode.Sd: Store(ins, index, k, 8, OpCodes.Stind_I8, null); break;
                case Opcode.Fence: break;
                case Opcode.Beq: Branch(ins, index, OpCodes.Beq); break;
                case Opcode.Bne: Branch(ins, index, OpCodes.Bne_Un); break;
                case Opcode.Blt: Branch(ins, index, OpCodes.Blt); break;
                case Opcode.Bge: Branch(ins, index, OpCodes.Bge); break;
                case Opcode.Bltu: Branch(ins, index, OpCodes.Blt_Un); break;
                case Opcode.Bgeu: Branch(ins, index, OpCodes.Bge_Un); break;
                case Opcode.Jal:
                    Imm(pc + 4);
                    StoreReg(ins.Rd);
                    il.Emit(OpCodes.Br, Target(index + ins.Imm));
                    break;
                case Opcode.Jalr:
                {
                    var bad = il.DefineLabel();
                    var ok = il.DefineLabel();
                    LoadReg(ins.Rs1);
                    Imm(ins.Imm);
                    il.Emit(OpCodes.Add);
                    Imm(~1L);
                    il.Emit(OpCodes.And);
                    il.Emit(OpCodes.Stloc, ad);
                    il.Emit(OpCodes.Ldloc, ad);
                    Imm((long)codeBase);
                    il.Emit(OpCodes.Sub);
                    il.Emit(OpCodes.Stloc, off);
                    il.Emit(OpCodes.Ldloc, off);
                    Imm((long)_program.CodeSize);
                    il.Emit(OpCodes.Bge_Un, bad);
                    il.Emit(OpCodes.Ldloc, off);
                    Imm(3);
                    il.Emit(OpCodes.And);
                    Imm(0);
                    il.Emit(OpCodes.Beq, ok);
                    il.MarkLabel(bad);
                    il.Emit(OpCodes.Ldarg_0);
                    il.Emit(OpCodes.Ldloc, ad);
                    il.Emit(OpCodes.Ldc_I4, index);
                    CyclesAt(k);
                    il.Emit(OpCodes.Call, BadJalrMethod);
                    il.Emit(OpCodes.Pop);
                    il.MarkLabel(ok);
                    Imm(pc + 4);
                    StoreReg(ins.Rd);
                    ExitPrefix();
                    il.Emit(OpCodes.Ldloc, off);
                    il.Emit(OpCodes.Ldc_I4_2);
                    il.Emit(OpCodes.Shr_Un);
                    il.Emit(OpCodes.Conv_I4);
                    il.Emit(OpCodes.Ret);
                    break;
                }
                default:
                    throw new InvalidOperationException($"{ins.Op} is not compilable");
            }
        }
        if (!EndsBlock(code[start + length - 1].Op))
            il.Emit(OpCodes.Br, Target(start + length));
        }

        // Exit stubs. A negative key -1 - b is "the limit check of block b failed": undo its cycles.
        foreach (var (index, label) in exits.ToArray())
        {
            il.MarkLabel(label);
            if (index < 0)
            {
                il.Emit(OpCodes.Ldloc, cyc);
                Imm(blocks[-1 - index].Length);
                il.Emit(OpCodes.Sub);
                il.Emit(OpCodes.Stloc, cyc);
            }
            ExitPrefix();
            il.Emit(OpCodes.Ldc_I4, index < 0 ? -1 - index : index);
            il.Emit(OpCodes.Ret);
        }
        var fn = dm.CreateDelegate<BlockFn>();
        RuntimeHelpers.PrepareDelegate(fn); // compile now, so JitTime includes the machine-code generation
        return fn;
    }

    private static bool JitAvailable => RuntimeFeature.IsDynamicCodeSupported && RuntimeFeature.IsDynamicCodeCompiled;

    private static ulong DivU(ulong a, ulong b) => b == 0 ? ulong.MaxValue : a / b;

    private static ulong RemU(ulong a, ulong b) => b == 0 ? a : a % b;

    private static ulong DivUW(ulong a, ulong b) => (uint)b == 0 ? ulong.MaxValue : (ulong)(long)(int)((uint)a / (uint)b);

    private static ulong RemUW(ulong a, ulong b) => (uint)b == 0 ? (ulong)(long)(int)a : (ulong)(long)(int)((uint)a % (uint)b);
}
