using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Program;

namespace Prover.Core.Zkvm.Cpu;

/// <summary>Column indices of the CPU trace (docs/design.md, "zkVM chips: CPU and Program").</summary>
public static class CpuCols
{
    public const int PcLo = 0, PcHi = 1;

    /// <summary>Instruction fields as in the Program tuple: opcode, rd, rs1, rs2, imm_lo, imm_hi.</summary>
    public const int Opcode = 2, Rd = 3, Rs1 = 4, Rs2 = 5, ImmLo = 6, ImmHi = 7;

    /// <summary>16 boolean flags, bit k of <see cref="InstructionFlags"/> at column Flags + k.</summary>
    public const int Flags = 8, FlagCount = 16;

    /// <summary>clk = ClkQ + 2^14·ClkHi with ClkQ &lt; 2^14, so ts = 4·clk + slot = (4·ClkQ + slot) + 2^16·ClkHi in canonical 16-bit pieces.</summary>
    public const int ClkQ = 24, ClkHi = 25, ClkCarry = 26;

    /// <summary>next pc (2 limbs), the carries of the 32-bit pc adder, bit 0 of a JALR target, the carry of pc + 4 for the link value.</summary>
    public const int NextPcLo = 27, NextPcHi = 28, PcCarry0 = 29, PcCarry1 = 30, JalrBit = 31, LinkCarry = 32;

    /// <summary>4-limb words: rs1 value, rs2 value, rd value, ALU result (a of the ALU tuple).</summary>
    public const int Rs1Val = 33, Rs2Val = 37, RdVal = 41, AluA = 45;

    /// <summary>Inverse witnesses of rs1 − rs2 limbs (BEQ/BNE), and the taken bit of a branch.</summary>
    public const int EqInv = 49, Taken = 53;

    /// <summary>Per register access (0: rs1 read, 1: rs2 read, 2: rd write): prev_ts_lo, prev_ts_hi, then the <see cref="Memory.TimestampGadget"/> columns.</summary>
    public const int Access = 54, AccessWidth = 2 + Memory.TimestampGadget.Columns;

    /// <summary>Previous value of rd (4 limbs) consumed by the write.</summary>
    public const int RdPrev = Access + 3 * AccessWidth;

    /// <summary>
    /// Inverse witness of clk_q − (2^14 − 1) on a real row (any value when they are equal, where the carry is 1), which
    /// forces <see cref="ClkCarry"/> to be exactly [clk_q = 2^14 − 1] (docs/design.md, CPU constraint group 3).
    /// </summary>
    public const int ClkInv = RdPrev + 4;

    public const int Width = ClkInv + 1;

    /// <summary>Public values: start pc (lo, hi), start clk (q, hi), end pc (lo, hi), end clk (q, hi).</summary>
    public const int PublicValues = 8;

    public static int FlagColumn(InstructionFlags f) => Flags + System.Numerics.BitOperations.TrailingZeroCount((uint)f);
}

/// <summary>
/// The CPU chip: one row per executed instruction, padded with all-zero rows at the end. It looks up its
/// instruction in the Program table, chains pc and clk from row to row, reads rs1 and rs2 and writes rd
/// through the memory argument (keys 2^29 + r, slots 0, 1, 3), and delegates results to the ALU chips
/// (bus 3), the load/store chip (bus 8) and the syscall chip (bus 6). Degree 3. The soundness argument
/// of each constraint group is in docs/design.md and next to the constraints.
/// </summary>
public sealed class CpuAir<F> : IAir<F> where F : struct, IField<F>
{
    /// <summary>Register x_r is memory key RegisterKeyBase + r (docs/zkvm.md).</summary>
    public const ulong RegisterKeyBase = 1UL << 29;

    public string Name => "cpu";

    public int Width => CpuCols.Width;

    public int PublicValueCount => CpuCols.PublicValues;

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var n = builder.Next;
        var pub = builder.PublicValues;
        var one = SymbolicExpression<F>.One;
        SymbolicExpression<F> Flag(InstructionFlags f) => l[CpuCols.FlagColumn(f)];

