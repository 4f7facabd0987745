using BenchmarkDotNet.Attributes;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;

namespace Prover.Benchmarks.Gpu;

/// <summary>
/// The backend seam's two heavy calls, CPU (baseline) against the GPU backend, host to host (uploads
/// and downloads included, as the prover sees them). The GPU is chosen like <c>--backend auto</c>, or by
/// PROVER_BENCH_BACKEND=cuda|opencl (opencl admits PoCL: a correctness path, not a GPU figure). The
/// setup checks both backends return the same words before anything is timed.
/// Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*GpuBackend*'</c>.
/// </summary>
[MemoryDiagnoser]
public class GpuBackendBenchmarks
{
    private RowMajorMatrix<KoalaBear> _trace = null!;
    private RowMajorMatrix<KoalaBear> _lde = null!;
    private GpuProverBackend<KoalaBearParameters> _gpu = null!;
    private readonly CpuBackend<KoalaBearParameters> _cpu = CpuBackend<KoalaBearParameters>.Instance;

    [Params(16, 20)]
    public int LogRows { get; set; }

    [Params(32)]
    public int Width { get; set; }

    private const int AddedBits = 1;

    [GlobalSetup]
    public void Setup()
    {
        var kind = Environment.GetEnvironmentVariable("PROVER_BENCH_BACKEND") switch
        {
            "cuda" => BackendKind.Cuda,
            "opencl" => BackendKind.OpenCl,
            _ => BackendKind.Auto,
        };
        if (!GpuBackend.TryCreate<KoalaBearParameters>(kind, out var gpu, out var report))
            throw new InvalidOperationException("no GPU backend: " + report);
        _gpu = gpu!;
        Console.WriteLine("// GPU backend: " + report);
        var rng = new Random(12345);
        var values = new KoalaBear[(1 << LogRows) * Width];
        for (int i = 0; i < values.Length; i++)
            values[i] = KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P));
        _trace = new RowMajorMatrix<KoalaBear>(values, Width);
        var shift = KoalaBear.MultiplicativeGenerator;
        _lde = _cpu.CosetLdeBitReversed(_trace, AddedBits, shift);
        if (!_lde.Values.AsSpan().SequenceEqual(_gpu.CosetLdeBitReversed(_trace, AddedBits, shift).Values))
            throw new InvalidOperationException("GPU and CPU LDEs differ");
        if (_cpu.Commit<Digest<KoalaBearParameters>>([_lde]).Root != _gpu.Commit<Digest<KoalaBearParameters>>([_lde]).Root)
            throw new InvalidOperationException("GPU and CPU Merkle roots differ");
    }

    [GlobalCleanup]
    public void Cleanup() => _gpu?.Dispose();

    [Benchmark(Baseline = true)]
    public RowMajorMatrix<KoalaBear> CpuLde() => _cpu.CosetLdeBitReversed(_trace, AddedBits, KoalaBear.MultiplicativeGenerator);

    [Benchmark]
    public RowMajorMatrix<KoalaBear> GpuLde() => _gpu.CosetLdeBitReversed(_trace, AddedBits, KoalaBear.MultiplicativeGenerator);

    [Benchmark]
    public object CpuCommit() => _cpu.Commit<Digest<KoalaBearParameters>>([_lde]);

    [Benchmark]
    public object GpuCommit() => _gpu.Commit<Digest<KoalaBearParameters>>([_lde]);
}
