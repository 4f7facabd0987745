using BenchmarkDotNet.Attributes;
using Prover.Witness.Rlp;
using Prover.Witness.Trie;

namespace Prover.Benchmarks.Witness;

/// <summary>
/// Trie and RLP costs on a state-sized workload: building a secure trie of <see cref="Count"/>
/// random 32-byte keys with account-sized values and hashing its root; reading every key back
/// from a witness-backed trie (decoding nodes on the way); decoding an encoded block-sized list.
/// Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*TrieBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class TrieBenchmarks
{
    private KeyValuePair<byte[], byte[]>[] _pairs = [];
    private List<byte[]> _witness = [];
    private Prover.Witness.Crypto.Hash256 _root;
    private byte[] _list = [];

    [Params(1000, 10000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _pairs = new KeyValuePair<byte[], byte[]>[Count];
        for (int i = 0; i < Count; i++)
        {
            var key = new byte[32];
            var value = new byte[70];
            random.NextBytes(key);
            random.NextBytes(value);
            _pairs[i] = new(key, value);
        }

        PatriciaTrie trie = PatriciaTrie.Build(_pairs);
        _root = trie.RootHash;
        trie.CollectNodes(_witness);
        if (ReadAllFromWitness() != Count)
            throw new InvalidOperationException("witness-backed reads disagree with the built trie");

        var writer = new RlpWriter();
        writer.StartList();
        foreach ((byte[] key, byte[] value) in _pairs)
            writer.StartList().WriteBytes(key).WriteBytes(value).WriteUInt64((ulong)key[0] << 40).EndList();
        _list = writer.EndList().ToArray();
        if (DecodeList() != Count)
            throw new InvalidOperationException("RLP list decode count is wrong");
    }

    /// <summary>Insert all pairs into an empty trie and compute the root.</summary>
    [Benchmark(Baseline = true)]
    public Prover.Witness.Crypto.Hash256 BuildAndHash() => PatriciaTrie.Build(_pairs).RootHash;

    /// <summary>Hash the witness into a node store and read every key back.</summary>
    [Benchmark]
    public int ReadAllFromWitness()
    {
        PatriciaTrie trie = PatriciaTrie.FromWitness(_witness, _root);
        int found = 0;
        foreach ((byte[] key, _) in _pairs)
            found += trie.TryGet(key, out _) ? 1 : 0;
        return found;
    }

    /// <summary>Decode a list of Count [32 bytes, 70 bytes, uint] records.</summary>
    [Benchmark]
    public int DecodeList()
    {
        var outer = new RlpReader(_list);
        RlpReader list = outer.ReadList();
        int count = 0;
        while (list.HasMore)
        {
            RlpReader record = list.ReadList();
            _ = record.ReadFixedBytes(32);
            _ = record.ReadBytes();
            _ = record.ReadUInt64();
            record.CheckEnd();
            count++;
        }

        return count;
    }
}
