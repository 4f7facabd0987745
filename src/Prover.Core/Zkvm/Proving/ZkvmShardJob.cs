using Prover.Core.Machine;
using Prover.Core.Zkvm.Cpu;

namespace Prover.Core.Zkvm.Proving;

/// <summary>The register file as the memory argument sees it at a shard boundary (values, last-access timestamps, touched flags).</summary>
public sealed record RegisterFileState(ulong[] Values, long[] Timestamps, bool[] Touched)
{
    public static RegisterFileState Of(RegisterFile registers)
    {
        ArgumentNullException.ThrowIfNull(registers);
        return new([.. registers.Values], [.. registers.Timestamps], [.. registers.Touched]);
    }

    public RegisterFile ToRegisterFile()
    {
        var file = new RegisterFile(Values);
        Timestamps.CopyTo(file.Timestamps, 0);
        Touched.CopyTo(file.Touched, 0);
        return file;
    }

    public bool Matches(RegisterFile registers) =>
        registers.Values.AsSpan().SequenceEqual(Values) && registers.Timestamps.AsSpan().SequenceEqual(Timestamps) && registers.Touched.AsSpan().SequenceEqual(Touched);
}

/// <summary>The last access of a double word before the last shard: its value and clk (the memory boundary needs them).</summary>
public readonly record struct LastAccess(ulong Address, ulong Value, long Clk);

/// <summary>What a shard job asks a worker to build: the byte after the job's format version (further kinds take new values).</summary>
public enum ZkvmShardKind : byte
{
    /// <summary>A CPU shard: re-executed from its start state (<see cref="ZkvmShardJob.Resume"/>).</summary>
    Cpu = 1,

    /// <summary>An accelerator shard (<see cref="ShardShapePolicy.Budget"/>): built from its calls (<see cref="ZkvmShardJob.Accelerator"/>).</summary>
    Accelerator = 2,
}

/// <summary>
/// One shard of an execution as a unit of work (docs/design.md, "Distributed proving"). A CPU shard's job
/// (<see cref="ZkvmShardKind.Cpu"/>) carries enough to re-execute the shard alone (<see cref="Resume"/>: start state, the
/// memory it touches, output lengths before it), the register file the CPU trace continues from, and, for the last
/// shard, the last access of every double word earlier shards touched (its memory boundary tables cover the whole
/// execution); <see cref="ExpectedEnd"/> (the next CPU shard's start registers) lets the worker check its CPU trace
/// against the coordinator's replay. An accelerator shard's job (<see cref="ZkvmShardKind.Accelerator"/>, only under
/// <see cref="ShardShapePolicy.Budget"/>) carries the accelerator, its tier and the chunk's calls
/// (<see cref="Accelerator"/>). Every job names the program and the input by digest: a worker proves it only with that
/// program and that input, and its results carry <see cref="Index"/> and <see cref="InputDigest"/> back, so no proof is
/// assembled from shards of different inputs. Under <see cref="ShardShapePolicy.Budget"/> it carries the shard budget
/// (<see cref="BudgetLogShardSize"/>), so the worker pads the traces as the single-process prover does. Serialised with
/// <see cref="ToBytes"/> (magic, version, kind byte, a header common to every kind, then the kind's payload);
/// <see cref="Parse"/> checks counts against the bytes, never allocating beyond them.
/// </summary>
public sealed record ZkvmShardJob
{
    /// <summary>
    /// The format version: 2 added the shard budget (a byte after the shard index); 3 the kind byte after the version and the
    /// accelerator shard's payload. Any other version is refused: a worker of another format neither builds a shard it cannot
    /// read nor misreads one.
    /// </summary>
    public const ushort Version = 3;

    private static ReadOnlySpan<byte> Magic => "PRVJ"u8;

    public ZkvmShardKind Kind => Accelerator is null ? ZkvmShardKind.Cpu : ZkvmShardKind.Accelerator;

    public required byte[] ProgramDigest { get; init; }

    /// <summary>SHA-256 of the input bytes.</summary>
    public required byte[] InputDigest { get; init; }

    public required ulong InputSize { get; init; }

    public required int Count { get; init; }

    /// <summary>The shard's place in the proof (the accelerator shards sit between the CPU shards and the last shard).</summary>
    public required int Index { get; init; }

    public bool IsLast => Index == Count - 1;

    /// <summary>
    /// log2 of the shard size whose budget the traces are padded to (<see cref="ShardShapePolicy.Budget"/>: the plan's shard size;
    /// <see cref="ShardBudget"/>), or null for natural heights (<see cref="ShardShapePolicy.Natural"/>).
    /// </summary>
    public int? BudgetLogShardSize { get; init; }

