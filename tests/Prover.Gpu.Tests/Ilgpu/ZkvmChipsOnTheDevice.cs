using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// The zkVM chips' real traces through the device's LogUp, quotient, quotient-chunk and opening kernels: a zkVM proof of hello.elf on the CPU
/// backend, where a comparing backend also runs each of these steps on ILGPU's CPU accelerator and asserts the same words
/// (tables up to <see cref="MaxLogRows"/> rows, which for hello.elf is every table: the 2^16-row byte table is the tallest;
/// the accelerator simulates every GPU thread). The proof itself is the CPU backend's.
/// </summary>
public class ZkvmChipsOnTheDevice(ITestOutputHelper output)
{
    private const int MaxLogRows = 16;

    private sealed class ComparingBackend(IlgpuProverBackend<KoalaBearParameters> device) : IProverBackend<KoalaBearParameters>
    {
        private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

        private IProverBackend<KoalaBearParameters> Device => device;

        public HashSet<string> LogUpTables { get; } = [];

        public HashSet<string> QuotientTables { get; } = [];

        /// <summary>Tables taller than the cap (not compared), with their heights.</summary>
        public HashSet<string> Skipped { get; } = [];

        public int OpeningCalls { get; private set; }

        public string Name => "compare";

        public Prover.Core.Dft.ITwoAdicSubgroupDft<KoalaBear> Dft => Cpu.Dft;

        public RowMajorMatrix<KoalaBear> CosetLdeBitReversed(RowMajorMatrix<KoalaBear> evaluations, int addedBits, KoalaBear shift) =>
            Cpu.CosetLdeBitReversed(evaluations, addedBits, shift);

        public MerkleTree<KoalaBearParameters, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<KoalaBear>> matrices)
            where TDigest : struct, IDigest<TDigest, KoalaBearParameters> => Cpu.Commit<TDigest>(matrices);

        public (RowMajorMatrix<KoalaBear> Trace, ExtensionField<KoalaBear, TDef> CumulativeSum) GenerateLogUp<TDef>(CompiledAir<KoalaBear> air,
            RowMajorMatrix<KoalaBear> main, RowMajorMatrix<KoalaBear>? preprocessed, IReadOnlyList<KoalaBear> publics,
            ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var expected = Cpu.GenerateLogUp(air, main, preprocessed, publics, gamma, beta);
            if (main.Height <= 1 << MaxLogRows)
            {
                var actual = Device.GenerateLogUp(air, main, preprocessed, publics, gamma, beta);
                DeviceLogUpTests.AssertSameWords(expected.Trace, actual.Trace, air.Name + " LogUp trace");
                Assert.True(expected.CumulativeSum == actual.CumulativeSum, air.Name + ": cumulative sum differs");
                Device.Release([actual.Trace]);
                LogUpTables.Add(air.Name);
            }
            return expected;
        }

