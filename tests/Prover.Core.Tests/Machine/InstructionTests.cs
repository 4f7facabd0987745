using System.Numerics;
using Prover.Core.Machine;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Machine;

/// <summary>
/// Every RV64IM instruction with its edge cases, expected values worked out from the spec (RISC-V
/// unprivileged ISA 20191213, chapters 2, 5, 7), run in fast and tracing mode (<see cref="Emu.Run"/>).
/// </summary>
public class InstructionTests
{
    private const int A = 5, B = 6, D = 7;
    private const ulong Max = ulong.MaxValue;
    private const ulong Min64 = 0x8000_0000_0000_0000;

    private static readonly Dictionary<string, Func<int, int, int, uint>> RegOps = new()
    {
        ["add"] = Add, ["sub"] = Sub, ["sll"] = Sll, ["slt"] = Slt, ["sltu"] = Sltu, ["xor"] = Xor, ["srl"] = Srl,
        ["sra"] = Sra, ["or"] = Or, ["and"] = And, ["addw"] = Addw, ["subw"] = Subw, ["sllw"] = Sllw, ["srlw"] = Srlw,
        ["sraw"] = Sraw, ["mul"] = Mul, ["mulh"] = Mulh, ["mulhsu"] = Mulhsu, ["mulhu"] = Mulhu, ["div"] = Div,
        ["divu"] = Divu, ["rem"] = Rem, ["remu"] = Remu, ["mulw"] = Mulw, ["divw"] = Divw, ["divuw"] = Divuw,
        ["remw"] = Remw, ["remuw"] = Remuw,
    };

    private static readonly Dictionary<string, Func<int, int, int, uint>> ImmOps = new()
    {
        ["addi"] = Addi, ["slti"] = Slti, ["sltiu"] = Sltiu, ["xori"] = Xori, ["ori"] = Ori, ["andi"] = Andi,
        ["slli"] = Slli, ["srli"] = Srli, ["srai"] = Srai, ["addiw"] = Addiw, ["slliw"] = Slliw, ["srliw"] = Srliw,
        ["sraiw"] = Sraiw,
    };

    private static ulong RunReg(string op, ulong a, ulong b) =>
        Emu.Run([RegOps[op](D, A, B)], m => { m.SetRegister(A, a); m.SetRegister(B, b); })[D];

