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
        var result = AluTests.RoundTrip(Air, trace, counts, events, range16: false, byteOp: true);
        Assert.True(result.IsValid, result.ToString());
    }

    private static bool Proves(AluEvent claimed, Action<Prover.Core.Matrix.RowMajorMatrix<KoalaBear>> tamper, Opcode? requesterOp = null)
    {
        // The chip row of the claimed event (tampered), a requester that sends the same claim, and a
        // ByteOp table holding the (true) rows of the honest event's lookups.
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
        return AluTests.RoundTrip(Air, trace, counts, [honest], checkConstraints: false, range16: false, byteOp: true, tuples: [tuple]).IsValid;
    }

    [Fact]
    public void Wrong_result_flipped_selector_and_non_byte_are_rejected_by_the_bus()
    {
        var e = RiscV.Event(Opcode.And, 0x0123_4567_89AB_CDEF, 0xFF00_FF00_F0F0_0F0F);
        Assert.True(Proves(e, _ => { }));
        // A wrong result limb (the requester claims it too): the ByteOp lookup (AND, b_j, c_j, wrong) has no row.
        Assert.False(Proves(e with { A = e.A ^ (1UL << 40) }, _ => { }));
        // Selector flipped to OR (requester says OR too): the AND result is not the OR of the bytes.
        Assert.False(Proves(e, t => { t[0, BitwiseCols.Selectors] = KoalaBear.Zero; t[0, BitwiseCols.Selectors + 1] = KoalaBear.One; }, Opcode.Or));
        // The limb a0 kept, its bytes changed to (a_0 + 256, a_1 − 1): not a byte, no row.
        Assert.False(Proves(e, t =>
        {
            t[0, BitwiseCols.ABytes] += KoalaBear.FromUInt64(256);
            t[0, BitwiseCols.ABytes + 1] -= KoalaBear.One;
        }));
        // Two selectors at once: a polynomial violation.
        var trace = BitwiseTrace.Generate<KoalaBear>([e], new LookupCounts());
        trace[0, BitwiseCols.Selectors + 2] = KoalaBear.One;
        AluTests.AssertViolated(Air, trace);
    }
}
