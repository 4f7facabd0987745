using System.Collections.Concurrent;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// Builds one shard's traces from its execution record: every registry chip's generator, stage 0 (the chips that
/// count byte lookups) before stage 1 (the byte table, which receives them).
/// <para>
/// Two paths, the same traces, public values and counts (ShardTraceParallelTests): the serial reference runs the
/// generators one after another in registry order on one shared <see cref="LookupCounts"/>; the parallel path (the
/// default) runs a stage's generators concurrently, each counting into a worker's own collector, and adds the collectors
/// before the next stage. Nothing else a generator touches is shared and mutable (a worker's <see cref="ShardTraceContext"/>
/// is its own counts and the shard's one <see cref="ShardTraceState"/>, whose register file's pass, syscall rows, store
/// operands and ALU requests are made before the stages; the last shard's memory boundary is computed once, by whichever
/// boundary chip asks first), and the byte table reads only the sums, which do not depend on the order of the additions.
/// </para>
/// </summary>
internal static class ShardTraceBuilder
{
    /// <summary>Whether <see cref="Build"/> runs by default on the parallel path (false: the serial reference everywhere; for measurements and tests).</summary>
    internal static bool ParallelByDefault { get; set; } = true;

    /// <param name="budget">
    /// With a budget (<see cref="ShardShapePolicy.Budget"/>), a shard that is not the last has its CPU-side tables padded to
    /// the budget's heights (<see cref="ShardBudget.Pad"/>), the last shard to those of its catalog entry
    /// (<see cref="ShardBudget.ForLastShard"/>), no shard has an accelerator table (their calls are the accelerator
    /// shards', <see cref="AcceleratorShards"/>) and the last shard has no memory boundary or input commitment (the boundary
    /// chunk shards', <see cref="BoundaryChunks"/>); null: natural heights, accelerators in the shard of their calls.
    /// </param>
    public static ShardTraces Build(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last,
        ShardBudget? budget = null) =>
        Build(program, record, registers, memory, input, last, ParallelByDefault, budget);

    public static ShardTraces Build(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last,
        bool parallel, ShardBudget? budget = null)
    {
        var context = new ShardTraceContext(program, record, registers, memory, input, last, parallel);
        var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
        var publics = new KoalaBear[ZkvmChips.Count][];
        void Generate(ZkvmChip chip, ShardTraceContext c)
        {
            var trace = chip.Generate(c);
            if (trace is null && chip.Presence != ChipPresence.WhenUsed)
                throw new InvalidOperationException($"the {chip.Name} chip's generator gave no trace, but the chip is in every {(last ? "last " : "")}shard");
            // Each chip writes its own slot: no two generators share one.
            (traces[chip.Index], publics[chip.Index]) = (trace?.Trace, trace?.PublicValues ?? []);
        }
        foreach (int stage in (int[])[0, 1])
        {
            // Under a budget no CPU-side shard has an accelerator table: their calls go to accelerator shards
            // (AcceleratorShards), so their generators do not run here and count no byte lookups in this shard.
            // Nor has the last shard the memory boundary and the input commitment: they are the boundary chunk shards'
            // (BoundaryChunks, the chunked mode), so the last shard is a plain CPU shard.
            var chips = ZkvmChips.All.Where(c => c.Stage == stage && c.Allowed(last)
                && !(budget is not null && (ZkvmChips.IsAccelerator(c.Index) || c.Presence == ChipPresence.LastShard))).ToArray();
            if (!parallel || chips.Length == 1)
            {
                foreach (var chip in chips)
                    Generate(chip, context);
                continue;
            }
            // One chip per work item, taken in turn by the workers (a chip's own rows may be split further inside its generator);
            // each worker counts into its own collector, added into the shard's when the worker is done.
            var total = context.Counts;
            Parallel.ForEach(Partitioner.Create(0, chips.Length, 1), () => new LookupCounts(),
                (range, _, local) =>
                {
                    var c = context.WithCounts(local);
                    for (int i = range.Item1; i < range.Item2; i++)
                        Generate(chips[i], c);
                    return local;
                },
                local =>
                {
                    lock (total)
                        total.Add(local);
                });
        }
        // The last shard's CPU-side tables go to the smallest catalog entry that holds them (ShardBudget.ForLastShard).
        if (budget is not null)
            (last ? budget.ForLastShard(traces) : budget).Pad(program, traces);
        return ShardTraces.FromChips(traces, publics);
    }
}
