using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// One boundary chunk shard (the budget policy's chunked mode): a run of the memory boundary's sorted keys
/// (<see cref="Init"/> and <see cref="Final"/>, the same keys; <see cref="Prev"/> the chain value it receives) or a run of
/// the input sponge's pairs (<see cref="FirstPair"/>, <see cref="Pairs"/>), with f (<see cref="IsLastChunk"/>: the last of
/// its chain) and its tier. What phase 2 rebuilds the shard from.
/// </summary>
internal sealed record BoundaryChunk(ChipSet Chips, int LogHeight, bool IsLastChunk)
{
    public IReadOnlyList<MemoryEntry> Init { get; init; } = [];

    public IReadOnlyList<MemoryEntry> Final { get; init; } = [];

    public ulong Prev { get; init; }

    public int FirstPair { get; init; }

    public int Pairs { get; init; }

    public bool IsMemory => Chips == ZkvmChips.MemoryChunkShard;

    /// <summary>Bytes the chunk holds (its entries).</summary>
    public long Bytes => 64 + 2 * 40L * Init.Count;
}

/// <summary>
/// The boundary chunk shards of an execution under <see cref="ShardShapePolicy.Budget"/> (issue 14 piece (b);
/// docs/design.md, "Boundary chunks"): the whole execution's bound memory initialisation and final memory
/// (<see cref="MemoryBoundaries.Entries"/>, keys sorted) cut into runs of at most 2^M keys, each a memory-chunk shard
/// (<see cref="ZkvmChips.MemoryChunkShard"/>, <see cref="MemoryInitChunkAir{F}"/> chained on <see cref="ZkvmBus.KeyChain"/>),
/// then the input commitment's sponge cut into runs of at most 2^M' pairs, each an input-chunk shard
/// (<see cref="ZkvmChips.InputChunkShard"/>, <see cref="InputChunkAir"/> chained on <see cref="ZkvmBus.InputChain"/>); every
/// table padded to its tier (<see cref="ShardBudget.TierLogHeight"/>, M from <see cref="ShardBudget.ChunkMaxLogHeight(ZkvmProgram, ChipSet)"/>).
/// The last shard is then a plain CPU shard. Why the chains are sound: the AIRs' comments; why splitting is: every bus
/// balances over all shards (shared challenges), as for the accelerator shards (<see cref="AcceleratorShards"/>).
/// </summary>
internal static class BoundaryChunks
{
    /// <summary>
    /// The chunks of an execution with the boundary <paramref name="init"/>/<paramref name="final"/> (the same sorted keys) and an
    /// input of <paramref name="inputLength"/> bytes: memory chunks in key order, then input chunks in pair order.
    /// <paramref name="maxLogRows"/> (tests only) caps the rows per chunk below the tier rule's, to cut small executions into
    /// several chunks (tables stay at least 2^<see cref="ShardBudget.AcceleratorMinLogHeight"/> rows).
    /// </summary>
    public static List<BoundaryChunk> Plan(ZkvmProgram program, ShardBudget budget, IReadOnlyList<MemoryEntry> init, IReadOnlyList<MemoryEntry> final,
        int inputLength, int? maxLogRows = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(final);
        if (init.Count != final.Count || init.Count == 0)
            throw new ArgumentException($"the boundary has {init.Count} initial and {final.Count} final entries (the same keys, at least one)");
        var chunks = new List<BoundaryChunk>();
        int memoryMax = budget.ChunkMaxLogHeight(program, ZkvmChips.MemoryChunkShard);
        int keysPerChunk = 1 << Math.Min(memoryMax, maxLogRows ?? memoryMax);
        ulong prev = 0;
        for (int at = 0; at < init.Count; at += keysPerChunk)
        {
            int n = Math.Min(keysPerChunk, init.Count - at);
            var i = init.Skip(at).Take(n).ToArray();
            var f = final.Skip(at).Take(n).ToArray();
            for (int k = 0; k < n; k++)
                if (i[k].Key != f[k].Key)
                    throw new ArgumentException($"the initial and final entries differ in key at {at + k}");
            chunks.Add(new BoundaryChunk(ZkvmChips.MemoryChunkShard, ShardBudget.TierLogHeight(n, memoryMax), at + n == init.Count)
            {
                Init = i,
                Final = f,
                Prev = prev,
            });
            prev = i[^1].Key + 1;
        }
        int inputMax = budget.ChunkMaxLogHeight(program, ZkvmChips.InputChunkShard);
        int pairsPerChunk = 1 << Math.Min(inputMax, maxLogRows ?? inputMax);
        int pairs = InputChunkTrace.Rows(inputLength);
        for (int at = 0; at < pairs; at += pairsPerChunk)
        {
            int n = Math.Min(pairsPerChunk, pairs - at);
            chunks.Add(new BoundaryChunk(ZkvmChips.InputChunkShard, ShardBudget.TierLogHeight(n, inputMax), at + n == pairs) { FirstPair = at, Pairs = n });
        }
        return chunks;
    }

