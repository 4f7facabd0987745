namespace Prover.Core.Machine;

/// <summary>
/// Decodes 32-bit RV64IM instruction words (RISC-V unprivileged ISA 20191213, chapter 2 base formats
/// R/I/S/B/U/J, chapter 5 RV64I, chapter 7 M). Anything else, including compressed encodings (low two
/// bits not 11), CSR instructions, FENCE.I and reserved shift encodings, decodes to
/// <see cref="Opcode.Illegal"/>. The immediates of branches and JAL stay byte offsets here;
/// <see cref="GuestProgram"/> turns them into instruction offsets when it predecodes.
/// </summary>
public static class Decoder
{
    public static Instruction Decode(uint w)
    {
        if ((w & 3) != 3)
            return Illegal(w);
        uint opcode = w & 0x7F;
        byte rd = (byte)((w >> 7) & 31);
        uint f3 = (w >> 12) & 7;
        byte rs1 = (byte)((w >> 15) & 31);
        byte rs2 = (byte)((w >> 20) & 31);
        uint f7 = w >> 25;
        int immI = (int)w >> 20;
        int immS = ((int)w >> 25 << 5) | (int)((w >> 7) & 31);
        int immB = ((int)w >> 31 << 12) | (int)(((w >> 7) & 1) << 11) | (int)(((w >> 25) & 63) << 5) | (int)(((w >> 8) & 15) << 1);
        int immU = (int)(w & 0xFFFFF000);
        int immJ = ((int)w >> 31 << 20) | (int)(((w >> 12) & 0xFF) << 12) | (int)(((w >> 20) & 1) << 11) | (int)(((w >> 21) & 0x3FF) << 1);
        byte rdw = rd == 0 ? Instruction.ZeroSink : rd;

        Instruction R(Opcode op) => new(op, rdw, rs1, rs2, 0);
        Instruction I(Opcode op) => new(op, rdw, rs1, 0, immI);

        switch (opcode)
        {
            case 0x37: return new(Opcode.Lui, rdw, 0, 0, immU);
            case 0x17: return new(Opcode.Auipc, rdw, 0, 0, immU);
            case 0x6F: return new(Opcode.Jal, rdw, 0, 0, immJ);
            case 0x67: return f3 == 0 ? I(Opcode.Jalr) : Illegal(w);
            case 0x63:
                Opcode? b = f3 switch
                {
                    0 => Opcode.Beq, 1 => Opcode.Bne, 4 => Opcode.Blt, 5 => Opcode.Bge, 6 => Opcode.Bltu, 7 => Opcode.Bgeu, _ => null,
                };
                return b is { } bop ? new(bop, 0, rs1, rs2, immB) : Illegal(w);
            case 0x03:
                Opcode? l = f3 switch
                {
                    0 => Opcode.Lb, 1 => Opcode.Lh, 2 => Opcode.Lw, 3 => Opcode.Ld, 4 => Opcode.Lbu, 5 => Opcode.Lhu, 6 => Opcode.Lwu, _ => null,
                };
                return l is { } lop ? I(lop) : Illegal(w);
            case 0x23:
                Opcode? s = f3 switch { 0 => Opcode.Sb, 1 => Opcode.Sh, 2 => Opcode.Sw, 3 => Opcode.Sd, _ => null };
                return s is { } sop ? new(sop, 0, rs1, rs2, immS) : Illegal(w);
            case 0x13:
                switch (f3)
                {
                    case 0: return I(Opcode.Addi);
                    case 2: return I(Opcode.Slti);
                    case 3: return I(Opcode.Sltiu);
                    case 4: return I(Opcode.Xori);
                    case 6: return I(Opcode.Ori);
                    case 7: return I(Opcode.Andi);
                    case 1: return (w >> 26) == 0 ? new(Opcode.Slli, rdw, rs1, 0, (int)((w >> 20) & 63)) : Illegal(w);
                    default: // 5
                        return (w >> 26) switch
                        {
                            0 => new(Opcode.Srli, rdw, rs1, 0, (int)((w >> 20) & 63)),
                            0x10 => new(Opcode.Srai, rdw, rs1, 0, (int)((w >> 20) & 63)),
                            _ => Illegal(w),
                        };
                }
            case 0x1B:
                switch (f3)
                {
                    case 0: return I(Opcode.Addiw);
                    case 1: return f7 == 0 ? new(Opcode.Slliw, rdw, rs1, 0, rs2) : Illegal(w);
                    case 5:
                        return f7 switch
                        {
                            0 => new(Opcode.Srliw, rdw, rs1, 0, rs2),
                            0x20 => new(Opcode.Sraiw, rdw, rs1, 0, rs2),
                            _ => Illegal(w),
                        };
                    default: return Illegal(w);
                }
            case 0x33:
                Opcode? r = (f7, f3) switch
                {
                    (0, 0) => Opcode.Add, (0x20, 0) => Opcode.Sub, (0, 1) => Opcode.Sll, (0, 2) => Opcode.Slt,
                    (0, 3) => Opcode.Sltu, (0, 4) => Opcode.Xor, (0, 5) => Opcode.Srl, (0x20, 5) => Opcode.Sra,
                    (0, 6) => Opcode.Or, (0, 7) => Opcode.And,
                    (1, 0) => Opcode.Mul, (1, 1) => Opcode.Mulh, (1, 2) => Opcode.Mulhsu, (1, 3) => Opcode.Mulhu,
                    (1, 4) => Opcode.Div, (1, 5) => Opcode.Divu, (1, 6) => Opcode.Rem, (1, 7) => Opcode.Remu,
                    _ => null,
                };
                return r is { } rop ? R(rop) : Illegal(w);
            case 0x3B:
                Opcode? rw = (f7, f3) switch
                {
                    (0, 0) => Opcode.Addw, (0x20, 0) => Opcode.Subw, (0, 1) => Opcode.Sllw, (0, 5) => Opcode.Srlw,
                    (0x20, 5) => Opcode.Sraw, (1, 0) => Opcode.Mulw, (1, 4) => Opcode.Divw, (1, 5) => Opcode.Divuw,
                    (1, 6) => Opcode.Remw, (1, 7) => Opcode.Remuw,
                    _ => null,
                };
                return rw is { } rwop ? R(rwop) : Illegal(w);
            case 0x0F:
                // FENCE orders memory for other harts and devices; a single hart with no devices makes
                // it a no-op. Its reserved fields are to be ignored (spec 2.7). FENCE.I (f3 = 1) is
                // Zifencei, not part of RV64IM.
                return f3 == 0 ? new(Opcode.Fence, 0, 0, 0, 0) : Illegal(w);
            case 0x73:
                if (w == 0x00000073)
                    return new(Opcode.Ecall, 0, 0, 0, 0);
                if (w == 0x00100073)
                    return new(Opcode.Ebreak, 0, 0, 0, 0);
                return Illegal(w);
            default:
                return Illegal(w);
        }
    }

    private static Instruction Illegal(uint w) => new(Opcode.Illegal, 0, 0, 0, (int)w);
}
