using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Prover.Benchmarks.Dft;

/// <summary>
/// The memory-bandwidth floor the DFT figures are compared with: one copy of a 256 MiB array (read 256 MiB,
/// write 256 MiB) and one read-only sum over it, single-threaded and with one thread per core.
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*MemoryBandwidth*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class MemoryBandwidthBenchmarks
{
    private const int Words = 1 << 26; // 256 MiB of uint
    private uint[] source = [];
    private uint[] target = [];

    [GlobalSetup]
    public void Setup()
    {
        source = new uint[Words];
        target = new uint[Words];
        for (int i = 0; i < Words; i++)
            source[i] = (uint)i;
        Copy();
        if (!source.AsSpan().SequenceEqual(target) || Sum() != SumParallel())
            throw new InvalidOperationException("copy or sum variants disagree");
    }

    [Benchmark(Baseline = true)]
    public void Copy() => source.AsSpan().CopyTo(target);

    [Benchmark]
    public void CopyParallel()
    {
        int chunks = Environment.ProcessorCount;
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)Words * c / chunks), end = (int)((long)Words * (c + 1) / chunks);
            source.AsSpan(start, end - start).CopyTo(target.AsSpan(start, end - start));
        });
    }

    [Benchmark]
    public ulong Sum() => SumRange(source.AsSpan());

    /// <summary>Vectorized read-only pass (two 64-bit accumulators per lane, so the reads dominate).</summary>
    private static ulong SumRange(ReadOnlySpan<uint> span)
    {
        var vectors = MemoryMarshal.Cast<uint, Vector256<uint>>(span);
        var acc = Vector256<ulong>.Zero;
        foreach (var v in vectors)
        {
            var (lo, hi) = Vector256.Widen(v);
            acc += lo + hi;
        }
        ulong total = Vector256.Sum(acc);
        foreach (uint v in span[(vectors.Length * Vector256<uint>.Count)..])
            total += v;
        return total;
    }

    [Benchmark]
    public ulong SumParallel()
    {
        int chunks = Environment.ProcessorCount;
        var partial = new ulong[chunks];
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)Words * c / chunks), end = (int)((long)Words * (c + 1) / chunks);
            partial[c] = SumRange(source.AsSpan(start, end - start));
        });
        return partial.Aggregate(0UL, (x, y) => x + y);
    }
}
