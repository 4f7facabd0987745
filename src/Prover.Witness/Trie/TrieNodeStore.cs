using Prover.Witness.Crypto;

namespace Prover.Witness.Trie;

/// <summary>
/// Trie nodes from a witness, keyed by keccak256 of their bytes as computed here (a key supplied
/// by the sender is never trusted). Holds account-trie and storage-trie nodes alike.
/// </summary>
public sealed class TrieNodeStore
{
    private readonly Dictionary<Hash256, byte[]> _nodes = [];
    private readonly Dictionary<Hash256, TrieNode> _decoded = [];

    /// <summary>An empty store.</summary>
    public TrieNodeStore()
    {
    }

    /// <summary>A store holding <paramref name="encodedNodes"/> (duplicates are kept once).</summary>
    public TrieNodeStore(IEnumerable<byte[]> encodedNodes)
    {
        ArgumentNullException.ThrowIfNull(encodedNodes);
        List<byte[]> nodes = [.. encodedNodes];
        foreach (byte[] node in nodes)
            ArgumentNullException.ThrowIfNull(node, nameof(encodedNodes));
        var hashes = new Hash256[nodes.Count];
        Keccak256.HashMany(nodes, hashes); // eight nodes per pass where AVX-512 is available
        for (int i = 0; i < nodes.Count; i++)
            _nodes.TryAdd(hashes[i], nodes[i]);
    }

    /// <summary>Number of distinct nodes.</summary>
    public int Count => _nodes.Count;

    /// <summary>The hashes of all nodes held.</summary>
    public IEnumerable<Hash256> Hashes => _nodes.Keys;

    /// <summary>Adds a node and returns its hash. The bytes are kept as given (not copied).</summary>
    public Hash256 Add(byte[] encodedNode)
    {
        ArgumentNullException.ThrowIfNull(encodedNode);
        Hash256 hash = Keccak256.HashToValue(encodedNode);
        _nodes.TryAdd(hash, encodedNode);
        return hash;
    }

    /// <summary>True when a node with this hash is held.</summary>
    public bool Contains(Hash256 hash) => _nodes.ContainsKey(hash);

    /// <summary>The node's bytes, when held.</summary>
    public bool TryGet(Hash256 hash, out byte[] encodedNode) => _nodes.TryGetValue(hash, out encodedNode!);

    /// <summary>Decodes (once) the node with this hash; throws <see cref="WitnessIncompleteException"/> when absent.</summary>
    internal TrieNode Resolve(Hash256 hash)
    {
        if (_decoded.TryGetValue(hash, out TrieNode? node))
            return node;
        if (!_nodes.TryGetValue(hash, out byte[]? encoded))
            throw new WitnessIncompleteException(hash);
        node = TrieNode.Decode(encoded, hash);
        _decoded[hash] = node;
        return node;
    }

    /// <summary>
    /// The held nodes that no walk from <paramref name="roots"/> reaches. With
    /// <paramref name="followStorageRoots"/>, the roots are account-trie roots: every leaf is
    /// decoded as an <see cref="Account"/> and its storage trie is walked too. Nodes missing from
    /// the store are simply not followed (a witness is partial by design). The encoding of the empty
    /// trie (0x80, sent by some clients) is never reported: every empty storage root stands for it.
    /// </summary>
    public IReadOnlyList<Hash256> FindUnreachable(IEnumerable<Hash256> roots, bool followStorageRoots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var reached = new HashSet<Hash256>();
        var pending = new Stack<(TrieNode Node, bool AccountTrie)>();
        foreach (Hash256 root in roots)
            pending.Push((new HashNode(root), followStorageRoots));

        while (pending.Count > 0)
        {
            (TrieNode node, bool accountTrie) = pending.Pop();
            switch (node)
            {
                case HashNode reference:
                    if (reference.Hash == PatriciaTrie.EmptyRoot || !_nodes.ContainsKey(reference.Hash) || !reached.Add(reference.Hash))
                        break;
                    pending.Push((Resolve(reference.Hash), accountTrie));
                    break;
                case BranchNode branch:
                    for (int i = 0; i < 16; i++)
                    {
                        if (branch[i] is { } child)
                            pending.Push((child, accountTrie));
                    }

                    break;
                case ExtensionNode extension:
                    pending.Push((extension.Child, accountTrie));
                    break;
                case LeafNode leaf when accountTrie:
                    Account account = Account.Decode(leaf.Value);
                    pending.Push((new HashNode(account.StorageRoot), false));
                    break;
                default:
                    break;
            }
        }

        var unreachable = new List<Hash256>();
        foreach (Hash256 hash in _nodes.Keys)
        {
            if (!reached.Contains(hash) && hash != PatriciaTrie.EmptyRoot)
                unreachable.Add(hash);
        }

        return unreachable;
    }
}
