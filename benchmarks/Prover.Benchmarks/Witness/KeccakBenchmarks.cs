using BenchmarkDotNet.Attributes;
using Prover.Witness.Crypto;

namespace Prover.Benchmarks.Witness;

/// <summary>
/// Keccak-256 throughput over 1 MiB (bulk, as for bytecode and transaction data) and over 532-byte
/// inputs (a full branch node, the typical trie-node hash). MB/s = size / mean time. SHA-256 from
/// the BCL is the baseline for scale.
/// </summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    private readonly byte[] _data = new byte[1 << 20];
    private readonly byte[] _node = new byte[532];
    private readonly byte[] _out = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_data);
        new Random(2).NextBytes(_node);
        // One-shot and incremental must agree before timing.
        var k = new Keccak256();
        k.Append(_data.AsSpan(0, 1000));
        k.Append(_data.AsSpan(1000));
        if (!k.GetHashAndReset().AsSpan().SequenceEqual(Keccak256.Hash(_data)))
            throw new InvalidOperationException("incremental and one-shot Keccak differ");
    }

    [Benchmark(Baseline = true, Description = "SHA-256 1 MiB (BCL)")]
    public byte[] Sha256OneMiB() => System.Security.Cryptography.SHA256.HashData(_data);

    [Benchmark(Description = "Keccak-256 1 MiB")]
    public byte[] KeccakOneMiB()
    {
        Keccak256.Hash(_data, _out);
        return _out;
    }

    [Benchmark(OperationsPerInvoke = 1000, Description = "Keccak-256 532-byte node")]
    public byte[] KeccakNode()
    {
        for (int i = 0; i < 1000; i++)
            Keccak256.Hash(_node, _out);
        return _out;
    }
}