    /// <summary>The shard's chip set and log heights (in the set's order) without building it.</summary>
    public static (ChipSet Chips, int[] LogHeights) Shape(ZkvmProgram program, BoundaryChunk chunk, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(budget);
        int Log(int rows) => System.Numerics.BitOperations.Log2((uint)rows);
        var heights = chunk.Chips.Indices().Select(c => c switch
        {
            ZkvmTable.Program => Log(program.Table.Height),
            ZkvmTable.Image => Log(program.ImageTable.Height),
            ZkvmTable.Bytes => budget.LogHeights[ZkvmTable.Bytes],
            _ => chunk.LogHeight,
        }).ToArray();
        return (chunk.Chips, heights);
    }

    /// <summary>
    /// Builds a chunk shard: its chunk table(s) at the tier (zero padding rows for the memory tables, permutations of zero
    /// for the input chunk: the natural tables' own padding), the byte table of their lookups padded to its budget, the
    /// Program table with zero multiplicities (nothing executes) and the image table inactive (it sends in the last shard).
    /// </summary>
    public static ShardTraces Build(ZkvmProgram program, byte[] input, BoundaryChunk chunk, ShardBudget budget)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(budget);
        int height = 1 << chunk.LogHeight;
        var counts = new LookupCounts();
        var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
        var publics = new KoalaBear[ZkvmChips.Count][];
        for (int c = 0; c < publics.Length; c++)
            publics[c] = [];
        if (chunk.IsMemory)
        {
            traces[ZkvmTable.MemoryInitChunk] = MemoryChunkTrace.GenerateInit<KoalaBear>(chunk.Init, chunk.Prev, height, counts);
            publics[ZkvmTable.MemoryInitChunk] = MemoryChunkTrace.InitPublicValues<KoalaBear>(chunk.IsLastChunk);
            traces[ZkvmTable.MemoryFinalChunk] = MemoryChunkTrace.GenerateFinal<KoalaBear>(chunk.Final, height, counts);
        }
        else
        {
            var air = (InputChunkAir)program.Airs[ZkvmTable.InputChunk];
            traces[ZkvmTable.InputChunk] = InputChunkTrace.Generate(air, input, chunk.FirstPair, chunk.Pairs, height, counts);
            publics[ZkvmTable.InputChunk] = InputChunkTrace.PublicValues(chunk.IsLastChunk);
        }
        traces[ZkvmTable.Program] = program.Table.GenerateTrace([]);
        traces[ZkvmTable.Image] = program.ImageTable.GenerateTrace(active: false);
        publics[ZkvmTable.Image] = ImageTable<KoalaBear>.PublicValues(active: false);
        traces[ZkvmTable.Bytes] = ShardBudget.ZeroPad(new ByteTable<KoalaBear>().GenerateTrace(counts), 1 << budget.LogHeights[ZkvmTable.Bytes]);
        var shard = ShardTraces.FromChips(traces, publics);
        if (shard.Chips != chunk.Chips)
            throw new InvalidOperationException($"a boundary chunk shard has chips {shard.Chips}, not {chunk.Chips}");
        return shard;
    }
}
