using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// Forged batched LogUp traces (cyclic running sum, the last group's column implicit: <see cref="LogUp"/>): a group
/// column that leaves out one member's fraction, counts one member twice, or uses another tuple's denominator for one
/// member, in a committed group or in the implicit last one. Each forgery keeps everything else consistent (the running
/// sum, the claimed sum, and the receiving table's multiplicities, so the buses balance), which leaves the group
/// constraint g·Π fp − Σ m̃_i·Π_{l≠i} fp_l = 0 on one row as the only thing that can catch it: the verifier must
/// reject the proof, and <see cref="AirChecker.FindLogUpViolation"/> must name that row and group. Also: a running
/// sum changed on one row (the wrap rows included), and claimed sums moved between tables with their running sums
/// re-spread, which only the wrap row's identity can catch.
/// </summary>
public sealed class LogUpForgeryTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2 };
    private const int TableHeight = 256, Rows = 16, ForgedRow = 5;

    /// <summary>
    /// Sends a, b, c = a·b and a + b on the range bus on every selected row (b with its own boolean multiplicity
    /// column, 1 in honest traces). The degree-3 product constraint gives the LogUp groups a budget of 3, so the four
    /// linear interactions share two columns: {a, b} and {c, a + b}.
    /// </summary>
    private sealed class ProductSenderAir : IAir<KoalaBear>
    {
        public string Name => "product-sender";

        public int Width => 5;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var (sel, a, b, c, sendB) = (builder.Local[0], builder.Local[1], builder.Local[2], builder.Local[3], builder.Local[4]);
            builder.AssertBool(sel);
            builder.AssertBool(sendB);
            builder.When(sel).AssertEq(c, a * b);
            builder.Send(LookupDemo.Bus, [a], sel);
            builder.Send(LookupDemo.Bus, [b], sendB);
            builder.Send(LookupDemo.Bus, [c], sel);
            builder.Send(LookupDemo.Bus, [a + b], sel);
        }
    }

    private static readonly IAir<KoalaBear>[] Airs = [new ProductSenderAir(), new RangeTableAir<KoalaBear>()];

    /// <summary>The sender's trace (seeded) and the value it sends as b on <see cref="ForgedRow"/>.</summary>
    private static RowMajorMatrix<KoalaBear> SenderTrace(out uint forgedB)
    {
        var rng = new Random(19);
        var m = new RowMajorMatrix<KoalaBear>(Rows, 5);
        forgedB = 0;
        for (int r = 0; r < Rows; r++)
        {
            uint a = (uint)rng.Next(16), b = (uint)rng.Next(1, 15);
            if (r == ForgedRow) forgedB = b;
            m[r, 0] = KoalaBear.One;
            m[r, 1] = KoalaBear.FromUInt64(a);
            m[r, 2] = KoalaBear.FromUInt64(b);
            m[r, 3] = KoalaBear.FromUInt64(a * b);
            m[r, 4] = KoalaBear.One;
        }
        return m;
    }

    /// <summary>The range table with the multiplicities the sender's sends need, adjusted by <paramref name="adjust"/> (value → change).</summary>
    private static RowMajorMatrix<KoalaBear> TableTrace(RowMajorMatrix<KoalaBear> sender, IReadOnlyDictionary<uint, int> adjust)
    {
        var counts = new long[TableHeight];
        for (int r = 0; r < sender.Height; r++)
        {
            ulong a = sender[r, 1].ToCanonical(), b = sender[r, 2].ToCanonical();
            foreach (ulong v in new[] { a, b, a * b, a + b })
                counts[v]++;
        }
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

    public enum Forgery { None, FractionLeftOut, MultiplicityDoubled, WrongDenominator, ImplicitMemberLeftOut, ImplicitMemberDoubled }

    [Fact]
    public void The_sender_has_two_groups_of_two_and_two_columns()
    {
        var air = new CompiledAir<KoalaBear>(Airs[0]);
        Assert.Equal(3, air.MaxConstraintDegree);
        Assert.Equal(new int[][] { [0, 1], [2, 3] }, air.LogUpGroups);
        // g_0, then the running sum in place of g_1; one constraint per group.
        Assert.Equal(2, air.LogUpColumns);
        Assert.Equal(2, LogUp.ConstraintCount(air));
    }

    [Fact]
    public void The_range_table_has_one_group_and_only_the_running_sum()
    {
        var air = new CompiledAir<KoalaBear>(Airs[1]);
        Assert.Single(air.LogUpGroups);
        Assert.Equal(1, air.LogUpColumns);
        Assert.Equal(1, LogUp.ConstraintCount(air));
    }

    [Theory]
    [InlineData(Forgery.None)]
    [InlineData(Forgery.FractionLeftOut)]
    [InlineData(Forgery.MultiplicityDoubled)]
    [InlineData(Forgery.WrongDenominator)]
    [InlineData(Forgery.ImplicitMemberLeftOut)]
    [InlineData(Forgery.ImplicitMemberDoubled)]
    public void Forged_group_column_is_rejected_by_the_verifier_and_the_checker(Forgery forgery)
    {
        var sender = SenderTrace(out uint b);
        // Group 1 = {c, a + b} is the implicit group: its values live only in the running sum's differences.
        uint c = (uint)sender[ForgedRow, 3].ToCanonical(), sum2 = (uint)(sender[ForgedRow, 1].ToCanonical() + b);
        // What the forged column claims was sent on the forged row instead of b once, and the table rows that
        // receive it, so the bus balances.
        var adjust = forgery switch
        {
            Forgery.FractionLeftOut => new Dictionary<uint, int> { [b] = -1 },
            Forgery.MultiplicityDoubled => new Dictionary<uint, int> { [b] = 1 },
            Forgery.WrongDenominator => new Dictionary<uint, int> { [b] = -1, [b + 1] = 1 },
            Forgery.ImplicitMemberLeftOut => new Dictionary<uint, int> { [c] = -1 },
            Forgery.ImplicitMemberDoubled => new Dictionary<uint, int> { [sum2] = 1 },
            _ => [],
        };
        int group = forgery is Forgery.ImplicitMemberLeftOut or Forgery.ImplicitMemberDoubled ? 1 : 0;
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, adjust)];
        var compiled = new CompiledAir<KoalaBear>(Airs[0]);
        ConstraintViolation? violation = null;
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config)
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
                    Forgery.FractionLeftOut => -Fraction(b),
                    Forgery.MultiplicityDoubled => Fraction(b),
                    Forgery.ImplicitMemberLeftOut => -Fraction(c),
                    Forgery.ImplicitMemberDoubled => Fraction(sum2),
                    _ => Fraction(b + 1) - Fraction(b),
                };
                var (trace, sum) = Shift(f.LogUp, f.Sum, group, ForgedRow, delta, compiled.LogUpColumns);
                violation = AirChecker.FindLogUpViolation(compiled, f.Main, null, [], trace, f.Gamma, f.Beta, sum);
                return (trace, sum);
            },
        };
        var proof = prover.Prove(Airs, traces, [[], []]);
        // The forgery keeps the buses balanced: only the group constraint can see it.
        Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(Airs, proof);
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
        Assert.Equal(group, violation.Constraint); // group 0 = {a, b}, group 1 = {c, a + b} (implicit)
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to one group's value on one row (to its column for a committed group; for the last,
    /// implicit group, only through the running sum) and carries it consistently through the cyclic running sum and the
    /// claimed sum: T' = T + δ, s'_i = s_i + [i &gt; row]·δ − i·δ/N, so every other row's identity still holds.
    /// </summary>
    internal static (RowMajorMatrix<KoalaBear>, KoalaBearExt4) Shift(RowMajorMatrix<KoalaBear> logUp, KoalaBearExt4 sum, int group, int row, KoalaBearExt4 delta, int columns)
    {
        var forged = logUp.Clone();
        const int D = 4;
        void Add(int r, int column, KoalaBearExt4 value)
        {
            var slot = forged.Row(r).Slice(D * column, D);
            (KoalaBearExt4.FromCoefficients(slot) + value).Coefficients.CopyTo(slot);
        }
        if (group < columns - 1)
            Add(row, group, delta);
        var perRow = delta * KoalaBear.FromUInt64((ulong)forged.Height).Inverse();
        for (int r = 0; r < forged.Height; r++)
            Add(r, columns - 1, (r > row ? delta : default) - perRow * KoalaBear.FromUInt64((ulong)r));
        return (forged, sum + delta);
    }

    /// <summary>
    /// The running sum changed on one row (first, middle, last), nothing else: the identity s' − s = Σ g − T/N of the implicit
    /// group breaks on the rows before and at it (cyclically: row 0's change shows on row n − 1's wrap too), so the verifier
    /// rejects and the checker names the first such row and the last group.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(ForgedRow)]
    [InlineData(Rows - 1)]
    public void Running_sum_changed_on_one_row_is_rejected(int row)
    {
        var sender = SenderTrace(out _);
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, new Dictionary<uint, int>())];
        var compiled = new CompiledAir<KoalaBear>(Airs[0]);
        ConstraintViolation? violation = null;
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config)
        {
            CheckConstraints = false,
            ForgeLogUp = f =>
            {
                if (f.Table != 0)
                    return (f.LogUp, f.Sum);
                var forged = f.LogUp.Clone();
                var slot = forged.Row(row).Slice(4 * (compiled.LogUpColumns - 1), 4);
                (KoalaBearExt4.FromCoefficients(slot) + f.Gamma).Coefficients.CopyTo(slot);
                violation = AirChecker.FindLogUpViolation(compiled, f.Main, null, [], forged, f.Gamma, f.Beta, f.Sum);
                return (forged, f.Sum);
            },
        };
        var proof = prover.Prove(Airs, traces, [[], []]);
        Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(Airs, proof);
        output.WriteLine($"row {row}: {result}; checker: {violation}");
        Assert.False(result.IsValid);
        // One quotient for all tables: the out-of-domain check names no table (the checker's violation does).
        Assert.Equal("constraints do not match the quotient at the out-of-domain point", result.Error);
        Assert.NotNull(violation);
        Assert.Equal(row == 0 ? 0 : row - 1, violation.Row);
        Assert.Equal(1, violation.Constraint);
    }

    /// <summary>
    /// Claimed sums moved by δ from the range table to the sender (so they still add to zero), each table's running sum
    /// re-spread for its new claim (s'_i = s_i − i·δ/N, every non-wrap row's identity kept): the wrap row's identity now
    /// misses δ, in both tables, so the verifier rejects and the checker names row n − 1 and each table's last group.
    /// </summary>
    [Fact]
    public void Claimed_sum_moved_between_tables_is_rejected_at_the_wrap()
    {
        var sender = SenderTrace(out _);
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, new Dictionary<uint, int>())];
        var compiled = Airs.Select(a => new CompiledAir<KoalaBear>(a)).ToArray();
        var violations = new ConstraintViolation?[2];
        var heights = new int[2];
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config)
        {
            CheckConstraints = false,
            ForgeLogUp = f =>
            {
                var delta = f.Table == 0 ? f.Beta : -f.Beta;
                int columns = compiled[f.Table].LogUpColumns, n = f.LogUp.Height;
                heights[f.Table] = n;
                var forged = f.LogUp.Clone();
                var perRow = delta * KoalaBear.FromUInt64((ulong)n).Inverse();
                for (int r = 0; r < n; r++)
                {
                    var slot = forged.Row(r).Slice(4 * (columns - 1), 4);
                    (KoalaBearExt4.FromCoefficients(slot) - perRow * KoalaBear.FromUInt64((ulong)r)).Coefficients.CopyTo(slot);
                }
                violations[f.Table] = AirChecker.FindLogUpViolation(compiled[f.Table], f.Main, null, [], forged, f.Gamma, f.Beta, f.Sum + delta);
                return (forged, f.Sum + delta);
            },
        };
        var proof = prover.Prove(Airs, traces, [[], []]);
        Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(Airs, proof);
        output.WriteLine($"{result}; checkers: {violations[0]}, {violations[1]}");
        Assert.False(result.IsValid);
        Assert.Contains("constraints do not match the quotient", result.Error);
        for (int t = 0; t < 2; t++)
        {
            Assert.NotNull(violations[t]);
            Assert.Equal(heights[t] - 1, violations[t]!.Row);
            Assert.Equal(compiled[t].LogUpGroups.Count - 1, violations[t]!.Constraint);
        }
    }

    /// <summary>
    /// Only the running sum is opened at ζ·ω (<see cref="LogUp.NextColumns"/>): the sender's proof carries D values there for its
    /// two LogUp columns. The old shape (every LogUp column at ζ·ω) is refused by the shape check, and a changed running-sum
    /// value at ζ·ω by the constraint and DEEP checks.
    /// </summary>
    [Fact]
    public void Only_the_running_sum_is_opened_on_the_next_row()
    {
        var sender = SenderTrace(out _);
        RowMajorMatrix<KoalaBear>[] traces = [sender, TableTrace(sender, new Dictionary<uint, int>())];
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(Airs, traces, [[], []]);
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config);
        Assert.True(verifier.Verify(Airs, proof).IsValid);
        Assert.Equal(2 * 4, proof.Openings[0].LogUpLocal.Length);
        Assert.Equal(4, proof.Openings[0].LogUpNext.Length);
        Assert.Equal([4, 5, 6, 7], LogUp.NextColumns(2, 4));
        var old = verifier.Verify(Airs, WithLogUpNext(proof, 0, [.. new KoalaBearExt4[4], .. proof.Openings[0].LogUpNext]));
        Assert.False(old.IsValid);
        Assert.Contains("opened values have the wrong shape", old.Error);
        var changed = proof.Openings[0].LogUpNext.ToArray();
        changed[0] += KoalaBearExt4.One;
        Assert.False(verifier.Verify(Airs, WithLogUpNext(proof, 0, changed)).IsValid);
    }

    private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> WithLogUpNext(
        StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> p, int table, KoalaBearExt4[] logUpNext)
    {
        var openings = p.Openings.ToArray();
        openings[table] = openings[table] with { LogUpNext = logUpNext };
        return p with { Openings = openings };
    }

    /// <summary>
    /// A table of one row: ω = 1, so s' = s and the identity reads Σ_j g_j(0) = T. The honest trace passes the checker; a
    /// claimed sum off by anything fails it on row 0, whatever s holds.
    /// </summary>
    [Fact]
    public void One_row_table_checks_its_claim_directly()
    {
        var sender = SenderTrace(out _);
        var one = new RowMajorMatrix<KoalaBear>(1, sender.Width);
        sender.Row(ForgedRow).CopyTo(one.Row(0));
        var compiled = new CompiledAir<KoalaBear>(Airs[0]);
        var rng = new Random(3);
        KoalaBearExt4 R() => KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        var (gamma, beta) = (R(), R());
        var (trace, sum) = LogUp.GenerateTrace(compiled, one, null, [], gamma, beta);
        Assert.Null(AirChecker.FindLogUpViolation(compiled, one, null, [], trace, gamma, beta, sum));
        var shifted = trace.Clone();
        R().Coefficients.CopyTo(shifted.Row(0).Slice(4 * (compiled.LogUpColumns - 1), 4)); // any s: it cancels with itself
        Assert.Null(AirChecker.FindLogUpViolation(compiled, one, null, [], shifted, gamma, beta, sum));
        var violation = AirChecker.FindLogUpViolation(compiled, one, null, [], trace, gamma, beta, sum + gamma);
        Assert.NotNull(violation);
        Assert.Equal((0, 1), (violation.Row, violation.Constraint));
    }

    [Fact]
    public void Multiplicity_changed_in_the_trace_of_one_group_member_is_rejected()
    {
        // The trace now says row 5 does not send b (its multiplicity 0; every AIR constraint still holds), but the LogUp
        // trace is the honest one of the original trace and the table still counts that b: the buses balance, and
        // the constraint of group 0 = {a, b} fails on row 5.
        var original = SenderTrace(out _);
        var table = TableTrace(original, new Dictionary<uint, int>());
        var changed = original.Clone();
        changed[ForgedRow, 4] = KoalaBear.Zero;
        Assert.Null(AirChecker.FindViolation(Airs[0], changed, []));
        var compiled = new CompiledAir<KoalaBear>(Airs[0]);
        ConstraintViolation? violation = null;
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config)
        {
            CheckConstraints = false,
            ForgeLogUp = f =>
            {
                if (f.Table != 0)
                    return (f.LogUp, f.Sum);
                var honest = LogUp.GenerateTrace(compiled, original, null, [], f.Gamma, f.Beta);
                violation = AirChecker.FindLogUpViolation(compiled, f.Main, null, [], honest.Trace, f.Gamma, f.Beta, honest.CumulativeSum);
                return honest;
            },
        };
        var proof = prover.Prove(Airs, [changed, table], [[], []]);
        Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
        var result = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(Airs, proof);
        output.WriteLine($"{result}; checker: {violation}");
        Assert.False(result.IsValid);
        Assert.Contains("constraints do not match the quotient", result.Error);
        Assert.NotNull(violation);
        Assert.Equal(ForgedRow, violation.Row);
        Assert.Equal(0, violation.Constraint);
    }
}
