using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// LogUp groupings that raise a table's quotient (<see cref="LogUpBatching"/>, <see cref="StarkConfig.LogUpMaxLogQuotientChunks"/>):
/// the choice by opened elements, the shapes it gives, honest proofs that verify, and forged group columns of the larger
/// groups that the verifier rejects (the group constraint of degree 1 + (members) is the only thing that sees them).
/// </summary>
public sealed class LogUpBatchingTests(ITestOutputHelper output)
{
    /// <summary>Blowup 4 lets the grouping reach 4 quotient chunks (budget 5: four linear fractions per column).</summary>
    private static readonly StarkConfig Raised = StarkConfig.Development with { LogBlowup = 2, NumQueries = 16, QueryPowBits = 2, LogUpMaxLogQuotientChunks = 2 };

    private static readonly StarkConfig Unraised = Raised with { LogUpMaxLogQuotientChunks = 0 };

    private const int TableHeight = 256, Rows = 16, ForgedRow = 5, Sends = 8;

    /// <summary>Sends v_0..v_7 on the range bus on every selected row: eight linear interactions, AIR degree 2.</summary>
    private sealed class EightSenderAir : IAir<KoalaBear>
    {
        public string Name => "eight-sender";

        public int Width => 1 + Sends;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var sel = builder.Local[0];
            builder.AssertBool(sel);
            for (int i = 0; i < Sends; i++)
                builder.Send(LookupDemo.Bus, [builder.Local[1 + i]], sel);
        }
    }

    private static readonly IAir<KoalaBear>[] Airs = [new EightSenderAir(), new RangeTableAir<KoalaBear>()];

    private static RowMajorMatrix<KoalaBear> SenderTrace()
    {
        var rng = new Random(23);
        var m = new RowMajorMatrix<KoalaBear>(Rows, 1 + Sends);
        for (int r = 0; r < Rows; r++)
        {
            m[r, 0] = KoalaBear.One;
            for (int i = 0; i < Sends; i++)
                m[r, 1 + i] = KoalaBear.FromUInt64((ulong)rng.Next(TableHeight - 1));
        }
        return m;
    }

    private static RowMajorMatrix<KoalaBear> TableTrace(RowMajorMatrix<KoalaBear> sender, IReadOnlyDictionary<uint, int> adjust)
    {
        var counts = new long[TableHeight];
        for (int r = 0; r < sender.Height; r++)
            for (int i = 0; i < Sends; i++)
                counts[sender[r, 1 + i].ToCanonical()]++;
        foreach (var (v, change) in adjust)
            counts[v] += change;
        var t = new RowMajorMatrix<KoalaBear>(TableHeight, 2);
        for (int r = 0; r < TableHeight; r++)
        {
            t[r, 0] = KoalaBear.FromUInt64((ulong)r);
            t[r, 1] = KoalaBear.FromUInt64((ulong)counts[r]);
        }
        return t;
    }

    [Fact]
    public void Opened_elements_count_two_points_per_LogUp_column_and_one_per_chunk()
    {
        var b = new LogUpBatching(3, 8, 56);
        // 8 × (5 × (16 + 56) + 2 × (8 + 56)) base elements.
        Assert.Equal(8L * ((5 * (16 + 56)) + (2 * (8 + 56))), b.OpenedElements(5, 2));
    }

    [Fact]
    public void The_choice_is_the_budget_that_opens_fewest_elements()
    {
        int[] fp = [.. Enumerable.Repeat(1, Sends)], m = [.. Enumerable.Repeat(1, Sends)];
        // D = 4, 16 rows (one column per group: the running sum stands in for the last): budget 3 → 4 groups, 2 chunks:
        // 4·(4·24 + 2·20) = 544; budget 5 → 2 groups, 4 chunks: 4·(2·24 + 4·20) = 512; budget 9 → 1 group, 8 chunks:
        // 4·(1·24 + 8·20) = 736. Budget 5 wins.
        var (groups, budget) = new LogUpBatching(3, 4, 16).Choose(fp, m, constraintDegree: 2, baseLogChunks: 1);
        Assert.Equal(5, budget);
        Assert.Equal(new int[][] { [0, 1, 2, 3], [4, 5, 6, 7] }, groups);
        // With many more rows opened, columns and chunks cost about the same per row: the fewest columns + chunks wins,
        // and a tie goes to the smaller budget (less quotient work for the prover).
        Assert.Equal(5, new LogUpBatching(3, 4, 1 << 20).Choose(fp, m, 2, 1).Budget);
        // At most the unbatched chunk count: the grouping of the unraised AIR.
        var (same, sameBudget) = new LogUpBatching(1, 4, 16).Choose(fp, m, 2, 1);
        Assert.Equal(3, sameBudget);
        Assert.Equal(LogUpGrouping.Compute(fp, m, 3), same);
        // A maximum below the unbatched count never lowers it.
        Assert.Equal(3, new LogUpBatching(0, 4, 16).Choose(fp, m, 2, 1).Budget);
    }

    [Fact]
    public void Compiled_shapes_follow_the_configuration()
    {
        // Unraised, the degree-2 AIR has one quotient chunk, so each fraction has its own column (budget 2).
        var plain = new CompiledAir<KoalaBear>(Airs[0]);
        Assert.Equal(Sends, plain.LogUpColumns); // one per group, the running sum in place of the last
        Assert.Equal(0, plain.LogQuotientChunks);
        Assert.Null(Unraised.LogUpBatchingFor(4));
        var raised = new CompiledAir<KoalaBear>(Airs[0], Raised.LogUpBatchingFor(4));
        Assert.Equal(2, raised.LogUpColumns);
        Assert.Equal(2, raised.LogQuotientChunks);
        Assert.Equal(5, raised.MaxConstraintDegree);
        // Every interaction in exactly one group.
        Assert.Equal(Enumerable.Range(0, Sends), raised.LogUpGroups.SelectMany(g => g).Order());
        // The raise never passes the blowup.
        Assert.Equal(Raised.LogBlowup, (Raised with { LogUpMaxLogQuotientChunks = 8 }).LogUpBatchingFor(4)!.MaxLogQuotientChunks);
        Assert.Throws<ArgumentException>(() => (Raised with { LogUpMaxLogQuotientChunks = 9 }).Validate());
    }

    [Fact]
    public void Raised_proof_verifies_and_is_smaller_and_other_configurations_reject_it()
    {
        var sender = SenderTrace();
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, new Dictionary<uint, int>())];
        var raised = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised).Prove(Airs, traces, [[], []]);
        var plain = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Unraised).Prove(Airs, traces, [[], []]);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised).Verify(Airs, raised).IsValid);
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Unraised).Verify(Airs, plain).IsValid);
        Assert.Equal(2 * 4, raised.Openings[0].LogUpLocal.Length);
        // The proof's one quotient (opened with the first tallest table) has chunks of the tallest height: the raised sender's 4
        // chunks count only where 4·n_sender exceeds the receiving table's height (its quotient has one chunk).
        int logMax = raised.LogHeights.Max();
        Assert.Equal(4 * (Math.Max(4 << raised.LogHeights[0], 1 << raised.LogHeights[1]) >> logMax), raised.Openings.Sum(o => o.Quotient.Length));
        int raisedBytes = ProofSerializer.Serialize(raised).Length, plainBytes = ProofSerializer.Serialize(plain).Length;
        output.WriteLine($"raised {raisedBytes} bytes, unraised {plainBytes} bytes");
        // Per query row the raised proof opens fewer elements: the sender's LogUp columns (fewer, D each, at ζ and ζ·ω) and
        // the same quotient (one proof-wide quotient: the sender's 4·16 coefficients fit under the 256-row table's one chunk). The
        // byte totals are not compared: with the quotient's chunk cost gone the difference (~1 KB) is below the spread of the
        // distinct query count (13 to 16 of the sender's 64 LDE rows, drawn from the transcript).
        Assert.True(raised.Openings[0].LogUpLocal.Length < plain.Openings[0].LogUpLocal.Length);
        Assert.Equal(plain.Openings.Sum(o => o.Quotient.Length), raised.Openings.Sum(o => o.Quotient.Length));
        // Each verifier rejects the other's proof: the configuration echo differs.
        var crossed = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Unraised).Verify(Airs, raised);
        Assert.False(crossed.IsValid);
        Assert.Contains("another configuration", crossed.Error);
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised).Verify(Airs, plain).IsValid);
        // The raise travels in the header and survives a round trip; the unraised shape under the raised echo does not verify.
        var bytes = ProofSerializer.Serialize(raised);
        var back = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);
        Assert.Equal(2, back.Config.LogUpMaxLogQuotientChunks);
        Assert.Equal(bytes, ProofSerializer.Serialize(back));
        var relabelled = plain with { Config = Raised };
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised).Verify(Airs, relabelled).IsValid);
    }

    public enum Forgery { None, FirstMemberLeftOut, LastMemberLeftOut, ThirdMemberDoubled, FourthMemberWrongDenominator }

    /// <summary>
    /// A forged column of the raised group {v_0..v_3} on one row, carried through the running sum and the claimed sum, and
    /// the table's multiplicities adjusted so the buses balance: only the group's degree-5 constraint can catch it, for
    /// any member (the third and fourth members exist only in the raised grouping).
    /// </summary>
    [Theory]
    [InlineData(Forgery.None)]
    [InlineData(Forgery.FirstMemberLeftOut)]
    [InlineData(Forgery.LastMemberLeftOut)]
    [InlineData(Forgery.ThirdMemberDoubled)]
    [InlineData(Forgery.FourthMemberWrongDenominator)]
    public void Forged_raised_group_column_is_rejected(Forgery forgery)
    {
        var sender = SenderTrace();
        int member = forgery switch
        {
            Forgery.LastMemberLeftOut or Forgery.FourthMemberWrongDenominator => 3,
            Forgery.ThirdMemberDoubled => 2,
            _ => 0,
        };
        uint v = (uint)sender[ForgedRow, 1 + member].ToCanonical();
        var adjust = forgery switch
        {
            Forgery.FirstMemberLeftOut or Forgery.LastMemberLeftOut => new Dictionary<uint, int> { [v] = -1 },
            Forgery.ThirdMemberDoubled => new Dictionary<uint, int> { [v] = 1 },
            Forgery.FourthMemberWrongDenominator => new Dictionary<uint, int> { [v] = -1, [v + 1] = 1 },
            _ => [],
        };
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, adjust)];
        var compiled = new CompiledAir<KoalaBear>(Airs[0], Raised.LogUpBatchingFor(4));
        Assert.Equal([0, 1, 2, 3], compiled.LogUpGroups[0]);
        ConstraintViolation? violation = null;
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised)
        {
            CheckConstraints = false,
            ForgeLogUp = f =>
            {
                if (f.Table != 0 || forgery == Forgery.None)
                    return (f.LogUp, f.Sum);
                KoalaBearExt4 Fraction(uint value) =>
                    LogUp.Fingerprint<KoalaBear, KoalaBearExt4>(LookupDemo.Bus, [KoalaBearExt4.FromBase(KoalaBear.FromUInt64(value))], f.Gamma, f.Beta).Inverse();
                var delta = forgery switch
                {
                    Forgery.FirstMemberLeftOut or Forgery.LastMemberLeftOut => -Fraction(v),
                    Forgery.ThirdMemberDoubled => Fraction(v),
                    _ => Fraction(v + 1) - Fraction(v),
                };
                var (forged, sum) = LogUpForgeryTests.Shift(f.LogUp, f.Sum, group: 0, ForgedRow, delta, compiled.LogUpColumns);
                violation = AirChecker.FindLogUpViolation(compiled, f.Main, null, [], forged, f.Gamma, f.Beta, sum);
                return (forged, sum);
            },
        };
        var proof = prover.Prove(Airs, traces, [[], []]);
        Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Raised).Verify(Airs, proof);
        output.WriteLine($"{forgery}: {result}; checker: {violation?.ToString() ?? "no violation"}");
        if (forgery == Forgery.None)
        {
            Assert.True(result.IsValid, result.ToString());
            Assert.Null(violation);
            return;
        }
        Assert.False(result.IsValid);
        // One quotient for all tables: the out-of-domain check names no table (the checker's violation does, below).
        Assert.Equal("constraints do not match the quotient at the out-of-domain point", result.Error);
        Assert.NotNull(violation);
        Assert.Equal(ForgedRow, violation.Row);
        Assert.Equal(0, violation.Constraint);
    }
}
