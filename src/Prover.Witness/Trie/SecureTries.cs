using System.Numerics;
using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Trie;

/// <summary>The account trie: key keccak256(address), value RLP(<see cref="Account"/>).</summary>
public sealed class StateTrie
{
    /// <summary>An empty state.</summary>
    public StateTrie()
        : this(new PatriciaTrie())
    {
    }

    /// <summary>A state over an existing trie (e.g. from a witness).</summary>
    public StateTrie(PatriciaTrie trie)
    {
        ArgumentNullException.ThrowIfNull(trie);
        Trie = trie;
    }

    /// <summary>A state over a witness node list whose root node must be present.</summary>
    /// <exception cref="WitnessIncompleteException">the root node is missing.</exception>
    public static StateTrie FromWitness(IEnumerable<byte[]> encodedNodes, Hash256 stateRoot) =>
        new(PatriciaTrie.FromWitness(encodedNodes, stateRoot));

    /// <summary>The underlying trie (hashed keys).</summary>
    public PatriciaTrie Trie { get; }

    /// <summary>The state root.</summary>
    public Hash256 RootHash => Trie.RootHash;

    /// <summary>The account at <paramref name="address"/> (20 bytes), or null when absent.</summary>
    /// <exception cref="WitnessIncompleteException">the witness does not cover this address.</exception>
    public Account? GetAccount(ReadOnlySpan<byte> address)
    {
        CheckAddress(address);
        Span<byte> key = stackalloc byte[32];
        Keccak256.Hash(address, key);
        return Trie.TryGet(key, out byte[] value) ? Account.Decode(value) : null;
    }

    /// <summary>Stores an account (null deletes it).</summary>
    public void SetAccount(ReadOnlySpan<byte> address, Account? account)
    {
        CheckAddress(address);
        byte[] key = Keccak256.Hash(address);
        if (account is null)
            Trie.Delete(key);
        else
            Trie.Set(key, account.Encode());
    }

    /// <summary>The storage trie of an account with this storage root, over the same witness nodes.</summary>
    public StorageTrie OpenStorage(Hash256 storageRoot) => new(new PatriciaTrie(storageRoot, Trie.Store));

    private static void CheckAddress(ReadOnlySpan<byte> address)
    {
        if (address.Length != 20)
            throw new ArgumentException($"An address is 20 bytes, got {address.Length}.", nameof(address));
    }
}

/// <summary>An account's storage trie: key keccak256(slot as 32 bytes), value RLP(value with leading zeros trimmed); zero means absent.</summary>
public sealed class StorageTrie
{
    /// <summary>An empty storage.</summary>
    public StorageTrie()
        : this(new PatriciaTrie())
    {
    }

    /// <summary>A storage over an existing trie.</summary>
    public StorageTrie(PatriciaTrie trie)
    {
        ArgumentNullException.ThrowIfNull(trie);
        Trie = trie;
    }

    /// <summary>The underlying trie (hashed keys).</summary>
    public PatriciaTrie Trie { get; }

    /// <summary>The storage root.</summary>
    public Hash256 RootHash => Trie.RootHash;

    /// <summary>The value of <paramref name="slot"/> (32 bytes, big-endian), zero when absent.</summary>
    /// <exception cref="WitnessIncompleteException">the witness does not cover this slot.</exception>
    public BigInteger Get(ReadOnlySpan<byte> slot)
    {
        CheckSlot(slot);
        Span<byte> key = stackalloc byte[32];
        Keccak256.Hash(slot, key);
        if (!Trie.TryGet(key, out byte[] value))
            return BigInteger.Zero;
        var reader = new RlpReader(value);
        BigInteger result = reader.ReadBigInteger();
        reader.CheckEnd();
        if (result.IsZero)
            throw new InvalidTrieNodeException("a storage trie holds a zero value");
        return result;
    }

    /// <summary>Sets <paramref name="slot"/> (32 bytes) to <paramref name="value"/>; zero deletes it.</summary>
    public void Set(ReadOnlySpan<byte> slot, BigInteger value)
    {
        CheckSlot(slot);
        byte[] key = Keccak256.Hash(slot);
        if (value.IsZero)
            Trie.Delete(key);
        else
            Trie.Set(key, Rlp.Rlp.EncodeBigInteger(value));
    }

    private static void CheckSlot(ReadOnlySpan<byte> slot)
    {
        if (slot.Length != 32)
            throw new ArgumentException($"A storage slot is 32 bytes, got {slot.Length}.", nameof(slot));
    }
}
