using System.CommandLine;
using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;

namespace Prover.Cli;

/// <summary>
/// <c>prover convert &lt;fixture-or-witness.json&gt; --out dir/</c>: writes one canonical
/// <c>StatelessInput</c> (<c>.ssz</c>) per block plus a JSON sidecar of the same name.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "BlockchainTests/EEST fixture, EF benchmark fixture {block, witness, chain_config}, eth_getProof RPC cache (.json or .json.gz), or a debug_executionWitness JSON (with --block)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "output folder (created if absent)", Required = true };
        var block = new Option<FileInfo?>("--block") { Description = "for a bare witness: the block (RLP hex string, or RPC JSON with full transactions)" };
        var chainConfig = new Option<FileInfo?>("--chain-config") { Description = "for a bare witness: chain config JSON (geth genesis 'config' or EF chain_config); mainnet when absent" };
        var command = new Command("convert", "convert fixtures or an execution witness to canonical StatelessInput SSZ files") { input, output, block, chainConfig };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(block), parse.GetValue(chainConfig)));
        return command;
    }

    private static int Run(FileInfo input, DirectoryInfo output, FileInfo? blockFile, FileInfo? configFile)
    {
        try
        {
            ConversionBatch batch;
            using (var doc = ParseFile(input))
            {
                if (blockFile is null)
                {
                    if (!EfBenchmarkFixture.Matches(doc.RootElement) && !BlockchainTestConverter.Matches(doc.RootElement) && !ProofWitnessConverter.Matches(doc.RootElement))
                        throw new FormatException($"{input.Name}: neither a BlockchainTests/EEST fixture, an EF benchmark fixture nor an eth_getProof RPC cache; for a bare debug_executionWitness pass its block with --block");
                    batch = InputConverter.Convert(doc.RootElement, InputName(input.Name));
                }
                else
                {
                    using var blockDoc = ParseFile(blockFile);
                    using var configDoc = configFile is null ? null : ParseFile(configFile);
                    batch = InputConverter.Convert(doc.RootElement, InputName(input.Name), blockDoc.RootElement, configDoc?.RootElement);
                }
            }
            var (results, skipped) = (batch.Results, batch.Failures);

            output.Create();
            var usedNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in results)
            {
                string name = OutputNames.Unique(r.Name, r.BlockNumber, usedNames);
                File.WriteAllBytes(Path.Combine(output.FullName, name + ".ssz"), r.Bytes);
                File.WriteAllText(Path.Combine(output.FullName, name + ".json"), Sidecar(r, input.Name));
                Console.WriteLine($"{name}.ssz  block {r.BlockNumber}  {r.Fork}  {r.Bytes.Length:N0} bytes  expected {(r.ExpectedValid ? "valid" : "invalid")}"
                    + (r.ExpectedValid && !r.HeaderHashMatches ? "  WARNING: rebuilt header does not match the block hash" : ""));
                foreach (var note in r.Notes)
                    Console.WriteLine($"    note: {note}");
            }
            foreach (var s in skipped)
                Console.Error.WriteLine($"skipped {s.Name} block index {s.BlockIndex} (expected {(s.ExpectedValid ? "valid" : "invalid")}): {s.Reason}");
            Console.WriteLine($"{results.Count} inputs written to {output.FullName}" + (skipped.Count > 0 ? $", {skipped.Count} blocks skipped" : ""));
            return results.Count == 0 ? 1 : 0;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or NotSupportedException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static string InputName(string fileName) =>
        Path.GetFileNameWithoutExtension(fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^3] : fileName);

    private static JsonDocument ParseFile(FileInfo file)
    {
        // Fixtures and witnesses are tens of MB (gzip allowed); 1 GiB bounds what is read and what it decompresses to.
        return JsonInput.Parse(InputFiles.Decompress(FileLimits.Read(file, (long)Prover.Core.Machine.MemoryMap.InputMaxSize, "1 GiB"), file.Name), file.Name);
    }

    private static string Sidecar(ConversionResult r, string source)
    {
        var sidecar = new Dictionary<string, object?>
        {
            ["block_number"] = r.BlockNumber,
            ["block_hash"] = Hex.ToHex(r.BlockHash),
            ["expected_valid"] = r.ExpectedValid,
            ["expected_exception"] = r.ExpectedException,
            ["fork"] = r.Fork.ToString(),
            ["schema_id"] = $"0x{r.Input.SchemaId:x4}",
            ["chain_id"] = r.Input.ChainId,
            ["header_hash_matches"] = r.HeaderHashMatches,
            ["new_payload_request_root"] = Hex.ToHex(r.Input.NewPayloadRequest.HashTreeRoot()),
            ["transactions"] = r.Input.NewPayloadRequest.ExecutionPayload.Transactions.Length,
            ["witness_nodes"] = r.Input.Witness.State.Length,
            ["witness_codes"] = r.Input.Witness.Codes.Length,
            ["witness_headers"] = r.Input.Witness.Headers.Length,
            ["ssz_bytes"] = r.Bytes.Length,
            ["name"] = r.Name,
            ["source"] = source,
            ["notes"] = r.Notes,
        };
        return JsonSerializer.Serialize(sidecar, SidecarOptions) + "\n";
    }

    private static readonly JsonSerializerOptions SidecarOptions = new() { WriteIndented = true };
}

/// <summary>File names for converted blocks: the test name made filesystem-safe, with the block number.</summary>
internal static class OutputNames
{
    public static string Unique(string testName, ulong blockNumber, HashSet<string> used)
    {
        var chars = testName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        string safe = new string(chars).Trim('_', '.');
        if (safe.Length > 100)
            safe = safe[..80] + "_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(testName)))[..12];
        if (safe.Length == 0)
            safe = "block";
        string name = $"{safe}_block{blockNumber}";
        string candidate = name;
        for (int i = 2; !used.Add(candidate); i++)
            candidate = $"{name}_{i}";
        return candidate;
    }
}
