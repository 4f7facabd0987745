using System.Text.Json;
using System.Text.Json.Nodes;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Rpc;

namespace Prover.Witness.Tests.Rpc;

/// <summary>
/// <see cref="BlockFetcher"/> against a replay server on 127.0.0.1 whose answers are built at test time
/// from ../shared fixtures (skipped with a reason when absent): reth's shapes from an EF benchmark
/// fixture, geth's from the mainnet RPC cache. The fetched file must convert and execute.
/// </summary>
public sealed class BlockFetcherTests
{
    /// <summary>reth's shapes: the EF fixture's witness (headers as RLP hex), its block flattened the RPC way.</summary>
    private static Dictionary<string, JsonNode?> RethAnswers(out ulong number)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/prague_witness/test_worst_precompile_fixed_cost-ecrecover.json")));
        var bw = doc.RootElement.GetProperty("block_and_witness");
        var block = new JsonObject();
        foreach (var field in bw.GetProperty("block").GetProperty("header").EnumerateObject())
            block[field.Name] = ReplayRpcServer.Json(field.Value);
        foreach (var field in bw.GetProperty("block").GetProperty("body").EnumerateObject())
            block[field.Name] = ReplayRpcServer.Json(field.Value);
        number = bw.GetProperty("block").GetProperty("header").GetProperty("number").GetUInt64();
        block["number"] = "0x" + number.ToString("x");
        return new()
        {
            ["eth_getBlockByNumber"] = block,
            ["debug_executionWitness"] = ReplayRpcServer.Json(bw.GetProperty("witness")),
            ["eth_chainId"] = "0x1",
            ["debug_chainConfig"] = ReplayRpcServer.Json(bw.GetProperty("chain_config")),
        };
    }

    [SharedFact]
    public void Fetched_reth_shaped_block_converts_and_validates()
    {
        using var server = new ReplayRpcServer(RethAnswers(out ulong number));
        using var client = new JsonRpcClient(server.Endpoint);
        var fetched = BlockFetcher.Fetch(client, number.ToString());
        Assert.Equal(number, fetched.Number);
        Assert.Null(fetched.ChainConfigNote);
        Assert.Equal(["eth_getBlockByNumber", "debug_executionWitness", "eth_chainId", "debug_chainConfig"], server.Calls);

        using var doc = JsonDocument.Parse(fetched.FixtureJson);
        Assert.True(EfBenchmarkFixture.Matches(doc.RootElement));
        var converted = Assert.Single(InputConverter.Convert(doc.RootElement).Results);
        Assert.True(converted.HeaderHashMatches);
        var run = EthereumGuest.Execute(converted.Bytes);
        Assert.True(run.BlockValid, run.OutputError ?? $"exit {run.Result.ExitCode}");
    }

    [SharedFact]
    public void Fetched_geth_shaped_mainnet_block_converts_and_validates()
    {
        // geth's shapes: its own eth_getBlockByNumber answer, a witness with the parent header as a JSON
        // object (built from the cache's proofs), and no debug_chainConfig (mainnet is assumed).
        using var cache = JsonDocument.Parse(InputFiles.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/mainnet/zeth-rpc-cache-1-21230867.json.gz")));
        var reference = ProofWitnessConverter.Convert(cache.RootElement, "mainnet");
        JsonElement block = default, parent = default;
        foreach (var pair in cache.RootElement.GetProperty("full_blocks").EnumerateArray())
        {
            if (pair[0].GetProperty("block_no").GetUInt64() == 21_230_867) block = pair[1];
            else parent = pair[1];
        }
        var witness = new JsonObject
        {
            ["state"] = new JsonArray([.. reference.Input.Witness.State.Select(n => (JsonNode)Prover.Witness.Formats.Hex.ToHex(n))]),
            ["codes"] = new JsonArray([.. reference.Input.Witness.Codes.Select(n => (JsonNode)Prover.Witness.Formats.Hex.ToHex(n))]),
            ["headers"] = new JsonArray(ReplayRpcServer.Json(parent)),
        };
        var answers = new Dictionary<string, JsonNode?>
        {
            ["eth_getBlockByNumber"] = ReplayRpcServer.Json(block),
            ["debug_executionWitness"] = witness,
            ["eth_chainId"] = "0x1",
        };
        using var server = new ReplayRpcServer(answers);
        using var client = new JsonRpcClient(server.Endpoint);
        var fetched = BlockFetcher.Fetch(client, "latest");
        Assert.Equal(21_230_867UL, fetched.Number);
        Assert.Contains("mainnet", fetched.ChainConfigNote);

        using var doc = JsonDocument.Parse(fetched.FixtureJson);
        var converted = Assert.Single(InputConverter.Convert(doc.RootElement).Results);
        Assert.True(converted.HeaderHashMatches);
        // the same canonical input as the direct conversion of the cache
        Assert.Equal(reference.Bytes, converted.Bytes);
        var run = EthereumGuest.Execute(converted.Bytes);
        Assert.True(run.BlockValid, $"exit code {run.Result.ExitCode}"); // a canonical mainnet block
    }

    [Fact]
    public void Node_errors_and_wrong_answers_are_clear_errors()
    {
        var errors = new Dictionary<string, (int, string)> { ["debug_executionWitness"] = (-32000, "witness not available") };
        var answers = new Dictionary<string, JsonNode?> { ["eth_getBlockByNumber"] = new JsonObject { ["number"] = "0x5", ["transactions"] = new JsonArray() } };
        using var server = new ReplayRpcServer(answers, errors);
        using var client = new JsonRpcClient(server.Endpoint);
        var e = Assert.Throws<JsonRpcException>(() => BlockFetcher.Fetch(client, "5"));
        Assert.Contains("witness not available", e.Message);
        Assert.Contains("answered block 5", Assert.Throws<FormatException>(() => BlockFetcher.Fetch(client, "6")).Message);
        Assert.Throws<ArgumentException>(() => BlockFetcher.Tag("pending; drop"));
        Assert.Equal("0x10", BlockFetcher.Tag("16"));
        Assert.Equal("latest", BlockFetcher.Tag("latest"));

        var hashes = new Dictionary<string, JsonNode?> { ["eth_getBlockByNumber"] = new JsonObject { ["number"] = "0x5", ["transactions"] = new JsonArray("0x" + new string('a', 64)) } };
        using var hashServer = new ReplayRpcServer(hashes);
        using var hashClient = new JsonRpcClient(hashServer.Endpoint);
        Assert.Contains("hashes", Assert.Throws<FormatException>(() => BlockFetcher.Fetch(hashClient, "5")).Message);
    }

    [Fact]
    public void An_unreachable_node_is_an_io_error()
    {
        using var client = new JsonRpcClient(new Uri("http://127.0.0.1:9/"), TimeSpan.FromSeconds(5));
        Assert.Throws<IOException>(() => client.Call("eth_chainId"));
    }
}
