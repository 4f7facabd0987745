using System.Text;
using Prover.Core.Machine;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Machine;

/// <summary>Everything an adversarial guest can do wrong ends in a <see cref="MachineException"/> naming the pc.</summary>
public class FaultTests
{
    private const ulong Base = MemoryMap.RamBase;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Illegal_instruction(bool traced)
    {
        var e = Emu.Fault([Addi(5, 0, 1), 0x00000000], traced: traced);
        Assert.Equal(MachineFault.IllegalInstruction, e.Fault);
        Assert.Equal(Base + 4, e.Pc);
        Assert.Equal(1, e.Cycles);
        Assert.Contains("illegal instruction 0x00000000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ebreak_and_unknown_syscalls_stop()
    {
        Assert.Equal(MachineFault.Breakpoint, Emu.Fault([Ebreak]).Fault);
        var e = Emu.Fault([Addi(17, 0, 1000), Ecall]);
        Assert.Equal(MachineFault.UnknownSyscall, e.Fault);
        Assert.Contains("1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_off_the_end_of_the_code()
    {
        var e = Emu.Fault([Addi(5, 0, 1)]);
        Assert.Equal(MachineFault.JumpOutsideCode, e.Fault);
        Assert.Equal(Base + 4, e.Pc);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Jumps_outside_the_code_or_misaligned(bool traced)
    {
        Assert.Equal(MachineFault.JumpOutsideCode, Emu.Fault([Jal(0, 4096)], traced: traced).Fault);
        Assert.Equal(MachineFault.JumpOutsideCode, Emu.Fault([Jal(0, -4)], traced: traced).Fault);
        Assert.Equal(MachineFault.MisalignedJump, Emu.Fault([Jal(0, 2), Addi(0, 0, 0)], traced: traced).Fault);
        // JALR: to address 0, to code + 2 (bit 0 is cleared, bit 1 is not), to data
        Assert.Equal(MachineFault.JumpOutsideCode, Emu.Fault([Jalr(1, 0, 0)], traced: traced).Fault);
        var mis = Emu.Fault([Auipc(5, 0), Jalr(1, 5, 3), Addi(0, 0, 0)], traced: traced);
        Assert.Equal(MachineFault.MisalignedJump, mis.Fault);
        Assert.Equal(Base + 4, mis.Pc);
        Assert.Equal(MachineFault.JumpOutsideCode, Emu.Fault([Jalr(1, 5, 0)], m => m.SetRegister(5, Emu.Data), traced: traced).Fault);
    }

    [Fact]
    public void A_misaligned_branch_faults_only_when_taken()
    {
        // bne x0, x0, +6 is never taken: fine. beq x0, x0, +6 is taken: misaligned target.
        var ok = Emu.Run([Bne(0, 0, 6), Addi(5, 0, 1), Addi(0, 0, 0)]);
        Assert.Equal(1UL, ok[5]);
        Assert.Equal(MachineFault.MisalignedJump, Emu.Fault([Beq(0, 0, 6), Addi(0, 0, 0), Addi(0, 0, 0)]).Fault);
        Assert.Equal(MachineFault.JumpOutsideCode, Emu.Fault([Beq(0, 0, -8)]).Fault);
    }

    [Theory]
    [InlineData(0x0UL)]                      // null page
    [InlineData(MemoryMap.RamBase - 8)]
    [InlineData(MemoryMap.RamEnd - 4)]       // ld straddling the end of RAM
    [InlineData(0xFFFF_FFFF_FFFF_FFFCUL)]    // address wrap-around
    [InlineData(MemoryMap.InputBase + 8)]    // past the (8-byte) input
    [InlineData(0x1_0000_0000UL)]
    public void Loads_outside_the_map(ulong address)
    {
        var e = Emu.Fault([Ld(6, 5, 0)], m => m.SetRegister(5, address), input: new byte[8]);
        Assert.Equal(MachineFault.LoadOutOfBounds, e.Fault);
        Assert.Contains($"0x{address:x}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MemoryMap.RamBase)]          // the code is read-only
    [InlineData(0x0UL)]
    [InlineData(MemoryMap.RamEnd - 7)]       // straddles the end of RAM
    [InlineData(MemoryMap.InputBase)]        // the input is read-only
    [InlineData(0xFFFF_FFFF_FFFF_FFF8UL)]
    public void Stores_outside_writable_RAM(ulong address)
    {
        var e = Emu.Fault([Sd(0, 5, 0)], m => m.SetRegister(5, address), input: new byte[16]);
        Assert.Equal(MachineFault.StoreOutOfBounds, e.Fault);
        var traced = Emu.Fault([Sd(0, 5, 0)], m => m.SetRegister(5, address), input: new byte[16], traced: true);
        Assert.Equal(MachineFault.StoreOutOfBounds, traced.Fault);
    }

    [Fact]
    public void The_last_bytes_of_RAM_are_usable()
    {
        var o = Emu.Run([Sb(6, 5, 7), Sd(6, 5, 0), Lbu(7, 5, 7), Ld(8, 5, 0), Lw(9, 5, 4)], m =>
        {
            m.SetRegister(5, MemoryMap.RamEnd - 8);
            m.SetRegister(6, 0x0102030405060708);
        });
        Assert.Equal(1UL, o[7]);
        Assert.Equal(0x0102030405060708UL, o[8]);
        Assert.Equal(0x01020304UL, o[9]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Runaway_guest_hits_the_cycle_limit(bool traced)
    {
        var e = Emu.Fault([Addi(5, 5, 1), Jal(0, -4)], options: new MachineOptions { MaxCycles = 1001 }, traced: traced);
        Assert.Equal(MachineFault.CycleLimitExceeded, e.Fault);
        Assert.Equal(1001, e.Cycles);
        Assert.Contains("cycle limit 1001", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_with_a_buffer_outside_memory_faults()
    {
        var e = Emu.Fault([Addi(10, 0, 1), Addi(11, 0, 0), Addi(12, 0, 16), Addi(17, 0, 64), Ecall]);
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
    }

    [Fact]
    public void Output_over_its_limit_faults()
    {
        var options = new MachineOptions { MaxOutputBytes = 10 };
        var e = Emu.Fault([Addi(10, 0, 1), Addi(12, 0, 11), Addi(17, 0, 64), Ecall], m => m.SetRegister(11, Emu.Data), options);
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
    }
}

public class SyscallTests
{
    private static uint[] Li(int rd, int value) => [Lui(rd, (value + 0x800) & unchecked((int)0xFFFFF000)), Addiw(rd, rd, value << 20 >> 20)];

    [Fact]
    public void Write_to_fd_1_is_the_public_output_and_fd_2_is_debug()
    {
        var debug = new MemoryStream();
        var o = Emu.Run(
            [Addi(10, 0, 1), Addi(12, 0, 3), Addi(17, 0, 64), Ecall, Mv(20, 10),
             Addi(10, 0, 1), Addi(11, 11, 3), Addi(12, 0, 2), Ecall,
             Addi(10, 0, 2), Addi(12, 0, 1), Ecall,
             Addi(10, 0, 7), Ecall, Mv(21, 10), Addi(10, 0, 0)],
            m => { m.WriteMemory(Emu.Data, "abcdef"u8); m.SetRegister(11, Emu.Data); },
            options: new MachineOptions { DebugOutput = debug });
        Assert.Equal("abcde"u8.ToArray(), o.Result.Output);
        Assert.Equal(3UL, o[20]);
        Assert.Equal(unchecked((ulong)-9L), o[21]); // EBADF
        Assert.Equal("ddd"u8.ToArray(), debug.ToArray()); // a1 still points at "d"; once per run (interpreter, JIT, tracing)
    }

    private static uint Mv(int rd, int rs) => Addi(rd, rs, 0);

    private static uint[] Commit(int index, int value) => [Addi(10, 0, index), Addi(11, 0, value), .. Li(17, (int)Syscall.Commit), Ecall];

    [Fact]
    public void Commit_appends_bytes_in_order_and_returns_zero()
    {
        var o = Emu.Run([.. Commit(0, 0x41), Mv(20, 10), .. Commit(1, 0), .. Commit(2, 0xFF), Addi(10, 0, 0)]);
        Assert.Equal(new byte[] { 0x41, 0, 0xFF }, o.Result.CommittedOutput);
        Assert.Empty(o.Result.Output);
        Assert.Equal(0UL, o[20]);
        Assert.Equal(3, o.Shards.Sum(s => s.Syscalls.Count(c => c.Number == Syscall.Commit)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Commit_out_of_order_faults(bool traced)
    {
        var skip = Emu.Fault([.. Commit(1, 7)], traced: traced);
        Assert.Equal(MachineFault.BadSyscallArgument, skip.Fault);
        Assert.Contains("in order", skip.Message, StringComparison.Ordinal);
        var repeat = Emu.Fault([.. Commit(0, 7), .. Commit(0, 8)], traced: traced);
        Assert.Equal(MachineFault.BadSyscallArgument, repeat.Fault);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public void Commit_of_a_non_byte_faults(int value)
    {
        var e = Emu.Fault([.. Commit(0, value)]);
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
        Assert.Contains("not a byte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Committed_output_over_its_limit_faults()
    {
        var options = new MachineOptions { MaxOutputBytes = 2 };
        var e = Emu.Fault([.. Commit(0, 1), .. Commit(1, 2), .. Commit(2, 3)], options: options);
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
        Assert.Contains("exceeds 2 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_is_preloaded_read_only_and_zero_copy()
    {
        byte[] input = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var o = Emu.Run([.. Li(17, (int)Syscall.Input), Ecall, Mv(20, 10), Mv(21, 11), Ld(22, 10, 2), Lbu(23, 10, 9)], input: input);
        Assert.Equal(MemoryMap.InputBase, o[20]);
        Assert.Equal(10UL, o[21]);
        Assert.Equal(0x0A09080706050403UL, o[22]);
        Assert.Equal(10UL, o[23]);
        Assert.Equal(1, o.Result.UnalignedAccesses);
        var none = Emu.Run([.. Li(17, (int)Syscall.Input), Ecall, Mv(21, 11)], m => m.SetRegister(11, 99));
        Assert.Equal(0UL, none[21]);
    }

    [Fact]
    public void Regions_count_cycles_and_nest()
    {
        // begin("outer"); 3 addi; begin("inner"); 2 addi; end("inner"); end("outer")
        uint[] begin = [.. Li(17, (int)Syscall.RegionBegin), Ecall];
        uint[] end = [.. Li(17, (int)Syscall.RegionEnd), Ecall];
        var o = Emu.Run(
            [Mv(10, 5), .. begin, Addi(0, 0, 0), Addi(0, 0, 0), Addi(0, 0, 0), Mv(10, 6), .. begin, Addi(0, 0, 0), Addi(0, 0, 0),
             Mv(10, 6), .. end, Mv(10, 5), .. end, Addi(10, 0, 0)],
            m =>
            {
                m.WriteMemory(Emu.Data, Encoding.ASCII.GetBytes("outer\0inner\0"));
                m.SetRegister(5, Emu.Data);
                m.SetRegister(6, Emu.Data + 6);
            });
        // inner: from its ecall to the end ecall: 2 addi + mv + 2 li + ecall = 6; outer: 3 + 1 + 3 + inner 6 + mv + 2 + ecall = 17
        Assert.Equal(6, o.Result.RegionCycles["inner"]);
        Assert.Equal(17, o.Result.RegionCycles["outer"]);
    }
}
