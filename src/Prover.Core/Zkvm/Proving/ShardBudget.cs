using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The budget vector of the CPU-side tables for shards of 2^<see cref="LogShardSize"/> = 2^k cycles (issue 14 piece (b),
/// docs/design.md "Recursion", "Shard budgets"): the one rule the planner cuts shards by and the trace builder pads them to.
/// CPU and AddSub 2^k rows; Bitwise, Shift, Compare and LoadStore 2^(k−1); Mul 2^(k−2); DivRem and Syscall 2^(k−4) (each at
/// least 2 rows); the byte table 2^16 (every byte pair: it can never pass it). The Program and image tables have their
/// program-fixed heights in every shard already. The last shard's own tables (memory boundaries, input commitment) are not
/// budgeted: they keep their natural heights. No shard has an accelerator table beside the CPU: the accelerators' calls are
/// gathered into accelerator shards of their own at power-of-two tiers (<see cref="AcceleratorMaxLogHeight(ZkvmProgram, int)"/>,
/// <see cref="AcceleratorShards"/>).
/// <para>
/// The last shard (<see cref="ForLastShard"/>) is padded to the budget of 2^j cycles, <see cref="For"/>(j) (the budgets
/// less k − j; the byte table 2^16 in every entry), for the smallest j in [min(<see cref="LastShardFloor"/>, k), k] whose
/// budget holds every natural height of its budgeted tables. Its CPU table has a row per cycle, so 2^j ≥ its cycles; a
/// table fuller than the CPU's share (say more LoadStore rows than 2^(j−1)) moves it to a larger j, and j = k always
/// holds, because the planner cut the shard at the 2^k budget. So the CPU-side part of a last shard is one of
/// 1 + (k − <see cref="LastShardFloor"/>) vectors (<see cref="LastShardCatalog"/>): with the non-last shape (k's, the
/// same vector) a bounded catalog per k, whatever the execution.
/// </para>
/// <para>
/// Each instruction adds at most one row to each budgeted table, known from the instruction alone: a CPU row; the ALU
/// request it sends (<see cref="ShardTraceState.AluRequestOp"/>: its own ALU chip, Compare for an ordered branch, AddSub for
/// JALR, load and store addresses); a LoadStore row for a load or store; a Syscall row for an ECALL. The planner counts
/// those (<see cref="RowLimits"/>) and cuts a shard before an instruction that would pass a budget, so every shard's
/// natural heights are at most the budgets (checked when padding: <see cref="Pad"/> throws otherwise).
/// </para>
/// </summary>
public sealed class ShardBudget
{
    /// <summary>The budgeted chips and log2 of their budget below the shard size (budget = 2^(k − shift), at least 2 rows).</summary>
    private static readonly (int Chip, int Shift)[] Rule =
    [
        (ZkvmTable.Cpu, 0), (ZkvmTable.AddSub, 0),
        (ZkvmTable.Bitwise, 1), (ZkvmTable.Shift, 1), (ZkvmTable.Compare, 1), (ZkvmTable.LoadStore, 1),
        (ZkvmTable.Mul, 2),
        (ZkvmTable.DivRem, 4), (ZkvmTable.Syscall, 4),
    ];

    /// <summary>
    /// The smallest last-shard budget, 2^10 cycles (<see cref="ForLastShard"/>): each entry below it would add a leaf key to
    /// the catalog for almost nothing. Every CPU-side shard has the byte table at 2^16 rows (18 columns: 1.18 M cells) and the
    /// program's tables, while the budgeted tables of <see cref="For"/>(10) are about 234 · 2^10 = 0.24 M cells, so padding a
    /// smaller last shard to 2^10 adds at most a fifth of what the shard costs anyway (docs/design.md, "Shard budgets").
    /// </summary>
    public const int LastShardFloor = 10;

    private readonly int[] _logHeights;

    private ShardBudget(int logShardSize, int[] logHeights) => (LogShardSize, _logHeights) = (logShardSize, logHeights);

    /// <summary>log2 of the shard size in cycles (k).</summary>
    public int LogShardSize { get; }

    /// <summary>The budget's log height of every chip (by chip index; −1: not budgeted).</summary>
    public IReadOnlyList<int> LogHeights => _logHeights;

    /// <summary>Whether chip <paramref name="chip"/> is CPU-side: budgeted, or a fixed table (Program, image) of every shard.</summary>
    public static bool IsCpuSide(int chip) => chip is ZkvmTable.Program or ZkvmTable.Image || Array.Exists(Rule, r => r.Chip == chip) || chip == ZkvmTable.Bytes;

    /// <summary>The budget for shards of 2^<paramref name="logShardSize"/> cycles.</summary>
    public static ShardBudget For(int logShardSize)
    {
        if (logShardSize is < 1 or > 30)
            throw new ArgumentOutOfRangeException(nameof(logShardSize), "log shard size outside 1..30");
        var heights = Enumerable.Repeat(-1, ZkvmChips.Count).ToArray();
        foreach (var (chip, shift) in Rule)
        {
            if (ZkvmChips.All[chip].Presence is not (ChipPresence.Always or ChipPresence.WhenUsed))
                throw new InvalidOperationException($"the {ZkvmChips.All[chip].Name} chip is not in every shard: it cannot be budgeted");
            heights[chip] = Math.Max(1, logShardSize - shift);
        }
        heights[ZkvmTable.Bytes] = ByteTable<KoalaBear>.MaxHeightLog;
        return new ShardBudget(logShardSize, heights);
    }

    /// <summary>
    /// The last shard's catalog entries for this shard size, smallest first: <see cref="For"/>(j) for j from
    /// min(<see cref="LastShardFloor"/>, k) to k (the last one is this budget's vector).
    /// </summary>
    public IReadOnlyList<ShardBudget> LastShardCatalog =>
        [.. Enumerable.Range(Math.Min(LastShardFloor, LogShardSize), LogShardSize - Math.Min(LastShardFloor, LogShardSize) + 1).Select(For)];

    /// <summary>
    /// The budget the last shard is padded to: the first entry of <see cref="LastShardCatalog"/> whose every budgeted table
    /// holds the shard's natural one (<paramref name="traces"/> by chip index, null: absent). This budget when none does
    /// (<see cref="Pad"/> then throws: the planner let a table pass the 2^k budget).
    /// </summary>
    internal ShardBudget ForLastShard(IReadOnlyList<RowMajorMatrix<KoalaBear>?> traces) =>
        LastShardCatalog.FirstOrDefault(b => b.Holds(chip => traces[chip]?.Height ?? 0)) ?? this;

    /// <summary>Whether every budgeted table's <paramref name="rows"/> (by chip index) fit its budget.</summary>
    private bool Holds(Func<int, int> rows)
    {
        for (int chip = 0; chip < _logHeights.Length; chip++)
            if (_logHeights[chip] >= 0 && rows(chip) > 1 << _logHeights[chip])
                return false;
        return true;
    }

    /// <summary>Whether a shard's tables (log heights by chip index, −1: absent) are this budget's: every budgeted table present at exactly its height.</summary>
    public bool IsShapeOf(IReadOnlyList<int> logHeights)
    {
        ArgumentNullException.ThrowIfNull(logHeights);
        for (int chip = 0; chip < _logHeights.Length; chip++)
            if (_logHeights[chip] >= 0 && (chip >= logHeights.Count || logHeights[chip] != _logHeights[chip]))
                return false;
        return true;
    }

    /// <summary>The budget for shards of <paramref name="shardSize"/> cycles (a power of two).</summary>
    public static ShardBudget ForShardSize(long shardSize)
    {
        if (shardSize < 2 || (shardSize & (shardSize - 1)) != 0)
            throw new ArgumentException("the shard size is a power of two of at least 2", nameof(shardSize));
        return For(System.Numerics.BitOperations.Log2((ulong)shardSize));
    }

    /// <summary>log2 of the shortest accelerator shard's table (<see cref="AcceleratorMaxLogHeight"/>).</summary>
    public const int AcceleratorMinLogHeight = 10;

    /// <summary>
    /// The cells (main width × rows, summed over the tables) of a CPU-side shard at the budget: every budgeted table, the byte
    /// table included, at its budget height. The fixed tables (Program, image) are left out: every shard, accelerator shards
    /// too, has them at the same heights.
    /// </summary>
    public long CpuSideCells(ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return CpuSideCells(c => program.Airs[c].Width);
    }

    private long CpuSideCells(Func<int, int> width)
    {
        long cells = 0;
        for (int chip = 0; chip < _logHeights.Length; chip++)
            if (_logHeights[chip] >= 0)
                cells += (long)width(chip) << _logHeights[chip];
        return cells;
    }

    /// <summary>
    /// The accelerator tiers' rule (issue 14 piece (b); docs/design.md, "Accelerator shards"): an accelerator shard of
    /// <paramref name="accelerator"/> has its table at 2^a rows for one a in [<see cref="AcceleratorMinLogHeight"/>, A], A
    /// the tallest log height whose cells (the table's main width × 2^A) stay within a CPU-side shard's
    /// (<see cref="CpuSideCells"/>) at this k, and at least <see cref="AcceleratorMinLogHeight"/> (at small k the one tier
    /// 2^10 may pass a CPU-side shard's cells: tests' and small runs' shards). So an accelerator shard costs at most about
    /// what a CPU-side shard does, and each accelerator has A − 9 shapes per k.
    /// </summary>
    public int AcceleratorMaxLogHeight(ZkvmProgram program, int accelerator)
    {
        ArgumentNullException.ThrowIfNull(program);
        return AcceleratorMaxLogHeight(c => program.Airs[c].Width, accelerator);
    }

    /// <summary><see cref="AcceleratorMaxLogHeight(ZkvmProgram, int)"/> from the chips' main widths (by chip index).</summary>
    public int AcceleratorMaxLogHeight(Func<int, int> width, int accelerator)
    {
        ArgumentNullException.ThrowIfNull(width);
        if (!ZkvmChips.IsAccelerator(accelerator))
            throw new ArgumentOutOfRangeException(nameof(accelerator), $"chip {accelerator} is not an accelerator");
        return MaxTier(CpuSideCells(width), width(accelerator));
    }

    /// <summary>The tallest tier a (at least <see cref="AcceleratorMinLogHeight"/>, at most 2^24) with <paramref name="width"/> × 2^a ≤ <paramref name="cells"/>.</summary>
    private static int MaxTier(long cells, long width)
    {
        int a = AcceleratorMinLogHeight;
        while (a < 24 && width << (a + 1) <= cells)
            a++;
        return a;
    }

    /// <summary>
    /// The tallest tier of a boundary chunk shard's tables (issue 14 piece (b); docs/design.md, "Boundary chunks"): the rule of
    /// <see cref="AcceleratorMaxLogHeight(ZkvmProgram, int)"/> with the chunk's tables (a memory chunk's init and final tables,
    /// both at the tier; an input chunk's one table) as the accelerator: the tallest 2^m, m in [<see cref="AcceleratorMinLogHeight"/>,
    /// 24], whose cells stay within a CPU-side shard's, and at least 2^<see cref="AcceleratorMinLogHeight"/>.
    /// </summary>
    public int ChunkMaxLogHeight(Func<int, int> width, ChipSet chunkShard)
    {
        ArgumentNullException.ThrowIfNull(width);
        if (!ZkvmChips.IsChunkShard(chunkShard))
            throw new ArgumentException($"chips {chunkShard} are not a boundary chunk shard's", nameof(chunkShard));
        long w = chunkShard.Indices().Where(c => c is not (ZkvmTable.Program or ZkvmTable.Bytes or ZkvmTable.Image)).Sum(c => (long)width(c));
        return MaxTier(CpuSideCells(width), w);
    }

    /// <summary><see cref="ChunkMaxLogHeight(Func{int, int}, ChipSet)"/> for <paramref name="program"/>'s AIRs.</summary>
    public int ChunkMaxLogHeight(ZkvmProgram program, ChipSet chunkShard)
    {
        ArgumentNullException.ThrowIfNull(program);
        return ChunkMaxLogHeight(c => program.Airs[c].Width, chunkShard);
    }

    /// <summary>The tier of <paramref name="rows"/> rows: the smallest power of two holding them, at least 2^<see cref="AcceleratorMinLogHeight"/>; throws past <paramref name="max"/>.</summary>
    public static int TierLogHeight(long rows, int max)
    {
        int log = rows <= 1 ? 0 : System.Numerics.BitOperations.Log2((ulong)rows - 1) + 1;
        log = Math.Max(AcceleratorMinLogHeight, log);
        return log <= max ? log : throw new InvalidOperationException($"{rows} rows pass the tallest tier 2^{max} (a chunking bug)");
    }

    /// <summary>
    /// The tier of an accelerator shard whose events fill <paramref name="rows"/> rows: the smallest power of two at least that,
    /// and at least 2^<see cref="AcceleratorMinLogHeight"/>; throws past <see cref="AcceleratorMaxLogHeight"/> (a chunking bug).
    /// </summary>
    public int AcceleratorLogHeight(ZkvmProgram program, int accelerator, long rows)
    {
        int max = AcceleratorMaxLogHeight(program, accelerator);
        int log = rows <= 1 ? 0 : System.Numerics.BitOperations.Log2((ulong)rows - 1) + 1;
        log = Math.Max(AcceleratorMinLogHeight, log);
        return log <= max ? log
            : throw new InvalidOperationException($"{rows} rows of {ZkvmChips.All[accelerator].Name} pass its tallest tier 2^{max} (a chunking bug)");
    }

    /// <summary>
    /// The machine's row limits for <paramref name="program"/>: a counter per budgeted table but the byte table (whose budget
    /// is every pair), and each instruction's rows (see the class comment).
    /// </summary>
    public ShardRowLimits RowLimits(ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var counters = Rule.Select(r => r.Chip).ToArray();
        int Counter(int chip) => Array.IndexOf(counters, chip);
        var rows = program.Table.Rows;
        var masks = new ushort[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var ins = rows[i];
            int mask = 1 << Counter(ZkvmTable.Cpu);
            if (ShardTraceState.AluRequestOp(ins) is { } op)
                mask |= 1 << Counter(AluTable(OpcodeClasses.FamilyOf(op)));
            if (ins.Has(Program.InstructionFlags.Load) || ins.Has(Program.InstructionFlags.Store))
                mask |= 1 << Counter(ZkvmTable.LoadStore);
            if (ins.Has(Program.InstructionFlags.Ecall))
                mask |= 1 << Counter(ZkvmTable.Syscall);
            masks[i] = (ushort)mask;
        }
        return new ShardRowLimits(masks, [.. counters.Select(c => 1 << _logHeights[c])]);
    }

    /// <summary>The table that receives the ALU requests of <paramref name="family"/> (LUI/AUIPC: the add/sub chip).</summary>
    private static int AluTable(AluFamily family) => family switch
    {
        AluFamily.AddSub or AluFamily.UpperImmediate => ZkvmTable.AddSub,
        AluFamily.Bitwise => ZkvmTable.Bitwise,
        AluFamily.Shift => ZkvmTable.Shift,
        AluFamily.Compare => ZkvmTable.Compare,
        AluFamily.Mul => ZkvmTable.Mul,
        AluFamily.DivRem => ZkvmTable.DivRem,
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>
    /// Pads a shard's tables (by chip index; null: absent) to the budget: every budgeted table to exactly its budget height
    /// with zero rows, a budgeted WhenUsed chip without events (Mul, DivRem) as an all-zero table of that height. Zero rows
    /// are these chips' own padding rows — the rows every table already has past its events, whose multiplicities on every
    /// bus are zero and on which the constraints hold (the generators pad with them up to a power of two) — so a padded
    /// table states what the natural one does (docs/design.md, "Shard budgets"). Throws when a table is taller than its budget
    /// (the planner's cut missed a row: a bug).
    /// </summary>
    internal void Pad(ZkvmProgram program, RowMajorMatrix<KoalaBear>?[] traces)
    {
        for (int chip = 0; chip < _logHeights.Length; chip++)
        {
            if (_logHeights[chip] < 0)
                continue;
            int height = 1 << _logHeights[chip];
            var trace = traces[chip];
            int width = program.Airs[chip].Width;
            if (trace is null)
            {
                traces[chip] = new RowMajorMatrix<KoalaBear>(height, width);
                continue;
            }
            if (trace.Height > height)
                throw new InvalidOperationException($"the {ZkvmChips.All[chip].Name} table has {trace.Height} rows, over its budget of {height} (a planner bug)");
            traces[chip] = ZeroPad(trace, height);
        }
    }

    /// <summary>
    /// <paramref name="trace"/> with zero rows appended up to <paramref name="height"/> rows (itself when it has them): for
    /// tables whose padding rows are zero rows (see <see cref="Pad"/>).
    /// </summary>
    internal static RowMajorMatrix<KoalaBear> ZeroPad(RowMajorMatrix<KoalaBear> trace, int height)
    {
        if (trace.Height >= height)
            return trace;
        var values = new KoalaBear[(long)height * trace.Width];
        trace.Values.AsSpan().CopyTo(values);
        return new RowMajorMatrix<KoalaBear>(values, trace.Width);
    }
}