    /// <summary>The budget <see cref="BudgetLogShardSize"/> names, or null.</summary>
    public ShardBudget? Budget => BudgetLogShardSize is { } k ? ShardBudget.For(k) : null;

    /// <summary>A CPU shard's start state, cycles and touched memory (null for an accelerator shard).</summary>
    public ShardResumeState? Resume { get; init; }

    /// <summary>A CPU shard's register file at its start (null for an accelerator shard).</summary>
    public RegisterFileState? Registers { get; init; }

    /// <summary>The register file at the shard's end (the next CPU shard's start); null for the last shard and accelerator shards.</summary>
    public RegisterFileState? ExpectedEnd { get; init; }

    /// <summary>Last shard only: the last access of every double word the earlier shards touched, by address.</summary>
    public IReadOnlyList<LastAccess> PriorAccesses { get; init; } = [];

    /// <summary>An accelerator shard's accelerator, tier and calls (null for a CPU shard).</summary>
    public AcceleratorShardCalls? Accelerator { get; init; }

    /// <summary>The CPU cycles the shard runs (0 for an accelerator shard).</summary>
    public long Cycles => Resume?.Cycles ?? 0;

    /// <summary>The largest <see cref="BudgetLogShardSize"/> a job may carry (shard sizes are at most 2^24 cycles).</summary>
    public const int MaxBudgetLogShardSize = 24;

    /// <summary>Bytes before the kind's payload: magic, version, kind, two digests, input size, count, index, budget.</summary>
    internal const int HeaderBytes = 4 + 2 + 1 + 32 + 32 + 8 + 4 + 4 + 1;

    /// <summary>
    /// An accelerator shard's log heights by chip index (−1: absent), known without building it: Program and image at their
    /// program-fixed heights, the byte table at its budget, the accelerator at the job's tier; null for a CPU shard.
    /// </summary>
    public int[]? AcceleratorShapeByChip(ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (Accelerator is not { } calls || Budget is not { } budget)
            return null;
        var heights = Enumerable.Repeat(-1, Chips.ZkvmChips.Count).ToArray();
        var (chips, logHeights) = AcceleratorShards.ShapeAt(program, calls.Chip, calls.LogHeight, budget);
        var indices = chips.Indices();
        for (int i = 0; i < indices.Length; i++)
            heights[indices[i]] = logHeights[i];
        return heights;
    }

    public byte[] ToBytes()
    {
        if (BudgetLogShardSize is < 1 or > MaxBudgetLogShardSize)
            throw new InvalidOperationException($"a shard budget of 2^{BudgetLogShardSize} cycles");
        if (Accelerator is not null && (Resume is not null || Registers is not null || ExpectedEnd is not null || PriorAccesses.Count > 0 || BudgetLogShardSize is null || IsLast))
            throw new InvalidOperationException("an accelerator shard job has calls and a budget only, and is never the last shard");
        if (Accelerator is null && (Resume is null || Registers is null))
            throw new InvalidOperationException("a CPU shard job without its start state");
        int size = HeaderBytes + 32 * 8 * 6 + (Resume?.InitialMemory.Count ?? 0) * 24 + PriorAccesses.Count * 24 + (Accelerator?.Count ?? 0) * 640;
        var w = new ShardJobWriter(size);
        w.Bytes(Magic);
        w.U16(Version);
        w.U8((byte)Kind);
        w.Bytes(ProgramDigest);
        w.Bytes(InputDigest);
        w.U64(InputSize);
        w.U32((uint)Count);
        w.U32((uint)Index);
        w.U8((byte)(BudgetLogShardSize ?? 0));
        if (Accelerator is { } calls)
            calls.Write(w);
        else
            WriteCpu(w);
        return w.ToArray();
    }

    private void WriteCpu(ShardJobWriter w)
    {
        var r = Resume!;
        void RegisterFile(RegisterFileState s)
        {
            foreach (var v in s.Values)
                w.U64(v);
            foreach (var t in s.Timestamps)
                w.U64((ulong)t);
            foreach (var t in s.Touched)
                w.U8(t ? (byte)1 : (byte)0);
        }
        w.U64(r.Start.Pc);
        w.U64((ulong)r.Start.Clk);
        foreach (var v in r.Start.Registers)
            w.U64(v);
        w.U64((ulong)r.Cycles);
        w.U64((ulong)r.OutputBytesBefore);
        w.U64((ulong)r.CommittedBytesBefore);
        w.U32((uint)r.InitialMemory.Count);
        foreach (var e in r.InitialMemory)
        {
            w.U64(e.Address);
            w.U64(e.Value);
            w.U64((ulong)e.Timestamp);
        }
        RegisterFile(Registers!);
        w.U8(ExpectedEnd is null ? (byte)0 : (byte)1);
        if (ExpectedEnd is not null)
            RegisterFile(ExpectedEnd);
        w.U32((uint)PriorAccesses.Count);
        foreach (var a in PriorAccesses)
        {
            w.U64(a.Address);
            w.U64(a.Value);
            w.U64((ulong)a.Clk);
        }
    }

