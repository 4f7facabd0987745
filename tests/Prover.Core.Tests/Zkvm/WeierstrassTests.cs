using System.Globalization;
using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.EllipticCurve;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Tables;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Zkvm;

/// <summary>secp256k1 points, an independent affine reference (extended Euclid inverse) and the ecc test guest's input format (native/guest/tests/ecc.c).</summary>
internal static class EccCases
{
    public static readonly BigInteger P = Hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
    public static readonly (BigInteger X, BigInteger Y) G =
        (Hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"), Hex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"));
    // 2G and 3G (published secp256k1 multiples).
    public static readonly (BigInteger X, BigInteger Y) G2 =
        (Hex("c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"), Hex("1ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a"));
    public static readonly (BigInteger X, BigInteger Y) G3 =
        (Hex("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"), Hex("388f7b0f632de8140fe337e62a37f3566500a99934c2231b6cb9fd7584b8e672"));

    public static BigInteger Hex(string s) => BigInteger.Parse("0" + s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static BigInteger Mod(BigInteger v) => ((v % P) + P) % P;

    /// <summary>a^-1 mod p by the extended Euclidean algorithm (not the machine's Fermat inversion).</summary>
    public static BigInteger Inverse(BigInteger a)
    {
        BigInteger r0 = P, r1 = Mod(a), s0 = 0, s1 = 1;
        while (!r1.IsZero)
        {
            var q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (s0, s1) = (s1, s0 - q * s1);
        }
        Assert.Equal(BigInteger.One, r0);
        return Mod(s0);
    }

    public static (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        var l = Mod((b.Y - a.Y) * Inverse(b.X - a.X));
        var x = Mod(l * l - a.X - b.X);
        return (x, Mod(l * (a.X - x) - a.Y));
    }

    public static (BigInteger X, BigInteger Y) Double((BigInteger X, BigInteger Y) a)
    {
        var l = Mod(3 * a.X * a.X * Inverse(2 * a.Y));
        var x = Mod(l * l - 2 * a.X);
        return (x, Mod(l * (a.X - x) - a.Y));
    }

    public static bool OnCurve((BigInteger X, BigInteger Y) a) => Mod(a.Y * a.Y - a.X * a.X * a.X - 7).IsZero;

    /// <summary>k·G (k ≥ 1) by affine double-and-add on the reference.</summary>
    public static (BigInteger X, BigInteger Y) Multiple(BigInteger k)
    {
        (BigInteger X, BigInteger Y)? acc = null;
        for (int i = (int)k.GetBitLength() - 1; i >= 0; i--)
        {
            if (acc is { } a)
                acc = Double(a);
            if (!(k >> i).IsEven)
                acc = acc is { } b ? (b.X == G.X ? Double(b) : Add(b, G)) : G;
        }
        return acc!.Value;
    }

    public static BigInteger Random(Random rng, int bits = 256)
    {
        var bytes = new byte[bits / 8];
        rng.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true);
    }

    /// <summary>(isDouble, P, Q): curve points (small and random multiples of G, P + (−P.y)…), unreduced coordinates and points off the curve (the operation is defined for any coordinates).</summary>
    public static List<(bool IsDouble, (BigInteger X, BigInteger Y) P, (BigInteger X, BigInteger Y) Q)> Cases(int seed, int random)
    {
        var rng = new Random(seed);
        var list = new List<(bool, (BigInteger, BigInteger), (BigInteger, BigInteger))>
        {
            (true, G, default), (false, G2, G), (false, G, G2), (false, G3, (G.X, P - G.Y)), // 3G − G = 2G
            (true, G3, default),
            (false, (5 + P, 7), (9, P - 1)), // x1 unreduced, off the curve
            (true, (P + 3, 2 * P + 1 > (BigInteger.One << 256) - 1 ? 1 : 2 * P + 1), default),
            (false, (0, 0), (P - 1, P - 1)),
            (true, ((BigInteger.One << 256) - 1, (BigInteger.One << 256) - 1), default), // both unreduced (2^256 − 1 ≡ 2^32 + 976)
        };
        for (int i = 0; i < random; i++)
        {
            var a = Multiple(Random(rng) % (P - 1) + 1);
            var b = Multiple(Random(rng) % (P - 1) + 1);
            list.Add((false, a, b));
            list.Add((true, a, default));
        }
        return list;
    }

    public static (BigInteger X, BigInteger Y) Expected(bool isDouble, (BigInteger X, BigInteger Y) p, (BigInteger X, BigInteger Y) q) =>
        isDouble ? Double((Mod(p.X), Mod(p.Y))) : Add((Mod(p.X), Mod(p.Y)), (Mod(q.X), Mod(q.Y)));

    public static byte[] Bytes((BigInteger X, BigInteger Y) a)
    {
        var b = new byte[64];
        a.X.TryWriteBytes(b.AsSpan(0, 32), out _, isUnsigned: true);
        a.Y.TryWriteBytes(b.AsSpan(32, 32), out _, isUnsigned: true);
        return b;
    }

    public static byte[] Input(IEnumerable<(bool IsDouble, (BigInteger X, BigInteger Y) P, (BigInteger X, BigInteger Y) Q)> cases)
    {
        var input = new List<byte>();
        foreach (var (isDouble, p, q) in cases)
        {
            input.Add(isDouble ? (byte)1 : (byte)0);
            input.AddRange(Bytes(p));
            if (!isDouble)
                input.AddRange(Bytes(q));
        }
        return [.. input];
    }

    public static byte[] Expected(IEnumerable<(bool IsDouble, (BigInteger X, BigInteger Y) P, (BigInteger X, BigInteger Y) Q)> cases) =>
        [.. cases.SelectMany(c => Bytes(Expected(c.IsDouble, c.P, c.Q)))];
}

