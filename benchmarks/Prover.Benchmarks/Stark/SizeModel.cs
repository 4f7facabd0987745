using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Globalization;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// Counted proof size of a guest execution under variants of a preset, without proving: executes the guest, builds
/// its shards' traces for their heights only, then counts for each variant (log blowup, PoW bits, LogUp quotient
/// raise; the query count is the fewest the security calculator gives ≥ the preset's minimum provable bits) the
/// bytes of the format: header, commitments, out-of-domain values (exact) and the query phase (mean over random
/// index draws, as <see cref="OpeningsModel"/>). Compare with <see cref="ProofAccount"/>'s real bytes for the preset.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- size-model ELF CONFIG [LOG_SHARD]</c>
/// </summary>
public static class SizeModel
{
    private const int Samples = 16;

    public static void Run(string[] args)
    {
        string elf = args[1];
        var config = StarkConfig.ByName(args[2]);
        int? logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        var heights = Heights(program, logShard);
        Console.WriteLine($"{elf}: {heights.Count} shards; last shard heights {string.Join(",", heights[^1].Heights)}");
        Console.WriteLine($"| log blowup | PoW bits | LogUp raise | queries | provable bits | counted bytes | OOD | query phase |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        int[] blowups = config.LogBlowup == 1 ? [1, 2, 3] : [3, 4, 5, 6];
        foreach (int blowup in blowups)
            foreach (int pow in new[] { config.QueryPowBits, config.QueryPowBits + 4 })
                foreach (int raise in new[] { 0, 2, 3, 4, 6 }.Where(r => r <= blowup))
                {
                    var c = config with { LogBlowup = blowup, QueryPowBits = pow, LogUpMaxLogQuotientChunks = raise };
                    int target = config.AllowInsecure ? 0 : config.MinimumProvableBits;
                    if (target > 0)
                    {
                        int? q = Enumerable.Range(1, 400).Select(n => (int?)n).FirstOrDefault(n => Bits(program, heights, c with { NumQueries = n!.Value }) >= target);
                        if (q is null) continue;
                        c = c with { NumQueries = q.Value };
                    }
                    else if (blowup != config.LogBlowup)
                    {
                        // Insecure presets: keep the conjectured level (queries × log blowup + PoW) of the preset.
                        int level = config.NumQueries * config.LogBlowup + config.QueryPowBits;
                        c = c with { NumQueries = (level - pow + blowup - 1) / blowup };
                    }
                    else if (pow != config.QueryPowBits)
                        c = c with { NumQueries = (config.NumQueries * blowup - (pow - config.QueryPowBits) + blowup - 1) / blowup };
                    var (total, ood, query) = Count(program, heights, c);
                    Console.WriteLine($"| {blowup} | {pow} | {raise} | {c.NumQueries} | {Bits(program, heights, c)} | {total:N0} | {ood:N0} | {query:N0} |");
                }
    }

    /// <summary>Each shard's table heights (trace generation only).</summary>
    internal static List<(ChipSet Chips, int[] Heights)> Heights(ZkvmProgram program, int? logShard)
    {
        using var machine = new Prover.Core.Machine.Machine(program.Program, [], logShard is { } k ? new MachineOptions { ShardSize = 1L << k } : new MachineOptions());
        var (_, records) = machine.RunTraced();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, []);
        var heights = new List<(ChipSet, int[])>();
        for (int s = 0; s < records.Count; s++)
        {
            var shard = ShardTraceBuilder.Build(program, records[s], registers, memory, [], s == records.Count - 1);
            heights.Add((shard.Chips, [.. shard.LogHeights]));
        }
        return heights;
    }

    private static (List<CompiledAir<KoalaBear>> Airs, StarkLayout<KoalaBear> Layout) Shape(ZkvmProgram program, (ChipSet Chips, int[] Heights) shard, StarkConfig c)
    {
        var heights = shard.Heights;
        var airs = program.AirsOf(shard.Chips).Select((a, t) => new CompiledAir<KoalaBear>(a, c.LogUpBatchingFor(heights[t]))).ToList();
        return (airs, new StarkLayout<KoalaBear>(airs, heights, c.ExtensionDegree, c.LogBlowup, c.LogFinalPolyLength, c.FoldingArity));
    }

    private static int Bits(ZkvmProgram program, List<(ChipSet Chips, int[] Heights)> heights, StarkConfig c)
    {
        int bits = int.MaxValue;
        for (int s = 0; s < heights.Count; s++)
        {
            var (_, layout) = Shape(program, heights[s], c);
            bits = Math.Min(bits, StarkSecurity.Report(c, layout, KoalaBearParameters.P, c.DigestElements).Provable);
        }
        return bits;
    }

    /// <summary>Counted bytes of all shard proofs: total, out-of-domain values, and the rest decided by the openings.</summary>
    private static (double Total, long Ood, double Query) Count(ZkvmProgram program, List<(ChipSet Chips, int[] Heights)> heights, StarkConfig c)
    {
        int d = c.ExtensionDegree;
        long ood = 0, header = 0;
        double query = 0;
        var rng = new Random(11);
        for (int s = 0; s < heights.Count; s++)
        {
            var (airs, layout) = Shape(program, heights[s], c);
            header += 4 + 2 + 4 + 1 + 7 + 1 + c.Name.Length + 2 + airs.Sum(a => 1 + 4 + 4 * a.Air.PublicValueCount);
            for (int t = 0; t < airs.Count; t++)
            {
                var a = airs[t];
                int pre = a.Air.PreprocessedWidth;
                // The proof's one quotient is opened with the first tallest table (StarkLayout.QuotientOpenedValues).
                long values = pre + (pre == 0 ? 0 : a.NextPreprocessedColumns.Count) + a.Width + a.NextMainColumns.Count
                    + (long)d * a.LogUpColumns + LogUp.NextColumns(a.LogUpColumns, d).Length + layout.QuotientOpenedValues(t);
                ood += 7 * 4 + 4L * d * values;
            }
            for (int i = 0; i < Samples; i++)
            {
                var indices = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.SortedDistinct(
                    Enumerable.Range(0, c.NumQueries).Select(_ => rng.Next(1 << layout.LogMaxLdeHeight)));
                query += OpeningsModel.Bytes(layout, c, d, indices) / (double)Samples;
            }
        }
        return (header + ood + query, ood, query);
    }
}
