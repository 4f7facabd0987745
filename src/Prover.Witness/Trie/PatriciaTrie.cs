using Prover.Witness.Crypto;

namespace Prover.Witness.Trie;

/// <summary>
/// A Merkle-Patricia trie (Yellow Paper, appendix D) over byte keys, either complete in memory or
/// partial: built on a witness (<see cref="TrieNodeStore"/>) and a root hash, resolving nodes by
/// hash as walks reach them.
/// </summary>
/// <remarks>
/// <para>Reads and updates walk from the root. A node referenced by hash that the witness lacks
/// raises <see cref="WitnessIncompleteException"/>; it is never taken for an empty subtrie, which
/// would let a prover claim any key absent.</para>
/// <para>Updates keep the trie canonical: a branch left with a single entry collapses into its
/// remaining child (merging paths of extensions and leaves), so the root depends only on the
/// key/value set. Collapsing may need to read the sibling of a deleted key, which must then be in
/// the witness. An empty value means "absent": <see cref="Set"/> with an empty value deletes.</para>
/// <para>Keys are not hashed here: the secure tries of the state (keccak(address)) and of storage
/// (keccak(slot)) are <see cref="StateTrie"/> and <see cref="StorageTrie"/>.</para>
/// </remarks>
public sealed class PatriciaTrie
{
    /// <summary>Root of the empty trie: keccak256(0x80) = 56e81f17…e363b421.</summary>
    public static readonly Hash256 EmptyRoot = Keccak256.HashToValue([0x80]);

    private readonly TrieNodeStore _store;
    private TrieNode? _root;

    /// <summary>An empty trie.</summary>
    public PatriciaTrie()
    {
        _store = new TrieNodeStore();
    }

    /// <summary>
    /// A trie with root <paramref name="rootHash"/> whose nodes come from <paramref name="store"/>.
    /// Nothing is resolved yet; use <see cref="TrieNodeStore.Contains"/> to check the root is there.
    /// </summary>
    public PatriciaTrie(Hash256 rootHash, TrieNodeStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _root = rootHash == EmptyRoot ? null : new HashNode(rootHash);
    }

    /// <summary>
    /// A trie over a witness node list, after checking that the root node is among the nodes
    /// (unless the root is <see cref="EmptyRoot"/>).
    /// </summary>
    /// <exception cref="WitnessIncompleteException">the root node is not in the list.</exception>
    public static PatriciaTrie FromWitness(IEnumerable<byte[]> encodedNodes, Hash256 rootHash)
    {
        var store = new TrieNodeStore(encodedNodes);
        if (rootHash != EmptyRoot && !store.Contains(rootHash))
            throw new WitnessIncompleteException(rootHash);
        return new PatriciaTrie(rootHash, store);
    }

    /// <summary>A fresh trie holding <paramref name="pairs"/> (later duplicates win; empty values are skipped).</summary>
    public static PatriciaTrie Build(IEnumerable<KeyValuePair<byte[], byte[]>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var trie = new PatriciaTrie();
        foreach ((byte[] key, byte[] value) in pairs)
            trie.Set(key, value);
        return trie;
    }

    /// <summary>The store nodes are resolved from (shared with storage tries built on the same witness).</summary>
    public TrieNodeStore Store => _store;

    /// <summary>The root hash: keccak of the root node's encoding (always hashed, even when short).</summary>
    public Hash256 RootHash => _root?.Hash ?? EmptyRoot;

    /// <summary>True when the trie holds no key.</summary>
    public bool IsEmpty => _root is null;

