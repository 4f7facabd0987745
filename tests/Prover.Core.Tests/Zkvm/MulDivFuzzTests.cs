using Prover.Core.Machine;
using Prover.Core.Zkvm.DivRem;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>Every single-cell change of an honest Mul or DivRem row is caught or harmless (see <see cref="SoundnessFuzz"/>).</summary>
public sealed class MulDivFuzzTests(ITestOutputHelper output)
{
    private static List<AluEvent> Events(Opcode[] ops, int seed)
    {
        var rng = new Random(seed);
        var events = new List<AluEvent>();
        foreach (var op in ops)
        {
            events.Add(RiscV.Event(op, ulong.MaxValue, 1));
            events.Add(RiscV.Event(op, 1UL << 63, ulong.MaxValue)); // signed overflow
            events.Add(RiscV.Event(op, 0xDEAD_BEEF_8000_0000, ulong.MaxValue)); // W overflow
            events.Add(RiscV.Event(op, 0x1234_5678_9ABC_DEF0, 0)); // division by zero
            events.Add(RiscV.Event(op, unchecked((ulong)-7L), 2));
            events.Add(RiscV.Event(op, MulDivRef.Random64(rng), MulDivRef.Random64(rng)));
        }
        return events;
    }

    [Fact]
    public void Mul()
    {
        const int Seed = 51;
        var events = Events([Opcode.Mul, Opcode.Mulh, Opcode.Mulhsu, Opcode.Mulhu, Opcode.Mulw], Seed);
        var air = new MulAir<KoalaBear>();
        var trace = MulTrace.Generate<KoalaBear>(events, new LookupCounts());
        AluTests.AssertSatisfied(air, trace);
        var tally = SoundnessFuzz.Run(air, trace, Math.Min(events.Count + 1, trace.Height), Seed);
        output.WriteLine($"mul (seed {Seed}): {tally}");
        Assert.True(tally.Violations > 0);
    }

    [Fact]
    public void DivRem()
    {
        const int Seed = 52;
        var events = Events([Opcode.Div, Opcode.Divu, Opcode.Rem, Opcode.Remu, Opcode.Divw, Opcode.Divuw, Opcode.Remw, Opcode.Remuw], Seed);
        var air = new DivRemAir<KoalaBear>();
        var trace = DivRemTrace.Generate<KoalaBear>(events, new LookupCounts());
        AluTests.AssertSatisfied(air, trace);
        var tally = SoundnessFuzz.Run(air, trace, Math.Min(events.Count + 1, trace.Height), Seed);
        output.WriteLine($"divrem (seed {Seed}): {tally}");
        Assert.True(tally.Violations > 0);
    }
}
