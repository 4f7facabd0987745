using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;
using SyscallNumbers = Prover.Core.Machine.Syscall;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// <see cref="RegisterFile.Advance"/>, the one register-file step the CPU trace and the distributed coordinator's replay
/// (<see cref="ZkvmShardPlanner"/>) share, over guests whose syscalls access x11/x12 at slot 2, cut into many shards:
/// the values it carries are the ones every row reads and equal the executor's registers at every shard start and at the
/// halt (so the input call's a1 write is applied where the executor applies it), its timestamps and touched flags equal an order-free reference
/// (each register's latest access over the rows, slot by slot), and the planner's replay and the CPU trace's pass end
/// every shard with the same register file.
/// </summary>
public sealed class RegisterFileTests
{
    public static TheoryData<string, int, int> Cases => new()
    {
        // input, commit (a1 read) and write (a2 read) calls, several shards.
        { "hello", 300, 10 },
        // input, commit and the KECCAK_PERMUTE calls.
        { "keccak", 2000, 10 },
        // input, commit and SHA256_COMPRESS (a1 read).
        { "sha256", 1000, 10 },
        // the modmul calls (a1 read), operands from the input.
        { "modmul", -1, 11 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_shared_step_follows_the_executor_across_shards(string guest, int inputBytes, int logShardSize)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        byte[] input = inputBytes < 0
            ? ModMulCases.Input(ModMulCases.Cases(seed: 17, randomPerSize: 3))
            : [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 7 + 3))];
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShardSize });
        var (result, records) = machine.RunTraced();
        Assert.Equal(0, result.ExitCode);
        Assert.True(records.Count >= 3, $"{guest}: {records.Count} shard(s)");

        var replayed = new RegisterFile(ZkvmProgram.InitialRegisters());
        var traced = new RegisterFile(ZkvmProgram.InitialRegisters());
        var stepped = new RegisterFile(ZkvmProgram.InitialRegisters());
        var reference = new long[32];
        var touched = new bool[32];
        int slot2 = 0, inputCalls = 0;
        foreach (var record in records)
        {
            var start = (ulong[])record.Start.Registers.Clone();
            start[0] = 0;
            Assert.Equal(start, replayed.Values);
            var rows = CpuTrace.Rows(record, program.Table, (ulong)input.Length);
            ZkvmShardPlanner.ReplayRegisters(rows, replayed);
            var syscalls = new List<SyscallRow>();
            CpuTrace.Generate<KoalaBear>(rows, traced, new LookupCounts(), out _, syscalls);
            Assert.Equal(rows.Count(r => r.Syscall is not null), syscalls.Count);

            // Row by row: the values each row reads (the CPU rows' own walk of the executor's results) are the register file's.
            foreach (var r in rows)
            {
                if (stepped.Values[r.Ins.Rs1] != r.Rs1Val || stepped.Values[r.Ins.Rs2] != r.Rs2Val)
                    Assert.Fail($"{guest}: clk {r.Clk} reads x{r.Ins.Rs1} = {r.Rs1Val}, x{r.Ins.Rs2} = {r.Rs2Val}; the register file holds "
                        + $"{stepped.Values[r.Ins.Rs1]}, {stepped.Values[r.Ins.Rs2]}");
                stepped.Advance(r, syscalls: null);
            }
            // The order-free reference: every access of the rows at its timestamp, the latest one kept.
            foreach (var r in rows)
            {
                long ts = 4 * r.Clk;
                Touch(r.Ins.Rs1, ts);
                Touch(r.Ins.Rs2, ts + 1);
                if (r.Syscall is { } se && (SyscallCols.AccessesX11(se.Number) || se.Number == SyscallNumbers.Write))
                {
                    Touch(se.Number == SyscallNumbers.Write ? 12 : 11, ts + 2);
                    slot2++;
                    if (se.Number == SyscallNumbers.Input)
                        inputCalls++;
                }
                if (r.Ins.Has(InstructionFlags.WritesRd))
                    Touch(r.Ins.Rd, ts + 3);
            }
            Assert.Equal(reference, replayed.Timestamps);
            Assert.Equal(touched, replayed.Touched);
            Assert.Equal(replayed.Values, traced.Values);
            Assert.Equal(replayed.Timestamps, traced.Timestamps);
            Assert.Equal(replayed.Touched, traced.Touched);
            Assert.Equal(replayed.Values, stepped.Values);
        }
        Assert.Equal(Enumerable.Range(0, 32).Select(i => i == 0 ? 0 : machine.GetRegister(i)), replayed.Values);
        // What the case is there for happened: slot-2 accesses, the input call's a1 write among them.
        Assert.True(slot2 >= 2 && inputCalls >= 1, $"{guest}: {slot2} slot-2 accesses, {inputCalls} input calls");

        void Touch(int register, long ts)
        {
            reference[register] = Math.Max(reference[register], ts);
            touched[register] = true;
        }
    }
}
