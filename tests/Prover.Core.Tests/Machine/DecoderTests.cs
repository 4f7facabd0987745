using Prover.Core.Machine;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Machine;

public class DecoderTests
{
    /// <summary>Words produced by GNU as 2.40 (riscv64-unknown-elf-as -march=rv64im) for the same instructions.</summary>
    private static readonly uint[] GnuAs =
    [
        0x800002b7, 0x12345317, 0x001000ef, 0xffc381e7, 0x80208063, 0x7e419fe3, 0x0062c463, 0xfe83dfe3, 0x00a4e863, 0x7ec5ff63,
        0x80010083, 0x7ff21183, 0x00c32283, 0xff843383, 0x00154483, 0x00265583, 0x00476683, 0xfe110fa3, 0x7e321fa3, 0x80532023,
        0x00743823, 0xfff10093, 0x06422193, 0xf9c33293, 0x55544393, 0xaaa56493, 0x7ff67593, 0x03f71693, 0x02185793, 0x43f95893,
        0x800a099b, 0x01fb1a9b, 0x001c5b9b, 0x41fd5c9b, 0x003100b3, 0x40628233, 0x009413b3, 0x00c5a533, 0x00f736b3, 0x0128c833,
        0x015a59b3, 0x418bdb33, 0x01bd6cb3, 0x01eefe33, 0x00208fbb, 0x405201bb, 0x0083933b, 0x00b554bb, 0x40e6d63b, 0x023100b3,
        0x02629233, 0x029423b3, 0x02c5b533, 0x02f746b3, 0x0328d833, 0x035a69b3, 0x038bfb33, 0x03bd0cbb, 0x03eece3b, 0x0220dfbb,
        0x025261bb, 0x0283f33b, 0x00000073, 0x00100073, 0x0ff0000f,
    ];

    private static uint[] Ours =>
    [
        Lui(5, unchecked((int)0x80000000)), Auipc(6, 0x12345000), Jal(1, 2048), Jalr(3, 7, -4), Beq(1, 2, -4096), Bne(3, 4, 4094),
        Blt(5, 6, 8), Bge(7, 8, -2), Bltu(9, 10, 16), Bgeu(11, 12, 2046),
        Lb(1, 2, -2048), Lh(3, 4, 2047), Lw(5, 6, 12), Ld(7, 8, -8), Lbu(9, 10, 1), Lhu(11, 12, 2), Lwu(13, 14, 4),
        Sb(1, 2, -1), Sh(3, 4, 2047), Sw(5, 6, -2048), Sd(7, 8, 16),
        Addi(1, 2, -1), Slti(3, 4, 100), Sltiu(5, 6, -100), Xori(7, 8, 0x555), Ori(9, 10, -0x556), Andi(11, 12, 0x7ff),
        Slli(13, 14, 63), Srli(15, 16, 33), Srai(17, 18, 63), Addiw(19, 20, -2048), Slliw(21, 22, 31), Srliw(23, 24, 1), Sraiw(25, 26, 31),
        Add(1, 2, 3), Sub(4, 5, 6), Sll(7, 8, 9), Slt(10, 11, 12), Sltu(13, 14, 15), Xor(16, 17, 18), Srl(19, 20, 21), Sra(22, 23, 24),
        Or(25, 26, 27), And(28, 29, 30), Addw(31, 1, 2), Subw(3, 4, 5), Sllw(6, 7, 8), Srlw(9, 10, 11), Sraw(12, 13, 14),
        Mul(1, 2, 3), Mulh(4, 5, 6), Mulhsu(7, 8, 9), Mulhu(10, 11, 12), Div(13, 14, 15), Divu(16, 17, 18), Rem(19, 20, 21), Remu(22, 23, 24),
        Mulw(25, 26, 27), Divw(28, 29, 30), Divuw(31, 1, 2), Remw(3, 4, 5), Remuw(6, 7, 8),
        Ecall, Ebreak, Fence,
    ];

    [Fact]
    public void Test_assembler_matches_GNU_as() => Assert.Equal(GnuAs, Ours);

