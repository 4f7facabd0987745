using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Tests.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Hash;

/// <summary>
/// Width-24 block plans (16-lane, 8-lane and single-state blocks mixed by measured cost): whatever the plan, the batched
/// permutation, row hashes and compressions equal the same work done one state at a time. Each test forces plans on a
/// fresh instance with the standard constants, so every block size and every partial block is reached on this machine.
/// </summary>
public sealed class BlockPlanTests(ITestOutputHelper output)
{
    private const int Seed = 20261207;

    private static Poseidon2<KoalaBearParameters> Fresh() => new(24,
        Poseidon2Constants.KoalaBear24ExternalInitial, Poseidon2Constants.KoalaBear24ExternalFinal,
        Poseidon2Constants.KoalaBear24Internal, Poseidon2Constants.KoalaBear24Diagonal);

    /// <summary>All-16, all-8, all-single, and random mixtures (first step for each remaining count below the span).</summary>
    private static IEnumerable<(int Full, byte[] Next, string Name)> Plans()
    {
        byte[] Same(byte l) => [0, .. Enumerable.Repeat(l, Poseidon2<KoalaBearParameters>.PlanSpan - 1)];
        yield return (16, Same(16), "all 16");
        yield return (8, Same(8), "all 8");
        yield return (16, Same(1), "singles below the span");
        var rng = new Random(Seed);
        byte[] choices = [16, 8, 1];
        for (int i = 0; i < 4; i++)
            yield return (i % 2 == 0 ? 16 : 8,
                [0, .. Enumerable.Range(1, Poseidon2<KoalaBearParameters>.PlanSpan - 1).Select(_ => choices[rng.Next(3)])], $"random {i}");
    }

    private static MontyField31<KoalaBearParameters>[] RandomElements(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => MontyField31<KoalaBearParameters>.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P))).ToArray();

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    public void Any_plan_gives_the_single_state_results(SimdPath path)
    {
        Assert.Equal(SimdPath.Vector512, path);
        var rng = new Random(Seed);
        var reference = Fresh(); // one state at a time through Permute / Compress / HashRows
        output.WriteLine($"measured plan: {reference.Lanes}-lane full blocks");
        foreach (var (full, next, name) in Plans())
        {
            var perm = Fresh();
            perm.UseBlockPlanForTest(full, next);
            var sponge = new PaddingFreeSponge<KoalaBearParameters, WideDigest<KoalaBearParameters>>(perm);
            var compress = new TruncatedPermutation<KoalaBearParameters, WideDigest<KoalaBearParameters>>(perm);
            var refSponge = new PaddingFreeSponge<KoalaBearParameters, WideDigest<KoalaBearParameters>>(reference);
            var refCompress = new TruncatedPermutation<KoalaBearParameters, WideDigest<KoalaBearParameters>>(reference);
            foreach (int count in new[] { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 40, 57 })
            {
                // Permutations.
                var states = RandomElements(rng, 24 * count);
                var expected = (MontyField31<KoalaBearParameters>[])states.Clone();
                for (int k = 0; k < count; k++)
                    reference.Permute(expected.AsSpan(24 * k, 24));
                perm.PermuteManyPlannedForTest(states);
                Assert.True(expected.SequenceEqual(states), $"{name}: PermuteMany of {count} states");

                // Row hashes of two matrices (widths 5 and 30: a partial rate, then more than two permutations per row).
                var matrices = new[] { new RowMajorMatrix<MontyField31<KoalaBearParameters>>(RandomElements(rng, 5 * (count + 3)), 5),
                    new RowMajorMatrix<MontyField31<KoalaBearParameters>>(RandomElements(rng, 30 * (count + 3)), 30) };
                var hashes = new WideDigest<KoalaBearParameters>[count];
                sponge.HashRowsBatch(matrices, 3, hashes);
                for (int k = 0; k < count; k++)
                    Assert.True(refSponge.HashRows(matrices, 3 + k).Equals(hashes[k]), $"{name}: row hash {k} of {count}");

                // Compressions, also in place (output = left, as the Merkle verifier calls it).
                var left = Enumerable.Range(0, count).Select(_ => refSponge.Hash(RandomElements(rng, 7))).ToArray();
                var right = Enumerable.Range(0, count).Select(_ => refSponge.Hash(RandomElements(rng, 9))).ToArray();
                var want = Enumerable.Range(0, count).Select(k => refCompress.Compress(left[k], right[k])).ToArray();
                var got = new WideDigest<KoalaBearParameters>[count];
                compress.CompressPairs(left, right, got);
                Assert.True(want.SequenceEqual(got), $"{name}: CompressPairs of {count}");
                compress.CompressPairs(left, right, left);
                Assert.True(want.SequenceEqual(left), $"{name}: CompressPairs of {count} in place");
            }
        }
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512)]
    public void Measured_plan_names_only_available_block_sizes(SimdPath path)
    {
        Assert.Equal(SimdPath.Vector512, path);
        var perm = Poseidon2.KoalaBear24;
        var steps = Enumerable.Range(1, 40).Select(r => perm.NextBlockLanes(r, 2)).ToArray();
        output.WriteLine($"full blocks {perm.Lanes}; next block for 1..40 remaining: {string.Join(" ", steps)}");
        Assert.Contains(perm.Lanes, new[] { 16, 8 });
        Assert.All(steps, l => Assert.Contains(l, perm.AvailableLanes));
        Assert.Throws<ArgumentException>(() => Fresh().UseBlockPlanForTest(16, [0, 4, .. new byte[Poseidon2<KoalaBearParameters>.PlanSpan - 2]]));
    }
}
