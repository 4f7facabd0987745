using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Matrix;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;

namespace Prover.Gpu.Ilgpu;

/// <summary>One benchmark figure: what, how fast, and the host↔device bytes it moved per run.</summary>
public sealed record IlgpuBenchmarkResult(string Name, double Milliseconds, double Rate, string RateUnit, long BytesMoved);

/// <summary>
/// Kernel benchmarks on an ILGPU device, host to host (upload, kernels, download: what the prover pays
/// through today's seam): coset LDE (NTT), Poseidon2 permutations, Merkle commit, FRI fold. Each is
/// checked once against the CPU reference before it is timed, so a wrong kernel never reports a rate.
/// Best of <c>repeats</c> runs after one warm-up (kernel compilation happens in the warm-up).
/// </summary>
public static class IlgpuKernelBenchmarks
{
    public static IReadOnlyList<IlgpuBenchmarkResult> Run(IlgpuDevice device, int logN, int repeats = 3, Action<IlgpuBenchmarkResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (logN is < 4 or > 26)
            throw new ArgumentOutOfRangeException(nameof(logN), logN, "2^4 .. 2^26");
        if (repeats < 1)
            throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "at least one run");
        using var ops = new IlgpuOperations<KoalaBearParameters>(device);
        var results = new List<IlgpuBenchmarkResult>();
        void Add(IlgpuBenchmarkResult r)
        {
            results.Add(r);
            progress?.Invoke(r);
        }
        int n = 1 << logN;
        var rng = new Random(1);
        KoalaBear[] Random(int count)
        {
            var v = new KoalaBear[count];
            for (int i = 0; i < v.Length; i++)
                v[i] = KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P));
            return v;
        }

        // Coset LDE 2^(logN−1) → 2^logN, 8 columns (one NTT pair per column).
        const int ldeWidth = 8;
        var trace = new RowMajorMatrix<KoalaBear>(Random((n / 2) * ldeWidth), ldeWidth);
        var shift = KoalaBear.MultiplicativeGenerator;
        var ldeCheck = ops.CosetLdeBitReversed(trace, 1, shift);
        if (!ldeCheck.Values.AsSpan().SequenceEqual(Prover.Core.Dft.Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(trace.Clone(), 1, shift).Values))
            throw new InvalidOperationException("the device LDE differs from the CPU: not benchmarking it");
        Add(Time(device, $"coset LDE 2^{logN - 1} -> 2^{logN} x {ldeWidth}", repeats, (double)n * ldeWidth, "M elem/s",
            () => ops.CosetLdeBitReversed(trace, 1, shift)));

        // The NTT's levels on the device alone (no transfers): one global-memory launch per level (the default) against the
        // shared-memory chunk kernel for the levels below 2^11 rows (IlgpuOperations.SharedMemoryNtt); the chunk path is checked first.
        ops.SharedMemoryNtt = true;
        bool chunksMatch = ops.CosetLdeBitReversed(trace, 1, shift).Values.AsSpan().SequenceEqual(ldeCheck.Values);
        ops.SharedMemoryNtt = false;
        if (!chunksMatch)
            throw new InvalidOperationException("the shared-memory NTT differs from the global-level NTT: not benchmarking it");
        foreach (bool sharedMemory in new[] { false, true })
        {
            double ms = ops.TimeNtt(logN, ldeWidth, sharedMemory, repeats);
            Add(new IlgpuBenchmarkResult($"NTT 2^{logN} x {ldeWidth} on the device ({(sharedMemory ? "shared-memory chunks 2^11" : "global levels")})", ms,
                (double)n * ldeWidth / (ms / 1e3) / 1e6, "M elem/s", 0));
        }

        // Poseidon2-16 permutations: 2^logN states.
        var states = KoalaBear.AsMontgomery(Random(n * 16)).ToArray();
        var check = states.AsSpan(0, 16 * Math.Min(n, 64)).ToArray();
        var expected = KoalaBear.FromMontgomery(check).ToArray();
        var perm = Prover.Core.Hash.Poseidon2.Width16<KoalaBearParameters>();
        for (int s = 0; s < expected.Length / 16; s++)
            perm.Permute(expected.AsSpan(16 * s, 16));
        ops.Permute(check);
        if (!check.AsSpan().SequenceEqual(KoalaBear.AsMontgomery(expected)))
            throw new InvalidOperationException("the device Poseidon2 differs from the CPU: not benchmarking it");
        Add(Time(device, $"Poseidon2-16 x 2^{logN} states", repeats, n, "M perm/s", () => ops.Permute(states)));

        // Merkle commit of 2^logN leaves, 8 columns (one permutation per leaf and per node).
        var leaves = new RowMajorMatrix<KoalaBear>(Random(n * 8), 8);
        var tree = ops.Commit([leaves]);
        if (tree.Root != Prover.Core.Merkle.MerkleTreeMmcs<KoalaBearParameters, Prover.Core.Hash.Digest<KoalaBearParameters>>.Default.Commit([leaves]).Root)
            throw new InvalidOperationException("the device Merkle root differs from the CPU: not benchmarking it");
        Add(Time(device, $"Merkle commit 2^{logN} leaves x 8", repeats, n, "M leaves/s", () => ops.Commit([leaves])));

        // FRI fold of a 2^logN quartic codeword.
        var codeword = KoalaBear.AsMontgomery(Random(n * 4)).ToArray();
        var beta = KoalaBear.AsMontgomery(Random(4)).ToArray();
        var halfInv = KoalaBear.AsMontgomery(Random(n / 2)).ToArray();
        Add(Time(device, $"FRI fold 2^{logN} -> 2^{logN - 1} (quartic)", repeats, n, "M elem/s",
            () => ops.FriFold(KoalaBearQuartic.W, codeword, beta, halfInv)));
        return results;
    }

    private static IlgpuBenchmarkResult Time(IlgpuDevice device, string name, int repeats, double items, string unit, Action run)
    {
        run(); // warm-up: kernel compilation, pool allocation
        double best = double.MaxValue;
        long bytes = 0;
        for (int r = 0; r < repeats; r++)
        {
            long before = device.BytesToDevice + device.BytesFromDevice;
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            bytes = device.BytesToDevice + device.BytesFromDevice - before;
        }
        return new IlgpuBenchmarkResult(name, best, items / (best / 1e3) / 1e6, unit, bytes);
    }
}
