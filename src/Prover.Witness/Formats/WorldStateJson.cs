using System.Numerics;
using System.Text.Json;

namespace Prover.Witness.Formats;

/// <summary>An account of a test's <c>pre</c> or <c>postState</c>: storage slots and values as 32-byte big-endian words.</summary>
public sealed record AccountState(byte[] Address, ulong Nonce, BigInteger Balance, byte[] Code, IReadOnlyDictionary<BigInteger, BigInteger> Storage);

/// <summary>Parses the <c>{address: {nonce, balance, code, storage: {slot: value}}}</c> state of BlockchainTests.</summary>
public static class WorldStateJson
{
    public static List<AccountState> Parse(JsonElement state, string path)
    {
        if (state.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: expected an object of accounts");
        var accounts = new List<AccountState>();
        foreach (var entry in state.EnumerateObject())
        {
            string p = $"{path}[{entry.Name}]";
            var a = entry.Value;
            var storage = new Dictionary<BigInteger, BigInteger>();
            if (a.Find("storage") is { } s)
            {
                if (s.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"{p}.storage: expected an object");
                foreach (var slot in s.EnumerateObject())
                {
                    var key = Hex.ParseQuantity(slot.Name, $"{p}.storage key");
                    if (!storage.TryAdd(key, slot.Value.Quantity($"{p}.storage[{slot.Name}]")))
                        throw new FormatException($"{p}.storage: slot {slot.Name} given twice");
                }
            }
            accounts.Add(new AccountState(
                Hex.ParseFixed(entry.Name, 20, p),
                a.Require(p, "nonce").UInt64($"{p}.nonce"),
                a.Require(p, "balance").Quantity($"{p}.balance"),
                a.Find("code") is { } c ? c.Data($"{p}.code") : [],
                storage));
        }
        return accounts;
    }
}
