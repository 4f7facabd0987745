using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Trie;

/// <summary>Roots of tries built from scratch: block lists (transactions, receipts, withdrawals) and whole states.</summary>
public static class TrieRoots
{
    /// <summary>
    /// Root of the trie mapping RLP(i) to item i, as for the transactions, receipts and withdrawals
    /// roots of a header (Yellow Paper, section 4.3). Items are given as the trie stores them: a
    /// legacy transaction's RLP list, a typed transaction's envelope (type byte || payload).
    /// </summary>
    public static Hash256 OrderedRoot(IReadOnlyList<byte[]> encodedItems)
    {
        ArgumentNullException.ThrowIfNull(encodedItems);
        var trie = new PatriciaTrie();
        for (int i = 0; i < encodedItems.Count; i++)
        {
            if (encodedItems[i].Length == 0)
                throw new ArgumentException($"item {i} is empty; list items are never empty", nameof(encodedItems));
            trie.Set(Rlp.Rlp.EncodeUInt64((ulong)i), encodedItems[i]);
        }

        return trie.RootHash;
    }

    /// <summary>
    /// The items of an RLP list as an ordered trie stores them: a list item whole (its RLP), a
    /// string item by its payload (how a block body wraps typed transactions and receipts).
    /// </summary>
    public static List<byte[]> ListItemsForTrie(ReadOnlySpan<byte> encodedList)
    {
        var outer = new RlpReader(encodedList);
        RlpReader list = outer.ReadList();
        outer.CheckEnd();
        var items = new List<byte[]>();
        while (list.HasMore)
            items.Add(list.IsList ? list.ReadRaw().ToArray() : list.ReadBytes().ToArray());
        return items;
    }

    /// <summary>Storage root of slot/value pairs (32-byte slots, zero values skipped).</summary>
    public static Hash256 StorageRoot(IEnumerable<KeyValuePair<byte[], System.Numerics.BigInteger>> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var storage = new StorageTrie();
        foreach ((byte[] slot, System.Numerics.BigInteger value) in slots)
            storage.Set(slot, value);
        return storage.RootHash;
    }

    /// <summary>State root of address/account pairs (20-byte addresses).</summary>
    public static Hash256 StateRoot(IEnumerable<KeyValuePair<byte[], Account>> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var state = new StateTrie();
        foreach ((byte[] address, Account account) in accounts)
            state.SetAccount(address, account);
        return state.RootHash;
    }
}
