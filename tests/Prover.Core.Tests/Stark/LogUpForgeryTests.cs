using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// Forged batched LogUp traces: a group column that leaves out one member's fraction, counts one member twice, or
/// uses another tuple's denominator for one member. Each forgery keeps everything else consistent (the running sum,
/// the claimed sum, and the receiving table's multiplicities, so the buses balance), which leaves the group
/// constraint g·Π fp − Σ m̃_i·Π_{l≠i} fp_l = 0 on one row as the only thing that can catch it: the verifier must
/// reject the proof, and <see cref="AirChecker.FindLogUpViolation"/> must name that row and group.
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

    public enum Forgery { None, FractionLeftOut, MultiplicityDoubled, WrongDenominator }

    [Fact]
    public void The_sender_has_two_groups_of_two()
    {
        var air = new CompiledAir<KoalaBear>(Airs[0]);
        Assert.Equal(3, air.MaxConstraintDegree);
        Assert.Equal(new int[][] { [0, 1], [2, 3] }, air.LogUpGroups);
        Assert.Equal(3, air.LogUpColumns);
    }

    [Theory]
    [InlineData(Forgery.None)]
    [InlineData(Forgery.FractionLeftOut)]
    [InlineData(Forgery.MultiplicityDoubled)]
    [InlineData(Forgery.WrongDenominator)]
    public void Forged_group_column_is_rejected_by_the_verifier_and_the_checker(Forgery forgery)
    {
        var sender = SenderTrace(out uint b);
        // What the forged column claims was sent on the forged row instead of b once, and the table rows that
        // receive it, so the bus balances.
        var adjust = forgery switch
        {
            Forgery.FractionLeftOut => new Dictionary<uint, int> { [b] = -1 },
            Forgery.MultiplicityDoubled => new Dictionary<uint, int> { [b] = 1 },
            Forgery.WrongDenominator => new Dictionary<uint, int> { [b] = -1, [b + 1] = 1 },
            _ => [],
        };
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
                    _ => Fraction(b + 1) - Fraction(b),
                };
                var (trace, sum) = Shift(f.LogUp, f.Sum, group: 0, ForgedRow, delta, compiled.LogUpColumns);
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
        Assert.Equal(0, violation.Constraint); // group 0 = {a, b}
    }

    /// <summary>Adds <paramref name="delta"/> to one group column on one row and carries it through the running sum and the claimed sum.</summary>
    private static (RowMajorMatrix<KoalaBear>, KoalaBearExt4) Shift(RowMajorMatrix<KoalaBear> logUp, KoalaBearExt4 sum, int group, int row, KoalaBearExt4 delta, int columns)
    {
        var forged = logUp.Clone();
        const int D = 4;
        void Add(int r, int column)
        {
            var slot = forged.Row(r).Slice(D * column, D);
            (KoalaBearExt4.FromCoefficients(slot) + delta).Coefficients.CopyTo(slot);
        }
        Add(row, group);
        for (int r = row; r < forged.Height; r++)
            Add(r, columns - 1);
        return (forged, sum + delta);
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
