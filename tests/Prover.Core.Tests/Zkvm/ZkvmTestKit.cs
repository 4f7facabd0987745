using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>RISC-V M-extension semantics computed independently of the chips (Int128/UInt128), per the ISA manual's tables.</summary>
internal static class MulDivRef
{
    public static ulong Eval(Opcode op, ulong b, ulong c)
    {
        long sb = (long)b, sc = (long)c;
        int wb = (int)b, wc = (int)c;
        uint ub = (uint)b, uc = (uint)c;
        return op switch
        {
            Opcode.Mul => (ulong)((UInt128)b * c),
            Opcode.Mulh => (ulong)(((Int128)sb * sc) >> 64),
            Opcode.Mulhsu => (ulong)(((Int128)sb * (Int128)c) >> 64),
            Opcode.Mulhu => (ulong)(((UInt128)b * c) >> 64),
            Opcode.Mulw => (ulong)(long)(int)(uint)((UInt128)b * c),
            // −2^63 / −1 = 2^63 wraps to −2^63 (unchecked narrowing), as the spec requires.
            Opcode.Div => c == 0 ? ulong.MaxValue : (ulong)unchecked((long)((Int128)sb / sc)),
            Opcode.Divu => c == 0 ? ulong.MaxValue : b / c,
            Opcode.Rem => c == 0 ? b : (ulong)(long)((Int128)sb % sc),
            Opcode.Remu => c == 0 ? b : b % c,
            Opcode.Divw => wc == 0 ? ulong.MaxValue : (ulong)(long)unchecked((int)((long)wb / wc)),
            Opcode.Divuw => uc == 0 ? ulong.MaxValue : (ulong)(long)(int)(ub / uc),
            Opcode.Remw => wc == 0 ? (ulong)(long)wb : (ulong)(long)(int)((long)wb % wc),
            Opcode.Remuw => uc == 0 ? (ulong)(long)(int)ub : (ulong)(long)(int)(ub % uc),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>Edge-case operands: 0, ±1, extremes of 64 and 32 bits, powers of two, garbage high halves.</summary>
    public static readonly ulong[] Edges =
    [
        0, 1, 2, 3, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1, (1UL << 63) + 1, 1UL << 32, (1UL << 32) - 1,
        1UL << 31, (1UL << 31) - 1, 0xFFFF_FFFF_8000_0000, 0xDEAD_BEEF_0000_0000, 0xDEAD_BEEF_FFFF_FFFF, 0x1234_5678_8000_0000,
        0x0000_0001_0000_0001, 1UL << 16, 0xFFFF, 0x8000_0000_0000_FFFF, 7, unchecked((ulong)-7L), 0xFF00_FF00_FF00_FF00,
    ];

    public static IEnumerable<(ulong B, ulong C)> EdgePairs()
    {
        foreach (ulong b in Edges)
            foreach (ulong c in Edges)
                yield return (b, c);
    }

    public static ulong Random64(Random rng)
    {
        // Mix uniform words with small, negative-small and sparse ones so every sign and carry path is hit.
        ulong v = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63);
        return rng.Next(4) switch
        {
            0 => v,
            1 => (ulong)rng.Next(-1000, 1000),
            2 => v & 0xFFFF_FFFF,
            _ => 1UL << rng.Next(64),
        };
    }
}

/// <summary>Evaluates an AIR's bus interactions on a concrete trace (local row only).</summary>
internal static class BusTally
{
    public static IEnumerable<(InteractionKind Kind, KoalaBear[] Values, KoalaBear Multiplicity)> Interactions(IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace, int bus,
        IReadOnlyList<KoalaBear>? publics = null)
    {
        var compiled = new CompiledAir<KoalaBear>(air);
        var registers = new KoalaBear[compiled.Program.InstructionCount];
        var outputs = new KoalaBear[compiled.Program.ConstraintCount];
        for (int r = 0; r < trace.Height; r++)
        {
            var inputs = new RowInputs(trace.Row(r).ToArray(), publics ?? []);
            compiled.Program.Evaluate<KoalaBear, RowInputs>(ref inputs, registers, outputs);
            for (int i = 0; i < compiled.Interactions.Count; i++)
            {
                var it = compiled.Interactions[i];
                if (it.Bus != bus)
                    continue;
                int o = compiled.InteractionOutput(i);
                var m = outputs[o + it.Values.Count];
                if (!m.IsZero)
                    yield return (it.Kind, outputs.AsSpan(o, it.Values.Count).ToArray(), m);
            }
        }
    }

