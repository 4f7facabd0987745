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
}
