using Prover.Core.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Shift;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class ShiftTests(ITestOutputHelper output)
{
    private static readonly ShiftAir<KoalaBear> Air = new();

    private static readonly Opcode[] Ops =
        [Opcode.Sll, Opcode.Srl, Opcode.Sra, Opcode.Slli, Opcode.Srli, Opcode.Srai, Opcode.Sllw, Opcode.Srlw, Opcode.Sraw, Opcode.Slliw, Opcode.Srliw, Opcode.Sraiw];

    private static bool IsImmediate(Opcode op) => op is Opcode.Slli or Opcode.Srli or Opcode.Srai or Opcode.Slliw or Opcode.Srliw or Opcode.Sraiw;

    private static bool IsW(Opcode op) => op >= Opcode.Sllw;

    /// <summary>Register forms take any c (the chip masks it); immediate forms take the shamt itself (6 or 5 bits).</summary>
    private static List<AluEvent> Events(int randomCount, int seed)
    {
        var events = new List<AluEvent>();
        var amounts = new ulong[] { 0, 1, 7, 8, 9, 15, 16, 31, 32, 33, 40, 48, 56, 63 };
        var operands = RiscV.Operands(randomCount, seed);
        foreach (var op in Ops)
        {
            foreach (var (b, c) in operands)
                events.Add(RiscV.Event(op, b, IsImmediate(op) ? c & (IsW(op) ? 31UL : 63UL) : c));
            foreach (var b in RiscV.Edges)
                foreach (var s in amounts)
                    events.Add(RiscV.Event(op, b, IsImmediate(op) && IsW(op) ? s & 31 : s));
        }
        return events;
    }

    [Fact]
    public void Reference_semantics_spot_checks()
    {
        // The independent reference itself, on values worked by hand.
        Assert.Equal(0x8000_0000_0000_0000UL, RiscV.Eval(Opcode.Sll, 1, 63));
        Assert.Equal(1UL, RiscV.Eval(Opcode.Sll, 1, 64)); // masked to 0
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, RiscV.Eval(Opcode.Sllw, 1, 31));
        Assert.Equal(1UL, RiscV.Eval(Opcode.Sllw, 1, 32)); // masked to 0
        Assert.Equal(0xFFFF_FFFF_FFFF_FFFFUL, RiscV.Eval(Opcode.Sra, 0x8000_0000_0000_0000, 63));
        Assert.Equal(1UL, RiscV.Eval(Opcode.Srl, 0x8000_0000_0000_0000, 63));
        Assert.Equal(0x0000_0000_0000_0001UL, RiscV.Eval(Opcode.Srlw, 0xFFFF_FFFF_8000_0000, 31));
        Assert.Equal(0xFFFF_FFFF_FFFF_FFFFUL, RiscV.Eval(Opcode.Sraw, 0x0000_0000_8000_0000, 31));
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, RiscV.Eval(Opcode.Srlw, 0x1234_5678_8000_0000, 0));
    }

    [Fact]
    public void Edge_and_random_events_satisfy_the_air()
    {
        var events = Events(100, 31);
        var trace = ShiftTrace.Generate<KoalaBear>(events, new LookupCounts());
        AluTests.AssertSatisfied(Air, trace);
        // The trace's result limbs (a = bytes of y, sign-extended for W forms) equal the reference.
        for (int r = 0; r < events.Count; r++)
        {
            ulong y = 0;
            for (int j = 0; j < 8; j++)
                y |= (ulong)trace[r, ShiftCols.Y + j].ToCanonical() << (8 * j);
            if (IsW(events[r].Op))
                y = (ulong)(long)(int)(uint)y;
            Assert.True(y == RiscV.Eval(events[r].Op, events[r].B, events[r].C), $"{events[r]}: chip {y:x}");
        }
        var (constraints, interactions, degree) = AluTests.Shape(Air);
        output.WriteLine($"shift: {Air.Width} columns, {constraints} constraints, {interactions} interactions, degree {degree}, {events.Count} events");
        Assert.True(degree <= 3);
    }

    [Fact]
    public void Events_round_trip()
    {
        var events = Events(4, 32).Where((_, i) => i % 41 == 0).ToList();
        var counts = new LookupCounts();
        var trace = ShiftTrace.Generate<KoalaBear>(events, counts);
        var result = AluTests.RoundTrip(Air, trace, counts, events, byteAnd: true);
        Assert.True(result.IsValid, result.ToString());
        output.WriteLine($"{events.Count} events");
    }

    private static bool Proves(AluEvent e, ulong claimed, Action<Prover.Core.Matrix.RowMajorMatrix<KoalaBear>> tamper, Opcode? requesterOp = null, AluEvent? countFrom = null)
    {
        // Lookup tables hold the (true) rows the honest trace of countFrom (default e) looks up.
        var counts = new LookupCounts();
        var trace = ShiftTrace.Generate<KoalaBear>([e], counts);
        if (countFrom is { } other)
        {
            counts = new LookupCounts();
            ShiftTrace.Generate<KoalaBear>([other], counts);
        }
        tamper(trace);
        var tuple = AluTests.AluTuples([e])[0];
        for (int i = 0; i < 4; i++)
            tuple[1 + i] = Word.Limb(claimed, i);
        if (requesterOp is { } op)
            tuple[0] = (ulong)op;
        return AluTests.RoundTrip(Air, trace, counts, [e], checkConstraints: false, byteAnd: true, tuples: [tuple]).IsValid;
    }

    [Fact]
    public void Wrong_results_and_tampered_witnesses_are_caught()
    {
        var e = RiscV.Event(Opcode.Sra, 0x8123_4567_89AB_CDEF, 0xFFFF_0000_0000_FFCC); // low 6 bits: 12
        Assert.True(Proves(e, e.A, _ => { }));
        Assert.False(Proves(e, e.A ^ 1, _ => { }));
        Assert.False(Proves(e, RiscV.Eval(Opcode.Srl, e.B, e.C), _ => { }));
        // Selector flipped to SRL (requester says SRL with the SRA result): fill must then be 0, a violation.
        var flipped = ShiftTrace.Generate<KoalaBear>([e], new LookupCounts());
        flipped[0, ShiftCols.Selectors + 2] = KoalaBear.Zero;
        flipped[0, ShiftCols.Selectors + 1] = KoalaBear.One;
        AluTests.AssertViolated(Air, flipped);
        // Non-byte lo/hi keeping lo + 256·hi: only the RANGE8 lookups catch it.
        Assert.False(Proves(e, e.A, t =>
        {
            t[0, ShiftCols.Lo + 2] += KoalaBear.FromUInt64(256);
            t[0, ShiftCols.Hi + 2] -= KoalaBear.One;
        }));
        // Each single witness cell changed: a polynomial violation.
        foreach (int col in new[] { ShiftCols.ShiftBits, ShiftCols.ShiftBits + 2, ShiftCols.ShiftBits + 3, ShiftCols.CHigh, ShiftCols.ByteShift + 1, ShiftCols.Pow, ShiftCols.PowR, ShiftCols.Mult, ShiftCols.FillBit, ShiftCols.Lo, ShiftCols.Hi + 7, ShiftCols.FillLo, ShiftCols.Y + 5 })
        {
            var t = ShiftTrace.Generate<KoalaBear>([e], new LookupCounts());
            t[0, col] += KoalaBear.One;
            AluTests.AssertViolated(Air, t);
        }
        // A forged shift amount with a non-canonical high part (c0 = 12 + 64·cHigh with s = 13 and
        // cHigh = (c0 − 13)/64 in the field): the polynomial holds, only the Range16 lookup of cHigh catches it.
        var s = RiscV.Event(Opcode.Sll, 0x0123_4567_89AB_CDEF, 12);
        // The tables hold every other lookup of the forged row (those of an honest shift by 13).
        void Forge(Prover.Core.Matrix.RowMajorMatrix<KoalaBear> t)
        {
            var honest13 = ShiftTrace.Generate<KoalaBear>([s with { C = 13 }], new LookupCounts());
            for (int col = 0; col < ShiftCols.Width; col++)
                t[0, col] = honest13[0, col];
            t[0, ShiftCols.C] = KoalaBear.FromUInt64(12);
            t[0, ShiftCols.CHigh] = (KoalaBear.FromUInt64(12) - KoalaBear.FromUInt64(13)) * KoalaBear.FromUInt64(64).Inverse();
        }
        var forged = ShiftTrace.Generate<KoalaBear>([s], new LookupCounts());
        Forge(forged);
        AluTests.AssertSatisfied(Air, forged);
        Assert.False(Proves(s, RiscV.Eval(Opcode.Sll, s.B, 13), Forge, countFrom: s with { C = 13 }));
    }

    [Fact]
    public void W_forms_ignore_the_upper_operand_and_shift_bit_5()
    {
        // SLLW/SRLW/SRAW by 32 + s behave as by s; the operand's upper word does not matter.
        var trace = ShiftTrace.Generate<KoalaBear>(
            [RiscV.Event(Opcode.Sllw, 0xDEAD_BEEF_0000_0001, 32 + 31), RiscV.Event(Opcode.Srlw, 0xDEAD_BEEF_8000_0000, 32 + 31), RiscV.Event(Opcode.Sraw, 0x0000_0000_8000_0000, 63)],
            new LookupCounts());
        AluTests.AssertSatisfied(Air, trace);
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, RiscV.Eval(Opcode.Sllw, 0xDEAD_BEEF_0000_0001, 63));
    }
}
