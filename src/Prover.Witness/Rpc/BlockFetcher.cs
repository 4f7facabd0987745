using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prover.Witness.Formats;

namespace Prover.Witness.Rpc;

/// <summary>What <see cref="BlockFetcher.Fetch"/> got from the node.</summary>
public sealed record FetchedBlock(ulong Number, ulong ChainId, string FixtureJson, string? ChainConfigNote);

/// <summary>
/// Fetches one block and its execution witness from a node (reth or geth): <c>eth_getBlockByNumber(n, true)</c>,
/// <c>debug_executionWitness(n)</c>, <c>eth_chainId</c> and, where the node has it, <c>debug_chainConfig</c>.
/// Writes them as an EF benchmark fixture (<c>{name, block_and_witness: {block, witness, chain_config}}</c>)
/// that <c>convert</c>, <c>execute</c> and <c>bench</c> take. The answers are kept as the node gave them; the
/// conversion checks them (headers chain to the parent, nodes hash, the block's hash matches).
/// </summary>
public static class BlockFetcher
{
    /// <param name="client">the node</param>
    /// <param name="block">a block number or <c>latest</c> (also <c>safe</c>, <c>finalized</c>)</param>
    public static FetchedBlock Fetch(JsonRpcClient client, string block)
    {
        string tag = Tag(block);
        var rpcBlock = client.Call("eth_getBlockByNumber", tag, true);
        if (rpcBlock.ValueKind != JsonValueKind.Object)
            throw new FormatException($"eth_getBlockByNumber({tag}): the node has no such block");
        ulong number = rpcBlock.Require("eth_getBlockByNumber", "number").UInt64("eth_getBlockByNumber.number");
        if (tag.StartsWith("0x", StringComparison.Ordinal) && number != ulong.Parse(tag.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            throw new FormatException($"eth_getBlockByNumber({tag}) answered block {number}");
        if (rpcBlock.Find("transactions") is { ValueKind: JsonValueKind.Array } txs && txs.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String))
            throw new FormatException($"eth_getBlockByNumber({tag}): transactions came as hashes; the node ignored the full-transactions flag");
        string numberHex = "0x" + number.ToString("x", CultureInfo.InvariantCulture);
        var witness = client.Call("debug_executionWitness", numberHex);
        if (witness.ValueKind != JsonValueKind.Object)
            throw new FormatException($"debug_executionWitness({numberHex}): expected an object, got {witness.ValueKind}");
        ulong chainId = client.Call("eth_chainId").UInt64("eth_chainId");

        JsonElement? config = null;
        string? note = null;
        try
        {
            config = client.Call("debug_chainConfig");
        }
        catch (JsonRpcException e) when (e.MethodNotFound || e.Code == -32602 || e.Code == -32000)
        {
            note = chainId == 1
                ? "the node has no debug_chainConfig: mainnet's fork schedule will be used"
                : $"the node has no debug_chainConfig and chain {chainId} is not mainnet: pass --chain-config to convert";
        }

        var fixture = new JsonObject
        {
            ["name"] = $"block-{number}",
            ["block_and_witness"] = new JsonObject
            {
                ["block"] = JsonNode.Parse(rpcBlock.GetRawText()),
                ["witness"] = JsonNode.Parse(witness.GetRawText()),
            },
            ["success"] = true,
            ["source"] = new JsonObject { ["chain_id"] = chainId, ["methods"] = "eth_getBlockByNumber, debug_executionWitness" },
        };
        if (config is { ValueKind: JsonValueKind.Object } c)
            fixture["block_and_witness"]!["chain_config"] = JsonNode.Parse(c.GetRawText());
        return new FetchedBlock(number, chainId, fixture.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), note);
    }

    /// <summary>The block parameter: a tag, or a decimal/hex number as hex.</summary>
    public static string Tag(string block)
    {
        if (block is "latest" or "safe" or "finalized")
            return block;
        if (block.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(block.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong n)
            : ulong.TryParse(block, NumberStyles.None, CultureInfo.InvariantCulture, out n))
            return "0x" + n.ToString("x", CultureInfo.InvariantCulture);
        throw new ArgumentException($"--block {block}: expected a block number or latest/safe/finalized");
    }
}
