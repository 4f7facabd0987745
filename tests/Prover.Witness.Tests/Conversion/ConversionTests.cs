using System.Text.Json;
using System.Text.Json.Nodes;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Conversion;

public class ConversionTests
{
    /// <summary>
    /// The key correctness check of the payload mapping: for every EF witness fixture the header
    /// rebuilt from the payload alone hashes to the block hash, and the input round-trips.
    /// </summary>
    [SharedTheory]
    [MemberData(nameof(EthFixtures.PragueWitnessFiles), MemberType = typeof(EthFixtures))]
    public void EF_witness_fixtures_convert_and_the_rebuilt_header_matches(string file)
    {
        using var doc = EthFixtures.Load(file);
        var result = EfBenchmarkFixture.Convert(doc.RootElement);
        Assert.Equal(Fork.Prague, result.Fork);
        Assert.True(result.HeaderHashMatches, string.Join("; ", result.Notes));
        Assert.Empty(result.Notes);
        Assert.Equal(0x11, result.Bytes[0]);
        Assert.Equal(0x01, result.Bytes[1]);
        var decoded = StatelessInput.Decode(result.Bytes);
        Assert.Equal(result.Bytes, decoded.Encode());
        Assert.Equal(decoded.NewPayloadRequest.ExecutionPayload.Transactions.Length, decoded.PublicKeys.Length);
        Assert.All(decoded.PublicKeys, k => Assert.Equal(0x04, k[0]));
        Assert.True(HeaderReconstruction.Matches(decoded.NewPayloadRequest));
        // The input carries no key preimages, and the parent header is the last witness header.
        var parent = BlockHeader.Decode(decoded.Witness.Headers[^1]);
        Assert.Equal(decoded.NewPayloadRequest.ExecutionPayload.ParentHash, parent.Hash());
    }

    [SharedFact]
    public void A_bare_witness_with_its_block_converts_like_the_fixture_that_wraps_them()
    {
        using var doc = EthFixtures.Load("prague_witness/test_worst_modexp-mod_8_exp_648.json");
        var bw = doc.RootElement.GetProperty("block_and_witness");
        var wrapped = EfBenchmarkFixture.Convert(doc.RootElement);
        var bare = InputConverter.Convert(bw.GetProperty("witness"), "bare", bw.GetProperty("block"), bw.GetProperty("chain_config"));
        var result = Assert.Single(bare.Results);
        Assert.Empty(bare.Failures);
        Assert.Equal(wrapped.Bytes, result.Bytes);
        Assert.Throws<FormatException>(() => InputConverter.Convert(bw.GetProperty("witness")));
    }

