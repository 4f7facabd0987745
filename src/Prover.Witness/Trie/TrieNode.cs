using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Trie;

/// <summary>
/// An immutable trie node (Yellow Paper, appendix D). Updates build new nodes along the changed
/// path and share the rest, so a node's encoding and hash are computed at most once and cached.
/// </summary>
internal abstract class TrieNode
{
    private byte[]? _encoded;
    private Hash256? _hash;

    /// <summary>The node's RLP encoding.</summary>
    public virtual byte[] Encoded => _encoded ??= Encode();

    /// <summary>keccak256 of the encoding (how a parent refers to a node of 32 bytes or more, and the root hash).</summary>
    public virtual Hash256 Hash => _hash ??= Keccak256.HashToValue(Encoded);

    /// <summary>For a node decoded from the witness: its bytes and the hash it was stored under are already known.</summary>
    protected void SetKnownEncoding(byte[] encoded, Hash256? hash)
    {
        _encoded = encoded;
        _hash = hash;
    }

    protected abstract byte[] Encode();

    /// <summary>
    /// Writes how a parent refers to this node: the encoding itself when shorter than 32 bytes
    /// (inlined), else the 32-byte hash as an RLP string.
    /// </summary>
    public virtual void WriteReference(RlpWriter writer)
    {
        byte[] encoded = Encoded;
        if (encoded.Length < 32)
        {
            writer.WriteRaw(encoded);
            return;
        }

        Span<byte> hash = stackalloc byte[32];
        Hash.CopyTo(hash);
        writer.WriteBytes(hash);
    }

    /// <summary>Decodes a node; <paramref name="hash"/> is its known hash when it came from the store by hash.</summary>
    public static TrieNode Decode(byte[] encoded, Hash256? hash)
    {
        TrieNode node;
        try
        {
            node = DecodeCore(encoded);
        }
        catch (RlpException e)
        {
            throw new InvalidTrieNodeException($"trie node is not valid RLP: {e.Message}", e);
        }

        node.SetKnownEncoding(encoded, hash);
        return node;
    }

    private static TrieNode DecodeCore(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        if (!outer.HasMore || !outer.IsList)
            throw new InvalidTrieNodeException("a trie node is an RLP list");
        RlpReader items = outer.ReadList();
        outer.CheckEnd();

        // Count the items first (a node has 2 or 17), without decoding them.
        RlpReader counter = items;
        int count = 0;
        while (counter.HasMore && count <= 17)
        {
            counter.SkipItem();
            count++;
        }

        if (count == 17)
        {
            var children = new TrieNode?[16];
            for (int i = 0; i < 16; i++)
                children[i] = DecodeReference(ref items, allowEmpty: true);
            ReadOnlySpan<byte> value = items.ReadBytes();
            items.CheckEnd();
            var branch = new BranchNode(children, value.IsEmpty ? null : value.ToArray());
            if (branch.ChildCount + (branch.Value is null ? 0 : 1) < 2)
                throw new InvalidTrieNodeException("a branch node must have at least two entries (children or value)");
            return branch;
        }

        if (count == 2)
        {
            byte[] path = Nibbles.HexPrefixDecode(items.ReadBytes(), out bool isLeaf);
            if (isLeaf)
            {
                ReadOnlySpan<byte> value = items.ReadBytes();
                items.CheckEnd();
                if (value.IsEmpty)
                    throw new InvalidTrieNodeException("a leaf node has an empty value");
                return new LeafNode(path, value.ToArray());
            }

            if (path.Length == 0)
                throw new InvalidTrieNodeException("an extension node has an empty path");
            TrieNode child = DecodeReference(ref items, allowEmpty: false)!;
            items.CheckEnd();
            if (child is LeafNode or ExtensionNode)
                throw new InvalidTrieNodeException("an extension node must lead to a branch node");
            return new ExtensionNode(path, child);
        }

        throw new InvalidTrieNodeException($"a trie node has 2 or 17 items, found {(count > 17 ? "more than 17" : count)}");
    }

