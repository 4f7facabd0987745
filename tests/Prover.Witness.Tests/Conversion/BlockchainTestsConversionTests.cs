using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Conversion;

public class BlockchainTestsConversionTests
{
    /// <summary>Why a block may legitimately not convert; any other reason fails the test.</summary>
    private static readonly string[] AcceptedSkips =
    [
        "pre-merge block: no engine-API payload exists",        // Berlin, London networks (proof-of-work headers)
        "block RLP does not decode",                            // invalid blocks given as malformed RLP
    ];

    /// <summary>
    /// Every block of every BlockchainTests/EEST fixture converts (or is skipped for one of the
    /// reasons above); every valid block's rebuilt header hashes to its block hash; the trie roots
    /// of <c>pre</c> and <c>postState</c> equal the genesis and last block's state roots.
    /// </summary>
    [SharedTheory]
    [MemberData(nameof(EthFixtures.BlockchainTestFiles), MemberType = typeof(EthFixtures))]
    public void Fixture_converts_block_by_block(string file)
    {
        using var doc = EthFixtures.Load(file);
        foreach (var test in doc.RootElement.EnumerateObject())
            CheckTries(test.Name, test.Value);

        var outcomes = BlockchainTestConverter.Convert(doc.RootElement);
        int blocks = doc.RootElement.EnumerateObject().Sum(t => t.Value.GetProperty("blocks").GetArrayLength());
        Assert.Equal(blocks, outcomes.Count);
        foreach (var o in outcomes)
        {
            if (o.Failure is { } f)
            {
                Assert.True(AcceptedSkips.Any(s => f.Reason.Contains(s, StringComparison.Ordinal)), $"{f.Name} block {f.BlockIndex}: {f.Reason}");
                continue;
            }
            var r = o.Result!;
            if (r.ExpectedValid)
            {
                Assert.True(r.HeaderHashMatches, $"{r.Name} block {r.BlockNumber}: rebuilt header does not match");
                Assert.Empty(r.Notes);
                Assert.All(r.Input.PublicKeys, k => Assert.Equal(0x04, k[0]));
            }
            else
            {
                Assert.NotNull(r.ExpectedException);
            }
            var decoded = StatelessInput.Decode(r.Bytes);
            Assert.Equal(r.Bytes, decoded.Encode());
            Assert.Equal(r.BlockHash, decoded.NewPayloadRequest.ExecutionPayload.BlockHash);
            Assert.Equal(r.Fork, decoded.Fork);
            Assert.Equal(HexUtil.ToHex(r.Input.NewPayloadRequest.HashTreeRoot()), HexUtil.ToHex(decoded.NewPayloadRequest.HashTreeRoot()));
        }
    }

    private static void CheckTries(string name, JsonElement test)
    {
        var (pre, post, genesis) = BlockchainTestConverter.States(test, name);
        Assert.Equal(HexUtil.ToHex(genesis.StateRoot), HexUtil.ToHex(pre.Root));
        if (post is null)
            return;
        // The last block's state root: the header whose hash is lastblockhash (genesis or a block).
        var last = test.GetProperty("lastblockhash").Fixed(32, "lastblockhash");
        BlockHeader? lastHeader = genesis.Hash().AsSpan().SequenceEqual(last) ? genesis : null;
        foreach (var b in test.GetProperty("blocks").EnumerateArray())
        {
            try
            {
                var header = Block.Decode(b.GetProperty("rlp").Data("rlp")).Header;
                if (header.Hash().AsSpan().SequenceEqual(last))
                    lastHeader = header;
            }
            catch (FormatException)
            {
            }
        }
        Assert.NotNull(lastHeader);
        Assert.Equal(HexUtil.ToHex(lastHeader.StateRoot), HexUtil.ToHex(post.Root));
    }
}
