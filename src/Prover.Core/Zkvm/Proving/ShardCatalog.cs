using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// Every shard shape a proof of <see cref="Program"/> under <see cref="ShardShapePolicy.Budget"/> with shards of
/// 2^<see cref="LogShardSize"/> cycles can have, whatever the execution (issue 14 piece (b); docs/design.md, "Recursion",
/// "The shard catalog"): the CPU shard at the budget (<see cref="ShardBudget.For"/>), the last shard's CPU-side entries
/// (<see cref="ShardBudget.LastShardCatalog"/>), each accelerator's shards at its tiers 2^10..2^A
/// (<see cref="ShardBudget.AcceleratorMaxLogHeight(ZkvmProgram, int)"/>), and the memory-boundary and input-commitment chunk
/// shards at theirs (<see cref="ShardBudget.ChunkMaxLogHeight(ZkvmProgram, ChipSet)"/>). The shapes depend on the program (its Program
/// and image tables' fixed heights, the input-commitment chip of its digest) and k only, so the aggregation family built
/// over them (a leaf per shape), its allowed-key root R and the final key are constants of (guest, configurations, k).
/// </summary>
public sealed class ShardCatalog
{
    private readonly HashSet<string> _ids;

    private ShardCatalog(ZkvmProgram program, int logShardSize, ShardShape[] shapes)
    {
        Program = program;
        LogShardSize = logShardSize;
        Shapes = shapes;
        _ids = [.. shapes.Select(Id)];
    }

    public ZkvmProgram Program { get; }

    /// <summary>log2 of the shard size in cycles (k).</summary>
    public int LogShardSize { get; }

    /// <summary>The shapes, distinct, in <see cref="Recursion.Aggregation.ZkvmExecutionSummary.Compare"/>'s order.</summary>
    public IReadOnlyList<ShardShape> Shapes { get; }

    /// <summary>Whether <paramref name="shape"/> is one of <see cref="Shapes"/>.</summary>
    public bool Contains(ShardShape shape) => shape.LogHeights is not null && _ids.Contains(Id(shape));

    /// <summary>The catalog of <paramref name="program"/> (as its shards are proved: <see cref="ZkvmProgram.ForDigest"/> applied) for shards of 2^<paramref name="logShardSize"/> cycles.</summary>
    public static ShardCatalog For(ZkvmProgram program, int logShardSize)
    {
        ArgumentNullException.ThrowIfNull(program);
        var budget = ShardBudget.For(logShardSize);
        var shapes = new List<ShardShape>();
        foreach (var entry in budget.LastShardCatalog)
            shapes.Add(CpuShape(program, entry));
        foreach (int accelerator in ZkvmChips.Accelerators)
            for (int tier = ShardBudget.AcceleratorMinLogHeight; tier <= budget.AcceleratorMaxLogHeight(program, accelerator); tier++)
                shapes.Add(AcceleratorShape(program, budget, accelerator, tier));
        foreach (var chunk in (ChipSet[])[ZkvmChips.MemoryChunkShard, ZkvmChips.InputChunkShard])
            for (int tier = ShardBudget.AcceleratorMinLogHeight; tier <= budget.ChunkMaxLogHeight(program, chunk); tier++)
                shapes.Add(ChunkShape(program, budget, chunk, tier));
        return new ShardCatalog(program, logShardSize, Recursion.Aggregation.ZkvmExecutionSummary.Distinct(shapes));
    }

    /// <summary>
    /// The chips of a CPU shard under the budget policy: every CPU-side chip (<see cref="ShardBudget.IsCpuSide"/>: the budgeted
    /// tables, Mul and DivRem as all-zero tables where unused, the byte table, Program and image), nothing else.
    /// </summary>
    public static ChipSet CpuChips { get; } = Enumerable.Range(0, ZkvmChips.Count).Where(ShardBudget.IsCpuSide).Aggregate(new ChipSet(0), (s, c) => s.With(c));

    /// <summary>A CPU shard's shape at <paramref name="budget"/>'s heights (the program's fixed tables at theirs).</summary>
    public static ShardShape CpuShape(ZkvmProgram program, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(budget);
        return new ShardShape(CpuChips, [.. CpuChips.Indices().Select(c => c switch
        {
            ZkvmTable.Program => Log(program.Table.Height),
            ZkvmTable.Image => Log(program.ImageTable.Height),
            _ => budget.LogHeights[c] >= 0 ? budget.LogHeights[c] : throw new InvalidOperationException($"the CPU-side chip {ZkvmChips.All[c].Name} has no budget"),
        })]);
    }

    /// <summary>The shape of an accelerator shard of <paramref name="accelerator"/> whose table has 2^<paramref name="tier"/> rows.</summary>
    public static ShardShape AcceleratorShape(ZkvmProgram program, ShardBudget budget, int accelerator, int tier)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(budget);
        var chips = ZkvmChips.AcceleratorShard(accelerator);
        return new ShardShape(chips, [.. chips.Indices().Select(c => c switch
        {
            ZkvmTable.Program => Log(program.Table.Height),
            ZkvmTable.Image => Log(program.ImageTable.Height),
            ZkvmTable.Bytes => budget.LogHeights[ZkvmTable.Bytes],
            _ => tier,
        })]);
    }

    /// <summary>The shape of a boundary chunk shard (<paramref name="chunkShard"/>: a memory or an input chunk's chips) whose chunk tables have 2^<paramref name="tier"/> rows.</summary>
    public static ShardShape ChunkShape(ZkvmProgram program, ShardBudget budget, ChipSet chunkShard, int tier)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(budget);
        if (!ZkvmChips.IsChunkShard(chunkShard))
            throw new ArgumentException("not a boundary chunk shard's chips", nameof(chunkShard));
        return new ShardShape(chunkShard, [.. chunkShard.Indices().Select(c => c switch
        {
            ZkvmTable.Program => Log(program.Table.Height),
            ZkvmTable.Image => Log(program.ImageTable.Height),
            ZkvmTable.Bytes => budget.LogHeights[ZkvmTable.Bytes],
            _ => tier,
        })]);
    }

    private static int Log(int rows) => System.Numerics.BitOperations.Log2((uint)rows);

    private static string Id(ShardShape shape) => $"{shape.Chips.Bits:x}:{string.Join(',', shape.LogHeights)}";
}
