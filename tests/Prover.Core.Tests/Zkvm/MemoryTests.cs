using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

public class MemoryTests
{
    private static readonly MemoryInitAir<KoalaBear> InitAir = new();
    private static readonly MemoryFinalAir<KoalaBear> FinalAir = new();

    /// <summary>Stores of every width at aligned addresses, then loads of every width (sign and zero extension of bytes with bit 7 set and clear).</summary>
    internal static readonly MemOp[] Aligned =
    [
        new(Opcode.Ld, 20, 0), new(Opcode.Sd, 10, 0), new(Opcode.Sw, 11, 8), new(Opcode.Sh, 12, 12), new(Opcode.Sb, 13, 14), new(Opcode.Sb, 10, 15),
        new(Opcode.Ld, 21, 0), new(Opcode.Ld, 22, 8), new(Opcode.Lw, 23, 0), new(Opcode.Lw, 24, 4), new(Opcode.Lwu, 25, 4), new(Opcode.Lh, 26, 6),
        new(Opcode.Lhu, 27, 6), new(Opcode.Lh, 28, 12), new(Opcode.Lb, 29, 7), new(Opcode.Lbu, 30, 7), new(Opcode.Lb, 31, 14), new(Opcode.Lbu, 20, 15),
        new(Opcode.Lw, 21, 16), new(Opcode.Sd, 11, 24),
    ];

    /// <summary>Misaligned accesses of every width, inside one double word and crossing into the next.</summary>
    internal static readonly MemOp[] Misaligned =
    [
        new(Opcode.Sd, 10, 3), new(Opcode.Sw, 11, 6), new(Opcode.Sh, 12, 15), new(Opcode.Sh, 13, 17), new(Opcode.Sw, 12, 25),
        new(Opcode.Ld, 20, 1), new(Opcode.Ld, 21, 7), new(Opcode.Lw, 22, 5), new(Opcode.Lwu, 23, 5), new(Opcode.Lw, 24, 2),
        new(Opcode.Lh, 25, 7), new(Opcode.Lhu, 26, 15), new(Opcode.Lh, 27, 1), new(Opcode.Lb, 28, 9), new(Opcode.Lbu, 29, 3),
        new(Opcode.Lwu, 30, 30), new(Opcode.Sd, 13, 37), new(Opcode.Ld, 31, 33),
    ];

    private static void AssertHonest(MemoryScenario s)
    {
        // The reference semantics agree with the machine (sanity of the test's own model).
        foreach (var (reg, value) in s.LoadResults)
            Assert.Equal(value, s.Outcome[reg]);
        Assert.Equal(s.ExpectedInit, MemoryTrace.InitialEntries(s.Record));
        Assert.Equal(s.ExpectedFinal, MemoryTrace.FinalEntries(s.Record));
        s.AssertAirsSatisfied();
        s.AssertCountsMatchAirs();
        var result = s.Prove();
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Init_and_final_close_the_memory_bus_without_accesses_only_when_they_agree()
    {
        // Init produces (k, v, ts) and Final consumes the same tuples: balanced. No load/store chip needed.
        MemoryEntry[] entries = [new(3, 0x1122_3344_5566_7788, 0), new(4, ulong.MaxValue, 42), new(1 << 27, 5, 1 << 20), new((1UL << 29) + 31, 7, 9)];
        var counts = new LookupCounts();
        var init = MemoryTrace.Generate<KoalaBear>(entries, init: true, counts);
        var final = MemoryTrace.Generate<KoalaBear>(entries, init: false, counts);
        AluTests.AssertSatisfied(InitAir, init);
        AluTests.AssertSatisfied(FinalAir, final);
        var valid = MemoryScenario.ValidLookups([(InitAir, init), (FinalAir, final)]);
        Assert.True(valid.Range16.SequenceEqual(counts.Range16));
        VerificationResult Prove(Prover.Core.Matrix.RowMajorMatrix<KoalaBear> f)
        {
            var c = MemoryScenario.ValidLookups([(InitAir, init), (FinalAir, f)]);
            var (range, rangeTrace) = SubsetTableAir.Range16(c);
            return ZkvmProving.ProveAndVerify([InitAir, FinalAir, range], [init, f, rangeTrace], checkConstraints: false);
        }
        Assert.True(Prove(final).IsValid);
        // Final claims another value for key 4: unbalanced.
        var wrong = MemoryTrace.Generate<KoalaBear>([entries[0], entries[1] with { Value = 1 }, entries[2], entries[3]], init: false, new LookupCounts());
        var rejected = Prove(wrong);
        Assert.False(rejected.IsValid);
        Assert.Contains("do not balance", rejected.Error);
    }

    [Fact]
    public void Aligned_loads_and_stores_of_every_width_prove()
    {
        var s = new MemoryScenario(Aligned);
        Assert.Equal(0L, (long)s.Outcome.Result.UnalignedAccesses);
        AssertHonest(s);
    }

    [Fact]
    public void Misaligned_loads_and_stores_including_double_word_crossings_prove()
    {
        var s = new MemoryScenario(Misaligned);
        Assert.True((long)s.Outcome.Result.UnalignedAccesses >= 15);
        // Crossing rows exist (and only where offset + width > 8).
        for (int r = 0; r < s.Ops.Length; r++)
        {
            var op = s.Ops[r];
            bool crosses = (op.Imm & 7) + RefMemory.WidthOf(op.Op) > 8;
            Assert.Equal(crosses ? KoalaBear.One : KoalaBear.Zero, s.LoadStore[s.RowOf(r + 1), LoadStoreCols.Cross]);
        }
        Assert.Contains(s.Ops, o => (o.Imm & 7) + RefMemory.WidthOf(o.Op) > 8 && LoadStoreCols.IsStore(o.Op));
        Assert.Contains(s.Ops, o => (o.Imm & 7) + RefMemory.WidthOf(o.Op) > 8 && !LoadStoreCols.IsStore(o.Op));
        AssertHonest(s);
    }

    [Fact]
    public void Shape_has_degree_at_most_three()
    {
        foreach (var air in new Prover.Core.Air.IAir<KoalaBear>[] { MemoryScenario.LoadStoreAir, InitAir, FinalAir })
            Assert.True(AluTests.Shape(air).Degree <= 3, air.Name);
        Assert.Equal(75, MemoryScenario.LoadStoreAir.Width);
    }
}
