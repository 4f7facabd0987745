using System.Numerics;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Cpu;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The table heights of an execution measured at a small probe shard size, from which the heights at any
/// larger shard size are bounded (the input of <see cref="ShardMemoryModel"/>). The probe runs the guest
/// traced in shards of 2^<see cref="LogProbeShardSize"/> cycles and builds every shard's traces (then drops
/// them), keeping each table's height in every probe shard.
/// <para>
/// Bound: a chip table's rows are a sum over the cycles of its shard, so a shard of 2^k ≥ 2^p cycles, which is
/// the union of 2^(k−p) consecutive probe shards (shards start at multiples of their size), has at most as
/// many rows as those probe shards' tables together: the bound is the largest such window sum of the probe
/// heights (each at least its table's rows), rounded up to a power of two, and never more than 2^k. A phase
/// of the execution that fills one chip (the SHA-256 rows of SSZ hashing, the point chips of a KZG check) so
/// counts where it runs, not in every shard. The fixed tables (Program, the byte table) and the last shard's
/// whole-execution tables (memory boundaries, input commitment) do not depend on the shard size: their probe
/// heights are exact. An optional chip with no table in any probe shard has no events in the whole
/// execution, so no table at any shard size: its height is −1 (absent).
/// </para>
/// </summary>
public sealed class ShardProfile
{
    private readonly int[] _probeLogHeights;

    /// <summary>Each probe shard's log height of every chip's table (−1: no table in that shard).</summary>
    private readonly IReadOnlyList<int[]> _perShard;

    private ShardProfile(int logProbeShardSize, long cycles, int[] probeLogHeights, IReadOnlyList<int[]> perShard)
    {
        LogProbeShardSize = logProbeShardSize;
        Cycles = cycles;
        _probeLogHeights = probeLogHeights;
        _perShard = perShard;
    }

    /// <summary>log2 of the probe's shard size.</summary>
    public int LogProbeShardSize { get; }

    /// <summary>Cycles of the execution.</summary>
    public long Cycles { get; }

    /// <summary>Tallest log height of each chip's table (by chip index) over the probe's shards; −1 for a chip absent from all of them.</summary>
    public IReadOnlyList<int> ProbeLogHeights => _probeLogHeights;

    /// <summary>Each probe shard's log height of every chip's table, by chip index (−1: no table in that shard); the last entry is the last shard.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ProbeShardLogHeights => _perShard;

    /// <summary>Whether chip <paramref name="t"/>'s table has the same height at every shard size.</summary>
    public static bool IsShardIndependent(int t) =>
        t is ZkvmTable.Program or ZkvmTable.Image || Chips.ZkvmChips.All[t].Presence == Chips.ChipPresence.LastShard;

    /// <summary>Number of shards of 2^<paramref name="logShardSize"/> cycles.</summary>
    public long Shards(int logShardSize) => Math.Max(1, (Cycles + (1L << logShardSize) - 1) >> logShardSize);

    /// <summary>An upper bound on each chip's table's log height (−1: absent) in shards of 2^<paramref name="logShardSize"/> cycles (see the class comment).</summary>
    public int[] LogHeights(int logShardSize)
    {
        if (logShardSize is < 1 or > 30)
            throw new ArgumentOutOfRangeException(nameof(logShardSize), "log shard size outside 1..30");
        // Shards at least as long as the execution are all the same single shard.
        int whole = Math.Max(LogProbeShardSize, BitOperations.Log2((ulong)Math.Max(2, Cycles) - 1) + 1);
        logShardSize = Math.Min(logShardSize, whole);
        int span = 1 << Math.Max(0, logShardSize - LogProbeShardSize); // probe shards per shard
        var heights = new int[_probeLogHeights.Length];
        for (int t = 0; t < heights.Length; t++)
        {
            int probe = _probeLogHeights[t];
            if (IsShardIndependent(t) || probe < 0)
            {
                heights[t] = probe;
                continue;
            }
            // The fullest window of `span` consecutive probe shards, aligned as the shards of 2^logShardSize are.
            long fullest = 0;
            for (int w = 0; w < _perShard.Count; w += span)
            {
                long rows = 0;
                for (int s = w; s < Math.Min(_perShard.Count, w + span); s++)
                    rows += _perShard[s][t] < 0 ? 0 : 1L << _perShard[s][t];
                fullest = Math.Max(fullest, rows);
            }
            int window = fullest <= 1 ? 0 : BitOperations.Log2((ulong)fullest - 1) + 1;
            heights[t] = Math.Max(probe, Math.Min(logShardSize, window));
            // The byte table has a row per byte pair the shard looks up, which can exceed its cycles (several lookups per
            // cycle) but not the union of the probe shards it spans (the window), and never the 2^16 pairs.
            if (t == ZkvmTable.Bytes)
                heights[t] = Math.Max(probe, Math.Min(Tables.ByteTable<KoalaBear>.MaxHeightLog, window));
        }
        return heights;
    }

