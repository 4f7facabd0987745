using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Trie;

namespace Prover.Witness.Tests;

/// <summary>Access to the Ethereum fixtures in ../shared and the small JSON conversions the tests need.</summary>
internal static class Fixtures
{
    public const string BlockchainTests = "fixtures/ethereum/blockchain_tests";
    public const string EestPrague = "fixtures/ethereum/eest_prague";
    public const string PragueWitness = "fixtures/ethereum/prague_witness";

    /// <summary>Relative paths of the JSON files under <paramref name="folder"/>, or one placeholder when ../shared is absent (the test is skipped then).</summary>
    public static TheoryData<string> Files(params string[] folders)
    {
        var data = new TheoryData<string>();
        if (!SharedData.Exists)
        {
            data.Add("(shared data absent)");
            return data;
        }

        string root = SharedData.PathOf("");
        foreach (string folder in folders)
        {
            foreach (string file in Directory.EnumerateFiles(SharedData.PathOf(folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        }

        return data;
    }

    public static JsonDocument Load(string relativePath)
    {
        using FileStream stream = File.OpenRead(SharedData.PathOf(relativePath));
        return JsonDocument.Parse(stream);
    }

    public static byte[] Bytes(this JsonElement e) => Hex.Decode(e.GetString()!);

    public static Hash256 Hash(this JsonElement e) => Hash256.Parse(e.GetString()!);

    /// <summary>A 0x-prefixed hex quantity (any number of digits, possibly odd, possibly "0x").</summary>
    public static BigInteger Quantity(this JsonElement e)
    {
        string s = e.GetString()!;
        string digits = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        return digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>A quantity as 32 big-endian bytes (storage slots).</summary>
    public static byte[] Word(this JsonElement e)
    {
        var word = new byte[32];
        BigInteger value = e.Quantity();
        value.TryWriteBytes(word.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return word;
    }

    /// <summary>
    /// The state of a BlockchainTests allocation (<c>pre</c> or <c>postState</c>): address →
    /// {nonce, balance, code, storage}. Storage roots and code hashes are computed here.
    /// </summary>
    public static StateTrie BuildState(JsonElement alloc) => BuildState(alloc, out _);

    /// <summary>As <see cref="BuildState(JsonElement)"/>, also returning each account's storage trie.</summary>
    public static StateTrie BuildState(JsonElement alloc, out List<StorageTrie> storages)
    {
        var state = new StateTrie();
        storages = [];
        foreach (JsonProperty entry in alloc.EnumerateObject())
        {
            var storage = new StorageTrie();
            foreach (JsonProperty slot in entry.Value.GetProperty("storage").EnumerateObject())
                storage.Set(JsonDocument.Parse($"\"{slot.Name}\"").RootElement.Word(), slot.Value.Quantity());
            var account = new Account(
                (ulong)entry.Value.GetProperty("nonce").Quantity(),
                entry.Value.GetProperty("balance").Quantity(),
                storage.RootHash,
                Keccak256.HashToValue(entry.Value.GetProperty("code").Bytes()));
            state.SetAccount(Hex.Decode(entry.Name), account);
            storages.Add(storage);
        }

        return state;
    }
}
