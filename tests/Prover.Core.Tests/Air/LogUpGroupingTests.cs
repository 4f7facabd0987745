using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Air;

/// <summary>Which interactions share a LogUp column (<see cref="LogUpGrouping"/>, <see cref="CompiledAir{F}.LogUpGroups"/>).</summary>
public sealed class LogUpGroupingTests(ITestOutputHelper output)
{
    [Fact]
    public void Degree_is_that_of_the_cleared_constraint()
    {
        int[] fp = [1, 2, 0, 1];
        int[] m = [1, 1, 3, 0];
        Assert.Equal(2, LogUpGrouping.Degree([0], fp, m)); // h·fp − m: 1 + 1
        Assert.Equal(3, LogUpGrouping.Degree([1], fp, m)); // 1 + 2
        Assert.Equal(3, LogUpGrouping.Degree([2], fp, m)); // deg m = 3 dominates a constant fingerprint
        Assert.Equal(3, LogUpGrouping.Degree([0, 3], fp, m)); // g·fp0·fp3: 1 + 1 + 1; m0·fp3: 2
        Assert.Equal(4, LogUpGrouping.Degree([0, 1], fp, m)); // 1 + 1 + 2
        Assert.Equal(4, LogUpGrouping.Degree([0, 2], fp, m)); // m2·fp0: 3 + 1
    }

    [Fact]
    public void Linear_interactions_pair_up_within_degree_3_and_quadratic_fingerprints_stay_alone()
    {
        // The zkVM shape: linear fingerprints and multiplicities, a few quadratic fingerprints among them.
        int[] fp = [1, 1, 1, 1, 1, 2, 1, 2, 1, 1];
        int[] m = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        var groups = LogUpGrouping.Compute(fp, m, 3);
        // First fit: interaction 6 fills the group interaction 4 opened, not a new one.
        Assert.Equal(new int[][] { [0, 1], [2, 3], [4, 6], [5], [7], [8, 9] }, groups);
        Assert.All(groups, g => Assert.True(LogUpGrouping.Degree(g, fp, m) <= 3));
    }

    [Fact]
    public void Budget_bounds_the_group_size()
    {
        int[] fp = [1, 1, 1, 1, 1, 1, 1];
        int[] m = [1, 1, 1, 1, 1, 1, 1];
        Assert.Equal(7, LogUpGrouping.Compute(fp, m, 2).Length); // unbatched
        Assert.Equal(4, LogUpGrouping.Compute(fp, m, 3).Length); // pairs
        Assert.Equal(2, LogUpGrouping.Compute(fp, m, 5).Length); // fours
        // Constant fingerprints and multiplicities (degree 0) add nothing: one group.
        Assert.Single(LogUpGrouping.Compute([0, 0, 0], [0, 0, 0], 1));
        Assert.Empty(LogUpGrouping.Compute([], [], 3));
    }

    [Fact]
    public void An_interaction_above_the_budget_on_its_own_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LogUpGrouping.Compute([3], [1], 3));
        Assert.Throws<ArgumentException>(() => LogUpGrouping.Compute([1, 1], [1], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogUpGrouping.Compute([-1], [1], 3));
    }

    /// <summary>
    /// Every zkVM table: each interaction in exactly one group, groups ordered by their first member, every group
    /// within the budget, the budget that of the quotient the unbatched table already needed (so batching never adds a
    /// quotient chunk), the same grouping on every compilation, and about half the LogUp columns of one per interaction.
    /// </summary>
    [Fact]
    public void Zkvm_tables_keep_their_quotient_and_halve_their_LogUp_columns()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        int unbatched = 0, batched = 0;
        foreach (var air in program.CompiledLastShardAirs)
        {
            int k = air.Interactions.Count;
            if (k == 0)
                continue;
            var fp = air.Interactions.Select(i => i.Values.Max(v => v.Degree)).ToArray();
            var m = air.Interactions.Select(i => i.Multiplicity.Degree).ToArray();
            var groups = air.LogUpGroups;
            Assert.Equal(Enumerable.Range(0, k), groups.SelectMany(g => g).Order());
            Assert.Equal(groups.Select(g => g[0]).Order(), groups.Select(g => g[0]));
            Assert.All(groups, g => Assert.Equal(g.Order(), g));
            Assert.All(groups, g => Assert.True(LogUpGrouping.Degree(g, fp, m) <= air.LogUpDegreeBudget, $"{air.Name}: group [{string.Join(',', g)}]"));
            Assert.True(air.MaxConstraintDegree <= air.LogUpDegreeBudget);

            // The unbatched degree, from the AIR's own constraints and one interaction per column.
            var builder = new AirBuilder<KoalaBear>(air.Width, air.Air.PreprocessedWidth, air.Air.PublicValueCount);
            air.Air.Eval(builder);
            int degree = builder.Constraints.Select(c => c.Degree).DefaultIfEmpty(1).Max();
            for (int i = 0; i < k; i++)
                degree = Math.Max(degree, Math.Max(Math.Max(1 + fp[i], m[i]), 2));
            int chunks = Math.Max(degree - 1, 1);
            Assert.Equal((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)chunks), 1 << air.LogQuotientChunks);
            Assert.Equal(1 + (1 << air.LogQuotientChunks), air.LogUpDegreeBudget);

            Assert.Equal(groups, new CompiledAir<KoalaBear>(air.Air).LogUpGroups);
            Assert.Equal(groups.Count, air.LogUpColumns);
            Assert.Equal(groups.Count, LogUp.ConstraintCount(air));
            if (air.LogUpDegreeBudget >= 3)
            {
                // Pairs of linear fractions fit degree 3: at most one column per pair, plus the quadratic ones alone.
                int quadratic = fp.Count(d => d >= 2);
                Assert.True(groups.Count <= (k - quadratic + 1) / 2 + quadratic, $"{air.Name}: {groups.Count} groups for {k} interactions");
            }
            unbatched += k; // one column per interaction, the running sum in place of the last
            batched += air.LogUpColumns;
            output.WriteLine($"{air.Name}: {k} interactions → {groups.Count} LogUp groups (= columns, the running sum in place of the last), degree {air.MaxConstraintDegree}, {1 << air.LogQuotientChunks} quotient chunks");
        }
        output.WriteLine($"LogUp extension columns of the last shard's tables: {unbatched} unbatched → {batched} batched");
        Assert.True(batched * 10 <= unbatched * 6, $"{batched} of {unbatched}");
    }
}
