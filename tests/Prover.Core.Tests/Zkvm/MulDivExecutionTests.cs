using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.DivRem;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>The Mul and DivRem chips on the events of a real (emulated) execution, in one proof.</summary>
public sealed class MulDivExecutionTests(ITestOutputHelper output)
{
    private static readonly ulong[] Values =
        [0, 1, ulong.MaxValue, 1UL << 63, (1UL << 63) - 1, 0xDEAD_BEEF_8000_0000, 7, unchecked((ulong)-7L), 0xFFFF_FFFF, 1UL << 32, 0x0123_4567_89AB_CDEF];

    private static readonly Func<int, int, int, uint>[] Ops =
    [
        Asm.Mul, Asm.Mulh, Asm.Mulhsu, Asm.Mulhu, Asm.Mulw,
        Asm.Div, Asm.Divu, Asm.Rem, Asm.Remu, Asm.Divw, Asm.Divuw, Asm.Remw, Asm.Remuw,
    ];

    [Fact]
    public void Execution_events_satisfy_the_chips_and_prove_together()
    {
        // Sources x5..x15 hold the edge values; results rotate through x16..x31.
        var body = new List<uint>();
        int rd = 16;
        for (int a = 0; a < Values.Length; a++)
            for (int b = 0; b < Values.Length; b++)
                foreach (var op in Ops)
                {
                    body.Add(op(rd, 5 + a, 5 + b));
                    rd = rd == 31 ? 16 : rd + 1;
                }
        var record = Emu.Run([.. body], m =>
        {
            for (int i = 0; i < Values.Length; i++)
                m.SetRegister(5 + i, Values[i]);
        }).Shards.Single();
        Assert.Equal(Values.Length * Values.Length * 5, record.Mul.Count);
        Assert.Equal(Values.Length * Values.Length * 8, record.DivRem.Count);
        // The emulator and the independent reference agree.
        foreach (var e in record.Mul.Concat(record.DivRem))
            Assert.True(e.A == MulDivRef.Eval(e.Op, e.B, e.C), e.ToString());

        var counts = new LookupCounts();
        var mulAir = new MulAir<KoalaBear>();
        var divAir = new DivRemAir<KoalaBear>();
        var mulTrace = MulTrace.Generate<KoalaBear>(record.Mul, counts);
        var divTrace = DivRemTrace.Generate<KoalaBear>(record.DivRem, counts);
        AluTests.AssertSatisfied(mulAir, mulTrace);
        AluTests.AssertSatisfied(divAir, divTrace);

        // The requester sends the emulator's own events (its A), not the reference's.
        var tuples = record.Mul.Concat(record.DivRem).Select(e => new[] { (ulong)e.Op }
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.A, i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.B, i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.C, i))).ToArray()).ToArray();
        var result = MulDivProving.RoundTrip(tuples, counts, true, (mulAir, mulTrace), (divAir, divTrace));
        output.WriteLine($"{record.Mul.Count} mul + {record.DivRem.Count} divrem events: {result}");
        Assert.True(result.IsValid, result.ToString());
    }
}
