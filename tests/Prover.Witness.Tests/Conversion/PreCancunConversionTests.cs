using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Prover.Witness.Conversion;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Conversion;

/// <summary>
/// Paris (Bellatrix payload, Engine API V1) and Shanghai (Capella payload, V2) inputs: the request is
/// <c>{ execution_payload }</c> alone. Berlin/London (proof-of-work) blocks have no payload form.
/// </summary>
public class PreCancunConversionTests
{
    private static List<(string File, BlockOutcome Outcome, string Network)> AllOutcomes()
    {
        var all = new List<(string, BlockOutcome, string)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(EthFixtures.Root, "blockchain_tests"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = EthFixtures.Load(Path.GetRelativePath(EthFixtures.Root, file));
            foreach (var test in doc.RootElement.EnumerateObject())
            {
                string network = test.Value.GetProperty("network").GetString()!;
                using var single = System.Text.Json.JsonDocument.Parse($"{{{System.Text.Json.JsonSerializer.Serialize(test.Name)}: {test.Value.GetRawText()}}}");
                foreach (var o in BlockchainTestConverter.Convert(single.RootElement))
                    all.Add((file, o, network));
            }
        }
        return all;
    }

    [SharedFact]
    public void Paris_and_Shanghai_fixture_blocks_convert_and_their_rebuilt_headers_hash_to_the_block_hash()
    {
        var all = AllOutcomes();
        var preCancun = all.Where(x => x.Network is "Paris" or "Shanghai").ToList();
        // The fixtures hold one Paris block and four Shanghai blocks (all skipped before this support).
        // One Shanghai block (use_value_in_contract, block 2) sits on an intermediate state: its witness
        // is block 1's post-state, dumped by the state-dump guest after executing block 1 (Shanghai).
        Assert.Equal(1, preCancun.Count(x => x.Network == "Paris"));
        Assert.Equal(4, preCancun.Count(x => x.Network == "Shanghai"));
        Assert.DoesNotContain(preCancun, x => x.Outcome.Failure is not null);
        Assert.Equal(1, preCancun.Count(x => x.Network == "Paris" && x.Outcome.Result is not null));
        Assert.Equal(4, preCancun.Count(x => x.Network == "Shanghai" && x.Outcome.Result is not null));
        foreach (var (file, o, network) in preCancun)
        {
            if (o.Failure is not null)
                continue;
            var r = o.Result!;
            var fork = network == "Paris" ? Fork.Paris : Fork.Shanghai;
            Assert.Equal(fork, r.Fork);
            Assert.Equal(fork.SchemaId(), BinaryPrimitives.ReadUInt16BigEndian(r.Bytes));
            Assert.True(r.HeaderHashMatches, $"{file} block {r.BlockNumber}: rebuilt header does not hash to the block hash");
            var npr = r.Input.NewPayloadRequest;
            Assert.Equal(HexUtil.ToHex(r.BlockHash), HexUtil.ToHex(HeaderReconstruction.Rebuild(npr).Hash()));
            Assert.Null(npr.ParentBeaconBlockRoot);
            Assert.Empty(npr.VersionedHashes);
            Assert.Null(npr.ExecutionRequests);
            var rebuilt = HeaderReconstruction.Rebuild(npr);
            Assert.Null(rebuilt.BlobGasUsed);
            Assert.Equal(fork == Fork.Shanghai, rebuilt.WithdrawalsRoot is not null);
            if (r.ExpectedValid)
                Assert.Empty(r.Notes);

            // Wire round trip, and the request root is the payload root (one-field container).
            var decoded = StatelessInput.Decode(r.Bytes);
            Assert.Equal(r.Bytes, decoded.Encode());
            Assert.Equal(HexUtil.ToHex(r.Input.HashTreeRoot()), HexUtil.ToHex(decoded.HashTreeRoot()));
            Assert.Equal(HexUtil.ToHex(npr.ExecutionPayload.HashTreeRoot(fork)), HexUtil.ToHex(npr.HashTreeRoot()));
            // The request starts with its single offset (4), then the payload's fixed part.
            var w = new SszWriter();
            npr.Write(w);
            var bytes = w.ToArray();
            Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
            Assert.Equal((uint)ExecutionPayload.FixedSizeFor(fork), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4 + 436)));

