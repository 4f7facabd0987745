using Prover.Core.Machine;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// <see cref="ShardTraceBuilder"/>'s parallel path (a stage's chips generated concurrently, each worker counting its byte
/// lookups into its own collector; the CPU, load/store and ALU chips' rows in parallel chunks) against the serial
/// reference (one chip after another on one collector): the same chips, traces (every column of every row), public values
/// and byte-table multiplicities, shard by shard, and the same register file after every shard.
/// </summary>
public sealed class ShardTraceParallelTests
{
    public static TheoryData<string, int, int> Cases => new()
    {
        // One shard, the last: the memory boundary and input commitment chips.
        { "hello", 0, 20 },
        // keccak and SHA-256 calls: at least 8 permutations / compressions in a shard, so those chips' rows go parallel too.
        { "keccak", 2000, 20 },
        { "sha256", 1000, 20 },
        // The point and modmul precompiles through the syscall chip (their inputs: the chips' test cases).
        { "ecc", 0, 20 },
        { "modmul", 0, 20 },
        // Many shards of 2^16 cycles, the last included: CPU, load/store and ALU tables of several parallel chunks each.
        { "bigmul", 0, 16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parallel_traces_equal_the_serial_reference(string guest, int inputBytes, int logShardSize)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        byte[] input = guest switch
        {
            "ecc" => EccCases.Input(EccCases.Cases(seed: 21, random: 3)),
            "modmul" => ModMulCases.Input(ModMulCases.Cases(seed: 17, randomPerSize: 3)),
            _ => [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 7 + 3))],
        };
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShardSize });
        var (_, records) = machine.RunTraced();
        // What each case is there for is in the execution (the chips' parallel chunks and precompile tables are exercised).
        int events = guest switch
        {
            "keccak" => records.Max(r => r.KeccakPermutes.Count),
            "sha256" => records.Max(r => r.Sha256Compresses.Count),
            "ecc" => records.Sum(r => r.WeierstrassOps.Count),
            "modmul" => records.Sum(r => r.ModMuls.Count),
            "bigmul" => records.Count,
            _ => 1,
        };
        Assert.True(events >= (guest is "keccak" or "sha256" ? 8 : guest == "bigmul" ? 3 : 1), $"{guest}: {events}");
        var serialRegisters = new RegisterFile(ZkvmProgram.InitialRegisters());
        var parallelRegisters = new RegisterFile(ZkvmProgram.InitialRegisters());
        var serialMemory = new MemoryBoundaries(program, input);
        var parallelMemory = new MemoryBoundaries(program, input);
        for (int s = 0; s < records.Count; s++)
        {
            bool last = s == records.Count - 1;
            var serial = ShardTraceBuilder.Build(program, records[s], serialRegisters, serialMemory, input, last, parallel: false);
            var parallel = ShardTraceBuilder.Build(program, records[s], parallelRegisters, parallelMemory, input, last, parallel: true);
            Assert.Equal(serial.Chips, parallel.Chips);
            Assert.Equal(serial.LogHeights, parallel.LogHeights);
            var indices = serial.Chips.Indices();
            for (int i = 0; i < indices.Length; i++)
            {
                string chip = $"shard {s}, chip {ZkvmChips.All[indices[i]].Name}";
                Assert.True(serial.Traces[i].Width == parallel.Traces[i].Width && serial.Traces[i].Height == parallel.Traces[i].Height, chip);
                Assert.True(serial.Traces[i].Values.AsSpan().SequenceEqual(parallel.Traces[i].Values), $"{chip}: the traces differ");
                Assert.True(serial.Publics[i].AsSpan().SequenceEqual(parallel.Publics[i]), $"{chip}: the public values differ");
            }
            // A real test: the shard has lookups, so the byte table's multiplicities compared above are not all zero.
            Assert.Contains(serial.Traces[serial.Chips.Position(ZkvmTable.Bytes)].Values, v => !v.IsZero);
            Assert.Equal(serialRegisters.Values, parallelRegisters.Values);
            Assert.Equal(serialRegisters.Timestamps, parallelRegisters.Timestamps);
            Assert.Equal(serialRegisters.Touched, parallelRegisters.Touched);
        }
    }
}