    /// <summary>A child reference: empty (0x80, branches only), a 32-byte hash, or an inline node under 32 bytes.</summary>
    private static TrieNode? DecodeReference(ref RlpReader items, bool allowEmpty)
    {
        if (items.IsList)
        {
            ReadOnlySpan<byte> raw = items.ReadRaw();
            if (raw.Length >= 32)
                throw new InvalidTrieNodeException($"an inline node must be shorter than 32 bytes, found {raw.Length}");
            return Decode(raw.ToArray(), null);
        }

        ReadOnlySpan<byte> bytes = items.ReadBytes();
        if (bytes.IsEmpty && allowEmpty)
            return null;
        if (bytes.Length != 32)
            throw new InvalidTrieNodeException($"a child reference is a 32-byte hash or an inline node, found a {bytes.Length}-byte string");
        return new HashNode(new Hash256(bytes));
    }
}

/// <summary>A leaf: the rest of the key path and the value.</summary>
internal sealed class LeafNode(byte[] path, byte[] value) : TrieNode
{
    public byte[] Path { get; } = path;

    public byte[] Value { get; } = value;

    protected override byte[] Encode()
    {
        var writer = new RlpWriter(Value.Length + Path.Length / 2 + 8);
        writer.StartList().WriteBytes(Nibbles.HexPrefixEncode(Path, isLeaf: true)).WriteBytes(Value).EndList();
        return writer.ToArray();
    }
}

/// <summary>An extension: a shared path segment (non-empty) leading to a branch.</summary>
internal sealed class ExtensionNode(byte[] path, TrieNode child) : TrieNode
{
    public byte[] Path { get; } = path;

    public TrieNode Child { get; } = child;

    protected override byte[] Encode()
    {
        var writer = new RlpWriter(Path.Length / 2 + 40);
        writer.StartList().WriteBytes(Nibbles.HexPrefixEncode(Path, isLeaf: false));
        Child.WriteReference(writer);
        writer.EndList();
        return writer.ToArray();
    }
}

/// <summary>A branch: sixteen children by next nibble and the value of a key ending here.</summary>
internal sealed class BranchNode : TrieNode
{
    private readonly TrieNode?[] _children;

    public BranchNode(TrieNode?[] children, byte[]? value)
    {
        _children = children;
        Value = value;
    }

    public byte[]? Value { get; }

    public TrieNode? this[int nibble] => _children[nibble];

    public int ChildCount
    {
        get
        {
            int count = 0;
            foreach (TrieNode? child in _children)
                count += child is null ? 0 : 1;
            return count;
        }
    }

    /// <summary>A copy with one child replaced.</summary>
    public BranchNode WithChild(int nibble, TrieNode? child)
    {
        var children = (TrieNode?[])_children.Clone();
        children[nibble] = child;
        return new BranchNode(children, Value);
    }

    /// <summary>A copy with the value replaced.</summary>
    public BranchNode WithValue(byte[]? value) => new((TrieNode?[])_children.Clone(), value);

    protected override byte[] Encode()
    {
        var writer = new RlpWriter(16 * 33 + (Value?.Length ?? 0) + 8);
        writer.StartList();
        foreach (TrieNode? child in _children)
        {
            if (child is null)
                writer.WriteBytes([]);
            else
                child.WriteReference(writer);
        }

        writer.WriteBytes(Value ?? []);
        writer.EndList();
        return writer.ToArray();
    }
}

/// <summary>A reference by hash to a node not yet resolved from the witness.</summary>
internal sealed class HashNode(Hash256 hash) : TrieNode
{
    public override Hash256 Hash { get; } = hash;

    public override byte[] Encoded => throw new InvalidOperationException("An unresolved node has no encoding at hand.");

    protected override byte[] Encode() => throw new InvalidOperationException("An unresolved node has no encoding at hand.");

    public override void WriteReference(RlpWriter writer)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash.CopyTo(hash);
        writer.WriteBytes(hash);
    }
}
