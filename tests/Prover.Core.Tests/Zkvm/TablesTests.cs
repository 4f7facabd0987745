using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Matrix;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The fixed lookup table (<see cref="ByteTable{F}"/>): its rows, the tuples its AIR can receive (evaluated from the AIR
/// itself, not from the code that fills it), the multiplicity columns, and proofs that a sent tuple outside the table
/// (a wrong AND, a 17-bit "range16" value, a RANGE8 of 256) or a tampered multiplicity is rejected by the verifier.
/// </summary>
public sealed class TablesTests(ITestOutputHelper output)
{
    [Fact]
    public void Byte_table_rows_are_every_byte_pair_with_its_AND_and_no_padding()
    {
        var table = new ByteTable<KoalaBear>();
        Assert.Equal(1 << 16, table.Height);
        var pre = table.PreprocessedTrace(table.Height)!;
        var seen = new HashSet<(uint, uint)>();
        for (int r = 0; r < table.Height; r++)
        {
            uint a = pre[r, 0].ToCanonical(), b = pre[r, 1].ToCanonical(), c = pre[r, 2].ToCanonical();
            Assert.True(a < 256 && b < 256, $"row {r}");
            Assert.Equal(a & b, c);
            Assert.Equal(r, table.RowOf((int)a, (int)b));
            Assert.True(seen.Add((a, b)), $"row {r} repeats a pair");
        }
        Assert.Equal(1 << 16, seen.Count);
        Assert.Throws<ArgumentException>(() => table.PreprocessedTrace(1 << 17));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTable<KoalaBear>(bits: 9));
    }

    /// <summary>Every (bus, tuple) the table's AIR receives on some row, evaluated from its compiled interactions.</summary>
    private static List<(int Bus, uint[] Tuple)> ReceivableTuples(ByteTable<KoalaBear> table)
    {
        var compiled = new CompiledAir<KoalaBear>(table);
        var pre = table.PreprocessedTrace(table.Height)!;
        var main = new RowMajorMatrix<KoalaBear>(table.Height, table.Width);
        var program = compiled.Program;
        var registers = new KoalaBear[program.InstructionCount];
        var outputs = new KoalaBear[program.ConstraintCount];
        var result = new List<(int, uint[])>();
        for (int row = 0; row < table.Height; row++)
        {
            var inputs = new TraceRowInputs<KoalaBear>(main, pre, [], row);
            program.Evaluate<KoalaBear, TraceRowInputs<KoalaBear>>(ref inputs, registers, outputs);
            for (int i = 0; i < compiled.Interactions.Count; i++)
            {
                var interaction = compiled.Interactions[i];
                Assert.Equal(InteractionKind.Receive, interaction.Kind);
                int o = compiled.InteractionOutput(i);
                result.Add((interaction.Bus, [.. outputs.AsSpan(o, interaction.Values.Count).ToArray().Select(x => x.ToCanonical())]));
            }
        }
        return result;
    }

    [Fact]
    public void Every_tuple_the_table_can_receive_is_a_true_statement_and_every_needed_one_is_there()
    {
        var tuples = ReceivableTuples(new ByteTable<KoalaBear>());
        // Range16: exactly the values 0 .. 2^16 − 1, each once.
        var range = tuples.Where(t => t.Bus == ZkvmBus.Range16).Select(t => Assert.Single(t.Tuple)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 1 << 16).Select(x => (uint)x), range);
        // ByteAnd: exactly (a, b, a AND b) for every byte pair, so (x, 0, 0) for every byte x (RANGE8) and nothing else.
        var and = tuples.Where(t => t.Bus == ZkvmBus.ByteAnd).Select(t => t.Tuple).ToArray();
        Assert.Equal(1 << 16, and.Length);
        Assert.All(and, t => Assert.True(t.Length == 3 && t[0] < 256 && t[1] < 256 && t[2] == (t[0] & t[1]), string.Join(",", t)));
        Assert.Equal(1 << 16, and.Select(t => (t[0], t[1])).Distinct().Count());
        Assert.Equal(2 << 16, tuples.Count);
        // A test-sized table receives a subset of the full one.
        var small = ReceivableTuples(new ByteTable<KoalaBear>(bits: 4));
        Assert.All(small, t => Assert.True(t.Bus == ZkvmBus.Range16 ? t.Tuple[0] < 256 : t.Tuple[0] < 16 && t.Tuple[1] < 16 && t.Tuple[2] == (t.Tuple[0] & t.Tuple[1])));
    }

    [Fact]
    public void Counts_become_the_multiplicity_columns()
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
        var table = new ByteTable<KoalaBear>();
        var trace = table.GenerateTrace(counts);
        const int R = ByteTable<KoalaBear>.Range16Multiplicity, A = ByteTable<KoalaBear>.AndMultiplicity;
        Assert.Equal(1u, trace[0, R].ToCanonical());
        Assert.Equal(3u, trace[5, R].ToCanonical());
        Assert.Equal(1u, trace[0xFFFF, R].ToCanonical());
        Assert.Equal(2u, trace[table.RowOf(0xF0, 0x3C), A].ToCanonical());
        Assert.Equal(1u, trace[table.RowOf(7, 0), A].ToCanonical());
        Assert.Equal(1u, trace[table.RowOf(0xFF, 0), A].ToCanonical());
        long total = 0;
        for (int r = 0; r < trace.Height; r++)
            total += trace[r, R].ToCanonical() + trace[r, A].ToCanonical();
        Assert.Equal(9, total);
        // A test-sized table refuses counts it cannot hold instead of silently dropping them.
        Assert.Throws<ArgumentException>(() => new ByteTable<KoalaBear>(bits: 4).GenerateTrace(counts));
    }

    private static readonly Random Rng = new(16);

    /// <summary>
    /// A Range16 sender, an AND sender (RANGE8 included) and the byte table of <paramref name="bits"/>; the honest prover's
    /// counts hold every sent tuple that is a row (a false tuple has no row to count).
    /// </summary>
    private static (IAir<KoalaBear>[], RowMajorMatrix<KoalaBear>[]) Statement(ulong[] range16, ulong[][] and, int bits = 8)
    {
        var table = new ByteTable<KoalaBear>(bits);
        var counts = new LookupCounts();
        ulong values = 1UL << bits;
        foreach (var x in range16)
            if (x < values * values)
                counts.AddRange16(x);
        foreach (var t in and)
            if (t[0] < values && t[1] < values && t[2] == (t[0] & t[1]))
                counts.AddAnd(t[0], t[1]);
        return ([new TupleSenderAir(ZkvmBus.Range16, 1, "range16-sender"), new TupleSenderAir(ZkvmBus.ByteAnd, 3, "and-sender"), table],
            [TupleSenderAir.Trace([.. range16.Select(v => new[] { v })], 1), TupleSenderAir.Trace(and, 3), table.GenerateTrace(counts)]);
    }

    private static (ulong[] Range16, ulong[][] And) HonestLookups(int bits)
    {
        int values = 1 << bits;
        var range = Enumerable.Range(0, 60).Select(_ => (ulong)Rng.Next(values * values)).Concat([0UL, (ulong)(values * values - 1)]).ToArray();
        var and = new List<ulong[]>();
        for (int i = 0; i < 40; i++)
        {
            ulong a = (ulong)Rng.Next(values), b = (ulong)Rng.Next(values);
            and.Add([a, b, a & b]);
            and.Add([a, 0, 0]); // RANGE8 of a
        }
        return (range, [.. and]);
    }

    [Fact]
    public void Full_table_round_trip_and_the_named_lies_are_rejected()
    {
        var (range, and) = HonestLookups(8);
        var (airs, traces) = Statement(range, and);
        var clock = Stopwatch.StartNew();
        Assert.True(ZkvmProving.ProveAndVerify(airs, traces).IsValid);
        output.WriteLine($"2^16-row byte table: prove + verify {clock.ElapsedMilliseconds} ms");

        // With the zkVM's own table: a wrong AND result, a 17-bit "range16" value, a RANGE8 of 256. None is a row, so the bus
        // cannot balance whatever the multiplicities; the prover's own check refuses first, the verifier when it is skipped.
        (ulong[] Range16, ulong[][] And)[] lies = [(range, [.. and, [0xF0, 0x3C, 0x31]]), ([.. range, 1 << 16], and), (range, [.. and, [256, 0, 0]])];
        foreach (var (lieRange, lieAnd) in lies)
        {
            var (airs2, traces2) = Statement(lieRange, lieAnd);
            Assert.Throws<ArgumentException>(() => ZkvmProving.ProveAndVerify(airs2, traces2));
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid);
            Assert.Contains("balance", result.Error);
        }
    }

    [Fact]
    public void Small_table_rejects_every_kind_of_false_tuple()
    {
        // A 4-bit table (256 rows) keeps each proof small; the 8-bit one differs only in size.
        var (range, and) = HonestLookups(4);
        var (airs, traces) = Statement(range, and, bits: 4);
        Assert.True(ZkvmProving.ProveAndVerify(airs, traces).IsValid);
        // Wrong AND results (OR and XOR of the operands among them), non-byte operands, a RANGE8 with a non-zero result, p − 1.
        ulong p1 = KoalaBear.Modulus - 1;
        ulong[][] andLies = [[3, 5, 7], [3, 5, 6], [12, 10, 0], [16, 0, 0], [0, 16, 0], [5, 0, 5], [p1, 0, 0], [1, 1, 0]];
        foreach (var lie in andLies)
        {
            var (airs2, traces2) = Statement(range, [.. and, lie], bits: 4);
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid, string.Join(",", lie));
            Assert.Contains("balance", result.Error);
        }
        foreach (ulong lie in new[] { 256UL, 1UL << 16, p1 })
        {
            var (airs2, traces2) = Statement([.. range, lie], and, bits: 4);
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid, lie.ToString());
            Assert.Contains("balance", result.Error);
        }
    }

    [Fact]
    public void Tampered_multiplicities_are_rejected()
    {
        var (range, and) = HonestLookups(4);
        var table = new ByteTable<KoalaBear>(bits: 4);
        foreach (var (row, col, delta) in new[] { (3, 0, 1L), (table.RowOf(2, 0), 1, 1L), (0, 1, -1L), (17, 0, 1L << 20) })
        {
            var (airs, traces) = Statement(range, and, bits: 4);
            var m = traces[2];
            m[row, col] += delta >= 0 ? KoalaBear.FromUInt64((ulong)delta) : -KoalaBear.FromUInt64((ulong)-delta);
            var result = ZkvmProving.ProveAndVerify(airs, traces, checkConstraints: false);
            Assert.False(result.IsValid, $"row {row} column {col} {delta:+#;-#}");
            Assert.Contains("balance", result.Error);
        }
        // Moving a count from a true row to another true row (both counts stay non-negative) unbalances two tuples.
        var (airs3, traces3) = Statement(range, and, bits: 4);
        int from = Enumerable.Range(0, table.Height).First(r => !traces3[2][r, 0].IsZero);
        int to = (from + 1) % table.Height;
        traces3[2][from, 0] -= KoalaBear.One;
        traces3[2][to, 0] += KoalaBear.One;
        var moved = ZkvmProving.ProveAndVerify(airs3, traces3, checkConstraints: false);
        Assert.False(moved.IsValid);
        Assert.Contains("balance", moved.Error);
    }
}
