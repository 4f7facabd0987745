using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The bus-count bound of an execution proof (<see cref="BusBudget"/>, docs/zkvm.md "Bus multiplicity
/// bound"). All shards share the LogUp challenges, so every bus is one sum over the whole execution: the
/// bound is over all shards' tables at their claimed heights plus the verifier's own tuples (one per output
/// byte on Output, one Halt; the initial memory is the image table's, a table of every shard). The verifier checks it
/// before any other work on the shards; the prover checks it before committing anything.
/// </summary>
public static class ZkvmBusBudget
{
    /// <summary>The tuples the verifier adds to each bus itself (<see cref="ZkvmStatement.PublicBusSum{TDef}"/>).</summary>
    /// <param name="chunked">The chunked mode (<see cref="ZkvmChips.IsChunkedMode"/>): the verifier's two tuples on each chain bus too (<see cref="ZkvmChainEnds"/>).</param>
    public static Dictionary<int, long> PublicCounts(ZkvmProgram program, long outputLength, bool chunked = false)
    {
        ArgumentNullException.ThrowIfNull(program);
        // The initial memory (InitialValue) is the image table's: counted with the shards' tables.
        var counts = new Dictionary<int, long>
        {
            [ZkvmBus.Output] = outputLength,
            [ZkvmBus.Halt] = 1,
        };
        if (chunked)
        {
            counts[ZkvmBus.KeyChain] = 2;
            counts[ZkvmBus.InputChain] = 2;
        }
        return counts;
    }

    /// <summary>Whether shards with <paramref name="shardChips"/> (the last one last) are in chunked mode.</summary>
    private static bool Chunked(IReadOnlyList<ChipSet> shardChips) => shardChips.Count > 0 && ZkvmChips.IsChunkedMode(shardChips[^1]);

    /// <summary>Whether an execution whose shards take <paramref name="shapes"/> is in chunked mode: no shape has the natural MemoryInit.</summary>
    private static bool Chunked(IReadOnlyList<ShardShape> shapes) => !shapes.Any(s => s.Chips.Contains(ZkvmTable.MemoryInit));

    /// <summary>The statement's tables: every shard's chips' AIRs at the given heights.</summary>
    public static List<BusBudget.Table<KoalaBear>> Tables(ZkvmProgram program, IReadOnlyList<ChipSet> shardChips, IReadOnlyList<int[]> shardLogHeights)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(shardChips);
        ArgumentNullException.ThrowIfNull(shardLogHeights);
        if (shardChips.Count != shardLogHeights.Count)
            throw new ArgumentException($"{shardChips.Count} chip sets for {shardLogHeights.Count} shards");
        var tables = new List<BusBudget.Table<KoalaBear>>();
        for (int s = 0; s < shardLogHeights.Count; s++)
        {
            var airs = program.CompiledAirsOf(shardChips[s]);
            var heights = shardLogHeights[s];
            if (heights.Length != airs.Count)
                throw new ArgumentException($"shard {s} has {heights.Length} heights for {airs.Count} tables");
            for (int t = 0; t < airs.Count; t++)
                tables.Add(new BusBudget.Table<KoalaBear>(airs[t], heights[t]));
        }
        return tables;
    }

    /// <summary>Null when no bus of the statement can reach p; otherwise why it is refused.</summary>
    public static string? Check(ZkvmProgram program, IReadOnlyList<ChipSet> shardChips, IReadOnlyList<int[]> shardLogHeights, long outputLength, ulong? limit = null) =>
        BusBudget.Check(Tables(program, shardChips, shardLogHeights), PublicCounts(program, outputLength, Chunked(shardChips)), limit);

    /// <summary>The fullest bus and its share of p (Σ height × bound / p): how far this execution is from the bound.</summary>
    public static (int Bus, double Share) Load(ZkvmProgram program, IReadOnlyList<ChipSet> shardChips, IReadOnlyList<int[]> shardLogHeights, long outputLength)
    {
        var totals = BusBudget.Totals(Tables(program, shardChips, shardLogHeights), PublicCounts(program, outputLength, Chunked(shardChips)));
        var (bus, total) = totals.MaxBy(kv => kv.Value);
        return (bus, (double)total / KoalaBear.Modulus);
    }

    /// <summary>
    /// All LogUp fractions of the statement (every shard's interactions × rows, plus the verifier's tuples): what the
    /// shared challenges' bus error term counts (<see cref="Stark.SharedBusChallenges{TExt}.StatementFractions"/>).
    /// </summary>
    public static double StatementFractions(ZkvmProgram program, IReadOnlyList<ChipSet> shardChips, IReadOnlyList<int[]> shardLogHeights, long outputLength)
    {
        double total = PublicCounts(program, outputLength, Chunked(shardChips)).Values.Sum();
        foreach (var t in Tables(program, shardChips, shardLogHeights))
            total += t.Air.Interactions.Count * Math.Pow(2, t.LogHeight);
        return total;
    }

    /// <summary>
    /// Per bus, a bound on the statement of <paramref name="shardCount"/> shards each of one of <paramref name="shapes"/>
    /// (which shard has which shape unknown): the count times the largest total any one shape gives that bus, plus the
    /// verifier's tuples. Every assignment of the shapes to the shards gives at most this.
    /// </summary>
    public static SortedDictionary<int, UInt128> BoundTotals(ZkvmProgram program, IReadOnlyList<ShardShape> shapes, int shardCount, long outputLength)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var bound = new SortedDictionary<int, UInt128>();
        foreach (var shape in shapes)
            foreach (var (bus, total) in BusBudget.Totals(Tables(program, [shape.Chips], [shape.LogHeights])))
                bound[bus] = UInt128.Max(bound.GetValueOrDefault(bus), total);
        var saturation = UInt128.One << 127;
        foreach (var bus in bound.Keys.ToArray())
            bound[bus] = bound[bus] > saturation / (ulong)Math.Max(shardCount, 1) ? saturation : bound[bus] * (ulong)shardCount;
        foreach (var (bus, count) in PublicCounts(program, outputLength, Chunked(shapes)))
            bound[bus] = bound.GetValueOrDefault(bus) + (ulong)Math.Max(count, 0);
        return bound;
    }

    /// <summary>
    /// <see cref="Check"/> for a statement known only by its shard count and the shapes its shards take
    /// (<see cref="BoundTotals"/>): null when no bus can reach p.
    /// </summary>
    public static string? CheckBound(ZkvmProgram program, IReadOnlyList<ShardShape> shapes, int shardCount, long outputLength)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var tables = Tables(program, [.. shapes.Select(s => s.Chips)], [.. shapes.Select(s => s.LogHeights)]);
        if (BusBudget.CheckBounded(tables.Select(t => t.Air)) is { } error)
            return error;
        foreach (var (bus, total) in BoundTotals(program, shapes, shardCount, outputLength))
            if (total >= KoalaBear.Modulus)
                return $"bus {bus}: {shardCount} shards of these shapes allow up to {total} bounded sends and receives, not below the field's characteristic {KoalaBear.Modulus}; the bus argument would not be sound";
        return null;
    }

    /// <summary>A bound on <see cref="StatementFractions"/> for <paramref name="shardCount"/> shards each of one of <paramref name="shapes"/>: the count times the largest shape's.</summary>
    public static double StatementFractionsBound(ZkvmProgram program, IReadOnlyList<ShardShape> shapes, int shardCount, long outputLength)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        double largest = shapes.Max(s => Tables(program, [s.Chips], [s.LogHeights]).Sum(t => t.Air.Interactions.Count * Math.Pow(2, t.LogHeight)));
        return PublicCounts(program, outputLength, Chunked(shapes)).Values.Sum() + shardCount * largest;
    }
}
