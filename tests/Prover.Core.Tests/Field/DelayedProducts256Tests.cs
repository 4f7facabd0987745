using System.Runtime.Intrinsics;
using Prover.Core.Field;

namespace Prover.Core.Tests.Field;

/// <summary>
/// <see cref="DelayedProducts256{TParams}"/> (AVX2 sums of products reduced once) against the scalar field: random words and
/// every word p − 1 (the largest products, so the accumulator's bound and its conditional subtraction are exercised), for
/// both fields.
/// </summary>
public sealed class DelayedProducts256Tests
{
    private static void Check<TParams>(int count, bool maximal, int seed) where TParams : struct, IMontyParameters
    {
        var rng = new Random(seed);
        uint Word() => maximal ? TParams.P - 1 : (uint)rng.NextInt64(TParams.P);
        var lanes = new uint[8];
        var x = new Vector256<uint>[count];
        var xWords = new uint[count, 8];
        for (int q = 0; q < count; q++)
        {
            for (int l = 0; l < 8; l++)
                lanes[l] = xWords[q, l] = Word();
            x[q] = Vector256.Create(lanes);
        }
        var cWords = new uint[4 * count];
        var constants = new Vector256<uint>[4 * count];
        for (int i = 0; i < cWords.Length; i++)
            constants[i] = Vector256.Create(cWords[i] = Word());
        var startWords = new uint[4, 8];
        var acc = new Vector256<uint>[4];
        for (int j = 0; j < 4; j++)
        {
            for (int l = 0; l < 8; l++)
                lanes[l] = startWords[j, l] = Word();
            acc[j] = Vector256.Create(lanes);
        }
        DelayedProducts256<TParams>.FoldQuartic(x, count, constants, acc);
        for (int j = 0; j < 4; j++)
            for (int l = 0; l < 8; l++)
            {
                var expected = MontyField31<TParams>.FromMontgomery(startWords[j, l]);
                for (int q = 0; q < count; q++)
                    expected += MontyField31<TParams>.FromMontgomery(xWords[q, l]) * MontyField31<TParams>.FromMontgomery(cWords[4 * q + j]);
                Assert.Equal(expected.Montgomery, acc[j].GetElement(l));
            }
    }

    [SimdFact(SimdPath.Vector256)]
    public void Fold_equals_scalar_sums_of_products()
    {
        foreach (int count in new[] { 0, 1, 2, 3, 17, 300 })
            foreach (bool maximal in new[] { false, true })
            {
                Check<KoalaBearParameters>(count, maximal, count * 2 + 1);
                Check<BabyBearParameters>(count, maximal, count * 2 + 2);
            }
    }
}
