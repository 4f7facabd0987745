using System.Diagnostics;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;

namespace Prover.Benchmarks.Zkvm;

/// <summary>
/// What each way of keeping a shard between the prover's two phases costs (docs/design.md, "Shard retention between
/// the phases"): for every shard of one traced run, the execution record's bytes (lists' capacity), the traces'
/// bytes and their LZ4 size with compression and decompression times, the re-execution checkpoint's bytes, and the
/// time to rebuild the traces from the checkpoint (re-execution and trace generation) against the time trace
/// generation took in the run. No proof.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- shard-retention ELF|- INPUT|- LOG_SHARD</c>
/// (<c>-</c> as ELF: the embedded Ethereum guest).
/// </summary>
public static class ShardRetention
{
    public static void Run(string[] args)
    {
        string elf = args.Length > 1 ? args[1] : "native/guest/tests/elf/bigmul.elf";
        byte[] input = args.Length > 2 && args[2] != "-" ? File.ReadAllBytes(args[2]) : [];
        int logShard = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 18;
        var program = elf == "-" ? new ZkvmProgram(EthereumGuest.Program) : ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        var checkOnly = new MemoryBoundaries(program, input, recordAccesses: false);
        long console = 0, committed = 0;
        using var machine = new Prover.Core.Machine.Machine(program.Program, input, new MachineOptions { ShardSize = 1L << logShard });
        ExecutionRecord? pending = null;
        Console.WriteLine("shard | cycles | record MB | traces MB | LZ4 MB | LZ4 ratio | compress ms | decompress ms | checkpoint KB | tracegen ms | rebuild ms");
        Console.WriteLine("---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:");
        double[] totals = new double[9];
        void Measure(ExecutionRecord record, bool last)
        {
            long recordBytes = RecordBytes(record);
            var checkpoint = ShardCheckpoint.Of(record, registers, console, committed, last);
            foreach (var e in record.Syscalls)
            {
                if (e.Number == Syscall.Commit)
                    committed++;
                else if (e.Number == Syscall.Write && e.A0 == 1)
                    console += (long)e.Result;
            }
            var clock = Stopwatch.StartNew();
            var shard = ShardTraceBuilder.Build(program, record, registers, memory, input, last);
            double traceMs = clock.Elapsed.TotalMilliseconds;
            machine.Recycle(record);
            long traceBytes = 0, lz4Bytes = 0;
            double compressMs = 0, decompressMs = 0;
            foreach (var t in shard.Traces)
            {
                var raw = MemoryMarshal.AsBytes(t.Values.AsSpan());
                traceBytes += raw.Length;
                var packed = new byte[LZ4Codec.MaximumOutputSize(raw.Length)];
                clock.Restart();
                int n = LZ4Codec.Encode(raw, packed, LZ4Level.L00_FAST);
                compressMs += clock.Elapsed.TotalMilliseconds;
                lz4Bytes += n;
                var back = new byte[raw.Length];
                clock.Restart();
                LZ4Codec.Decode(packed.AsSpan(0, n), back);
                decompressMs += clock.Elapsed.TotalMilliseconds;
                if (!back.AsSpan().SequenceEqual(raw))
                    throw new InvalidOperationException("LZ4 round trip differs");
            }
            shard = null;
            GC.Collect();
            clock.Restart();
            var rebuilt = checkpoint.Rebuild(program, input, checkpoint.Registers.ToRegisterFile(), last ? memory : checkOnly, new MachineOptions().MaxCycles);
            double rebuildMs = clock.Elapsed.TotalMilliseconds;
            if (rebuilt.Traces.Sum(t => (long)t.Values.Length * 4) != traceBytes)
                throw new InvalidOperationException("the rebuilt traces differ in size");
            rebuilt = null;
            GC.Collect();
            double[] row = [checkpoint.Resume.Cycles, recordBytes / 1e6, traceBytes / 1e6, lz4Bytes / 1e6, 0, compressMs, decompressMs, checkpoint.Bytes / 1e3, traceMs];
            for (int i = 0; i < row.Length; i++)
                totals[i] += row[i];
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{checkpoint.Resume.Index} | {row[0]:N0} | {row[1]:F1} | {row[2]:F1} | {row[3]:F1} | {(double)traceBytes / lz4Bytes:F2} | {compressMs:F0} | {decompressMs:F0} | {row[7]:F0} | {traceMs:F0} | {rebuildMs:F0}"));
            totals[4] += rebuildMs;
        }
        var result = machine.RunTraced(record =>
        {
            if (pending is not null)
                Measure(pending, last: false);
            pending = record;
        });
        Measure(pending!, last: true);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"all ({result.Cycles:N0} cycles) | | {totals[1]:F1} | {totals[2]:F1} | {totals[3]:F1} | {totals[2] / totals[3]:F2} | {totals[5]:F0} | {totals[6]:F0} | {totals[7]:F0} | {totals[8]:F0} | {totals[4]:F0}"));
    }

    /// <summary>
    /// One development proof of ELF in shards of 2^LOG_SHARD with the reference retention (every shard's traces kept
    /// between the phases, <c>retain</c>) or the checkpoints (<c>checkpoint</c>), for a peak-memory comparison in
    /// separate processes: <c>shard-prove ELF LOG_SHARD retain|checkpoint</c>; prints time, size and the SHA-256 of the bytes.
    /// </summary>
    public static void Prove(string[] args)
    {
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(args[1]));
        int logShard = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var prover = new ZkvmProver<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = Prover.Core.Stark.StarkConfig.Development, ShardSize = 1L << logShard, RetainTraces = args[3] == "retain",
        });
        var clock = Stopwatch.StartNew();
        var bytes = prover.Prove(program, []).ToBytes();
        Console.WriteLine($"{args[3]}: {prover.LastReport!.Shards} shards, {clock.Elapsed.TotalSeconds:F1} s, {bytes.Length:N0} B, " +
            $"SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}");
    }

    /// <summary>
    /// The memory model's estimate at every shard size for one execution and the size it chooses for a budget (no proof):
    /// <c>shard-model ELF|- INPUT|- CONFIG [BUDGET_GIB]</c> (budget default: <see cref="ShardMemoryModel.DefaultBudgetBytes"/>;
    /// the choice is also printed for 3/4 of a 15 GiB heap limit, the default budget under <c>DOTNET_GCHeapHardLimit=0x3C0000000</c>).
    /// </summary>
    public static void Model(string[] args)
    {
        var program = args[1] == "-" ? new ZkvmProgram(EthereumGuest.Program) : ZkvmProgram.FromElf(File.ReadAllBytes(args[1]));
        byte[] input = args[2] != "-" ? File.ReadAllBytes(args[2]) : [];
        var config = Prover.Core.Stark.StarkConfig.ByName(args[3]);
        long budget = args.Length > 4 ? (long)(double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) * (1L << 30)) : ShardMemoryModel.DefaultBudgetBytes();
        var profile = ShardProfile.Probe(program, input, ShardMemoryModel.ProbeLogShardSize, 1L << 38);
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        Console.WriteLine($"{profile.Cycles:N0} cycles; budget {budget / (double)(1L << 30):F1} GiB");
        for (int log = ShardMemoryModel.MinLogShardSize + 6; log <= ShardMemoryModel.MaxLogShardSize; log++)
            Console.WriteLine($"2^{log}: {profile.Shards(log)} shards, tallest 2^{profile.LogHeights(log).Max()}, estimate " +
                $"{ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, config.ExtensionDegree, config.LogBlowup, config.DigestElements) / 1e9:F2} GB");
        foreach (long b in (long[])[budget, (long)(0.75 * 15 * (1L << 30))])
        {
            try
            {
                Console.WriteLine($"budget {b / (double)(1L << 30):F2} GiB: chosen 2^{ShardMemoryModel.ChooseLogShardSize(shapes, profile, config.ExtensionDegree, config.LogBlowup, b, digestElements: config.DigestElements)}");
            }
            catch (InsufficientMemoryException e)
            {
                Console.WriteLine($"budget {b / (double)(1L << 30):F2} GiB: refused: {e.Message}");
            }
        }
    }

    /// <summary>Bytes an execution record's event lists hold (their capacity times the event size; per-event arrays of the precompile events counted).</summary>
    private static long RecordBytes(ExecutionRecord r)
    {
        long bytes = 0;
        foreach (var f in typeof(ExecutionRecord).GetProperties())
        {
            if (f.GetValue(r) is not System.Collections.ICollection list)
                continue;
            var type = list.GetType();
            if (!type.IsGenericType)
                continue;
            var element = type.GetGenericArguments()[0];
            int capacity = (int)(type.GetProperty("Capacity")?.GetValue(list) ?? list.Count);
            bytes += (long)capacity * (element.IsValueType ? Marshal.SizeOf(element) : 8 + 64);
        }
        foreach (var e in r.KeccakPermutes)
            bytes += 25 * 8 * 3;
        foreach (var e in r.ModMuls)
            bytes += e.Accesses.Length * 40L;
        foreach (var e in r.Sha256Compresses)
            bytes += e.Accesses.Length * 40L;
        foreach (var e in r.WeierstrassOps)
            bytes += e.Accesses.Length * 40L;
        return bytes;
    }
}
