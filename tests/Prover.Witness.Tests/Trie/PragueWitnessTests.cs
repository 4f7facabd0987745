using System.Numerics;
using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Rlp;
using Prover.Witness.Trie;
using Xunit.Abstractions;

namespace Prover.Witness.Tests.Trie;

/// <summary>
/// The EF benchmark blocks with real execution witnesses: the state node list holds the parent
/// header's state root node, and the accounts and slots named in <c>keys</c> can be read from it.
/// </summary>
public sealed class PragueWitnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files => Fixtures.Files(Fixtures.PragueWitness);

    [SharedTheory]
    [MemberData(nameof(Files))]
    public void StateWitness_ContainsTheParentRoot_AndReadsTheKeys(string file)
    {
        using JsonDocument doc = Fixtures.Load(file);
        JsonElement blockAndWitness = doc.RootElement.GetProperty("block_and_witness");
        JsonElement witness = blockAndWitness.GetProperty("witness");
        JsonElement header = blockAndWitness.GetProperty("block").GetProperty("header");

        // The parent is the last of the ancestor headers (RLP); it must hash to parent_hash.
        byte[] parentRlp = witness.GetProperty("headers").EnumerateArray().Last().Bytes();
        Assert.Equal(header.GetProperty("parent_hash").Hash(), Keccak256.HashToValue(parentRlp));
        var fields = new RlpReader(parentRlp).ReadList();
        for (int i = 0; i < 3; i++)
            fields.SkipItem();
        var parentStateRoot = new Hash256(fields.ReadFixedBytes(32));

        var nodes = witness.GetProperty("state").EnumerateArray().Select(Fixtures.Bytes).ToList();
        StateTrie state = StateTrie.FromWitness(nodes, parentStateRoot);
        Assert.True(state.Trie.Store.Contains(parentStateRoot));
        Assert.Equal(parentStateRoot, state.RootHash);

        // Every node is well formed and belongs to the account trie or a storage trie under it.
        Assert.Empty(state.Trie.Store.FindUnreachable([parentStateRoot], followStorageRoots: true));

        var keys = witness.GetProperty("keys").EnumerateArray().Select(Fixtures.Bytes).ToList();
        var addresses = keys.Where(k => k.Length == 20).ToList();
        var slots = keys.Where(k => k.Length == 32).ToList();
        Assert.Equal(keys.Count, addresses.Count + slots.Count);

        int present = 0;
        var storages = new List<StorageTrie>();
        foreach (byte[] address in addresses)
        {
            Account? account = state.GetAccount(address); // throws if the witness does not cover it
            if (account is null)
                continue;
            present++;
            output.WriteLine($"{Hex.Encode(address)}: nonce {account.Nonce}, balance {account.Balance}, storage root {account.StorageRoot}");

            // An empty storage root needs no node; a non-empty one must have its root node here.
            Assert.True(account.StorageRoot == PatriciaTrie.EmptyRoot || state.Trie.Store.Contains(account.StorageRoot));
            storages.Add(state.OpenStorage(account.StorageRoot));
        }

        // A slot key does not say whose it is: it must be readable in at least one of the storages.
        int slotsRead = 0;
        foreach (byte[] slot in slots)
        {
            bool read = false;
            foreach (StorageTrie storage in storages)
            {
                try
                {
                    _ = storage.Get(slot);
                    read = true;
                }
                catch (WitnessIncompleteException)
                {
                }
            }

            slotsRead += read ? 1 : 0;
        }

        output.WriteLine($"{nodes.Count} nodes, {addresses.Count} addresses ({present} present), {storages.Count} storage tries, {slotsRead}/{slots.Count} slots readable");
        Assert.True(present > 0);
        Assert.Equal(slots.Count, slotsRead);
    }
}