        // --- Flags. All 16 are booleans; the 8 class flags sum to `real` (boolean), so a real row has
        // exactly one class and a padding row none. The refining flags vanish on padding rows, so a
        // padding row (which the Program bus does not check) can never enable a write or a branch rule.
        // On real rows all flags are bound to the ROM through the flags field of the Program tuple
        // (Σ 2^k·flag_k with booleans is injective), so they are the decoding of the executed word.
        var real = SymbolicExpression<F>.Zero;
        var flags = SymbolicExpression<F>.Zero;
        for (int k = 0; k < CpuCols.FlagCount; k++)
        {
            var f = l[CpuCols.Flags + k];
            builder.AssertBool(f);
            flags += f * C(1UL << k);
            if (k < 8)
                real += f;
        }
        builder.AssertBool(real);
        for (int k = 8; k < CpuCols.FlagCount; k++)
            builder.AssertZero((one - real) * l[CpuCols.Flags + k]);
        var nextReal = SymbolicExpression<F>.Zero;
        for (int k = 0; k < 8; k++)
            nextReal += n[CpuCols.Flags + k];

        var isAlu = Flag(InstructionFlags.Alu);
        var isBranch = Flag(InstructionFlags.Branch);
        var isJal = Flag(InstructionFlags.Jal);
        var isJalr = Flag(InstructionFlags.Jalr);
        var isLoad = Flag(InstructionFlags.Load);
        var isStore = Flag(InstructionFlags.Store);
        var isEcall = Flag(InstructionFlags.Ecall);
        var immC = Flag(InstructionFlags.ImmC);
        var immNeg = Flag(InstructionFlags.ImmNeg);
        var isAuipc = Flag(InstructionFlags.Auipc);
        var brEq = Flag(InstructionFlags.BranchEq);
        var brCmp = Flag(InstructionFlags.BranchCmp);
        var brUnsigned = Flag(InstructionFlags.BranchUnsigned);
        var brNegate = Flag(InstructionFlags.BranchNegate);
        var writesRd = Flag(InstructionFlags.WritesRd);

        SymbolicExpression<F>[] Word4(int c) => [l[c], l[c + 1], l[c + 2], l[c + 3]];
        var rs1 = Word4(CpuCols.Rs1Val);
        var rs2 = Word4(CpuCols.Rs2Val);
        var rdv = Word4(CpuCols.RdVal);
        var aluA = Word4(CpuCols.AluA);
        var pcLo = l[CpuCols.PcLo];
        var pcHi = l[CpuCols.PcHi];
        var npLo = l[CpuCols.NextPcLo];
        var npHi = l[CpuCols.NextPcHi];
        // The immediate sign-extended to 64 bits, as 4 limbs (ROM-fixed parts, so no range check).
        SymbolicExpression<F>[] imm64 = [l[CpuCols.ImmLo], l[CpuCols.ImmHi], immNeg * C(0xFFFF), immNeg * C(0xFFFF)];

        // --- Program lookup: (pc, opcode, rd, rs1, rs2, imm, flags) must be a ROM row. This binds every
        // instruction field and flag of a real row to the committed code at that pc.
        builder.Send(ZkvmBus.Program,
            [pcLo, pcHi, l[CpuCols.Opcode], l[CpuCols.Rd], l[CpuCols.Rs1], l[CpuCols.Rs2], l[CpuCols.ImmLo], l[CpuCols.ImmHi], flags], real);

