using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using System.Globalization;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// Picks the opening parameters (FRI arity, final polynomial length, Merkle cap height) of a preset by proof size: proves
/// a guest once under the preset, prints the real size of each part, then counts, for every combination of the three
/// parameters, the bytes they decide (caps, query-phase openings, FRI answers, final polynomial) on the same shard shapes
/// at random query indices (the format's exact byte counts; the indices are the only random input), with the provable
/// bits of each combination. The counted bytes for the preset's own parameters must come out close to the real ones.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- openings-model ELF CONFIG [LOG_SHARD]</c>
/// </summary>
public static class OpeningsModel
{
    private const int Samples = 24;

    public static void Run(string[] args)
    {
        string elf = args.Length > 1 ? args[1] : "native/guest/tests/elf/hello.elf";
        var config = StarkConfig.ByName(args.Length > 2 ? args[2] : "provable-100");
        int? logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        if (elf.StartsWith("poseidon2:", StringComparison.Ordinal))
        {
            // The Poseidon2 demo AIR at 2^N rows: counted only (no proof).
            int logRows = int.Parse(elf["poseidon2:".Length..], CultureInfo.InvariantCulture);
            (int[], IReadOnlyList<CompiledAir<KoalaBear>>)[] shape = [([logRows], [new CompiledAir<KoalaBear>(new Poseidon2Air<KoalaBearParameters>())])];
            Console.WriteLine($"Poseidon2 AIR, 2^{logRows} rows, {config.Name}");
            Grid(shape, config, config.ExtensionDegree);
            return;
        }
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        if (config.ExtensionDegree == 8)
            Run<KoalaBearOctic>(program, config, logShard);
        else
            Run<KoalaBearQuartic>(program, config, logShard);
    }

    private static void Run<TDef>(ZkvmProgram program, StarkConfig config, int? logShard) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var options = new ZkvmProverOptions { Config = config };
        if (logShard is { } k)
            options = options with { ShardSize = 1L << k };
        var clock = Stopwatch.StartNew();
        var proof = new ZkvmProver<TDef, Digest<KoalaBearParameters>>(options).Prove(program, []);
        double seconds = clock.Elapsed.TotalSeconds;
        int d = TDef.Degree;
        // Each shard's own tables (its chip set), compiled with the preset's LogUp batching at their heights; the grid
        // varies only the openings (arity, final length, cap), which do not change the batching.
        var shards = proof.Shards.Select((s, i) => (Heights: s.LogHeights,
            Airs: (IReadOnlyList<CompiledAir<KoalaBear>>)program.AirsOf(proof.ShardChips[i])
                .Select((a, t) => new CompiledAir<KoalaBear>(a, config.LogUpBatchingFor(s.LogHeights[t]))).ToList())).ToArray();
        long real = 0, realTotal = proof.ToBytes().Length;
        var parts = new long[6];
        foreach (var shard in proof.Shards)
        {
            ProofSerializer.Serialize(shard, out var sizes);
            long[] p = [sizes.Header, sizes.Commitments, sizes.Openings, sizes.QueryInputs, sizes.QueryFri, sizes.FinalPolynomial];
            for (int i = 0; i < p.Length; i++)
                parts[i] += p[i];
            real += sizes.Commitments + sizes.QueryInputs + sizes.QueryFri + sizes.FinalPolynomial;
        }
        Console.WriteLine($"{config.Name} (arity {config.FoldingArity}, log final {config.LogFinalPolyLength}, cap {config.MerkleCapHeight}): "
            + $"{proof.Cycles} cycles, {proof.Shards.Count} shards, proved in {seconds:F1} s, {realTotal:N0} bytes");
        Console.WriteLine($"  real parts (all shards): header {parts[0]:N0}, commitments {parts[1]:N0}, out-of-domain openings {parts[2]:N0}, "
            + $"query inputs {parts[3]:N0}, FRI {parts[4]:N0}, final polynomial {parts[5]:N0}");
        var split = new long[5];
        Console.WriteLine($"  counted for these parameters (mean of {Samples} index draws): {Count(shards, config, d, out _, split):N0} bytes of the {real:N0} they decide: "
            + $"caps {split[0] / Samples:N0}, input rows {split[1] / Samples:N0}, input siblings {split[2] / Samples:N0}, FRI values {split[3] / Samples:N0}, FRI siblings {split[4] / Samples:N0}");

