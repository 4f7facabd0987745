using Prover.Core.Security;

namespace Prover.Core.Tests.Security;

public sealed class SecurityCalculatorTests
{
    private const ulong KoalaBearP = 2130706433;

    private static SecurityParameters Params(int ext, int logBlowup, int queries, int pow, int logN, int columns, int constraints, int batch) => new()
    {
        FieldPrime = KoalaBearP,
        ExtensionDegree = ext,
        LogBlowup = logBlowup,
        NumQueries = queries,
        QueryPowBits = pow,
        LogTraceHeight = logN,
        MaxConstraintDegree = 3,
        NumColumns = columns,
        NumConstraints = constraints,
        BatchSize = batch,
    };

    // Expected values computed independently by a Python transcription of the same formulas
    // (soundcalc's UDR/JBR regimes and toy-problem level), not by this code.
    [Theory]
    [InlineData(4, 1, 100, 16, 20, 100, 50, 120, 57, 60, 115)]
    [InlineData(5, 2, 150, 20, 22, 300, 200, 400, 121, 86, 154)]
    [InlineData(8, 3, 120, 20, 22, 300, 200, 400, 119, 177, 247)]
    public void Matches_independent_computation(int ext, int logBlowup, int queries, int pow, int logN, int columns, int constraints, int batch, int udr, int jbr, int conjectured)
    {
        var report = SecurityCalculator.Compute(Params(ext, logBlowup, queries, pow, logN, columns, constraints, batch));
        Assert.Equal(udr, report.UniqueDecoding.Total);
        Assert.Equal(jbr, report.JohnsonBound.Total);
        Assert.Equal(conjectured, report.Conjectured);
        Assert.Equal(Math.Max(udr, jbr), report.Provable);
    }

    /// <summary>
    /// One quotient for all tables (STARK format 9): Σ_t μ^t·A_t/Z_(H_t) stays a polynomial for a wrong table for at most T − 1
    /// values of μ, added to the ALI term's K roots of α. One table (or none) adds nothing; 2^16 + 1 tables with K = columns = 1
    /// multiply the error by 2^16 + 1, 16 bits off the term (17 where the floor of the bits lands below).
    /// </summary>
    [Fact]
    public void Combined_quotient_adds_the_tables_minus_one_to_the_ali_term()
    {
        var single = Params(4, 1, 100, 16, 20, 1, 1, 2);
        int Ali(SecurityParameters p, bool unique) => (unique ? SecurityCalculator.Compute(p).UniqueDecoding : SecurityCalculator.Compute(p).JohnsonBound).Terms["ALI"];
        foreach (bool unique in new[] { true, false })
        {
            Assert.Equal(Ali(single, unique), Ali(single with { QuotientTables = 1 }, unique));
            int drop = Ali(single, unique) - Ali(single with { QuotientTables = (1 << 16) + 1 }, unique);
            Assert.InRange(drop, 16, 17);
        }
        Assert.Throws<ArgumentException>(() => SecurityCalculator.Compute(single with { QuotientTables = -1 }));
    }

    [Fact]
    public void More_queries_or_grinding_never_lower_security()
    {
        var baseline = Params(8, 3, 40, 0, 20, 200, 100, 250);
        int previous = 0;
        for (int q = 10; q <= 200; q += 10)
        {
            int bits = SecurityCalculator.Compute(baseline with { NumQueries = q }).Provable;
            Assert.True(bits >= previous);
            previous = bits;
        }
        Assert.True(SecurityCalculator.Compute(baseline with { QueryPowBits = 20 }).Provable >= SecurityCalculator.Compute(baseline).Provable);
    }

    [Fact]
    public void Quartic_extension_cannot_reach_100_provable_bits_at_mainnet_sizes()
    {
        // |F| = p^4 ≈ 2^124: the batching and DEEP terms alone cap the level below 100 bits for 2^22 rows.
        Assert.Null(SecurityCalculator.QueriesFor(100, Params(4, 1, 1, 20, 22, 300, 200, 400)));
        Assert.NotNull(SecurityCalculator.QueriesFor(128, Params(8, 3, 1, 20, 22, 300, 200, 400)));
    }

    [Fact]
    public void Invalid_parameters_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SecurityCalculator.Compute(Params(4, 0, 10, 0, 10, 10, 10, 10)));
        Assert.Throws<ArgumentException>(() => SecurityCalculator.Compute(Params(4, 1, 0, 0, 10, 10, 10, 10)));
        Assert.Throws<ArgumentException>(() => SecurityCalculator.Compute(Params(4, 1, 10, 0, 10, 10, 10, 10) with { FoldingArity = 3 }));
    }
}