    [Theory]
    [InlineData("add", 1UL, 2UL, 3UL)]
    [InlineData("add", Max, 1UL, 0UL)]
    [InlineData("add", 0x7FFF_FFFF_FFFF_FFFFUL, 1UL, Min64)]
    [InlineData("sub", 0UL, 1UL, Max)]
    [InlineData("sub", Min64, 1UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData("addw", 0x7FFF_FFFFUL, 1UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("addw", 0x1_0000_0000UL, 0UL, 0UL)]
    [InlineData("addw", 0xFFFF_FFFFUL, 0UL, Max)]
    [InlineData("subw", 0x8000_0000UL, 1UL, 0x7FFF_FFFFUL)]
    [InlineData("subw", 0UL, 1UL, Max)]
    [InlineData("xor", 0xF0F0UL, 0xFF00UL, 0x0FF0UL)]
    [InlineData("or", 0xF0F0UL, 0xFF00UL, 0xFFF0UL)]
    [InlineData("and", 0xF0F0UL, 0xFF00UL, 0xF000UL)]
    [InlineData("sll", 1UL, 63UL, Min64)]
    [InlineData("sll", 1UL, 64UL, 1UL)]            // only the low 6 bits of rs2 count
    [InlineData("sll", 3UL, 0xFFFF_FFFF_FFFF_FFC1UL, 6UL)]
    [InlineData("srl", Min64, 63UL, 1UL)]
    [InlineData("srl", Max, 64UL, Max)]
    [InlineData("sra", Min64, 63UL, Max)]
    [InlineData("sra", 0x4000_0000_0000_0000UL, 62UL, 1UL)]
    [InlineData("sllw", 1UL, 31UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("sllw", 0xFFFF_FFFF_0000_0001UL, 32UL, 1UL)] // amount mod 32; upper input bits ignored
    [InlineData("sllw", 0x8000_0001UL, 0UL, 0xFFFF_FFFF_8000_0001UL)]
    [InlineData("srlw", 0x8000_0000UL, 0UL, 0xFFFF_FFFF_8000_0000UL)] // shift by 0 still sign-extends bit 31
    [InlineData("srlw", 0x8000_0000UL, 1UL, 0x4000_0000UL)]
    [InlineData("srlw", 0xFFFF_FFFF_8000_0000UL, 33UL, 0x4000_0000UL)]
    [InlineData("sraw", 0x8000_0000UL, 31UL, Max)]
    [InlineData("sraw", 0x1_7FFF_FFFFUL, 36UL, 0x07FF_FFFFUL)]
    [InlineData("slt", Max, 1UL, 1UL)]
    [InlineData("slt", 1UL, Max, 0UL)]
    [InlineData("slt", 5UL, 5UL, 0UL)]
    [InlineData("sltu", Max, 1UL, 0UL)]
    [InlineData("sltu", 1UL, Max, 1UL)]
    [InlineData("sltu", 0UL, 0UL, 0UL)]
    [InlineData("mul", Max, Max, 1UL)]
    [InlineData("mul", 0x1_0000_0001UL, 0x1_0000_0001UL, 0x2_0000_0001UL)]
    [InlineData("mulh", Max, Max, 0UL)]                           // (-1)(-1) = 1
    [InlineData("mulh", Min64, Min64, 0x4000_0000_0000_0000UL)]   // 2^126
    [InlineData("mulh", Min64, 1UL, Max)]
    [InlineData("mulh", 0x7FFF_FFFF_FFFF_FFFFUL, 2UL, 0UL)]
    [InlineData("mulhu", Max, Max, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData("mulhu", Min64, 2UL, 1UL)]
    [InlineData("mulhsu", Max, Max, Max)]                         // -1 * (2^64-1) = -2^64 + 1
    [InlineData("mulhsu", 2UL, Max, 1UL)]
    [InlineData("mulhsu", Min64, Max, Min64)]                   // floor((-2^127 + 2^63) / 2^64) = -2^63
    [InlineData("mulhsu", Max, 0UL, 0UL)]
    [InlineData("mulw", 0x7FFF_FFFFUL, 2UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData("mulw", 0x1_0000_0003UL, 0x5_0000_0007UL, 21UL)]
    [InlineData("mulw", 0x10000UL, 0x8000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("div", 7UL, 2UL, 3UL)]
    [InlineData("div", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, 0xFFFF_FFFF_FFFF_FFFDUL)] // -7/2 = -3 (toward zero)
    [InlineData("div", 7UL, 0UL, Max)]                 // by zero: -1
    [InlineData("div", Min64, Max, Min64)]             // overflow: the dividend
    [InlineData("divu", Max, 2UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData("divu", 7UL, 0UL, Max)]                // by zero: 2^64 - 1
    [InlineData("rem", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, Max)] // -7 % 2 = -1 (sign of dividend)
    [InlineData("rem", 7UL, 0xFFFF_FFFF_FFFF_FFFEUL, 1UL)]
    [InlineData("rem", 7UL, 0UL, 7UL)]                 // by zero: the dividend
    [InlineData("rem", Min64, Max, 0UL)]               // overflow: 0
    [InlineData("remu", Max, 10UL, 5UL)]
    [InlineData("remu", 7UL, 0UL, 7UL)]
    [InlineData("divw", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, 0xFFFF_FFFF_FFFF_FFFDUL)]
    [InlineData("divw", 0x1_0000_0007UL, 0x2_0000_0002UL, 3UL)] // upper halves ignored
    [InlineData("divw", 7UL, 0x1_0000_0000UL, Max)]    // low word of divisor is zero: -1
    [InlineData("divw", 0x8000_0000UL, 0xFFFF_FFFFUL, 0xFFFF_FFFF_8000_0000UL)] // overflow
    [InlineData("divuw", 0xFFFF_FFFFUL, 1UL, Max)]      // 32-bit result sign-extended
    [InlineData("divuw", 0xFFFF_FFFFUL, 2UL, 0x7FFF_FFFFUL)]
    [InlineData("divuw", 5UL, 0UL, Max)]
    [InlineData("remw", 0xFFFF_FFF9UL, 2UL, Max)]
    [InlineData("remw", 0x8000_0000UL, 0UL, 0xFFFF_FFFF_8000_0000UL)] // by zero: sign-extended dividend
    [InlineData("remw", 0x8000_0000UL, 0xFFFF_FFFFUL, 0UL)]           // overflow
    [InlineData("remuw", 0x8000_0000UL, 0UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("remuw", 0xFFFF_FFFFUL, 0x1_0000_0010UL, 15UL)]
    public void Register_register(string op, ulong a, ulong b, ulong expected) => Assert.Equal(expected, RunReg(op, a, b));

    [Fact]
    public void Multiplies_match_BigInteger_on_random_operands()
    {
        const int seed = 4242;
        var rng = new Random(seed);
        var two64 = BigInteger.One << 64;
        ulong Next() => rng.Next(4) switch { 0 => Max - (ulong)rng.Next(3), 1 => Min64 + (ulong)rng.Next(3), _ => (ulong)rng.NextInt64() * 3 };
        BigInteger S(ulong v) => (long)v;
        for (int k = 0; k < 12; k++)
        {
            ulong a = Next(), b = Next();
            var o = Emu.Run([Mulh(7, A, B), Mulhu(8, A, B), Mulhsu(9, A, B), Mul(10, A, B)], m => { m.SetRegister(A, a); m.SetRegister(B, b); });
            Assert.Equal((ulong)((S(a) * S(b) >> 64) & ulong.MaxValue), o[7]);
            Assert.Equal((ulong)((new BigInteger(a) * b) >> 64), o[8]);
            Assert.Equal((ulong)((((S(a) * b) >> 64) + two64) % two64), o[9]);
            Assert.Equal(unchecked(a * b), o[10]);
        }
    }

    [Theory]
    [InlineData("addi", 1UL, -1, 0UL)]
    [InlineData("addi", 0UL, -2048, 0xFFFF_FFFF_FFFF_F800UL)]
    [InlineData("addi", 0UL, 2047, 2047UL)]
    [InlineData("addiw", 0x7FFF_FFFFUL, 1, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("addiw", 0xFFFF_FFFF_0000_0005UL, 0, 5UL)]          // sext.w
    [InlineData("addiw", 0x1_8000_0000UL, 0, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("slti", Max, 0, 1UL)]
    [InlineData("slti", 0UL, -1, 0UL)]
    [InlineData("sltiu", 5UL, -1, 1UL)]                 // immediate sign-extended, then compared unsigned
    [InlineData("sltiu", Max, -1, 0UL)]
    [InlineData("sltiu", 0UL, 1, 1UL)]                  // seqz
    [InlineData("xori", 0x1234UL, -1, 0xFFFF_FFFF_FFFF_EDCBUL)] // not
    [InlineData("ori", 0x100UL, -2048, 0xFFFF_FFFF_FFFF_F900UL)]
    [InlineData("andi", Max, 0x7FF, 0x7FFUL)]
    [InlineData("andi", Max, -16, 0xFFFF_FFFF_FFFF_FFF0UL)]
    [InlineData("slli", 1UL, 63, Min64)]
    [InlineData("slli", 0xFFUL, 32, 0xFF_0000_0000UL)]
    [InlineData("srli", Min64, 63, 1UL)]
    [InlineData("srli", Max, 32, 0xFFFF_FFFFUL)]
    [InlineData("srai", Min64, 63, Max)]
    [InlineData("srai", Min64, 0, Min64)]
    [InlineData("slliw", 1UL, 31, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("slliw", 0xFFFF_FFFF_0000_0003UL, 1, 6UL)]
    [InlineData("srliw", 0x8000_0000UL, 0, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("srliw", 0xFFFF_FFFF_8000_0000UL, 31, 1UL)]
    [InlineData("sraiw", 0x8000_0000UL, 31, Max)]
    [InlineData("sraiw", 0xF_7000_0000UL, 28, 7UL)]
    public void Register_immediate(string op, ulong a, int imm, ulong expected) =>
        Assert.Equal(expected, Emu.Run([ImmOps[op](D, A, imm)], m => m.SetRegister(A, a))[D]);

    [Fact]
    public void Destination_may_equal_a_source()
    {
        var o = Emu.Run([Add(A, A, A), Addi(B, B, 1), Sub(B, B, A)], m => { m.SetRegister(A, 21); m.SetRegister(B, 100); });
        Assert.Equal(42UL, o[A]);
        Assert.Equal(59UL, o[B]);
    }

    [Fact]
    public void X0_reads_zero_and_ignores_writes()
    {
        var o = Emu.Run([Addi(0, 0, 5), Add(D, 0, 0), Lui(0, 0x12345000), Addi(8, 0, 0), Mul(0, A, A)], m => m.SetRegister(A, 3));
        Assert.Equal(0UL, o[0]);
        Assert.Equal(0UL, o[D]);
        Assert.Equal(0UL, o[8]);
    }

    [Fact]
    public void Lui_and_auipc()
    {
        var o = Emu.Run([Lui(D, unchecked((int)0x8000_0000)), Lui(8, 0x7FFF_F000), Auipc(9, 0), Auipc(10, unchecked((int)0xFFFF_F000)), Auipc(11, 0x1000)]);
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, o[D]); // sign-extended on RV64
        Assert.Equal(0x7FFF_F000UL, o[8]);
        Assert.Equal(MemoryMap.RamBase + 8, o[9]);
        Assert.Equal(MemoryMap.RamBase + 12 - 0x1000, o[10]);
        Assert.Equal(MemoryMap.RamBase + 16 + 0x1000, o[11]);
    }

    [Fact]
    public void Jal_links_and_jumps_forward_and_backward()
    {
        // 0: jal x1, +12 -> 12; 4: addi x7, x7, 100 (skipped at first); 8: jal x0, +12 -> 20; 12: addi x8, x0, 1; 16: jal x2, -12 -> 4; 20: exit
        var o = Emu.Run([Jal(1, 12), Addi(D, D, 100), Jal(0, 12), Addi(8, 0, 1), Jal(2, -12)]);
        Assert.Equal(MemoryMap.RamBase + 4, o[1]);
        Assert.Equal(MemoryMap.RamBase + 20, o[2]);
        Assert.Equal(100UL, o[D]);
        Assert.Equal(1UL, o[8]);
        Assert.Equal(7, o.Result.Cycles); // 5 + addi a7 + ecall
    }

    [Fact]
    public void Jalr_clears_bit_0_and_may_link_into_its_base_register()
    {
        // x5 = base + 13 (odd); jalr x5, 3(x5) -> (base + 16) & ~1 = base + 16. The link overwrites x5.
        var o = Emu.Run([Auipc(A, 0), Addi(A, A, 13), Jalr(A, A, 3), Addi(D, 0, 1), Addi(8, 0, 2)]);
        Assert.Equal(MemoryMap.RamBase + 12, o[A]);
        Assert.Equal(0UL, o[D]); // skipped
        Assert.Equal(2UL, o[8]);
        var back = Emu.Run([Jal(0, 12), Addi(9, 9, 1), Jalr(0, 1, 0), Jal(1, -8)]); // call 4 then return to 16
        Assert.Equal(1UL, back[9]);
    }

    [Theory]
    [InlineData("beq", 5UL, 5UL, true)]
    [InlineData("beq", 5UL, 6UL, false)]
    [InlineData("bne", 5UL, 6UL, true)]
    [InlineData("bne", Max, Max, false)]
    [InlineData("blt", Max, 0UL, true)]       // -1 < 0
    [InlineData("blt", 0UL, Max, false)]
    [InlineData("blt", 3UL, 3UL, false)]
    [InlineData("bge", 3UL, 3UL, true)]
    [InlineData("bge", Max, 0UL, false)]
    [InlineData("bge", 0UL, Min64, true)]
    [InlineData("bltu", 0UL, Max, true)]
    [InlineData("bltu", Max, 0UL, false)]
    [InlineData("bgeu", Max, 0UL, true)]
    [InlineData("bgeu", 0UL, 1UL, false)]
    [InlineData("bgeu", 7UL, 7UL, true)]
    public void Branches(string op, ulong a, ulong b, bool taken)
    {
        Func<int, int, int, uint> enc = op switch
        {
            "beq" => Beq, "bne" => Bne, "blt" => Blt, "bge" => Bge, "bltu" => Bltu, _ => Bgeu,
        };
        // Taken: skip the addi. Also a backward taken branch in a counted loop via a second program.
        var o = Emu.Run([enc(A, B, 8), Addi(D, 0, 1)], m => { m.SetRegister(A, a); m.SetRegister(B, b); });
        Assert.Equal(taken ? 0UL : 1UL, o[D]);
        var e = o.Shards.Single().Branches.Single();
        Assert.Equal(taken, e.Taken);
        Assert.Equal((uint)(MemoryMap.RamBase + (taken ? 8UL : 4UL)), e.NextPc);
    }

    [Fact]
    public void Backward_branch_loop_counts_cycles()
    {
        // x7 = 10; loop: x8 += 3; x7 -= 1; bne x7, x0, loop
        var o = Emu.Run([Addi(D, 0, 10), Addi(8, 8, 3), Addi(D, D, -1), Bne(D, 0, -8)]);
        Assert.Equal(30UL, o[8]);
        Assert.Equal(1 + 30 + 2, o.Result.Cycles);
    }

    [Fact]
    public void Loads_sign_and_zero_extend()
    {
        byte[] bytes = [0x80, 0xFF, 0x7F, 0x80, 0x01, 0x02, 0x03, 0x84];
        var o = Emu.Run(
            [Lb(10, A, 0), Lbu(11, A, 0), Lh(12, A, 0), Lhu(13, A, 0), Lw(14, A, 0), Lwu(15, A, 0), Ld(16, A, 0), Lw(20, A, 4), Lwu(18, A, 4), Lb(19, A, 2)],
            m => { m.WriteMemory(Emu.Data, bytes); m.SetRegister(A, Emu.Data); });
        Assert.Equal(0xFFFF_FFFF_FFFF_FF80UL, o[10]);
        Assert.Equal(0x80UL, o[11]);
        Assert.Equal(0xFFFF_FFFF_FFFF_FF80UL, o[12]);
        Assert.Equal(0xFF80UL, o[13]);
        Assert.Equal(0xFFFF_FFFF_807F_FF80UL, o[14]);
        Assert.Equal(0x807F_FF80UL, o[15]);
        Assert.Equal(0x8403_0201_807F_FF80UL, o[16]);
        Assert.Equal(0xFFFF_FFFF_8403_0201UL, o[20]);
        Assert.Equal(0x8403_0201UL, o[18]);
        Assert.Equal(0x7FUL, o[19]);
        Assert.Equal(0, o.Result.UnalignedAccesses);
    }

    [Fact]
    public void Loads_with_negative_offsets()
    {
        var o = Emu.Run([Ld(D, A, -8), Lbu(8, A, -2048)], m =>
        {
            m.WriteMemory(Emu.Data, BitConverter.GetBytes(0x1122334455667788UL));
            m.WriteMemory(Emu.Data + 8 - 2048, [0xAB]);
            m.SetRegister(A, Emu.Data + 8);
        });
        Assert.Equal(0x1122334455667788UL, o[D]);
        Assert.Equal(0xABUL, o[8]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Misaligned_loads_of_every_width_work_and_are_counted(int offset)
    {
        var bytes = Enumerable.Range(0, 24).Select(k => (byte)(0xA0 + k)).ToArray();
        ulong Le(int at, int w)
        {
            ulong v = 0;
            for (int k = w - 1; k >= 0; k--)
                v = (v << 8) | bytes[at + k];
            return v;
        }
        var o = Emu.Run([Lh(10, A, 0), Lhu(11, A, 0), Lw(12, A, 0), Lwu(13, A, 0), Ld(14, A, 0), Ld(15, A, 8), Lb(16, A, 0)],
            m => { m.WriteMemory(Emu.Data, bytes); m.SetRegister(A, Emu.Data + (ulong)offset); });
        Assert.Equal((ulong)(long)(short)Le(offset, 2), o[10]);
        Assert.Equal(Le(offset, 2), o[11]);
        Assert.Equal((ulong)(long)(int)Le(offset, 4), o[12]);
        Assert.Equal(Le(offset, 4), o[13]);
        Assert.Equal(Le(offset, 8), o[14]);
        Assert.Equal(Le(offset + 8, 8), o[15]);
        int expectedUnaligned = (offset % 2 != 0 ? 2 : 0) + (offset % 4 != 0 ? 2 : 0) + 2; // lh/lhu, lw/lwu, ld x2; lb never
        Assert.Equal(expectedUnaligned, o.Result.UnalignedAccesses);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(7)]
    public void Stores_of_every_width_at_any_alignment(int offset)
    {
        ulong v = 0x8877665544332211;
        var o = Emu.Run([Sd(B, A, 16), Sw(B, A, 8), Sh(B, A, 4), Sb(B, A, 0)],
            m => { m.SetRegister(A, Emu.Data + (ulong)offset); m.SetRegister(B, v); });
        var expected = new byte[Emu.DataWindow];
        BitConverter.GetBytes(v).CopyTo(expected, offset + 16);
        BitConverter.GetBytes((uint)v).CopyTo(expected, offset + 8);
        BitConverter.GetBytes((ushort)v).CopyTo(expected, offset + 4);
        expected[offset] = (byte)v;
        Assert.Equal(expected, o.Data);
        int expectedUnaligned = (offset % 8 != 0 ? 1 : 0) + (offset % 4 != 0 ? 1 : 0) + (offset % 2 != 0 ? 1 : 0);
        Assert.Equal(expectedUnaligned, o.Result.UnalignedAccesses);
    }

    [Fact]
    public void Fence_is_a_no_op_and_costs_a_cycle()
    {
        var o = Emu.Run([Addi(D, 0, 1), Fence, Addi(D, D, 1)]);
        Assert.Equal(2UL, o[D]);
        Assert.Equal(5, o.Result.Cycles);
    }

    [Fact]
    public void Exit_code_is_a0()
    {
        var o = Emu.Run([Addi(10, 0, 42)]);
        Assert.Equal(42, o.Result.ExitCode);
        Assert.False(o.Result.Success);
        Assert.Equal(0, Emu.Run([]).Result.ExitCode);
    }
}
