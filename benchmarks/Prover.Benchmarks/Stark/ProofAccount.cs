using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using System.Diagnostics;
using System.Globalization;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// The exact byte account of a real zkVM proof: proves a guest once under a preset and attributes every byte of the
/// serialised proof (format of <see cref="ProofSerializer"/>, length prefixes included) to a part and, where the part
/// belongs to one table, to that table: out-of-domain values (main, LogUp, quotient), opened rows per input tree,
/// Merkle siblings per input tree, FRI leaf values and siblings per step, commitments, final polynomial, header.
/// The parts sum to the proof's size (checked).
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- proof-account ELF CONFIG [LOG_SHARD]</c>
/// </summary>
public static class ProofAccount
{
    public static void Run(string[] args)
    {
        string elf = args.Length > 1 ? args[1] : "native/guest/tests/elf/hello.elf";
        var config = StarkConfig.ByName(args.Length > 2 ? args[2] : "provable-100");
        int? logShard = args.Length > 3 && !args[3].Contains('=', StringComparison.Ordinal) ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        // Overrides after the positional arguments: blowup=LOG, queries=N, pow=BITS, raise=K (LogUp quotient raise).
        foreach (var arg in args.Skip(3).Where(a => a.Contains('=', StringComparison.Ordinal)))
        {
            var (key, value) = (arg[..arg.IndexOf('=')], int.Parse(arg[(arg.IndexOf('=') + 1)..], CultureInfo.InvariantCulture));
            config = key switch
            {
                "blowup" => config with { LogBlowup = value },
                "queries" => config with { NumQueries = value },
                "pow" => config with { QueryPowBits = value },
                "raise" => config with { LogUpMaxLogQuotientChunks = value },
                _ => throw new ArgumentException($"unknown override {key} (blowup, queries, pow, raise)"),
            };
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
        var prover = new ZkvmProver<TDef, Digest<KoalaBearParameters>>(options);
        var proof = prover.Prove(program, []);
        double seconds = clock.Elapsed.TotalSeconds;
        long total = proof.ToBytes().Length;
        var account = Account(proof, program, config);
        Console.WriteLine($"{config.Name} (log blowup {config.LogBlowup}, {config.NumQueries} queries, {config.QueryPowBits} PoW bits, LogUp raise {config.LogUpMaxLogQuotientChunks}): "
            + $"{prover.LastReport?.ProvableBits} provable bits; {proof.Cycles} cycles, {proof.Shards.Count} shards, proved in {seconds:F1} s, {total:N0} bytes "
            + $"(shard proofs {account.ShardBytes:N0}, envelope {total - account.ShardBytes:N0})");
        Print(account, config.NumQueries);
    }

    /// <summary>Bytes of each (part, table) over all shards; table "" for parts that belong to no table.</summary>
    internal sealed class ByteAccount
    {
        public Dictionary<(string Part, string Table), long> Bytes { get; } = [];

        public Dictionary<string, (int Main, int LogUpExt, int QuotientChunks, int LogHeight)> Shapes { get; } = [];

        public long ShardBytes { get; set; }

        public void Add(string part, string table, long bytes) =>
            Bytes[(part, table)] = Bytes.GetValueOrDefault((part, table)) + bytes;
    }

    internal static ByteAccount Account<TDef>(ZkvmProof<TDef, Digest<KoalaBearParameters>> proof, ZkvmProgram program, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var account = new ByteAccount();
        for (int s = 0; s < proof.Shards.Count; s++)
            AddProof(account, proof.Shards[s], program.AirsOf(proof.ShardChips[s]).ToArray(), config, $"shard {s}");
        return account;
    }

    /// <summary>The account of one STARK proof of <paramref name="rawAirs"/> (a recursion proof, for one).</summary>
    internal static ByteAccount Account<TDef, TDigest>(StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> proof,
        IReadOnlyList<Prover.Core.Air.IAir<KoalaBear>> rawAirs, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var account = new ByteAccount();
        AddProof(account, proof, rawAirs, config, "proof");
        return account;
    }

    private static void AddProof<TDef, TDigest>(ByteAccount account, StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> shard,
        IReadOnlyList<Prover.Core.Air.IAir<KoalaBear>> rawAirs, StarkConfig config, string what)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        int d = TDef.Degree, digest = 4 * TDigest.Length;
        {
            var airs = rawAirs
                .Select((a, t) => new Prover.Core.Air.CompiledAir<KoalaBear>(a, config.LogUpBatchingFor(shard.LogHeights[t]))).ToList();
            var layout = new StarkLayout<KoalaBear>(airs, shard.LogHeights, d, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
            long serialized = ProofSerializer.Serialize(shard, out var sizes).Length;
            account.ShardBytes += serialized;
            long counted = 0;
            void Add(string part, string table, long bytes)
            {
                account.Add(part, table, bytes);
                counted += bytes;
            }
            for (int t = 0; t < airs.Count; t++)
            {
                string name = airs[t].Name;
                var shape = (airs[t].Width, airs[t].LogUpColumns, 1 << airs[t].LogQuotientChunks, shard.LogHeights[t]);
                var old = account.Shapes.GetValueOrDefault(name);
                account.Shapes[name] = old.LogHeight > shape.Item4 ? old with { Main = shape.Width } : shape;
            }
            Add("header", "", sizes.Header);
            // Commitments: caps (u16 count + digests), bus sums, FRI caps (u16 count first), PoW witness.
            long caps = 0;
            caps += 2 + digest * shard.MainCommitment.Count;
            caps += 2 + digest * (shard.LogUpCommitment?.Count ?? 0);
            caps += 2 + digest * shard.QuotientCommitment.Count;
            Add("commitments: input caps", "", caps);
            Add("commitments: bus sums", "", shard.CumulativeSums.Length * 4L * d);
            long friCaps = 2 + shard.FriCommitments.Sum(c => 2L + digest * c.Count);
            Add("commitments: FRI caps", "", friCaps);
            Add("commitments: PoW witness", "", 4);
            // Out-of-domain values: u32 count + D elements per value, per list.
            for (int t = 0; t < airs.Count; t++)
            {
                var o = shard.Openings[t];
                string name = airs[t].Name;
                long Ood(params ExtensionField<KoalaBear, TDef>[][] lists) => lists.Sum(l => 4L + 4L * d * l.Length);
                Add("OOD: preprocessed", name, Ood(o.PreprocessedLocal, o.PreprocessedNext));
                Add("OOD: main", name, Ood(o.MainLocal, o.MainNext));
                Add("OOD: LogUp", name, Ood(o.LogUpLocal, o.LogUpNext));
                // The proof's one quotient (opened with the first tallest table) belongs to no table.
                Add("OOD: quotient", "", Ood(o.Quotient));
            }
            Add("final polynomial", "", 4 + 4L * d * shard.FinalPolynomial.Length);
            // Query phase: input trees.
            Add("query: counts", "", 1 + 1 + shard.FriOpenings.Length * 0);
            string[] treeNames = [.. Enumerable.Range(0, layout.TreeCount).Select(tr => layout.InTree(tr).First().Kind.ToString())];
            for (int tr = 0; tr < layout.TreeCount; tr++)
            {
                var opening = shard.InputOpenings[tr];
                var matrices = layout.InTree(tr).ToArray();
                Add("query: counts", "", 1);
                for (int m = 0; m < matrices.Length; m++)
                    Add($"query rows: {treeNames[tr]}", matrices[m].Kind == CommitmentKind.Quotient ? "" : airs[matrices[m].Table].Name, 4 + 4L * opening.Rows[m].Length);
                Add($"query siblings: {treeNames[tr]} tree", "", 4 + (long)digest * opening.Siblings.Count);
            }
            for (int i = 0; i < shard.FriOpenings.Length; i++)
            {
                var step = shard.FriOpenings[i];
                Add("query: FRI leaf values", "", 4 + 4L * d * step.Values.Length);
                Add("query: FRI siblings", "", 4 + (long)digest * step.Siblings.Length);
            }
            if (counted != serialized)
                throw new InvalidOperationException($"{what}: the account counts {counted:N0} bytes, the proof has {serialized:N0}");
        }
    }

    internal static void Print(ByteAccount account, int queries)
    {
        Console.WriteLine();
        Console.WriteLine($"| part | bytes | share |");
        Console.WriteLine("|---|---:|---:|");
        double total = account.ShardBytes;
        foreach (var g in account.Bytes.GroupBy(kv => kv.Key.Part).OrderByDescending(g => g.Sum(kv => kv.Value)))
            Console.WriteLine($"| {g.Key} | {g.Sum(kv => kv.Value):N0} | {100 * g.Sum(kv => kv.Value) / total:F1}% |");
        Console.WriteLine($"| **total (shard proofs)** | **{account.ShardBytes:N0}** | 100% |");
        Console.WriteLine();
        var parts = account.Bytes.Keys.Where(k => k.Table != "").Select(k => k.Part).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToArray();
        Console.WriteLine($"| table (log height, main cols, LogUp ext cols, own quotient chunks; the proof's one quotient is in the parts above) | {string.Join(" | ", parts)} | total |");
        Console.WriteLine($"|---|{string.Concat(parts.Select(_ => "---:|"))}---:|");
        foreach (var table in account.Shapes.Keys.OrderByDescending(t => account.Bytes.Where(kv => kv.Key.Table == t).Sum(kv => kv.Value)))
        {
            var shape = account.Shapes[table];
            var cells = parts.Select(p => account.Bytes.GetValueOrDefault((p, table)));
            Console.WriteLine($"| {table} (2^{shape.LogHeight}, {shape.Main}, {shape.LogUpExt}, {shape.QuotientChunks}) | {string.Join(" | ", cells.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))} | "
                + $"{account.Bytes.Where(kv => kv.Key.Table == table).Sum(kv => kv.Value):N0} |");
        }
    }
}
