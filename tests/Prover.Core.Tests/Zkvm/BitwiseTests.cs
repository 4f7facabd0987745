using Prover.Core.Machine;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class BitwiseTests(ITestOutputHelper output)
{
    private static readonly BitwiseAir<KoalaBear> Air = new();

    private static readonly Opcode[] Ops = [Opcode.And, Opcode.Or, Opcode.Xor, Opcode.Andi, Opcode.Ori, Opcode.Xori];

    private static List<AluEvent> Events(int randomCount, int seed) =>
        [.. RiscV.Operands(randomCount, seed).SelectMany(p => Ops.Select(op => RiscV.Event(op, p.B, p.C)))];

    [Fact]
    public void Edge_and_random_events_satisfy_the_air()
    {
        var events = Events(200, 11);
        var trace = BitwiseTrace.Generate<KoalaBear>(events, new LookupCounts());
        AluTests.AssertSatisfied(Air, trace);
        var (constraints, interactions, degree) = AluTests.Shape(Air);
        output.WriteLine($"bitwise: {Air.Width} columns, {constraints} constraints, {interactions} interactions, degree {degree}");
        Assert.True(degree <= 3);
    }

    [Fact]
    public void Events_round_trip()
    {
        var events = Events(6, 12).Where((_, i) => i % 11 == 0).ToList();
        var counts = new LookupCounts();
        var trace = BitwiseTrace.Generate<KoalaBear>(events, counts);
        var result = AluTests.RoundTrip(Air, trace, counts, events, range16: false, byteAnd: true);
        Assert.True(result.IsValid, result.ToString());
    }

    private static bool Proves(AluEvent claimed, Action<Prover.Core.Matrix.RowMajorMatrix<KoalaBear>> tamper, Opcode? requesterOp = null)
    {
        // The chip row of the claimed event (tampered), a requester that sends the same claim, and a
        // byte table (AND relation) holding the (true) rows of the honest event's lookups.
        var honest = RiscV.Event(claimed.Op, claimed.B, claimed.C);
        var counts = new LookupCounts();
        BitwiseTrace.Generate<KoalaBear>([honest], counts);
        var trace = BitwiseTrace.Generate<KoalaBear>([claimed], new LookupCounts());
        tamper(trace);
        var tuple = AluTests.AluTuples([honest])[0];
        for (int i = 0; i < 4; i++)
            tuple[1 + i] = Prover.Core.Zkvm.Word.Limb(claimed.A, i);
        if (requesterOp is { } op)
            tuple[0] = (ulong)op;
        return AluTests.RoundTrip(Air, trace, counts, [honest], checkConstraints: false, range16: false, byteAnd: true, tuples: [tuple]).IsValid;
    }

    [Fact]
    public void Wrong_result_flipped_selector_and_non_byte_are_rejected()
    {
        var e = RiscV.Event(Opcode.And, 0x0123_4567_89AB_CDEF, 0xFF00_FF00_F0F0_0F0F);
        Assert.True(Proves(e, _ => { }));
        var wrong = e with { A = e.A ^ (1UL << 40) };
        // A wrong result limb (the requester claims it too) with the true AND byte: the result constraint a_j = n_j fails.
        Assert.False(Proves(wrong, _ => { }));
        // The same with the AND byte forged to match: the lookup (b_5, c_5, wrong) is no table row, so the bus cannot balance.
        Assert.False(Proves(wrong, t => t[0, BitwiseCols.AndBytes + 5] = t[0, BitwiseCols.ABytes + 5]));
        // Selector flipped to OR (requester says OR too): the AND result is not b + c − (b AND c).
        Assert.False(Proves(e, t => { t[0, BitwiseCols.Selectors] = KoalaBear.Zero; t[0, BitwiseCols.Selectors + 1] = KoalaBear.One; }, Opcode.Or));
        // The limb a0 kept, its bytes (and the AND bytes) changed to (a_0 + 256, a_1 − 1): every polynomial holds, but
        // (b_0, c_0, a_0 + 256) is not a row.
        Assert.False(Proves(e, t =>
        {
            foreach (int col in new[] { BitwiseCols.ABytes, BitwiseCols.AndBytes })
            {
                t[0, col] += KoalaBear.FromUInt64(256);
                t[0, col + 1] -= KoalaBear.One;
            }
        }));
        // The operand limb b0 kept (the requester's tuple is unchanged), its bytes changed to (b_0 + 256, b_1 − 1): no row.
        Assert.False(Proves(e, t =>
        {
            t[0, BitwiseCols.BBytes] += KoalaBear.FromUInt64(256);
            t[0, BitwiseCols.BBytes + 1] -= KoalaBear.One;
        }));
        // Two selectors at once: a polynomial violation.
        var trace = BitwiseTrace.Generate<KoalaBear>([e], new LookupCounts());
        trace[0, BitwiseCols.Selectors + 2] = KoalaBear.One;
        AluTests.AssertViolated(Air, trace);
    }

    [Fact]
    public void Or_and_xor_results_come_from_the_and_lookup()
    {
        // OR and XOR rows look up the AND of their operands; a trace that puts the OR (or XOR) result in the AND column
        // violates the result constraint, and one whose AND column is right but whose result is the AND fails too.
        foreach (var op in new[] { Opcode.Or, Opcode.Xor, Opcode.Ori, Opcode.Xori })
        {
            var e = RiscV.Event(op, 0x0F0F_3C3C_AAAA_5555, 0x00FF_0FF0_5A5A_FFFF);
            Assert.True(Proves(e, _ => { }));
            var trace = BitwiseTrace.Generate<KoalaBear>([e], new LookupCounts());
            for (int j = 0; j < 8; j++)
                Assert.Equal(Prover.Core.Zkvm.Word.Byte(e.B & e.C, j), trace[0, BitwiseCols.AndBytes + j].ToCanonical());
            var forged = trace.Clone();
            forged[0, BitwiseCols.AndBytes + 2] = forged[0, BitwiseCols.ABytes + 2];
            Assert.NotEqual(trace[0, BitwiseCols.AndBytes + 2], forged[0, BitwiseCols.AndBytes + 2]);
            AluTests.AssertViolated(Air, forged);
            Assert.False(Proves(e with { A = e.B & e.C }, _ => { }, op));
        }
    }
}
