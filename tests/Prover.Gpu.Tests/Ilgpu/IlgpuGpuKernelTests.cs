using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Air.Demo;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>The ILGPU GPU device (CUDA, or OpenCL with the generic address space), opened once; null with the reason when there is none.</summary>
internal static class IlgpuGpuDevice
{
    private static readonly Lazy<(IlgpuOperations<KoalaBearParameters>? Ops, string Reason)> s_ops = new(() =>
        IlgpuDevice.TryOpen(IlgpuDeviceKind.Gpu, out var device, out var report)
            ? (new IlgpuOperations<KoalaBearParameters>(device!), report)
            : (null, "no GPU through ILGPU: " + report));

    public static IlgpuOperations<KoalaBearParameters>? Operations => s_ops.Value.Ops;

    public static string Missing => s_ops.Value.Reason;
}

/// <summary>A fact that runs only where ILGPU finds a GPU; otherwise skipped with the reason.</summary>
public sealed class IlgpuGpuFactAttribute : FactAttribute
{
    public IlgpuGpuFactAttribute()
    {
        if (IlgpuGpuDevice.Operations is null)
            Skip = IlgpuGpuDevice.Missing;
    }
}

/// <summary>The ILGPU kernels on a real GPU against the CPU reference at sizes the CPU accelerator cannot afford (2^18–2^20).</summary>
public class IlgpuGpuKernelTests(ITestOutputHelper output)
{
    private static IlgpuOperations<KoalaBearParameters> Ops => IlgpuGpuDevice.Operations!;

