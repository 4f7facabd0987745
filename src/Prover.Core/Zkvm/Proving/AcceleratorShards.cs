using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.EllipticCurve;
using Prover.Core.Zkvm.Keccak;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.ModMul;
using Prover.Core.Zkvm.Sha256;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// One accelerator shard's events: the accelerator chip and its calls, in execution order, held in a record that has only
/// them (what the shard's rebuild in phase 2 needs: the events, not the traces).
/// </summary>
internal sealed class AcceleratorChunk
{
    public AcceleratorChunk(int chip)
    {
        Chip = chip;
        Events = new ExecutionRecord(0, new ShardStart(0, 0, []));
    }

    /// <summary>The accelerator (<see cref="ZkvmChips.IsAccelerator"/>).</summary>
    public int Chip { get; }

    /// <summary>The chunk's events, in the record's list for <see cref="Chip"/> (the modmul and point chips: only that chip's).</summary>
    public ExecutionRecord Events { get; }

    /// <summary>Calls in the chunk.</summary>
    public int Count { get; private set; }

    /// <summary>Rows the calls fill (<see cref="AcceleratorShards.RowsPerEvent"/> each).</summary>
    public long Rows => (long)Count * AcceleratorShards.RowsPerEvent(Chip);

    /// <summary>Bytes the chunk holds, roughly (an event's witness: state, pointers, accesses).</summary>
    public long Bytes => Count * (Chip == ZkvmTable.Keccak ? 25L * 8 * 3 + 48 : 64L * 8);

    public void Add(KeccakPermuteEvent e) => Added(() => Events.KeccakPermutes.Add(e));

    public void Add(Sha256CompressEvent e) => Added(() => Events.Sha256Compresses.Add(e));

    public void Add(ModMulEvent e) => Added(() => Events.ModMuls.Add(e));

    public void Add(WeierstrassEvent e) => Added(() => Events.WeierstrassOps.Add(e));

    private void Added(Action add)
    {
        add();
        Count++;
    }
}

/// <summary>
/// The accelerator shards of an execution under <see cref="ShardShapePolicy.Budget"/> (issue 14 piece (b); docs/design.md,
/// "Accelerator shards"): every accelerator's calls of the whole execution, gathered in execution order into chunks of at
/// most 2^A rows (<see cref="ShardBudget.AcceleratorMaxLogHeight"/>), each chunk one shard holding the fixed tables and that
/// accelerator's table at its tier (<see cref="ShardBudget.AcceleratorLogHeight"/>). The CPU-side shards then hold no
/// accelerator table (<see cref="ShardTraceBuilder"/>).
/// <para>
/// Why splitting is sound: every bus balances over all shards, not per shard — the LogUp challenges are shared (drawn once
/// from every shard's commitment), each shard proves its bus sum and the verifier checks that the sums of all shards and
/// its own tuples add to zero. The syscall chip's send of a call (ts, pointers) in a CPU-side shard and the accelerator's
/// receive of it in an accelerator shard then cancel as they do inside one shard; the accelerator's memory accesses
/// consume and produce (key, value, ts) at the call's absolute timestamp (4·clk + slot, not relative to any shard), so the
/// memory argument, whose boundary (MemoryInit, MemoryFinal) is the whole execution's in the last shard, sees the same
/// multiset; its byte lookups are counted into its own shard's byte table. Dropping an accelerator shard leaves the
/// syscall chip's sends (and the memory accesses) unmatched; a tampered row either breaks the chip's AIR or changes a
/// bus tuple so the sums no longer cancel.
/// </para>
/// </summary>
internal sealed class AcceleratorShards
{
    private readonly ZkvmProgram _program;
    private readonly List<AcceleratorChunk>[] _chunks; // by position in ZkvmChips.Accelerators, in execution order
    private readonly int[] _capacity; // calls per chunk
    private readonly ulong[] _numbers; // the modmul chips' limb counts and the point chips' syscall numbers

    public AcceleratorShards(ZkvmProgram program, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(budget);
        _program = program;
        var accelerators = ZkvmChips.Accelerators;
        _chunks = [.. accelerators.Select(_ => new List<AcceleratorChunk>())];
        _capacity = [.. accelerators.Select(c => (int)((1L << budget.AcceleratorMaxLogHeight(program, c)) / RowsPerEvent(c)))];
        _numbers = [.. accelerators.Select(c => program.Airs[c] switch
        {
            ModMulAir<KoalaBear> m => (ulong)m.Layout.Limbs,
            WeierstrassAir<KoalaBear> w => w.Number,
            _ => 0UL,
        })];
    }

