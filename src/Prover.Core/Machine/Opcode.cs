namespace Prover.Core.Machine;

/// <summary>
/// The RV64IM operations after decoding (RISC-V unprivileged ISA, chapters "RV32I", "RV64I", "M").
/// Register-immediate forms have their own value so the interpreter never re-inspects the encoding.
/// The numbering is dense so the interpreter's switch compiles to one jump table.
/// </summary>
public enum Opcode : byte
{
    // Add/sub (future ADD chip)
    Add, Sub, Addi, Addw, Subw, Addiw,
    // Bitwise
    Xor, Or, And, Xori, Ori, Andi,
    // Shifts
    Sll, Srl, Sra, Slli, Srli, Srai, Sllw, Srlw, Sraw, Slliw, Srliw, Sraiw,
    // Compare
    Slt, Sltu, Slti, Sltiu,
    // Multiply
    Mul, Mulh, Mulhsu, Mulhu, Mulw,
    // Divide / remainder
    Div, Divu, Rem, Remu, Divw, Divuw, Remw, Remuw,
    // Upper immediates
    Lui, Auipc,
    // Branches
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    // Jumps
    Jal, Jalr,
    // Loads
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    // Stores
    Sb, Sh, Sw, Sd,
    // System
    Fence, Ecall, Ebreak,
    /// <summary>An encoding that is not RV64IM; faults when executed (data in the code segment is fine).</summary>
    Illegal,
    /// <summary>
    /// Interpreter-internal: a branch or JAL whose target is misaligned or outside the code, or the
    /// sentinel past the end of the code. Executed by the slow path, which faults when it applies.
    /// </summary>
    Slow,
}

/// <summary>The chip family an ALU opcode's event belongs to (one <see cref="ExecutionRecord"/> list each).</summary>
public enum AluFamily : byte
{
    AddSub,
    Bitwise,
    Shift,
    Compare,
    Mul,
    DivRem,

    /// <summary>LUI and AUIPC (proved by the add/sub chip).</summary>
    UpperImmediate,
}

/// <summary>Opcode classification shared by the tracer and the trace generators.</summary>
public static class OpcodeClasses
{
    /// <summary>The chip of an ALU opcode; relies on the <see cref="Opcode"/> order (each family is a contiguous range).</summary>
    public static AluFamily FamilyOf(Opcode op) => op switch
    {
        <= Opcode.Addiw => AluFamily.AddSub,
        <= Opcode.Andi => AluFamily.Bitwise,
        <= Opcode.Sraiw => AluFamily.Shift,
        <= Opcode.Sltiu => AluFamily.Compare,
        <= Opcode.Mulw => AluFamily.Mul,
        <= Opcode.Remuw => AluFamily.DivRem,
        _ => AluFamily.UpperImmediate,
    };
}
