using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Matrix;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The byte lookup table (<see cref="ByteTable{F}"/>), sized to use: its rows, the tuples its AIR can receive (evaluated
/// from the AIR itself, not from the code that fills it), the multiplicity columns, and proofs that a sent tuple outside
/// the table (a wrong AND, a 17-bit "range16" value, a RANGE8 of 256), a tampered multiplicity, or a forged row whose
/// "bits" are not bits (a false tuple received, the bus balanced) is rejected by the verifier.
/// </summary>
public sealed class TablesTests(ITestOutputHelper output)
{
    private const int R = ByteTable<KoalaBear>.Range16Multiplicity, A = ByteTable<KoalaBear>.AndMultiplicity;

    /// <summary>Counts that use every byte pair once on each relation.</summary>
    private static LookupCounts EveryPair()
    {
        var counts = new LookupCounts();
        for (ulong x = 0; x < 1 << 16; x++)
        {
            counts.AddRange16(x);
            counts.AddAnd(x >> 8, x & 0xFF);
        }
        return counts;
    }

    /// <summary>Per row: the AIR's constraint outputs and every (bus, tuple) it receives, evaluated from its compiled program.</summary>
    private static List<(KoalaBear[] Constraints, List<(int Bus, uint[] Tuple)> Receives)> Evaluate(RowMajorMatrix<KoalaBear> main)
    {
        var compiled = new CompiledAir<KoalaBear>(new ByteTable<KoalaBear>());
        var program = compiled.Program;
        var registers = new KoalaBear[program.InstructionCount];
        var outputs = new KoalaBear[program.ConstraintCount];
        var result = new List<(KoalaBear[], List<(int, uint[])>)>();
        for (int row = 0; row < main.Height; row++)
        {
            var inputs = new TraceRowInputs<KoalaBear>(main, null, [], row);
            program.Evaluate<KoalaBear, TraceRowInputs<KoalaBear>>(ref inputs, registers, outputs);
            var receives = new List<(int, uint[])>();
            for (int i = 0; i < compiled.Interactions.Count; i++)
            {
                var interaction = compiled.Interactions[i];
                Assert.Equal(InteractionKind.Receive, interaction.Kind);
                int o = compiled.InteractionOutput(i);
                receives.Add((interaction.Bus, [.. outputs.AsSpan(o, interaction.Values.Count).ToArray().Select(x => x.ToCanonical())]));
            }
            result.Add((outputs[..compiled.ConstraintCount], receives));
        }
        return result;
    }

    [Fact]
    public void With_every_pair_used_the_rows_are_every_byte_pair_and_every_receivable_tuple_is_true()
    {
        var trace = new ByteTable<KoalaBear>().GenerateTrace(EveryPair());
        Assert.Equal(ByteTable<KoalaBear>.MaxHeight, trace.Height);
        var rows = Evaluate(trace);
        Assert.All(rows, r => Assert.All(r.Constraints, c => Assert.True(c.IsZero)));
        // Range16: exactly the values 0 .. 2^16 − 1, each once, in row order.
        var range = rows.Select(r => Assert.Single(Assert.Single(r.Receives, t => t.Bus == ZkvmBus.Range16).Tuple)).ToArray();
        Assert.Equal(Enumerable.Range(0, 1 << 16).Select(x => (uint)x), range);
        // ByteAnd: exactly (a, b, a AND b) for every byte pair, so (x, 0, 0) for every byte x (RANGE8).
        var and = rows.Select(r => Assert.Single(r.Receives, t => t.Bus == ZkvmBus.ByteAnd).Tuple).ToArray();
        Assert.All(and, t => Assert.True(t.Length == 3 && t[0] < 256 && t[1] < 256 && t[2] == (t[0] & t[1]), string.Join(",", t)));
        Assert.Equal(1 << 16, and.Select(t => (t[0], t[1])).Distinct().Count());
        Assert.All(Enumerable.Range(0, trace.Height), r => Assert.True(trace[r, R] == KoalaBear.One && trace[r, A] == KoalaBear.One));
    }

    [Fact]
    public void The_bus_budget_accepts_the_free_multiplicities_because_the_tuples_are_expressions_of_asserted_bits()
    {
        var compiled = new CompiledAir<KoalaBear>(new ByteTable<KoalaBear>());
        Assert.All(compiled.MultiplicityBounds, b => Assert.Null(b));
        Assert.All(compiled.FixedTuples, Assert.True);
        // Not fixed by the verifying key (no preprocessed column): the one-argument check, without the constraints, says no.
        Assert.All(compiled.Interactions, i => Assert.False(MultiplicityBounds.HasFixedTuple(i)));
        // The same receives without the boolean constraints are refused: their tuples would be free.
        var unconstrained = new CompiledAir<KoalaBear>(new UnconstrainedByteTable());
        Assert.All(unconstrained.FixedTuples, Assert.False);
        Assert.Contains("do not bound", BusBudget.Check<KoalaBear>([new(unconstrained, 4)]));
        Assert.Null(BusBudget.Check<KoalaBear>([new(compiled, 16)]));
    }

    /// <summary><see cref="ByteTable{F}"/>'s receives with the boolean constraints left out (a broken table, for the budget check).</summary>
    private sealed class UnconstrainedByteTable : IAir<KoalaBear>
    {
        public string Name => "bytes-without-booleans";

        public int Width => 18;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var l = builder.Local;
            var a = SymbolicExpression<KoalaBear>.Zero;
            var b = SymbolicExpression<KoalaBear>.Zero;
            for (int i = 0; i < 8; i++)
            {
                a += l[i] * KoalaBear.FromUInt64(1UL << i);
                b += l[8 + i] * KoalaBear.FromUInt64(1UL << i);
            }
            builder.Receive(ZkvmBus.Range16, [a * KoalaBear.FromUInt64(256) + b], l[R]);
        }
    }

    [Fact]
    public void Counts_become_rows_of_the_used_pairs_padded_to_a_power_of_two()
    {
        var counts = new LookupCounts();
        foreach (ulong x in new ulong[] { 0, 5, 5, 0xFFFF, 5 })
            counts.AddRange16(x);
        counts.AddAnd(0xF0, 0x3C);
        counts.AddAnd(0xF0, 0x3C);
        counts.AddRange8(7);
        counts.AddRange8(0xFF);
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.AddRange16(0x10000));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.AddRange8(0x100));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.AddAnd(1, 0x100));
        // Used pairs, increasing: (0,0) [R 1], (0,5) [R 3], (7,0) [A 1], (0xF0,0x3C) [A 2], (0xFF,0) [A 1], (0xFF,0xFF) [R 1]: 6 rows → 8.
        Assert.Equal(8, ByteTable<KoalaBear>.HeightFor(counts));
        var trace = new ByteTable<KoalaBear>().GenerateTrace(counts);
        Assert.Equal(8, trace.Height);
        var rows = Evaluate(trace);
        (uint Range, uint[] And, uint MR, uint MA)[] expected =
        [
            (0, [0, 0, 0], 1, 0), (5, [0, 5, 0], 3, 0), (7 * 256, [7, 0, 0], 0, 1), (0xF03C, [0xF0, 0x3C, 0x30], 0, 2),
            (0xFF00, [0xFF, 0, 0], 0, 1), (0xFFFF, [0xFF, 0xFF, 0xFF], 1, 0), (0, [0, 0, 0], 0, 0), (0, [0, 0, 0], 0, 0),
        ];
        for (int r = 0; r < 8; r++)
        {
            Assert.All(rows[r].Constraints, c => Assert.True(c.IsZero));
            Assert.Equal(expected[r].Range, rows[r].Receives.Single(t => t.Bus == ZkvmBus.Range16).Tuple[0]);
            Assert.Equal(expected[r].And, rows[r].Receives.Single(t => t.Bus == ZkvmBus.ByteAnd).Tuple);
            Assert.Equal(expected[r].MR, trace[r, R].ToCanonical());
            Assert.Equal(expected[r].MA, trace[r, A].ToCanonical());
        }
        Assert.Equal(ByteTable<KoalaBear>.MinHeight, new ByteTable<KoalaBear>().GenerateTrace(new LookupCounts()).Height);
    }

    private static readonly Random Rng = new(16);

    /// <summary>
    /// A Range16 sender, an AND sender (RANGE8 included) and the byte table; the honest prover's counts hold every sent
    /// tuple that is true (a false tuple has no row to count).
    /// </summary>
    private static (IAir<KoalaBear>[], RowMajorMatrix<KoalaBear>[]) Statement(ulong[] range16, ulong[][] and)
    {
        var table = new ByteTable<KoalaBear>();
        var counts = new LookupCounts();
        foreach (var x in range16)
            if (x < 1 << 16)
                counts.AddRange16(x);
        foreach (var t in and)
            if (t[0] < 256 && t[1] < 256 && t[2] == (t[0] & t[1]))
                counts.AddAnd(t[0], t[1]);
        return ([new TupleSenderAir(ZkvmBus.Range16, 1, "range16-sender"), new TupleSenderAir(ZkvmBus.ByteAnd, 3, "and-sender"), table],
            [TupleSenderAir.Trace([.. range16.Select(v => new[] { v })], 1), TupleSenderAir.Trace(and, 3), table.GenerateTrace(counts)]);
    }

    private static (ulong[] Range16, ulong[][] And) HonestLookups()
    {
        var range = Enumerable.Range(0, 60).Select(_ => (ulong)Rng.Next(1 << 16)).Concat([0UL, 0xFFFFUL]).ToArray();
        var and = new List<ulong[]>();
        for (int i = 0; i < 40; i++)
        {
            ulong a = (ulong)Rng.Next(256), b = (ulong)Rng.Next(256);
            and.Add([a, b, a & b]);
            and.Add([a, 0, 0]); // RANGE8 of a
        }
        return (range, [.. and]);
    }

    [Fact]
    public void Round_trip_and_every_kind_of_false_tuple_is_rejected()
    {
        var (range, and) = HonestLookups();
        var (airs, traces) = Statement(range, and);
        var clock = Stopwatch.StartNew();
        Assert.True(ZkvmProving.ProveAndVerify(airs, traces).IsValid);
        output.WriteLine($"byte table of {traces[2].Height} rows: prove + verify {clock.ElapsedMilliseconds} ms");
        // Wrong AND results (OR and XOR of the operands among them), non-byte operands, a RANGE8 with a non-zero result, p − 1.
        // None is a row's tuple, so the bus cannot balance whatever the multiplicities; the prover's own check refuses first.
        ulong p1 = KoalaBear.Modulus - 1;
        ulong[][] andLies = [[3, 5, 7], [3, 5, 6], [12, 10, 0], [256, 0, 0], [0, 256, 0], [5, 0, 5], [p1, 0, 0], [0xF0, 0x3C, 0x31]];
        foreach (var lie in andLies)
        {
            var (airs2, traces2) = Statement(range, [.. and, lie]);
            Assert.Throws<ArgumentException>(() => ZkvmProving.ProveAndVerify(airs2, traces2));
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid, string.Join(",", lie));
            Assert.Contains("balance", result.Error);
        }
        foreach (ulong lie in new[] { 1UL << 16, (1UL << 16) + 5, p1 })
        {
            var (airs2, traces2) = Statement([.. range, lie], and);
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid, lie.ToString());
            Assert.Contains("balance", result.Error);
        }
    }

    /// <summary>Sets the bits of row <paramref name="row"/> to the given field values (a's 8, then b's 8).</summary>
    private static void SetBits(RowMajorMatrix<KoalaBear> m, int row, KoalaBear[] aBits, KoalaBear[] bBits)
    {
        for (int i = 0; i < 8; i++)
        {
            m[row, ByteTable<KoalaBear>.ABits + i] = aBits[i];
            m[row, ByteTable<KoalaBear>.BBits + i] = bBits[i];
        }
    }

    [Fact]
    public void A_forged_row_whose_bits_are_not_bits_balances_the_bus_but_is_rejected()
    {
        // The table is not fixed by the verifying key: a row's tuple is whatever its bit columns give. With non-boolean
        // "bits" a padding row can receive a false tuple, and the bus then balances: only the boolean constraints stop it.
        var (range, and) = HonestLookups();
        var zero = KoalaBear.Zero;
        var one = KoalaBear.One;
        var half = KoalaBear.FromUInt64(2).Inverse();
        // (3, 5, 6): a = 1 + 2 = 3 (bits 1, 1); b = 1 + 2x + 4y = 5 and a AND b = 1 + 2x = 6, so x = 5/2 and y = −1/4.
        var x = KoalaBear.FromUInt64(5) * half;
        var y = -(KoalaBear.FromUInt64(4).Inverse());
        KoalaBear[] a3 = [one, one, zero, zero, zero, zero, zero, zero];
        KoalaBear[] b5 = [one, x, y, zero, zero, zero, zero, zero];
        // 2^16 + 5 as a "range16" value: a = 256 (a_0 = 256), b = 5.
        KoalaBear[] a256 = [KoalaBear.FromUInt64(256), zero, zero, zero, zero, zero, zero, zero];
        KoalaBear[] b5Bits = [one, zero, one, zero, zero, zero, zero, zero];
        var forgeries = new (string Name, ulong[] Range, ulong[][] And, KoalaBear[] ABits, KoalaBear[] BBits, int Column)[]
        {
            ("AND (3, 5, 6)", range, [.. and, [3, 5, 6]], a3, b5, A),
            ("Range16 2^16 + 5", [.. range, (1UL << 16) + 5], and, a256, b5Bits, R),
        };
        foreach (var (name, lieRange, lieAnd, aBits, bBits, column) in forgeries)
        {
            var (airs, traces) = Statement(lieRange, lieAnd);
            var table = traces[2];
            // The last row is padding (the honest lookups use fewer pairs than a power of two); a fresh table otherwise.
            int row = table.Height - 1;
            Assert.True(table[row, R].IsZero && table[row, A].IsZero, "the last row is padding");
            SetBits(table, row, aBits, bBits);
            table[row, column] = KoalaBear.One;
            var evaluated = Evaluate(table)[row];
            output.WriteLine($"{name}: forged row receives {string.Join(" ", evaluated.Receives.Select(t => $"bus {t.Bus} ({string.Join(",", t.Tuple)})"))}");
            Assert.Contains(evaluated.Constraints, c => !c.IsZero);
            var result = ZkvmProving.ProveAndVerify(airs, traces, checkConstraints: false);
            output.WriteLine($"  verifier: {result.Error}");
            Assert.False(result.IsValid, name);
            Assert.DoesNotContain("balance", result.Error);
        }
    }

    [Fact]
    public void Tampered_multiplicities_are_rejected()
    {
        var (range, and) = HonestLookups();
        foreach (var (row, col, delta) in new[] { (3, R, 1L), (2, A, 1L), (0, A, -1L), (17, R, 1L << 20) })
        {
            var (airs, traces) = Statement(range, and);
            var m = traces[2];
            m[row, col] += delta >= 0 ? KoalaBear.FromUInt64((ulong)delta) : -KoalaBear.FromUInt64((ulong)-delta);
            var result = ZkvmProving.ProveAndVerify(airs, traces, checkConstraints: false);
            Assert.False(result.IsValid, $"row {row} column {col} {delta:+#;-#}");
            Assert.Contains("balance", result.Error);
        }
        // Moving a count from a true row to another true row (both counts stay non-negative) unbalances two tuples.
        var (airs3, traces3) = Statement(range, and);
        int from = Enumerable.Range(0, traces3[2].Height).First(r => !traces3[2][r, R].IsZero);
        int to = (from + 1) % traces3[2].Height;
        traces3[2][from, R] -= KoalaBear.One;
        traces3[2][to, R] += KoalaBear.One;
        var moved = ZkvmProving.ProveAndVerify(airs3, traces3, checkConstraints: false);
        Assert.False(moved.IsValid);
        Assert.Contains("balance", moved.Error);
    }
}
