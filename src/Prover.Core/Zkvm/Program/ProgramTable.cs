using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Program;

/// <summary>
/// Bits of the <c>flags</c> field of a <see cref="ZkvmBus.Program"/> tuple: the CPU's boolean selector
/// columns, fixed per instruction by the ROM. The first eight are the opcode classes (exactly one is
/// set on an executable instruction, none on an illegal one); the others refine them.
/// </summary>
[Flags]
public enum InstructionFlags : ushort
{
    None = 0,

    /// <summary>ALU operation (register or immediate form, M extension, LUI, AUIPC): sends (op, rd, b, c) on the ALU bus.</summary>
    Alu = 1 << 0,
    Branch = 1 << 1,
    Jal = 1 << 2,
    Jalr = 1 << 3,
    Load = 1 << 4,
    Store = 1 << 5,
    Ecall = 1 << 6,

    /// <summary>FENCE: no effect besides pc + 4.</summary>
    Nop = 1 << 7,

    /// <summary>The ALU bus's c operand is the immediate (else the rs2 value).</summary>
    ImmC = 1 << 8,

    /// <summary>The immediate is negative: its 64-bit sign extension has limbs 2, 3 = 0xFFFF.</summary>
    ImmNeg = 1 << 9,

    /// <summary>AUIPC: the ALU bus's b operand is the pc.</summary>
    Auipc = 1 << 10,

    /// <summary>BEQ, BNE: the condition rs1 = rs2 is computed in the CPU.</summary>
    BranchEq = 1 << 11,

    /// <summary>BLT, BGE, BLTU, BGEU: the condition rs1 &lt; rs2 comes from the Compare chip (SLT/SLTU on the ALU bus).</summary>
    BranchCmp = 1 << 12,

    /// <summary>BLTU, BGEU: unsigned comparison (SLTU).</summary>
    BranchUnsigned = 1 << 13,

    /// <summary>BNE, BGE, BGEU: taken when the condition is false.</summary>
    BranchNegate = 1 << 14,

    /// <summary>The instruction writes rd and rd ≠ 0 (x0 is never written).</summary>
    WritesRd = 1 << 15,
}

/// <summary>One ROM entry: the instruction at <see cref="Pc"/> with register indices and the sign-extended immediate (byte offsets for branches and JAL).</summary>
public readonly record struct ProgramRow(uint Pc, Opcode Op, int Rd, int Rs1, int Rs2, int Imm, InstructionFlags Flags)
{
    /// <summary>Low and high 16 bits of the immediate's 32-bit two's complement (the 64-bit extension adds limbs 0xFFFF·neg).</summary>
    public ulong ImmLo => (uint)Imm & 0xFFFF;

    public ulong ImmHi => (uint)Imm >> 16;

    /// <summary>The immediate sign-extended to 64 bits.</summary>
    public ulong Imm64 => (ulong)(long)Imm;

    public bool Has(InstructionFlags f) => (Flags & f) != 0;

    /// <summary>
    /// The ROM entry of an instruction word at <paramref name="pc"/>. ECALL's register fields are set by
    /// convention to what it reads and writes: rs1 = a7 (x17, the number), rs2 = a0 (x10), rd = a0 (the result).
    /// Illegal encodings and EBREAK get no class flag, so no CPU row can match them.
    /// </summary>
    public static ProgramRow Decode(uint pc, uint word)
    {
        var ins = Decoder.Decode(word);
        var op = ins.Op;
        int rd = ins.ArchRd, rs1 = ins.Rs1, rs2 = ins.Rs2, imm = ins.Imm;
        var f = InstructionFlags.None;
        bool writes = false;
        switch (op)
        {
            case <= Opcode.Auipc:
                f = InstructionFlags.Alu;
                writes = true;
                if (op is Opcode.Addi or Opcode.Addiw or Opcode.Xori or Opcode.Ori or Opcode.Andi or Opcode.Slli or Opcode.Srli or Opcode.Srai
                    or Opcode.Slliw or Opcode.Srliw or Opcode.Sraiw or Opcode.Slti or Opcode.Sltiu or Opcode.Lui or Opcode.Auipc)
                    f |= InstructionFlags.ImmC;
                if (op == Opcode.Auipc)
                    f |= InstructionFlags.Auipc;
                break;
            case Opcode.Beq or Opcode.Bne:
                f = InstructionFlags.Branch | InstructionFlags.BranchEq | (op == Opcode.Bne ? InstructionFlags.BranchNegate : 0);
                break;
            case Opcode.Blt or Opcode.Bge or Opcode.Bltu or Opcode.Bgeu:
                f = InstructionFlags.Branch | InstructionFlags.BranchCmp;
                if (op is Opcode.Bltu or Opcode.Bgeu)
                    f |= InstructionFlags.BranchUnsigned;
                if (op is Opcode.Bge or Opcode.Bgeu)
                    f |= InstructionFlags.BranchNegate;
                break;
            case Opcode.Jal:
                f = InstructionFlags.Jal;
                writes = true;
                break;
            case Opcode.Jalr:
                f = InstructionFlags.Jalr | InstructionFlags.ImmC;
                writes = true;
                break;
            case >= Opcode.Lb and <= Opcode.Lwu:
                f = InstructionFlags.Load | InstructionFlags.ImmC;
                writes = true;
                break;
            case >= Opcode.Sb and <= Opcode.Sd:
                f = InstructionFlags.Store | InstructionFlags.ImmC;
                break;
            case Opcode.Fence:
                f = InstructionFlags.Nop;
                break;
            case Opcode.Ecall:
                f = InstructionFlags.Ecall;
                (rd, rs1, rs2, writes) = (10, 17, 10, true);
                break;
            default: // Illegal, Ebreak: not executable; keep the raw word out of the immediate.
                return new ProgramRow(pc, op, 0, 0, 0, 0, InstructionFlags.None);
        }
        if (writes && rd != 0)
            f |= InstructionFlags.WritesRd;
        if (imm < 0)
            f |= InstructionFlags.ImmNeg;
        return new ProgramRow(pc, op, rd, rs1, rs2, imm, f);
    }

    /// <summary>The tuple sent on the Program bus (docs/zkvm.md).</summary>
    public ulong[] Tuple() => [Pc & 0xFFFF, Pc >> 16, (ulong)Op, (ulong)Rd, (ulong)Rs1, (ulong)Rs2, ImmLo, ImmHi, (ulong)Flags];
}

