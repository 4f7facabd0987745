using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// Peak-memory model of proving an execution shard by shard (docs/design.md, "Shard size from a memory
/// budget"), and the shard size it implies for a budget. Counted in field elements (4 bytes), per table
/// t with main width w, LogUp columns c (extension), 2^k quotient chunks, N rows (a bound from
/// <see cref="ShardProfile"/>) and blowup B, extension degree D, S shards:
/// <list type="bullet">
/// <item>held for the whole proof: each shard's checkpoint (<see cref="CheckpointBytesPerCycle"/> per cycle of the
/// execution: the prover keeps no shard's traces between its phases, docs/design.md "Shard retention between the
/// phases"), the preprocessed traces and LDEs with their tree (two proving keys: the shards' and the last shard's);</item>
/// <item>one shard's traces Σ w·N, and two shards' execution records (<see cref="RecordBytesPerCycle"/> per cycle of
/// the shard: the one whose traces are built and the one the machine fills next);</item>
/// <item>one shard's proof at its peak (DEEP batching and FRI, when everything committed is alive): the
/// LDEs Σ (w + D·c + D·2^k)·N·B, the LogUp traces and quotient coefficients Σ D·(c + 2^k)·N, one Merkle
/// tree per commitment (2·N_max·B digests of L elements each: 8, or 12 for provable-128) and the DEEP/FRI codewords (about
/// 6·D·N_max·B: one reduced codeword and one sum per opening point per height, the FRI layers).</item>
/// </list>
/// The sum is multiplied by <see cref="GcOverhead"/> for garbage the GC has not returned yet (large-object
/// arrays of the previous phase); the factor comes from measured peaks (docs/benchmarks.md).
/// </summary>
public static class ShardMemoryModel
{
    /// <summary>Smallest and largest log2 shard size the automatic choice considers.</summary>
    public const int MinLogShardSize = 10, MaxLogShardSize = 22;

    /// <summary>log2 of the probe's shard size (<see cref="ShardProfile"/>): small enough that its records and traces are cheap.</summary>
    public const int ProbeLogShardSize = 16;

    /// <summary>Bytes of execution record (events of every chip) per traced cycle, kept until the shard's traces are built.</summary>
    public const long RecordBytesPerCycle = 96;

    /// <summary>
    /// Bytes of re-execution checkpoint (<see cref="ShardCheckpoint"/>: 24 per double word the shard touches) per cycle, kept
    /// from phase 1 to phase 2 for every shard. Measured (docs/benchmarks.md, "Shard retention between the phases"): at most
    /// 0.08 on the point-evaluation block and 0.02 on bigmul; 1 leaves room for executions that touch more memory per cycle.
    /// </summary>
    public const double CheckpointBytesPerCycle = 1;

    /// <summary>
    /// Measured peak working set over the modelled live bytes (docs/benchmarks.md, "Shard retention between the phases"):
    /// with the checkpoint retention, bigmul in 4 × 2^18 cycles peaked at 3.47 GB and the point-evaluation block in
    /// 7 × 2^20 at 15.8 GB (under a 15 GiB heap limit), 1.63× and 1.55× what the model gave with 1.8 (the factor fitted to
    /// the former retention, 1.5 before that); 3.0 covers both.
    /// </summary>
    public const double GcOverhead = 3.0;

    /// <summary>Share of the machine's available memory the default budget uses (the rest: runtime, JIT, other processes).</summary>
    public const double DefaultBudgetShare = 0.75;