/// <summary>The secp256k1 point syscalls on the machine: results equal the reference on every engine, bad arguments fault.</summary>
public sealed class WeierstrassMachineTests
{
    private const ulong Pp = Emu.Data;
    private const ulong Qp = Emu.Data + 0x100;

    private static void Setup(Prover.Core.Machine.Machine m, bool isDouble, (BigInteger X, BigInteger Y) p, (BigInteger X, BigInteger Y) q, ulong pPtr = Pp, ulong qPtr = Qp)
    {
        m.SetRegister(17, isDouble ? Syscall.Secp256k1Double : Syscall.Secp256k1Add);
        m.SetRegister(10, pPtr);
        m.SetRegister(11, qPtr);
        if (pPtr >= Emu.Data && pPtr < MemoryMap.RamEnd - 64 && pPtr % 8 == 0)
            m.WriteMemory(pPtr, EccCases.Bytes(p));
        if (qPtr >= Emu.Data && qPtr < MemoryMap.RamEnd - 64 && qPtr % 8 == 0)
            m.WriteMemory(qPtr, EccCases.Bytes(q));
    }

    [Fact]
    public void Reference_matches_published_multiples()
    {
        Assert.Equal(EccCases.G2, EccCases.Double(EccCases.G));
        Assert.Equal(EccCases.G3, EccCases.Add(EccCases.G2, EccCases.G));
        Assert.True(EccCases.OnCurve(EccCases.G3));
    }

    [Fact]
    public void Results_equal_the_reference_on_interpreter_jit_and_tracer()
    {
        foreach (var (isDouble, p, q) in EccCases.Cases(seed: 19, random: 6))
        {
            var outcome = Emu.Run([Ecall], machine => Setup(machine, isDouble, p, q));
            Assert.Equal(EccCases.Bytes(EccCases.Expected(isDouble, p, q)), outcome.Data);
            Assert.Equal(0UL, outcome[10]);
            var e = Assert.Single(outcome.Shards.SelectMany(s => s.WeierstrassOps));
            Assert.Equal(isDouble ? 8 : 16, e.Accesses.Length);
        }
        Assert.Equal(EccCases.Bytes(EccCases.G2), Emu.Run([Ecall], m => Setup(m, true, EccCases.G, default)).Data);
        Assert.Equal(EccCases.Bytes(EccCases.G3), Emu.Run([Ecall], m => Setup(m, false, EccCases.G2, EccCases.G)).Data);
    }

