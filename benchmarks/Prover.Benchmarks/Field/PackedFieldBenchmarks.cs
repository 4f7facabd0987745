using BenchmarkDotNet.Attributes;
using Prover.Core.Field;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;

namespace Prover.Benchmarks.Field;

/// <summary>
/// Element-wise multiply and add over arrays: scalar field (baseline) against the packed AVX2 and AVX-512
/// kernels. 2^14 elements per operand (64 KiB) keeps the three arrays in L2, so this is arithmetic
/// throughput, not memory bandwidth.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*PackedField*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class PackedFieldBenchmarks
{
    private const int N = 1 << 14;
    private KoalaBear[] a = [];
    private KoalaBear[] b = [];
    private KoalaBear[] dst = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        a = Enumerable.Range(0, N).Select(_ => KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus))).ToArray();
        b = Enumerable.Range(0, N).Select(_ => KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus))).ToArray();
        dst = new KoalaBear[N];
        // The variants must agree before they are timed.
        var expected = new KoalaBear[N];
        ScalarMul();
        dst.CopyTo(expected, 0);
        foreach (var path in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            Array.Clear(dst);
            PackedMontyField31<KoalaBearParameters>.Binary<PackedMontyField31<KoalaBearParameters>.MulOp>(a, b, dst, path);
            if (!dst.AsSpan().SequenceEqual(expected))
                throw new InvalidOperationException($"packed multiply on {path} disagrees with the scalar field");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public void ScalarMul()
    {
        var x = a;
        var y = b;
        var d = dst;
        for (int i = 0; i < d.Length; i++)
            d[i] = x[i] * y[i];
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void PackedMul256() =>
        PackedMontyField31<KoalaBearParameters>.Binary<PackedMontyField31<KoalaBearParameters>.MulOp>(a, b, dst, SimdPath.Vector256);

    [Benchmark(OperationsPerInvoke = N)]
    public void PackedMul512() =>
        PackedMontyField31<KoalaBearParameters>.Binary<PackedMontyField31<KoalaBearParameters>.MulOp>(a, b, dst, SimdPath.Vector512);

    [Benchmark(OperationsPerInvoke = N)]
    public void ScalarAdd()
    {
        var x = a;
        var y = b;
        var d = dst;
        for (int i = 0; i < d.Length; i++)
            d[i] = x[i] + y[i];
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void PackedAdd512() =>
        PackedMontyField31<KoalaBearParameters>.Binary<PackedMontyField31<KoalaBearParameters>.AddOp>(a, b, dst, SimdPath.Vector512);
}
