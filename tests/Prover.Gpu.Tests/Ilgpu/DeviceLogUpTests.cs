using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// LogUp trace generation, the quotient's LogUp constraints and out-of-domain openings on the device (issue 13), each compared
/// word for word with the CPU reference on ILGPU's CPU accelerator: on the demos' tables, on tables with random traces (which
/// satisfy nothing, and must still give the same words), and on the zkVM chips' real traces (<see cref="ZkvmChipsOnTheDevice"/>).
/// </summary>
public class DeviceLogUpTests(ITestOutputHelper output)
{
    private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

    internal static KoalaBearExt4[] RandomExt4(int count, int seed)
    {
        var words = Random31.Elements<KoalaBearParameters>(count * 4, seed);
        var result = new KoalaBearExt4[count];
        for (int i = 0; i < count; i++)
            result[i] = KoalaBearExt4.FromCoefficients(words.AsSpan(i * 4, 4));
        return result;
    }

    internal static void AssertSameWords(RowMajorMatrix<KoalaBear> expected, RowMajorMatrix<KoalaBear> actual, string what)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        for (long i = 0; i < expected.Values.LongLength; i++)
            Assert.True(expected.Values[i] == actual.Values[i], $"{what}: word {i} (row {i / Math.Max(1, expected.Width)}) differs");
    }

    /// <summary>The lookup demo's tables (with interactions) at several heights, honest and random traces.</summary>
    [Theory]
    [InlineData(3, false)]
    [InlineData(6, false)]
    [InlineData(6, true)]
    [InlineData(9, true)]
    public void LogUp_trace_on_the_device_is_the_cpu_trace_and_its_lde_reads_the_kept_copy(int logRows, bool randomTrace)
    {
        // A device of its own: the byte counters must not see other tests' traffic.
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        IProverBackend<KoalaBearParameters> device = backend;
        var (airs, traces, publics) = DemoCatalog.Build("lookup", logRows);
        var challenges = RandomExt4(2, logRows * 7 + (randomTrace ? 1 : 0));
        int compared = 0;
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new CompiledAir<KoalaBear>(airs[t]);
            if (air.Interactions.Count == 0)
                continue;
            var trace = randomTrace ? new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(traces[t].Values.Length, 60 + t), traces[t].Width) : traces[t];
            var (expected, expectedSum) = Cpu.GenerateLogUp(air, trace, null, publics[t], challenges[0], challenges[1]);
            var (actual, actualSum) = device.GenerateLogUp(air, trace, null, publics[t], challenges[0], challenges[1]);
            AssertSameWords(expected, actual, $"lookup table {t} LogUp trace");
            Assert.True(expectedSum == actualSum, $"lookup table {t}: cumulative sum differs");
            Assert.True(backend.Operations.IsResident(actual), "the device LogUp trace is kept for its LDE");
            long before = own!.BytesToDevice;
            var lde = device.CosetLdeBitReversed(actual, 1, KoalaBear.MultiplicativeGenerator);
            // Read from the kept copy: only the LDE's scaling factors go up (n words), not the trace (4·groups words a row).
            long uploaded = own.BytesToDevice - before;
            Assert.True(uploaded < sizeof(uint) * actual.Values.LongLength / 2, $"the LDE of a kept LogUp trace uploaded {uploaded} bytes");
            AssertSameWords(Cpu.CosetLdeBitReversed(expected, 1, KoalaBear.MultiplicativeGenerator), lde, $"lookup table {t} LogUp LDE");
            device.Release([actual, lde]);
            compared++;
        }
        Assert.True(compared > 0, "the lookup demo has tables with interactions");
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>A challenge γ that makes a fingerprint vanish is reported, as the CPU reference reports it.</summary>
    [Fact]
    public void Vanished_fingerprint_is_an_error_on_the_device_as_on_the_cpu()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var (airs, traces, publics) = DemoCatalog.Build("lookup", 4);
        int t = Array.FindIndex(airs, a => new CompiledAir<KoalaBear>(a).Interactions.Count > 0);
        var air = new CompiledAir<KoalaBear>(airs[t]);
        // β = 0: fp = γ − bus, so γ = bus of interaction 0 makes its fingerprint zero on every row.
        var gamma = KoalaBearExt4.FromBase(KoalaBear.FromUInt64((ulong)air.Interactions[0].Bus));
        Assert.Throws<InvalidOperationException>(() => Cpu.GenerateLogUp(air, traces[t], null, publics[t], gamma, default(KoalaBearExt4)));
        Assert.Throws<InvalidOperationException>(() => device.GenerateLogUp(air, traces[t], null, publics[t], gamma, default(KoalaBearExt4)));
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// The quotient of tables with LogUp columns: the LogUp LDE from the honest LogUp trace (the quotient is low-degree) and a
    /// random one (nothing holds, the words must still agree), LDEs kept on the device or uploaded.
    /// </summary>
    [Theory]
    [InlineData(4, false, false)]
    [InlineData(5, true, true)]
    [InlineData(6, false, true)]
    public void Quotient_with_logup_on_the_device_is_the_cpu_quotient(int logRows, bool randomLogUp, bool resident)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var (airs, traces, publics) = DemoCatalog.Build("lookup", logRows);
        var ext = RandomExt4(3, logRows * 5 + (randomLogUp ? 1 : 0));
        int compared = 0;
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new CompiledAir<KoalaBear>(airs[t]);
            if (air.Interactions.Count == 0)
                continue;
            int logN = int.Log2(traces[t].Height), blowup = Math.Max(1, air.LogQuotientChunks);
            var source = resident ? device : Cpu;
            var lde = source.CosetLdeBitReversed(traces[t], blowup, KoalaBear.MultiplicativeGenerator);
            var (logUpTrace, sum) = Cpu.GenerateLogUp(air, traces[t], null, publics[t], ext[1], ext[2]);
            if (randomLogUp)
                logUpTrace = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(logUpTrace.Values.Length, 70 + t), logUpTrace.Width);
            var logUpLde = source.CosetLdeBitReversed(logUpTrace, blowup, KoalaBear.MultiplicativeGenerator);
            var expected = Cpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum);
            var actual = device.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(expected[i] == actual[i], $"lookup table {t}: point {i} differs (random LogUp {randomLogUp})");
            // A wrong claimed sum changes the last-row constraint: the device must see it as the CPU does.
            var wrong = sum + KoalaBearExt4.One;
            var expectedWrong = Cpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], wrong);
            var actualWrong = device.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], wrong);
            Assert.True(expectedWrong.AsSpan().SequenceEqual(actualWrong), $"lookup table {t}: quotient with a wrong claimed sum differs");
            Assert.False(expectedWrong.AsSpan().SequenceEqual(expected), "a wrong claimed sum must change the quotient");
            device.Release([lde, logUpLde, traces[t], logUpTrace]);
            compared++;
        }
        Assert.True(compared > 0);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>Out-of-domain openings of traces (main, a kept LogUp trace) at ζ and ζ·ω, and the off-domain check.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void Out_of_domain_openings_on_the_device_are_the_cpu_values(int logN)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        int n = 1 << logN;
        var zeta = RandomExt4(1, 90 + logN)[0];
        KoalaBearExt4[] points = [zeta, zeta * KoalaBear.TwoAdicGenerator(logN)];
        var matrices = new List<RowMajorMatrix<KoalaBear>>
        {
            new(Random31.Elements<KoalaBearParameters>(n * 5, 91), 5),
            new(Random31.Elements<KoalaBearParameters>(n * 1, 92), 1),
            new(Random31.Elements<KoalaBearParameters>(n * 300, 93), 300), // wider than a block of threads
        };
        var expected = Cpu.EvaluateOutOfDomain(logN, matrices, points);
        var actual = device.EvaluateOutOfDomain(logN, matrices, points);
        for (int p = 0; p < points.Length; p++)
            for (int m = 0; m < matrices.Count; m++)
                Assert.True(expected[p][m].AsSpan().SequenceEqual(actual[p][m]), $"point {p}, matrix {m} differs");
        // A point on the trace domain has no barycentric weights: both refuse it.
        KoalaBearExt4[] onDomain = [KoalaBearExt4.FromBase(KoalaBear.TwoAdicGenerator(logN))];
        Assert.Throws<ArgumentException>(() => Cpu.EvaluateOutOfDomain(logN, matrices, onDomain));
        Assert.Throws<ArgumentException>(() => device.EvaluateOutOfDomain(logN, matrices, onDomain));
        Assert.Throws<ArgumentException>(() => device.EvaluateOutOfDomain(logN + 1, matrices, points));
    }

    /// <summary>Whole proofs of the lookup demo (LogUp) with every device step: the CPU's bytes.</summary>
    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public void Lookup_proof_with_logup_quotient_and_openings_on_the_device_is_the_cpu_bytes(int logRows)
    {
        var config = StarkConfig.Development with { NumQueries = 8, QueryPowBits = 0 };
        var (airs, traces, publics) = DemoCatalog.Build("lookup", logRows);
        var cpu = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config).Prove(airs, traces, publics);
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        long before = own!.BytesToDevice, beforeDown = own.BytesFromDevice;
        var gpu = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config, backend).Prove(airs, traces, publics);
        output.WriteLine($"lookup 2^{logRows}: {own.BytesToDevice - before} B to the device, {own.BytesFromDevice - beforeDown} B back");
        Assert.Equal(ProofBytes(cpu), ProofBytes(gpu));
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    private static byte[] ProofBytes(StarkProof<KoalaBearParameters, KoalaBearExt4, Prover.Core.Hash.Digest<KoalaBearParameters>> proof) =>
        ProofSerializer.Serialize(proof);

    // ------------------------------------------------------------------ octic extension (provable-100/128): WideKernels

    private static ExtensionField<KoalaBear, TDef>[] RandomExt<TDef>(int count, int seed) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var words = Random31.Elements<KoalaBearParameters>(count * TDef.Degree, seed);
        var result = new ExtensionField<KoalaBear, TDef>[count];
        for (int i = 0; i < count; i++)
            result[i] = ExtensionField<KoalaBear, TDef>.FromCoefficients(words.AsSpan(i * TDef.Degree, TDef.Degree));
        return result;
    }

    /// <summary>The octic extension through <see cref="WideKernels"/>: LogUp trace, quotient with and without LogUp, openings.</summary>
    [Theory]
    [InlineData("lookup", 4, false)]
    [InlineData("lookup", 6, true)]
    [InlineData("fibonacci", 5, true)]
    public void Octic_logup_quotient_and_openings_on_the_device_are_the_cpu_words(string demo, int logRows, bool randomTrace)
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        Assert.True(IlgpuProverBackend<KoalaBearParameters>.WideOnDevice<KoalaBearOctic>());
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        var ext = RandomExt<KoalaBearOctic>(4, logRows * 11 + (randomTrace ? 1 : 0));
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new CompiledAir<KoalaBear>(airs[t]);
            var trace = randomTrace ? new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(traces[t].Values.Length, 80 + t), traces[t].Width) : traces[t];
            int logN = int.Log2(trace.Height), blowup = Math.Max(1, air.LogQuotientChunks);
            var lde = device.CosetLdeBitReversed(trace, blowup, KoalaBear.MultiplicativeGenerator);
            RowMajorMatrix<KoalaBear>? logUpTrace = null, logUpLde = null;
            var sum = default(ExtensionField<KoalaBear, KoalaBearOctic>);
            if (air.Interactions.Count > 0)
            {
                var (expected, expectedSum) = Cpu.GenerateLogUp(air, trace, null, publics[t], ext[1], ext[2]);
                (logUpTrace, sum) = device.GenerateLogUp(air, trace, null, publics[t], ext[1], ext[2]);
                AssertSameWords(expected, logUpTrace, $"{demo} table {t} octic LogUp trace");
                Assert.True(expectedSum == sum, $"{demo} table {t}: octic cumulative sum differs");
                logUpLde = device.CosetLdeBitReversed(logUpTrace, blowup, KoalaBear.MultiplicativeGenerator);
            }
            var q = Cpu.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum);
            var qd = device.EvaluateQuotient(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], sum);
            Assert.True(q.AsSpan().SequenceEqual(qd), $"{demo} table {t}: octic quotient differs");
            var zeta = ext[3];
            ExtensionField<KoalaBear, KoalaBearOctic>[] points = [zeta, zeta * KoalaBear.TwoAdicGenerator(logN)];
            var matrices = logUpTrace is null ? new[] { trace } : new[] { trace, logUpTrace };
            var o = Cpu.EvaluateOutOfDomain(logN, matrices, points);
            var od = device.EvaluateOutOfDomain(logN, matrices, points);
            for (int p = 0; p < points.Length; p++)
                for (int m = 0; m < matrices.Length; m++)
                    Assert.True(o[p][m].AsSpan().SequenceEqual(od[p][m]), $"{demo} table {t}: octic opening {p} of matrix {m} differs");
            device.Release([lde, logUpTrace, logUpLde, trace]);
        }
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>A whole lookup proof over the octic extension (LogUp, quotient and openings on the device): the CPU's bytes.</summary>
    [Fact]
    public void Octic_lookup_proof_on_the_device_is_the_cpu_bytes()
    {
        var config = StarkConfig.Development with { ExtensionDegree = 8, NumQueries = 8, QueryPowBits = 0 };
        var (airs, traces, publics) = DemoCatalog.Build("lookup", 6);
        var cpu = new StarkProver<KoalaBearParameters, KoalaBearOctic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config).Prove(airs, traces, publics);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var gpu = new StarkProver<KoalaBearParameters, KoalaBearOctic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config, backend).Prove(airs, traces, publics);
        Assert.Equal(ProofSerializer.Serialize(cpu), ProofSerializer.Serialize(gpu));
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// A forged LogUp trace proved with the quotient on the device: one group value changed on one row, the running sum and the
    /// claimed sums left as they were (so the buses balance and only the group and transition constraints, evaluated by
    /// <see cref="QuotientKernels.QuotientLogUp"/>, can see it). The verifier must reject the proof; the honest proof verifies.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forged_logup_trace_proved_on_the_device_is_rejected(bool forge)
    {
        var config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2 };
        var (airs, traces, publics) = DemoCatalog.Build("lookup", 5);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        int forged = 0;
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config, backend)
        {
            CheckConstraints = false,
            ForgeLogUp = f =>
            {
                if (!forge || forged++ > 0)
                    return (f.LogUp, f.Sum);
                var copy = new RowMajorMatrix<KoalaBear>((KoalaBear[])f.LogUp.Values.Clone(), f.LogUp.Width);
                copy[3, 0] += KoalaBear.One; // group 0's value on row 3
                return (copy, f.Sum);
            },
        };
        var proof = prover.Prove(airs, traces, publics);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Prover.Core.Hash.Digest<KoalaBearParameters>>(config).Verify(airs, proof);
        output.WriteLine($"forged {forge}: {result}");
        Assert.Equal(forge, !result.IsValid);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>The GPU test's comparison (<see cref="IlgpuGpuKernelTests.LogUpQuotientAndOpeningsMatchCpuAtScale"/>) at a small size here.</summary>
    [Fact]
    public void Gpu_scale_comparison_runs_on_the_cpu_accelerator_at_a_small_size()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IlgpuGpuKernelTests.CompareLogUpQuotientAndOpenings<KoalaBearQuartic>(backend, 7);
        IlgpuGpuKernelTests.CompareLogUpQuotientAndOpenings<KoalaBearOctic>(backend, 7);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }
}
