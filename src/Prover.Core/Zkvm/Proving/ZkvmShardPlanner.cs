using System.Security.Cryptography;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Cpu;
using SyscallNumbers = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Proving;

/// <summary>An execution cut into shard jobs, with what the coordinator of a distributed proof keeps for itself.</summary>
public sealed record ZkvmShardPlan(IReadOnlyList<ZkvmShardJob> Jobs, int ExitCode, long Cycles, byte[] Output, byte[] InputDigest, long ShardSize)
{
    public int Count => Jobs.Count;

    /// <summary>How the shards were cut and are padded (<see cref="ShardShapePolicy.Budget"/>: every job carries the budget).</summary>
    public ShardShapePolicy ShapePolicy { get; init; }

    /// <summary>The shard budget under <see cref="ShardShapePolicy.Budget"/>, else null.</summary>
    public ShardBudget? Budget => ShapePolicy == ShardShapePolicy.Budget ? ShardBudget.ForShardSize(ShardSize) : null;
}

/// <summary>
/// The coordinator's first step of a distributed proof (docs/design.md, "Distributed proving"): one traced run of
/// the whole execution (the same run <see cref="ZkvmProver{TDef, TDigest}"/> starts with) turned into
/// <see cref="ZkvmShardJob"/>s as each shard's record completes; records are recycled at once, so the coordinator
/// holds only the jobs (the memory each shard touches), never the events — but for the accelerator calls under
/// <see cref="ShardShapePolicy.Budget"/>, which it gathers as the single-process prover does (<see cref="AcceleratorShards"/>)
/// into accelerator shard jobs placed before the last shard.
/// </summary>
public static class ZkvmShardPlanner
{
    /// <summary>Cuts <paramref name="program"/> on <paramref name="input"/> into shards of <paramref name="shardSize"/> cycles. Guest faults surface as <see cref="MachineException"/>.</summary>
    /// <param name="policy">
    /// <see cref="ShardShapePolicy.Budget"/>: the run cuts at the shard budget's row limits too, as the single-process prover's does,
    /// and every job carries the budget (the workers pad to it), and every accelerator's calls become accelerator shard jobs, so the
    /// cluster's shards are the single-process prover's.
    /// </param>
    public static ZkvmShardPlan Plan(ZkvmProgram program, byte[] input, long shardSize, long maxCycles = ZkvmProverOptions.DefaultMaxCycles,
        CancellationToken cancellation = default, ShardShapePolicy policy = ShardShapePolicy.Natural)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        if (shardSize < 2 || (shardSize & (shardSize - 1)) != 0 || shardSize > 1L << 24)
            throw new ArgumentException("the shard size is a power of two between 2 and 2^24");
        byte[] inputDigest = SHA256.HashData(input);
        var jobs = new List<ZkvmShardJob>();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var output = new List<byte>();
        long outputBytes = 0;
        // Last access of every double word touched by the shards before the newest one (the last shard's memory boundary).
        var lastAccess = new Dictionary<ulong, LastAccess>();
        Dictionary<ulong, LastAccess>? pending = null;
        var budget = policy == ShardShapePolicy.Budget ? ShardBudget.ForShardSize(shardSize) : null;
        using var machine = new Machine.Machine(program.Program, input, new MachineOptions
        {
            ShardSize = shardSize, MaxCycles = Math.Min(maxCycles, ZkvmProver<Field.KoalaBearQuartic, KoalaBearDigest>.MaxCycles),
            RowLimits = budget?.RowLimits(program),
        });
        var accelerators = budget is null ? null : new AcceleratorShards(program, budget);
        ZkvmShardJob? previous = null;
        var result = machine.RunTraced(record =>
        {
            cancellation.ThrowIfCancellationRequested();
            // Under the budget an accelerator's calls belong to accelerator shards: gathered as the single-process prover gathers
            // them (every record, in order, the last one included), they become jobs of their own once the run ends.
            accelerators?.Add(record);
            if (pending is not null)
                foreach (var (key, access) in pending)
                    lastAccess[key] = access;
            var start = RegisterFileState.Of(registers);
            if (previous is not null)
                jobs[^1] = previous with { ExpectedEnd = start };
            previous = new ZkvmShardJob
            {
                ProgramDigest = program.Digest,
                InputDigest = inputDigest,
                InputSize = (ulong)input.Length,
                Count = 0, // set when the run ends
                Index = record.ShardIndex, // the last shard's moves past the accelerator shards when the run ends
                BudgetLogShardSize = budget?.LogShardSize,
                Resume = new ShardResumeState(record.ShardIndex, record.Start, record.Cycles, [.. record.InitialMemory], outputBytes, output.Count),
                Registers = start,
            };
            jobs.Add(previous);
            ReplayRegisters(CpuTrace.Rows(record, program.Table, (ulong)input.Length), registers);
            pending = new Dictionary<ulong, LastAccess>();
            foreach (var e in record.MemoryAccesses)
                pending[e.Address] = new LastAccess(e.Address, e.Value, e.Timestamp);
            foreach (var e in record.Syscalls)
            {
                if (e.Number == SyscallNumbers.Commit)
                    output.Add((byte)e.A1);
                else if (e.Number == SyscallNumbers.Write && e.A0 == 1)
                    outputBytes += (long)e.Result;
            }
            machine.Recycle(record);
        });
        if (jobs.Count == 0)
            throw new InvalidOperationException("the traced run produced no shard");
        jobs[^1] = jobs[^1] with { PriorAccesses = [.. lastAccess.Values.OrderBy(a => a.Address)] };
        if (accelerators is not null)
        {
            // The accelerator shards just before the last shard, in the single-process prover's order (the accelerators in
            // registry order, each one's chunks in execution order); the last shard keeps the last index.
            var last = jobs[^1];
            jobs.RemoveAt(jobs.Count - 1);
            foreach (var chunk in accelerators.Chunks)
                jobs.Add(new ZkvmShardJob
                {
                    ProgramDigest = program.Digest,
                    InputDigest = inputDigest,
                    InputSize = (ulong)input.Length,
                    Count = 0,
                    Index = jobs.Count,
                    BudgetLogShardSize = budget!.LogShardSize,
                    Accelerator = AcceleratorShardCalls.Of(chunk, budget.AcceleratorLogHeight(program, chunk.Chip, chunk.Rows)),
                });
            jobs.Add(last with { Index = jobs.Count, Resume = last.Resume! with { Index = jobs.Count } });
        }
        int count = jobs.Count;
        for (int s = 0; s < count; s++)
            jobs[s] = jobs[s] with { Count = count };
        return new ZkvmShardPlan(jobs, result.ExitCode, result.Cycles, [.. output], inputDigest, shardSize) { ShapePolicy = policy };
    }

    /// <summary>
    /// The shard size <see cref="ZkvmProver{TDef, TDigest}"/> would use with <paramref name="options"/>: the given one, or the largest whose
    /// modelled peak fits the memory budget (after the same probe run).
    /// </summary>
    public static long ChooseShardSize(ZkvmProgram program, byte[] input, ZkvmProverOptions options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ShardSize is { } given)
            return given;
        long maxCycles = Math.Min(options.MaxCycles, ZkvmProver<Field.KoalaBearQuartic, KoalaBearDigest>.MaxCycles);
        var profile = ShardProfile.Probe(program, input, ShardMemoryModel.ProbeLogShardSize, maxCycles);
        long budget = options.MemoryBudgetBytes ?? ShardMemoryModel.DefaultBudgetBytes();
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        return 1L << ShardMemoryModel.ChooseLogShardSize(shapes, profile, options.Config.ExtensionDegree, options.Config.LogBlowup, budget,
            digestElements: options.Config.DigestElements, policy: options.ShapePolicy);
    }

    /// <summary>
    /// Advances <paramref name="registers"/> over a shard's rows with the CPU trace's own step (<see cref="RegisterFile.Advance"/>),
    /// without building the trace. Workers check the result: each job carries it as <see cref="ZkvmShardJob.ExpectedEnd"/>
    /// and the worker compares it with the register file its CPU trace ends with.
    /// </summary>
    internal static void ReplayRegisters(IReadOnlyList<CpuRow> rows, RegisterFile registers)
    {
        foreach (var r in rows)
            registers.Advance(r, syscalls: null);
    }
}
