using Prover.Core.Air;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.DivRem;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class DivRemTests(ITestOutputHelper output)
{
    private static readonly Opcode[] Ops =
        [Opcode.Div, Opcode.Divu, Opcode.Rem, Opcode.Remu, Opcode.Divw, Opcode.Divuw, Opcode.Remw, Opcode.Remuw];

    private static AluEvent Event(Opcode op, ulong b, ulong c) => new(0x2000, op, MulDivRef.Eval(op, b, c), b, c);

    private static void AssertHonest(List<AluEvent> events)
    {
        var air = new DivRemAir<KoalaBear>();
        var counts = new LookupCounts();
        var trace = DivRemTrace.Generate<KoalaBear>(events, counts);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        MulDivProving.AssertCountsMatchBus(counts, air, trace);
        var received = BusTally.Interactions(air, trace, 3).ToList();
        Assert.Equal(events.Count, received.Count);
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Assert.Equal((e.Op, MulDivRef.Eval(e.Op, e.B, e.C), e.B, e.C), BusTally.Decode(received[i].Values));
        }
    }

    [Fact]
    public void Edge_operands_satisfy_the_constraints_and_give_the_reference_results()
    {
        var events = new List<AluEvent>();
        foreach (var op in Ops)
            foreach (var (b, c) in MulDivRef.EdgePairs())
                events.Add(Event(op, b, c));
        AssertHonest(events);
    }

    [Fact]
    public void Random_operands_satisfy_the_constraints_and_give_the_reference_results()
    {
        const int Seed = 9202;
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed);
        AssertHonest([.. Enumerable.Range(0, 2000).Select(i => Event(Ops[i % Ops.Length], MulDivRef.Random64(rng), MulDivRef.Random64(rng)))]);
    }

    [Fact]
    public void All_small_signed_operand_pairs_give_the_reference_results()
    {
        // Every sign combination, |r| = |C| − 1 boundaries, ±1 and 0 divisors, in both widths.
        var events = new List<AluEvent>();
        for (long b = -9; b <= 9; b++)
            for (long c = -9; c <= 9; c++)
                foreach (var op in Ops)
                    events.Add(Event(op, (ulong)b, (ulong)c));
        AssertHonest(events);
    }

    [Fact]
    public void Reference_semantics_spot_checks()
    {
        // RISC-V manual, M extension: division by zero and overflow table; W forms on 32-bit values.
        Assert.Equal(ulong.MaxValue, MulDivRef.Eval(Opcode.Div, 5, 0));
        Assert.Equal(ulong.MaxValue, MulDivRef.Eval(Opcode.Divu, 5, 0));
        Assert.Equal(5UL, MulDivRef.Eval(Opcode.Rem, 5, 0));
        Assert.Equal(5UL, MulDivRef.Eval(Opcode.Remu, 5, 0));
        Assert.Equal(1UL << 63, MulDivRef.Eval(Opcode.Div, 1UL << 63, ulong.MaxValue));
        Assert.Equal(0UL, MulDivRef.Eval(Opcode.Rem, 1UL << 63, ulong.MaxValue));
        Assert.Equal(unchecked((ulong)-3L), MulDivRef.Eval(Opcode.Div, unchecked((ulong)-7L), 2));
        Assert.Equal(unchecked((ulong)-1L), MulDivRef.Eval(Opcode.Rem, unchecked((ulong)-7L), 2));
        Assert.Equal(0xFFFF_FFFF_8000_0000, MulDivRef.Eval(Opcode.Divw, 0x1234_5678_8000_0000, 0xFFFF_FFFF));
        Assert.Equal(0UL, MulDivRef.Eval(Opcode.Remw, 0x1234_5678_8000_0000, 0xFFFF_FFFF));
        Assert.Equal(ulong.MaxValue, MulDivRef.Eval(Opcode.Divuw, 0xABCD, 0xFFFF_FFFF_0000_0000)); // divisor's low word is 0
        Assert.Equal(0xFFFF_FFFF_8000_0001, MulDivRef.Eval(Opcode.Remuw, 0x0000_0007_8000_0001, 0xFFFF_FFFF_0000_0000));
        Assert.Equal(0xFFFF_FFFF_FFFF_FFFE, MulDivRef.Eval(Opcode.Divuw, 0xFFFF_FFFE, 1)); // 32-bit quotient sign-extended
    }

    private static (DivRemAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace) Forged(Opcode op, ulong b, ulong c, ulong q, ulong r, bool qNeg)
    {
        var air = new DivRemAir<KoalaBear>();
        var trace = new RowMajorMatrix<KoalaBear>(2, air.Width);
        DivRemTrace.Fill(trace.Row(0), Event(op, b, c), q, r, qNeg, null);
        return (air, trace);
    }

    [Fact]
    public void Fill_with_the_true_quotient_is_accepted()
    {
        // The forgery tests below use Fill; with honest values it must pass, or they would prove nothing.
        var (air, trace) = Forged(Opcode.Divu, 100, 7, 14, 2, false);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        (air, trace) = Forged(Opcode.Rem, unchecked((ulong)-7L), 2, unchecked((ulong)-3L), unchecked((ulong)-1L), true);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
    }

    [Fact]
    public void Quotient_off_by_one_with_remainder_adjusted_is_caught()
    {
        // 100 = 13·7 + 9 holds, but 9 ≥ 7.
        var (air, trace) = Forged(Opcode.Divu, 100, 7, 13, 9, false);
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // 100 = 15·7 − 5: a "remainder" of 2^64 − 5 (unsigned, and the sum wraps mod 2^64 only).
        (air, trace) = Forged(Opcode.Divu, 100, 7, 15, unchecked((ulong)-5L), false);
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
    }

    [Fact]
    public void Floor_division_instead_of_truncation_is_caught()
    {
        // −7 = −4·2 + 1: remainder bound holds, but a non-zero remainder must have the dividend's sign.
        var (air, trace) = Forged(Opcode.Rem, unchecked((ulong)-7L), 2, unchecked((ulong)-4L), 1, true);
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
    }

    [Fact]
    public void Forged_division_by_zero_flag_is_caught()
    {
        var air = new DivRemAir<KoalaBear>();
        // Claiming C = 0 for C = 7 (which would allow q = −1, r = B).
        var trace = DivRemTrace.Generate<KoalaBear>([Event(Opcode.Div, 100, 7)], new LookupCounts());
        trace[0, DivRemAir.CZero] = KoalaBear.One;
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // Denying C = 0 for C = 0 (W form: only the low word counts).
        trace = DivRemTrace.Generate<KoalaBear>([Event(Opcode.Divw, 100, 0xFFFF_FFFF_0000_0000)], new LookupCounts());
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        trace[0, DivRemAir.CZero] = KoalaBear.Zero;
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // Division by zero with another quotient: q·0 + r = B still holds, the q = all-ones rule does not.
        var (a2, t2) = Forged(Opcode.Divu, 100, 0, 12345, 100, false);
        t2[0, DivRemAir.CZero] = KoalaBear.One;
        Assert.NotNull(AirChecker.FindViolation(a2, t2, []));
    }

    [Fact]
    public void Overflow_cannot_be_answered_with_another_quotient()
    {
        // −2^63 / −1: the only accepted answer is q = −2^63 read unsigned (q_neg = 0). Claiming it
        // signed (q_neg = 1) breaks the product.
        var (air, trace) = Forged(Opcode.Div, 1UL << 63, ulong.MaxValue, 1UL << 63, 0, false);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        (air, trace) = Forged(Opcode.Div, 1UL << 63, ulong.MaxValue, 1UL << 63, 0, true);
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // And reading a quotient unsigned elsewhere does not help: −6 / 3 with q = −2 as 2^64 − 2.
        (air, trace) = Forged(Opcode.Div, unchecked((ulong)-6L), 3, unchecked((ulong)-2L), 0, false);
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
    }

    /// <summary>
    /// The strongest form of "r ≥ C": the d chain is solved in the field (carries as field quotients,
    /// d_3 from the last equation), so every polynomial constraint holds; only the range checks of d and
    /// the carries stand in the way, and the verifier rejects the proof.
    /// </summary>
    [Fact]
    public void Remainder_bound_forgery_solved_in_the_field_is_rejected_by_the_verifier()
    {
        ulong b = 1000, c = 7;
        var (air, trace) = Forged(Opcode.Divu, b, c, 141, 13, false); // 141·7 + 13 = 1000, 13 ≥ 7
        var inv = KoalaBear.FromUInt64(65536).Inverse();
        var carry = KoalaBear.Zero;
        for (int k = 0; k < 4; k++)
        {
            var lhs = KoalaBear.FromUInt64((c >> (16 * k)) & 0xFFFF) - trace[0, DivRemAir.R + k] - trace[0, DivRemAir.D + k]
                - (k == 0 ? KoalaBear.One : KoalaBear.Zero) + carry;
            if (k < 3)
            {
                carry = lhs * inv;
                trace[0, DivRemAir.DCarry + k] = carry;
            }
            else
            {
                trace[0, DivRemAir.D + 3] += lhs; // the final carry must be 0 (unsigned): absorb into d_3
            }
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        var tuples = MulDivProving.Tuples([Event(Opcode.Divu, b, c)]);
        tuples[0][1] = 141; // the requester asks for the forged quotient: the Alu bus balances, Range16 cannot
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
    }

    /// <summary>
    /// r ≥ C with d and the carries all in [0, 2^16): limb 0 of the d chain is satisfied modulo p
    /// (7 − 13 − d_0 − 1 = 2^16·cy_0 − p with d_0 = 65,530, cy_0 = 32,511; p ≡ 1 mod 2^16), the rest
    /// honestly. Only the carry bound cy + 3 &lt; 8 (Range16(2^13·(cy + 3))) rejects it.
    /// </summary>
    [Fact]
    public void Remainder_bound_forgery_with_16_bit_carries_is_rejected_by_the_carry_bound()
    {
        var (air, trace) = Forged(Opcode.Divu, 1000, 7, 141, 13, false);
        ulong[] d = [65530, 32511, 0, 0];
        for (int k = 0; k < 4; k++)
            trace[0, DivRemAir.D + k] = KoalaBear.FromUInt64(d[k]);
        trace[0, DivRemAir.DCarry] = KoalaBear.FromUInt64(32511);
        trace[0, DivRemAir.DCarry + 1] = KoalaBear.Zero;
        trace[0, DivRemAir.DCarry + 2] = KoalaBear.Zero;
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        var tuples = MulDivProving.Tuples([Event(Opcode.Divu, 1000, 7)]);
        tuples[0][1] = 141;
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Stark_round_trip_with_requester_mul_divrem_and_range_table()
    {
        var rng = new Random(31);
        var div = new List<AluEvent>();
        foreach (var op in Ops)
        {
            div.Add(Event(op, MulDivRef.Random64(rng), MulDivRef.Random64(rng)));
            div.Add(Event(op, 1UL << 63, ulong.MaxValue)); // overflow (64-bit forms)
            div.Add(Event(op, 0xDEAD_BEEF_8000_0000, ulong.MaxValue)); // overflow (W forms)
            div.Add(Event(op, 0x1234_5678_9ABC_DEF0, 0)); // division by zero
            div.Add(Event(op, unchecked((ulong)-7L), 2));
        }
        var mul = new List<AluEvent> { new(0, Opcode.Mulh, MulDivRef.Eval(Opcode.Mulh, 1UL << 63, 3), 1UL << 63, 3) };
        var mulAir = new MulAir<KoalaBear>();
        var divAir = new DivRemAir<KoalaBear>();
        var counts = new LookupCounts();
        var mulTrace = MulTrace.Generate<KoalaBear>(mul, counts);
        var divTrace = DivRemTrace.Generate<KoalaBear>(div, counts);
        // With the zkVM's own byte table, sized to the lookups counted.
        var table = new ByteTable<KoalaBear>();
        var result = ZkvmProving.ProveAndVerify(
            [new TupleSenderAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "alu-requester"), mulAir, divAir, table],
            [TupleSenderAir.Trace(MulDivProving.Tuples([.. mul, .. div]), ZkvmBus.AluTupleWidth), mulTrace, divTrace, table.GenerateTrace(counts)]);
        Assert.True(result.IsValid, result.ToString());
        var compiled = new CompiledAir<KoalaBear>(divAir);
        output.WriteLine($"divrem: width {divAir.Width}, constraints {compiled.ConstraintCount}, interactions {compiled.Interactions.Count}, degree {compiled.MaxConstraintDegree}");
    }
}
