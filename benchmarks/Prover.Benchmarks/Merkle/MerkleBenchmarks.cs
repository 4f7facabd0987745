using BenchmarkDotNet.Attributes;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Benchmarks.Merkle;

/// <summary>
/// Merkle commitment of one 2^20-row KoalaBear matrix (time per tree): serial build (baseline)
/// against the multi-threaded build; both use the SIMD batch kernels.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class MerkleBenchmarks
{
    private const int LogRows = 20;

    private RowMajorMatrix<KoalaBear>[] _matrix = [];
    private MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>> _serial = null!;
    private readonly MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>> _parallel = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;

    [Params(8, 64)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        var values = new KoalaBear[(1 << LogRows) * Width];
        for (int i = 0; i < values.Length; i++)
            values[i] = KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus));
        _matrix = [new RowMajorMatrix<KoalaBear>(values, Width)];
        _serial = new MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>(PaddingFreeSponge<KoalaBearParameters, Digest<KoalaBearParameters>>.Default, TruncatedPermutation<KoalaBearParameters, Digest<KoalaBearParameters>>.Default, maxDegreeOfParallelism: 1);
        if (_serial.Commit(_matrix).Root != _parallel.Commit(_matrix).Root)
            throw new InvalidOperationException("serial and parallel Merkle roots disagree");
    }

    [Benchmark(Baseline = true)]
    public Digest<KoalaBearParameters> CommitSerial() => _serial.Commit(_matrix).Root;

    [Benchmark]
    public Digest<KoalaBearParameters> CommitParallel() => _parallel.Commit(_matrix).Root;
}
