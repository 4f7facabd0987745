using System.CommandLine;
using System.Text.Json;
using Prover.Witness.Rpc;

namespace Prover.Cli;

/// <summary>
/// <c>prover fetch --rpc url --block n|latest --out dir/</c>: fetches a block and its execution witness from
/// a reth or geth node (Prover.Witness.Rpc) and writes <c>block-N.json</c> for convert/execute/bench.
/// </summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var rpc = new Option<string>("--rpc") { Description = "the node's JSON-RPC endpoint (http or https; debug_executionWitness must be enabled)", Required = true };
        var block = new Option<string>("--block") { Description = "block number (decimal or 0x hex) or latest/safe/finalized", DefaultValueFactory = _ => "latest" };
        var output = new Option<DirectoryInfo>("--out") { Description = "output folder (created if absent)", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for each answer", DefaultValueFactory = _ => 300 };
        var command = new Command("fetch", "fetch a block and its execution witness from a node (eth_getBlockByNumber, debug_executionWitness) as a fixture JSON")
        {
            rpc, block, output, timeout,
        };
        command.SetAction(parse => Run(parse.GetValue(rpc)!, parse.GetValue(block)!, parse.GetValue(output)!, parse.GetValue(timeout)));
        return command;
    }

    private static int Run(string rpcText, string block, DirectoryInfo output, int timeoutSeconds)
    {
        if (!Uri.TryCreate(rpcText, UriKind.Absolute, out var rpc))
        {
            Console.Error.WriteLine($"error: --rpc {rpcText}: not an absolute URL");
            return 2;
        }
        try
        {
            using var client = new JsonRpcClient(rpc, TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds, 1, 3600)));
            var fetched = BlockFetcher.Fetch(client, block);
            output.Create();
            string file = Path.Combine(output.FullName, $"block-{fetched.Number}.json");
            File.WriteAllText(file, fetched.FixtureJson);
            Console.WriteLine($"block {fetched.Number} (chain {fetched.ChainId}) written to {file}");
            if (fetched.ChainConfigNote is { } note)
                Console.WriteLine($"note: {note}");
            return 0;
        }
        catch (Exception e) when (e is JsonRpcException or IOException or FormatException or ArgumentException or JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
