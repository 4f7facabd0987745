using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Cli;

/// <summary>
/// <c>prover key [--elf guest.elf] --config C --log-shard-size k</c>: the verifying key of a guest's final proofs under the
/// budget policy with shards of 2^k cycles (<see cref="ZkvmCatalogKey"/>: the family over the guest's shard catalog, its
/// allowed-key root and the final program's key). The same key for every execution of the guest at that k: what a verifier
/// of its final proofs needs besides the public values. A thin client: it parses, calls the library and prints.
/// </summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF; without it the embedded Ethereum guest" };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. ProofConfiguration.All.Select(p => p.Name)]);
        var shard = new Option<int>("--log-shard-size") { Description = "log2 of the cycles per shard the proofs use (10..22)", Required = true };
        var json = new Option<bool>("--json") { Description = "print the key as JSON" };
        var keyCache = KeyCacheOption.Directory();
        var keyCacheSecret = KeyCacheOption.Secret();
        var command = new Command("key", "print the verifying key of a guest's final proofs under the budget shape policy at one shard size (builds every catalog shape's leaf: minutes)")
        {
            elf, config, shard, json, keyCache, keyCacheSecret,
        };
        command.SetAction(parse =>
        {
            int k = parse.GetValue(shard);
            if (k is < 10 or > 22)
            {
                Console.Error.WriteLine("error: --log-shard-size must be between 10 and 22");
                return 2;
            }
            ZkvmProgram program;
            var elfFile = parse.GetValue(elf);
            try
            {
                program = elfFile is null ? ProverGuest.Ethereum.Program : ZkvmProgram.FromElf(File.ReadAllBytes(elfFile.FullName));
            }
            catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 2;
            }
            var (cache, cacheError) = KeyCacheOption.Open(parse.GetValue(keyCache), parse.GetValue(keyCacheSecret));
            if (cacheError is not null)
            {
                Console.Error.WriteLine("error: " + cacheError);
                return 2;
            }
            var preset = Prover.Core.Stark.StarkConfig.Presets.First(p => p.Name == parse.GetValue(config));
            var sw = Stopwatch.StartNew();
            var key = ZkvmCatalogKey.Of(program, preset, k, cache);
            double seconds = sw.Elapsed.TotalSeconds;
            // The form `prover verify` prints a final proof's verifying key in (canonical elements), so the two compare directly.
            string List(uint[] elements) => "[" + string.Join(", ", elements) + "]";
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["guest"] = elfFile?.Name ?? "ethereum",
                    ["program_digest"] = Convert.ToHexStringLower(program.Digest),
                    ["config"] = key.Config,
                    ["log_shard_size"] = key.LogShardSize,
                    ["catalog_shapes"] = key.CatalogShapes,
                    ["allowed_keys_root"] = key.AllowedKeys,
                    ["verifying_key"] = key.FinalKey,
                    ["setup_seconds"] = Math.Round(seconds, 1),
                }));
            }
            else
            {
                Console.WriteLine($"guest            {elfFile?.Name ?? "ethereum"} ({Convert.ToHexStringLower(program.Digest)})");
                Console.WriteLine($"configuration    {key.Config}, budget shapes, shards of 2^{key.LogShardSize} cycles ({key.CatalogShapes} catalog shapes)");
                Console.WriteLine($"allowed keys (R) {List(key.AllowedKeys)}");
                Console.WriteLine($"verifying key    {List(key.FinalKey)} (of the final proofs: what `prover verify` prints for them)");
                Console.WriteLine($"setup            {seconds:F1} s");
            }
            return 0;
        });
        return command;
    }
}
