using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Globalization;
using Prover.Core.Air;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// Each shard's tables of a guest execution without proving: height, main width, interactions, LogUp extension
/// columns (groups + the running sum) and quotient chunks, and the base elements each table opens per query row
/// (main + D·(LogUp + quotient chunks)). Shows which tables lead a proof's query rows.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- table-shapes ELF CONFIG [LOG_SHARD] [openings]</c> (openings: also
/// <see cref="OpeningsModel"/>'s grid of FRI arity, final length and cap height on these shapes, counted)
/// </summary>
public static class TableShapes
{
    public static void Run(string[] args)
    {
        string elf = args[1];
        var config = StarkConfig.ByName(args[2]);
        int? logShard = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(elf));
        var heights = SizeModel.Heights(program, logShard);
        int d = config.ExtensionDegree;
        for (int s = 0; s < heights.Count; s++)
        {
            var (chips, logHeights) = heights[s];
            var airs = program.AirsOf(chips).ToList();
            Console.WriteLine($"shard {s}: | table | log height | main | interactions | LogUp columns | quotient chunks | opened per row |");
            long total = 0;
            for (int t = 0; t < airs.Count; t++)
            {
                var a = new CompiledAir<KoalaBear>(airs[t], config.LogUpBatchingFor(logHeights[t]));
                long perRow = a.Width + (long)d * (a.LogUpColumns + (1L << a.LogQuotientChunks));
                total += perRow;
                Console.WriteLine($"| {a.Name} | {logHeights[t]} | {a.Width} | {a.Interactions.Count} | {a.LogUpColumns} | {1 << a.LogQuotientChunks} | {perRow} |");
            }
            Console.WriteLine($"shard {s}: {total} base elements per query row");
        }
        if (args.Contains("openings"))
            OpeningsModel.Grid([.. heights.Select(h => (h.Heights, (IReadOnlyList<CompiledAir<KoalaBear>>)[.. program.AirsOf(h.Chips).Select((a, t) =>
                new CompiledAir<KoalaBear>(a, config.LogUpBatchingFor(h.Heights[t])))]))], config, d);
    }
}