/// <summary>
/// The Program (ROM) table: one preprocessed row per 4-byte word of the code segment holding the tuple
/// (pc_lo, pc_hi, opcode, rd, rs1, rs2, imm_lo, imm_hi, flags) of <see cref="ProgramRow.Decode"/>, and
/// one main column, the multiplicity with which the CPU executed it; it receives those tuples on the
/// <see cref="ZkvmBus.Program"/> bus.
/// <para>
/// Soundness: the preprocessed columns are fixed by the verifying key (the program identity), so every
/// tuple this table can absorb is a true decoding of a word of the committed code at its pc. The bus
/// balances only if each CPU row's (pc, instruction fields, selector flags) is one of them.
/// Padding rows (up to a power of two) are all zero: pc 0 lies in the unmapped guard page below the code,
/// and flags = 0, while a real CPU row has exactly one class flag set, so no CPU row can match a padding
/// row whatever multiplicity the prover gives it. Words that decode to an illegal instruction or EBREAK
/// also carry flags = 0 and can never be executed.
/// </para>
/// </summary>
public sealed class ProgramTable<F> : IAir<F> where F : struct, IField<F>
{
    /// <summary>Preprocessed columns: the 9 tuple fields.</summary>
    public const int TupleWidth = 9;

    private readonly ProgramRow[] _rows;
    private readonly Dictionary<uint, int> _index;

    public ProgramTable(GuestProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var words = program.Words;
        _rows = new ProgramRow[words.Length];
        _index = new Dictionary<uint, int>(words.Length);
        for (int i = 0; i < words.Length; i++)
        {
            uint pc = checked((uint)(program.CodeBase + 4UL * (ulong)i));
            _rows[i] = ProgramRow.Decode(pc, words[i]);
            _index[pc] = i;
        }
        Height = Word.TraceHeight(_rows.Length);
    }

    public string Name => "program";

    public int Width => 1;

    public int PreprocessedWidth => TupleWidth;

    /// <summary>Table height: the number of code words rounded up to a power of two (at least 2).</summary>
    public int Height { get; }

    public IReadOnlyList<ProgramRow> Rows => _rows;

    /// <summary>The ROM entry at <paramref name="pc"/>; throws when pc is not a code address.</summary>
    public ProgramRow At(ulong pc) =>
        pc <= uint.MaxValue && _index.TryGetValue((uint)pc, out int i) ? _rows[i] : throw new ArgumentOutOfRangeException(nameof(pc), $"pc 0x{pc:x} is not in the code");

    public RowMajorMatrix<F>? PreprocessedTrace(int height)
    {
        if (height != Height)
            throw new ArgumentException($"{Name} has {Height} rows, not {height}", nameof(height));
        var m = new RowMajorMatrix<F>(height, TupleWidth);
        for (int r = 0; r < _rows.Length; r++)
        {
            var t = _rows[r].Tuple();
            for (int j = 0; j < TupleWidth; j++)
                m[r, j] = F.FromUInt64(t[j]);
        }
        return m;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // No constraint: the tuple is verifier-fixed, the multiplicity free (see the class comment).
        builder.Receive(ZkvmBus.Program, [.. Enumerable.Range(0, TupleWidth).Select(j => builder.PreprocessedLocal[j])], builder.Local[0]);
    }

    /// <summary>The multiplicity column: how often each pc was executed (<paramref name="executedPcs"/>, one entry per CPU row).</summary>
    public RowMajorMatrix<F> GenerateTrace(IEnumerable<uint> executedPcs)
    {
        ArgumentNullException.ThrowIfNull(executedPcs);
        var counts = new long[_rows.Length];
        foreach (var pc in executedPcs)
            counts[_index.TryGetValue(pc, out int i) ? i : throw new ArgumentException($"pc 0x{pc:x} is not in the code", nameof(executedPcs))]++;
        var m = new RowMajorMatrix<F>(Height, 1);
        for (int r = 0; r < counts.Length; r++)
            m[r, 0] = F.FromUInt64((ulong)counts[r]);
        return m;
    }
}
