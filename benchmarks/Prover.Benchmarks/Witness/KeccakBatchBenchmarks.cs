using BenchmarkDotNet.Attributes;
using Prover.Witness.Crypto;

namespace Prover.Benchmarks.Witness;

/// <summary>
/// Hashing many independent trie-node-sized messages (what loading a witness does): one at a time
/// with the scalar permutation (baseline) against <see cref="Keccak256.HashMany"/>, eight per
/// AVX-512 pass. Time per message (OperationsPerInvoke).
/// Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*KeccakBatchBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KeccakBatchBenchmarks
{
    private const int Messages = 4096;
    private readonly Hash256[] _hashes = new Hash256[Messages];
    private List<byte[]> _messages = [];

    /// <summary>Message length range: one block (trie branch of inline children or leaf) or up to four (full branch node is 532 bytes).</summary>
    [Params(100, 532)]
    public int MaxLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _messages = [];
        for (int i = 0; i < Messages; i++)
        {
            var message = new byte[random.Next(MaxLength / 2, MaxLength + 1)];
            random.NextBytes(message);
            _messages.Add(message);
        }

        // The variants must agree before they are timed.
        var expected = new Hash256[Messages];
        for (int i = 0; i < Messages; i++)
            expected[i] = Keccak256.HashToValue(_messages[i]);
        Keccak256.HashMany(_messages, _hashes);
        if (!expected.AsSpan().SequenceEqual(_hashes))
            throw new InvalidOperationException("HashMany disagrees with one-at-a-time hashing");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public Hash256 OneAtATime()
    {
        for (int i = 0; i < Messages; i++)
            _hashes[i] = Keccak256.HashToValue(_messages[i]);
        return _hashes[^1];
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public Hash256 HashMany()
    {
        Keccak256.HashMany(_messages, _hashes);
        return _hashes[^1];
    }
}
