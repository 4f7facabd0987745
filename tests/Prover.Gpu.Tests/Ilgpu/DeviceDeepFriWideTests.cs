using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// DEEP batching and FRI (fold, leaves, commit, roll-in) on the device over the octic extension (provable-100/128), through the
/// degree-generic kernels of <see cref="WideFriKernels"/>; the same kernels at degree 4 against the CPU too (the written-out
/// quartic kernels are what the prover runs there). Every value is compared word for word with the CPU reference on ILGPU's CPU
/// accelerator, each hook's result against its definition on a few rows.
/// </summary>
public class DeviceDeepFriWideTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

    private static ExtensionField<KoalaBear, TDef>[] RandomExt<TDef>(int count, int seed) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var words = Random31.Elements<KoalaBearParameters>(count * TDef.Degree, seed);
        var result = new ExtensionField<KoalaBear, TDef>[count];
        for (int i = 0; i < count; i++)
            result[i] = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(i * TDef.Degree, TDef.Degree));
        return result;
    }

    private static IlgpuProverBackend<KoalaBearParameters> Backend(bool wideQuartic)
    {
        var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        backend.Operations.WideKernelsForQuartic = wideQuartic;
        return backend;
    }

    private static void DeepReduceMatchesTheCpu<TDef>(int logH, bool resident, bool wideQuartic) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        using var backend = Backend(wideQuartic);
        backend.KeepTracesOnDevice = false; // only the LDEs are kept: the half-height traces are not released here
        IProverBackend<KoalaBearParameters> device = backend;
        int seed = 1700 + 10 * logH + TDef.Degree;
        int[] widths = [3, 1, 8];
        var matrices = new List<RowMajorMatrix<KoalaBear>>();
        for (int m = 0; m < widths.Length; m++)
        {
            var values = Random31.Elements<KoalaBearParameters>((1 << logH) * widths[m], seed + m);
            matrices.Add(resident
                ? backend.CosetLdeBitReversed(new RowMajorMatrix<KoalaBear>(values[..(values.Length / 2)], widths[m]), 1, KoalaBear.MultiplicativeGenerator)
                : new RowMajorMatrix<KoalaBear>(values, widths[m]));
        }
        var coefficients = RandomExt<TDef>(8, seed + 10);
        var zs = RandomExt<TDef>(2, seed + 11);
        var scales = RandomExt<TDef>(6, seed + 12);
        var ys = RandomExt<TDef>(2, seed + 13);
        // Point 0 opens every matrix; point 1 only the first and last (a zero weight: not opened there).
        var points = new List<DeepPoint<KoalaBearParameters, TDef>>
        {
            new(zs[0], [scales[0], scales[1], scales[2]], ys[0]),
            new(zs[1], [scales[3], default, scales[5]], ys[1]),
        };
        // The column combination hook alone.
        for (int m = 0; m < matrices.Count; m++)
        {
            var expected = Cpu.CombineColumns<TDef>(matrices[m], coefficients.AsSpan(0, widths[m]));
            Assert.Equal(expected, device.CombineColumns<TDef>(matrices[m], coefficients.AsSpan(0, widths[m])));
        }
        var cpu = Cpu.DeepReduce<TDef>(logH, matrices, coefficients, points);
        var actual = device.DeepReduce<TDef>(logH, matrices, coefficients, points);
        Assert.True(backend.Operations.IsResident(actual)); // kept for FRI
        device.FetchCodeword(actual); // its values stayed on the device
        Assert.Equal(cpu, actual);
        // The reference against the definition, on a few rows.
        var omega = KoalaBear.TwoAdicGenerator(logH);
        for (int r = 0; r < 1 << logH; r += 5)
        {
            var x = ExtensionField<KoalaBear, TDef>.FromBase(KoalaBear.MultiplicativeGenerator * omega.Pow((ulong)Prover.Core.Dft.BitReversal.ReverseBits(r, logH)));
            var sum = default(ExtensionField<KoalaBear, TDef>);
            foreach (var p in points)
            {
                var t = -p.Y;
                for (int m = 0; m < matrices.Count; m++)
                    for (int c = 0; c < matrices[m].Width; c++)
                        t += p.Scales[m] * coefficients[c] * matrices[m][r, c];
                sum += t * (x - p.Z).Inverse();
            }
            Assert.True(sum == actual[r], $"row {r} differs from the definition (degree {TDef.Degree})");
        }
        // The denominators alone.
        var inverse = backend.Operations.DeepInverse(TDef.W, logH, KoalaBear.AsMontgomery(zs[0].Coefficients.ToArray()), TDef.Degree);
        for (int r = 0; r < 1 << logH; r++)
        {
            var x = ExtensionField<KoalaBear, TDef>.FromBase(KoalaBear.MultiplicativeGenerator * omega.Pow((ulong)Prover.Core.Dft.BitReversal.ReverseBits(r, logH)));
            var expected = (x - zs[0]).Inverse();
            for (int k = 0; k < TDef.Degree; k++)
                Assert.True(expected.Coefficients[k].Montgomery == inverse[TDef.Degree * r + k], $"1/(x - z) row {r} coefficient {k}");
        }
        device.Release([actual, .. matrices]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Throws<ArgumentException>(() => device.DeepReduce<TDef>(logH, matrices, coefficients, [new(zs[0], [scales[0]], ys[0])]));
        Assert.Throws<ArgumentException>(() => device.CombineColumns<TDef>(matrices[0], coefficients.AsSpan(1)));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(3, false)]
    [InlineData(6, true)]
    public void Octic_deep_batching_on_the_device_is_the_cpu_words(int logH, bool resident) =>
        DeepReduceMatchesTheCpu<KoalaBearOctic>(logH, resident, wideQuartic: false);

    [Theory]
    [InlineData(3, false)]
    [InlineData(6, true)]
    public void Generic_deep_kernels_at_degree_4_are_the_cpu_words(int logH, bool resident) =>
        DeepReduceMatchesTheCpu<KoalaBearQuartic>(logH, resident, wideQuartic: true);

    private static void FriChainMatchesTheCpu<TDef>(bool wideQuartic) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        using var backend = Backend(wideQuartic);
        IProverBackend<KoalaBearParameters> device = backend;
        int seed = 2900 + TDef.Degree;
        var codeword = RandomExt<TDef>(1 << 7, seed);
        var rollIn = RandomExt<TDef>(1 << 5, seed + 1);
        var betas = RandomExt<TDef>(3, seed + 2);
        // Each arity alone, against the reference and the definition of a leaf's fold.
        for (int logArity = 1; logArity <= 3; logArity++)
        {
            var copy = (ExtensionField<KoalaBear, TDef>[])codeword.Clone();
            var folded = device.FriFold(codeword, 7, logArity, betas[0]);
            device.FetchCodeword(folded);
            Assert.Equal(copy, codeword); // not folded in place
            Assert.Equal(Cpu.FriFold(codeword, 7, logArity, betas[0]), folded);
            for (int j = 0; j < folded.Length; j += 3)
                Assert.True(Fri<KoalaBearParameters, TDef>.FoldLeafReference(codeword.AsSpan(j << logArity, 1 << logArity), 7, j, logArity, betas[0]) == folded[j],
                    $"leaf {j} of arity 2^{logArity} differs from its definition");
            device.Release([folded]);
        }
        Assert.Throws<ArgumentException>(() => device.FriFold(codeword, 8, 2, betas[0]));
        // The CPU chain: leaves (arity 4) → commit → fold → roll in with β^4 → leaves (arity 8) → commit → fold.
        var cpuLeaves = Cpu.FriLeaves(codeword, 2);
        var cpuTree = Cpu.Commit<Digest<KoalaBearParameters>>([cpuLeaves]);
        var cpuFolded = Cpu.FriFold(codeword, 7, 2, betas[0]);
        Cpu.FriRollIn(cpuFolded, betas[2], rollIn);
        var cpuLeaves2 = Cpu.FriLeaves(cpuFolded, 3);
        var cpuTree2 = Cpu.Commit<Digest<KoalaBearParameters>>([cpuLeaves2]);
        var cpuFinal = Cpu.FriFold(cpuFolded, 5, 3, betas[1]);
        // The device chain: the codeword is uploaded once (by its leaves) and every later step reads device copies.
        var leaves = device.FriLeaves(codeword, 2);
        Assert.True(backend.Operations.IsResident(codeword) && backend.Operations.IsResident(leaves));
        Assert.Equal(cpuLeaves.Values, leaves.Values);
        var tree = device.Commit<Digest<KoalaBearParameters>>([leaves]);
        var foldedChain = device.FriFold(codeword, 7, 2, betas[0]);
        Assert.True(backend.Operations.IsResident(foldedChain));
        device.FriRollIn(foldedChain, betas[2], rollIn);
        device.FetchCodeword(foldedChain);
        Assert.Equal(cpuFolded, foldedChain);
        var leaves2 = device.FriLeaves(foldedChain, 3);
        var tree2 = device.Commit<Digest<KoalaBearParameters>>([leaves2]);
        var final = device.FriFold(foldedChain, 5, 3, betas[1]);
        device.FetchCodeword(final);
        Assert.Equal(cpuFinal, final);
        Assert.Equal(cpuTree.Root, tree.Root);
        Assert.Equal(cpuTree2.Root, tree2.Root);
        device.Release([codeword, leaves, foldedChain, leaves2, final, tree, tree2]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Throws<ArgumentException>(() => device.FriRollIn(cpuFolded, betas[2], codeword));
    }

    [Fact]
    public void Octic_fri_fold_leaves_commit_and_roll_in_on_the_device_are_the_cpu_words() => FriChainMatchesTheCpu<KoalaBearOctic>(wideQuartic: false);

    [Fact]
    public void Generic_fri_kernels_at_degree_4_are_the_cpu_words() => FriChainMatchesTheCpu<KoalaBearQuartic>(wideQuartic: true);

    /// <summary>
    /// Whole octic proofs with every hook on the device: the CPU's bytes, and the DEEP and FRI hooks ran on the device
    /// (their traffic counters moved), so nothing fell back to the CPU silently.
    /// </summary>
    [Theory]
    [InlineData("fibonacci", 6)]
    [InlineData("lookup", 5)]
    public void Octic_proof_with_deep_and_fri_on_the_device_is_the_cpu_bytes(string demo, int logRows)
    {
        // A final polynomial of one coefficient: the commit phase folds (with arity 8, then the rest).
        var config = StarkConfig.Development with { ExtensionDegree = 8, NumQueries = 8, QueryPowBits = 0, LogFinalPolyLength = 0 };
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        var cpu = new StarkProver<KoalaBearParameters, KoalaBearOctic, Digest<KoalaBearParameters>>(config).Prove(airs, traces, publics);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var gpu = new StarkProver<KoalaBearParameters, KoalaBearOctic, Digest<KoalaBearParameters>>(config, backend).Prove(airs, traces, publics);
        Assert.Equal(ProofSerializer.Serialize(cpu), ProofSerializer.Serialize(gpu));
        Assert.Equal(0, backend.Operations.ResidentCount);
        foreach (var hook in new[] { IlgpuTraffic.Deep, IlgpuTraffic.FriFold, IlgpuTraffic.FriLeaves })
            Assert.True(backend.Traffic.Calls(hook) > 0, $"{demo}: {hook} did not run on the device");
        output.WriteLine($"{demo} 2^{logRows}, octic, ILGPU CPU accelerator:{Environment.NewLine}{backend.Traffic}");
    }
}
