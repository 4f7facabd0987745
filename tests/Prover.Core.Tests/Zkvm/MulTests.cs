using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class MulTests(ITestOutputHelper output)
{
    private static readonly Opcode[] Ops = [Opcode.Mul, Opcode.Mulh, Opcode.Mulhsu, Opcode.Mulhu, Opcode.Mulw];

    private static AluEvent Event(Opcode op, ulong b, ulong c) => new(0x1000, op, MulDivRef.Eval(op, b, c), b, c);

    private static List<AluEvent> RandomEvents(int seed, int count)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => Event(Ops[i % Ops.Length], MulDivRef.Random64(rng), MulDivRef.Random64(rng)))];
    }

    /// <summary>Checks the constraints and that every received tuple is (op, reference result, b, c).</summary>
    private static void AssertHonest(List<AluEvent> events)
    {
        var air = new MulAir<KoalaBear>();
        var counts = new LookupCounts();
        var trace = MulTrace.Generate<KoalaBear>(events, counts);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        MulDivProving.AssertCountsMatchBus(counts, air, trace);
        var received = BusTally.Interactions(air, trace, 3).ToList();
        Assert.Equal(events.Count, received.Count);
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Assert.Equal(InteractionKind.Receive, received[i].Kind);
            Assert.Equal(KoalaBear.One, received[i].Multiplicity);
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
        const int Seed = 8101;
        output.WriteLine($"seed {Seed}");
        AssertHonest(RandomEvents(Seed, 2000));
    }

    [Fact]
    public void Reference_semantics_spot_checks()
    {
        // Independent of both the chip and the reference switch: values from the RISC-V manual's definitions.
        Assert.Equal(ulong.MaxValue, MulDivRef.Eval(Opcode.Mulh, ulong.MaxValue, 1)); // −1·1 = −1, high half all ones
        Assert.Equal(0UL, MulDivRef.Eval(Opcode.Mulhu, ulong.MaxValue, 1));
        Assert.Equal(ulong.MaxValue - 1, MulDivRef.Eval(Opcode.Mulhu, ulong.MaxValue, ulong.MaxValue)); // (2^64−1)^2 = 2^128 − 2^65 + 1
        Assert.Equal(1UL << 62, MulDivRef.Eval(Opcode.Mulh, 1UL << 63, 1UL << 63)); // (−2^63)^2 = 2^126
        Assert.Equal(ulong.MaxValue, MulDivRef.Eval(Opcode.Mulhsu, ulong.MaxValue, 5)); // −1·5 = −5
        Assert.Equal(0xFFFF_FFFF_8000_0000, MulDivRef.Eval(Opcode.Mulw, 0xFFFF_0000_0001_0000, 0x8000)); // 2^31 → sign-extended
    }

    private static (MulAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace) OneRow(Opcode op, ulong b, ulong c)
    {
        var air = new MulAir<KoalaBear>();
        var trace = MulTrace.Generate<KoalaBear>([Event(op, b, c)], new LookupCounts());
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        return (air, trace);
    }

    [Theory]
    [InlineData(Opcode.Mul, 0)]
    [InlineData(Opcode.Mulh, 5)]
    [InlineData(Opcode.Mulhu, 7)]
    [InlineData(Opcode.Mulw, 1)]
    public void Wrong_product_limb_is_caught(Opcode op, int limb)
    {
        var (air, trace) = OneRow(op, 0xFEDC_BA98_7654_3210, 0x8123_4567_89AB_CDEF);
        trace[0, MulAir.Product + limb] += KoalaBear.One;
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void Wrong_carry_is_caught(int m)
    {
        var (air, trace) = OneRow(Opcode.Mulh, 0xFEDC_BA98_7654_3210, 0x8123_4567_89AB_CDEF);
        trace[0, MulAir.Gadget.Carry(m)] += KoalaBear.One;
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
    }

    [Fact]
    public void Wrong_sign_extension_flag_is_caught()
    {
        // MULH of a negative b: claiming b is non-negative would turn it into MULHSU-like unsigned maths.
        var (air, trace) = OneRow(Opcode.Mulh, 0xFFFF_FFFF_FFFF_FFF0, 3);
        trace[0, MulAir.BNeg] = KoalaBear.Zero;
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // And the msb itself cannot be flipped: it is looked up as (byte 7, 128, 128·msb) on the ByteAnd bus.
        (air, trace) = OneRow(Opcode.Mulhu, 0x7FFF_FFFF_FFFF_FFF0, 3);
        trace[0, MulAir.Gadget.XMsb] = KoalaBear.One;
        Assert.Null(AirChecker.FindViolation(air, trace, [])); // polynomially fine (MULHU ignores it) …
        Assert.Contains(BusTally.Interactions(air, trace, ZkvmBus.ByteAnd), s => !MulDivProving.IsTrueAnd(s.Values)); // … but a false AND lookup
        var tuples = MulDivProving.Tuples([Event(Opcode.Mulhu, 0x7FFF_FFFF_FFFF_FFF0, 3)]);
        Assert.False(MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace)).IsValid);
    }

    [Fact]
    public void All_small_signed_operand_pairs_give_the_reference_results()
    {
        var events = new List<AluEvent>();
        for (long b = -9; b <= 9; b++)
            for (long c = -9; c <= 9; c++)
                foreach (var op in Ops)
                    events.Add(Event(op, (ulong)b, (ulong)c));
        AssertHonest(events);
    }

    [Fact]
    public void Mulhsu_cannot_sign_extend_its_unsigned_operand_and_mulw_sign_bit_is_range_checked()
    {
        var (air, trace) = OneRow(Opcode.Mulhsu, 5, ulong.MaxValue);
        trace[0, MulAir.CNeg] = KoalaBear.One; // would compute 5·(−1) instead of 5·(2^64 − 1)
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        // MULW: flipping bit 31's witness keeps the polynomials (the bit only selects the extension) but
        // breaks its range-checked decomposition.
        (air, trace) = OneRow(Opcode.Mulw, 3, 0x2000_0000);
        Assert.Equal(KoalaBear.Zero, trace[0, MulAir.WSign]);
        trace[0, MulAir.WSign] = KoalaBear.One;
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        Assert.Contains(BusTally.Interactions(air, trace, 1), s => s.Values[0].ToCanonical() >= 1 << 16);
    }

    /// <summary>
    /// A wrap-around forgery: result limb 0 off by one, carries "fixed up" with field inverses so every
    /// polynomial constraint still holds. Only the carries' range checks stand in the way; the verifier
    /// must reject the proof the prover makes without its own checks.
    /// </summary>
    [Fact]
    public void Wraparound_forgery_passes_the_polynomials_but_not_the_range_checks()
    {
        ulong b = 0x0123_4567_89AB_CDEF, c = 0x0FED_CBA9_8765_4321;
        var (air, trace) = OneRow(Opcode.Mul, b, c);
        ulong forged = MulDivRef.Eval(Opcode.Mul, b, c) ^ 1; // flip bit 0
        var delta = trace[0, MulAir.Product] - KoalaBear.FromUInt64(forged & 0xFFFF); // old − new
        trace[0, MulAir.Product] = KoalaBear.FromUInt64(forged & 0xFFFF);
        // S_m + carry_{m−1} = P_m + 2^16·carry_m: moving 'delta' out of P_0 into carry_0 needs carry_0 += delta/2^16,
        // which then shifts every later carry by the same chain.
        var inv = KoalaBear.FromUInt64(65536).Inverse();
        var shift = delta * inv;
        for (int m = 0; m < 8; m++)
        {
            trace[0, MulAir.Gadget.Carry(m)] += shift;
            shift *= inv;
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        // The requester asks for exactly the forged result, so the Alu bus balances; only Range16 cannot.
        var tuples = MulDivProving.Tuples([Event(Opcode.Mul, b, c)]);
        tuples[0][1] = forged & 0xFFFF;
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
    }

    /// <summary>
    /// Product limb 1 has no Range16 lookup of its own (issue 19): its only direct check is the sign decomposition
    /// v = 2·limb1 − 2^16·w_sign ∈ [0, 2^16). An odd v makes limb1 = (v + 2^16·w_sign)/2 a field element near p/2 that
    /// passes that lookup; the carries are then "fixed up" with field inverses so every polynomial constraint holds and
    /// the requester asks for exactly that limb. The limb-1 equation then needs carries far above 2^12 (the bound that
    /// makes it an integer identity), so the carries' range checks reject the proof.
    /// </summary>
    [Fact]
    public void Limb_1_above_2_16_passes_its_decomposition_but_not_the_gadget()
    {
        ulong b = 0x0123_4567_89AB_CDEF, c = 0x0FED_CBA9_8765_4321;
        var (air, trace) = OneRow(Opcode.Mul, b, c);
        ulong v = 2 * ((MulDivRef.Eval(Opcode.Mul, b, c) >> 16) & 0x7FFF) + 1; // odd
        var forgedLimb = KoalaBear.FromUInt64(v) * KoalaBear.FromUInt64(2).Inverse(); // w_sign = 0: limb1 = v/2 in the field
        Assert.True(forgedLimb.ToCanonical() >= 1 << 16);
        var delta = trace[0, MulAir.Product + 1] - forgedLimb; // old − new
        trace[0, MulAir.Product + 1] = forgedLimb;
        trace[0, MulAir.WSign] = KoalaBear.Zero;
        var inv = KoalaBear.FromUInt64(65536).Inverse();
        var shift = delta * inv;
        for (int m = 1; m < 8; m++)
        {
            trace[0, MulAir.Gadget.Carry(m)] += shift;
            shift *= inv;
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        // The decomposition lookup sees v: a 16-bit value.
        Assert.Contains(BusTally.Interactions(air, trace, 1), s => s.Values[0] == KoalaBear.FromUInt64(v));
        Assert.True(trace[0, MulAir.Gadget.Carry(1)].ToCanonical() >= 1 << 12);
        var tuples = MulDivProving.Tuples([Event(Opcode.Mul, b, c)]);
        tuples[0][2] = forgedLimb.ToCanonical();
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
    }

    /// <summary>
    /// The sharper wrap-around: limb 0 is made to hold S_0 + p over the integers. Because p ≡ 1 (mod 2^16)
    /// the product limbs and all carries stay in [0, 2^16) (carry_0 grows by ~2^15), and the field
    /// equations hold since p ≡ 0; the claimed result is b·c + p. Only the carry bound 2^12
    /// (Range16(16·carry)) rejects it; a bare 16-bit carry check would accept it.
    /// </summary>
    [Fact]
    public void Wraparound_forgery_with_16_bit_carries_is_rejected_by_the_12_bit_carry_bound()
    {
        ulong b = 0x0123_4567_89AB_CDEF, c = 0x0FED_CBA9_8765_4321;
        var (air, trace) = OneRow(Opcode.Mul, b, c);
        UInt128 carry = 0;
        ulong forged = 0;
        for (int m = 0; m < 8; m++)
        {
            UInt128 s = carry + (m == 0 ? (UInt128)KoalaBearParameters.P : 0);
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                    if (i + j == 2 * m || i + j == 2 * m + 1)
                        s += (UInt128)(((b >> (8 * i)) & 0xFF) * ((c >> (8 * j)) & 0xFF)) << (8 * (i + j - 2 * m));
            ulong limb = (ulong)(s & 0xFFFF);
            carry = s >> 16;
            Assert.True(carry < 1 << 16);
            trace[0, MulAir.Product + m] = KoalaBear.FromUInt64(limb);
            trace[0, MulAir.Gadget.Carry(m)] = KoalaBear.FromUInt64((ulong)carry);
            if (m < 4)
                forged |= limb << (16 * m);
            if (m == 1)
                trace[0, MulAir.WSign] = KoalaBear.FromUInt64(limb >> 15); // keep MULW's bit-31 decomposition consistent
        }
        Assert.NotEqual(MulDivRef.Eval(Opcode.Mul, b, c), forged);
        Assert.Equal(MulDivRef.Eval(Opcode.Mul, b, c) + KoalaBearParameters.P, forged);
        Assert.True(trace[0, MulAir.Gadget.Carry(0)].ToCanonical() >= 1 << 12);
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        var tuples = MulDivProving.Tuples([Event(Opcode.Mul, b, c)]);
        for (int k = 0; k < 4; k++)
            tuples[0][1 + k] = (forged >> (16 * k)) & 0xFFFF;
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
    }

    /// <summary>
    /// A byte-split forgery: an operand's byte k holds 256 more and byte k + 1 one less, so the operand, its limbs on
    /// the Alu bus, the convolution and every polynomial constraint are unchanged, but a "byte" is 256 or more. Only
    /// the byte lookups stand in the way (the pair lookups for bytes 0–5, RANGE8 for byte 6); the proof of the forged
    /// trace must be rejected, as must one whose pair lookup carries a wrong AND.
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(4, true)]
    [InlineData(6, true)]
    public void Byte_split_forgery_is_rejected_by_the_byte_lookups(int k, bool onY)
    {
        ulong b = 0x0123_4567_89AB_CDEF, c = 0x0FED_CBA9_8765_4321;
        var (air, trace) = OneRow(Opcode.Mul, b, c);
        int first = onY ? MulAir.Gadget.YByte(0) : MulAir.Gadget.XByte(0);
        trace[0, first + k] += KoalaBear.FromUInt64(256);
        trace[0, first + k + 1] -= KoalaBear.One;
        // The per-limb sums move by 2^16·y between neighbouring limbs: the carries follow (integers, the product is unchanged).
        long carry = 0;
        for (int m = 0; m < 8; m++)
        {
            long sum = carry - trace[0, MulAir.Product + m].ToCanonical();
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                    if (i + j == 2 * m || i + j == 2 * m + 1)
                        sum += (long)trace[0, MulAir.Gadget.XByte(i)].ToCanonical() * trace[0, MulAir.Gadget.YByte(j)].ToCanonical() << (8 * (i + j - 2 * m));
            Assert.Equal(0, sum & 0xFFFF);
            carry = sum >> 16;
            Assert.InRange(carry, 0, (1 << 12) - 1);
            trace[0, MulAir.Gadget.Carry(m)] = KoalaBear.FromUInt64((ulong)carry);
        }
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        Assert.Contains(BusTally.Interactions(air, trace, ZkvmBus.ByteAnd), s => !MulDivProving.IsTrueAnd(s.Values));
        var tuples = MulDivProving.Tuples([Event(Opcode.Mul, b, c)]);
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        output.WriteLine(result.ToString());
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);

        // The pair's AND column is checked too: the honest bytes with a wrong AND are a tuple the table does not hold.
        (air, trace) = OneRow(Opcode.Mul, b, c);
        trace[0, MulAir.Gadget.XAnd(1)] += KoalaBear.One;
        Assert.Null(AirChecker.FindViolation(air, trace, []));
        Assert.False(MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace)).IsValid);
    }

    [Fact]
    public void Result_disagreeing_with_the_requester_unbalances_the_Alu_bus()
    {
        var (air, trace) = OneRow(Opcode.Mulhu, 0xFFFF_0000_1234_5678, 0x9999_8888_7777_6666);
        var tuples = MulDivProving.Tuples([Event(Opcode.Mulhu, 0xFFFF_0000_1234_5678, 0x9999_8888_7777_6666)]);
        tuples[0][1] ^= 1; // the CPU expects another result than the chip proves
        var result = MulDivProving.RoundTrip(tuples, MulDivProving.CountsFromBus((air, trace)), false, (air, trace));
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);
    }

    [Fact]
    public void Stark_round_trip_with_requester_and_range_table()
    {
        var events = RandomEvents(77, 40);
        foreach (var op in Ops)
        {
            events.Add(Event(op, 1UL << 63, ulong.MaxValue));
            events.Add(Event(op, ulong.MaxValue, ulong.MaxValue));
            events.Add(Event(op, 0xDEAD_BEEF_8000_0000, 0x7FFF_FFFF));
        }
        var air = new MulAir<KoalaBear>();
        var counts = new LookupCounts();
        var trace = MulTrace.Generate<KoalaBear>(events, counts);
        var result = MulDivProving.RoundTrip(MulDivProving.Tuples(events), counts, true, (air, trace));
        Assert.True(result.IsValid, result.ToString());
        var compiled = new CompiledAir<KoalaBear>(air);
        output.WriteLine($"mul: width {air.Width}, constraints {compiled.ConstraintCount}, interactions {compiled.Interactions.Count}, degree {compiled.MaxConstraintDegree}");
    }
}
