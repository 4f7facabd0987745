namespace Prover.Service;

/// <summary>
/// Finished proofs (EIP-8025 <c>ExecutionProof</c> SSZ bytes) by payload root and proof type: the most recent
/// in an in-memory LRU cache, all of them on disk when a data directory is set (one file per proof, written to
/// a temporary name and renamed, so a crash never leaves a partial proof under its real name), so they survive
/// a restart. Also indexes proofs by block hash. Thread-safe.
/// </summary>
public sealed class ProofStore
{
    private readonly int _capacity;
    private readonly string? _proofDir;
    private readonly string? _blockDir;
    private readonly Dictionary<(string Root, string Type), LinkedListNode<((string Root, string Type) Key, byte[] Bytes)>> _index = [];
    private readonly LinkedList<((string Root, string Type) Key, byte[] Bytes)> _lru = new();
    private readonly Dictionary<string, string> _blocks = [];
    private readonly Lock _lock = new();

    /// <param name="dataDirectory">Where proofs persist; null: memory only.</param>
    /// <param name="capacity">Proofs kept in memory.</param>
    public ProofStore(string? dataDirectory, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        if (dataDirectory is not null)
        {
            _proofDir = Directory.CreateDirectory(Path.Combine(dataDirectory, "proofs")).FullName;
            _blockDir = Directory.CreateDirectory(Path.Combine(dataDirectory, "blocks")).FullName;
        }
    }

    /// <summary>Proofs currently held in memory.</summary>
    public int CachedCount
    {
        get
        {
            lock (_lock)
                return _lru.Count;
        }
    }

    /// <summary>Stores a proof (idempotent: storing the same key again replaces it with the new bytes).</summary>
    public void Put(string rootHex, string proofType, byte[] proof, byte[]? blockHash = null)
    {
        var key = Key(rootHex, proofType);
        if (_proofDir is not null)
        {
            WriteAtomically(Path.Combine(_proofDir, FileName(key)), proof);
            if (blockHash is not null)
                WriteAtomically(Path.Combine(_blockDir!, Hex(blockHash)), System.Text.Encoding.ASCII.GetBytes(key.Root));
        }
        lock (_lock)
        {
            Remember(key, proof);
            if (blockHash is not null)
                _blocks[Hex(blockHash)] = key.Root;
        }
    }

    /// <summary>The proof of <paramref name="rootHex"/> and <paramref name="proofType"/>, from memory or disk; null when absent.</summary>
    public byte[]? TryGet(string rootHex, string proofType)
    {
        var key = Key(rootHex, proofType);
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Bytes;
            }
        }
        if (_proofDir is null)
            return null;
        var path = Path.Combine(_proofDir, FileName(key));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        lock (_lock)
            Remember(key, bytes);
        return bytes;
    }

    /// <summary>The payload root proved for a block hash (0x-hex), or null.</summary>
    public string? RootOfBlock(byte[] blockHash)
    {
        var hex = Hex(blockHash);
        lock (_lock)
            if (_blocks.TryGetValue(hex, out var root))
                return root;
        if (_blockDir is null)
            return null;
        var path = Path.Combine(_blockDir, hex);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private void Remember((string, string) key, byte[] bytes)
    {
        if (_index.Remove(key, out var old))
            _lru.Remove(old);
        _index[key] = _lru.AddFirst((key, bytes));
        while (_lru.Count > _capacity)
        {
            var last = _lru.Last!;
            _lru.RemoveLast();
            _index.Remove(last.Value.Key);
        }
    }

    /// <summary>Keys are validated here, so a request can never name a path outside the store.</summary>
    private static (string Root, string Type) Key(string rootHex, string proofType)
    {
        if (!ProofApi.TryParseRoot(rootHex, out var root))
            throw new ArgumentException($"not a 0x-prefixed 32-byte hex root: '{rootHex}'", nameof(rootHex));
        if (!ProofApi.IsValidProofTypeName(proofType))
            throw new ArgumentException($"not a proof type name: '{proofType}'", nameof(proofType));
        return ("0x" + Convert.ToHexStringLower(root), proofType);
    }

    private static string FileName((string Root, string Type) key) => $"{key.Root[2..]}.{key.Type}.ssz";

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