    private readonly struct RowInputs(KoalaBear[] row, IReadOnlyList<KoalaBear> publics) : IConstraintInputs<KoalaBear, KoalaBear>
    {
        public KoalaBear Load(Variable v) => v.Source switch
        {
            VariableSource.Main when v.Offset == 0 => row[v.Index],
            VariableSource.Public => publics[v.Index],
            _ => throw new InvalidOperationException("local main cells and public values only"),
        };

        public KoalaBear IsFirstRow => default;

        public KoalaBear IsLastRow => default;

        public KoalaBear IsTransition => default;

        public KoalaBear Lift(KoalaBear constant) => constant;
    }

    /// <summary>The 64-bit words (a, b, c) and opcode of an Alu tuple.</summary>
    public static (Opcode Op, ulong A, ulong B, ulong C) Decode(KoalaBear[] tuple)
    {
        ulong Word(int first)
        {
            ulong w = 0;
            for (int k = 0; k < 4; k++)
            {
                uint limb = tuple[first + k].ToCanonical();
                Assert.True(limb < 65536, $"limb {limb} out of range");
                w |= (ulong)limb << (16 * k);
            }
            return w;
        }
        return ((Opcode)tuple[0].ToCanonical(), Word(1), Word(5), Word(9));
    }
}

/// <summary>Round trips: a stand-in CPU sending the events' tuples (results from <see cref="MulDivRef"/>), the chips, Range16 and ByteAnd (subset) tables.</summary>
internal static class MulDivProving
{
    public static ulong[][] Tuples(IEnumerable<AluEvent> events) =>
        [.. events.Select(e => new[] { (ulong)e.Op }
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(MulDivRef.Eval(e.Op, e.B, e.C), i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.B, i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.C, i))).ToArray())];

    /// <summary>
    /// Counts of the true lookups the tables send (for forged traces, whose generator counts do not exist): Range16 values
    /// below 2^16, and ByteAnd tuples (a, b, a AND b) of bytes. A false lookup is left out, so it has no receiver.
    /// </summary>
    public static LookupCounts CountsFromBus(params (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)[] senders)
    {
        var counts = new LookupCounts();
        foreach (var (air, trace) in senders)
        {
            foreach (var (kind, values, m) in BusTally.Interactions(air, trace, ZkvmBus.Range16))
                if (kind == InteractionKind.Send && values[0].ToCanonical() < (1u << 16))
                    for (uint i = 0; i < m.ToCanonical(); i++)
                        counts.AddRange16(values[0].ToCanonical());
            foreach (var (kind, values, m) in BusTally.Interactions(air, trace, ZkvmBus.ByteAnd))
                if (kind == InteractionKind.Send && IsTrueAnd(values))
                    for (uint i = 0; i < m.ToCanonical(); i++)
                        counts.AddAnd(values[0].ToCanonical(), values[1].ToCanonical());
        }
        return counts;
    }

    /// <summary>Whether a ByteAnd tuple is one the byte table holds: (a, b, a AND b) with a and b bytes.</summary>
    public static bool IsTrueAnd(KoalaBear[] values)
    {
        uint a = values[0].ToCanonical(), b = values[1].ToCanonical();
        return a < 256 && b < 256 && values[2].ToCanonical() == (a & b);
    }

    public static VerificationResult RoundTrip(ulong[][] tuples, LookupCounts counts, bool checkConstraints, params (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)[] chips)
    {
        var (table, multiplicities) = SubsetTableAir.Range16(counts);
        var (andTable, andMultiplicities) = SubsetTableAir.And(counts);
        IAir<KoalaBear>[] airs = [new TupleSenderAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "alu-requester"), .. chips.Select(c => c.Air), table, andTable];
        RowMajorMatrix<KoalaBear>[] traces = [TupleSenderAir.Trace(tuples, ZkvmBus.AluTupleWidth), .. chips.Select(c => c.Trace), multiplicities, andMultiplicities];
        return ZkvmProving.ProveAndVerify(airs, traces, checkConstraints);
    }

    /// <summary>The generator's lookup counts must be exactly what the AIR sends (else the real table would not balance).</summary>
    public static void AssertCountsMatchBus(LookupCounts counts, IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace)
    {
        var tally = CountsFromBus((air, trace));
        Assert.Equal(tally.Range16.ToArray(), counts.Range16.ToArray());
        Assert.Equal(tally.And.ToArray(), counts.And.ToArray());
        Assert.All(BusTally.Interactions(air, trace, ZkvmBus.Range16), s => Assert.True(s.Values[0].ToCanonical() < 1 << 16));
        Assert.All(BusTally.Interactions(air, trace, ZkvmBus.ByteAnd), s => Assert.True(IsTrueAnd(s.Values)));
    }
}