            // Trailing bytes, and every truncation that does not only drop whole trailing keys, fail.
            Assert.Throws<SszException>(() => StatelessInput.Decode([.. r.Bytes, 0]));
            int keysStart = r.Bytes.Length - 65 * r.Input.PublicKeys.Length;
            for (int len = 0; len < r.Bytes.Length; len++)
            {
                if (len >= keysStart && (r.Bytes.Length - len) % 65 == 0)
                    continue;
                if (len > 4096 && len < keysStart - 4096 && len % 97 != 0)
                    continue; // the middle of a large witness: sampled
                Assert.Throws<SszException>(() => StatelessInput.Decode(r.Bytes.AsSpan(0, len)));
            }
        }
    }

    /// <summary>Every block of the Paris and Shanghai fixtures, converted or not: payload mapping and header rebuild give the block hash.</summary>
    [SharedFact]
    public void Every_Paris_and_Shanghai_block_maps_to_a_payload_whose_rebuilt_header_is_the_block()
    {
        int checkedBlocks = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(EthFixtures.Root, "blockchain_tests"), "*.json", SearchOption.AllDirectories))
        {
            using var doc = EthFixtures.Load(Path.GetRelativePath(EthFixtures.Root, file));
            foreach (var test in doc.RootElement.EnumerateObject())
            {
                string network = test.Value.GetProperty("network").GetString()!;
                if (network is not ("Paris" or "Shanghai"))
                    continue;
                var fork = network == "Paris" ? Fork.Paris : Fork.Shanghai;
                foreach (var b in test.Value.GetProperty("blocks").EnumerateArray())
                {
                    var block = Block.Decode(HexUtil.ParseData(b.GetProperty("rlp").GetString(), "rlp"));
                    var mapped = PayloadMapper.FromBlock(block, fork);
                    Assert.Empty(mapped.Notes);
                    Assert.Equal(HexUtil.ToHex(block.Header.Hash()), HexUtil.ToHex(HeaderReconstruction.Rebuild(mapped.Request).Hash()));
                    Assert.True(HeaderReconstruction.Matches(mapped.Request));
                    checkedBlocks++;
                }
            }
        }
        Assert.Equal(5, checkedBlocks);
    }

    [SharedFact]
    public void Berlin_and_London_blocks_are_skipped_as_pre_merge()
    {
        var preMerge = AllOutcomes().Where(x => x.Network is "Berlin" or "London").ToList();
        Assert.Equal(2, preMerge.Count);
        Assert.All(preMerge, x =>
        {
            Assert.Null(x.Outcome.Result);
            Assert.Contains("pre-merge block: no engine-API payload exists", x.Outcome.Failure!.Reason, StringComparison.Ordinal);
        });
    }

    private static ExecutionPayload SamplePayload(Withdrawal[] withdrawals) => new()
    {
        ParentHash = Filled(32, 1),
        FeeRecipient = Filled(20, 2),
        StateRoot = Filled(32, 3),
        ReceiptsRoot = Filled(32, 4),
        LogsBloom = Filled(256, 5),
        PrevRandao = Filled(32, 6),
        BlockNumber = 7,
        GasLimit = 30_000_000,
        GasUsed = 21_000,
        Timestamp = 1_681_338_455,
        ExtraData = [0xAB, 0xCD],
        BaseFeePerGas = new BigInteger(7) << 200,
        BlockHash = Filled(32, 8),
        Transactions = [[0x02, 0x01], [0x03]],
        Withdrawals = withdrawals,
    };

    private static byte[] Filled(int n, byte b) => Enumerable.Repeat(b, n).ToArray();

    private static byte[] Pad(byte[] b)
    {
        var c = new byte[32];
        b.CopyTo(c, 0);
        return c;
    }

    private static byte[] Le64(ulong v)
    {
        var c = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(c, v);
        return c;
    }

    /// <summary>Merkleizes whole chunks, padded with zero chunks to a power of two (written here, apart from Merkle.cs).</summary>
    private static byte[] Tree(List<byte[]> chunks)
    {
        int width = 1;
        while (width < chunks.Count) width *= 2;
        var layer = chunks.Concat(Enumerable.Range(0, width - chunks.Count).Select(_ => new byte[32])).ToList();
        while (layer.Count > 1)
            layer = Enumerable.Range(0, layer.Count / 2).Select(i => SHA256.HashData([.. layer[2 * i], .. layer[2 * i + 1]])).ToList();
        return layer[0];
    }

    [Theory]
    [InlineData(Fork.Paris, 14, 508)]
    [InlineData(Fork.Shanghai, 15, 512)]
    [InlineData(Fork.Cancun, 17, 528)]
    public void Payload_shapes_follow_Bellatrix_Capella_Deneb(Fork fork, int fields, int fixedSize)
    {
        var withdrawals = fork.HasWithdrawals() ? new[] { new Withdrawal(1, 2, Filled(20, 9), 3) } : [];
        var p = SamplePayload(withdrawals);
        Assert.Equal(fixedSize, ExecutionPayload.FixedSizeFor(fork));

        // Serialization: fixed part, then extra_data, transactions (and withdrawals).
        var w = new SszWriter();
        p.Write(w, fork);
        var bytes = w.ToArray();
        int txsBytes = 8 + 2 + 1;
        Assert.Equal(fixedSize + 2 + txsBytes + withdrawals.Length * Withdrawal.Size, bytes.Length);
        Assert.Equal((uint)fixedSize, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(436))); // extra_data offset
        var r = new SszReader(bytes);
        var back = ExecutionPayload.Read(ref r, fork);
        r.CheckEnd();
        var w2 = new SszWriter();
        back.Write(w2, fork);
        Assert.Equal(bytes, w2.ToArray());

        // hash_tree_root: the fork's field list in order, padded to 16 (Bellatrix, Capella) or 32 (Deneb) leaves.
        var leaves = new List<byte[]>
        {
            p.ParentHash, Pad(p.FeeRecipient), p.StateRoot, p.ReceiptsRoot, Merkle.ByteVectorRoot(p.LogsBloom),
            p.PrevRandao, Le64(p.BlockNumber), Le64(p.GasLimit), Le64(p.GasUsed), Le64(p.Timestamp),
            Merkle.ByteListRoot(p.ExtraData, 32), Pad(p.BaseFeePerGas.ToByteArray(isUnsigned: true, isBigEndian: false)), p.BlockHash,
            Merkle.CompositeListRoot(p.Transactions.Select(t => Merkle.ByteListRoot(t, SszLimits.MaxBytesPerTransaction)).ToArray(), SszLimits.MaxTransactionsPerPayload),
        };
        if (fork.HasWithdrawals())
            leaves.Add(Merkle.CompositeListRoot(withdrawals.Select(x => x.HashTreeRoot()).ToArray(), SszLimits.MaxWithdrawalsPerPayload));
        if (fork.HasBlobFields())
        {
            leaves.Add(Le64(0));
            leaves.Add(Le64(0));
        }
        Assert.Equal(fields, leaves.Count);
        Assert.Equal(HexUtil.ToHex(Tree(leaves)), HexUtil.ToHex(p.HashTreeRoot(fork)));
    }

    [Fact]
    public void Pre_Cancun_requests_round_trip_and_reject_other_shapes()
    {
        foreach (var fork in new[] { Fork.Paris, Fork.Shanghai })
        {
            var p = SamplePayload(fork.HasWithdrawals() ? [new Withdrawal(1, 2, Filled(20, 9), 3)] : []);
            var npr = new NewPayloadRequest(fork, p, [], null, null);
            var input = new StatelessInput(npr, new ExecutionWitness([[0x80]], [], []), 1, [Filled(65, 4)]);
            var wire = input.Encode();
            Assert.Equal(fork.SchemaId(), BinaryPrimitives.ReadUInt16BigEndian(wire));
            var decoded = StatelessInput.Decode(wire);
            Assert.Equal(wire, decoded.Encode());
            Assert.Equal(HexUtil.ToHex(input.HashTreeRoot()), HexUtil.ToHex(decoded.HashTreeRoot()));
            Assert.Equal(HexUtil.ToHex(p.HashTreeRoot(fork)), HexUtil.ToHex(decoded.NewPayloadRequest.HashTreeRoot()));
            Assert.Throws<SszException>(() => StatelessInput.Decode([.. wire, 0]));
            for (int len = 0; len < wire.Length - 65; len++)
                Assert.Throws<SszException>(() => StatelessInput.Decode(wire.AsSpan(0, len)));
            // The same bytes under the next fork's schema id are a different shape and must not decode.
            var other = (byte[])wire.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(other, (fork + 1).SchemaId());
            Assert.Throws<SszException>(() => StatelessInput.Decode(other));

            Assert.Throws<ArgumentException>(() => new NewPayloadRequest(fork, p, [], new byte[32], null).HashTreeRoot());
            Assert.Throws<ArgumentException>(() => new NewPayloadRequest(fork, p, [new byte[32]], null, null).HashTreeRoot());
            Assert.Throws<ArgumentException>(() => (p with { BlobGasUsed = 1 }).HashTreeRoot(fork));
        }
        Assert.Throws<ArgumentException>(() => SamplePayload([new Withdrawal(1, 2, Filled(20, 9), 3)]).HashTreeRoot(Fork.Paris));
        Assert.Throws<ArgumentException>(() => new NewPayloadRequest(Fork.Cancun, SamplePayload([]), [], null, null).HashTreeRoot());
    }
}
