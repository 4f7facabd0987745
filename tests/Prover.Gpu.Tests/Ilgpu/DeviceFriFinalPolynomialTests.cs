using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// FRI's final polynomial on the device (<see cref="IlgpuProverBackend{TParams}.FriFinalPolynomial{TDef}"/>): the inverse DFT of the
/// final codeword's kept copy is the CPU reference's coefficients word for word (quartic and octic, several lengths), only the
/// coefficients and one flag word come back, and a codeword that is not of low degree is refused as the CPU refuses it.
/// </summary>
public class DeviceFriFinalPolynomialTests
{
    private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

    /// <summary>A codeword of 2^logFinal values (bit-reversed on H) of a random polynomial with <paramref name="terms"/> coefficients.</summary>
    private static ExtensionField<KoalaBear, TDef>[] LowDegreeCodeword<TDef>(int logFinal, int terms, int seed) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        int d = TDef.Degree, n = 1 << logFinal;
        var coefficients = Random31.Elements<KoalaBearParameters>(terms * d, seed);
        var m = new RowMajorMatrix<KoalaBear>(n, d);
        for (int i = 0; i < terms; i++)
            coefficients.AsSpan(i * d, d).CopyTo(m.Row(i));
        Radix2Dft<KoalaBearParameters>.Instance.DftBatch(m);
        var codeword = new ExtensionField<KoalaBear, TDef>[n];
        for (int i = 0; i < n; i++)
            codeword[BitReversal.ReverseBits(i, logFinal)] = ExtensionField<KoalaBear, TDef>.FromCoefficients(m.Row(i));
        return codeword;
    }

    private static uint[] Words<TDef>(ExtensionField<KoalaBear, TDef>[] values) where TDef : struct, IExtensionDefinition<KoalaBear, TDef> =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<ExtensionField<KoalaBear, TDef>, uint>(values.AsSpan()).ToArray();

    private static void MatchesTheCpu<TDef>() where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        // A device of its own: the traffic counters read the device's byte totals, which tests running beside this one on the
        // shared CPU device would move between the marks.
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        IProverBackend<KoalaBearParameters> device = backend;
        // The largest size first: its inverse twiddle table (uploaded once, then resident) serves the smaller ones.
        var warm = LowDegreeCodeword<TDef>(9, 1, 5000);
        Assert.True(backend.Operations.FinalPolynomial(warm, Words(warm), TDef.Degree, 9, new uint[TDef.Degree]));
        foreach (var (logFinal, logTerms) in new[] { (9, 8), (0, 0), (1, 0), (3, 2), (6, 5), (7, 4) })
        {
            int terms = 1 << logTerms;
            var codeword = LowDegreeCodeword<TDef>(logFinal, terms, 5100 + 10 * logFinal + TDef.Degree);
            var expected = Cpu.FriFinalPolynomial(codeword, logFinal, terms);
            // The kernels themselves (no CPU fallback can hide a wrong transform): the same words, and the check passes.
            var words = new uint[TDef.Degree * terms];
            Assert.True(backend.Operations.FinalPolynomial(codeword, Words(codeword), TDef.Degree, logFinal, words));
            Assert.Equal(Words(expected), words);
            Assert.True(backend.Operations.Keep(codeword, Words(codeword)));
            backend.Traffic.Reset();
            var final = device.FriFinalPolynomial(codeword, logFinal, terms);
            Assert.Equal(expected, final);
            Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.FriFinal));
            Assert.Equal(0, backend.Traffic.ToDevice(IlgpuTraffic.FriFinal)); // the kept copy is read
            Assert.Equal(4L * TDef.Degree * terms + 4, backend.Traffic.FromDevice(IlgpuTraffic.FriFinal)); // coefficients and the flag
            // A higher coefficient that does not vanish: refused on the device as on the CPU (the same message).
            if (terms < codeword.Length)
            {
                var bad = (ExtensionField<KoalaBear, TDef>[])codeword.Clone();
                bad[1] += ExtensionField<KoalaBear, TDef>.One; // a non-constant change: some coefficient of degree ≥ 1 moves
                Assert.True(backend.Operations.Keep(bad, Words(bad)));
                Assert.False(backend.Operations.FinalPolynomial(bad, [], TDef.Degree, logFinal, words)); // the device's check sees it
                var cpuError = Assert.Throws<InvalidOperationException>(() => Cpu.FriFinalPolynomial(bad, logFinal, terms));
                var deviceError = Assert.Throws<InvalidOperationException>(() => device.FriFinalPolynomial(bad, logFinal, terms));
                Assert.Equal(cpuError.Message, deviceError.Message);
                device.Release([bad]);
            }
            device.Release([codeword]);
            // Not kept on the device: the CPU reference (same coefficients).
            Assert.Equal(expected, device.FriFinalPolynomial(codeword, logFinal, terms));
        }
        Assert.Equal(0, backend.Operations.ResidentCount);
        var odd = LowDegreeCodeword<TDef>(3, 2, 5199);
        Assert.True(backend.Operations.Keep(odd, Words(odd)));
        Assert.Throws<ArgumentException>(() => device.FriFinalPolynomial(odd, 4, 2)); // 8 values are not 2^4
        Assert.Throws<ArgumentException>(() => device.FriFinalPolynomial(odd, 3, 16)); // more terms than values
        device.Release([odd]);
    }

    [Fact]
    public void Quartic_final_polynomial_on_the_device_is_the_cpu_words() => MatchesTheCpu<KoalaBearQuartic>();

    [Fact]
    public void Octic_final_polynomial_on_the_device_is_the_cpu_words() => MatchesTheCpu<KoalaBearOctic>();
}
