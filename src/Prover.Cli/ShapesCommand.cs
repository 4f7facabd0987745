using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Cli;

/// <summary>
/// <c>prover shapes</c>: every shard's shape (its chip set and each table's log height) at one or more shard sizes, without
/// proving: a traced run per size that builds each shard's traces exactly as the prover does (<see cref="ShardProfile.Probe"/>
/// at the shard size itself) and drops them. With the tables' widths it is the data a bounded shape catalog is sized from
/// (docs/benchmarks.md, "Shard shapes: how many, and the cost of a bounded catalog").
/// </summary>
internal static class ShapesCommand
{
    public static Command Create()
    {
        var source = new Argument<FileInfo?>("input")
        {
            Description = "Ethereum block input (.ssz StatelessInput); default: the embedded example block",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF; without it the embedded Ethereum guest runs" };
        var input = new Option<FileInfo?>("--input") { Description = "file preloaded as the guest's input" };
        var logShard = new Option<int[]>("--log-shard-size")
        {
            Description = "log2 of the shard size in cycles (repeatable; default 20)", AllowMultipleArgumentsPerToken = true,
        };
        var maxCycles = new Option<long>("--max-cycles") { Description = "stop with an error after this many cycles", DefaultValueFactory = _ => ZkvmProverOptions.DefaultMaxCycles };
        var maxInput = FileLimits.MaxInputOption();
        var shapePolicy = ShapePolicyOption();
        var command = new Command("shapes", "print every shard's chip set and table log heights at the given shard sizes (JSON), without proving")
        {
            source, elf, input, logShard, maxCycles, maxInput, shapePolicy,
        };
        command.SetAction(parse =>
        {
            var sizes = parse.GetValue(logShard) is { Length: > 0 } given ? given : [20];
            if (sizes.Any(s => s is < 10 or > 24))
            {
                Console.Error.WriteLine("error: --log-shard-size must be between 10 and 24");
                return 2;
            }
            var elfFile = parse.GetValue(elf);
            var file = parse.GetValue(input) ?? parse.GetValue(source);
            ZkvmProgram program;
            byte[] bytes;
            string name;
            try
            {
                program = elfFile is null ? ProverGuest.Ethereum.Program : ZkvmProgram.FromElf(File.ReadAllBytes(elfFile.FullName));
                bytes = file is null
                    ? elfFile is null ? BlockInput.Example().Bytes : []
                    : FileLimits.Read(file, parse.GetValue(maxInput), "--max-input-bytes");
                name = (elfFile?.Name ?? "ethereum") + " / " + (file?.Name ?? (elfFile is null ? "embedded block" : "empty input"));
            }
            catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            return Run(program, bytes, name, sizes, parse.GetValue(maxCycles), parse.GetValue(shapePolicy));
        });
        return command;
    }

    /// <summary>The <c>--shape-policy natural|budget</c> option of <c>shapes</c> and <c>prove</c>.</summary>
    internal static Option<ShardShapePolicy> ShapePolicyOption()
    {
        var option = new Option<ShardShapePolicy>("--shape-policy")
        {
            Description = "natural: shards of the shard size, natural table heights (default); budget: shards also cut when a CPU-side table "
                + "would pass its budget, every shard but the last padded to the budget, the last to the smallest last-shard budget that holds it (issue 14 piece (b))",
            DefaultValueFactory = _ => ShardShapePolicy.Natural,
        };
        option.AcceptOnlyFromAmong(PolicyName(ShardShapePolicy.Natural), PolicyName(ShardShapePolicy.Budget));
        return option;
    }

    /// <summary>The policy's name on the command line.</summary>
    internal static string PolicyName(ShardShapePolicy policy) => policy.ToString().ToLowerInvariant();

    private static int Run(ZkvmProgram program, byte[] input, string name, int[] sizes, long maxCycles, ShardShapePolicy policy)
    {
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        // Written to Console.Out at the end (a few KB per size), so a redirected console sees it.
        using var buffer = new MemoryStream();
        using var w = new Utf8JsonWriter(buffer);
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("shape_policy", PolicyName(policy));
        w.WriteStartArray("chips");
        for (int t = 0; t < shapes.Length; t++)
        {
            w.WriteStartObject();
            w.WriteString("name", ZkvmChips.All[t].Name);
            w.WriteString("presence", ZkvmChips.All[t].Presence.ToString());
            w.WriteNumber("width", shapes[t].Width);
            w.WriteNumber("preprocessed_width", shapes[t].PreprocessedWidth);
            w.WriteNumber("logup_columns", shapes[t].LogUpColumns);
            w.WriteNumber("log_quotient_chunks", shapes[t].LogQuotientChunks);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("sizes");
        foreach (int log in sizes)
        {
            var sw = Stopwatch.StartNew();
            ShardProfile profile;
            try
            {
                profile = ShardProfile.Probe(program, input, log, maxCycles, policy);
            }
            catch (MachineException e)
            {
                Console.Error.WriteLine("error: guest fault: " + e.Message);
                return 2;
            }
            w.WriteStartObject();
            w.WriteNumber("log_shard_size", log);
            w.WriteNumber("cycles", profile.Cycles);
            w.WriteNumber("probe_ms", sw.Elapsed.TotalMilliseconds);
            // One array of log heights (chip index order, −1: no table) per shard; the last is the last shard.
            w.WriteStartArray("shards");
            foreach (var heights in profile.ProbeShardLogHeights)
            {
                w.WriteStartArray();
                foreach (int h in heights)
                    w.WriteNumberValue(h);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        return 0;
    }
}
