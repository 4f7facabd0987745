using BenchmarkDotNet.Attributes;
using Prover.Core.Dft;
using Prover.Core.Field;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using Prover.Core.Matrix;

namespace Prover.Benchmarks.Dft;

/// <summary>
/// Batched DFT and coset LDE (added bits 1, bit-reversed output as committed) on KoalaBear matrices of
/// 2^16..2^22 rows × 1, 16, 256 columns. The baseline is one copy of the same matrix (one read and one write
/// of every element), so the Ratio column is the cost in memory passes. Shapes whose data exceed ~1 GiB are
/// left out (2^22 × 256 is 4 GiB; the LDE of 2^20 × 256 writes 2 GiB).
/// <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*DftBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class DftBenchmarks
{
    /// <summary>One matrix shape (log2 rows, columns).</summary>
    public readonly record struct Shape(int LogRows, int Width)
    {
        public long Bytes => (4L << LogRows) * Width;

        public override string ToString() => $"2^{LogRows}x{Width}";
    }

    private const long MaxBytes = 1L << 30;

    public static IEnumerable<Shape> Shapes() =>
        from log in new[] { 16, 18, 20, 22 }
        from width in new[] { 1, 16, 256 }
        let shape = new Shape(log, width)
        where shape.Bytes <= MaxBytes
        select shape;

    [ParamsSource(nameof(Shapes))]
    public Shape Size { get; set; }

    private readonly Radix2Dft<KoalaBearParameters> dft = Radix2Dft<KoalaBearParameters>.Instance;
    private RowMajorMatrix<KoalaBear> matrix = null!;
    private KoalaBear[] copyTarget = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        var values = new KoalaBear[(1 << Size.LogRows) * Size.Width];
        for (int i = 0; i < values.Length; i++)
            values[i] = KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus));
        matrix = new RowMajorMatrix<KoalaBear>(values, Size.Width);
        copyTarget = new KoalaBear[values.Length];

        // Variants agree: the parallel SIMD instance against the serial one, and the round trip, on a copy.
        var serial = new Radix2Dft<KoalaBearParameters>(SimdPath.Vector512, int.MaxValue);
        var x = matrix.Clone();
        var y = matrix.Clone();
        dft.DftBatch(x);
        serial.DftBatch(y);
        if (!x.Values.AsSpan().SequenceEqual(y.Values))
            throw new InvalidOperationException("parallel and serial DFT disagree");
        dft.IdftBatch(x);
        if (!x.Values.AsSpan().SequenceEqual(matrix.Values))
            throw new InvalidOperationException("idft(dft(x)) != x");
        if (Size.Bytes * 2 <= MaxBytes && Size.LogRows <= 18)
        {
            var natural = dft.CosetLde(matrix, 1, KoalaBear.MultiplicativeGenerator);
            var reversed = dft.CosetLdeBitReversed(matrix, 1, KoalaBear.MultiplicativeGenerator);
            BitReversal.ReverseRows(reversed);
            if (!natural.Values.AsSpan().SequenceEqual(reversed.Values))
                throw new InvalidOperationException("natural and bit-reversed LDE disagree");
        }
    }

    /// <summary>The bandwidth floor for this shape: one copy of the matrix.</summary>
    [Benchmark(Baseline = true)]
    public void CopyMatrix() => matrix.Values.AsSpan().CopyTo(copyTarget);

    /// <summary>In-place DFT, natural order in and out (includes the row bit reversal).</summary>
    [Benchmark]
    public void Dft() => dft.DftBatch(matrix);

    /// <summary>LDE to twice the height, bit-reversed rows (allocates the result).</summary>
    [Benchmark]
    public RowMajorMatrix<KoalaBear>? CosetLdeBitReversed() =>
        Size.Bytes * 2 <= MaxBytes ? dft.CosetLdeBitReversed(matrix, 1, KoalaBear.MultiplicativeGenerator) : null;
}
