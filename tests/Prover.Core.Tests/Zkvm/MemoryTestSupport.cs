using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>A load (Reg = rd) or store (Reg = rs2) at x5 + Imm.</summary>
internal readonly record struct MemOp(Opcode Op, int Reg, int Imm);

/// <summary>
/// RISC-V load/store semantics written out for the tests (unprivileged ISA 20191213, §2.6 and §5.3; Zicclsm
/// for misaligned accesses): a byte-addressed little-endian memory, loads sign- or zero-extend.
/// </summary>
internal sealed class RefMemory
{
    private readonly Dictionary<ulong, byte> _bytes = [];

    public byte this[ulong a]
    {
        get => _bytes.GetValueOrDefault(a);
        set => _bytes[a] = value;
    }

    public static int WidthOf(Opcode op) => op switch
    {
        Opcode.Lb or Opcode.Lbu or Opcode.Sb => 1,
        Opcode.Lh or Opcode.Lhu or Opcode.Sh => 2,
        Opcode.Lw or Opcode.Lwu or Opcode.Sw => 4,
        _ => 8,
    };

    public ulong Load(Opcode op, ulong address)
    {
        int width = WidthOf(op);
        ulong raw = 0;
        for (int k = 0; k < width; k++)
            raw |= (ulong)this[address + (ulong)k] << (8 * k);
        return op switch
        {
            Opcode.Lb => (ulong)(long)(sbyte)raw,
            Opcode.Lh => (ulong)(long)(short)raw,
            Opcode.Lw => (ulong)(long)(int)raw,
            _ => raw,
        };
    }

    public void Store(Opcode op, ulong address, ulong rs2)
    {
        for (int k = 0; k < WidthOf(op); k++)
            this[address + (ulong)k] = (byte)(rs2 >> (8 * k));
    }

    public ulong Dword(ulong address)
    {
        ulong v = 0;
        for (int k = 0; k < 8; k++)
            v |= (ulong)this[address + (ulong)k] << (8 * k);
        return v;
    }
}

/// <summary>
/// A small RV64 program of loads and stores (base x5 = <see cref="Emu.Data"/> or <paramref name="baseAddress"/>,
/// or <see cref="MemoryMap.InputBase"/> with the data as the machine's <paramref name="input"/>; store sources
/// x10..x13, load destinations x20..), run with tracing, with everything the memory tests need: the requests a CPU
/// would send (expected values from <see cref="RefMemory"/>, never from the generators), the chips'
/// traces, and the expected initial and final memory.
/// </summary>
internal sealed class MemoryScenario
{
    public static readonly ulong[] Sources = [0xF1E2_D3C4_B5A6_9788, 0x0123_4567_89AB_CDEF, 0x80FF_7F01_80FF_7F01, 0x7FFF_FFFF_FFFF_FF80];

    /// <summary>
    /// The chip tests' read-only bound (the load/store AIR's code end): the first 4 KiB of RAM, which hold every
    /// test program's code (a few dozen words at <see cref="MemoryMap.RamBase"/>; the constructor checks).
    /// </summary>
    public const ulong ChipCodeEnd = MemoryMap.RamBase + 0x1000;

    public static ulong ExpectedTs(long clk) => 4 * (ulong)clk + 2;

    public MemoryScenario(MemOp[] ops, int dataBytes = 48, int seed = 7, byte[]? input = null, ulong baseAddress = Emu.Data)
    {
        Ops = ops;
        var rng = new Random(seed);
        var data = new byte[dataBytes];
        rng.NextBytes(data);
        if (input is not null)
        {
            data = input;
            baseAddress = MemoryMap.InputBase;
        }
        InputSize = (ulong)(input?.Length ?? 0);
        var body = ops.Select(Encode).ToArray();
        Assert.True(MemoryMap.RamBase + 4 * (ulong)(body.Length + Asm.Exit.Length) <= ChipCodeEnd, "the test program reaches past the chip tests' code end");
        Outcome = Emu.Run(body, m =>
        {
            m.SetRegister(5, baseAddress);
            for (int i = 0; i < Sources.Length; i++)
                m.SetRegister(10 + i, Sources[i]);
            if (input is null)
                m.WriteMemory(baseAddress, data);
        }, input);
        Record = Outcome.Shards.Single();

        // Reference semantics: the requests, and initial/final memory.
        var mem = new RefMemory();
        for (int i = 0; i < data.Length; i++)
            mem[baseAddress + (ulong)i] = data[i];
        var initial = new RefMemory();
        for (int i = 0; i < data.Length; i++)
            initial[baseAddress + (ulong)i] = data[i];
        var lastTouch = new SortedDictionary<ulong, long>();
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            long clk = i + 1;
            ulong address = baseAddress + (ulong)(long)op.Imm;
            bool store = LoadStoreCols.IsStore(op.Op);
            ulong value;
            if (store)
            {
                value = Sources[op.Reg - 10];
                mem.Store(op.Op, address, value);
                StoreOperands[clk] = value;
            }
            else
            {
                value = mem.Load(op.Op, address);
                LoadResults[op.Reg] = value;
            }
            ulong ts = ExpectedTs(clk);
            Requests.Add([(ulong)op.Op, address & 0xFFFF, address >> 16, .. Enumerable.Range(0, 4).Select(j => Word.Limb(value, j)), ts & 0xFFFF, ts >> 16]);
            for (ulong d = address & ~7UL; d < address + (ulong)RefMemory.WidthOf(op.Op); d += 8)
                lastTouch[d] = clk;
        }
        ExpectedInit = [.. lastTouch.Keys.Select(d => new MemoryEntry(d / 8, initial.Dword(d), 0))];
        ExpectedFinal = [.. lastTouch.Select(kv => new MemoryEntry(kv.Key / 8, mem.Dword(kv.Key), ExpectedTs(kv.Value)))];

