using System.Runtime.CompilerServices;

namespace Prover.Core.Machine;

public sealed unsafe partial class Machine
{
    /// <summary>
    /// The interpreter: one loop over the predecoded code, a switch on the dense opcode, the register
    /// file behind a pointer (33 entries: writes to x0 go to the scratch entry 32), the instruction
    /// index as the pc. Instantiated twice by the JIT: with <see cref="NoTracer"/> every
    /// <c>if (T.Enabled)</c> block disappears (fast mode); with <see cref="RecordingTracer"/> it emits
    /// events. One body for both modes means they cannot disagree on semantics.
    /// Semantics: RISC-V unprivileged ISA 20191213, chapters 2 (RV32I), 5 (RV64I) and 7 (M).
    /// Returns true at the halt, false when paused at <paramref name="stopAt"/> cycles.
    /// </summary>
    [SkipLocalsInit]
    private bool Interpret<T>(ref T tracer, long stopAt = long.MaxValue) where T : struct, ITracer
    {
        fixed (ulong* x = _regs)
        fixed (Instruction* code = _program.Code)
        {
            byte* ram = _memory.Ram;
            ulong codeBase = _program.CodeBase;
            ulong codeSize = _program.CodeSize;
            ulong writableBase = _program.CodeEnd;
            byte* wram = ram + (writableBase - MemoryMap.RamBase);
            ulong storeLimit = MemoryMap.RamEnd - writableBase - 8; // GuestProgram keeps the code at least 64 KiB below the end of RAM
            long maxCycles = _options.MaxCycles;
            long limit = Math.Min(maxCycles, stopAt);
            long cycles = _cycles;
            long unaligned = _unaligned;
            int i = _index;
            {
                for (;;)
                {
                    if (cycles >= limit)
                    {
                        if (cycles >= maxCycles)
                            Fault(MachineFault.CycleLimitExceeded, i, cycles, $"cycle limit {maxCycles} exceeded");
                        // Paused by the block engine (it runs single blocks through the interpreter).
                        _index = i;
                        _cycles = cycles;
                        _unaligned = unaligned;
                        return false;
                    }
                    if (T.Enabled)
                        tracer.Begin(cycles + 1, codeBase + ((ulong)(uint)i << 2), x);
                    Instruction ins = code[i];
                    cycles++;
                    ulong a = x[ins.Rs1];
                    switch (ins.Op)
                    {
                        case Opcode.Add: { ulong b = x[ins.Rs2], r = a + b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sub: { ulong b = x[ins.Rs2], r = a - b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Addi: { ulong b = (ulong)(long)ins.Imm, r = a + b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Addw: { ulong b = x[ins.Rs2], r = (ulong)(long)(int)(a + b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Subw: { ulong b = x[ins.Rs2], r = (ulong)(long)(int)(a - b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Addiw: { ulong b = (ulong)(long)ins.Imm, r = (ulong)(long)(int)(a + b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        case Opcode.Xor: { ulong b = x[ins.Rs2], r = a ^ b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Or: { ulong b = x[ins.Rs2], r = a | b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.And: { ulong b = x[ins.Rs2], r = a & b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Xori: { ulong b = (ulong)(long)ins.Imm, r = a ^ b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Ori: { ulong b = (ulong)(long)ins.Imm, r = a | b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Andi: { ulong b = (ulong)(long)ins.Imm, r = a & b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        // Shifts use the low 6 bits of the amount (5 for W forms), as do C#'s operators on
                        // 64-bit (32-bit) operands; the masks are written out for the reader.
                        case Opcode.Sll: { ulong b = x[ins.Rs2], r = a << (int)(b & 63); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Srl: { ulong b = x[ins.Rs2], r = a >> (int)(b & 63); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sra: { ulong b = x[ins.Rs2], r = (ulong)((long)a >> (int)(b & 63)); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Slli: { ulong b = (ulong)ins.Imm, r = a << (int)b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Srli: { ulong b = (ulong)ins.Imm, r = a >> (int)b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Srai: { ulong b = (ulong)ins.Imm, r = (ulong)((long)a >> (int)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sllw: { ulong b = x[ins.Rs2], r = (ulong)(long)(int)((uint)a << (int)(b & 31)); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Srlw: { ulong b = x[ins.Rs2], r = (ulong)(long)(int)((uint)a >> (int)(b & 31)); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sraw: { ulong b = x[ins.Rs2], r = (ulong)(long)((int)a >> (int)(b & 31)); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Slliw: { ulong b = (ulong)ins.Imm, r = (ulong)(long)(int)((uint)a << (int)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Srliw: { ulong b = (ulong)ins.Imm, r = (ulong)(long)(int)((uint)a >> (int)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sraiw: { ulong b = (ulong)ins.Imm, r = (ulong)(long)((int)a >> (int)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        case Opcode.Slt: { ulong b = x[ins.Rs2], r = (long)a < (long)b ? 1UL : 0; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sltu: { ulong b = x[ins.Rs2], r = a < b ? 1UL : 0; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Slti: { ulong b = (ulong)(long)ins.Imm, r = (long)a < (long)b ? 1UL : 0; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Sltiu: { ulong b = (ulong)(long)ins.Imm, r = a < b ? 1UL : 0; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        case Opcode.Mul: { ulong b = x[ins.Rs2], r = a * b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Mulh: { ulong b = x[ins.Rs2], r = (ulong)Math.BigMul((long)a, (long)b, out _); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Mulhu: { ulong b = x[ins.Rs2], r = Math.BigMul(a, b, out _); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Mulhsu: { ulong b = x[ins.Rs2], r = MulHsu(a, b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Mulw: { ulong b = x[ins.Rs2], r = (ulong)(long)(int)((uint)a * (uint)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        case Opcode.Div: { ulong b = x[ins.Rs2], r = Div(a, b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Divu: { ulong b = x[ins.Rs2], r = b == 0 ? ulong.MaxValue : a / b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Rem: { ulong b = x[ins.Rs2], r = Rem(a, b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Remu: { ulong b = x[ins.Rs2], r = b == 0 ? a : a % b; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Divw: { ulong b = x[ins.Rs2], r = DivW(a, b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Divuw: { ulong b = x[ins.Rs2], r = (uint)b == 0 ? ulong.MaxValue : (ulong)(long)(int)((uint)a / (uint)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Remw: { ulong b = x[ins.Rs2], r = RemW(a, b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }
                        case Opcode.Remuw: { ulong b = x[ins.Rs2], r = (uint)b == 0 ? (ulong)(long)(int)a : (ulong)(long)(int)((uint)a % (uint)b); x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, a, b); break; }

                        case Opcode.Lui: { ulong r = (ulong)(long)ins.Imm; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(At(codeBase, i), ins.Op, r, 0, r); break; }
                        case Opcode.Auipc: { ulong pc = At(codeBase, i), r = pc + (ulong)(long)ins.Imm; x[ins.Rd] = r; if (T.Enabled) tracer.Alu(pc, ins.Op, r, pc, (ulong)(long)ins.Imm); break; }

                        case Opcode.Beq: { ulong b = x[ins.Rs2]; bool t = a == b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }
                        case Opcode.Bne: { ulong b = x[ins.Rs2]; bool t = a != b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }
                        case Opcode.Blt: { ulong b = x[ins.Rs2]; bool t = (long)a < (long)b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }
                        case Opcode.Bge: { ulong b = x[ins.Rs2]; bool t = (long)a >= (long)b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }
                        case Opcode.Bltu: { ulong b = x[ins.Rs2]; bool t = a < b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }
                        case Opcode.Bgeu: { ulong b = x[ins.Rs2]; bool t = a >= b; if (T.Enabled) tracer.Branch(At(codeBase, i), ins.Op, t, At(codeBase, t ? i + ins.Imm : i + 1), a, b); i += t ? ins.Imm : 1; continue; }

                        case Opcode.Jal:
                        {
                            x[ins.Rd] = At(codeBase, i + 1);
                            if (T.Enabled) tracer.Jump(At(codeBase, i), ins.Op, At(codeBase, i + ins.Imm), ins.Imm * 4, 0);
                            i += ins.Imm;
                            continue;
                        }
                        case Opcode.Jalr:
                        {
                            // Target (rs1 + imm) with bit 0 cleared, computed before rd is written (rd may be rs1).
                            ulong target = (a + (ulong)(long)ins.Imm) & ~1UL;
                            ulong off = target - codeBase;
                            if (off >= codeSize || (off & 3) != 0)
                                BadJalr(target, i, cycles);
                            x[ins.Rd] = At(codeBase, i + 1);
                            if (T.Enabled) tracer.Jump(At(codeBase, i), ins.Op, target, ins.Imm, a);
                            i = (int)(off >> 2);
                            continue;
                        }

                        // Loads: one unsigned compare against RAM; everything else (input region, the last
                        // bytes of RAM, faults) goes to LoadSlow. Misaligned addresses work (Zicclsm) and are counted.
                        case Opcode.Lb: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? ram[o] : LoadSlow(ad, 1, i, cycles); v = (ulong)(long)(sbyte)(byte)v; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 1, v); break; }
                        case Opcode.Lbu: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? ram[o] : LoadSlow(ad, 1, i, cycles); x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 1, v); break; }
                        case Opcode.Lh: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? Unsafe.ReadUnaligned<ushort>(ram + o) : LoadSlow(ad, 2, i, cycles); v = (ulong)(long)(short)(ushort)v; if ((ad & 1) != 0) unaligned++; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 2, v); break; }
                        case Opcode.Lhu: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? Unsafe.ReadUnaligned<ushort>(ram + o) : LoadSlow(ad, 2, i, cycles); if ((ad & 1) != 0) unaligned++; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 2, v); break; }
                        case Opcode.Lw: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? Unsafe.ReadUnaligned<uint>(ram + o) : LoadSlow(ad, 4, i, cycles); v = (ulong)(long)(int)(uint)v; if ((ad & 3) != 0) unaligned++; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 4, v); break; }
                        case Opcode.Lwu: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? Unsafe.ReadUnaligned<uint>(ram + o) : LoadSlow(ad, 4, i, cycles); if ((ad & 3) != 0) unaligned++; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 4, v); break; }
                        case Opcode.Ld: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - MemoryMap.RamBase; ulong v = o <= MemoryMap.RamSize - 8 ? Unsafe.ReadUnaligned<ulong>(ram + o) : LoadSlow(ad, 8, i, cycles); if ((ad & 7) != 0) unaligned++; x[ins.Rd] = v; if (T.Enabled) tracer.Load(At(codeBase, i), ins.Op, ad, 8, v); break; }

                        // Stores: allowed in [end of code, end of RAM); the code is read-only so the
                        // predecoded instructions can never go stale.
                        case Opcode.Sb: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - writableBase, v = x[ins.Rs2]; if (o <= storeLimit) { if (T.Enabled) tracer.Store(At(codeBase, i), ins.Op, ad, 1, (byte)v); wram[o] = (byte)v; } else StoreSlow(ref tracer, ins.Op, ad, 1, v, i, cycles); break; }
                        case Opcode.Sh: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - writableBase, v = x[ins.Rs2]; if (o <= storeLimit) { if (T.Enabled) tracer.Store(At(codeBase, i), ins.Op, ad, 2, (ushort)v); Unsafe.WriteUnaligned(wram + o, (ushort)v); } else StoreSlow(ref tracer, ins.Op, ad, 2, v, i, cycles); if ((ad & 1) != 0) unaligned++; break; }
                        case Opcode.Sw: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - writableBase, v = x[ins.Rs2]; if (o <= storeLimit) { if (T.Enabled) tracer.Store(At(codeBase, i), ins.Op, ad, 4, (uint)v); Unsafe.WriteUnaligned(wram + o, (uint)v); } else StoreSlow(ref tracer, ins.Op, ad, 4, v, i, cycles); if ((ad & 3) != 0) unaligned++; break; }
                        case Opcode.Sd: { ulong ad = a + (ulong)(long)ins.Imm, o = ad - writableBase, v = x[ins.Rs2]; if (o <= storeLimit) { if (T.Enabled) tracer.Store(At(codeBase, i), ins.Op, ad, 8, v); Unsafe.WriteUnaligned(wram + o, v); } else StoreSlow(ref tracer, ins.Op, ad, 8, v, i, cycles); if ((ad & 7) != 0) unaligned++; break; }

                        case Opcode.Fence:
                            if (T.Enabled) tracer.Nop();
                            break;
                        case Opcode.Ecall:
                            _cycles = cycles;
                            if (Ecall(ref tracer, x, i, cycles))
                            {
                                _index = i;
                                _unaligned = unaligned;
                                return true;
                            }
                            break;
                        case Opcode.Ebreak:
                            Fault(MachineFault.Breakpoint, i, cycles - 1, "EBREAK");
                            break;
                        case Opcode.Illegal:
                            Fault(MachineFault.IllegalInstruction, i, cycles - 1, $"illegal instruction 0x{(uint)ins.Imm:x8}");
                            break;
                        default: // Opcode.Slow
                            i = SlowOp(ref tracer, x, i, ins, cycles);
                            continue;
                    }
                    i++;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong At(ulong codeBase, int index) => codeBase + ((ulong)(uint)index << 2);

    private static ulong MulHsu(ulong a, ulong b)
    {
        // signed(a) * unsigned(b): the unsigned high word, minus b when a is negative (a = a_u - 2^64).
        ulong hi = Math.BigMul(a, b, out _);
        return (long)a < 0 ? hi - b : hi;
    }

    private static ulong Div(ulong a, ulong b)
    {
        long x = (long)a, y = (long)b;
        if (y == 0)
            return ulong.MaxValue;
        if (x == long.MinValue && y == -1)
            return a;
        return (ulong)(x / y);
    }

    private static ulong Rem(ulong a, ulong b)
    {
        long x = (long)a, y = (long)b;
        if (y == 0)
            return a;
        if (x == long.MinValue && y == -1)
            return 0;
        return (ulong)(x % y);
    }

    private static ulong DivW(ulong a, ulong b)
    {
        int x = (int)a, y = (int)b;
        if (y == 0)
            return ulong.MaxValue;
        if (x == int.MinValue && y == -1)
            return (ulong)(long)x;
        return (ulong)(long)(x / y);
    }

    private static ulong RemW(ulong a, ulong b)
    {
        int x = (int)a, y = (int)b;
        if (y == 0)
            return (ulong)(long)x;
        if (x == int.MinValue && y == -1)
            return 0;
        return (ulong)(long)(x % y);
    }
}