        // --- clk and pc chaining inside the shard. Rows are real then padding (real' ≤ real), the first
        // row is real, and every real row follows its predecessor: pc' = next_pc, clk' = clk + 1. So the
        // real rows are exactly consecutive cycles; none can be skipped, repeated or reordered.
        var clkQ = l[CpuCols.ClkQ];
        var clkHi = l[CpuCols.ClkHi];
        var carry = l[CpuCols.ClkCarry];
        builder.AssertBool(carry);
        builder.WhenFirstRow().AssertEq(real, one);
        var t = builder.WhenTransition();
        t.AssertZero((one - real) * nextReal);
        var tn = t.When(nextReal);
        tn.AssertEq(n[CpuCols.PcLo], npLo);
        tn.AssertEq(n[CpuCols.PcHi], npHi);
        // clk + 1 in the (q, hi) split: q' = q + 1 − 2^14·carry, hi' = hi + carry, where the carry is forced to be
        // exactly [q = 2^14 − 1] on every real row (below), so q stays in [0, 2^14) from row to row.
        tn.AssertEq(n[CpuCols.ClkQ], clkQ + one - carry * C(1 << 14));
        tn.AssertEq(n[CpuCols.ClkHi], clkHi + carry);
        // Boundary: the first row's (pc, clk) and the last real row's (next_pc, clk + 1) are public
        // values, which the verifier chains across shards (start of shard i+1 = end of shard i).
        var first = builder.WhenFirstRow();
        first.AssertEq(pcLo, pub[0]);
        first.AssertEq(pcHi, pub[1]);
        first.AssertEq(clkQ, pub[2]);
        first.AssertEq(clkHi, pub[3]);
        // "Last real row": a real row followed by padding (real − real' is 1 exactly there, given
        // real' ≤ real), or the trace's last row when it is real.
        var endT = t.When(real - nextReal);
        var endL = builder.WhenLastRow().When(real);
        foreach (var end in new[] { endT, endL })
        {
            end.AssertEq(npLo, pub[4]);
            end.AssertEq(npHi, pub[5]);
            end.AssertEq(clkQ + one - carry * C(1 << 14), pub[6]);
            end.AssertEq(clkHi + carry, pub[7]);
        }
        // clk_q < 2^14 on every real row (so slot timestamps 4·clk_q + s are 16-bit and never carry), by induction
        // instead of range checks (issue 19: two Range16 lookups, one LogUp column, per row fewer). The carry is boolean
        // and equals [clk_q = 2^14 − 1]: carry·(clk_q − M) = 0 makes it 0 when clk_q ≠ M = 2^14 − 1, and on a real row
        // (clk_q − M)·inv = 1 − carry makes it 1 when clk_q = M (the left side is then 0). The first row's clk_q is the
        // public start, which the verifier requires below 2^14 (ZkvmVerifier: every shard's start and end pieces). If
        // clk_q ∈ [0, 2^14) on a real row, the next real row has q' = q + 1 ∈ [1, 2^14) or, at q = M, q' = 0; real rows
        // are a prefix of the trace (real' ≤ real, first row real), so every real row's clk_q is in range, and so is the
        // public end q + 1 − 2^14·carry. Padding rows keep zeros: the second constraint is off there (real = 0) and the
        // first holds with carry = 0; their clk is read by nothing (every multiplicity is 0 there, and the end boundary
        // is the last real row's).
        var clkM = C((1 << 14) - 1);
        builder.AssertZero(carry * (clkQ - clkM));
        builder.When(real).AssertEq((clkQ - clkM) * l[CpuCols.ClkInv], one - carry);

        // --- Next pc for everything but JALR: 32-bit pc + offset with offset = 4, or the immediate for
        // JAL and taken branches. Two 16-bit halves with boolean carries. next_pc's limbs need no range check of
        // their own (issue 19: two Range16 lookups, one LogUp column, per row fewer): next_pc is the next real row's
        // pc (transition above), or at a shard's last real row the public end pc, which the verifier makes the next
        // shard's start pc, i.e. its first row's pc; and every real row's pc limbs are sent in its Program lookup,
        // whose receiver holds only ROM rows with canonical 16-bit pc limbs. So a next_pc that is executed is
        // canonical, and the two adder equations are integer identities (pc canonical too, |offset| < 2^20, boolean
        // carries): a non-canonical split (a wrong carry with next_pc_lo ± 2^16) has no ROM row
        // (CpuTests.A_non_canonical_next_pc_is_rejected_by_the_program_lookup). The last shard's end pc is executed by
        // nobody (the execution has halted) and nothing else reads it.
        // Wrap-around mod 2^32 is harmless: |imm| < 2^20 and the code lies in [2^16, 2^30), so a target
        // that wrapped (true target negative) is ≥ 2^32 − 2^20, never a code address, and the next
        // row's Program lookup (or the next shard's) fails.
        var c0 = l[CpuCols.PcCarry0];
        var c1 = l[CpuCols.PcCarry1];
        var taken = l[CpuCols.Taken];
        builder.AssertBool(c0);
        builder.AssertBool(c1);
        var jump = isJal + taken;
        var offLo = C(4) + jump * (l[CpuCols.ImmLo] - C(4));
        var offHi = jump * l[CpuCols.ImmHi];
        var notJalr = real - isJalr;
        builder.When(notJalr).AssertEq(pcLo + offLo, npLo + c0 * C(1 << 16));
        builder.When(notJalr).AssertEq(pcHi + offHi + c0, npHi + c1 * C(1 << 16));

