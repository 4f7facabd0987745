using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Zkvm;

/// <summary>RISC-V M-extension semantics computed independently of the chips (Int128/UInt128), per the ISA manual's tables.</summary>
internal static class RiscV
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

/// <summary>Test-only Alu-bus requester: each row sends (opcode, a0..a3, b0..b3, c0..c3) on bus 3 with multiplicity column 13.</summary>
internal sealed class AluRequesterAir : IAir<KoalaBear>
{
    public string Name => "test-alu-requester";

    public int Width => 14;

    public void Eval(AirBuilder<KoalaBear> builder)
    {
        var row = builder.Local;
        builder.Send(3, [.. row.Take(13)], row[13]);
    }

    /// <summary>Rows from (op, a, b, c) with a computed by the test's reference semantics.</summary>
    public static RowMajorMatrix<KoalaBear> Trace(IReadOnlyList<AluEvent> events)
    {
        int height = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, events.Count)));
        var t = new RowMajorMatrix<KoalaBear>(height, 14);
        for (int r = 0; r < events.Count; r++)
        {
            var e = events[r];
            t[r, 0] = KoalaBear.FromUInt64((ulong)e.Op);
            for (int k = 0; k < 4; k++)
            {
                t[r, 1 + k] = KoalaBear.FromUInt64((e.A >> (16 * k)) & 0xFFFF);
                t[r, 5 + k] = KoalaBear.FromUInt64((e.B >> (16 * k)) & 0xFFFF);
                t[r, 9 + k] = KoalaBear.FromUInt64((e.C >> (16 * k)) & 0xFFFF);
            }
            t[r, 13] = KoalaBear.One;
        }
        return t;
    }
}

/// <summary>Test-only Range16 table (bus 1): preprocessed 0..2^16−1, main column 0 = multiplicity.</summary>
internal sealed class TestRange16Air : IAir<KoalaBear>
{
    public string Name => "test-range16";

    public int Width => 1;

    public int PreprocessedWidth => 1;

    public RowMajorMatrix<KoalaBear>? PreprocessedTrace(int height)
    {
        var m = new RowMajorMatrix<KoalaBear>(height, 1);
        for (int r = 0; r < height; r++)
            m[r, 0] = KoalaBear.FromUInt64((ulong)r);
        return m;
    }

    public void Eval(AirBuilder<KoalaBear> builder) => builder.Receive(1, [builder.PreprocessedLocal[0]], builder.Local[0]);

    /// <summary>Multiplicities of every in-range value the given tables send on bus 1 (out-of-range values are not counted, so they unbalance the bus).</summary>
    public static RowMajorMatrix<KoalaBear> Trace(params (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)[] senders)
    {
        var counts = new long[1 << 16];
        foreach (var (air, trace) in senders)
            foreach (var (kind, values, m) in BusTally.Interactions(air, trace, 1))
                if (kind == InteractionKind.Send && values[0].ToCanonical() < (1u << 16))
                    counts[values[0].ToCanonical()] += m.ToCanonical();
        var t = new RowMajorMatrix<KoalaBear>(1 << 16, 1);
        for (int v = 0; v < counts.Length; v++)
            t[v, 0] = KoalaBear.FromUInt64((ulong)counts[v]);
        return t;
    }
}

/// <summary>Evaluates an AIR's bus interactions on a concrete trace (local row only).</summary>
internal static class BusTally
{
    public static IEnumerable<(InteractionKind Kind, KoalaBear[] Values, KoalaBear Multiplicity)> Interactions(IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace, int bus)
    {
        var compiled = new CompiledAir<KoalaBear>(air);
        var registers = new KoalaBear[compiled.Program.InstructionCount];
        var outputs = new KoalaBear[compiled.Program.ConstraintCount];
        for (int r = 0; r < trace.Height; r++)
        {
            var inputs = new RowInputs(trace.Row(r).ToArray());
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

    private readonly struct RowInputs(KoalaBear[] row) : IConstraintInputs<KoalaBear, KoalaBear>
    {
        public KoalaBear Load(Variable v) => v.Source == VariableSource.Main && v.Offset == 0 ? row[v.Index] : throw new InvalidOperationException("local main cells only");

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

/// <summary>Proves and verifies a set of tables with the fast test configuration.</summary>
internal static class ZkvmProofs
{
    public static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 8, QueryPowBits = 0 };

    public static VerificationResult ProveAndVerify(IAir<KoalaBear>[] airs, RowMajorMatrix<KoalaBear>[] traces, bool check = true)
    {
        var prover = new StarkProver<KoalaBearParameters, KoalaBearQuartic>(Config) { CheckConstraints = check };
        var proof = prover.Prove(airs, traces, [.. airs.Select(_ => Array.Empty<KoalaBear>())]);
        return new StarkVerifier<KoalaBearParameters, KoalaBearQuartic>(Config).Verify(airs, ProofSerializer.Serialize(proof));
    }
}
