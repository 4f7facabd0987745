using Prover.Core.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class AddSubTests(ITestOutputHelper output)
{
    private static readonly AddSubAir<KoalaBear> Air = new();

    private static readonly Opcode[] Ops = [Opcode.Add, Opcode.Sub, Opcode.Addi, Opcode.Addw, Opcode.Subw, Opcode.Addiw, Opcode.Lui, Opcode.Auipc];

    private static List<AluEvent> Events(int randomCount, int seed)
    {
        var events = new List<AluEvent>();
        foreach (var (b, c) in RiscV.Operands(randomCount, seed))
            foreach (var op in Ops)
            {
                // LUI has b = 0; AUIPC has b = pc (32 bits).
                ulong bb = op == Opcode.Lui ? 0 : op == Opcode.Auipc ? b & 0xFFFF_FFFC : b;
                events.Add(RiscV.Event(op, bb, c));
            }
        return events;
    }

    [Fact]
    public void Edge_and_random_events_satisfy_the_air()
    {
        var events = Events(200, 1);
        var counts = new LookupCounts();
        var trace = AddSubTrace.Generate<KoalaBear>(events, counts);
        AluTests.AssertSatisfied(Air, trace);
        var (constraints, interactions, degree) = AluTests.Shape(Air);
        output.WriteLine($"add-sub: {Air.Width} columns, {constraints} constraints, {interactions} interactions, degree {degree}, {events.Count} events");
        Assert.True(degree <= 3);
    }

    [Fact]
    public void Wrong_results_are_violations()
    {
        // Every 20th edge pair and some random ones (each case is checked alone: one AirChecker run each).
        foreach (var (b, c) in RiscV.Operands(20, 2).Where((_, i) => i % 20 == 0))
            foreach (var op in Ops)
                foreach (ulong delta in new[] { 1UL, 1UL << 16, 1UL << 32, 1UL << 48, 1UL << 63 })
                {
                    var good = RiscV.Event(op, b, c);
                    // W forms: a wrong high half must be the wrong sign extension.
                    var bad = good with { A = good.A + delta };
                    AluTests.AssertViolated(Air, AddSubTrace.Generate<KoalaBear>([bad], new LookupCounts()));
                }
    }

    [Fact]
    public void Tampered_carry_selector_or_limb_is_a_violation()
    {
        var e = RiscV.Event(Opcode.Add, 0xFFFF_FFFF_FFFF_FFFF, 1); // carries across every limb
        var trace = AddSubTrace.Generate<KoalaBear>([e], new LookupCounts());
        AluTests.AssertSatisfied(Air, trace);
        for (int i = 0; i < 4; i++)
        {
            var t = trace.Clone();
            t[0, AddSubCols.Carry + i] = KoalaBear.Zero;
            AluTests.AssertViolated(Air, t);
        }
        // Flipped selector: the same limbs claimed as SUB, or two selectors at once.
        var flipped = trace.Clone();
        flipped[0, AddSubCols.Selectors] = KoalaBear.Zero;
        flipped[0, AddSubCols.Selectors + 1] = KoalaBear.One;
        AluTests.AssertViolated(Air, flipped);
        var both = trace.Clone();
        both[0, AddSubCols.Selectors + 2] = KoalaBear.One;
        AluTests.AssertViolated(Air, both);
        // W form: wrong sign bit.
        var w = AddSubTrace.Generate<KoalaBear>([RiscV.Event(Opcode.Addw, 0x7FFF_FFFF, 1)], new LookupCounts());
        AluTests.AssertSatisfied(Air, w);
        w[0, AddSubCols.Sign] = KoalaBear.Zero;
        AluTests.AssertViolated(Air, w);
    }

    [Fact]
    public void Edge_and_random_events_round_trip()
    {
        var events = Events(8, 3).Where((_, i) => i % 7 == 0).ToList();
        var counts = new LookupCounts();
        var trace = AddSubTrace.Generate<KoalaBear>(events, counts);
        var result = AluTests.RoundTrip(Air, trace, counts, events);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Unchecked_limb_of_2_16_or_more_unbalances_the_bus()
    {
        // 0xFFFF + 1: the honest row has a = (0, 1, 0, 0), carry0 = 1. The forged row claims the
        // non-canonical a = (2^16, 0, 0, 0) (numerically the same sum) with carry0 = 0: every
        // polynomial constraint still holds; only the Range16 lookup of a0 can catch it.
        var e = RiscV.Event(Opcode.Add, 0xFFFF, 1);
        var trace = AddSubTrace.Generate<KoalaBear>([e], new LookupCounts());
        trace[0, AddSubCols.A] = KoalaBear.FromUInt64(1 << 16);
        trace[0, AddSubCols.A + 1] = KoalaBear.Zero;
        trace[0, AddSubCols.Carry] = KoalaBear.Zero;
        AluTests.AssertSatisfied(Air, trace);
        // The requester sends the same forged tuple; the range table gets the best multiplicities a
        // cheater can give (three 0s; 2^16 has no row).
        var tuple = AluTests.AluTuples([e])[0];
        tuple[1] = 1 << 16;
        tuple[2] = 0;
        var counts = new LookupCounts();
        for (int i = 0; i < 3; i++)
            counts.AddRange16(0);
        var result = AluTests.RoundTrip(Air, trace, counts, [e], checkConstraints: false, tuples: [tuple]);
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);
        // Control: the honest statement with the same tables proves.
        var honestCounts = new LookupCounts();
        var honest = AddSubTrace.Generate<KoalaBear>([e], honestCounts);
        Assert.True(AluTests.RoundTrip(Air, honest, honestCounts, [e]).IsValid);
    }
}