        Counts = new LookupCounts();
        LoadStore = LoadStoreTrace.Generate<KoalaBear>(Record.MemoryInstructions, Record.MemoryAccesses, Counts, ChipCodeEnd, InputSize, e => StoreOperands[e.Timestamp]);
        Init = MemoryTrace.Generate<KoalaBear>(MemoryTrace.InitialEntries(Record), init: true, Counts);
        Final = MemoryTrace.Generate<KoalaBear>(MemoryTrace.FinalEntries(Record), init: false, Counts);
    }

    public MemOp[] Ops { get; }
    public Outcome Outcome { get; }
    public ExecutionRecord Record { get; }
    public Dictionary<long, ulong> StoreOperands { get; } = [];
    public Dictionary<int, ulong> LoadResults { get; } = [];
    public List<ulong[]> Requests { get; } = [];
    public List<MemoryEntry> ExpectedInit { get; }
    public List<MemoryEntry> ExpectedFinal { get; }
    public LookupCounts Counts { get; }
    public RowMajorMatrix<KoalaBear> LoadStore { get; set; }
    public RowMajorMatrix<KoalaBear> Init { get; set; }
    public RowMajorMatrix<KoalaBear> Final { get; set; }

    /// <summary>The load/store table's input size (public values); a forgery may claim another.</summary>
    public ulong InputSize { get; set; }

    public KoalaBear[] Publics => LoadStoreTrace.PublicValues<KoalaBear>(InputSize);

    public static readonly LoadStoreAir<KoalaBear> LoadStoreAir = new(ChipCodeEnd);
    public static readonly MemoryInitAir<KoalaBear> InitAir = new();
    public static readonly MemoryFinalAir<KoalaBear> FinalAir = new();

    internal static uint Encode(MemOp op) => op.Op switch
    {
        Opcode.Lb => Asm.Lb(op.Reg, 5, op.Imm),
        Opcode.Lh => Asm.Lh(op.Reg, 5, op.Imm),
        Opcode.Lw => Asm.Lw(op.Reg, 5, op.Imm),
        Opcode.Ld => Asm.Ld(op.Reg, 5, op.Imm),
        Opcode.Lbu => Asm.Lbu(op.Reg, 5, op.Imm),
        Opcode.Lhu => Asm.Lhu(op.Reg, 5, op.Imm),
        Opcode.Lwu => Asm.Lwu(op.Reg, 5, op.Imm),
        Opcode.Sb => Asm.Sb(op.Reg, 5, op.Imm),
        Opcode.Sh => Asm.Sh(op.Reg, 5, op.Imm),
        Opcode.Sw => Asm.Sw(op.Reg, 5, op.Imm),
        Opcode.Sd => Asm.Sd(op.Reg, 5, op.Imm),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Row of the load/store trace for instruction <paramref name="clk"/> (events are in clk order).</summary>
    public int RowOf(long clk) => Record.MemoryInstructions.FindIndex(e => e.Timestamp == clk);

    public void AssertAirsSatisfied()
    {
        AluTests.AssertSatisfied(LoadStoreAir, LoadStore, Publics);
        AluTests.AssertSatisfied(InitAir, Init);
        AluTests.AssertSatisfied(FinalAir, Final);
    }

    /// <summary>
    /// Stand-in CPU (sends <paramref name="requests"/> on the load/store bus), the chip, Init, Final, and
    /// subset Range16/ByteAnd tables holding <i>every valid</i> lookup the traces make (as a cheating prover
    /// would supply): a rejection then comes from an invalid lookup or an unbalanced memory/request bus,
    /// never from a table the test made too small. Restricted to RAM keys: no register accesses are sent,
    /// and the record's Init/Final hold only RAM double words, so the memory bus is closed over RAM alone.
    /// </summary>
    public VerificationResult Prove(bool checkConstraints = true, List<ulong[]>? requests = null) =>
        Prove(requests ?? Requests, LoadStore, Init, Final, checkConstraints, InputSize);

    /// <summary>The round trip of <see cref="Prove(bool, List{ulong[]}?)"/> for given requests and traces.</summary>
    public static VerificationResult Prove(IReadOnlyList<ulong[]> requests, RowMajorMatrix<KoalaBear> loadStore,
        RowMajorMatrix<KoalaBear> init, RowMajorMatrix<KoalaBear> final, bool checkConstraints = true, ulong inputSize = 0)
    {
        var publics = LoadStoreTrace.PublicValues<KoalaBear>(inputSize);
        var chips = new (IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace, KoalaBear[] Publics)[]
        {
            (new TupleSenderAir(ZkvmBus.LoadStore, ZkvmBus.LoadStoreTupleWidth, "cpu-stand-in"), TupleSenderAir.Trace(requests, ZkvmBus.LoadStoreTupleWidth), []),
            (LoadStoreAir, loadStore, publics), (InitAir, init, []), (FinalAir, final, []),
        };
        var counts = ValidLookups(chips.Skip(1).Select(c => (c.Air, c.Trace, (IReadOnlyList<KoalaBear>)c.Publics)));
        var (range, rangeTrace) = SubsetTableAir.Range16(counts);
        var (bytes, bytesTrace) = SubsetTableAir.And(counts);
        return ZkvmProving.ProveAndVerify([.. chips.Select(c => c.Air), range, bytes], [.. chips.Select(c => c.Trace), rangeTrace, bytesTrace], checkConstraints,
            [.. chips.Select(c => c.Publics), [], []]);
    }

    /// <summary>The valid Range16 and ByteAnd lookups (sends) the traces make, evaluated from the AIRs' interactions.</summary>
    public static LookupCounts ValidLookups(IEnumerable<(IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace)> chips) =>
        ValidLookups(chips.Select(c => (c.Air, c.Trace, (IReadOnlyList<KoalaBear>)[])));

    /// <summary>The valid Range16 and ByteAnd lookups of chips with public values.</summary>
    public static LookupCounts ValidLookups(IEnumerable<(IAir<KoalaBear> Air, RowMajorMatrix<KoalaBear> Trace, IReadOnlyList<KoalaBear> Publics)> chips)
    {
        var counts = new LookupCounts();
        foreach (var (air, trace, publics) in chips)
        {
            var compiled = new CompiledAir<KoalaBear>(air);
            var program = compiled.Program;
            var registers = new KoalaBear[program.InstructionCount];
            var outputs = new KoalaBear[program.ConstraintCount];
            for (int row = 0; row < trace.Height; row++)
            {
                var inputs = new TraceRowInputs<KoalaBear>(trace, null, publics, row);
                program.Evaluate<KoalaBear, TraceRowInputs<KoalaBear>>(ref inputs, registers, outputs);
                for (int i = 0; i < compiled.Interactions.Count; i++)
                {
                    var interaction = compiled.Interactions[i];
                    if (interaction.Kind != InteractionKind.Send || interaction.Bus is not (ZkvmBus.Range16 or ZkvmBus.ByteAnd))
                        continue;
                    int o = compiled.InteractionOutput(i);
                    var v = outputs.AsSpan(o, interaction.Values.Count).ToArray().Select(x => (ulong)x.ToCanonical()).ToArray();
                    ulong m = outputs[o + interaction.Values.Count].ToCanonical();
                    for (ulong n = 0; n < m; n++)
                    {
                        if (interaction.Bus == ZkvmBus.Range16)
                        {
                            if (v[0] < 1 << 16)
                                counts.AddRange16(v[0]);
                        }
                        else if (v[0] < 256 && v[1] < 256 && v[2] == (v[0] & v[1]))
                        {
                            counts.AddAnd(v[0], v[1]);
                        }
                    }
                }
            }
        }
        return counts;
    }

    /// <summary>Asserts that the generators counted exactly the lookups the AIRs make.</summary>
    public void AssertCountsMatchAirs()
    {
        var actual = ValidLookups([(LoadStoreAir, LoadStore, Publics), (InitAir, Init, []), (FinalAir, Final, [])]);
        Assert.True(actual.Range16.SequenceEqual(Counts.Range16), "Range16 counts differ from the AIRs' lookups");
        Assert.True(actual.And.SequenceEqual(Counts.And), "AND/RANGE8 counts differ from the AIRs' lookups");
    }

    /// <summary>Sets a field cell from a signed integer (negative values wrap modulo p, as a cheating prover may write them).</summary>
    public static KoalaBear Signed(long x) => x >= 0 ? KoalaBear.FromUInt64((ulong)x) : -KoalaBear.FromUInt64((ulong)-x);
}
