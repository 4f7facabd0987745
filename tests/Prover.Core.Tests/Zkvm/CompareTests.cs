using Prover.Core.Machine;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class CompareTests(ITestOutputHelper output)
{
    private static readonly CompareAir<KoalaBear> Air = new();

    private static readonly Opcode[] Ops = [Opcode.Slt, Opcode.Sltu, Opcode.Slti, Opcode.Sltiu];

    private static List<AluEvent> Events(int randomCount, int seed) =>
        [.. RiscV.Operands(randomCount, seed).SelectMany(p => Ops.Select(op => RiscV.Event(op, p.B, p.C)))];

    [Fact]
    public void Edge_and_random_events_satisfy_the_air()
    {
        var events = Events(200, 21);
        var trace = CompareTrace.Generate<KoalaBear>(events, new LookupCounts());
        AluTests.AssertSatisfied(Air, trace);
        var (constraints, interactions, degree) = AluTests.Shape(Air);
        output.WriteLine($"compare: {Air.Width} columns, {constraints} constraints, {interactions} interactions, degree {degree}");
        Assert.True(degree <= 3);
    }

    [Fact]
    public void Events_round_trip()
    {
        var events = Events(6, 22).Where((_, i) => i % 9 == 0).ToList();
        var counts = new LookupCounts();
        var trace = CompareTrace.Generate<KoalaBear>(events, counts);
        var result = AluTests.RoundTrip(Air, trace, counts, events);
        Assert.True(result.IsValid, result.ToString());
    }

    private static bool Proves(AluEvent e, ulong claimedResult, Action<Prover.Core.Matrix.RowMajorMatrix<KoalaBear>> tamper, Opcode? requesterOp = null)
    {
        var counts = new LookupCounts();
        var trace = CompareTrace.Generate<KoalaBear>([e], counts);
        tamper(trace);
        var tuple = AluTests.AluTuples([e])[0];
        tuple[1] = claimedResult;
        if (requesterOp is { } op)
            tuple[0] = (ulong)op;
        return AluTests.RoundTrip(Air, trace, counts, [e], checkConstraints: false, tuples: [tuple]).IsValid;
    }

    [Fact]
    public void Wrong_results_borrows_and_selectors_are_caught()
    {
        // −1 < 1 signed, not unsigned.
        var e = RiscV.Event(Opcode.Slt, ulong.MaxValue, 1);
        Assert.Equal(1UL, e.A);
        Assert.True(Proves(e, 1, _ => { }));
        Assert.False(Proves(e, 0, _ => { }));
        // The same operands claimed as SLTU with the signed answer: the sign bits must then be 0, a violation.
        var flipped = CompareTrace.Generate<KoalaBear>([e], new LookupCounts());
        flipped[0, CompareCols.Selectors] = KoalaBear.Zero;
        flipped[0, CompareCols.Selectors + 1] = KoalaBear.One;
        AluTests.AssertViolated(Air, flipped);
        // ...and with the sign columns cleared the row computes SLTU (0), so the claim 1 does not balance.
        Assert.False(Proves(e, 1, t =>
        {
            t[0, CompareCols.Selectors] = KoalaBear.Zero;
            t[0, CompareCols.Selectors + 1] = KoalaBear.One;
            t[0, CompareCols.BSign] = KoalaBear.Zero;
            t[0, CompareCols.CSign] = KoalaBear.Zero;
            t[0, CompareCols.SignsDiffer] = KoalaBear.Zero;
        }, Opcode.Sltu));
        // A wrong borrow or sign bit: polynomial violations.
        foreach (int col in new[] { CompareCols.Borrow, CompareCols.Borrow + 3, CompareCols.BSign, CompareCols.SignsDiffer })
        {
            var t = CompareTrace.Generate<KoalaBear>([e], new LookupCounts());
            t[0, col] = KoalaBear.One - t[0, col];
            AluTests.AssertViolated(Air, t);
        }
        // Forged borrow_3 (claim 1 < 0 unsigned) balanced by a non-canonical diff limb: diff_3 = 2^16 − … is
        // out of range, so only the Range16 lookup catches it.
        var u = RiscV.Event(Opcode.Sltu, 1, 0);
        Assert.False(Proves(u, 1, t =>
        {
            t[0, CompareCols.Borrow + 3] = KoalaBear.One;
            t[0, CompareCols.Diff + 3] += KoalaBear.FromUInt64(1 << 16);
        }));
        var forged = CompareTrace.Generate<KoalaBear>([u], new LookupCounts());
        forged[0, CompareCols.Borrow + 3] = KoalaBear.One;
        forged[0, CompareCols.Diff + 3] += KoalaBear.FromUInt64(1 << 16);
        AluTests.AssertSatisfied(Air, forged);
    }
}