        // --- Branches. a0 of the ALU tuple is the condition (boolean, other limbs 0): rs1 = rs2 for
        // BEQ/BNE (in-chip), rs1 < rs2 for the others (from the Compare chip). taken = cond XOR negate.
        var cond = aluA[0];
        builder.When(isBranch).AssertBool(cond);
        for (int k = 1; k < 4; k++)
            builder.When(isBranch).AssertZero(aluA[k]);
        builder.When(isBranch).AssertEq(taken, cond + brNegate - C(2) * cond * brNegate);
        builder.AssertZero((one - isBranch) * taken);
        // Equality: cond = 1 forces every limb difference to 0; cond = 0 needs Σ diff_k·inv_k = 1, which
        // is impossible when all differences are 0. Limbs are canonical 16-bit values, so limb equality
        // is word equality.
        var invSum = SymbolicExpression<F>.Zero;
        for (int k = 0; k < 4; k++)
        {
            var diff = rs1[k] - rs2[k];
            builder.When(brEq).AssertZero(cond * diff);
            invSum += diff * l[CpuCols.EqInv + k];
        }
        builder.When(brEq).AssertEq(invSum, one - cond);

        // --- ALU bus: (op, a, b, c) = (opcode, result, rs1 | pc, rs2 | imm) for ALU instructions,
        // (SLT/SLTU, cond, rs1, rs2) for BLT/BGE/BLTU/BGEU, (ADD, target, rs1, imm) for JALR and
        // (ADD, address, rs1, imm) for loads and stores (Opcode.Add = 0). The receiving chips prove
        // a = op(b, c) and range-check a.
        var aluOp = isAlu * l[CpuCols.Opcode] + brCmp * C((ulong)Machine.Opcode.Slt) + brUnsigned * C((ulong)Machine.Opcode.Sltu - (ulong)Machine.Opcode.Slt);
        var aluB = new SymbolicExpression<F>[4];
        var aluC = new SymbolicExpression<F>[4];
        for (int k = 0; k < 4; k++)
        {
            var pcK = k == 0 ? pcLo : k == 1 ? pcHi : SymbolicExpression<F>.Zero;
            aluB[k] = rs1[k] + isAuipc * (pcK - rs1[k]);
            aluC[k] = rs2[k] + immC * (imm64[k] - rs2[k]);
        }
        builder.Send(ZkvmBus.Alu, [aluOp, .. aluA, .. aluB, .. aluC], isAlu + brCmp + isJalr + isLoad + isStore);
        // The ALU result is what rd receives.
        for (int k = 0; k < 4; k++)
            builder.When(isAlu).AssertEq(rdv[k], aluA[k]);

        // --- JALR: next_pc = (rs1 + imm) & ~1 with the 64-bit sum from the AddSub chip (canonical limbs):
        // its upper limbs are 0 (a target ≥ 2^32 is outside the code: the machine faults) and its low
        // limb is next_pc_lo + bit0. next_pc_lo is even because next_pc must be a ROM pc (multiples of 4).
        var jalrBit = l[CpuCols.JalrBit];
        builder.AssertBool(jalrBit);
        builder.When(isJalr).AssertEq(aluA[0], npLo + jalrBit);
        builder.When(isJalr).AssertEq(aluA[1], npHi);
        builder.When(isJalr).AssertZero(aluA[2]);
        builder.When(isJalr).AssertZero(aluA[3]);

