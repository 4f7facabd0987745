using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>RV64IM ALU semantics written out independently of the chips (RISC-V unprivileged ISA, RV32I/RV64I).</summary>
internal static class RiscV
{
    private static ulong Sext32(ulong x) => (ulong)(long)(int)(uint)x;

    public static ulong Eval(Opcode op, ulong b, ulong c) => op switch
    {
        Opcode.Add or Opcode.Addi or Opcode.Lui or Opcode.Auipc => b + c,
        Opcode.Sub => b - c,
        Opcode.Addw or Opcode.Addiw => Sext32(b + c),
        Opcode.Subw => Sext32(b - c),
        Opcode.Xor or Opcode.Xori => b ^ c,
        Opcode.Or or Opcode.Ori => b | c,
        Opcode.And or Opcode.Andi => b & c,
        Opcode.Sll or Opcode.Slli => b << (int)(c & 63),
        Opcode.Srl or Opcode.Srli => b >> (int)(c & 63),
        Opcode.Sra or Opcode.Srai => (ulong)((long)b >> (int)(c & 63)),
        Opcode.Sllw or Opcode.Slliw => Sext32((uint)b << (int)(c & 31)),
        Opcode.Srlw or Opcode.Srliw => Sext32((uint)b >> (int)(c & 31)),
        Opcode.Sraw or Opcode.Sraiw => (ulong)(long)((int)(uint)b >> (int)(c & 31)),
        Opcode.Slt or Opcode.Slti => (long)b < (long)c ? 1UL : 0,
        Opcode.Sltu or Opcode.Sltiu => b < c ? 1UL : 0,
        _ => MulDivRef.Eval(op, b, c), // M extension (throws for anything else)
    };

    public static AluEvent Event(Opcode op, ulong b, ulong c, uint pc = 0x1000) => new(pc, op, Eval(op, b, c), b, c);

    /// <summary>0, 1, −1, 2^63, 2^63 − 1, values around every limb and word boundary.</summary>
    public static readonly ulong[] Edges =
    [
        0, 1, ulong.MaxValue, 1UL << 63, (1UL << 63) - 1, 0xFFFF, 0x10000, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF, 0x8000_0000,
        0xFFFF_FFFF_FFFF, 0x1_0000_0000_0000, 0xFFFF_FFFF_8000_0000, 0x0000_8000_0000_8000, 0x8000_0000_0000_0001, 31, 32, 63, 64,
    ];

    /// <summary>Edge pairs (all of <see cref="Edges"/> squared) plus <paramref name="randomCount"/> random pairs; the seed is fixed.</summary>
    public static List<(ulong B, ulong C)> Operands(int randomCount, int seed)
    {
        var list = new List<(ulong, ulong)>();
        foreach (var b in Edges)
            foreach (var c in Edges)
                list.Add((b, c));
        var rng = new Random(seed);
        for (int i = 0; i < randomCount; i++)
        {
            ulong b = (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63), c = (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63);
            // Sometimes small operands, sometimes sign-extended 12-bit immediates.
            if (rng.Next(4) == 0) c = (ulong)(long)rng.Next(-2048, 2048);
            if (rng.Next(8) == 0) b = (ulong)rng.Next(100);
            list.Add((b, c));
        }
        return list;
    }
}

/// <summary>
/// Test-only lookup tables holding a chosen <i>subset</i> of the rows of the real tables (only true
/// statements: the constructors throw otherwise), so STARK round trips stay small. A subset table
/// accepts fewer lookups than the real one, never more; padding rows repeat the first row.
/// </summary>
internal sealed class SubsetTableAir : IAir<KoalaBear>
{
    private readonly ulong[][] _rows;
    private readonly int _bus;

    private SubsetTableAir(int bus, ulong[][] rows, string name)
    {
        _bus = bus;
        _rows = rows.Length > 0 ? rows : [new ulong[bus == ZkvmBus.Range16 ? 1 : 3]]; // (0) and (0, 0, 0 AND 0) are true
        Name = name;
        PreprocessedWidth = _rows[0].Length;
    }

    public string Name { get; }

    public int Width => 1;

    public int PreprocessedWidth { get; }

    public int Height => Word.TraceHeight(_rows.Length);

    public RowMajorMatrix<KoalaBear>? PreprocessedTrace(int height)
    {
        var m = new RowMajorMatrix<KoalaBear>(height, PreprocessedWidth);
        for (int r = 0; r < height; r++)
            for (int j = 0; j < PreprocessedWidth; j++)
                m[r, j] = KoalaBear.FromUInt64(_rows[r < _rows.Length ? r : 0][j]);
        return m;
    }

