using Prover.Core.Machine;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Machine;

public class TracingTests
{
    [Fact]
    public void Events_go_to_their_chip_lists()
    {
        var o = Emu.Run([Add(5, 5, 5), Xori(6, 5, 1), Slli(7, 5, 2), Sltu(8, 5, 6), Mul(9, 5, 5), Divu(10, 9, 5), Lui(11, 0x1000),
            Beq(0, 0, 8), Addi(0, 0, 0), Jal(1, 4), Sd(5, 12, 0), Ld(13, 12, 0), Fence], m => { m.SetRegister(5, 3); m.SetRegister(12, Emu.Data); });
        var r = o.Shards.Single();
        Assert.Equal(new AluEvent((uint)MemoryMap.RamBase, Opcode.Add, 6, 3, 3), r.AddSub[0]);
        Assert.Equal(Opcode.Addi, r.AddSub[1].Op); // the exit's li a7
        Assert.Equal(new AluEvent((uint)MemoryMap.RamBase + 4, Opcode.Xori, 7, 6, 1), r.Bitwise.Single());
        Assert.Equal(Opcode.Slli, r.Shift.Single().Op);
        Assert.Equal(Opcode.Sltu, r.Compare.Single().Op);
        Assert.Equal(36UL, r.Mul.Single().A);
        Assert.Equal(6UL, r.DivRem.Single().A);
        Assert.Equal(Opcode.Lui, r.UpperImmediate.Single().Op);
        Assert.True(r.Branches.Single().Taken);
        Assert.Equal(new JumpEvent((uint)MemoryMap.RamBase + 36, (uint)MemoryMap.RamBase + 40, Opcode.Jal, 4, 0), r.Jumps.Single());
        Assert.Equal(2, r.MemoryInstructions.Count);
        Assert.Equal(1, r.Nops);
        var sys = r.Syscalls.Single();
        Assert.Equal(Syscall.Exit, sys.Number);
        Assert.Equal(o.Result.Cycles, sys.Timestamp);
        Assert.Equal(o.Result.Cycles, r.InstructionEventCount);
    }

    [Fact]
    public void Memory_accesses_carry_previous_values_and_timestamps()
    {
        // clk 1: sd (aligned) ; clk 2: ld ; clk 3: sw at +4 (misaligned for nothing: 4-aligned) ; clk 4: sd at +4 (crosses two double words)
        var o = Emu.Run([Sd(6, 5, 0), Ld(7, 5, 0), Sw(0, 5, 4), Sd(6, 5, 4)], m =>
        {
            m.SetRegister(5, Emu.Data);
            m.SetRegister(6, 0x1122334455667788);
            m.WriteMemory(Emu.Data + 8, BitConverter.GetBytes(0xAAAAAAAAAAAAAAAAUL));
        });
        var r = o.Shards.Single();
        ulong d0 = Emu.Data, d1 = Emu.Data + 8;
        Assert.Equal(
        [
            new MemoryAccessEvent(d0, 0x1122334455667788, 0, 1, 0),
            new MemoryAccessEvent(d0, 0x1122334455667788, 0x1122334455667788, 2, 1),
            new MemoryAccessEvent(d0, 0x0000000055667788, 0x1122334455667788, 3, 2),
            new MemoryAccessEvent(d0, 0x5566778855667788, 0x0000000055667788, 4, 3),
            new MemoryAccessEvent(d1, 0xAAAAAAAA11223344, 0xAAAAAAAAAAAAAAAA, 4, 0),
        ], r.MemoryAccesses);
        Assert.Equal([new MemoryInitEvent(d0, 0, 0), new MemoryInitEvent(d1, 0xAAAAAAAAAAAAAAAA, 0)], r.InitialMemory);
        Assert.Equal(new MemoryInstructionEvent((uint)MemoryMap.RamBase + 12, Opcode.Sd, Emu.Data + 4, 0x1122334455667788, 4), r.MemoryInstructions[3]);
        Assert.Equal(0x1122334455667788UL, o[7]);
    }

