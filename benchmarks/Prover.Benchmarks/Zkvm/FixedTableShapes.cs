using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Hash;

namespace Prover.Benchmarks.Zkvm;

/// <summary>
/// What the zkVM's fixed lookup tables alone cost a proof (size and proving time), for three designs: the former
/// Range16 (2^16 rows, 1 preprocessed column, 1 multiplicity) plus ByteOp (2^18 rows, 4 preprocessed, 1 multiplicity);
/// one 2^16-row byte table with four relations (preprocessed a, b, AND, OR, XOR; multiplicities Range16, AND, OR,
/// XOR); the fixed 2^16-row byte table with two relations (preprocessed a, b, AND; multiplicities Range16, AND); and
/// today's <see cref="ByteTable{F}"/> at its largest, 2^16 rows (16 bit columns, multiplicities Range16, AND). Each is a
/// statement of only those tables (no lookups: zero multiplicities; the shape, not the values, sets the cost), which is
/// what a tiny execution pays on top of its chips. Designs alternate in one process after a warm-up of each.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- fixed-tables [development|provable-100] [ROUNDS]</c>.
/// </summary>
public static class FixedTableShapes
{
    /// <summary>A table of the given shape: preprocessed columns (row-derived values) and one free multiplicity per receive.</summary>
    private sealed class Shape(string name, int logHeight, int preprocessed, int[][] receives) : IAir<KoalaBear>
    {
        public string Name => name;

        public int Height => 1 << logHeight;

        public int Width => receives.Length;

        public int PreprocessedWidth => preprocessed;

        public RowMajorMatrix<KoalaBear>? PreprocessedTrace(int height)
        {
            var m = new RowMajorMatrix<KoalaBear>(height, preprocessed);
            for (int r = 0; r < height; r++)
                for (int c = 0; c < preprocessed; c++)
                    m[r, c] = KoalaBear.FromUInt64((ulong)((r * (c + 1)) & 0xFFFF));
            return m;
        }

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            for (int i = 0; i < receives.Length; i++)
                builder.Receive(20 + i, [.. receives[i].Select(c => builder.PreprocessedLocal[c])], builder.Local[i]);
        }
    }

    private static (IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces) Design(string design)
    {
        IAir<KoalaBear>[] airs = design switch
        {
            "range16+byteop" => [new Shape("range16", 16, 1, [[0]]), new Shape("byte-op", 18, 4, [[0, 1, 2, 3]])],
            "bytes-4-relations" => [new Shape("bytes-4", 16, 5, [[0], [0, 1, 2], [0, 1, 3], [0, 1, 4]])],
            "bytes-2-relations" => [new Shape("bytes-2", 16, 3, [[0], [0, 1, 2]])],
            "bytes-computed-2^16" => [new ByteTable<KoalaBear>()],
            _ => throw new ArgumentException(design),
        };
        var traces = airs.Select(a => new RowMajorMatrix<KoalaBear>(a switch { Shape s => s.Height, ByteTable<KoalaBear> => ByteTable<KoalaBear>.MaxHeight, _ => 0 }, a.Width)).ToArray();
        return (airs, traces);
    }

    public static void Run(string[] args)
    {
        var config = args.Length > 1 ? StarkConfig.ByName(args[1]) : StarkConfig.Provable100;
        int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2;
        string[] designs = ["range16+byteop", "bytes-4-relations", "bytes-2-relations", "bytes-computed-2^16"];
        var ms = designs.ToDictionary(d => d, _ => new List<double>());
        var bytes = new Dictionary<string, int>();
        for (int r = -1; r < rounds; r++)
            foreach (var d in r % 2 == 0 ? designs : designs.Reverse())
            {
                var (airs, traces) = Design(d);
                var clock = Stopwatch.StartNew();
                int size = (config.ExtensionDegree, config.DigestElements) switch
                {
                    (8, 12) => Prove<KoalaBearOctic, WideDigest<KoalaBearParameters>>(config, airs, traces),
                    (8, _) => Prove<KoalaBearOctic, Digest<KoalaBearParameters>>(config, airs, traces),
                    (_, 12) => Prove<KoalaBearQuartic, WideDigest<KoalaBearParameters>>(config, airs, traces),
                    _ => Prove<KoalaBearQuartic, Digest<KoalaBearParameters>>(config, airs, traces),
                };
                clock.Stop();
                bytes[d] = size;
                if (r >= 0)
                    ms[d].Add(clock.Elapsed.TotalMilliseconds);
            }
        Console.WriteLine($"config {config.Name}, {rounds} rounds after a warm-up, load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| design | proof bytes | prove ms (mean) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var d in designs)
            Console.WriteLine($"| {d} | {bytes[d]:N0} | {ms[d].Average():F0} |");
    }

    private static int Prove<TDef, TDigest>(StarkConfig config, IAir<KoalaBear>[] airs, RowMajorMatrix<KoalaBear>[] traces)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var proof = new StarkProver<KoalaBearParameters, TDef, TDigest>(config) { CheckConstraints = false }.Prove(airs, traces, [.. airs.Select(_ => Array.Empty<KoalaBear>())]);
        if (!new StarkVerifier<KoalaBearParameters, TDef, TDigest>(config).Verify(airs, proof).IsValid)
            throw new InvalidOperationException("the table-only proof does not verify");
        return ProofSerializer.Serialize<KoalaBearParameters, TDef, TDigest>(proof).Length;
    }
}
