using System.Buffers.Binary;
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

/// <summary>
/// One shard of an execution as a unit of work (docs/design.md, "Distributed proving"): enough to re-execute
/// the shard alone (<see cref="Resume"/>: start state, the memory it touches, output lengths before it), the
/// register file the CPU trace continues from, and, for the last shard, the last access of every double word
/// earlier shards touched (its memory boundary tables cover the whole execution). It names the program and the
/// input by digest: a worker proves it only with that program and that input, and its results carry
/// <see cref="Index"/> and <see cref="InputDigest"/> back, so no proof is assembled from shards of different
/// inputs. <see cref="ExpectedEnd"/> (the next shard's start registers) lets the worker check its CPU trace
/// against the coordinator's replay. Under <see cref="ShardShapePolicy.Budget"/> it carries the shard budget
/// (<see cref="BudgetLogShardSize"/>), so the worker pads the traces as the single-process prover does. Serialised with
/// <see cref="ToBytes"/>; <see cref="Parse"/> checks counts against the bytes, never allocating beyond them.
/// </summary>
public sealed record ZkvmShardJob
{
    /// <summary>The format version: 2 added the shard budget (a byte after the shard index).</summary>
    public const ushort Version = 2;

    private static ReadOnlySpan<byte> Magic => "PRVJ"u8;

    public required byte[] ProgramDigest { get; init; }

    /// <summary>SHA-256 of the input bytes.</summary>
    public required byte[] InputDigest { get; init; }

    public required ulong InputSize { get; init; }

    public required int Count { get; init; }

    public required ShardResumeState Resume { get; init; }

    public int Index => Resume.Index;

    public bool IsLast => Index == Count - 1;

    /// <summary>
    /// log2 of the shard size whose budget the traces are padded to (<see cref="ShardShapePolicy.Budget"/>: the plan's shard size;
    /// <see cref="ShardBudget"/>), or null for natural heights (<see cref="ShardShapePolicy.Natural"/>).
    /// </summary>
    public int? BudgetLogShardSize { get; init; }

    /// <summary>The budget <see cref="BudgetLogShardSize"/> names, or null.</summary>
    public ShardBudget? Budget => BudgetLogShardSize is { } k ? ShardBudget.For(k) : null;

    public required RegisterFileState Registers { get; init; }

    /// <summary>The register file at the shard's end (the next shard's start); null for the last shard.</summary>
    public RegisterFileState? ExpectedEnd { get; init; }

    /// <summary>Last shard only: the last access of every double word the earlier shards touched, by address.</summary>
    public IReadOnlyList<LastAccess> PriorAccesses { get; init; } = [];

    /// <summary>The largest <see cref="BudgetLogShardSize"/> a job may carry (shard sizes are at most 2^24 cycles).</summary>
    public const int MaxBudgetLogShardSize = 24;

