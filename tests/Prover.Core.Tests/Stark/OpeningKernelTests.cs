using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Field;
using Prover.Core.Tests.Machine;
using Prover.Core.Tests.Zkvm;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The row-chunked, vectorised column combinations (out-of-domain openings), the vectorised row combinations
/// (DEEP batching) and the parallel DEEP inverse distances against their references: odd matrix shapes for the quartic and octic
/// extensions, and a whole zkVM proof byte for byte.
/// </summary>
public sealed class OpeningKernelTests
{
    private static void Check<TDef>(int h, int w) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(h * 7919 + w);
        var m = new RowMajorMatrix<KoalaBear>(h, w);
        for (int i = 0; i < m.Values.Length; i++)
            m.Values[i] = i % 5 == 0 ? KoalaBear.FromCanonical(KoalaBear.Modulus - 1) : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        var weights = Enumerable.Range(0, h).Select(r => ExtensionField<KoalaBear, TDef>.FromCoefficients(
            [.. Enumerable.Range(0, TDef.Degree).Select(_ => r % 11 == 0
                ? KoalaBear.FromCanonical(KoalaBear.Modulus - 1)
                : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))])).ToArray();
        var expected = ExtensionLinearAlgebra<KoalaBearParameters, TDef>.ColumnCombinationsReference(m, weights);
        // Row combinations (DEEP batching): coefficients with the largest value in some components, as the weights above.
        var coefficients = Enumerable.Range(0, w).Select(c => weights[(c * 3 + 1) % h]).ToArray();
        var expectedRows = ExtensionLinearAlgebra<KoalaBearParameters, TDef>.RowCombinationsReference(m, coefficients);
        var start = Enumerable.Range(0, h).Select(r => weights[(r * 5) % h]).ToArray();
        var expectedSums = start.Zip(expectedRows, (a, b) => a + b).ToArray();
        // The optimised kernel at every SIMD width this machine has (AVX-512, AVX2, scalar).
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512 }.Where(p => p <= SimdSupport.Best))
        {
            using (KernelSelection.LimitSimd(path))
            {
                Assert.Equal(expected, ExtensionLinearAlgebra<KoalaBearParameters, TDef>.ColumnCombinations(m, weights));
                Assert.Equal(expectedRows, ExtensionLinearAlgebra<KoalaBearParameters, TDef>.RowCombinations(m, coefficients));
                var target = (ExtensionField<KoalaBear, TDef>[])start.Clone();
                ExtensionLinearAlgebra<KoalaBearParameters, TDef>.AccumulateRowCombinations(m, coefficients, target);
                Assert.Equal(expectedSums, target);
            }
        }
    }

    [Fact]
    public void Row_combinations_of_all_maximal_values_match_reference()
    {
        // Every word p − 1 and every coefficient component p − 1: the largest products, so the accumulators' bound is exercised.
        var max = KoalaBear.FromCanonical(KoalaBear.Modulus - 1);
        foreach (int w in new[] { 16, 17, 31, 32, 48, 300 })
        {
            var m = new RowMajorMatrix<KoalaBear>(9, w);
            m.Values.AsSpan().Fill(max);
            var coefficients = Enumerable.Repeat(ExtensionField<KoalaBear, KoalaBearQuartic>.FromCoefficients([max, max, max, max]), w).ToArray();
            var expected = ExtensionLinearAlgebra<KoalaBearParameters, KoalaBearQuartic>.RowCombinationsReference(m, coefficients);
            var octic = Enumerable.Repeat(ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients([.. Enumerable.Repeat(max, 8)]), w).ToArray();
            var expectedOctic = ExtensionLinearAlgebra<KoalaBearParameters, KoalaBearOctic>.RowCombinationsReference(m, octic);
            foreach (var path in new[] { SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512 }.Where(p => p <= SimdSupport.Best))
            {
                using (KernelSelection.LimitSimd(path))
                {
                    Assert.Equal(expected, ExtensionLinearAlgebra<KoalaBearParameters, KoalaBearQuartic>.RowCombinations(m, coefficients));
                    Assert.Equal(expectedOctic, ExtensionLinearAlgebra<KoalaBearParameters, KoalaBearOctic>.RowCombinations(m, octic));
                }
            }
        }
    }

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int w in new[] { 1, 3, 63, 64, 65, 200 })
            foreach (int h in new[] { 2, 3, 17, 64, 255, 1000, 4096 })
                data.Add(h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Quartic_column_combinations_match_reference(int h, int w) => Check<KoalaBearQuartic>(h, w);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Octic_column_combinations_match_reference(int h, int w) => Check<KoalaBearOctic>(h, w);

    [Fact]
    public void Out_of_domain_openings_of_some_columns_equal_those_of_the_full_evaluation()
    {
        // The CPU backend combines only the wanted columns; the interface's default (other backends) evaluates all and picks.
        // Both must give the entries of the full evaluation: all columns, a reordered subset, one column, none, and the identity list.
        const int LogN = 7;
        var rng = new Random(77);
        var matrices = new[] { 5, 1, 9, 4 }.Select(w =>
        {
            var m = new RowMajorMatrix<KoalaBear>(1 << LogN, w);
            for (int i = 0; i < m.Values.Length; i++)
                m.Values[i] = KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
            return m;
        }).ToArray();
        var z = ExtensionField<KoalaBear, KoalaBearQuartic>.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        ExtensionField<KoalaBear, KoalaBearQuartic>[] points = [z, z * KoalaBear.TwoAdicGenerator(LogN)];
        IReadOnlyList<int>?[][] columns =
        [
            [null, [0], [8, 2, 5], []],
            [[4, 0, 3], null, [], [0, 1, 2, 3]],
        ];
        var full = OutOfDomain<KoalaBearParameters, KoalaBearQuartic>.Evaluate(LogN, matrices, points);
        foreach (bool reference in new[] { false, true })
        {
            using (KernelSelection.UseReference(reference ? ReferenceFamily.Openings : ReferenceFamily.None))
            {
                var partial = CpuBackend<KoalaBearParameters>.Instance.EvaluateOutOfDomain(LogN, matrices, points, columns);
                var picked = OutOfDomain<KoalaBearParameters, KoalaBearQuartic>.SelectColumns(full, columns);
                for (int p = 0; p < points.Length; p++)
                    for (int m = 0; m < matrices.Length; m++)
                    {
                        var expected = columns[p][m] is { } wanted ? [.. wanted.Select(c => full[p][m][c])] : full[p][m];
                        Assert.Equal(expected, partial[p][m]);
                        Assert.Equal(expected, picked[p][m]);
                    }
            }
        }
        Assert.Throws<ArgumentException>(() => CpuBackend<KoalaBearParameters>.Instance.EvaluateOutOfDomain(LogN, matrices, points, [columns[0]]));
    }

    [Fact]
    public void Optimised_and_reference_opening_kernels_give_identical_zkvm_proofs()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        byte[] Prove(bool reference)
        {
            using (KernelSelection.UseReference(reference ? ReferenceFamily.Openings : ReferenceFamily.None))
                return new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 9 }).Prove(program, []).ToBytes();
        }
        Assert.Equal(Prove(true), Prove(false));
    }
}