    [Fact]
    public void Guest_results_equal_the_reference()
    {
        var cases = EccCases.Cases(seed: 20, random: 6);
        var program = GuestProgram.FromElf(GuestTests.Elf("ecc"));
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var machine = new Prover.Core.Machine.Machine(program, EccCases.Input(cases), new MachineOptions { Engine = engine, JitThreshold = 1 });
            var result = machine.Run();
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(EccCases.Expected(cases), result.CommittedOutput);
        }
    }

    [Theory]
    [InlineData(Pp + 4, Qp, "8-aligned")]
    [InlineData(Pp, Qp + 2, "8-aligned")]
    [InlineData(MemoryMap.RamBase, Qp, "writable RAM")]
    [InlineData(MemoryMap.RamEnd - 32, Qp, "writable RAM")]
    [InlineData(MemoryMap.InputBase, Qp, "writable RAM")]
    [InlineData(Pp, 8UL, "not in RAM")]
    [InlineData(Pp, MemoryMap.RamEnd - 32, "not in RAM")]
    [InlineData(Pp, Pp + 56, "overlaps")]
    [InlineData(Pp + 32, Pp, "overlaps")]
    public void Bad_pointers_fault(ulong pPtr, ulong qPtr, string message)
    {
        foreach (bool traced in new[] { false, true })
        {
            var e = Emu.Fault([Ecall], m => Setup(m, false, EccCases.G, EccCases.G2, pPtr, qPtr), traced: traced);
            Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Undefined_inputs_fault()
    {
        // add with x_P ≡ x_Q (P = Q, P = −Q, and x + p vs x), double with y ≡ 0 (also y = p).
        Assert.Contains("x_P ≡ x_Q", Emu.Fault([Ecall], m => Setup(m, false, EccCases.G, EccCases.G)).Message, StringComparison.Ordinal);
        Assert.Contains("x_P ≡ x_Q", Emu.Fault([Ecall], m => Setup(m, false, EccCases.G, (EccCases.G.X, EccCases.P - EccCases.G.Y))).Message, StringComparison.Ordinal);
        Assert.Contains("x_P ≡ x_Q", Emu.Fault([Ecall], m => Setup(m, false, (5, 1), (5 + EccCases.P, 2))).Message, StringComparison.Ordinal);
        Assert.Contains("y ≡ 0", Emu.Fault([Ecall], m => Setup(m, true, (3, 0), default)).Message, StringComparison.Ordinal);
        Assert.Contains("y ≡ 0", Emu.Fault([Ecall], m => Setup(m, true, (3, EccCases.P), default)).Message, StringComparison.Ordinal);
        // double ignores a1 (any value, even misaligned).
        var ok = Emu.Run([Ecall], m => Setup(m, true, EccCases.G, default, Pp, 3));
        Assert.Equal(EccCases.Bytes(EccCases.G2), ok.Data);
    }
}

/// <summary>The secp256k1 point chips: AIR on traces of real calls, forged rows, and whole zkVM proofs with a cheating prover.</summary>
public sealed class WeierstrassChipTests
{
    private static readonly ZkvmProgram Program = ZkvmProgram.FromElf(GuestTests.Elf("ecc"));

    private static List<WeierstrassEvent> Events(byte[] input)
    {
        using var machine = new Prover.Core.Machine.Machine(Program.Program, input, new MachineOptions());
        var (_, records) = machine.RunTraced();
        return [.. records.SelectMany(r => r.WeierstrassOps)];
    }

    private static WeierstrassAir<KoalaBear> Air(bool isDouble) => (WeierstrassAir<KoalaBear>)Program.Airs[isDouble ? ZkvmTable.Secp256k1Double : ZkvmTable.Secp256k1Add];

    [Fact]
    public void Layout_is_computed_and_covers_every_column()
    {
        foreach (bool isDouble in new[] { false, true })
        {
            var l = new WeierstrassLayout(WeierstrassCurve.Secp256k1, isDouble);
            Assert.Equal(l.Width, l.Columns.Groups.Sum(g => g.Count));
            Assert.Equal(l.Access(l.AccessCount), l.Width);
            foreach (var identity in l.Identities)
                Assert.True(identity.CoefficientBound < 1L << 27);
        }
    }

    [Theory]
    [InlineData(false, 880, 796)]
    [InlineData(true, 826, 752)]
    public void Shape_degree_3_with_paired_logup_columns(bool isDouble, int width, int interactions)
    {
        var compiled = new CompiledAir<KoalaBear>(Air(isDouble));
        Assert.Equal((width, interactions), (compiled.Air.Width, compiled.Interactions.Count));
        Assert.Equal(3, compiled.MaxConstraintDegree);
        Assert.Equal((compiled.Interactions.Count + 1) / 2, compiled.LogUpColumns); // one column per group (the running sum stands in for the last)
    }

    [Fact]
    public void Honest_traces_satisfy_the_air_for_edge_and_random_points()
    {
        var events = Events(EccCases.Input(EccCases.Cases(seed: 21, random: 10)));
        foreach (bool isDouble in new[] { false, true })
        {
            var trace = WeierstrassTrace.Generate(Air(isDouble), events, new LookupCounts());
            Assert.Null(AirChecker.FindViolation(Air(isDouble), trace, []));
        }
    }

    /// <summary>A trace of one call whose written result is <paramref name="forge"/>(the true result).</summary>
    private static ConstraintViolation? Forged(bool isDouble, Func<(BigInteger X, BigInteger Y), (BigInteger X, BigInteger Y)> forge)
    {
        var p = EccCases.Multiple(12345);
        var q = EccCases.Multiple(67890);
        var e = Assert.Single(Events(EccCases.Input([(isDouble, p, q)])));
        var bytes = EccCases.Bytes(forge(EccCases.Expected(isDouble, p, q)));
        var accesses = e.Accesses.ToArray();
        for (int j = 0; j < 8; j++)
            accesses[j] = accesses[j] with { Value = BitConverter.ToUInt64(bytes, 8 * j) };
        var trace = WeierstrassTrace.Generate(Air(isDouble), [e with { Accesses = accesses }], new LookupCounts());
        return AirChecker.FindViolation(Air(isDouble), trace, []);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forged_results_violate_the_air(bool isDouble)
    {
        var p = EccCases.P;
        Assert.Null(Forged(isDouble, r => r));
        Assert.NotNull(Forged(isDouble, r => (r.X + p < BigInteger.One << 256 ? r.X + p : r.X - 1, r.Y))); // congruent but not reduced (or wrong)
        Assert.NotNull(Forged(isDouble, r => (r.X, r.Y + 1)));
        Assert.NotNull(Forged(isDouble, r => (r.X, p - r.Y))); // the negated point
        Assert.NotNull(Forged(isDouble, r => (r.X ^ (BigInteger.One << 100), r.Y)));
    }

    [Fact]
    public void A_reduced_coordinate_plus_p_is_rejected_by_the_range_check()
    {
        // 2^256 − p = 2^32 + 977: a coordinate below that has a second 256-bit representative r + p, congruent mod p (so
        // every identity holds) and refused only by r < p. A random point's coordinate is almost never that small, so the
        // gadget is checked alone: r = 12345 + p has no d.
        var p = EccCases.P;
        var layout = new Prover.Core.Zkvm.Chips.ColumnLayout();
        int r = layout.Add("R", 32);
        var gadget = new ReducedGadget(layout, "Lt", 32, p);
        foreach (var value in new[] { new BigInteger(12345), new BigInteger(12345) + p, p, p - 1 })
        {
            var row = new KoalaBear[layout.Width];
            var bytes = new byte[32];
            value.TryWriteBytes(bytes, out _, isUnsigned: true);
            for (int k = 0; k < 32; k++)
                row[r + k] = KoalaBear.FromUInt64(bytes[k]);
            gadget.Populate<KoalaBear>(row, bytes, new LookupCounts());
            var trace = new RowMajorMatrix<KoalaBear>(2, layout.Width);
            row.CopyTo(trace.Row(0));
            row.CopyTo(trace.Row(1)); // the gadget alone, with real = 1 on every row
            var violation = AirChecker.FindViolation(new GadgetAir(layout.Width, b => gadget.Eval(b, r, SymbolicExpression<KoalaBear>.One)), trace, []);
            Assert.Equal(value < p, violation is null);
        }
    }

    private sealed class GadgetAir(int width, Action<AirBuilder<KoalaBear>> eval) : IAir<KoalaBear>
    {
        public string Name => "gadget";

        public int Width => width;

        public void Eval(AirBuilder<KoalaBear> builder) => eval(builder);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_forged_slope_or_inverse_violates_the_air(bool isDouble)
    {
        var events = Events(EccCases.Input(EccCases.Cases(seed: 22, random: 1).Where(c => c.IsDouble == isDouble).Take(2)));
        var air = Air(isDouble);
        var l = air.Layout;
        // λ + p (congruent, still bytes where it fits) is allowed by design (only λ's residue counts); λ + 1 and w + 1 are not.
        foreach (int column in new[] { l.Lambda, l.Lambda + 31, l.W, l.SlopeIdentity.Carries, l.XIdentity.Quotient, l.PKeyLo, l.X3Reduced.Borrows })
        {
            var trace = WeierstrassTrace.Generate(air, events, new LookupCounts());
            trace[0, column] += KoalaBear.One;
            Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        }
    }

    // --- Whole zkVM proofs: a cheating prover edits the point tables after generation.

    private static readonly (bool, (BigInteger, BigInteger), (BigInteger, BigInteger))[] ProofCases =
        [(false, EccCases.G2, EccCases.G), (true, EccCases.G3, default), (false, EccCases.Multiple(7), EccCases.Multiple(11))];

    private static bool ProveAndVerify(Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper)
    {
        var input = EccCases.Input(ProofCases);
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 12, Tamper = tamper });
        var proof = prover.Prove(Program, input);
        if (tamper is null)
            Assert.Equal(EccCases.Expected(ProofCases), proof.Output);
        return new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, Program).Verify(proof.ToBytes()).IsValid;
    }

    /// <summary>Applies <paramref name="edit"/> to the first row of the add chip in the shard that has one.</summary>
    private static Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]> OnRow(Action<RowMajorMatrix<KoalaBear>, WeierstrassLayout> edit) => (_, t, _) =>
    {
        var layout = new WeierstrassLayout(WeierstrassCurve.Secp256k1, isDouble: false);
        if (t[ZkvmTable.Secp256k1Add] is { } table && table[0, layout.IsReal] == KoalaBear.One)
            edit(table, layout);
    };

    [Fact]
    public void A_proof_of_point_calls_verifies() => Assert.True(ProveAndVerify(null));

    [Fact]
    public void A_forged_result_is_rejected() =>
        // x3's low byte changed (with the written value): the identities no longer hold.
        Assert.False(ProveAndVerify(OnRow((t, l) => t[0, l.X3] += KoalaBear.One)));

    [Fact]
    public void A_forged_slope_is_rejected() =>
        Assert.False(ProveAndVerify(OnRow((t, l) => t[0, l.Lambda] += KoalaBear.One)));

    [Fact]
    public void A_quotient_limb_out_of_range_is_rejected()
    {
        // q_0 + 256, q_1 − 1 is the same integer q, and the carries c_k + p_k keep every constraint satisfied (q(X) changed
        // by 256 − X, so c(X) by p(X)); only the byte lookups of q_0 and q_1 (and the carries' range checks) can refuse it.
        Assert.False(ProveAndVerify(OnRow((t, l) =>
        {
            var id = l.XIdentity;
            Assert.False(id.Wide);
            t[0, id.Quotient] += KoalaBear.FromUInt64(256);
            t[0, id.Quotient + 1] -= KoalaBear.One;
            var pBytes = EccCases.P.ToByteArray(isUnsigned: true);
            for (int k = 0; k < pBytes.Length; k++)
                t[0, id.Carries + k] += KoalaBear.FromUInt64(pBytes[k]);
            Assert.Null(AirChecker.FindViolation(new WeierstrassAir<KoalaBear>(WeierstrassCurve.Secp256k1, false, Program.Program.CodeEnd), t, []));
        })));
    }

    [Fact]
    public void An_operand_read_from_another_address_is_rejected() =>
        // Q's pointer moved by one double word consistently inside the row (key, bounds): the syscall chip sent the guest's a1,
        // and memory holds other values there, so the buses do not balance.
        Assert.False(ProveAndVerify(OnRow((t, l) =>
        {
            t[0, l.QPtrLo] += KoalaBear.FromUInt64(8);
            t[0, l.QKeyLo] += KoalaBear.One;
            t[0, l.Bounds + 2 * WeierstrassLayout.BoundColumns] += KoalaBear.One;
            t[0, l.Bounds + 3 * WeierstrassLayout.BoundColumns] -= KoalaBear.One;
            Assert.Null(AirChecker.FindViolation(new WeierstrassAir<KoalaBear>(WeierstrassCurve.Secp256k1, false, Program.Program.CodeEnd), t, []));
        })));

    [Fact]
    public void A_call_claimed_for_the_other_operation_is_rejected() =>
        Assert.False(ProveAndVerify((_, t, _) =>
        {
            var sys = t[ZkvmTable.Syscall]!;
            int add = Prover.Core.Zkvm.Syscall.SyscallCols.IsWeierstrass;
            for (int r = 0; r < sys.Height; r++)
                if (sys[r, add] == KoalaBear.One)
                {
                    sys[r, add] = KoalaBear.Zero;
                    sys[r, add + 1] = KoalaBear.One;
                    return;
                }
        }));

    [Fact]
    public void A_skipped_call_is_rejected() =>
        Assert.False(ProveAndVerify(OnRow((t, _) => t.Row(0).Clear())));

    [Fact]
    public void A_table_left_out_while_its_calls_happen_is_rejected() =>
        Assert.False(ProveAndVerify((_, t, _) =>
        {
            if (t[ZkvmTable.Secp256k1Double] is not null)
                t[ZkvmTable.Secp256k1Double] = null;
        }));
}

