using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Prover.Witness.Crypto;

namespace Prover.Benchmarks.Witness;

/// <summary>
/// Keccak-256 throughput over one message of <see cref="Size"/> bytes: our one-shot hash, our
/// incremental hasher fed in 64-byte pieces, and the platform's SHA3-256 (OpenSSL; the same
/// Keccak-f[1600] and rate, another padding byte) as the baseline to beat.
/// MB/s = Size / mean time.
/// Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*KeccakBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    private readonly byte[] _digest = new byte[32];
    private readonly Keccak256 _hasher = new();
    private byte[] _data = [];

    [Params(32, 136, 532, 1 << 16)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1).NextBytes(_data);

        // The variants must agree before they are timed.
        byte[] oneShot = Keccak256.Hash(_data);
        if (!oneShot.AsSpan().SequenceEqual(Incremental()))
            throw new InvalidOperationException("Keccak one-shot and incremental disagree");
        if (SHA3_256.IsSupported)
        {
            Span<byte> sha3 = stackalloc byte[32];
            Keccak256.Sponge(_data, sha3, Keccak256.Sha3Domain);
            if (!sha3.SequenceEqual(SHA3_256.HashData(_data)))
                throw new InvalidOperationException("Keccak permutation disagrees with the platform SHA3-256");
        }
    }

    /// <summary>Platform SHA3-256 (OpenSSL), same permutation and rate.</summary>
    [Benchmark(Baseline = true)]
    public int PlatformSha3_256() => SHA3_256.IsSupported ? SHA3_256.HashData(_data, _digest) : 0;

    /// <summary>Our one-shot Keccak-256.</summary>
    [Benchmark]
    public byte[] OneShot()
    {
        Keccak256.Hash(_data, _digest);
        return _digest;
    }

    /// <summary>Our incremental Keccak-256, 64 bytes per Append.</summary>
    [Benchmark]
    public byte[] Incremental()
    {
        ReadOnlySpan<byte> data = _data;
        while (data.Length > 64)
        {
            _hasher.Append(data[..64]);
            data = data[64..];
        }

        _hasher.Append(data);
        _hasher.GetHashAndReset(_digest);
        return _digest;
    }
}
