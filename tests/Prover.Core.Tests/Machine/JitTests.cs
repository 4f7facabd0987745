using Prover.Core.Machine;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Machine;

/// <summary>The block JIT against the reference interpreter on random programs (every block compiled).</summary>
public class JitTests
{
    [Fact]
    public void Random_straight_line_programs_agree_with_the_interpreter()
    {
        const int seed = 7;
        var rng = new Random(seed);
        Func<int, int, int, uint>[] reg =
        [
            Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And, Addw, Subw, Sllw, Srlw, Sraw,
            Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw,
        ];
        Func<int, int, int, uint>[] imm = [Addi, Slti, Sltiu, Xori, Ori, Andi, Addiw];
        Func<int, int, int, uint>[] shifts = [Slli, Srli, Srai];
        Func<int, int, int, uint>[] shiftsW = [Slliw, Srliw, Sraiw];
        Func<int, int, int, uint>[] loads = [Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu];
        Func<int, int, int, uint>[] stores = [Sb, Sh, Sw, Sd];
        ulong[] interesting = [0, 1, ulong.MaxValue, 0x8000_0000_0000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
        for (int round = 0; round < 40; round++)
        {
            // x1..x9 and x11..x15 are data registers (x10 is the exit code, x16 points at memory); x0 also as a destination.
            int R() => rng.Next(6) == 0 ? 0 : (rng.Next(2) == 0 ? rng.Next(1, 10) : rng.Next(11, 16));
            var body = new List<uint>();
            for (int k = 0; k < 60; k++)
            {
                switch (rng.Next(7))
                {
                    case 0: case 1: body.Add(reg[rng.Next(reg.Length)](R(), R(), R())); break;
                    case 2: body.Add(imm[rng.Next(imm.Length)](R(), R(), rng.Next(-2048, 2048))); break;
                    case 3: body.Add(rng.Next(2) == 0 ? shifts[rng.Next(3)](R(), R(), rng.Next(64)) : shiftsW[rng.Next(3)](R(), R(), rng.Next(32))); break;
                    case 4: body.Add(loads[rng.Next(loads.Length)](R(), 16, rng.Next(0, 56))); break;
                    case 5: body.Add(stores[rng.Next(stores.Length)](R(), 16, rng.Next(0, 56))); break;
                    default: body.Add(rng.Next(2) == 0 ? Lui(R(), rng.Next() << 12) : Auipc(R(), rng.Next() << 12)); break;
                }
            }
            body.Add(Addi(10, 0, 0));
            var values = Enumerable.Range(0, 32).Select(_ => rng.Next(3) == 0 ? interesting[rng.Next(interesting.Length)] : (ulong)rng.NextInt64()).ToArray();
            var o = Emu.Run([.. body], m =>
            {
                for (int r = 1; r < 32; r++)
                    m.SetRegister(r, values[r]);
                m.SetRegister(16, Emu.Data);
                m.WriteMemory(Emu.Data, values.SelectMany(BitConverter.GetBytes).Take(Emu.DataWindow).ToArray());
            });
            Assert.Equal(63, o.Result.Cycles); // 60 + addi + exit (2)
        }
    }

    [Fact]
    public void Loops_with_calls_and_returns_agree_and_get_compiled()
    {
        // sum = 0; for (i = 100; i != 0; i--) sum += f(i) where f(x) = x * x (call via jal, return via jalr).
        uint[] body =
        [
            Addi(5, 0, 100), Addi(6, 0, 0),
            Addi(11, 5, 0), Jal(1, 20),           // call f at +20 (index 8)
            Add(6, 6, 11), Addi(5, 5, -1), Bne(5, 0, -16),
            Jal(0, 12),                             // skip f
            Mul(11, 11, 11), Jalr(0, 1, 0),         // f
            Addi(10, 0, 0),
        ];
        var o = Emu.Run(body);
        Assert.Equal((ulong)Enumerable.Range(1, 100).Sum(k => k * k), o[6]);
        using var m = new Prover.Core.Machine.Machine(GuestProgram.FromWords([.. body, .. Exit]), options: new MachineOptions { JitThreshold = 2 });
        m.Run();
        Assert.True(m.CompiledBlocks >= 1);
    }
}