/// <summary>bn254 and BLS12-381 G1 point chips (a parameter away from secp256k1): machine results and their AIRs on honest and forged rows.</summary>
public sealed class WeierstrassOtherCurveTests
{
    public static TheoryData<string> Curves => ["bn254", "bls12381"];

    private static WeierstrassCurve Curve(string name) => WeierstrassCurve.All.Single(c => c.Name == name);

    private static BigInteger Mod(BigInteger v, BigInteger p) => ((v % p) + p) % p;

    /// <summary>Affine add/double with an extended-Euclid inverse, independent of <see cref="WeierstrassCurve"/>'s.</summary>
    private static (BigInteger, BigInteger) Reference(BigInteger p, bool isDouble, (BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        static BigInteger Inverse(BigInteger v, BigInteger p)
        {
            BigInteger r0 = p, r1 = ((v % p) + p) % p, s0 = 0, s1 = 1;
            while (!r1.IsZero)
            {
                var q = r0 / r1;
                (r0, r1) = (r1, r0 - q * r1);
                (s0, s1) = (s1, s0 - q * s1);
            }
            return ((s0 % p) + p) % p;
        }
        var l = isDouble ? Mod(3 * a.X * a.X * Inverse(2 * a.Y, p), p) : Mod((b.Y - a.Y) * Inverse(b.X - a.X, p), p);
        var x = Mod(l * l - a.X - (isDouble ? a.X : b.X), p);
        return (x, Mod(l * (a.X - x) - a.Y, p));
    }

    private static byte[] Point(BigInteger x, BigInteger y, int limbs)
    {
        var b = new byte[16 * limbs];
        x.TryWriteBytes(b.AsSpan(0, 8 * limbs), out _, isUnsigned: true);
        y.TryWriteBytes(b.AsSpan(8 * limbs, 8 * limbs), out _, isUnsigned: true);
        return b;
    }

    /// <summary>Runs one call on the machine (interpreter, JIT, tracer) and returns its event.</summary>
    private static WeierstrassEvent Run(WeierstrassCurve curve, bool isDouble, (BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        const ulong Pp = Emu.Data, Qp = Emu.Data + 0x200;
        var outcome = Emu.Run([Ecall], m =>
        {
            m.SetRegister(17, isDouble ? curve.DoubleNumber : curve.AddNumber);
            m.SetRegister(10, Pp);
            m.SetRegister(11, Qp);
            m.WriteMemory(Pp, Point(a.X, a.Y, curve.Limbs));
            m.WriteMemory(Qp, Point(b.X, b.Y, curve.Limbs));
        });
        return Assert.Single(outcome.Shards.SelectMany(s => s.WeierstrassOps));
    }

    private static (BigInteger X, BigInteger Y) Written(WeierstrassEvent e, int limbs)
    {
        var bytes = e.Accesses.Take(2 * limbs).SelectMany(a => BitConverter.GetBytes(a.Value)).ToArray();
        return (new BigInteger(bytes.AsSpan(0, 8 * limbs), isUnsigned: true), new BigInteger(bytes.AsSpan(8 * limbs), isUnsigned: true));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Results_equal_the_reference_and_forged_ones_violate_the_air(string name)
    {
        var curve = Curve(name);
        var rng = new Random(23);
        int bits = 64 * curve.Limbs;
        foreach (bool isDouble in new[] { false, true })
        {
            var air = new WeierstrassAir<KoalaBear>(curve, isDouble, MemoryMap.RamBase);
            var events = new List<WeierstrassEvent>();
            for (int i = 0; i < 4; i++)
            {
                // Any coordinates (the operation does not need curve points), some unreduced (≥ p).
                var a = (EccCases.Random(rng, bits), EccCases.Random(rng, bits));
                var b = (EccCases.Random(rng, bits), EccCases.Random(rng, bits));
                var e = Run(curve, isDouble, a, b);
                Assert.Equal(Reference(curve.P, isDouble, (Mod(a.Item1, curve.P), Mod(a.Item2, curve.P)), (Mod(b.Item1, curve.P), Mod(b.Item2, curve.P))), Written(e, curve.Limbs));
                events.Add(e);
            }
            Assert.Null(AirChecker.FindViolation(air, WeierstrassTrace.Generate(air, events, new LookupCounts()), []));
            var forged = events[0].Accesses.ToArray();
            forged[0] = forged[0] with { Value = forged[0].Value ^ 1 };
            Assert.NotNull(AirChecker.FindViolation(air, WeierstrassTrace.Generate(air, [events[0] with { Accesses = forged }], new LookupCounts()), []));
            var compiled = new CompiledAir<KoalaBear>(air);
            Assert.Equal(3, compiled.MaxConstraintDegree);
        }
    }
}