    /// <summary>Looks a key up: true with the value when present, false when provably absent.</summary>
    /// <exception cref="WitnessIncompleteException">the walk needs a node the witness lacks.</exception>
    /// <exception cref="InvalidTrieNodeException">the walk met a malformed node.</exception>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        // Secure-trie keys are 32 bytes: their path fits on the stack.
        Span<byte> path = key.Length <= 64 ? stackalloc byte[2 * key.Length] : new byte[2 * key.Length];
        Nibbles.FromKey(key, path);
        ReadOnlySpan<byte> rest = path;
        TrieNode? node = _root;
        while (true)
        {
            switch (node)
            {
                case null:
                    value = [];
                    return false;
                case HashNode reference:
                    node = _store.Resolve(reference.Hash);
                    continue;
                case LeafNode leaf:
                    if (rest.SequenceEqual(leaf.Path))
                    {
                        value = leaf.Value;
                        return true;
                    }

                    value = [];
                    return false;
                case ExtensionNode extension:
                    if (!rest.StartsWith(extension.Path))
                    {
                        value = [];
                        return false;
                    }

                    rest = rest[extension.Path.Length..];
                    node = extension.Child;
                    continue;
                case BranchNode branch:
                    if (rest.IsEmpty)
                    {
                        value = branch.Value ?? [];
                        return branch.Value is not null;
                    }

                    node = branch[rest[0]];
                    rest = rest[1..];
                    continue;
                default:
                    throw new InvalidOperationException("unknown node type");
            }
        }
    }

    /// <summary>The value under <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="WitnessIncompleteException">the walk needs a node the witness lacks.</exception>
    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out byte[] value) ? value : null;

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; an empty value deletes the key.</summary>
    /// <exception cref="WitnessIncompleteException">the update needs a node the witness lacks.</exception>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            Delete(key);
            return;
        }

        _root = Insert(_root, Nibbles.FromKey(key), value.ToArray());
    }

    /// <summary>Removes <paramref name="key"/>; returns whether it was present.</summary>
    /// <exception cref="WitnessIncompleteException">the deletion needs a node the witness lacks (the key's path or a sibling to collapse into).</exception>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        TrieNode? before = _root;
        _root = Remove(_root, Nibbles.FromKey(key), out bool removed);
        if (!removed)
            _root = before;
        return removed;
    }

    /// <summary>
    /// Adds to <paramref name="nodes"/> the encoding of every node of the trie that is referenced by
    /// hash (32 bytes or more) and of the root: what a witness for the whole trie contains. Nodes
    /// not resolved from the store (never visited) are looked up in it.
    /// </summary>
    /// <exception cref="WitnessIncompleteException">part of the trie is neither in memory nor in the store.</exception>
    public void CollectNodes(ICollection<byte[]> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (_root is null)
            return;
        var pending = new Stack<(TrieNode Node, bool IsRoot)>();
        pending.Push((_root, true));
        while (pending.Count > 0)
        {
            (TrieNode node, bool isRoot) = pending.Pop();
            if (node is HashNode reference)
                node = _store.Resolve(reference.Hash);
            if (isRoot || node.Encoded.Length >= 32)
                nodes.Add(node.Encoded);
            switch (node)
            {
                case BranchNode branch:
                    for (int i = 0; i < 16; i++)
                    {
                        if (branch[i] is { } child)
                            pending.Push((child, false));
                    }

                    break;
                case ExtensionNode extension:
                    pending.Push((extension.Child, false));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Adds to <paramref name="nodes"/> the hashed nodes on the path of <paramref name="key"/>, root
    /// first: a proof of its value or of its absence (what <c>eth_getProof</c> returns). A trie
    /// built on just these nodes answers <see cref="TryGet"/> for this key.
    /// </summary>
    /// <exception cref="WitnessIncompleteException">the path needs a node this trie lacks.</exception>
    public void CollectProof(ReadOnlySpan<byte> key, ICollection<byte[]> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        byte[] path = Nibbles.FromKey(key);
        ReadOnlySpan<byte> rest = path;
        TrieNode? node = _root;
        bool isRoot = true;
        while (node is not null)
        {
            node = Resolve(node);
            if (isRoot || node.Encoded.Length >= 32)
                nodes.Add(node.Encoded);
            isRoot = false;
            switch (node)
            {
                case ExtensionNode extension when rest.StartsWith(extension.Path):
                    rest = rest[extension.Path.Length..];
                    node = extension.Child;
                    break;
                case BranchNode branch when !rest.IsEmpty:
                    node = branch[rest[0]];
                    rest = rest[1..];
                    break;
                default:
                    node = null; // a leaf, a diverging extension, or a branch where the key ends
                    break;
            }
        }
    }

    /// <summary>All key/value pairs in key order (requires the whole trie; keys of odd nibble length cannot occur for byte keys).</summary>
    /// <exception cref="WitnessIncompleteException">part of the trie is missing.</exception>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate()
    {
        var results = new List<KeyValuePair<byte[], byte[]>>();
        var path = new List<byte>();
        Walk(_root, path, results);
        return results;
    }

    private void Walk(TrieNode? node, List<byte> path, List<KeyValuePair<byte[], byte[]>> results)
    {
        // Recursion depth is at most the key length in nibbles; refuse absurd keys from a crafted witness.
        if (path.Count > MaxEnumeratedKeyNibbles)
            throw new InvalidTrieNodeException($"trie path longer than {MaxEnumeratedKeyNibbles / 2} bytes");
        switch (node)
        {
            case null:
                return;
            case HashNode reference:
                Walk(_store.Resolve(reference.Hash), path, results);
                return;
            case LeafNode leaf:
                results.Add(new(Nibbles.ToKey([.. path, .. leaf.Path]), leaf.Value));
                return;
            case ExtensionNode extension:
                path.AddRange(extension.Path);
                Walk(extension.Child, path, results);
                path.RemoveRange(path.Count - extension.Path.Length, extension.Path.Length);
                return;
            case BranchNode branch:
                if (branch.Value is not null)
                    results.Add(new(Nibbles.ToKey([.. path]), branch.Value));
                for (int i = 0; i < 16; i++)
                {
                    path.Add((byte)i);
                    Walk(branch[i], path, results);
                    path.RemoveAt(path.Count - 1);
                }

                return;
            default:
                throw new InvalidOperationException("unknown node type");
        }
    }

    private const int MaxEnumeratedKeyNibbles = 2 * 1024;

    private TrieNode Resolve(TrieNode node) => node is HashNode reference ? _store.Resolve(reference.Hash) : node;

    private TrieNode Insert(TrieNode? node, ReadOnlySpan<byte> path, byte[] value)
    {
        switch (node)
        {
            case null:
                return new LeafNode(path.ToArray(), value);

            case HashNode:
                return Insert(Resolve(node), path, value);

            case LeafNode leaf:
            {
                int common = Nibbles.CommonPrefixLength(path, leaf.Path);
                if (common == path.Length && common == leaf.Path.Length)
                    return new LeafNode(leaf.Path, value);
                var children = new TrieNode?[16];
                byte[]? branchValue = null;
                Place(children, ref branchValue, leaf.Path.AsSpan(common), leaf.Value);
                Place(children, ref branchValue, path[common..], value);
                return WrapInExtension(path[..common], new BranchNode(children, branchValue));
            }

            case ExtensionNode extension:
            {
                int common = Nibbles.CommonPrefixLength(path, extension.Path);
                if (common == extension.Path.Length)
                    return new ExtensionNode(extension.Path, Insert(extension.Child, path[common..], value));

                // Split the extension at the first differing nibble: a branch takes the old
                // child (through a shorter extension when path remains) and the new leaf.
                var children = new TrieNode?[16];
                byte[]? branchValue = null;
                ReadOnlySpan<byte> oldRest = extension.Path.AsSpan(common + 1);
                children[extension.Path[common]] = oldRest.IsEmpty ? extension.Child : new ExtensionNode(oldRest.ToArray(), extension.Child);
                Place(children, ref branchValue, path[common..], value);
                return WrapInExtension(path[..common], new BranchNode(children, branchValue));
            }

            case BranchNode branch:
                if (path.IsEmpty)
                    return branch.WithValue(value);
                return branch.WithChild(path[0], Insert(branch[path[0]], path[1..], value));

            default:
                throw new InvalidOperationException("unknown node type");
        }

        static void Place(TrieNode?[] children, ref byte[]? branchValue, ReadOnlySpan<byte> rest, byte[] value)
        {
            if (rest.IsEmpty)
                branchValue = value;
            else
                children[rest[0]] = new LeafNode(rest[1..].ToArray(), value);
        }

        static TrieNode WrapInExtension(ReadOnlySpan<byte> prefix, BranchNode branch) =>
            prefix.IsEmpty ? branch : new ExtensionNode(prefix.ToArray(), branch);
    }

    private TrieNode? Remove(TrieNode? node, ReadOnlySpan<byte> path, out bool removed)
    {
        switch (node)
        {
            case null:
                removed = false;
                return null;

            case HashNode:
                return Remove(Resolve(node), path, out removed);

            case LeafNode leaf:
                removed = path.SequenceEqual(leaf.Path);
                return removed ? null : leaf;

            case ExtensionNode extension:
            {
                if (!path.StartsWith(extension.Path))
                {
                    removed = false;
                    return extension;
                }

                TrieNode? child = Remove(extension.Child, path[extension.Path.Length..], out removed);
                if (!removed)
                    return extension;
                return Prepend(extension.Path, child);
            }

            case BranchNode branch:
            {
                BranchNode updated;
                if (path.IsEmpty)
                {
                    removed = branch.Value is not null;
                    if (!removed)
                        return branch;
                    updated = branch.WithValue(null);
                }
                else
                {
                    TrieNode? child = Remove(branch[path[0]], path[1..], out removed);
                    if (!removed)
                        return branch;
                    updated = branch.WithChild(path[0], child);
                }

                return Collapse(updated);
            }

            default:
                throw new InvalidOperationException("unknown node type");
        }
    }

    /// <summary>A branch left with one entry becomes that entry, with the branch's nibble prepended to its path.</summary>
    private TrieNode? Collapse(BranchNode branch)
    {
        int children = branch.ChildCount;
        if (children + (branch.Value is null ? 0 : 1) >= 2)
            return branch;
        if (children == 0)
            return branch.Value is null ? null : new LeafNode([], branch.Value);
        for (int i = 0; i < 16; i++)
        {
            if (branch[i] is { } only)
                return Prepend([(byte)i], only);
        }

        throw new InvalidOperationException("unreachable: a child was counted");
    }

    /// <summary>The node reached through <paramref name="prefix"/> then <paramref name="child"/>, merged into one node.</summary>
    private TrieNode? Prepend(ReadOnlySpan<byte> prefix, TrieNode? child)
    {
        if (child is null)
            return null;
        return Resolve(child) switch
        {
            LeafNode leaf => new LeafNode(Nibbles.Concat(prefix, leaf.Path), leaf.Value),
            ExtensionNode extension => new ExtensionNode(Nibbles.Concat(prefix, extension.Path), extension.Child),
            // Keep the child as it was (a hash reference stays a reference): only its path changes.
            BranchNode => new ExtensionNode(prefix.ToArray(), child),
            _ => throw new InvalidOperationException("unknown node type"),
        };
    }
}
