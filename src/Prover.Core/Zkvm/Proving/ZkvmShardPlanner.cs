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
/// holds only the jobs (the memory each shard touches), never the events.
/// </summary>
public static class ZkvmShardPlanner
{
    /// <summary>Cuts <paramref name="program"/> on <paramref name="input"/> into shards of <paramref name="shardSize"/> cycles. Guest faults surface as <see cref="MachineException"/>.</summary>
    /// <param name="policy">
    /// <see cref="ShardShapePolicy.Budget"/>: the run cuts at the shard budget's row limits too, as the single-process prover's does,
    /// and every job carries the budget (the workers pad to it), so the cluster's shards are the single-process prover's.
    /// </param>
    public static ZkvmShardPlan Plan(ZkvmProgram program, byte[] input, long shardSize, long maxCycles = ZkvmProverOptions.DefaultMaxCycles,
        CancellationToken cancellation = default, ShardShapePolicy policy = ShardShapePolicy.Natural)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        if (shardSize < 2 || (shardSize & (shardSize - 1)) != 0 || shardSize > 1L << 24)
            throw new ArgumentException("the shard size is a power of two between 2 and 2^24");
        // Under the budget policy the memory boundary and the input commitment are boundary chunk shards (BoundaryChunks, built
        // from the whole execution's boundary after the run), which have no shard jobs yet: the cluster's coordinator proves a
        // budget run in process instead (ClusterProver).
        if (policy == ShardShapePolicy.Budget)
            throw new NotSupportedException("the budget shape policy's boundary chunk shards have no shard jobs yet: prove in process");
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
        ZkvmShardJob? previous = null;
        var result = machine.RunTraced(record =>
        {
            cancellation.ThrowIfCancellationRequested();
            // Under the budget an accelerator's calls belong to accelerator shards (AcceleratorShards), which have no jobs yet:
            // a worker's CPU shard leaves its accelerator tables out, so without them the proof could not balance.
            if (budget is not null && (record.KeccakPermutes.Count > 0 || record.Sha256Compresses.Count > 0 || record.ModMuls.Count > 0 || record.WeierstrassOps.Count > 0))
                throw new NotSupportedException("accelerator calls under the budget shape policy are not supported on a cluster yet (their accelerator shards have no jobs): prove in process");
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
        int count = jobs.Count;
        for (int s = 0; s < count; s++)
            jobs[s] = jobs[s] with { Count = count };
        jobs[^1] = jobs[^1] with { PriorAccesses = [.. lastAccess.Values.OrderBy(a => a.Address)] };
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
