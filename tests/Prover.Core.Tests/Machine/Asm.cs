namespace Prover.Core.Tests.Machine;

/// <summary>
/// A tiny RV64IM assembler for tests: one method per instruction, encodings from the RISC-V
/// unprivileged ISA (chapter 2.2-2.3 formats, chapter 24 opcode map). Checked against GNU as in
/// <see cref="DecoderTests"/>.
/// </summary>
internal static class Asm
{
    public static uint R(uint f7, int rs2, int rs1, uint f3, int rd, uint opc) =>
        (f7 << 25) | ((uint)rs2 << 20) | ((uint)rs1 << 15) | (f3 << 12) | ((uint)rd << 7) | opc;

    public static uint I(int imm, int rs1, uint f3, int rd, uint opc) =>
        (((uint)imm & 0xFFF) << 20) | ((uint)rs1 << 15) | (f3 << 12) | ((uint)rd << 7) | opc;

    public static uint S(int imm, int rs2, int rs1, uint f3, uint opc) =>
        ((((uint)imm >> 5) & 0x7F) << 25) | ((uint)rs2 << 20) | ((uint)rs1 << 15) | (f3 << 12) | (((uint)imm & 31) << 7) | opc;

    public static uint B(int imm, int rs2, int rs1, uint f3) =>
        ((((uint)imm >> 12) & 1) << 31) | ((((uint)imm >> 5) & 0x3F) << 25) | ((uint)rs2 << 20) | ((uint)rs1 << 15) | (f3 << 12) |
        ((((uint)imm >> 1) & 0xF) << 8) | ((((uint)imm >> 11) & 1) << 7) | 0x63;

    public static uint U(int imm, int rd, uint opc) => ((uint)imm & 0xFFFFF000) | ((uint)rd << 7) | opc;

    public static uint J(int imm, int rd) =>
        ((((uint)imm >> 20) & 1) << 31) | ((((uint)imm >> 1) & 0x3FF) << 21) | ((((uint)imm >> 11) & 1) << 20) |
        ((((uint)imm >> 12) & 0xFF) << 12) | ((uint)rd << 7) | 0x6F;

    public static uint Lui(int rd, int imm) => U(imm, rd, 0x37);
    public static uint Auipc(int rd, int imm) => U(imm, rd, 0x17);
    public static uint Jal(int rd, int off) => J(off, rd);
    public static uint Jalr(int rd, int rs1, int imm) => I(imm, rs1, 0, rd, 0x67);

    public static uint Beq(int rs1, int rs2, int off) => B(off, rs2, rs1, 0);
    public static uint Bne(int rs1, int rs2, int off) => B(off, rs2, rs1, 1);
    public static uint Blt(int rs1, int rs2, int off) => B(off, rs2, rs1, 4);
    public static uint Bge(int rs1, int rs2, int off) => B(off, rs2, rs1, 5);
    public static uint Bltu(int rs1, int rs2, int off) => B(off, rs2, rs1, 6);
    public static uint Bgeu(int rs1, int rs2, int off) => B(off, rs2, rs1, 7);

    public static uint Lb(int rd, int rs1, int imm) => I(imm, rs1, 0, rd, 0x03);
    public static uint Lh(int rd, int rs1, int imm) => I(imm, rs1, 1, rd, 0x03);
    public static uint Lw(int rd, int rs1, int imm) => I(imm, rs1, 2, rd, 0x03);
    public static uint Ld(int rd, int rs1, int imm) => I(imm, rs1, 3, rd, 0x03);
    public static uint Lbu(int rd, int rs1, int imm) => I(imm, rs1, 4, rd, 0x03);
    public static uint Lhu(int rd, int rs1, int imm) => I(imm, rs1, 5, rd, 0x03);
    public static uint Lwu(int rd, int rs1, int imm) => I(imm, rs1, 6, rd, 0x03);
    public static uint Sb(int rs2, int rs1, int imm) => S(imm, rs2, rs1, 0, 0x23);
    public static uint Sh(int rs2, int rs1, int imm) => S(imm, rs2, rs1, 1, 0x23);
    public static uint Sw(int rs2, int rs1, int imm) => S(imm, rs2, rs1, 2, 0x23);
    public static uint Sd(int rs2, int rs1, int imm) => S(imm, rs2, rs1, 3, 0x23);