    /// <summary>The default budget: <see cref="DefaultBudgetShare"/> of the memory available to this process (physical memory or the container's limit).</summary>
    public static long DefaultBudgetBytes() => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultBudgetShare);

    /// <summary>The shape of one table as the model needs it.</summary>
    public readonly record struct TableShape(int Width, int PreprocessedWidth, int LogUpColumns, int LogQuotientChunks);

    /// <summary>The shapes of <paramref name="airs"/>.</summary>
    public static TableShape[] Shapes(IReadOnlyList<IAir<KoalaBear>> airs)
    {
        ArgumentNullException.ThrowIfNull(airs);
        var shapes = new TableShape[airs.Count];
        for (int t = 0; t < airs.Count; t++)
        {
            var compiled = new CompiledAir<KoalaBear>(airs[t]);
            shapes[t] = new TableShape(compiled.Width, compiled.Air.PreprocessedWidth, compiled.LogUpColumns, compiled.LogQuotientChunks);
        }
        return shapes;
    }

    /// <summary>
    /// Modelled peak bytes of proving <paramref name="cycles"/> cycles in <paramref name="shards"/> shards whose
    /// tables <paramref name="shapes"/> are at most 2^<paramref name="logHeights"/> rows (see the class comment); a shard
    /// runs at most ⌈cycles / shards⌉ cycles.
    /// </summary>
    public static long EstimatePeakBytes(IReadOnlyList<TableShape> shapes, IReadOnlyList<int> logHeights, long shards, long cycles,
        int extensionDegree, int logBlowup, int digestElements = 8)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(logHeights);
        if (shapes.Count != logHeights.Count)
            throw new ArgumentException("one height per table");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        ArgumentOutOfRangeException.ThrowIfNegative(cycles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(extensionDegree);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(digestElements);
        if (logBlowup is < 0 or > 8)
            throw new ArgumentOutOfRangeException(nameof(logBlowup), "log blowup outside 0..8");
        double d = extensionDegree, blowup = 1L << logBlowup;
        double traces = 0, ldes = 0, aux = 0, preprocessed = 0, maxRows = 0;
        for (int t = 0; t < shapes.Count; t++)
        {
            var s = shapes[t];
            if (logHeights[t] == -1)
                continue; // a chip absent from every shard (ShardProfile)
            if (logHeights[t] is < 0 or > 30)
                throw new ArgumentOutOfRangeException(nameof(logHeights), "log height outside 0..30 (or −1: absent)");
            double n = 1L << logHeights[t];
            maxRows = Math.Max(maxRows, n);
            double chunks = 1L << s.LogQuotientChunks;
            traces += s.Width * n;
            ldes += (s.Width + d * s.LogUpColumns + d * chunks) * n * blowup;
            aux += d * (s.LogUpColumns + chunks) * n;
            preprocessed += s.PreprocessedWidth * n * (blowup + 1);
        }
        double tallest = maxRows * blowup;
        double trees = 3 * 2 * tallest * digestElements; // main, LogUp and quotient trees: 2·leaves digests of L elements
        double preprocessedTree = 2 * tallest * digestElements;
        double deepAndFri = 6 * d * tallest;
        double elements = traces + 2 * (preprocessed + preprocessedTree) + ldes + aux + trees + deepAndFri;
        double shardCycles = Math.Ceiling((double)cycles / shards);
        double bytes = elements * 4 * GcOverhead + 2 * shardCycles * RecordBytesPerCycle + cycles * CheckpointBytesPerCycle;
        return bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }

    /// <summary>Modelled peak bytes of proving the execution <paramref name="profile"/> measured in shards of 2^<paramref name="logShardSize"/>.</summary>
    /// <remarks>
    /// Under <see cref="ShardShapePolicy.Budget"/> (<see cref="EstimateBudgetPeakBytes"/>) the peak is the larger of a CPU-side
    /// shard's and the accelerator shards'; the shard count stays the cycle count's, which the budget cuts only raise (the peak
    /// is one shard's).
    /// </remarks>
    public static long EstimatePeakBytes(IReadOnlyList<TableShape> shapes, ShardProfile profile, int logShardSize, int extensionDegree, int logBlowup,
        int digestElements = 8, ShardShapePolicy policy = ShardShapePolicy.Natural)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var heights = profile.LogHeights(logShardSize);
        return policy == ShardShapePolicy.Budget
            ? EstimateBudgetPeakBytes(shapes, heights, logShardSize, profile.Shards(logShardSize), profile.Cycles, extensionDegree, logBlowup, digestElements)
            : EstimatePeakBytes(shapes, heights, profile.Shards(logShardSize), profile.Cycles, extensionDegree, logBlowup, digestElements);
    }

    /// <summary>
    /// The modelled peak under <see cref="ShardShapePolicy.Budget"/> for tables at most 2^<paramref name="logHeights"/> rows (the
    /// natural heights, by chip index): the larger of a CPU-side shard's — every table but the accelerators, the budgeted ones
    /// at least at their budgets — and each used accelerator's shard's: the fixed tables, the byte table at its budget and the
    /// accelerator at its natural height clamped to its tiers (2^10 … 2^A, <see cref="ShardBudget.AcceleratorMaxLogHeight(Func{int, int}, int)"/>:
    /// no accelerator shard is taller), and the boundary chunk shards' likewise (the last shard has no boundary tables).
    /// </summary>
    public static long EstimateBudgetPeakBytes(IReadOnlyList<TableShape> shapes, IReadOnlyList<int> logHeights, int logShardSize, long shards, long cycles,
        int extensionDegree, int logBlowup, int digestElements = 8)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(logHeights);
        if (shapes.Count != logHeights.Count)
            throw new ArgumentException("one height per table");
        var budget = ShardBudget.For(logShardSize);
        var cpuSide = new int[logHeights.Count];
        for (int t = 0; t < cpuSide.Length; t++)
            cpuSide[t] = ZkvmChips.IsAccelerator(t) || ZkvmChips.All[t].Presence is ChipPresence.LastShard or ChipPresence.ChunkShard ? -1
                : Math.Max(logHeights[t], budget.LogHeights[t]);
        long peak = EstimatePeakBytes(shapes, cpuSide, shards, cycles, extensionDegree, logBlowup, digestElements);
        // The boundary chunk shards (the chunked mode): the memory chunk's init and final tables (the natural boundary's
        // widths and heights: the chunk tables are as wide, less the five chain columns), the input chunk's table, each at
        // its natural height clamped to the chunk tiers (BoundaryChunks: no chunk shard is taller).
        foreach (var (chunkShard, natural) in new[] { (ZkvmChips.MemoryChunkShard, ZkvmTable.MemoryInit), (ZkvmChips.InputChunkShard, ZkvmTable.InputCommit) })
        {
            if (logHeights[natural] < 0)
                continue;
            int max = budget.ChunkMaxLogHeight(c => shapes[c].Width, chunkShard);
            var shard = Enumerable.Repeat(-1, logHeights.Count).ToArray();
            (shard[ZkvmTable.Program], shard[ZkvmTable.Image]) = (logHeights[ZkvmTable.Program], logHeights[ZkvmTable.Image]);
            shard[ZkvmTable.Bytes] = budget.LogHeights[ZkvmTable.Bytes];
            foreach (int c in chunkShard.Indices().Where(c => ZkvmChips.All[c].Presence == ChipPresence.ChunkShard))
                shard[c] = Math.Clamp(logHeights[natural], ShardBudget.AcceleratorMinLogHeight, max);
            peak = Math.Max(peak, EstimatePeakBytes(shapes, shard, shards, cycles, extensionDegree, logBlowup, digestElements));
        }
        foreach (int a in ZkvmChips.Accelerators)
        {
            if (logHeights[a] < 0)
                continue;
            var shard = Enumerable.Repeat(-1, logHeights.Count).ToArray();
            (shard[ZkvmTable.Program], shard[ZkvmTable.Image]) = (logHeights[ZkvmTable.Program], logHeights[ZkvmTable.Image]);
            shard[ZkvmTable.Bytes] = budget.LogHeights[ZkvmTable.Bytes];
            shard[a] = Math.Clamp(logHeights[a], ShardBudget.AcceleratorMinLogHeight, budget.AcceleratorMaxLogHeight(c => shapes[c].Width, a));
            peak = Math.Max(peak, EstimatePeakBytes(shapes, shard, shards, cycles, extensionDegree, logBlowup, digestElements));
        }
        return peak;
    }

    /// <summary>
    /// The largest log2 shard size in [<see cref="MinLogShardSize"/>, <paramref name="maxLogShardSize"/>] whose modelled peak
    /// fits <paramref name="budgetBytes"/>; shard sizes beyond the execution's length are not considered (they
    /// change nothing). Throws <see cref="InsufficientMemoryException"/> when even the smallest does not fit.
    /// </summary>
    public static int ChooseLogShardSize(IReadOnlyList<TableShape> shapes, ShardProfile profile, int extensionDegree, int logBlowup, long budgetBytes,
        int maxLogShardSize = MaxLogShardSize, int digestElements = 8, ShardShapePolicy policy = ShardShapePolicy.Natural)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        if (maxLogShardSize is < MinLogShardSize or > MaxLogShardSize)
            throw new ArgumentOutOfRangeException(nameof(maxLogShardSize), $"outside {MinLogShardSize}..{MaxLogShardSize}");
        int needed = Math.Max(MinLogShardSize, BitOperations.Log2((ulong)Math.Max(2, profile.Cycles) - 1) + 1);
        for (int log = Math.Min(maxLogShardSize, needed); log >= MinLogShardSize; log--)
            if (EstimatePeakBytes(shapes, profile, log, extensionDegree, logBlowup, digestElements, policy) <= budgetBytes)
                return log;
        long smallest = EstimatePeakBytes(shapes, profile, MinLogShardSize, extensionDegree, logBlowup, digestElements, policy);
        throw new InsufficientMemoryException(
            $"proving {profile.Cycles:N0} cycles needs about {smallest / (1024.0 * 1024 * 1024):F1} GiB even in shards of 2^{MinLogShardSize} cycles; " +
            $"the memory budget is {budgetBytes / (1024.0 * 1024 * 1024):F1} GiB");
    }
}