    /// <summary>Parses <see cref="ToBytes"/>'s bytes; <see cref="FormatException"/> on anything malformed (another version or kind included).</summary>
    public static ZkvmShardJob Parse(ReadOnlySpan<byte> bytes)
    {
        var r = new ShardJobReader(bytes);
        if (!r.Take(4).SequenceEqual(Magic))
            throw new FormatException("not a shard job (magic)");
        if (r.U16() is var version && version != Version)
            throw new FormatException($"shard job version {version}, expected {Version} (a worker and a coordinator of different formats)");
        var kind = (ZkvmShardKind)r.U8();
        if (kind is not (ZkvmShardKind.Cpu or ZkvmShardKind.Accelerator))
            throw new FormatException($"unknown shard job kind {(byte)kind}");
        var program = r.Take(32).ToArray();
        var inputDigest = r.Take(32).ToArray();
        ulong inputSize = r.U64();
        uint count = r.U32(), index = r.U32();
        if (count == 0 || count > ZkvmProof<Field.KoalaBearQuartic, KoalaBearDigest>.MaxShards || index >= count)
            throw new FormatException($"shard {index} of {count}");
        int budget = r.U8();
        if (budget > MaxBudgetLogShardSize)
            throw new FormatException($"a shard budget of 2^{budget} cycles (at most 2^{MaxBudgetLogShardSize})");
        var job = new ZkvmShardJob
        {
            ProgramDigest = program,
            InputDigest = inputDigest,
            InputSize = inputSize,
            Count = (int)count,
            Index = (int)index,
            BudgetLogShardSize = budget == 0 ? null : budget,
        };
        if (kind == ZkvmShardKind.Accelerator)
        {
            // Accelerator shards exist only under a budget and never in the last place (the last shard has the boundary).
            if (budget == 0 || index == count - 1)
                throw new FormatException("an accelerator shard job without a budget or in the last place");
            job = job with { Accelerator = AcceleratorShardCalls.Read(ref r) };
        }
        else
        {
            job = ReadCpu(ref r, job, budget);
        }
        r.End();
        return job;
    }

    private static ZkvmShardJob ReadCpu(ref ShardJobReader r, ZkvmShardJob job, int budget)
    {
        static RegisterFileState RegisterFile(ref ShardJobReader r)
        {
            var values = new ulong[32];
            var ts = new long[32];
            var touched = new bool[32];
            for (int i = 0; i < 32; i++)
                values[i] = r.U64();
            for (int i = 0; i < 32; i++)
                ts[i] = (long)r.U64();
            for (int i = 0; i < 32; i++)
                touched[i] = r.Flag("touched flag");
            return new RegisterFileState(values, ts, touched);
        }
        ulong pc = r.U64();
        long clk = (long)r.U64();
        var regs = new ulong[32];
        for (int i = 0; i < 32; i++)
            regs[i] = r.U64();
        long cycles = (long)r.U64(), outputBefore = (long)r.U64(), committedBefore = (long)r.U64();
        if (clk < 1 || cycles < 1 || outputBefore < 0 || committedBefore < 0)
            throw new FormatException("shard clk, cycles or output lengths out of range");
        // A budget holds its shard's cycles (one CPU row each): a smaller one could only fail the worker's padding.
        if (budget > 0 && cycles > 1L << budget)
            throw new FormatException($"a shard of {cycles} cycles under a budget of 2^{budget}");
        var init = new MemoryInitEvent[r.Count(24)];
        for (int i = 0; i < init.Length; i++)
            init[i] = new MemoryInitEvent(r.U64(), r.U64(), (long)r.U64());
        var registers = RegisterFile(ref r);
        var end = r.Flag("expected-end flag") ? RegisterFile(ref r) : null;
        var prior = new LastAccess[r.Count(24)];
        for (int i = 0; i < prior.Length; i++)
            prior[i] = new LastAccess(r.U64(), r.U64(), (long)r.U64());
        return job with
        {
            Resume = new ShardResumeState(job.Index, new ShardStart(pc, clk, regs), cycles, init, outputBefore, committedBefore),
            Registers = registers,
            ExpectedEnd = end,
            PriorAccesses = prior,
        };
    }
}
