using Prover.Core.Air;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Shift;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>Every single-cell change of an honest row is caught or harmless (see <see cref="SoundnessFuzz"/>).</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static List<AluEvent> Events(Opcode[] ops, int seed)
    {
        var rng = new Random(seed);
        var events = new List<AluEvent>();
        foreach (var op in ops)
        {
            events.Add(RiscV.Event(op, ulong.MaxValue, 1));
            events.Add(RiscV.Event(op, 1UL << 63, (1UL << 63) - 1));
            events.Add(RiscV.Event(op, (ulong)rng.NextInt64() ^ (1UL << 63), (ulong)rng.NextInt64()));
        }
        return events;
    }

    private void Check(string name, IAir<KoalaBear> air, Func<List<AluEvent>, LookupCounts, RowMajorMatrix<KoalaBear>> generate, Opcode[] ops, int seed)
    {
        var events = Events(ops, seed);
        var trace = generate(events, new LookupCounts());
        AluTests.AssertSatisfied(air, trace);
        // All event rows and one padding row.
        var tally = SoundnessFuzz.Run(air, trace, Math.Min(events.Count + 1, trace.Height), seed);
        output.WriteLine($"{name} (seed {seed}): {tally}");
        Assert.True(tally.Violations > 0);
    }

    [Fact]
    public void AddSub() => Check("add-sub", new AddSubAir<KoalaBear>(), (e, c) => AddSubTrace.Generate<KoalaBear>(e, c),
        [Opcode.Add, Opcode.Sub, Opcode.Addi, Opcode.Addw, Opcode.Subw, Opcode.Addiw, Opcode.Lui, Opcode.Auipc], 41);

    [Fact]
    public void Bitwise() => Check("bitwise", new BitwiseAir<KoalaBear>(), (e, c) => BitwiseTrace.Generate<KoalaBear>(e, c),
        [Opcode.And, Opcode.Or, Opcode.Xor, Opcode.Andi, Opcode.Ori, Opcode.Xori], 42);

    [Fact]
    public void Compare() => Check("compare", new CompareAir<KoalaBear>(), (e, c) => CompareTrace.Generate<KoalaBear>(e, c),
        [Opcode.Slt, Opcode.Sltu, Opcode.Slti, Opcode.Sltiu], 43);

    [Fact]
    public void Shift() => Check("shift", new ShiftAir<KoalaBear>(), (e, c) => ShiftTrace.Generate<KoalaBear>(e, c),
        [Opcode.Sll, Opcode.Srl, Opcode.Sra, Opcode.Slli, Opcode.Srli, Opcode.Srai, Opcode.Sllw, Opcode.Srlw, Opcode.Sraw, Opcode.Slliw, Opcode.Srliw, Opcode.Sraiw], 44);
}
