using System.Text.Json;
using Prover.Witness.Model;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Model;

/// <summary>Transactions signed by @ethereumjs/tx (Vectors/transactions.json), including EIP-7702 type 4.</summary>
public class TransactionVectorTests
{
    public static TheoryData<int> Types() => new(0, 1, 2, 4);

    [Theory]
    [MemberData(nameof(Types))]
    public void Decode_encode_signing_hash_and_sender_match_ethereumjs(int type)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "transactions.json")));
        var v = doc.RootElement.GetProperty("transactions").EnumerateArray().Single(t => t.GetProperty("type").GetInt32() == type);
        var encoded = HexUtil.ParseData(v.GetProperty("encoded").GetString(), "encoded");
        var tx = Transaction.Decode(encoded);
        Assert.Equal(type, tx.Type);
        Assert.Equal(encoded, tx.Encode());
        Assert.Equal(v.GetProperty("signing_hash").GetString(), HexUtil.ToHex(tx.SigningHash()));
        Assert.True(tx.TryRecoverPublicKey(out var key));
        Assert.Equal(v.GetProperty("sender").GetString(), HexUtil.ToHex(Transaction.AddressOf(key)));
        if (type == 4)
        {
            var auth = Assert.Single(tx.AuthorizationList);
            Assert.Equal(9UL, auth.Nonce);
            Assert.Equal(1, auth.YParity);
        }
    }
}
