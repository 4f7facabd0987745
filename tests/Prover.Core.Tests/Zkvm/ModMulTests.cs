using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.ModMul;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Tables;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Zkvm;

/// <summary>Operands and the modmul test guest's input format (native/guest/tests/modmul.c).</summary>
internal static class ModMulCases
{
    public static readonly BigInteger Secp256k1P = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", System.Globalization.NumberStyles.HexNumber);
    public static readonly BigInteger Bls12381P = BigInteger.Parse(
        "01a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", System.Globalization.NumberStyles.HexNumber);

    public static BigInteger Random(Random rng, int bits)
    {
        var bytes = new byte[bits / 8];
        rng.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true);
    }

    /// <summary>(limbs, x, y, m): edge operands (0, 1, m − 1, (2^bits − 1) mod m, tiny and full-width moduli, x ≥ m) and random ones.</summary>
    public static List<(int Limbs, BigInteger X, BigInteger Y, BigInteger M)> Cases(int seed, int randomPerSize)
    {
        var rng = new Random(seed);
        var list = new List<(int, BigInteger, BigInteger, BigInteger)>();
        foreach (int limbs in new[] { 4, 6 })
        {
            int bits = 64 * limbs;
            var max = BigInteger.One << bits;
            var p = limbs == 4 ? Secp256k1P : Bls12381P;
            foreach (var m in new[] { p, max - 1, new BigInteger(2), new BigInteger(3), max >> 1, Random(rng, bits) | 1 })
            {
                var all = (max - 1) % m;
                list.Add((limbs, BigInteger.Zero, m - 1, m));
                list.Add((limbs, m - 1, BigInteger.Zero, m));
                list.Add((limbs, m - 1, m - 1, m));
                list.Add((limbs, all, all, m));
                list.Add((limbs, BigInteger.One, m - 1, m));
                list.Add((limbs, max - 1, m - 1, m)); // x unreduced: allowed while y < m
            }
            for (int i = 0; i < randomPerSize; i++)
            {
                var m = Random(rng, bits) >> rng.Next(bits - 2);
                if (m < 2)
                    m = 2;
                list.Add((limbs, Random(rng, bits), Random(rng, bits) % m, m));
            }
        }
        return list;
    }

    public static byte[] Bytes(BigInteger v, int limbs)
    {
        var b = new byte[8 * limbs];
        v.TryWriteBytes(b, out _, isUnsigned: true);
        return b;
    }

    public static byte[] Input(IEnumerable<(int Limbs, BigInteger X, BigInteger Y, BigInteger M)> cases)
    {
        var input = new List<byte>();
        foreach (var (limbs, x, y, m) in cases)
        {
            input.Add((byte)limbs);
            input.AddRange(Bytes(x, limbs));
            input.AddRange(Bytes(y, limbs));
            input.AddRange(Bytes(m, limbs));
        }
        return [.. input];
    }

    /// <summary>The expected output, from BigInteger alone.</summary>
    public static byte[] Expected(IEnumerable<(int Limbs, BigInteger X, BigInteger Y, BigInteger M)> cases) =>
        [.. cases.SelectMany(c => Bytes(c.X * c.Y % c.M, c.Limbs))];
}

/// <summary>The modmul syscalls on the machine: results equal BigInteger's on every engine, bad arguments fault.</summary>
public sealed class ModMulMachineTests
{
    private const ulong X = Emu.Data;
    private const ulong Ym = Emu.Data + 0x100;

    private static void Setup(Prover.Core.Machine.Machine m, int limbs, BigInteger x, BigInteger y, BigInteger mod, ulong xPtr = X, ulong ymPtr = Ym)
    {
        m.SetRegister(17, limbs == 4 ? Syscall.ModMul256 : Syscall.ModMul384);
        m.SetRegister(10, xPtr);
        m.SetRegister(11, ymPtr);
        if (xPtr >= Emu.Data && xPtr < MemoryMap.RamEnd - 64 && xPtr % 8 == 0)
            m.WriteMemory(xPtr, ModMulCases.Bytes(x, limbs));
        if (ymPtr >= Emu.Data && ymPtr < MemoryMap.RamEnd - 128)
        {
            m.WriteMemory(ymPtr, ModMulCases.Bytes(y, limbs));
            m.WriteMemory(ymPtr + 8 * (ulong)limbs, ModMulCases.Bytes(mod, limbs));
        }
    }