    public static uint Addi(int rd, int rs1, int imm) => I(imm, rs1, 0, rd, 0x13);
    public static uint Slti(int rd, int rs1, int imm) => I(imm, rs1, 2, rd, 0x13);
    public static uint Sltiu(int rd, int rs1, int imm) => I(imm, rs1, 3, rd, 0x13);
    public static uint Xori(int rd, int rs1, int imm) => I(imm, rs1, 4, rd, 0x13);
    public static uint Ori(int rd, int rs1, int imm) => I(imm, rs1, 6, rd, 0x13);
    public static uint Andi(int rd, int rs1, int imm) => I(imm, rs1, 7, rd, 0x13);
    public static uint Slli(int rd, int rs1, int sh) => I(sh, rs1, 1, rd, 0x13);
    public static uint Srli(int rd, int rs1, int sh) => I(sh, rs1, 5, rd, 0x13);
    public static uint Srai(int rd, int rs1, int sh) => I(0x400 | sh, rs1, 5, rd, 0x13);
    public static uint Addiw(int rd, int rs1, int imm) => I(imm, rs1, 0, rd, 0x1B);
    public static uint Slliw(int rd, int rs1, int sh) => I(sh, rs1, 1, rd, 0x1B);
    public static uint Srliw(int rd, int rs1, int sh) => I(sh, rs1, 5, rd, 0x1B);
    public static uint Sraiw(int rd, int rs1, int sh) => I(0x400 | sh, rs1, 5, rd, 0x1B);

    public static uint Add(int rd, int rs1, int rs2) => R(0, rs2, rs1, 0, rd, 0x33);
    public static uint Sub(int rd, int rs1, int rs2) => R(0x20, rs2, rs1, 0, rd, 0x33);
    public static uint Sll(int rd, int rs1, int rs2) => R(0, rs2, rs1, 1, rd, 0x33);
    public static uint Slt(int rd, int rs1, int rs2) => R(0, rs2, rs1, 2, rd, 0x33);
    public static uint Sltu(int rd, int rs1, int rs2) => R(0, rs2, rs1, 3, rd, 0x33);
    public static uint Xor(int rd, int rs1, int rs2) => R(0, rs2, rs1, 4, rd, 0x33);
    public static uint Srl(int rd, int rs1, int rs2) => R(0, rs2, rs1, 5, rd, 0x33);
    public static uint Sra(int rd, int rs1, int rs2) => R(0x20, rs2, rs1, 5, rd, 0x33);
    public static uint Or(int rd, int rs1, int rs2) => R(0, rs2, rs1, 6, rd, 0x33);
    public static uint And(int rd, int rs1, int rs2) => R(0, rs2, rs1, 7, rd, 0x33);
    public static uint Addw(int rd, int rs1, int rs2) => R(0, rs2, rs1, 0, rd, 0x3B);
    public static uint Subw(int rd, int rs1, int rs2) => R(0x20, rs2, rs1, 0, rd, 0x3B);
    public static uint Sllw(int rd, int rs1, int rs2) => R(0, rs2, rs1, 1, rd, 0x3B);
    public static uint Srlw(int rd, int rs1, int rs2) => R(0, rs2, rs1, 5, rd, 0x3B);
    public static uint Sraw(int rd, int rs1, int rs2) => R(0x20, rs2, rs1, 5, rd, 0x3B);

    public static uint Mul(int rd, int rs1, int rs2) => R(1, rs2, rs1, 0, rd, 0x33);
    public static uint Mulh(int rd, int rs1, int rs2) => R(1, rs2, rs1, 1, rd, 0x33);
    public static uint Mulhsu(int rd, int rs1, int rs2) => R(1, rs2, rs1, 2, rd, 0x33);
    public static uint Mulhu(int rd, int rs1, int rs2) => R(1, rs2, rs1, 3, rd, 0x33);
    public static uint Div(int rd, int rs1, int rs2) => R(1, rs2, rs1, 4, rd, 0x33);
    public static uint Divu(int rd, int rs1, int rs2) => R(1, rs2, rs1, 5, rd, 0x33);
    public static uint Rem(int rd, int rs1, int rs2) => R(1, rs2, rs1, 6, rd, 0x33);
    public static uint Remu(int rd, int rs1, int rs2) => R(1, rs2, rs1, 7, rd, 0x33);
    public static uint Mulw(int rd, int rs1, int rs2) => R(1, rs2, rs1, 0, rd, 0x3B);
    public static uint Divw(int rd, int rs1, int rs2) => R(1, rs2, rs1, 4, rd, 0x3B);
    public static uint Divuw(int rd, int rs1, int rs2) => R(1, rs2, rs1, 5, rd, 0x3B);
    public static uint Remw(int rd, int rs1, int rs2) => R(1, rs2, rs1, 6, rd, 0x3B);
    public static uint Remuw(int rd, int rs1, int rs2) => R(1, rs2, rs1, 7, rd, 0x3B);

    public const uint Ecall = 0x00000073;
    public const uint Ebreak = 0x00100073;
    public const uint Fence = 0x0FF0000F;

    /// <summary>a7 = 93; ecall: exit with a0.</summary>
    public static uint[] Exit => [Addi(17, 0, 93), Ecall];
}