    public byte[] ToBytes()
    {
        if (BudgetLogShardSize is < 1 or > MaxBudgetLogShardSize)
            throw new InvalidOperationException($"a shard budget of 2^{BudgetLogShardSize} cycles");
        var r = Resume;
        int size = 128 + 32 * 8 * 6 + r.InitialMemory.Count * 24 + PriorAccesses.Count * 24;
        using var ms = new MemoryStream(size);
        var b = new byte[8];
        void U8(byte v) => ms.WriteByte(v);
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b, v); ms.Write(b, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b, 0, 8); }
        void Registers(RegisterFileState s)
        {
            foreach (var v in s.Values)
                U64(v);
            foreach (var t in s.Timestamps)
                U64((ulong)t);
            foreach (var t in s.Touched)
                U8(t ? (byte)1 : (byte)0);
        }
        ms.Write(Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(b, Version);
        ms.Write(b, 0, 2);
        ms.Write(ProgramDigest);
        ms.Write(InputDigest);
        U64(InputSize);
        U32((uint)Count);
        U32((uint)r.Index);
        U8((byte)(BudgetLogShardSize ?? 0));
        U64(r.Start.Pc);
        U64((ulong)r.Start.Clk);
        foreach (var v in r.Start.Registers)
            U64(v);
        U64((ulong)r.Cycles);
        U64((ulong)r.OutputBytesBefore);
        U64((ulong)r.CommittedBytesBefore);
        U32((uint)r.InitialMemory.Count);
        foreach (var e in r.InitialMemory)
        {
            U64(e.Address);
            U64(e.Value);
            U64((ulong)e.Timestamp);
        }
        Registers(this.Registers);
        U8(ExpectedEnd is null ? (byte)0 : (byte)1);
        if (ExpectedEnd is not null)
            Registers(ExpectedEnd);
        U32((uint)PriorAccesses.Count);
        foreach (var a in PriorAccesses)
        {
            U64(a.Address);
            U64(a.Value);
            U64((ulong)a.Clk);
        }
        return ms.ToArray();
    }

    /// <summary>Parses <see cref="ToBytes"/>'s bytes; <see cref="FormatException"/> on anything malformed.</summary>
    public static ZkvmShardJob Parse(ReadOnlySpan<byte> bytes)
    {
        int pos = 0;
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> all, int n)
        {
            if (n < 0 || n > all.Length - pos)
                throw new FormatException($"truncated shard job at byte {pos}");
            var s = all.Slice(pos, n);
            pos += n;
            return s;
        }
        if (!Take(bytes, 4).SequenceEqual(Magic))
            throw new FormatException("not a shard job (magic)");
        if (BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, 2)) is var version && version != Version)
            throw new FormatException($"shard job version {version}, expected {Version}");
        byte U8(ReadOnlySpan<byte> all) => Take(all, 1)[0];
        uint U32(ReadOnlySpan<byte> all) => BinaryPrimitives.ReadUInt32LittleEndian(Take(all, 4));
        ulong U64(ReadOnlySpan<byte> all) => BinaryPrimitives.ReadUInt64LittleEndian(Take(all, 8));
        int Count(ReadOnlySpan<byte> all, int entryBytes)
        {
            uint n = U32(all);
            if (n > (uint)((all.Length - pos) / entryBytes))
                throw new FormatException($"{n} entries do not fit in the {all.Length - pos} bytes left");
            return (int)n;
        }
        RegisterFileState Registers(ReadOnlySpan<byte> all)
        {
            var values = new ulong[32];
            var ts = new long[32];
            var touched = new bool[32];
            for (int i = 0; i < 32; i++)
                values[i] = U64(all);
            for (int i = 0; i < 32; i++)
                ts[i] = (long)U64(all);
            for (int i = 0; i < 32; i++)
                touched[i] = U8(all) switch { 0 => false, 1 => true, _ => throw new FormatException("touched flag is not 0 or 1") };
            return new RegisterFileState(values, ts, touched);
        }
        var program = Take(bytes, 32).ToArray();
        var inputDigest = Take(bytes, 32).ToArray();
        ulong inputSize = U64(bytes);
        uint count = U32(bytes), index = U32(bytes);
        if (count == 0 || count > ZkvmProof<Field.KoalaBearQuartic, KoalaBearDigest>.MaxShards || index >= count)
            throw new FormatException($"shard {index} of {count}");
        int budget = U8(bytes);
        if (budget > MaxBudgetLogShardSize)
            throw new FormatException($"a shard budget of 2^{budget} cycles (at most 2^{MaxBudgetLogShardSize})");
        ulong pc = U64(bytes);
        long clk = (long)U64(bytes);
        var regs = new ulong[32];
        for (int i = 0; i < 32; i++)
            regs[i] = U64(bytes);
        long cycles = (long)U64(bytes), outputBefore = (long)U64(bytes), committedBefore = (long)U64(bytes);
        if (clk < 1 || cycles < 1 || outputBefore < 0 || committedBefore < 0)
            throw new FormatException("shard clk, cycles or output lengths out of range");
        // A budget holds its shard's cycles (one CPU row each): a smaller one could only fail the worker's padding.
        if (budget > 0 && cycles > 1L << budget)
            throw new FormatException($"a shard of {cycles} cycles under a budget of 2^{budget}");
        var init = new MemoryInitEvent[Count(bytes, 24)];
        for (int i = 0; i < init.Length; i++)
            init[i] = new MemoryInitEvent(U64(bytes), U64(bytes), (long)U64(bytes));
        var registers = Registers(bytes);
        var end = U8(bytes) switch { 0 => null, 1 => Registers(bytes), _ => throw new FormatException("expected-end flag is not 0 or 1") };
        var prior = new LastAccess[Count(bytes, 24)];
        for (int i = 0; i < prior.Length; i++)
            prior[i] = new LastAccess(U64(bytes), U64(bytes), (long)U64(bytes));
        if (pos != bytes.Length)
            throw new FormatException($"{bytes.Length - pos} trailing bytes after the shard job");
        return new ZkvmShardJob
        {
            ProgramDigest = program,
            InputDigest = inputDigest,
            InputSize = inputSize,
            Count = (int)count,
            BudgetLogShardSize = budget == 0 ? null : budget,
            Resume = new ShardResumeState((int)index, new ShardStart(pc, clk, regs), cycles, init, outputBefore, committedBefore),
            Registers = registers,
            ExpectedEnd = end,
            PriorAccesses = prior,
        };
    }
}