        Grid(shards, config, d);
    }

    internal static void Grid((int[] Heights, IReadOnlyList<CompiledAir<KoalaBear>> Airs)[] shards, StarkConfig config, int d)
    {
        var results = new List<(int Arity, int LogFinal, int Cap, double Bytes, int Bits)>();
        foreach (int arity in new[] { 2, 4, 8 })
            for (int logFinal = 0; logFinal <= 10; logFinal++)
                for (int cap = 0; cap <= 6; cap++)
                {
                    var c = config with { FoldingArity = arity, LogFinalPolyLength = logFinal, MerkleCapHeight = cap };
                    results.Add((arity, logFinal, cap, Count(shards, c, d, out int bits), bits));
                }
        Console.WriteLine($"  {"arity",5} {"logFinal",8} {"cap",3} {"bytes",12} {"provable",8}   (smallest 15, then the best of each arity)");
        foreach (var r in results.OrderBy(r => r.Bytes).Take(15).Concat(results.GroupBy(r => r.Arity).Select(g => g.MinBy(r => r.Bytes))))
            Console.WriteLine($"  {r.Arity,5} {r.LogFinal,8} {r.Cap,3} {r.Bytes,12:N0} {r.Bits,8}");
        foreach (int cap in new[] { 0, 1, 2, 3, 4, 6 })
        {
            var r = results.Where(x => x.Cap == cap && x.Arity == config.FoldingArity && x.LogFinal == config.LogFinalPolyLength).Single();
            Console.WriteLine($"  cap {cap} at the preset's arity and final length: {r.Bytes:N0}");
        }
    }

    /// <summary>
    /// Proving time of the preset against the same preset with FRI arity 2, alternately in one process (two rounds each
    /// after a warm-up of both), with gen-2 collections and allocated bytes per proof.
    /// <c>… -- openings-time ELF CONFIG LOG_SHARD</c>
    /// </summary>
    public static void Time(string[] args)
    {
        string elf = args[1];
        var config = StarkConfig.ByName(args[2]);
        int logShard = int.Parse(args[3], CultureInfo.InvariantCulture);
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        var warmup = ZkvmProgram.FromElf(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(elf)!, "hello.elf")));
        StarkConfig[] variants = [config with { FoldingArity = 2 }, config];
        foreach (var v in variants)
            Prove(warmup, v, logShard);
        for (int round = 0; round < 2; round++)
            foreach (var v in round == 0 ? variants : variants.Reverse())
            {
                int gen2 = GC.CollectionCount(2);
                long allocated = GC.GetTotalAllocatedBytes();
                var clock = Stopwatch.StartNew();
                var (bytes, report) = Prove(program, v, logShard);
                Console.WriteLine($"arity {v.FoldingArity}: {clock.Elapsed.TotalSeconds:F1} s, {bytes:N0} bytes, {GC.CollectionCount(2) - gen2} gen-2 GCs, "
                    + $"{(GC.GetTotalAllocatedBytes() - allocated) / 1e9:F1} GB allocated; FRI commit {report.Timings.Where(t => t.Phase.Contains("FRI", StringComparison.Ordinal)).Sum(t => t.Milliseconds):F0} ms");
            }
    }

    private static (int Bytes, ZkvmProofReport Report) Prove(ZkvmProgram program, StarkConfig config, int logShard)
    {
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, ShardSize = 1L << logShard });
        var proof = prover.Prove(program, []);
        return (proof.ToBytes().Length, prover.LastReport!);
    }

    /// <summary>Mean bytes of the parts the opening parameters decide, over the shards; <paramref name="bits"/>: the weakest shard's provable bits.</summary>
    private static double Count((int[] Heights, IReadOnlyList<CompiledAir<KoalaBear>> Airs)[] shards, StarkConfig config, int d, out int bits, long[]? split = null)
    {
        double total = 0;
        bits = int.MaxValue;
        var rng = new Random(7);
        foreach (var (heights, airs) in shards)
        {
            var layout = new StarkLayout<KoalaBear>(airs, heights, d, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
            bits = Math.Min(bits, StarkSecurity.Report(config, layout, KoalaBearParameters.P, config.DigestElements).Provable);
            for (int s = 0; s < Samples; s++)
            {
                var indices = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.SortedDistinct(
                    Enumerable.Range(0, config.NumQueries).Select(_ => rng.Next(1 << layout.LogMaxLdeHeight)));
                total += Bytes(layout, config, d, indices, split) / (double)Samples;
            }
        }
        return total;
    }

    /// <summary>Bytes of the commitments section, the query phase and the final polynomial of one shard (format 2) for these indices.</summary>
    internal static long Bytes(StarkLayout<KoalaBear> layout, StarkConfig config, int d, int[] indices, long[]? split = null)
    {
        split ??= new long[5]; // caps, input rows, input siblings, FRI values, FRI siblings
        int logMax = layout.LogMaxLdeHeight, c = config.MerkleCapHeight;
        int digest = 4 * config.DigestElements; // bytes per digest: 32, or 48 for provable-128
        long bytes = 0;
        // Commitments: main, LogUp (possibly empty) and quotient caps, the bus sums, the FRI caps, the PoW witness.
        var trees = Enumerable.Range(0, layout.TreeCount).Select(t => layout.InTree(t).ToArray()).ToArray();
        int first = layout.HasPreprocessed ? 1 : 0;
        for (int t = first; t < layout.TreeCount; t++)
        {
            bytes += 2 + digest * (1 << Math.Min(c, trees[t].Min(m => m.LogLdeHeight)));
            split[0] += digest * (1 << Math.Min(c, trees[t].Min(m => m.LogLdeHeight)));
        }
        if (!layout.HasLogUp)
            bytes += 2;
        bytes += layout.LogHeights.Count * 4 * d + 2 + 4;
        // Query inputs.
        bytes += 1;
        for (int t = 0; t < layout.TreeCount; t++)
        {
            int treeLog = trees[t].Max(m => m.LogLdeHeight);
            var leaves = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Positions(indices, logMax - treeLog);
            bytes += 1;
            foreach (var m in trees[t])
            {
                long rows = 4L * m.Width * MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Positions(leaves, treeLog - m.LogLdeHeight).Length;
                bytes += 4 + rows;
                split[1] += rows;
            }
            int cap = t < first ? 0 : Math.Min(c, trees[t].Min(m => m.LogLdeHeight));
            bytes += 4 + (long)digest * Siblings(leaves, treeLog - cap);
            split[2] += (long)digest * Siblings(leaves, treeLog - cap);
        }
        // FRI steps: cap, sent leaf values, siblings.
        bytes += 1;
        var positions = indices;
        int logN = logMax;
        foreach (int a in layout.FriLogArities)
        {
            var leaves = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Positions(positions, a);
            logN -= a;
            int cap = Math.Min(c, logN);
            bytes += 2 + digest * (1 << cap);
            split[0] += digest * (1 << cap);
            bytes += 4 + 4L * d * ((long)leaves.Length * (1 << a) - positions.Length);
            split[3] += 4L * d * ((long)leaves.Length * (1 << a) - positions.Length);
            bytes += 4 + (long)digest * Siblings(leaves, logN - cap);
            split[4] += (long)digest * Siblings(leaves, logN - cap);
            positions = leaves;
        }
        return bytes + 4 + 4L * d * (1 << layout.LogFinalPolyLength);
    }

    /// <summary>Siblings a multi-opening of these leaves sends over <paramref name="levels"/> levels (MerkleTreeMmcs.OpenMulti's count).</summary>
    private static int Siblings(int[] leaves, int levels)
    {
        int count = 0;
        var current = leaves;
        for (int level = 0; level < levels; level++)
        {
            for (int i = 0; i < current.Length;)
            {
                int p = current[i];
                if ((p & 1) == 0 && i + 1 < current.Length && current[i + 1] == p + 1)
                    i += 2;
                else
                {
                    count++;
                    i++;
                }
            }
            current = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Positions(current, 1);
        }
        return count;
    }
}
