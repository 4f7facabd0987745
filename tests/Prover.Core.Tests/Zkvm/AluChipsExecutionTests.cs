using Prover.Core.Air;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Shift;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>The ALU chips on the events of a real (emulated) execution, together in one proof.</summary>
public sealed class AluChipsExecutionTests(ITestOutputHelper output)
{
    private static uint[] Program()
    {
        var body = new List<uint>
        {
            Asm.Addi(5, 0, -1), Asm.Addi(6, 0, 1), Asm.Lui(7, unchecked((int)0x8000_0000)), Asm.Slli(8, 6, 63), Asm.Srli(9, 5, 1),
            Asm.Auipc(10, 0x12345000), Asm.Lui(28, 0x7FFFF000), Asm.Addiw(28, 28, 0x7FF), Asm.Addi(29, 0, 33),
        };
        int[] regs = [0, 5, 6, 7, 8, 9, 10, 28, 29];
        int rd = 11;
        foreach (int a in regs)
            foreach (int b in regs)
            {
                foreach (var f in new Func<int, int, int, uint>[] { Asm.Add, Asm.Sub, Asm.Addw, Asm.Subw, Asm.And, Asm.Or, Asm.Xor, Asm.Sll, Asm.Srl, Asm.Sra, Asm.Sllw, Asm.Srlw, Asm.Sraw, Asm.Slt, Asm.Sltu })
                    body.Add(f(rd, a, b));
                rd = rd == 27 ? 11 : rd + 1;
            }
        foreach (int a in regs)
        {
            foreach (int imm in new[] { 0, 1, -1, 2047, -2048, 0x555 })
                foreach (var f in new Func<int, int, int, uint>[] { Asm.Addi, Asm.Addiw, Asm.Xori, Asm.Ori, Asm.Andi, Asm.Slti, Asm.Sltiu })
                    body.Add(f(rd, a, imm));
            foreach (int sh in new[] { 0, 1, 31, 32, 63 })
            {
                body.Add(Asm.Slli(rd, a, sh));
                body.Add(Asm.Srli(rd, a, sh));
                body.Add(Asm.Srai(rd, a, sh));
                if (sh < 32)
                {
                    body.Add(Asm.Slliw(rd, a, sh));
                    body.Add(Asm.Srliw(rd, a, sh));
                    body.Add(Asm.Sraiw(rd, a, sh));
                }
            }
        }
        return [.. body];
    }

    [Fact]
    public void Execution_events_satisfy_the_chips_and_prove_together()
    {
        var record = Emu.Run(Program()).Shards.Single();
        List<AluEvent> all = [.. record.AddSub, .. record.UpperImmediate, .. record.Bitwise, .. record.Shift, .. record.Compare];
        // The emulator's results agree with the independent reference.
        foreach (var e in all)
            Assert.True(e.A == RiscV.Eval(e.Op, e.B, e.C), e.ToString());

        var counts = new LookupCounts();
        var chips = new (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)[]
        {
            (new AddSubAir<KoalaBear>(), AddSubTrace.Generate<KoalaBear>([.. record.AddSub, .. record.UpperImmediate], counts)),
            (new BitwiseAir<KoalaBear>(), BitwiseTrace.Generate<KoalaBear>(record.Bitwise, counts)),
            (new ShiftAir<KoalaBear>(), ShiftTrace.Generate<KoalaBear>(record.Shift, counts)),
            (new CompareAir<KoalaBear>(), CompareTrace.Generate<KoalaBear>(record.Compare, counts)),
        };
        foreach (var (air, trace) in chips)
            AluTests.AssertSatisfied(air, trace);
        output.WriteLine($"{all.Count} ALU events: add-sub {record.AddSub.Count + record.UpperImmediate.Count}, bitwise {record.Bitwise.Count}, shift {record.Shift.Count}, compare {record.Compare.Count}");

        // One proof: requester (the CPU's stand-in) + the four chips + subset lookup tables.
        var (range, rangeTrace) = SubsetTableAir.Range16(counts);
        var (byteOp, byteOpTrace) = SubsetTableAir.And(counts);
        IAir<KoalaBear>[] airs = [new TupleSenderAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "alu-requester"), .. chips.Select(c => c.Air), range, byteOp];
        RowMajorMatrix<KoalaBear>[] traces = [TupleSenderAir.Trace(AluTests.AluTuples(all), ZkvmBus.AluTupleWidth), .. chips.Select(c => c.Trace), rangeTrace, byteOpTrace];
        var result = ZkvmProving.ProveAndVerify(airs, traces);
        Assert.True(result.IsValid, result.ToString());

        // Dropping one chip leaves its tuples unreceived.
        IAir<KoalaBear>[] missing = [.. airs.Where((_, i) => i != 3)];
        RowMajorMatrix<KoalaBear>[] missingTraces = [.. traces.Where((_, i) => i != 3)];
        Assert.False(ZkvmProving.ProveAndVerify(missing, missingTraces, checkConstraints: false).IsValid);
    }
}