    /// <summary>Runs <paramref name="program"/> on <paramref name="input"/> traced in shards of 2^<paramref name="logProbeShardSize"/> cycles and measures the table heights.</summary>
    /// <param name="policy">
    /// <see cref="ShardShapePolicy.Budget"/>: the shards the prover makes under that policy (cut at the budgets, padded to them
    /// but the last; for <c>prover shapes</c>, not for a probe of the memory model).
    /// </param>
    public static ShardProfile Probe(ZkvmProgram program, byte[] input, int logProbeShardSize, long maxCycles,
        ShardShapePolicy policy = ShardShapePolicy.Natural)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        if (logProbeShardSize is < 1 or > 24)
            throw new ArgumentOutOfRangeException(nameof(logProbeShardSize), "probe shard size outside 2^1..2^24");
        var heights = Enumerable.Repeat(-1, Chips.ZkvmChips.Count).ToArray();
        var perShard = new List<int[]>();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        var budget = policy == ShardShapePolicy.Budget ? ShardBudget.For(logProbeShardSize) : null;
        // The accelerator shards the prover makes under the budget, measured by their shapes (not built: a tall Keccak-f
        // table is the most expensive trace of a run), placed before the last shard as the prover places them.
        var accelerators = budget is null ? null : new AcceleratorShards(program, budget);
        using var machine = new Machine.Machine(program.Program, input,
            new MachineOptions { ShardSize = 1L << logProbeShardSize, MaxCycles = maxCycles, RowLimits = budget?.RowLimits(program) });
        ExecutionRecord? pending = null;
        void Measure(ExecutionRecord record, bool last)
        {
            var shard = ShardTraceBuilder.Build(program, record, registers, memory, input, last, budget);
            if (!last)
                accelerators?.Add(record);
            Measured(shard.Chips, shard.LogHeights);
            machine.Recycle(record);
        }
        void Measured(Chips.ChipSet chipSet, int[] logHeights)
        {
            var chips = chipSet.Indices();
            var these = Enumerable.Repeat(-1, Chips.ZkvmChips.Count).ToArray();
            for (int i = 0; i < chips.Length; i++)
            {
                heights[chips[i]] = Math.Max(heights[chips[i]], logHeights[i]);
                these[chips[i]] = logHeights[i];
            }
            perShard.Add(these);
        }
        // A record is built once the next one arrives: only then is it known not to be the last.
        var result = machine.RunTraced(record =>
        {
            if (pending is not null)
                Measure(pending, last: false);
            pending = record;
        });
        if (pending is null)
            throw new InvalidOperationException("the traced run produced no shard");
        if (accelerators is not null)
        {
            accelerators.Add(pending);
            foreach (var chunk in accelerators.Chunks)
            {
                var (chips, logHeights) = AcceleratorShards.Shape(program, chunk, budget!);
                Measured(chips, logHeights);
            }
        }
        if (budget is not null)
        {
            // The boundary chunk shards (by their shapes) before the last shard, whose traces complete the boundary.
            var last = ShardTraceBuilder.Build(program, pending, registers, memory, input, last: true, budget);
            var (init, final) = memory.Entries(registers);
            foreach (var chunk in BoundaryChunks.Plan(program, budget, init, final, input.Length))
            {
                var (chips, logHeights) = BoundaryChunks.Shape(program, chunk, budget);
                Measured(chips, logHeights);
            }
            Measured(last.Chips, last.LogHeights);
            machine.Recycle(pending);
        }
        else
        {
            Measure(pending, last: true);
        }
        return new ShardProfile(logProbeShardSize, result.Cycles, heights, perShard);
    }
}
