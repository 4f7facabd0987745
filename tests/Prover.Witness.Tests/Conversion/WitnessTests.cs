using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Crypto;
using RlpHelpers = Prover.Witness.Rlp.Rlp;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Conversion;

public class WitnessTests
{
    private static (ExecutionWitnessData Witness, Block Block, JsonDocument Doc) LoadEf(string file)
    {
        var doc = EthFixtures.Load(file);
        var bw = doc.RootElement.GetProperty("block_and_witness");
        return (ExecutionWitnessData.Parse(bw.GetProperty("witness")), BlockJson.Parse(bw.GetProperty("block")), doc);
    }

    [SharedTheory]
    [MemberData(nameof(EthFixtures.PragueWitnessFiles), MemberType = typeof(EthFixtures))]
    public void Real_witnesses_pass_the_consistency_checks(string file)
    {
        var (witness, block, doc) = LoadEf(file);
        using var _ = doc;
        var (state, report) = WitnessChecks.Check(witness, block.Header.ParentHash);
        Assert.Equal(0, report.UnreferencedNodes);
        Assert.Equal(BlockHeader.Decode(witness.Headers[^1]).StateRoot, report.PreStateRoot);
        Assert.DoesNotContain(state, n => n is [0x80]);
        Assert.True(report.EmptyNodesDropped <= 1);
    }

    [SharedFact]
    public void A_missing_root_a_foreign_node_or_a_wrong_parent_is_reported()
    {
        var (witness, block, doc) = LoadEf("prague_witness/test_worst_precompile_fixed_cost-ecrecover.json");
        using var _ = doc;
        var root = BlockHeader.Decode(witness.Headers[^1]).StateRoot;
        var withoutRoot = Copy(witness, state: witness.State.Where(n => !Keccak256.Hash(n).AsSpan().SequenceEqual(root)).ToList());
        var ex = Assert.Throws<WitnessException>(() => WitnessChecks.Check(withoutRoot, block.Header.ParentHash));
        Assert.Contains("state root", ex.Message, StringComparison.Ordinal);

        var foreign = Copy(witness, state: [.. witness.State, RlpHelpers.EncodeList(RlpHelpers.EncodeBytes([1, 2, 3]), RlpHelpers.EncodeBytes([4]))]);
        ex = Assert.Throws<WitnessException>(() => WitnessChecks.Check(foreign, block.Header.ParentHash));
        Assert.Contains("referenced by no other node", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<WitnessException>(() => WitnessChecks.Check(witness, new byte[32]));
        Assert.Contains("parent", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<WitnessException>(() => WitnessChecks.Check(Copy(witness, headers: []), block.Header.ParentHash));
        Assert.Contains("no headers", ex.Message, StringComparison.Ordinal);
    }

    [SharedFact]
    public void Map_form_and_geth_json_headers_parse_to_the_same_witness()
    {
        var (witness, _, doc) = LoadEf("prague_witness/test_worst_modexp-mod_pawel_2.json");
        using var _ = doc;
        var parent = BlockHeader.Decode(witness.Headers[^1]);
        string Map(List<byte[]> items) => "{" + string.Join(",", items.Select(x => $"\"{HexUtil.ToHex(Keccak256.Hash(x))}\":\"{HexUtil.ToHex(x)}\"")) + "}";
        string gethHeader = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["parentHash"] = HexUtil.ToHex(parent.ParentHash), ["sha3Uncles"] = HexUtil.ToHex(parent.OmmersHash),
            ["miner"] = HexUtil.ToHex(parent.Beneficiary), ["stateRoot"] = HexUtil.ToHex(parent.StateRoot),
            ["transactionsRoot"] = HexUtil.ToHex(parent.TransactionsRoot), ["receiptsRoot"] = HexUtil.ToHex(parent.ReceiptsRoot),
            ["logsBloom"] = HexUtil.ToHex(parent.LogsBloom), ["difficulty"] = "0x" + parent.Difficulty.ToString("x", null).TrimStart('0').PadLeft(1, '0'),
            ["number"] = $"0x{parent.Number:x}", ["gasLimit"] = $"0x{parent.GasLimit:x}", ["gasUsed"] = $"0x{parent.GasUsed:x}",
            ["timestamp"] = $"0x{parent.Timestamp:x}", ["extraData"] = HexUtil.ToHex(parent.ExtraData), ["mixHash"] = HexUtil.ToHex(parent.MixHash),
            ["nonce"] = HexUtil.ToHex(parent.Nonce), ["baseFeePerGas"] = $"0x{(ulong)parent.BaseFeePerGas!.Value:x}",
            ["withdrawalsRoot"] = HexUtil.ToHex(parent.WithdrawalsRoot!), ["blobGasUsed"] = $"0x{parent.BlobGasUsed:x}",
            ["excessBlobGas"] = $"0x{parent.ExcessBlobGas:x}", ["parentBeaconBlockRoot"] = HexUtil.ToHex(parent.ParentBeaconBlockRoot!),
            ["requestsHash"] = HexUtil.ToHex(parent.RequestsHash!), ["hash"] = HexUtil.ToHex(parent.Hash()),
        });
        string json = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"state\":{Map(witness.State)},\"codes\":{Map(witness.Codes)},\"headers\":[{gethHeader}]}}}}";
        using var other = JsonDocument.Parse(json);
        var parsed = ExecutionWitnessData.Parse(other.RootElement);
        Assert.Equal(witness.Headers[^1], parsed.Headers[0]);
        Assert.Equal(witness.State.Select(x => HexUtil.ToHex(x)).Order(), parsed.State.Select(x => HexUtil.ToHex(x)).Order());
        Assert.Empty(parsed.Keys);

        // A map entry whose key is not the hash of its value is rejected.
        string badMap = json.Replace(HexUtil.ToHex(Keccak256.Hash(witness.State[1])), HexUtil.ToHex(new byte[32]), StringComparison.Ordinal);
        using var bad = JsonDocument.Parse(badMap);
        Assert.Throws<FormatException>(() => ExecutionWitnessData.Parse(bad.RootElement));
    }

    private static ExecutionWitnessData Copy(ExecutionWitnessData w, List<byte[]>? state = null, List<byte[]>? headers = null) => new()
    {
        State = state ?? w.State, Codes = w.Codes, Keys = w.Keys, Headers = headers ?? w.Headers,
    };
}