    [Fact]
    public void Decodes_fields_and_immediates()
    {
        var expected = new (Opcode Op, int Rd, int Rs1, int Rs2, int Imm)[]
        {
            (Opcode.Lui, 5, 0, 0, unchecked((int)0x80000000)), (Opcode.Auipc, 6, 0, 0, 0x12345000), (Opcode.Jal, 1, 0, 0, 2048),
            (Opcode.Jalr, 3, 7, 0, -4), (Opcode.Beq, 0, 1, 2, -4096), (Opcode.Bne, 0, 3, 4, 4094), (Opcode.Blt, 0, 5, 6, 8),
            (Opcode.Bge, 0, 7, 8, -2), (Opcode.Bltu, 0, 9, 10, 16), (Opcode.Bgeu, 0, 11, 12, 2046),
            (Opcode.Lb, 1, 2, 0, -2048), (Opcode.Lh, 3, 4, 0, 2047), (Opcode.Lw, 5, 6, 0, 12), (Opcode.Ld, 7, 8, 0, -8),
            (Opcode.Lbu, 9, 10, 0, 1), (Opcode.Lhu, 11, 12, 0, 2), (Opcode.Lwu, 13, 14, 0, 4),
            (Opcode.Sb, 0, 2, 1, -1), (Opcode.Sh, 0, 4, 3, 2047), (Opcode.Sw, 0, 6, 5, -2048), (Opcode.Sd, 0, 8, 7, 16),
            (Opcode.Addi, 1, 2, 0, -1), (Opcode.Slti, 3, 4, 0, 100), (Opcode.Sltiu, 5, 6, 0, -100), (Opcode.Xori, 7, 8, 0, 0x555),
            (Opcode.Ori, 9, 10, 0, -0x556), (Opcode.Andi, 11, 12, 0, 0x7ff), (Opcode.Slli, 13, 14, 0, 63), (Opcode.Srli, 15, 16, 0, 33),
            (Opcode.Srai, 17, 18, 0, 63), (Opcode.Addiw, 19, 20, 0, -2048), (Opcode.Slliw, 21, 22, 0, 31), (Opcode.Srliw, 23, 24, 0, 1),
            (Opcode.Sraiw, 25, 26, 0, 31),
        };
        for (int k = 0; k < expected.Length; k++)
        {
            var d = Decoder.Decode(GnuAs[k]);
            var e = expected[k];
            Assert.Equal(e, (d.Op, d.ArchRd, (int)d.Rs1, (int)d.Rs2, d.Imm));
        }
        string[] rNames =
        [
            "Add", "Sub", "Sll", "Slt", "Sltu", "Xor", "Srl", "Sra", "Or", "And", "Addw", "Subw", "Sllw", "Srlw", "Sraw",
            "Mul", "Mulh", "Mulhsu", "Mulhu", "Div", "Divu", "Rem", "Remu", "Mulw", "Divw", "Divuw", "Remw", "Remuw",
        ];
        for (int k = 0; k < rNames.Length; k++)
            Assert.Equal(Enum.Parse<Opcode>(rNames[k]), Decoder.Decode(GnuAs[34 + k]).Op);
        Assert.Equal(Opcode.Ecall, Decoder.Decode(Ecall).Op);
        Assert.Equal(Opcode.Ebreak, Decoder.Decode(Ebreak).Op);
        Assert.Equal(Opcode.Fence, Decoder.Decode(Fence).Op);
    }

    [Fact]
    public void Writes_to_x0_go_to_the_scratch_register()
    {
        Assert.Equal(Instruction.ZeroSink, Decoder.Decode(Addi(0, 1, 5)).Rd);
        Assert.Equal(0, Decoder.Decode(Addi(0, 1, 5)).ArchRd);
    }

    [Theory]
    [InlineData(0x00000000u)] // all zeros (defined illegal)
    [InlineData(0xFFFFFFFFu)] // all ones
    [InlineData(0x00000001u)] // compressed (low bits != 11)
    [InlineData(0x0000100Fu)] // FENCE.I (Zifencei, not RV64IM)
    [InlineData(0x30002573u)] // csrr a0, mstatus (Zicsr)
    [InlineData(0x04051513u)] // slli a0, a0 with imm[11:6] = 000001 (reserved)
    [InlineData(0x0205151Bu)] // slliw a0, a0, 32 (shamt[5] set: reserved in W forms)
    [InlineData(0x4205551Bu)] // sraiw with shamt[5] set
    [InlineData(0x00007033u)] // R-type with f7=0 f3=7 opcode OP is AND... flip f7 to 0x10 below
    [InlineData(0x20007033u)] // and with f7 = 0x10: reserved
    [InlineData(0x00007003u)] // load f3 = 7: reserved
    [InlineData(0x00004023u)] // store f3 = 4: reserved
    [InlineData(0x00002063u)] // branch f3 = 2: reserved
    [InlineData(0x00001067u)] // jalr f3 = 1: reserved
    [InlineData(0x02007053u)] // OP-FP (F/D not supported)
    [InlineData(0x0000202Fu)] // AMO (A not supported)
    [InlineData(0x00200073u)] // uret-like SYSTEM encoding other than ecall/ebreak
    public void Non_RV64IM_encodings_are_illegal(uint word)
    {
        var d = Decoder.Decode(word);
        if (word == 0x00007033u)
        {
            Assert.Equal(Opcode.And, d.Op); // control case: the legal neighbour decodes
            return;
        }
        Assert.Equal(Opcode.Illegal, d.Op);
        Assert.Equal(word, (uint)d.Imm);
    }
}
