using System.Text.Json;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Model;

public class BlockModelTests
{
    /// <summary>
    /// Every decodable fixture block: the header re-encodes to the same bytes and hashes to the
    /// fixture's hash, every transaction round-trips, its JSON form encodes to the same bytes, and
    /// the key recovered from its signature belongs to the fixture's sender.
    /// </summary>
    [SharedTheory]
    [MemberData(nameof(EthFixtures.BlockchainTestFiles), MemberType = typeof(EthFixtures))]
    public void Fixture_blocks_round_trip_and_senders_recover(string file)
    {
        using var doc = EthFixtures.Load(file);
        int checkedBlocks = 0;
        foreach (var test in doc.RootElement.EnumerateObject())
        {
            foreach (var b in test.Value.GetProperty("blocks").EnumerateArray())
            {
                var json = b.Find("blockHeader") is not null ? b : b.Find("rlp_decoded");
                if (json is not { } bj || bj.Find("blockHeader") is not { } headerJson)
                    continue; // an invalid block given only as RLP
                var rlp = b.GetProperty("rlp").Data("rlp");
                Block block;
                try { block = Block.Decode(rlp); }
                catch (FormatException) when (b.Find("expectException") is not null) { continue; }
                var expectedHash = headerJson.GetProperty("hash").Fixed(32, "hash");
                Assert.Equal(HexUtil.ToHex(expectedHash), HexUtil.ToHex(block.Header.Hash()));
                Assert.Equal(HexUtil.ToHex(expectedHash), HexUtil.ToHex(BlockHeader.FromJson(headerJson, "blockHeader").Hash()));
                Assert.Equal(BlockHeader.Decode(block.Header.Encode()).Encode(), block.Header.Encode());

                var txJson = bj.GetProperty("transactions").EnumerateArray().ToArray();
                Assert.Equal(txJson.Length, block.Transactions.Length);
                for (int i = 0; i < block.Transactions.Length; i++)
                {
                    var tx = Transaction.Decode(block.Transactions[i]);
                    Assert.Equal(block.Transactions[i], tx.Encode());
                    Assert.Equal(block.Transactions[i], TransactionJson.Parse(txJson[i], $"tx{i}").Encode());
                    if (txJson[i].Find("sender") is { } sender && tx.TryRecoverPublicKey(out var key))
                        Assert.Equal(HexUtil.ToHex(sender.Fixed(20, "sender")), HexUtil.ToHex(Transaction.AddressOf(key)));
                }
                checkedBlocks++;
            }
        }
        Assert.True(checkedBlocks > 0 || file.Contains("Invalid", StringComparison.Ordinal) || file.Contains("invalid", StringComparison.Ordinal),
            $"{file}: no block checked");
    }

    [Fact]
    public void Legacy_signing_hash_follows_eip155_when_v_carries_a_chain_id()
    {
        // EIP-155's example: nonce 9, gas price 20 gwei, gas 21000, to 0x3535...35, value 1 ether, chain id 1.
        var tx = new Transaction
        {
            Nonce = 9,
            GasPrice = 20_000_000_000,
            GasLimit = 21000,
            To = Enumerable.Repeat((byte)0x35, 20).ToArray(),
            Value = System.Numerics.BigInteger.Parse("1000000000000000000", System.Globalization.CultureInfo.InvariantCulture),
            ChainId = 1,
            V = 37,
            R = System.Numerics.BigInteger.Parse("18515461264373351373200002665853028612451056578545711640558177340181847433846", System.Globalization.CultureInfo.InvariantCulture),
            S = System.Numerics.BigInteger.Parse("46948507304638947509940763649030358759909902576025900602547168820602576006531", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", HexUtil.ToHex(tx.SigningHash()));
        Assert.True(tx.TryRecoverPublicKey(out var key));
        Assert.Equal("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", HexUtil.ToHex(Transaction.AddressOf(key)));
    }

    [Fact]
    public void Malformed_transactions_are_rejected()
    {
        Assert.Throws<FormatException>(() => Transaction.Decode([]));
        Assert.Throws<FormatException>(() => Transaction.Decode([0x05, 0xc0]));
        Assert.ThrowsAny<FormatException>(() => Transaction.Decode([0x02, 0xc0]));
        Assert.ThrowsAny<FormatException>(() => Transaction.Decode([0xc0]));
    }
}