        // --- JAL/JALR link: rd = pc + 4 (pc < 2^32, so limbs 2, 3 are 0). Limb 0 is range-checked, which
        // makes the carry the true one.
        var isJump = isJal + isJalr;
        var link = l[CpuCols.LinkCarry];
        builder.AssertBool(link);
        builder.When(isJump).AssertEq(rdv[0] + link * C(1 << 16), pcLo + C(4));
        builder.When(isJump).AssertEq(rdv[1], pcHi + link);
        builder.When(isJump).AssertZero(rdv[2]);
        builder.When(isJump).AssertZero(rdv[3]);
        builder.Send(ZkvmBus.Range16, [rdv[0]], isJump);

        // --- Loads and stores: the load/store chip receives (opcode, address, value, ts of slot 2) and
        // proves the RAM access; value is rd's new value for loads, the rs2 value for stores.
        var tsHi = clkHi;
        SymbolicExpression<F> TsLo(int slot) => clkQ * C(4) + C((ulong)slot);
        var memValue = new SymbolicExpression<F>[4];
        for (int k = 0; k < 4; k++)
            memValue[k] = rs2[k] + isLoad * (rdv[k] - rs2[k]);
        // The address is the AddSub chip's 64-bit sum rs1 + imm (canonical limbs); its upper limbs must be 0
        // (the machine faults on addresses ≥ 2^32) and the load/store chip proves addr < 2^31 from the
        // two low limbs, so (addr_lo, addr_hi) is the whole address.
        var isMem = isLoad + isStore;
        builder.When(isMem).AssertZero(aluA[2]);
        builder.When(isMem).AssertZero(aluA[3]);
        builder.Send(ZkvmBus.LoadStore, [l[CpuCols.Opcode], aluA[0], aluA[1], .. memValue, TsLo(2), tsHi], isMem);

        // --- ECALL: (a7, a0, result, ts of slot 2) to the syscall chip, which proves the result (and
        // any other register or memory effects at slot 2). The ROM gives ECALL rs1 = a7, rs2 = a0, rd = a0.
        builder.Send(ZkvmBus.Syscall, [.. rs1, .. rs2, .. rdv, TsLo(2), tsHi], isEcall);

        // --- Register accesses through the memory argument (docs/zkvm.md): each consumes
        // (key, prev value, prev ts) and produces (key, value, ts); reads produce what they consumed.
        // ts − prev_ts − 1 = diff_lo + 2^16·diff_hi with both range-checked (borrow boolean) proves
        // prev_ts < ts, so a consume can only match the latest earlier produce of the key. x0 is read
        // like any register (its value is 0 from MemoryInit and it is never written: the write's
        // multiplicity is the ROM's WritesRd flag, which is 0 for rd = 0).
        var rdPrev = Word4(CpuCols.RdPrev);
        RegisterAccess(builder, l, CpuCols.Access, l[CpuCols.Rs1], rs1, rs1, TsLo(0), tsHi, real);
        RegisterAccess(builder, l, CpuCols.Access + CpuCols.AccessWidth, l[CpuCols.Rs2], rs2, rs2, TsLo(1), tsHi, real);
        RegisterAccess(builder, l, CpuCols.Access + 2 * CpuCols.AccessWidth, l[CpuCols.Rd], rdPrev, rdv, TsLo(3), tsHi, writesRd);
    }

    private static void RegisterAccess(AirBuilder<F> builder, IReadOnlyList<SymbolicExpression<F>> l, int col, SymbolicExpression<F> register,
        SymbolicExpression<F>[] prev, SymbolicExpression<F>[] value, SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi, SymbolicExpression<F> multiplicity)
    {
        var key = register + C(RegisterKeyBase);
        var prevLo = l[col];
        var prevHi = l[col + 1];
        // prev_ts < ts (TimestampGadget: exact integer equations, range-checked differences).
        Memory.TimestampGadget.Eval(builder, col + 2, tsLo, tsHi, prevLo, prevHi, multiplicity);
        builder.Receive(ZkvmBus.Memory, [key, .. prev, prevLo, prevHi], multiplicity);
        builder.Send(ZkvmBus.Memory, [key, .. value, tsLo, tsHi], multiplicity);
    }
}