    [Fact]
    public void Shards_cut_every_N_cycles_with_the_state_to_resume()
    {
        const int shardSize = 16;
        // x7 = 20; loop: ld x8, 0(x5); addi x8, x8, 1; sd x8, 0(x5); addi x7, x7, -1; bne x7, x0, loop
        uint[] body = [Addi(7, 0, 20), Ld(8, 5, 0), Addi(8, 8, 1), Sd(8, 5, 0), Addi(7, 7, -1), Bne(7, 0, -16)];
        var o = Emu.Run(body, m => m.SetRegister(5, Emu.Data), options: new MachineOptions { ShardSize = shardSize });
        long total = o.Result.Cycles;
        Assert.Equal(1 + 5 * 20 + 2, total);
        Assert.Equal((int)((total + shardSize - 1) / shardSize), o.Shards.Count);
        for (int k = 0; k < o.Shards.Count; k++)
        {
            var s = o.Shards[k];
            Assert.Equal(k, s.ShardIndex);
            Assert.Equal(1 + (long)k * shardSize, s.StartClk);
            Assert.Equal(Math.Min(shardSize, total - k * shardSize), s.Cycles);
            Assert.Equal(s.Cycles, s.InstructionEventCount);
            Assert.Equal(Emu.Data, s.Start.Registers[5]);
            if (k == 0)
                continue;
            // The resume state equals what the previous shard left: the counter's last access value.
            var prev = o.Shards[k - 1];
            var init = s.InitialMemory.Single(e => e.Address == Emu.Data);
            var last = prev.MemoryAccesses.Last(e => e.Address == Emu.Data);
            Assert.Equal(last.Value, init.Value);
            Assert.Equal(last.Timestamp, init.Timestamp);
            // Shard boundaries fall at clk 17, 33, ...: 1 + 5j + r, so the pc is that of loop instruction r.
            long r = (s.StartClk - 2) % 5;
            Assert.Equal(MemoryMap.RamBase + 4 + 4 * (ulong)r, s.Start.Pc);
            Assert.Equal(20 - (ulong)((s.StartClk - 2) / 5), s.Start.Registers[7] + (r > 3 ? 1UL : 0));
        }
        Assert.Equal(20UL, BitConverter.ToUInt64(o.Data, 0));
    }
}

public class RecycleTests
{
    private static string Summary(ExecutionRecord r) =>
        $"{r.ShardIndex} {r.StartClk} {r.Cycles} {r.Start.Pc:x} {string.Join(',', r.Start.Registers)} " +
        $"{r.InitialMemory.Count} {r.AddSub.Count} {r.Bitwise.Count} {r.Shift.Count} {r.Compare.Count} {r.Mul.Count} {r.DivRem.Count} " +
        $"{r.UpperImmediate.Count} {r.Branches.Count} {r.Jumps.Count} {r.MemoryInstructions.Count} {r.Syscalls.Count} {r.Nops} " +
        $"{r.MemoryAccesses.Aggregate(17L, (h, e) => HashCode.Combine(h, e))} {r.AddSub.Aggregate(17L, (h, e) => HashCode.Combine(h, e))} " +
        $"{r.InitialMemory.Aggregate(17L, (h, e) => HashCode.Combine(h, e))}";

    [Fact]
    public void Recycled_records_give_the_same_shards()
    {
        var program = GuestProgram.FromElf(GuestTests.Elf("bigmul"));
        var options = new MachineOptions { ShardSize = 1 << 15 };
        var plain = new List<string>();
        using (var m = new Prover.Core.Machine.Machine(program, default, options))
            m.RunTraced(r => plain.Add(Summary(r)));
        var recycled = new List<string>();
        var seen = new HashSet<ExecutionRecord>(ReferenceEqualityComparer.Instance);
        using (var m = new Prover.Core.Machine.Machine(program, default, options))
        {
            m.RunTraced(r =>
            {
                recycled.Add(Summary(r));
                seen.Add(r);
                m.Recycle(r);
            });
        }
        Assert.True(plain.Count > 10);
        Assert.Equal(plain, recycled);
        Assert.True(seen.Count <= 2, $"{seen.Count} record objects for {recycled.Count} shards"); // reused, not reallocated
    }
}
