using System.CommandLine;
using System.Diagnostics;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using Prover.Core.Hash;
using Prover.Core.Merkle;

namespace Prover.Cli;

/// <summary>
/// <c>prover bench</c>: quick throughput figures for the primitives on this machine. For careful
/// numbers use the BenchmarkDotNet suite in benchmarks/Prover.Benchmarks.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "time spent per measurement", DefaultValueFactory = _ => 0.5 };
        var command = new Command("bench", "measure primitive throughput on this machine (field, NTT, Poseidon2, Merkle); `bench blocks` benchmarks Ethereum blocks") { seconds };
        command.Subcommands.Add(BenchBlocksCommand.Create());
        command.SetAction(parse =>
        {
            double s = parse.GetValue(seconds);
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            Report("KoalaBear mul (scalar, dependent chain)", "M mul/s", Measure(s, FieldMulChain<KoalaBearParameters>));
            Report("BabyBear mul (scalar, dependent chain)", "M mul/s", Measure(s, FieldMulChain<BabyBearParameters>));
            Report("KoalaBear mul (packed, 2^14-element arrays)", "M mul/s", Measure(s, PackedMulArrays));
            Report("memory copy 256 MiB (bandwidth floor)", "M elem/s", Measure(s, MemoryCopy));
            Report("NTT 2^20 x 16 KoalaBear (in place, natural order)", "M elem/s", Measure(s, () => Ntt(20, 16)));
            Report("coset LDE 2^19 -> 2^20 x 16 KoalaBear (bit-reversed)", "M elem/s", Measure(s, () => Lde(19, 16)));
            Console.WriteLine("Poseidon2 and Merkle lines: best repetition within the time budget");
            ReportPoseidon2(Poseidon2.KoalaBear16, s);
            ReportPoseidon2(Poseidon2.KoalaBear24, s);
            ReportPoseidon2(Poseidon2.BabyBear16, s);
            ReportPoseidon2(Poseidon2.BabyBear24, s);
            foreach (int width in new[] { 8, 64 })
            {
                var matrix = RandomMatrix<KoalaBearParameters>(1 << 20, width);
                ReportMerkle<Digest<KoalaBearParameters>>($"Merkle commit KoalaBear 2^20 x {width} (all threads)", matrix, s);
                ReportMerkle<WideDigest<KoalaBearParameters>>($"Merkle commit KoalaBear 2^20 x {width}, 12-element digests", matrix, s);
            }
            return 0;
        });
        return command;
    }

    /// <summary>One Merkle line: the best commit of <paramref name="matrix"/> with <typeparamref name="TDigest"/>'s MMCS.</summary>
    private static void ReportMerkle<TDigest>(string name, RowMajorMatrix<MontyField31<KoalaBearParameters>> matrix, double seconds)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        double perSecond = MeasureBest(seconds, () =>
        {
            var tree = MerkleTreeMmcs<KoalaBearParameters, TDigest>.Default.Commit([matrix]);
            GC.KeepAlive(tree.Root);
            return 1;
        });
        Report(name, "ms/tree", 1e9 / perSecond);
    }

    private static void Report(string name, string unit, double perSecond) =>
        Console.WriteLine($"{name,-48} {perSecond / 1e6,10:F1} {unit}");

    /// <summary>
    /// The best rate of single invocations of <paramref name="work"/> within the time budget: on a shared
    /// machine the fastest repetition is the one least disturbed by other processes (used for the
    /// Poseidon2 and Merkle lines; each invocation is a few milliseconds).
    /// </summary>
    private static double MeasureBest(double seconds, Func<long> work)
    {
        work(); // warm-up and JIT
        double best = 0;
        var total = Stopwatch.StartNew();
        do
        {
            long start = Stopwatch.GetTimestamp();
            long ops = work();
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, ops / elapsed);
        }
        while (total.Elapsed.TotalSeconds < seconds);
        return best;
    }

    /// <summary>Runs <paramref name="work"/> (returning its operation count) until the time budget is spent.</summary>
    private static double Measure(double seconds, Func<long> work)
    {
        work(); // warm-up and JIT
        long ops = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
            ops += work();
        return ops / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Permutations per second: one state at a time, batched SIMD on one thread, batched on all threads.</summary>
    private static void ReportPoseidon2<TParams>(Poseidon2<TParams> perm, double seconds)
        where TParams : struct, IMontyParameters
    {
        string name = $"Poseidon2 {TParams.Name}-{perm.Width}";
        var state = new MontyField31<TParams>[perm.Width];
        Report($"{name} (one state)", "M perm/s", MeasureBest(seconds, () =>
        {
            for (int i = 0; i < 1024; i++)
                perm.Permute(state);
            return 1024;
        }));
        const int states = 1 << 12;
        var many = RandomMatrix<TParams>(states, perm.Width).Values;
        Report($"{name} (batch x{perm.Lanes}, 1 thread)", "M perm/s", MeasureBest(seconds, () =>
        {
            perm.PermuteMany(many);
            return states;
        }));
        Report($"{name} (batch, all threads)", "M perm/s", MeasureBest(seconds, () =>
        {
            perm.PermuteManyParallel(many);
            return states;
        }));
    }

    private static RowMajorMatrix<MontyField31<TParams>> RandomMatrix<TParams>(int height, int width)
        where TParams : struct, IMontyParameters
    {
        var rng = new Random(1);
        var values = new MontyField31<TParams>[height * width];
        for (int i = 0; i < values.Length; i++)
            values[i] = MontyField31<TParams>.FromCanonical((uint)rng.NextInt64(TParams.P));
        return new RowMajorMatrix<MontyField31<TParams>>(values, width);
    }

    private static long FieldMulChain<TParams>() where TParams : struct, IMontyParameters
    {
        const int n = 1 << 20;
        var x = MontyField31<TParams>.FromCanonical(12345);
        var y = MontyField31<TParams>.FromCanonical(67890);
        for (int i = 0; i < n; i++)
            x *= y;
        GC.KeepAlive(x.ToCanonical());
        return n;
    }

    private static KoalaBear[] RandomElements(int count)
    {
        var rng = new Random(1);
        var values = new KoalaBear[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBear.Modulus));
        return values;
    }

    private static readonly Lazy<(KoalaBear[] A, KoalaBear[] B, KoalaBear[] Dst)> MulArrays =
        new(() => (RandomElements(1 << 14), RandomElements(1 << 14), new KoalaBear[1 << 14]));

    private static long PackedMulArrays()
    {
        var (a, b, dst) = MulArrays.Value;
        for (int r = 0; r < 64; r++)
            PackedMontyField31<KoalaBearParameters>.Mul(a, b, dst);
        return 64L * a.Length;
    }

    private static readonly Lazy<(uint[] Src, uint[] Dst)> CopyArrays = new(() => (new uint[1 << 26], new uint[1 << 26]));

    /// <summary>One read and one write of every element (elements of 4 bytes; GB/s = 8 × M elem/s / 1000).</summary>
    private static long MemoryCopy()
    {
        var (src, dst) = CopyArrays.Value;
        src.AsSpan().CopyTo(dst);
        return src.Length;
    }

    private static readonly Dictionary<(int, int), RowMajorMatrix<KoalaBear>> Matrices = [];

    private static RowMajorMatrix<KoalaBear> MatrixOf(int log, int width)
    {
        if (!Matrices.TryGetValue((log, width), out var m))
            Matrices[(log, width)] = m = new RowMajorMatrix<KoalaBear>(RandomElements((1 << log) * width), width);
        return m;
    }

    private static long Ntt(int log, int width)
    {
        var m = MatrixOf(log, width);
        Radix2Dft<KoalaBearParameters>.Instance.DftBatch(m);
        return m.Values.Length;
    }

    private static long Lde(int log, int width)
    {
        var m = MatrixOf(log, width);
        var lde = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(m, 1, KoalaBear.MultiplicativeGenerator);
        return lde.Values.Length;
    }
}
