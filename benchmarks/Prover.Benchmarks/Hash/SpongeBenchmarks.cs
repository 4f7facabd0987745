using BenchmarkDotNet.Attributes;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;

namespace Prover.Benchmarks.Hash;

/// <summary>
/// Sponge throughput on matrix rows (time per row; elements/s = width / time): one row at a time
/// through the streaming hasher (baseline) against the SIMD batch that hashes 16 rows at once.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SpongeBenchmarks
{
    private const int Rows = 1 << 13;

    private RowMajorMatrix<KoalaBear>[] _matrix = [];
    private Digest<KoalaBearParameters>[] _out = [];
    private readonly PaddingFreeSponge<KoalaBearParameters, Digest<KoalaBearParameters>> _sponge = PaddingFreeSponge<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;

    [Params(8, 64)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _matrix = [new RowMajorMatrix<KoalaBear>(Enumerable.Range(0, Rows * Width).Select(_ => KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus))).ToArray(), Width)];
        _out = new Digest<KoalaBearParameters>[Rows];
        _sponge.HashRowsBatch(_matrix, 0, _out);
        for (int r = 0; r < Rows; r++)
            if (_sponge.Hash(_matrix[0].Row(r)) != _out[r])
                throw new InvalidOperationException("sponge variants disagree");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void RowByRow()
    {
        for (int r = 0; r < Rows; r++)
            _out[r] = _sponge.Hash(_matrix[0].Row(r));
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public void BatchSimd() => _sponge.HashRowsBatch(_matrix, 0, _out);
}
