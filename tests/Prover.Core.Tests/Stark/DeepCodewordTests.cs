using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Tests.Field;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The prover's DEEP codeword of one height (<see cref="IProverBackend{TParams}.DeepReduce{TDef}"/> on the CPU): the fast path
/// (each point's scale folded into the column coefficients, packed row combinations accumulated per point) against the
/// per-matrix path (S_m = Σ_c λ^c·M[r, c], then scale·S_m per row) that a backend overriding only the column combination
/// takes, at every SIMD width, including a matrix opened at two points and one opened at none.
/// </summary>
public sealed class DeepCodewordTests
{
    /// <summary>A backend that is not <see cref="CpuBackend{TParams}"/>: <see cref="Deep{TParams, TDef}.ReduceHeight"/> takes its per-matrix path.</summary>
    private sealed class PerMatrixBackend : IProverBackend<KoalaBearParameters>
    {
        public string Name => "per-matrix";

        public ITwoAdicSubgroupDft<KoalaBear> Dft => CpuBackend<KoalaBearParameters>.Instance.Dft;

        public RowMajorMatrix<KoalaBear> CosetLdeBitReversed(RowMajorMatrix<KoalaBear> evaluations, int addedBits, KoalaBear shift) =>
            CpuBackend<KoalaBearParameters>.Instance.CosetLdeBitReversed(evaluations, addedBits, shift);

        public MerkleTree<KoalaBearParameters, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<KoalaBear>> matrices)
            where TDigest : struct, IDigest<TDigest, KoalaBearParameters> => CpuBackend<KoalaBearParameters>.Instance.Commit<TDigest>(matrices);
    }

    private static void Check<TDef>(int logH) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(100 + logH);
        KoalaBear F() => rng.Next(9) == 0 ? KoalaBear.FromCanonical(KoalaBear.Modulus - 1) : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        ExtensionField<KoalaBear, TDef> E() => ExtensionField<KoalaBear, TDef>.FromCoefficients([.. Enumerable.Range(0, TDef.Degree).Select(_ => F())]);
        int h = 1 << logH;
        var matrices = new[] { 37, 16, 5, 64, 1 }.Select(w =>
        {
            var m = new RowMajorMatrix<KoalaBear>(h, w);
            for (int i = 0; i < m.Values.Length; i++)
                m.Values[i] = F();
            return m;
        }).ToList();
        var coefficients = Enumerable.Range(0, 64).Select(_ => E()).ToArray();
        // Point 0 opens matrices 0, 1, 3; point 1 opens 1 (again), 2, 4; nothing opens matrix 4 at point 0 or matrix 0 at point 1.
        var points = new List<DeepPoint<KoalaBearParameters, TDef>>
        {
            new(E(), [E(), E(), default, E(), default], E()),
            new(E(), [default, E(), E(), default, E()], E()),
        };
        var expected = Deep<KoalaBearParameters, TDef>.ReduceHeight(new PerMatrixBackend(), logH, matrices, coefficients, points);
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512 }.Where(p => p <= SimdSupport.Best))
        {
            using (KernelSelection.LimitSimd(path))
                Assert.Equal(expected, Deep<KoalaBearParameters, TDef>.ReduceHeight(CpuBackend<KoalaBearParameters>.Instance, logH, matrices, coefficients, points));
        }
        // The comparison is not vacuous: another scale changes the codeword.
        points[1].Scales[2] += ExtensionField<KoalaBear, TDef>.One;
        Assert.NotEqual(expected, Deep<KoalaBearParameters, TDef>.ReduceHeight(CpuBackend<KoalaBearParameters>.Instance, logH, matrices, coefficients, points));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(11)]
    public void Quartic_fast_codeword_equals_the_per_matrix_path(int logH) => Check<KoalaBearQuartic>(logH);

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void Octic_fast_codeword_equals_the_per_matrix_path(int logH) => Check<KoalaBearOctic>(logH);
}