    public void Eval(AirBuilder<KoalaBear> builder) =>
        builder.Receive(_bus, [.. Enumerable.Range(0, PreprocessedWidth).Select(j => builder.PreprocessedLocal[j])], builder.Local[0]);

    /// <summary>The Range16 values counted in <paramref name="counts"/> (all &lt; 2^16 by construction of the counts) and their multiplicities.</summary>
    public static (SubsetTableAir, RowMajorMatrix<KoalaBear>) Range16(LookupCounts counts)
    {
        var rows = new List<ulong[]>();
        var mult = new List<long>();
        for (int x = 0; x < counts.Range16.Length; x++)
            if (counts.Range16[x] != 0)
            {
                rows.Add([(ulong)x]);
                mult.Add(counts.Range16[x]);
            }
        var air = new SubsetTableAir(ZkvmBus.Range16, [.. rows], "range16-subset");
        return (air, Multiplicities(air, mult));
    }

    /// <summary>The AND lookups (RANGE8 included as (x, 0, 0)) counted in <paramref name="counts"/>, each as (a, b, a AND b), and their multiplicities.</summary>
    public static (SubsetTableAir, RowMajorMatrix<KoalaBear>) And(LookupCounts counts)
    {
        var rows = new List<ulong[]>();
        var mult = new List<long>();
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
            {
                long n = counts.And[LookupCounts.AndIndex(a, b)];
                if (n == 0)
                    continue;
                rows.Add([(ulong)a, (ulong)b, (ulong)(a & b)]);
                mult.Add(n);
            }
        var air = new SubsetTableAir(ZkvmBus.ByteAnd, [.. rows], "byte-and-subset");
        return (air, Multiplicities(air, mult));
    }

    private static RowMajorMatrix<KoalaBear> Multiplicities(SubsetTableAir air, List<long> mult)
    {
        var m = new RowMajorMatrix<KoalaBear>(air.Height, 1);
        for (int r = 0; r < mult.Count; r++)
            m[r, 0] = KoalaBear.FromUInt64((ulong)mult[r]);
        return m;
    }
}

internal static class AluTests
{
    /// <summary>The ALU tuples of the events, as a stand-in CPU would send them (expected results computed by <see cref="RiscV"/>).</summary>
    public static ulong[][] AluTuples(IEnumerable<AluEvent> events) =>
        [.. events.Select(e => new[] { (ulong)e.Op }
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(RiscV.Eval(e.Op, e.B, e.C), i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.B, i)))
            .Concat(Enumerable.Range(0, 4).Select(i => Word.Limb(e.C, i))).ToArray())];

    public static void AssertSatisfied(IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace, IReadOnlyList<KoalaBear>? publics = null)
    {
        var violation = AirChecker.FindViolation(air, trace, publics ?? []);
        Assert.True(violation is null, violation?.ToString());
    }

    public static void AssertViolated(IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace) =>
        Assert.NotNull(AirChecker.FindViolation(air, trace, []));

    /// <summary>
    /// Requester (sends the events' tuples on the ALU bus), the chip, and subset lookup tables for
    /// what the chip's trace generator counted. Proves and verifies.
    /// </summary>
    public static VerificationResult RoundTrip(IAir<KoalaBear> chip, RowMajorMatrix<KoalaBear> chipTrace, LookupCounts counts, IEnumerable<AluEvent> events,
        bool checkConstraints = true, bool range16 = true, bool byteAnd = false, ulong[][]? tuples = null)
    {
        var airs = new List<IAir<KoalaBear>> { new TupleSenderAir(ZkvmBus.Alu, ZkvmBus.AluTupleWidth, "alu-requester"), chip };
        var traces = new List<RowMajorMatrix<KoalaBear>> { TupleSenderAir.Trace(tuples ?? AluTuples(events), ZkvmBus.AluTupleWidth), chipTrace };
        if (range16)
        {
            var (t, m) = SubsetTableAir.Range16(counts);
            airs.Add(t);
            traces.Add(m);
        }
        if (byteAnd)
        {
            var (t, m) = SubsetTableAir.And(counts);
            airs.Add(t);
            traces.Add(m);
        }
        return ZkvmProving.ProveAndVerify([.. airs], [.. traces], checkConstraints);
    }

    public static (int Constraints, int Interactions, int Degree) Shape(IAir<KoalaBear> air)
    {
        var compiled = new CompiledAir<KoalaBear>(air);
        return (compiled.ConstraintCount, compiled.Interactions.Count, compiled.MaxConstraintDegree);
    }
}
