using System.Runtime.InteropServices;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// The proving steps behind the seam that run on the device (issue 13): the DEEP column combination, FRI folding
/// and FRI layer commitments, and LDEs kept on the device between their commitment and the DEEP batching. Each is
/// compared word for word with the CPU reference on ILGPU's CPU accelerator, and whole proofs must be the CPU's bytes.
/// </summary>
public class DeviceProvingStepsTests(ITestOutputHelper output)
{
    private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

    private static KoalaBearExt4[] RandomExt4(int count, int seed)
    {
        var words = Random31.Elements<KoalaBearParameters>(count * 4, seed);
        var result = new KoalaBearExt4[count];
        for (int i = 0; i < count; i++)
            result[i] = KoalaBearExt4.FromCoefficients(words.AsSpan(i * 4, 4));
        return result;
    }

    [Theory]
    [InlineData(5, 1, false)]
    [InlineData(6, 9, false)]
    [InlineData(6, 9, true)]
    [InlineData(7, 33, true)]
    public void Column_combination_hook_matches_the_cpu_reference(int logRows, int width, bool resident)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        int seed = logRows * 100 + width;
        var trace = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << logRows) * width, seed), width);
        // An LDE made by the backend is read from its device copy; a host matrix is uploaded.
        var matrix = resident ? backend.CosetLdeBitReversed(trace, 1, KoalaBear.MultiplicativeGenerator) : trace;
        Assert.Equal(resident, backend.Operations.IsResident(matrix));
        var coefficients = RandomExt4(width, seed + 1);
        var expected = Cpu.CombineColumns<KoalaBearQuartic>(matrix, coefficients);
        var actual = ((IProverBackend<KoalaBearParameters>)backend).CombineColumns<KoalaBearQuartic>(matrix, coefficients);
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
            Assert.True(expected[r] == actual[r], $"row {r} differs (seed {seed})");
        // The reference itself against the definition, on a few rows.
        for (int r = 0; r < matrix.Height; r += 7)
        {
            var sum = default(KoalaBearExt4);
            for (int c = 0; c < width; c++)
                sum += coefficients[c] * matrix[r, c];
            Assert.True(sum == actual[r], $"row {r} differs from Σ_c λ_c·M[r, c] (seed {seed})");
        }
        backend.Release([matrix]);
        Assert.False(backend.Operations.IsResident(matrix));
        Assert.Throws<ArgumentException>(() => backend.CombineColumns<KoalaBearQuartic>(matrix, coefficients.AsSpan(1)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(6, 1)]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    [InlineData(3, 3)]
    public void Fri_fold_hook_matches_the_cpu_reference_for_arities_2_4_8(int logN, int logArity)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        int seed = 31 * logN + logArity;
        var codeword = RandomExt4(1 << logN, seed);
        var beta = RandomExt4(1, seed + 1)[0];
        var copy = (KoalaBearExt4[])codeword.Clone();
        var expected = Cpu.FriFold(codeword, logN, logArity, beta);
        var actual = ((IProverBackend<KoalaBearParameters>)backend).FriFold(codeword, logN, logArity, beta);
        Assert.Equal(1 << (logN - logArity), actual.Length);
        // Left on the device (its host array marked) until fetched.
        Assert.True(backend.Operations.IsOnDeviceOnly(actual));
        Assert.All(MemoryMarshal.Cast<KoalaBearExt4, uint>(actual.AsSpan()).ToArray(), w => Assert.Equal(uint.MaxValue, w));
        backend.FetchCodeword(actual);
        Assert.False(backend.Operations.IsOnDeviceOnly(actual));
        Assert.Equal(copy, codeword); // the input is not folded in place
        for (int j = 0; j < actual.Length; j++)
        {
            Assert.True(expected[j] == actual[j], $"value {j} differs (seed {seed})");
            // Each value is the leaf's fold by its definition (an inverse DFT of size k, then Σ β^t·f_t).
            var leaf = codeword.AsSpan(j << logArity, 1 << logArity);
            Assert.True(Fri<KoalaBearParameters, KoalaBearQuartic>.FoldLeafReference(leaf, logN, j, logArity, beta) == actual[j], $"leaf {j} differs from its definition");
        }
        Assert.Throws<ArgumentException>(() => backend.FriFold(codeword, logN + 1, logArity, beta));
        Assert.Throws<ArgumentException>(() => backend.FriFold(codeword, logN, 0, beta));
    }

    [Fact]
    public void Fri_chain_of_leaves_commit_fold_and_roll_in_stays_on_the_device_and_matches_the_cpu()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var codeword = RandomExt4(1 << 7, 901);
        var rollIn = RandomExt4(1 << 5, 902);
        var betas = RandomExt4(3, 903);
        // The CPU chain: leaves (arity 4) → commit → fold → roll in with β^4 → leaves (arity 8) → commit → fold.
        var cpuLeaves = Cpu.FriLeaves(codeword, 2);
        var cpuTree = Cpu.Commit<Prover.Core.Hash.Digest<KoalaBearParameters>>([cpuLeaves]);
        var cpuFolded = Cpu.FriFold(codeword, 7, 2, betas[0]);
        Cpu.FriRollIn(cpuFolded, betas[2], rollIn);
        var cpuLeaves2 = Cpu.FriLeaves(cpuFolded, 3);
        var cpuTree2 = Cpu.Commit<Prover.Core.Hash.Digest<KoalaBearParameters>>([cpuLeaves2]);
        var cpuFinal = Cpu.FriFold(cpuFolded, 5, 3, betas[1]);
        // The device chain: the codeword is uploaded once (by its leaves) and every later step reads device copies.
        var leaves = device.FriLeaves(codeword, 2);
        Assert.True(backend.Operations.IsResident(codeword) && backend.Operations.IsResident(leaves));
        Assert.Equal(cpuLeaves.Values, leaves.Values);
        var tree = device.Commit<Prover.Core.Hash.Digest<KoalaBearParameters>>([leaves]);
        var folded = device.FriFold(codeword, 7, 2, betas[0]);
        Assert.True(backend.Operations.IsResident(folded));
        device.FriRollIn(folded, betas[2], rollIn);
        Assert.True(backend.Operations.IsOnDeviceOnly(folded)); // the fold and the roll-in stayed on the device
        device.FetchCodeword(folded);
        Assert.Equal(cpuFolded, folded);
        var leaves2 = device.FriLeaves(folded, 3);
        var tree2 = device.Commit<Prover.Core.Hash.Digest<KoalaBearParameters>>([leaves2]);
        var final = device.FriFold(folded, 5, 3, betas[1]);
        device.FetchCodeword(final);
        Assert.Equal(cpuFinal, final);
        Assert.Equal(cpuTree.Root, tree.Root);
        Assert.Equal(cpuTree2.Root, tree2.Root);
        for (int level = 0; level < cpuTree2.LayerCount; level++)
            Assert.True(cpuTree2.Layer(level).SequenceEqual(tree2.Layer(level)), $"layer {level}");
        Assert.Equal(5, backend.Operations.ResidentCount); // codeword, folded, final, the two trees' layers (leaves are aliases)
        device.Release([codeword, leaves, folded, leaves2, final, tree, tree2]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.False(backend.Operations.IsResident(leaves2));
        // A roll-in into a codeword without a device copy runs on the CPU, with the same result.
        var host = (KoalaBearExt4[])cpuFolded.Clone();
        device.FriRollIn(host, betas[2], rollIn);
        Cpu.FriRollIn(cpuFolded, betas[2], rollIn);
        Assert.Equal(cpuFolded, host);
        Assert.Throws<ArgumentException>(() => device.FriRollIn(host, betas[2], codeword));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    public void Deep_denominators_on_the_device_are_the_inverses_of_x_minus_z(int logH)
    {
        var z = RandomExt4(1, 500 + logH)[0];
        var actual = IlgpuCpuDevice.Operations<KoalaBearParameters>().DeepInverse(KoalaBearQuartic.W, logH, KoalaBear.AsMontgomery(z.Coefficients.ToArray()));
        var omega = KoalaBear.TwoAdicGenerator(logH);
        for (int r = 0; r < 1 << logH; r++)
        {
            var x = KoalaBear.MultiplicativeGenerator * omega.Pow((ulong)Prover.Core.Dft.BitReversal.ReverseBits(r, logH));
            var expected = (KoalaBearExt4.FromBase(x) - z).Inverse();
            for (int i = 0; i < 4; i++)
                Assert.True(expected.Coefficients[i].Montgomery == actual[4 * r + i], $"row {r} coefficient {i}");
        }
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(6, false)]
    [InlineData(6, true)]
    public void Deep_reduce_hook_matches_the_cpu_reference(int logH, bool resident)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        backend.KeepTracesOnDevice = false; // the half-height traces are not released here: only their LDEs are kept
        IProverBackend<KoalaBearParameters> device = backend;
        int seed = 700 + logH;
        int[] widths = [3, 1, 8];
        var matrices = new List<RowMajorMatrix<KoalaBear>>();
        for (int m = 0; m < widths.Length; m++)
        {
            var values = Random31.Elements<KoalaBearParameters>((1 << logH) * widths[m], seed + m);
            var trace = new RowMajorMatrix<KoalaBear>(values, widths[m]);
            // Resident: LDEs of half-height traces, read from their device copies.
            matrices.Add(resident ? backend.CosetLdeBitReversed(new RowMajorMatrix<KoalaBear>(values[..(values.Length / 2)], widths[m]), 1, KoalaBear.MultiplicativeGenerator) : trace);
        }
        var coefficients = RandomExt4(8, seed + 10);
        var zs = RandomExt4(2, seed + 11);
        var scales = RandomExt4(6, seed + 12);
        var ys = RandomExt4(2, seed + 13);
        // Point 0 opens every matrix; point 1 only the first and last (a zero weight: not opened there).
        var points = new List<DeepPoint<KoalaBearParameters, KoalaBearQuartic>>
        {
            new(zs[0], [scales[0], scales[1], scales[2]], ys[0]),
            new(zs[1], [scales[3], default, scales[5]], ys[1]),
        };
        var expected = Cpu.DeepReduce<KoalaBearQuartic>(logH, matrices, coefficients, points);
        var actual = device.DeepReduce<KoalaBearQuartic>(logH, matrices, coefficients, points);
        Assert.True(backend.Operations.IsResident(actual)); // kept for FRI
        Assert.True(backend.Operations.IsOnDeviceOnly(actual)); // its values too, until fetched
        device.FetchCodeword(actual);
        Assert.Equal(expected, actual);
        // The CPU reference against the definition, on a few rows.
        var omega = KoalaBear.TwoAdicGenerator(logH);
        for (int r = 0; r < 1 << logH; r += 5)
        {
            var x = KoalaBearExt4.FromBase(KoalaBear.MultiplicativeGenerator * omega.Pow((ulong)Prover.Core.Dft.BitReversal.ReverseBits(r, logH)));
            var sum = default(KoalaBearExt4);
            foreach (var p in points)
            {
                var t = -p.Y;
                for (int m = 0; m < matrices.Count; m++)
                    for (int c = 0; c < matrices[m].Width; c++)
                        t += p.Scales[m] * coefficients[c] * matrices[m][r, c];
                sum += t * (x - p.Z).Inverse();
            }
            Assert.True(sum == expected[r], $"row {r} differs from the definition");
        }
        device.Release([actual, .. matrices]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Throws<ArgumentException>(() => device.DeepReduce<KoalaBearQuartic>(logH, matrices, coefficients, [new(zs[0], [scales[0]], ys[0])]));
        Assert.Throws<ArgumentException>(() => device.DeepReduce<KoalaBearQuartic>(logH, matrices, coefficients.AsSpan(0, 2), points));
    }

    [Theory]
    [InlineData("fibonacci", 5, false, false)]
    [InlineData("fibonacci", 5, true, true)]
    [InlineData("poseidon2", 3, false, true)]
    [InlineData("poseidon2", 3, true, false)]
    [InlineData("lookup", 4, false, true)]
    public void Quotient_hook_matches_the_cpu_evaluator(string demo, int logRows, bool randomTrace, bool resident)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        var ext = RandomExt4(4, logRows * 3 + (randomTrace ? 1 : 0));
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new Prover.Core.Air.CompiledAir<KoalaBear>(airs[t]);
            // A random trace satisfies nothing: its quotient is not low-degree, and must still be the same words.
            var trace = randomTrace ? new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(traces[t].Values.Length, 40 + t), traces[t].Width) : traces[t];
            int logN = int.Log2(trace.Height), blowup = Math.Max(1, air.LogQuotientChunks);
            var lde = resident ? backend.CosetLdeBitReversed(trace, blowup, KoalaBear.MultiplicativeGenerator)
                : Cpu.CosetLdeBitReversed(trace, blowup, KoalaBear.MultiplicativeGenerator);
            RowMajorMatrix<KoalaBear>? logUpLde = null;
            if (air.LogUpColumns > 0)
                logUpLde = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((trace.Height << blowup) * air.LogUpColumns * 4, 50 + t), air.LogUpColumns * 4);
            var expected = Cpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], ext[3]);
            var actual = device.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], ext[3]);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(expected[i] == actual[i], $"{demo} table {t}: point {i} differs (random trace {randomTrace})");
            device.Release([lde, trace]);
        }
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// A table without LogUp that reads preprocessed columns (local and next), public values and every selector: the
    /// device quotient's other inputs. Preprocessed column 0 counts rows; main a = p² + pub₀ on every row, a₀ = pub₀ on
    /// the first row, p' = p + 1 on transitions, and the last row's p is n − 1 (pub₁).
    /// </summary>
    private sealed class SquaresAir : Prover.Core.Air.IAir<KoalaBear>
    {
        public string Name => "squares";

        public int Width => 1;

        public int PreprocessedWidth => 1;

        public int PublicValueCount => 2;

        public RowMajorMatrix<KoalaBear>? PreprocessedTrace(int height)
        {
            var m = new RowMajorMatrix<KoalaBear>(height, 1);
            for (int r = 0; r < height; r++)
                m[r, 0] = KoalaBear.FromUInt64((ulong)r);
            return m;
        }

        public void Eval(Prover.Core.Air.AirBuilder<KoalaBear> b)
        {
            var p = b.PreprocessedLocal[0];
            b.AssertEq(b.Local[0], p * p + b.PublicValues[0]);
            b.WhenFirstRow().AssertEq(b.Local[0], b.PublicValues[0]);
            b.WhenTransition().AssertEq(b.PreprocessedNext[0], p + Prover.Core.Air.SymbolicExpression<KoalaBear>.One);
            b.WhenLastRow().AssertEq(p, b.PublicValues[1]);
        }

        public static (RowMajorMatrix<KoalaBear> Trace, KoalaBear[] Publics) Witness(int logRows)
        {
            int n = 1 << logRows;
            var publics = new[] { KoalaBear.FromUInt64(7), KoalaBear.FromUInt64((ulong)n - 1) };
            var trace = new RowMajorMatrix<KoalaBear>(n, 1);
            for (int r = 0; r < n; r++)
                trace[r, 0] = KoalaBear.FromUInt64((ulong)r * (ulong)r) + publics[0];
            return (trace, publics);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quotient_hook_reads_preprocessed_columns_and_public_values_like_the_cpu(bool randomTrace)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var air = new Prover.Core.Air.CompiledAir<KoalaBear>(new SquaresAir());
        var (trace, publics) = SquaresAir.Witness(5);
        if (randomTrace)
            trace = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(trace.Values.Length, 61), 1);
        int blowup = Math.Max(1, air.LogQuotientChunks);
        var lde = device.CosetLdeBitReversed(trace, blowup, KoalaBear.MultiplicativeGenerator);
        var pre = Cpu.CosetLdeBitReversed(new SquaresAir().PreprocessedTrace(32)!, blowup, KoalaBear.MultiplicativeGenerator);
        var ext = RandomExt4(4, 62);
        var expected = Cpu.EvaluateQuotient(air, 5, lde, pre, null, publics, ext[0], ext[1], ext[2], ext[3]);
        var actual = device.EvaluateQuotient(air, 5, lde, pre, null, publics, ext[0], ext[1], ext[2], ext[3]);
        Assert.Equal(expected, actual);
        device.Release([lde, trace]);
        Assert.Throws<ArgumentException>(() => device.EvaluateQuotient(air, 5, lde, null, null, publics, ext[0], ext[1], ext[2], ext[3]));
    }

    [Fact]
    public void Preprocessed_proof_without_logup_is_the_cpu_bytes_on_the_device()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 0 };
        Prover.Core.Air.IAir<KoalaBear>[] airs = [new SquaresAir()];
        var (trace, publics) = SquaresAir.Witness(6);
        byte[] Prove(IProverBackend<KoalaBearParameters>? b)
        {
            var key = StarkSetup.Preprocess<KoalaBearParameters, Prover.Core.Hash.Digest<KoalaBearParameters>>(airs, [6], config.LogBlowup, b);
            var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config, b).Prove(airs, [trace], [publics], key);
            return ProofSerializer.Serialize(proof);
        }
        var cpu = Prove(null);
        Assert.True(cpu.AsSpan().SequenceEqual(Prove(backend)), "proof bytes differ between the CPU and the ILGPU backend");
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// A proving key's preprocessed trace and LDE stay on the device across proofs (<see cref="IlgpuProverBackend{TParams}.Retain"/>):
    /// two proofs in a row with one key and one backend are the CPU's bytes, the second uploads neither (exactly their size fewer bytes
    /// to the device), proof-scoped copies are all freed after each proof, and <c>ReleaseRetained</c> frees the key's.
    /// </summary>
    [Fact]
    public void Preprocessed_key_stays_on_the_device_across_proofs()
    {
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        var config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 0 };
        Prover.Core.Air.IAir<KoalaBear>[] airs = [new SquaresAir()];
        var (trace, publics) = SquaresAir.Witness(6);
        var cpuKey = StarkSetup.Preprocess<KoalaBearParameters, Prover.Core.Hash.Digest<KoalaBearParameters>>(airs, [6], config.LogBlowup);
        var cpu = ProofSerializer.Serialize(new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config)
            .Prove(airs, [trace], [publics], cpuKey));
        var key = StarkSetup.Preprocess<KoalaBearParameters, Prover.Core.Hash.Digest<KoalaBearParameters>>(airs, [6], config.LogBlowup, backend);
        long ToDevice()
        {
            long before = own!.BytesToDevice;
            var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config, backend)
                .Prove(airs, [trace], [publics], key);
            Assert.True(cpu.AsSpan().SequenceEqual(ProofSerializer.Serialize(proof)), "proof bytes differ between the CPU and the ILGPU backend");
            Assert.Equal(0, backend.Operations.ResidentCount); // the proof's own copies are freed
            return own.BytesToDevice - before;
        }
        long first = ToDevice();
        Assert.Equal(2, backend.Operations.RetainedCount); // the key's trace (openings, LogUp) and LDE (quotient, DEEP, queries)
        long second = ToDevice();
        Assert.Equal(2, backend.Operations.RetainedCount);
        long keyBytes = (64 + 128) * sizeof(uint); // the 2^6 × 1 trace and its 2^7 × 1 LDE
        output.WriteLine($"preprocessed proof 2^6 on the ILGPU CPU accelerator: {first:N0} B to the device in the first proof, {second:N0} B in the second");
        Assert.Equal(first - keyBytes, second); // the first proof uploaded the key once (each read after that used its copy)
        backend.ReleaseRetained([.. key!.Traces, .. key.Ldes]);
        Assert.Equal(0, backend.Operations.RetainedCount);
        Assert.Equal(0L, backend.Operations.RetainedBytes);
        // A third proof uploads the key again (the same bytes as the first).
        Assert.Equal(first, ToDevice());
    }

    /// <summary>The retained copies stay within their budget: an older key is dropped when a newer one needs the room.</summary>
    [Fact]
    public void Retained_keys_are_dropped_oldest_first_over_the_budget()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var ops = backend.Operations;
        var a = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(256, 1), 2);
        var b = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(256, 2), 2);
        ops.RetainedBudgetBytes = 256 * sizeof(uint) + 100; // one of them
        var lde = new RowMajorMatrix<KoalaBear>[2];
        backend.Retain([a]);
        lde[0] = backend.CosetLdeBitReversed(a, 0, KoalaBear.One); // reads a: a fresh LDE, but a itself is kept as the LDE's trace copy
        backend.Release([lde[0]]);
        // a was read through the trace-keeping path (KeepTracesOnDevice): it is resident and retained, so Release left it.
        Assert.Equal(1, ops.RetainedCount);
        backend.Retain([b]); // b needs the room: a is dropped
        Assert.Equal(0, ops.RetainedCount);
        Assert.False(ops.IsResident(a));
        backend.ReleaseRetained([b]);
        Assert.Equal(0, ops.ResidentCount);
    }

    [Fact]
    public void Octic_extension_folds_on_the_generic_kernels()
    {
        Assert.True(IlgpuProverBackend<KoalaBearParameters>.ExtensionOnDevice<KoalaBearQuartic>());
        Assert.False(IlgpuProverBackend<KoalaBearParameters>.ExtensionOnDevice<KoalaBearOctic>()); // no written-out octic kernels
        Assert.True(IlgpuProverBackend<KoalaBearParameters>.WideOnDevice<KoalaBearOctic>()); // but the degree-generic ones
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var words = Random31.Elements<KoalaBearParameters>(8 * 16 + 8, 77);
        var codeword = new ExtensionField<KoalaBear, KoalaBearOctic>[16];
        for (int i = 0; i < 16; i++)
            codeword[i] = ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients(words.AsSpan(i * 8, 8));
        var beta = ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients(words.AsSpan(128, 8));
        var folded = ((IProverBackend<KoalaBearParameters>)backend).FriFold(codeword, 4, 2, beta);
        backend.FetchCodeword(folded);
        Assert.Equal(Cpu.FriFold(codeword, 4, 2, beta), folded);
        Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.FriFold)); // it ran on the device
    }

    [Fact]
    public void Resident_lde_commits_to_the_cpu_tree_and_is_freed_on_release()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var a = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(32 * 5, 5), 5);
        var b = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(16 * 3, 6), 3);
        var ldeA = backend.CosetLdeBitReversed(a, 1, KoalaBear.MultiplicativeGenerator);
        var ldeB = backend.CosetLdeBitReversed(b, 1, KoalaBear.MultiplicativeGenerator);
        Assert.Equal(4, backend.Operations.ResidentCount); // the LDEs and the traces they were made from (for their openings)
        Assert.True(backend.Operations.ResidentBytes >= (64 * 5 + 32 * 3 + 32 * 5 + 16 * 3) * sizeof(uint));
        var expected = MerkleTreeMmcs<KoalaBearParameters, Prover.Core.Hash.Digest<KoalaBearParameters>>.Default.Commit([ldeA, ldeB]);
        var actual = backend.Commit<Prover.Core.Hash.Digest<KoalaBearParameters>>([ldeA, ldeB]);
        for (int level = 0; level < expected.LayerCount; level++)
            Assert.True(expected.Layer(level).SequenceEqual(actual.Layer(level)), $"layer {level}");
        backend.Release([ldeA, null, ldeB, a, b, actual]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Equal(0, backend.Operations.ResidentBytes);
        // Over the budget nothing is kept (and the result is the same).
        backend.Operations.ResidentBudgetBytes = 0;
        var again = backend.CosetLdeBitReversed(a, 1, KoalaBear.MultiplicativeGenerator);
        Assert.False(backend.Operations.IsResident(again));
        Assert.Equal(ldeA.Values, again.Values);
    }

    [Theory]
    [InlineData("fibonacci", 6)]
    [InlineData("lookup", 6)]
    [InlineData("poseidon2", 4)]
    public void Whole_proofs_are_the_cpu_bytes_and_keeping_ldes_on_the_device_moves_fewer_bytes(string demo, int logRows)
    {
        // A device of its own: the byte counters must not see other tests' traffic.
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var device, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(device!);
        var (cpuFile, _) = DemoProofs.Prove(demo, logRows, "development");
        long Traffic(bool deep, bool fri, bool keep)
        {
            backend.DeepOnDevice = deep;
            backend.FriOnDevice = fri;
            backend.KeepLdesOnDevice = keep;
            long before = device!.BytesToDevice + device.BytesFromDevice;
            backend.QuotientOnDevice = deep;
            backend.LogUpOnDevice = deep;
            backend.OpeningsOnDevice = deep;
            var (file, _) = DemoProofs.Prove(demo, logRows, "development", backend);
            Assert.True(cpuFile.AsSpan().SequenceEqual(file), $"{demo}: proof bytes differ from the CPU's (deep {deep}, fri {fri}, keep {keep})");
            Assert.Equal(0, backend.Operations.ResidentCount); // every LDE and FRI codeword released
            return device.BytesToDevice + device.BytesFromDevice - before;
        }
        long previous = Traffic(deep: false, fri: false, keep: false); // LDE and commitments only, as before
        long uploadEveryCall = Traffic(deep: true, fri: true, keep: false);
        long resident = Traffic(deep: true, fri: true, keep: true);
        output.WriteLine($"{demo} 2^{logRows}: host<->device bytes: LDE+commit only {previous}, all hooks uploading every call {uploadEveryCall}, all hooks with resident LDEs {resident}");
        Assert.True(resident < uploadEveryCall, $"resident LDEs moved {resident} bytes, uploading every call {uploadEveryCall}");
    }
}