    /// <summary>Rows of the accelerator's table per call: 24 for Keccak-f, 64 for a SHA-256 compression, 1 for the others.</summary>
    public static int RowsPerEvent(int chip) => chip switch
    {
        ZkvmTable.Keccak => KeccakCols.RowsPerPermutation,
        ZkvmTable.Sha256 => Sha256Cols.RowsPerCompression,
        _ when ZkvmChips.IsAccelerator(chip) => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(chip), $"chip {chip} is not an accelerator"),
    };

    /// <summary>
    /// Takes <paramref name="record"/>'s accelerator calls (call it for every shard record, in order, before the record is
    /// recycled: the events are kept, the record's lists are not).
    /// </summary>
    public void Add(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var accelerators = ZkvmChips.Accelerators;
        for (int a = 0; a < accelerators.Count; a++)
        {
            int chip = accelerators[a];
            switch (chip)
            {
                case ZkvmTable.Keccak:
                    foreach (var e in record.KeccakPermutes)
                        Open(a).Add(e);
                    break;
                case ZkvmTable.Sha256:
                    foreach (var e in record.Sha256Compresses)
                        Open(a).Add(e);
                    break;
                case ZkvmTable.ModMul256 or ZkvmTable.ModMul384:
                    foreach (var e in record.ModMuls)
                        if ((ulong)e.Limbs == _numbers[a])
                            Open(a).Add(e);
                    break;
                default:
                    foreach (var e in record.WeierstrassOps)
                        if (e.Number == _numbers[a])
                            Open(a).Add(e);
                    break;
            }
        }
    }

    /// <summary>The chunk the next call of accelerator <paramref name="a"/> goes to: the last one, or a new one when it is full.</summary>
    private AcceleratorChunk Open(int a)
    {
        var chunks = _chunks[a];
        if (chunks.Count == 0 || chunks[^1].Count == _capacity[a])
            chunks.Add(new AcceleratorChunk(ZkvmChips.Accelerators[a]));
        return chunks[^1];
    }

    /// <summary>Every chunk so far: the accelerators in registry order, each one's chunks in execution order (the shards' order).</summary>
    public IReadOnlyList<AcceleratorChunk> Chunks => [.. _chunks.SelectMany(c => c)];

    /// <summary>
    /// The shard's chip set and log heights (in the set's order) without building it: Program and image at their
    /// program-fixed heights, the byte table at its budget, the accelerator at its tier.
    /// </summary>
    public static (ChipSet Chips, int[] LogHeights) Shape(ZkvmProgram program, AcceleratorChunk chunk, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(budget);
        return ShapeAt(program, chunk.Chip, budget.AcceleratorLogHeight(program, chunk.Chip, chunk.Rows), budget);
    }

    /// <summary>The shape (<see cref="Shape"/>) of an accelerator shard of <paramref name="accelerator"/> at the tier 2^<paramref name="logHeight"/>.</summary>
    internal static (ChipSet Chips, int[] LogHeights) ShapeAt(ZkvmProgram program, int accelerator, int logHeight, ShardBudget budget)
    {
        var chips = ZkvmChips.AcceleratorShard(accelerator);
        int Log(int rows) => System.Numerics.BitOperations.Log2((uint)rows);
        var heights = chips.Indices().Select(c => c switch
        {
            ZkvmTable.Program => Log(program.Table.Height),
            ZkvmTable.Image => Log(program.ImageTable.Height),
            ZkvmTable.Bytes => budget.LogHeights[ZkvmTable.Bytes],
            _ => logHeight,
        }).ToArray();
        return (chips, heights);
    }

    /// <summary>
    /// The chunk an accelerator shard job's calls make, taken through the prover's own gathering (<see cref="Add"/>) so the
    /// job can only name what the single-process prover would have built: every call must be the job's accelerator's (a call
    /// of another type, a modmul of other limbs or a point operation of another syscall would open a chunk of its own), all
    /// must fit one chunk (at most 2^A rows), be in execution order (strictly increasing clk: one call per ECALL), and the
    /// job's tier must be the one <see cref="ShardBudget.AcceleratorLogHeight"/> gives their rows.
    /// <see cref="InvalidOperationException"/> otherwise (a corrupt job or coordinator).
    /// </summary>
    internal static AcceleratorChunk ChunkOf(ZkvmProgram program, AcceleratorShardCalls calls, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(budget);
        if (!ZkvmChips.IsAccelerator(calls.Chip))
            throw new InvalidOperationException($"chip {calls.Chip} is not an accelerator");
        var record = new ExecutionRecord(0, new ShardStart(0, 0, []));
        record.KeccakPermutes.AddRange(calls.KeccakPermutes);
        record.Sha256Compresses.AddRange(calls.Sha256Compresses);
        record.ModMuls.AddRange(calls.ModMuls);
        record.WeierstrassOps.AddRange(calls.WeierstrassOps);
        var collector = new AcceleratorShards(program, budget);
        collector.Add(record);
        var chunks = collector.Chunks;
        if (chunks.Count != 1 || chunks[0].Chip != calls.Chip || chunks[0].Count != calls.Count)
            throw new InvalidOperationException($"the job's {calls.Count} calls are not one chunk of {ZkvmChips.All[calls.Chip].Name} calls " +
                $"({chunks.Count} chunk(s) of {string.Join(", ", chunks.Select(c => $"{c.Count} {ZkvmChips.All[c.Chip].Name}"))})");
        var clocks = calls.KeccakPermutes.Select(e => e.Clk).Concat(calls.Sha256Compresses.Select(e => e.Timestamp))
            .Concat(calls.ModMuls.Select(e => e.Timestamp)).Concat(calls.WeierstrassOps.Select(e => e.Timestamp)).ToArray();
        for (int i = 1; i < clocks.Length; i++)
            if (clocks[i] <= clocks[i - 1])
                throw new InvalidOperationException($"the job's calls are not in execution order (clk {clocks[i]} after {clocks[i - 1]})");
        int tier = budget.AcceleratorLogHeight(program, calls.Chip, chunks[0].Rows);
        if (calls.LogHeight != tier)
            throw new InvalidOperationException($"the job's tier is 2^{calls.LogHeight} rows, its {calls.Count} calls' is 2^{tier}");
        return chunks[0];
    }

    /// <summary>
    /// Builds an accelerator shard: the accelerator's table from the chunk's calls padded with the chip's own padding rows
    /// to its tier (Keccak-f and SHA-256: permutations and compressions of zero that export nothing; the modmul and point
    /// chips: zero rows, on which every multiplicity is zero — the padding the generators already append up to a power of
    /// two), the byte table of its lookups padded with zero rows to its budget (as <see cref="ShardBudget.Pad"/>), the Program
    /// table with zero multiplicities (no instruction executes here) and the image table inactive (it sends in the last
    /// shard only).
    /// </summary>
    public static ShardTraces Build(ZkvmProgram program, AcceleratorChunk chunk, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(budget);
        if (chunk.Count == 0)
            throw new ArgumentException("an accelerator shard has at least one call", nameof(chunk));
        int chip = chunk.Chip;
        int height = 1 << budget.AcceleratorLogHeight(program, chip, chunk.Rows);
        var counts = new LookupCounts();
        var e = chunk.Events;
        ulong codeEnd = program.Program.CodeEnd;
        var trace = program.Airs[chip] switch
        {
            KeccakAir<KoalaBear> => KeccakTrace.Generate<KoalaBear>(e.KeccakPermutes, codeEnd, counts, height),
            Sha256Air<KoalaBear> => Sha256Trace.Generate<KoalaBear>(e.Sha256Compresses, codeEnd, counts, height),
            ModMulAir<KoalaBear> m => ShardBudget.ZeroPad(ModMulTrace.Generate(m, e.ModMuls, counts), height),
            WeierstrassAir<KoalaBear> w => ShardBudget.ZeroPad(WeierstrassTrace.Generate(w, e.WeierstrassOps, counts), height),
            var air => throw new InvalidOperationException($"no accelerator shard for the {air.Name} chip"),
        };
        if (trace.Height != height)
            throw new InvalidOperationException($"the {ZkvmChips.All[chip].Name} table has {trace.Height} rows, not its tier's {height}");
        var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
        var publics = new KoalaBear[ZkvmChips.Count][];
        for (int c = 0; c < publics.Length; c++)
            publics[c] = [];
        traces[chip] = trace;
        traces[ZkvmTable.Program] = program.Table.GenerateTrace([]);
        traces[ZkvmTable.Image] = program.ImageTable.GenerateTrace(active: false);
        publics[ZkvmTable.Image] = ImageTable<KoalaBear>.PublicValues(active: false);
        // Stage 1 after the accelerator (stage 0): the byte table receives the lookups it counted.
        traces[ZkvmTable.Bytes] = ShardBudget.ZeroPad(new ByteTable<KoalaBear>().GenerateTrace(counts), 1 << budget.LogHeights[ZkvmTable.Bytes]);
        var shard = ShardTraces.FromChips(traces, publics);
        if (shard.Chips != ZkvmChips.AcceleratorShard(chip))
            throw new InvalidOperationException($"an accelerator shard of {ZkvmChips.All[chip].Name} has chips {shard.Chips}");
        return shard;
    }
}
