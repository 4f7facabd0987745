using System.Runtime.InteropServices;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// The quotient's chunks on the device (issue 13): the quotient evaluated into a device buffer, its chunk split and the chunks' coset
/// LDE (<see cref="IlgpuOperations{TParams}.QuotientCoefficients"/>, <see cref="IlgpuOperations{TParams}.CombineQuotients"/>,
/// <see cref="IlgpuOperations{TParams}.SplitQuotient"/>) and the chunks'
/// values at a point (<see cref="IlgpuOperations{TParams}.EvaluateCoefficientColumns"/>), each compared word for word with the CPU
/// reference (<see cref="QuotientChunks{TParams, TDef}"/>) on ILGPU's CPU accelerator, over the quartic and octic extensions.
/// </summary>
public class DeviceQuotientChunksTests
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

    [Theory]
    [InlineData(4, 0, 0, 1)]
    [InlineData(4, 1, 1, 1)]
    [InlineData(4, 5, 1, 1)]
    [InlineData(4, 4, 2, 3)]
    [InlineData(4, 3, 0, 2)]
    [InlineData(8, 4, 1, 1)]
    [InlineData(8, 2, 2, 2)]
    public void Split_of_random_quotient_values_is_the_cpu_split(int degree, int logN, int logD, int logBlowup)
    {
        if (degree == 4)
            SplitMatches<KoalaBearQuartic>(logN, logD, logBlowup);
        else
            SplitMatches<KoalaBearOctic>(logN, logD, logBlowup);
    }

    private static void SplitMatches<TDef>(int logN, int logD, int logBlowup) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        // Random values: the quotient of a wrong trace is not low-degree, and its split must still be the same words.
        var values = RandomExt<TDef>(1 << (logN + logD), 900 + 10 * logN + logD + TDef.Degree);
        var (coefficients, lde) = QuotientChunks<KoalaBearParameters, TDef>.Split(Cpu.Dft, values, logN, logD, logBlowup);
        var (deviceCoefficients, deviceLde) = backend.Operations.SplitQuotient(MemoryMarshal.Cast<ExtensionField<KoalaBear, TDef>, uint>(values.AsSpan()),
            TDef.Degree, logN, logD, logBlowup);
        // Both stay on the device (kept under the matrices) and read back the same words.
        Assert.True(backend.Operations.IsResident(deviceCoefficients));
        Assert.True(backend.Operations.IsResident(deviceLde));
        DeviceLogUpTests.AssertSameWords(coefficients, deviceCoefficients, "chunk coefficients");
        DeviceLogUpTests.AssertSameWords(lde, deviceLde, "chunk LDE");
        backend.Release([deviceCoefficients, deviceLde]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Throws<ArgumentException>(() => backend.Operations.SplitQuotient(new uint[TDef.Degree * 3], TDef.Degree, logN, logD, logBlowup));
    }

    [Theory]
    [InlineData(4, 0, 3)]
    [InlineData(4, 1, 1)]
    [InlineData(4, 6, 8)]
    [InlineData(4, 10, 5)] // four blocks of partial sums
    [InlineData(8, 9, 16)]
    public void Coefficient_columns_at_a_point_are_horners_words(int degree, int logN, int width)
    {
        if (degree == 4)
            ColumnsMatch<KoalaBearQuartic>(logN, width);
        else
            ColumnsMatch<KoalaBearOctic>(logN, width);
    }

    private static void ColumnsMatch<TDef>(int logN, int width) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var matrix = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << logN) * width, 300 + logN + width), width);
        var point = RandomExt<TDef>(1, 400 + logN)[0];
        var expected = Cpu.EvaluateCoefficientColumns(matrix, point);
        // Horner on one column directly: the reference is what it says.
        Assert.True(expected[width - 1] == Polynomials.EvaluateCoefficients<KoalaBear, ExtensionField<KoalaBear, TDef>>(matrix.Column(width - 1), point));
        var actual = device.EvaluateCoefficientColumns(matrix, point);
        Assert.Equal(expected.Length, actual.Length);
        for (int c = 0; c < width; c++)
            Assert.True(expected[c] == actual[c], $"column {c} of 2^{logN} coefficients differs");
        Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.OutOfDomain)); // it ran on the device
    }

    [Theory]
    [InlineData("fibonacci", 5, false, true)]
    [InlineData("fibonacci", 4, true, false)]
    [InlineData("poseidon2", 3, false, true)]
    [InlineData("lookup", 4, true, true)]
    public void Quotient_coefficient_and_combination_hooks_are_the_cpus(string demo, int logRows, bool randomTrace, bool keep)
    {
        // A device of its own: the traffic counters read the device's byte totals, which tests running beside this one on the
        // shared CPU device would move between the marks.
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        backend.KeepLdesOnDevice = keep;
        IProverBackend<KoalaBearParameters> device = backend;
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        var ext = RandomExt<KoalaBearQuartic>(4, logRows * 5 + (randomTrace ? 1 : 0));
        for (int t = 0; t < airs.Length; t++)
        {
            var air = new Prover.Core.Air.CompiledAir<KoalaBear>(airs[t]);
            var trace = randomTrace ? new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(traces[t].Values.Length, 60 + t), traces[t].Width) : traces[t];
            int logN = int.Log2(trace.Height), blowup = Math.Max(1, air.LogQuotientChunks);
            var lde = backend.CosetLdeBitReversed(trace, blowup, KoalaBear.MultiplicativeGenerator);
            RowMajorMatrix<KoalaBear>? logUpLde = null;
            if (air.LogUpColumns > 0)
                logUpLde = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((trace.Height << blowup) * air.LogUpColumns * 4, 70 + t), air.LogUpColumns * 4);
            var coefficients = Cpu.QuotientCoefficients(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], ext[3]);
            backend.Traffic.Reset();
            var deviceQuotient = device.QuotientCoefficients(air, logN, lde, null, logUpLde, publics[t], ext[0], ext[1], ext[2], ext[3]);
            Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.Quotient));
            // With the LDEs kept, the quotient's values and coefficients stay on the device: nothing comes back.
            if (keep)
                Assert.Equal(0, backend.Traffic.FromDevice(IlgpuTraffic.Quotient));
            Assert.Equal(keep, backend.Operations.IsResident(deviceQuotient));
            DeviceLogUpTests.AssertSameWords(coefficients, deviceQuotient, $"{demo} table {t} quotient coefficients");
            // The combination of one table's quotient with a weight and a second copy of it (another weight) in more chunks than it
            // needs, then the split and LDE: read from the device copy (kept) or uploaded.
            var weights = RandomExt<KoalaBearQuartic>(2, 90 + t);
            int logChunks = air.LogQuotientChunks + 1, logBlowupOut = Math.Max(blowup, logChunks);
            var (combined, combinedLde) = Cpu.CombineQuotients([coefficients, coefficients], weights, logN, logChunks, logBlowupOut);
            backend.Traffic.Reset();
            var (deviceCombined, deviceCombinedLde) = device.CombineQuotients([deviceQuotient, deviceQuotient], weights, logN, logChunks, logBlowupOut);
            Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.Quotient));
            if (keep)
                Assert.Equal(0, backend.Traffic.FromDevice(IlgpuTraffic.Quotient));
            Assert.Equal(keep, backend.Operations.IsResident(deviceCombinedLde));
            DeviceLogUpTests.AssertSameWords(combined, deviceCombined, $"{demo} table {t} combined chunk coefficients");
            DeviceLogUpTests.AssertSameWords(combinedLde, deviceCombinedLde, $"{demo} table {t} combined chunk LDE");
            var zeta = RandomExt<KoalaBearQuartic>(1, 80 + t)[0];
            Assert.Equal(Cpu.EvaluateCoefficientColumns(combined, zeta), device.EvaluateCoefficientColumns(deviceCombined, zeta));
            device.Release([lde, trace, deviceQuotient, deviceCombined, deviceCombinedLde]);
        }
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(11)]
    public void Factor_tables_made_on_the_device_are_the_host_tables(int log)
    {
        var ops = IlgpuCpuDevice.Operations<KoalaBearParameters>();
        // FRI's 1/(2x) table (bit-reversed exponents).
        Assert.Equal(IlgpuOperations<KoalaBearParameters>.HalfInverseX(log),
            ops.Geometric(1 << (log - 1), KoalaBear.One.Halve(), KoalaBear.TwoAdicGenerator(log).Inverse(), log - 1));
        // The LDE's and the quotient chunks' scale factors: first·g^i by running products on the host.
        var first = KoalaBear.FromCanonical(1u << log).Inverse();
        var ratio = KoalaBear.MultiplicativeGenerator.Inverse();
        var expected = new uint[1 << log];
        var acc = first;
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = acc.Montgomery;
            acc *= ratio;
        }
        Assert.Equal(expected, ops.Geometric(expected.Length, first, ratio, 0));
    }
}