    [IlgpuGpuFact]
    public void LdeMatchesCpuAtScale()
    {
        var input = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 18) * 16, 5), 16);
        var shift = KoalaBear.MultiplicativeGenerator;
        var expected = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(input.Clone(), 2, shift);
        Assert.True(expected.Values.AsSpan().SequenceEqual(Ops.CosetLdeBitReversed(input, 2, shift).Values));
    }

    [IlgpuGpuFact]
    public void CommitAndPermutationMatchCpuAtScale()
    {
        var big = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 20) * 8, 6), 8);
        var small = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 17) * 27, 7), 27);
        Assert.Equal(MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default.Commit([big, small]).Root, Ops.Commit([big, small]).Root);
        var states = Random31.Elements<KoalaBearParameters>(16 << 16, 8);
        var expected = (KoalaBear[])states.Clone();
        Poseidon2.Width16<KoalaBearParameters>().PermuteManyParallel(expected);
        var words = KoalaBear.AsMontgomery(states.AsSpan()).ToArray();
        Ops.Permute(words);
        Assert.True(KoalaBear.AsMontgomery(expected.AsSpan()).SequenceEqual(words));
    }

    /// <summary>The DEEP and FRI hooks of the prover on the GPU (issue 13) against the CPU reference at 2^18–2^20.</summary>
    [IlgpuGpuFact]
    public void DeepAndFriHooksMatchCpuAtScale()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(Ops.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> gpu = backend, cpu = CpuBackend<KoalaBearParameters>.Instance;
        backend.KeepTracesOnDevice = false; // the traces are made inline: only their LDEs are kept
        const int LogH = 18;
        var shift = KoalaBear.MultiplicativeGenerator;
        var ldes = new List<RowMajorMatrix<KoalaBear>>();
        int[] widths = [40, 7];
        for (int m = 0; m < widths.Length; m++)
            ldes.Add(gpu.CosetLdeBitReversed(new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << (LogH - 1)) * widths[m], 20 + m), widths[m]), 1, shift));
        var ext = Ext4(64 + 6, 30);
        var points = new List<DeepPoint<KoalaBearParameters, KoalaBearQuartic>> { new(ext[64], [ext[65], ext[66]], ext[67]), new(ext[68], [default, ext[69]], ext[67]) };
        var deep = gpu.DeepReduce<KoalaBearQuartic>(LogH, ldes, ext.AsSpan(0, 64), points);
        Assert.Equal(cpu.DeepReduce<KoalaBearQuartic>(LogH, ldes, ext.AsSpan(0, 64), points), deep);
        var folded = gpu.FriFold(deep, LogH, 3, ext[0]);
        Assert.Equal(cpu.FriFold(deep, LogH, 3, ext[0]), folded);
        var rollIn = Ext4(1 << (LogH - 3), 31);
        var expected = (KoalaBearExt4[])folded.Clone();
        cpu.FriRollIn(expected, ext[1], rollIn);
        gpu.FriRollIn(folded, ext[1], rollIn);
        Assert.Equal(expected, folded);
        var leaves = gpu.FriLeaves(folded, 2);
        var cpuTree = cpu.Commit<Digest<KoalaBearParameters>>([cpu.FriLeaves(expected, 2)]);
        var tree = gpu.Commit<Digest<KoalaBearParameters>>([leaves]);
        Assert.Equal(cpuTree.Root, tree.Root);
        // Query openings gathered on the device (the leaves' rows from the folded codeword's copy, siblings from the tree's layers).
        int[] queries = [.. Enumerable.Range(0, 100).Select(i => (int)((uint)(i * 2654435761u) % (uint)tree.Height))];
        var expectedOpening = cpu.OpenMulti(cpuTree, queries, 2);
        var opening = gpu.OpenMulti(tree, queries, 2);
        Assert.Equal(expectedOpening.Siblings, opening.Siblings);
        Assert.Equal(expectedOpening.Rows[0], opening.Rows[0]);
        gpu.Release([.. ldes, deep, folded, leaves, tree]);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// LogUp traces, quotients with LogUp and out-of-domain openings on the GPU (issue 13) against the CPU reference, for the
    /// lookup demo at 2^16 rows, quartic and octic.
    /// </summary>
    [IlgpuGpuFact]
    public void LogUpQuotientAndOpeningsMatchCpuAtScale()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(Ops.Device, ownsDevice: false);
        CompareLogUpQuotientAndOpenings<KoalaBearQuartic>(backend, 16);
        CompareLogUpQuotientAndOpenings<KoalaBearOctic>(backend, 16);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>The comparison of <see cref="LogUpQuotientAndOpeningsMatchCpuAtScale"/> (also run small on the CPU accelerator by <c>DeviceLogUpTests</c>).</summary>
    internal static void CompareLogUpQuotientAndOpenings<TDef>(IlgpuProverBackend<KoalaBearParameters> backend, int logRows)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        IProverBackend<KoalaBearParameters> gpu = backend, cpu = CpuBackend<KoalaBearParameters>.Instance;
        var (airs, traces, publics) = Prover.Core.Air.Demo.DemoCatalog.Build("lookup", logRows);
        var words = Random31.Elements<KoalaBearParameters>(4 * TDef.Degree, 40);
        var ext = new ExtensionField<KoalaBear, TDef>[4];
        for (int i = 0; i < 4; i++)
            ext[i] = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(i * TDef.Degree, TDef.Degree));
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new Prover.Core.Air.CompiledAir<KoalaBear>(airs[t]);
            if (air.Interactions.Count == 0)
                continue;
            int logN = int.Log2(traces[t].Height), blowup = Math.Max(1, air.LogQuotientChunks);
            var (expected, sum) = cpu.GenerateLogUp(air, traces[t], null, publics[t], ext[1], ext[2]);
            var (actual, actualSum) = gpu.GenerateLogUp(air, traces[t], null, publics[t], ext[1], ext[2]);
            Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values) && sum == actualSum, $"{TDef.Name} table {t}: LogUp trace differs");
            var lde = gpu.CosetLdeBitReversed(traces[t], blowup, KoalaBear.MultiplicativeGenerator);
            var logUpLde = gpu.CosetLdeBitReversed(actual, blowup, KoalaBear.MultiplicativeGenerator);
            Assert.True(cpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum).AsSpan()
                .SequenceEqual(gpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum)), $"{TDef.Name} table {t}: quotient differs");
            ExtensionField<KoalaBear, TDef>[] points = [ext[3], ext[3] * KoalaBear.TwoAdicGenerator(logN)];
            var o = cpu.EvaluateOutOfDomain(logN, [traces[t], actual], points);
            var od = gpu.EvaluateOutOfDomain(logN, [traces[t], actual], points);
            for (int p = 0; p < 2; p++)
                for (int m = 0; m < 2; m++)
                    Assert.True(o[p][m].AsSpan().SequenceEqual(od[p][m]), $"{TDef.Name} table {t}: opening {p}/{m} differs");
            gpu.Release([lde, logUpLde, actual, traces[t]]);
        }
    }

    /// <summary>Whole demo proofs on the GPU backend are the CPU's bytes; prints the host↔device bytes with and without kept copies.</summary>
    [IlgpuGpuFact]
    public void DemoProofBytesAndTrafficOnTheGpu()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(Ops.Device, ownsDevice: false);
        foreach (var (demo, logRows) in new[] { ("fibonacci", 16), ("lookup", 14), ("poseidon2", 10) })
        {
            var (cpuFile, _) = DemoProofs.Prove(demo, logRows, "development");
            var traffic = new List<long>();
            foreach (bool keep in new[] { false, true })
            {
                backend.KeepLdesOnDevice = keep;
                long before = Ops.Device.BytesToDevice + Ops.Device.BytesFromDevice;
                var (file, report) = DemoProofs.Prove(demo, logRows, "development", backend);
                Assert.True(cpuFile.AsSpan().SequenceEqual(file), $"{demo}: GPU proof bytes differ (keep {keep})");
                traffic.Add(Ops.Device.BytesToDevice + Ops.Device.BytesFromDevice - before);
                output.WriteLine($"{demo} 2^{logRows} keep={keep}: {report.ProvingMilliseconds:F0} ms, phases " +
                    string.Join(", ", report.Phases.Select(t => $"{t.Phase} {t.Milliseconds:F0}")));
            }
            output.WriteLine($"{demo} 2^{logRows}: host<->device bytes uploading every call {traffic[0]}, with kept copies {traffic[1]}");
            Assert.True(traffic[1] < traffic[0]);
        }
    }

    private static KoalaBearExt4[] Ext4(int count, int seed)
    {
        var words = Random31.Elements<KoalaBearParameters>(count * 4, seed);
        var result = new KoalaBearExt4[count];
        for (int i = 0; i < count; i++)
            result[i] = KoalaBearExt4.FromCoefficients(words.AsSpan(i * 4, 4));
        return result;
    }
}