    /// <summary>Osaka, BPO1 and BPO2 blocks (no public fixtures): the same Prague block under a chain config that activates the later fork.</summary>
    [SharedTheory]
    [InlineData("osaka_time", Fork.Osaka, 0x1201)]
    [InlineData("bpo1_time", Fork.Bpo1, 0x1301)]
    [InlineData("bpo2_time", Fork.Bpo2, 0x1401)]
    public void Later_forks_select_their_schema_id_from_the_chain_config(string field, Fork fork, int schemaId)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(EthFixtures.Root, "prague_witness/test_worst_modexp-mod_pawel_2.json")))!;
        var config = node["block_and_witness"]!["chain_config"]!;
        config["osaka_time"] = 0;
        if (field != "osaka_time") config["bpo1_time"] = 0;
        if (field == "bpo2_time") config["bpo2_time"] = 0;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var result = EfBenchmarkFixture.Convert(doc.RootElement);
        Assert.Equal(fork, result.Fork);
        Assert.Equal(schemaId, result.Input.SchemaId);
        Assert.True(result.HeaderHashMatches);
        var decoded = StatelessInput.Decode(result.Bytes);
        Assert.Equal(fork, decoded.Fork);
        Assert.NotNull(decoded.NewPayloadRequest.ExecutionRequests);
    }

    [Fact]
    public void Fork_schedule_follows_timestamps_and_network_names()
    {
        var mainnet = ForkSchedule.Mainnet;
        Assert.Equal(Fork.Cancun, mainnet.ForkAt(1710338135));
        Assert.Equal(Fork.Cancun, mainnet.ForkAt(1746612310));
        Assert.Equal(Fork.Prague, mainnet.ForkAt(1746612311));
        Assert.Equal(Fork.Osaka, mainnet.ForkAt(1764798551));
        Assert.Equal(Fork.Bpo1, mainnet.ForkAt(1765290071));
        Assert.Equal(Fork.Bpo2, mainnet.ForkAt(1767747671));
        var transition = ForkSchedule.FromNetwork("CancunToPragueAtTime15k");
        Assert.Equal(Fork.Cancun, transition.ForkAt(14999));
        Assert.Equal(Fork.Prague, transition.ForkAt(15000));
        Assert.Throws<NotSupportedException>(() => ForkSchedule.FromNetwork("London"));
        Assert.Equal(new BlobParameters(14, 21, 11684671), BlobParameters.For(Fork.Bpo2));
        Assert.Equal(new BlobParameters(3, 6, 3338477), BlobParameters.For(Fork.Cancun));
    }

    [Fact]
    public void Chain_configs_in_geth_and_EF_spelling_give_the_same_schedule()
    {
        using var geth = JsonDocument.Parse("""{"chainId": 17000, "cancunTime": 100, "pragueTime": 200, "osakaTime": 300, "bpo1Time": null}""");
        using var ef = JsonDocument.Parse("""{"chain_id": 17000, "cancun_time": 100, "prague_time": 200, "osaka_time": 300, "bpo1_time": null}""");
        foreach (var schedule in new[] { ForkSchedule.FromChainConfig(geth.RootElement), ForkSchedule.FromChainConfig(ef.RootElement) })
        {
            Assert.Equal(17000UL, schedule.ChainId);
            Assert.Equal(Fork.Paris, schedule.ForkAt(99));
            Assert.Equal(Fork.Cancun, schedule.ForkAt(100));
            Assert.Equal(Fork.Prague, schedule.ForkAt(299));
            Assert.Equal(Fork.Osaka, schedule.ForkAt(1_000_000));
        }
        using var bad = JsonDocument.Parse("""{"cancunTime": "soon"}""");
        Assert.Throws<FormatException>(() => ForkSchedule.FromChainConfig(bad.RootElement));
    }

    [Fact]
    public void Requests_hash_follows_eip7685()
    {
        Assert.Equal(BlockHeader.EmptyRequestsHash, HeaderReconstruction.RequestsHash(ExecutionRequests.Empty));
        var one = new ExecutionRequests([], [new WithdrawalRequest(new byte[20], new byte[48], 5)], []);
        var typed = one.ToTypedRequests();
        Assert.Single(typed);
        Assert.Equal(1 + WithdrawalRequest.Size, typed[0].Length);
        Assert.Equal(0x01, typed[0][0]);
        var expected = System.Security.Cryptography.SHA256.HashData(System.Security.Cryptography.SHA256.HashData(typed[0]));
        Assert.Equal(expected, HeaderReconstruction.RequestsHash(one));
        var back = ExecutionRequests.FromTypedRequests(typed);
        Assert.Equal(5UL, back.Withdrawals[0].Amount);
        Assert.Equal(typed[0], back.ToTypedRequests()[0]);
        Assert.Throws<FormatException>(() => ExecutionRequests.FromTypedRequests([typed[0], typed[0]]));
    }

    [SharedFact]
    public void A_block_whose_parent_is_not_the_witness_parent_is_refused()
    {
        using var doc = EthFixtures.Load("prague_witness/test_worst_modexp-mod_pawel_2.json");
        var bw = doc.RootElement.GetProperty("block_and_witness");
        var witness = ExecutionWitnessData.Parse(bw.GetProperty("witness"));
        var block = BlockJson.Parse(bw.GetProperty("block"));
        var other = new Block
        {
            Header = CopyWithParent(block.Header, new byte[32]),
            Transactions = block.Transactions,
            Withdrawals = block.Withdrawals,
        };
        Assert.Throws<WitnessException>(() => StatelessInputBuilder.Build("x", other, witness, ForkSchedule.Fixed(Fork.Prague)));
    }

    private static BlockHeader CopyWithParent(BlockHeader h, byte[] parent) => new()
    {
        ParentHash = parent, OmmersHash = h.OmmersHash, Beneficiary = h.Beneficiary, StateRoot = h.StateRoot,
        TransactionsRoot = h.TransactionsRoot, ReceiptsRoot = h.ReceiptsRoot, LogsBloom = h.LogsBloom, Difficulty = h.Difficulty,
        Number = h.Number, GasLimit = h.GasLimit, GasUsed = h.GasUsed, Timestamp = h.Timestamp, ExtraData = h.ExtraData,
        MixHash = h.MixHash, Nonce = h.Nonce, BaseFeePerGas = h.BaseFeePerGas, WithdrawalsRoot = h.WithdrawalsRoot,
        BlobGasUsed = h.BlobGasUsed, ExcessBlobGas = h.ExcessBlobGas, ParentBeaconBlockRoot = h.ParentBeaconBlockRoot,
        RequestsHash = h.RequestsHash,
    };
}