    [Fact]
    public void Results_equal_BigInteger_on_interpreter_jit_and_tracer()
    {
        foreach (var (limbs, x, y, m) in ModMulCases.Cases(seed: 15, randomPerSize: 8))
        {
            var outcome = Emu.Run([Ecall], machine => Setup(machine, limbs, x, y, m));
            Assert.Equal(ModMulCases.Bytes(x * y % m, limbs), outcome.Data[..(8 * limbs)]);
            Assert.Equal(0UL, outcome[10]);
            var e = Assert.Single(outcome.Shards.SelectMany(s => s.ModMuls));
            Assert.Equal(3 * limbs, e.Accesses.Length);
        }
    }

    [Fact]
    public void Guest_results_equal_BigInteger()
    {
        var cases = ModMulCases.Cases(seed: 16, randomPerSize: 20);
        var program = GuestProgram.FromElf(GuestTests.Elf("modmul"));
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var machine = new Prover.Core.Machine.Machine(program, ModMulCases.Input(cases), new MachineOptions { Engine = engine, JitThreshold = 1 });
            var result = machine.Run();
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(ModMulCases.Expected(cases), result.CommittedOutput);
        }
    }

    [Theory]
    [InlineData(X + 4, Ym, "8-aligned")]
    [InlineData(X, Ym + 2, "8-aligned")]
    [InlineData(MemoryMap.RamBase, Ym, "writable RAM")]
    [InlineData(MemoryMap.RamEnd - 16, Ym, "writable RAM")]
    [InlineData(MemoryMap.InputBase, Ym, "writable RAM")]
    [InlineData(X, 8UL, "not in RAM")]
    [InlineData(X, MemoryMap.RamEnd - 32, "not in RAM")]
    [InlineData(X, X + 16, "overlaps")]
    [InlineData(X + 40, X, "overlaps")]
    public void Bad_pointers_fault(ulong xPtr, ulong ymPtr, string message)
    {
        foreach (bool traced in new[] { false, true })
        {
            var e = Emu.Fault([Ecall], m => Setup(m, 4, 5, 3, 7, xPtr, ymPtr), traced: traced);
            Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Zero_modulus_and_a_quotient_too_wide_fault()
    {
        var max = (BigInteger.One << 256) - 1;
        Assert.Contains("modulus 0", Emu.Fault([Ecall], m => Setup(m, 4, 5, 3, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("quotient", Emu.Fault([Ecall], m => Setup(m, 4, max, max, 3)).Message, StringComparison.Ordinal);
        var max384 = (BigInteger.One << 384) - 1;
        Assert.Contains("quotient", Emu.Fault([Ecall], m => Setup(m, 6, max384, max384, max384 >> 1)).Message, StringComparison.Ordinal);
        // y ≥ m is fine while the quotient fits: 7·9 mod 5.
        var ok = Emu.Run([Ecall], m => Setup(m, 4, 7, 9, 5));
        Assert.Equal(ModMulCases.Bytes(3, 4), ok.Data[..32]);
    }
}

/// <summary>The modmul chip: its AIR on traces of real calls, forged rows, and whole zkVM proofs with a cheating prover.</summary>
public sealed class ModMulChipTests
{
    private static readonly ZkvmProgram Program = ZkvmProgram.FromElf(GuestTests.Elf("modmul"));

    private static List<ModMulEvent> Events(byte[] input)
    {
        using var machine = new Prover.Core.Machine.Machine(Program.Program, input, new MachineOptions());
        var (_, records) = machine.RunTraced();
        return [.. records.SelectMany(r => r.ModMuls)];
    }

    private static ModMulAir<KoalaBear> Air(int limbs) => (ModMulAir<KoalaBear>)Program.Airs[limbs == 4 ? ZkvmTable.ModMul256 : ZkvmTable.ModMul384];

    [Fact]
    public void Layout_is_computed_and_covers_every_column()
    {
        foreach (int limbs in new[] { 4, 6 })
        {
            var l = new ModMulLayout(limbs);
            int[] starts = [l.IsReal, l.TsLo, l.TsHi, l.XPtrLo, l.XPtrHi, l.YmPtrLo, l.YmPtrHi, l.XKeyLo, l.YmKeyLo, l.Bounds, l.X, l.Y, l.M, l.R, l.Q, l.D, l.Carries, l.Borrows, l.Accesses];
            Assert.Equal(starts.Order(), starts);
            Assert.Equal(l.Access(3 * limbs), l.Width);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModMulLayout(5));
    }

    [Theory]
    [InlineData(4, 374, 325)]
    [InlineData(6, 554, 483)]
    public void Shape_degree_3_with_paired_logup_columns(int limbs, int width, int interactions)
    {
        var compiled = new CompiledAir<KoalaBear>(Air(limbs));
        Assert.Equal(width, compiled.Air.Width);
        Assert.Equal(interactions, compiled.Interactions.Count);
        Assert.Equal(3, compiled.MaxConstraintDegree);
        // Every interaction is linear, so they pair: ⌈n / 2⌉ groups, the last group's column replaced by the running sum.
        Assert.Equal((interactions + 1) / 2, compiled.LogUpColumns);
    }

    [Fact]
    public void Honest_traces_satisfy_the_air_for_edge_and_random_operands()
    {
        var events = Events(ModMulCases.Input(ModMulCases.Cases(seed: 17, randomPerSize: 40)));
        foreach (int limbs in new[] { 4, 6 })
        {
            var trace = ModMulTrace.Generate(Air(limbs), events, new LookupCounts());
            Assert.Null(AirChecker.FindViolation(Air(limbs), trace, []));
        }
    }

    /// <summary>A trace of one call whose written result is <paramref name="forge"/>(x, y, m, r).</summary>
    private static ConstraintViolation? Forged(int limbs, Func<BigInteger, BigInteger, BigInteger, BigInteger, BigInteger> forge)
    {
        var x = ModMulCases.Random(new Random(3), 64 * limbs) >> 8;
        var m = limbs == 4 ? ModMulCases.Secp256k1P : ModMulCases.Bls12381P;
        var y = m - 12345;
        var e = Assert.Single(Events(ModMulCases.Input([(limbs, x, y, m)])));
        var r = x * y % m;
        var bytes = ModMulCases.Bytes(forge(x, y, m, r), limbs);
        var accesses = e.Accesses.ToArray();
        for (int j = 0; j < limbs; j++)
            accesses[j] = accesses[j] with { Value = BitConverter.ToUInt64(bytes, 8 * j) };
        var trace = ModMulTrace.Generate(Air(limbs), [e with { Accesses = accesses }], new LookupCounts());
        return AirChecker.FindViolation(Air(limbs), trace, []);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Forged_results_violate_the_air(int limbs)
    {
        Assert.Null(Forged(limbs, (_, _, _, r) => r));
        Assert.NotNull(Forged(limbs, (_, _, m, r) => r + m)); // congruent but not reduced: no d ≥ 0
        Assert.NotNull(Forged(limbs, (_, _, _, r) => r + 1));
        Assert.NotNull(Forged(limbs, (_, _, _, r) => r ^ (BigInteger.One << 100)));
    }

    [Fact]
    public void A_changed_carry_or_key_violates_the_air()
    {
        var events = Events(ModMulCases.Input(ModMulCases.Cases(seed: 18, randomPerSize: 1).Take(3)));
        var air = Air(4);
        var l = air.Layout;
        foreach (int column in new[] { l.Carries, l.Carries + 7, l.XKeyLo, l.YmKeyLo, l.Borrows, l.Q })
        {
            var trace = ModMulTrace.Generate(air, events, new LookupCounts());
            trace[0, column] += KoalaBear.One;
            Assert.NotNull(AirChecker.FindViolation(air, trace, []));
        }
    }

    // --- Whole zkVM proofs: a cheating prover edits the modmul tables after generation.

    private static readonly (int, BigInteger, BigInteger, BigInteger)[] ProofCases =
        [(4, ModMulCases.Secp256k1P - 5, ModMulCases.Secp256k1P - 7, ModMulCases.Secp256k1P), (6, 12345, ModMulCases.Bls12381P - 1, ModMulCases.Bls12381P)];

    private static bool ProveAndVerify(Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper)
    {
        var input = ModMulCases.Input(ProofCases);
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 12, Tamper = tamper });
        var proof = prover.Prove(Program, input);
        if (tamper is null)
            Assert.Equal(ModMulCases.Expected(ProofCases), proof.Output);
        return new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, Program).Verify(proof.ToBytes()).IsValid;
    }

    /// <summary>Applies <paramref name="edit"/> to the first row of the 256-bit chip in the shard that has one.</summary>
    private static Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]> OnRow(Action<RowMajorMatrix<KoalaBear>, ModMulLayout> edit) => (_, t, _) =>
    {
        if (t[ZkvmTable.ModMul256] is { } table && table[0, new ModMulLayout(4).IsReal] == KoalaBear.One)
            edit(table, new ModMulLayout(4));
    };

    [Fact]
    public void A_proof_of_modmul_calls_verifies() => Assert.True(ProveAndVerify(null));

    [Fact]
    public void A_forged_result_is_rejected() =>
        // r's low byte changed (with the written value): the identity no longer holds.
        Assert.False(ProveAndVerify(OnRow((t, l) => t[0, l.R] += KoalaBear.One)));

    [Fact]
    public void A_quotient_limb_out_of_range_is_rejected()
    {
        // q_0 + 256, q_1 − 1 is the same integer q, and the carries c_k + m_k keep every constraint satisfied (q(X) changed by
        // 256 − X, so c(X) by m(X)); only the byte lookups of q_0 and q_1 (and the carries' Range16 if they leave it) can refuse it.
        Assert.False(ProveAndVerify(OnRow((t, l) =>
        {
            t[0, l.Q] += KoalaBear.FromUInt64(256);
            t[0, l.Q + 1] -= KoalaBear.One;
            for (int k = 0; k < l.Bytes; k++)
                t[0, l.Carries + k] += t[0, l.M + k];
            Assert.Null(AirChecker.FindViolation(new ModMulAir<KoalaBear>(4, Program.Program.CodeEnd), t, []));
        })));
    }

    [Fact]
    public void An_operand_read_from_another_address_is_rejected() =>
        // y‖m's pointer moved by one double word consistently inside the row (key, bounds): the syscall chip sent the guest's a1,
        // and memory holds other values there, so the buses do not balance.
        Assert.False(ProveAndVerify(OnRow((t, l) =>
        {
            t[0, l.YmPtrLo] += KoalaBear.FromUInt64(8);
            t[0, l.YmKeyLo] += KoalaBear.One;
            t[0, l.Bounds + 2 * ModMulLayout.BoundColumns] += KoalaBear.One;
            t[0, l.Bounds + 3 * ModMulLayout.BoundColumns] -= KoalaBear.One;
            Assert.Null(AirChecker.FindViolation(new ModMulAir<KoalaBear>(4, Program.Program.CodeEnd), t, []));
        })));

    [Fact]
    public void A_call_claimed_for_the_other_size_is_rejected() =>
        // The syscall row of the 256-bit call claims 384 bits: its a7 (0x10020) no longer equals the selected number.
        Assert.False(ProveAndVerify((_, t, _) =>
        {
            var sys = t[ZkvmTable.Syscall]!;
            for (int r = 0; r < sys.Height; r++)
                if (sys[r, Prover.Core.Zkvm.Syscall.SyscallCols.IsModMul256] == KoalaBear.One)
                {
                    sys[r, Prover.Core.Zkvm.Syscall.SyscallCols.IsModMul256] = KoalaBear.Zero;
                    sys[r, Prover.Core.Zkvm.Syscall.SyscallCols.IsModMul384] = KoalaBear.One;
                    return;
                }
        }));

    [Fact]
    public void A_skipped_call_is_rejected() =>
        Assert.False(ProveAndVerify(OnRow((t, _) => t.Row(0).Clear())));

    [Fact]
    public void A_table_left_out_while_its_calls_happen_is_rejected() =>
        // The chip set then omits ModMul384 although the syscall chip sent its calls on the ModMul bus.
        Assert.False(ProveAndVerify((_, t, _) =>
        {
            if (t[ZkvmTable.ModMul384] is not null)
                t[ZkvmTable.ModMul384] = null;
        }));

    [Theory]
    [InlineData("hello", false)]
    [InlineData("modmul", true)]
    public void Modmul_tables_are_present_exactly_when_calls_are(string guest, bool calls)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        byte[] input = calls ? ModMulCases.Input(ProofCases) : [];
        var present = new List<bool>();
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config,
            ShardSize = 1L << 12,
            Tamper = (_, t, _) => present.Add(t[ZkvmTable.ModMul256] is not null || t[ZkvmTable.ModMul384] is not null),
        });
        var proof = prover.Prove(program, input);
        Assert.True(new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes()).IsValid);
        Assert.Equal(calls, present.Any(p => p));
    }

}
