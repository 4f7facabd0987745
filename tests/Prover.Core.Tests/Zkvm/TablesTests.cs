using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

public sealed class TablesTests(ITestOutputHelper output)
{
    [Fact]
    public void Range16_preprocessed_column_is_0_to_2_16_minus_1()
    {
        var table = new Range16Table<KoalaBear>();
        var pre = table.PreprocessedTrace(1 << 16)!;
        for (int r = 0; r < 1 << 16; r++)
            Assert.Equal((uint)r, pre[r, 0].ToCanonical());
        Assert.Throws<ArgumentException>(() => table.PreprocessedTrace(1 << 17));
    }

    [Fact]
    public void Range16_counts_become_the_multiplicity_column()
    {
        var counts = new LookupCounts();
        foreach (ulong x in new ulong[] { 0, 5, 5, 0xFFFF, 5 })
            counts.AddRange16(x);
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.AddRange16(0x10000));
        var trace = new Range16Table<KoalaBear>().GenerateTrace(counts);
        Assert.Equal(1u, trace[0, 0].ToCanonical());
        Assert.Equal(3u, trace[5, 0].ToCanonical());
        Assert.Equal(1u, trace[0xFFFF, 0].ToCanonical());
        Assert.Equal(0u, trace[6, 0].ToCanonical());
        // A test-sized table refuses counts it cannot hold instead of silently dropping them.
        Assert.Throws<ArgumentException>(() => new Range16Table<KoalaBear>(bits: 8).GenerateTrace(counts));
    }

    private static (IAir<KoalaBear>[], Prover.Core.Matrix.RowMajorMatrix<KoalaBear>[]) RangeStatement(ulong[] values, int bits, bool honestCounts = true)
    {
        var table = new Range16Table<KoalaBear>(bits);
        var counts = new LookupCounts();
        foreach (var x in values)
            if (honestCounts || x < (1UL << bits))
                counts.AddRange16(x);
        var sender = TupleSenderAir.Trace([.. values.Select(v => new[] { v })], 1);
        return ([new TupleSenderAir(ZkvmBus.Range16, 1), table], [sender, table.GenerateTrace(counts)]);
    }

    [Fact]
    public void Range16_full_table_round_trip()
    {
        var rng = new Random(16);
        var values = Enumerable.Range(0, 200).Select(_ => (ulong)rng.Next(1 << 16)).Concat(new ulong[] { 0, 0xFFFF }).ToArray();
        var (airs, traces) = RangeStatement(values, 16);
        var clock = Stopwatch.StartNew();
        var result = ZkvmProving.ProveAndVerify(airs, traces);
        output.WriteLine($"2^16-row range table: prove + verify {clock.ElapsedMilliseconds} ms");
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Range16_rejects_a_value_out_of_range()
    {
        // 2^8 sent to the 8-bit variant (the same argument as 2^16 to the full table): no row of the
        // table can receive it, so the bus cannot balance whatever the multiplicities.
        ulong[] values = [1, 2, 255, 256];
        var (airs, traces) = RangeStatement(values, 8, honestCounts: false);
        Assert.Throws<ArgumentException>(() => ZkvmProving.ProveAndVerify(airs, traces));
        var result = ZkvmProving.ProveAndVerify(airs, traces, checkConstraints: false);
        Assert.False(result.IsValid);
        Assert.Contains("balance", result.Error);
        // p − 1 ("−1") is not in range either.
        var (airs2, traces2) = RangeStatement([3], 8);
        traces2[0][0, 1] = -KoalaBear.One;
        Assert.False(ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false).IsValid);
    }

    [Fact]
    public void ByteOp_table_rows_are_true_statements_and_padding_repeats_AND_0_0_0()
    {
        var table = new ByteOpTable<KoalaBear>();
        Assert.Equal(1 << 18, table.Height);
        var pre = table.PreprocessedTrace(table.Height)!;
        var seen = new HashSet<(uint, uint, uint)>();
        for (int r = 0; r < table.Height; r++)
        {
            uint op = pre[r, 0].ToCanonical(), a = pre[r, 1].ToCanonical(), b = pre[r, 2].ToCanonical(), c = pre[r, 3].ToCanonical();
            Assert.True(a < 256 && b < 256, $"row {r}");
            uint expected = op switch { 0 => a & b, 1 => a | b, 2 => a ^ b, 3 => 0u, _ => throw new InvalidOperationException($"row {r}: op {op}") };
            if (op == 3)
                Assert.Equal(0u, b);
            Assert.Equal(expected, c);
            if (r >= table.UsedRows)
                Assert.Equal((0u, 0u, 0u, 0u), (op, a, b, c));
            else
                Assert.True(seen.Add((op, a, b)), $"row {r} repeats a statement");
        }
        Assert.Equal(table.UsedRows, seen.Count);
    }

    private static (IAir<KoalaBear>[], Prover.Core.Matrix.RowMajorMatrix<KoalaBear>[]) ByteOpStatement(ulong[][] tuples, int bits)
    {
        var table = new ByteOpTable<KoalaBear>(bits);
        var counts = new LookupCounts();
        foreach (var t in tuples)
        {
            // The honest prover counts every tuple that is a row; a false tuple has no row to count.
            bool isRow = t[0] <= 3 && t[1] < (1UL << bits) && t[2] < (1UL << bits) && (t[0] < 3 || t[2] == 0)
                && t[3] == ByteOpTable<KoalaBear>.Apply((ByteOpKind)t[0], t[1], t[2]);
            if (isRow)
                counts.AddByteOp((ByteOpKind)t[0], t[1], t[2]);
        }
        var sender = TupleSenderAir.Trace(tuples, 4);
        return ([new TupleSenderAir(ZkvmBus.ByteOp, 4), table], [sender, table.GenerateTrace(counts)]);
    }

    [Fact]
    public void ByteOp_round_trip_and_false_statements_rejected()
    {
        // A 4-bit table (1024 rows) keeps the proof small; the 8-bit one differs only in size.
        var rng = new Random(8);
        var tuples = new List<ulong[]>();
        for (int i = 0; i < 60; i++)
        {
            ulong op = (ulong)rng.Next(4), a = (ulong)rng.Next(16), b = op == 3 ? 0 : (ulong)rng.Next(16);
            ulong c = op switch { 0 => a & b, 1 => a | b, 2 => a ^ b, _ => 0 };
            tuples.Add([op, a, b, c]);
        }
        var (airs, traces) = ByteOpStatement([.. tuples], 4);
        var clock = Stopwatch.StartNew();
        Assert.True(ZkvmProving.ProveAndVerify(airs, traces).IsValid);
        output.WriteLine($"4-bit byte-op table: prove + verify {clock.ElapsedMilliseconds} ms");

        // Wrong results, a non-byte operand, a RANGE8 with b ≠ 0: none is a row, so the bus cannot balance.
        ulong[][][] lies = [[[0, 3, 5, 2]], [[2, 7, 7, 1]], [[3, 16, 0, 0]], [[3, 1, 1, 0]], [[4, 0, 0, 0]]];
        foreach (var lie in lies)
        {
            var (airs2, traces2) = ByteOpStatement([.. tuples, .. lie], 4);
            var result = ZkvmProving.ProveAndVerify(airs2, traces2, checkConstraints: false);
            Assert.False(result.IsValid, string.Join(",", lie[0]));
        }
    }
}