        public ExtensionField<KoalaBear, TDef>[] EvaluateQuotient<TDef>(CompiledAir<KoalaBear> air, int logN, RowMajorMatrix<KoalaBear> mainLde,
            RowMajorMatrix<KoalaBear>? preprocessedLde, RowMajorMatrix<KoalaBear>? logUpLde, KoalaBear[] publics, ExtensionField<KoalaBear, TDef> alpha,
            ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta, ExtensionField<KoalaBear, TDef> cumulativeSum)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var expected = Cpu.EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
            if (logN <= MaxLogRows)
            {
                var actual = Device.EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
                Assert.True(expected.AsSpan().SequenceEqual(actual), air.Name + ": quotient differs");
                QuotientTables.Add(air.Name);
            }
            else
            {
                Skipped.Add($"{air.Name} 2^{logN}");
            }
            return expected;
        }

        public HashSet<string> ChunkTables { get; } = [];

        /// <summary>The quotient (compared above) as coefficients on the device from the same values, compared with the CPU's.</summary>
        public RowMajorMatrix<KoalaBear> QuotientCoefficients<TDef>(CompiledAir<KoalaBear> air, int logN,
            RowMajorMatrix<KoalaBear> mainLde, RowMajorMatrix<KoalaBear>? preprocessedLde, RowMajorMatrix<KoalaBear>? logUpLde, KoalaBear[] publics,
            ExtensionField<KoalaBear, TDef> alpha, ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta,
            ExtensionField<KoalaBear, TDef> cumulativeSum)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var values = EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
            var expected = QuotientChunks<KoalaBearParameters, TDef>.Coefficients(Cpu.Dft, values);
            if (logN <= MaxLogRows)
            {
                var actual = Device.QuotientCoefficients(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);
                DeviceLogUpTests.AssertSameWords(expected, actual, air.Name + " quotient coefficients");
                Device.Release([actual]);
                ChunkTables.Add(air.Name);
            }
            return expected;
        }

        /// <summary>Tables' quotients combined on the device (compared with the CPU's combination, chunk split and LDE).</summary>
        public int CombinedQuotients { get; private set; }

        public (RowMajorMatrix<KoalaBear> Coefficients, RowMajorMatrix<KoalaBear> Lde) CombineQuotients<TDef>(IReadOnlyList<RowMajorMatrix<KoalaBear>> coefficients,
            ExtensionField<KoalaBear, TDef>[] weights, int logN, int logChunks, int logBlowup)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var expected = Cpu.CombineQuotients(coefficients, weights, logN, logChunks, logBlowup);
            if (logN <= MaxLogRows)
            {
                var (c, l) = Device.CombineQuotients(coefficients, weights, logN, logChunks, logBlowup);
                DeviceLogUpTests.AssertSameWords(expected.Coefficients, c, "combined quotient chunk coefficients");
                DeviceLogUpTests.AssertSameWords(expected.Lde, l, "combined quotient chunk LDE");
                Device.Release([c, l]);
                CombinedQuotients++;
            }
            return expected;
        }

        public ExtensionField<KoalaBear, TDef>[] EvaluateCoefficientColumns<TDef>(RowMajorMatrix<KoalaBear> coefficients, ExtensionField<KoalaBear, TDef> point)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var expected = Cpu.EvaluateCoefficientColumns(coefficients, point);
            if (coefficients.Height <= 1 << MaxLogRows)
                Assert.True(expected.AsSpan().SequenceEqual(Device.EvaluateCoefficientColumns(coefficients, point)), "quotient chunks' values at ζ differ");
            return expected;
        }

        public ExtensionField<KoalaBear, TDef>[][][] EvaluateOutOfDomain<TDef>(int logN, IReadOnlyList<RowMajorMatrix<KoalaBear>> matrices,
            ReadOnlySpan<ExtensionField<KoalaBear, TDef>> points)
            where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var expected = Cpu.EvaluateOutOfDomain(logN, matrices, points);
            if (logN <= MaxLogRows)
            {
                var actual = Device.EvaluateOutOfDomain(logN, matrices, points);
                for (int p = 0; p < expected.Length; p++)
                    for (int m = 0; m < expected[p].Length; m++)
                        Assert.True(expected[p][m].AsSpan().SequenceEqual(actual[p][m]), $"opening {p} of matrix {m} (2^{logN} rows) differs");
                OpeningCalls++;
            }
            return expected;
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Hello_elf_chips_logup_quotient_and_openings_on_the_device_are_the_cpu_words(int extensionDegree)
    {
        if (extensionDegree == 4)
            Compare<KoalaBearQuartic>();
        else
            Compare<KoalaBearOctic>();
    }

    private void Compare<TDef>() where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        using var device = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var backend = new ComparingBackend(device);
        var elf = File.ReadAllBytes(Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf"));
        var program = ZkvmProgram.FromElf(elf);
        var config = StarkConfig.Development with { ExtensionDegree = TDef.Degree, NumQueries = 8, QueryPowBits = 0 };
        var options = new ZkvmProverOptions { Config = config, ShardSize = 1 << 10, Backend = backend };
        var proof = new ZkvmProver<TDef, Digest<KoalaBearParameters>>(options).Prove(program, []);
        output.WriteLine($"{TDef.Name}: compared LogUp of {backend.LogUpTables.Count} tables ({string.Join(", ", backend.LogUpTables.Order())}), " +
            $"quotients of {backend.QuotientTables.Count} tables, {backend.OpeningCalls} opening calls; taller tables not compared: {string.Join(", ", backend.Skipped.Order())}");
        // Several distinct chips with interactions must have been compared (the CPU, ALU and memory chips at least).
        Assert.True(backend.LogUpTables.Count >= 5, $"only {backend.LogUpTables.Count} tables' LogUp traces compared");
        Assert.True(backend.QuotientTables.Count >= 5, $"only {backend.QuotientTables.Count} tables' quotients compared");
        Assert.True(backend.OpeningCalls > 0);
        Assert.Equal(backend.QuotientTables.Order(), backend.ChunkTables.Order()); // every compared quotient's coefficients too
        Assert.True(backend.CombinedQuotients > 0, "no shard's combined quotient was compared"); // one per shard
        Assert.Empty(backend.Skipped);
        Assert.Equal(0, device.Operations.ResidentCount);
        Assert.NotNull(proof);
    }
}
