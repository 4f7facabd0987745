using System.Security.Cryptography;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.DivRem;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.ModMul;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Shift;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>Table order of a shard's statement (docs/zkvm.md, "Proving an execution").</summary>
public static class ZkvmTable
{
    /// <summary>Bytes is <see cref="ByteTable{F}"/>: the fixed lookup table of the Range16 and ByteAnd buses.</summary>
    public const int Program = 0, Bytes = 1, Cpu = 2, AddSub = 3, Bitwise = 4, Shift = 5, Compare = 6, Mul = 7, DivRem = 8,
        LoadStore = 9, Syscall = 10, ModMul256 = 11, ModMul384 = 12, MemoryInit = 13, MemoryFinal = 14, InputCommit = 15;

    /// <summary>Tables of every shard; the last shard has the two memory boundary tables and the input commitment as well.</summary>
    public const int ShardTables = 13, LastShardTables = 16;
}

/// <summary>
/// What prover and verifier derive from a guest ELF alone: the Program ROM, the statement's AIRs (the load/store
/// chip's read-only bound is the program's code end), the
/// non-zero double words of the loaded image (bound into the initial memory), the initial registers and a
/// SHA-256 digest of the image that names the program in transcripts and reports.
/// </summary>
public sealed class ZkvmProgram
{
    public ZkvmProgram(GuestProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        Program = program;
        Table = new ProgramTable<KoalaBear>(program);
        IAir<KoalaBear>[] shard =
        [
            Table, new ByteTable<KoalaBear>(), new CpuAir<KoalaBear>(), new AddSubAir<KoalaBear>(),
            new BitwiseAir<KoalaBear>(), new ShiftAir<KoalaBear>(), new CompareAir<KoalaBear>(), new MulAir(), new DivRemAir(),
            new LoadStoreAir<KoalaBear>(program.CodeEnd), new SyscallAir<KoalaBear>(),
            new ModMulAir<KoalaBear>(4, program.CodeEnd), new ModMulAir<KoalaBear>(6, program.CodeEnd),
        ];
        ShardAirs = shard;
        LastShardAirs = [.. shard, new MemoryInitAir<KoalaBear>(bindToInitialValues: true), new MemoryFinalAir<KoalaBear>(), new InputCommitAir()];
        _compiledShard = new Lazy<CompiledAir<KoalaBear>[]>(() => [.. ShardAirs.Select(a => new CompiledAir<KoalaBear>(a))]);
        _compiledLast = new Lazy<CompiledAir<KoalaBear>[]>(() =>
            [.. CompiledShardAirs, .. LastShardAirs.Skip(ShardAirs.Count).Select(a => new CompiledAir<KoalaBear>(a))]);
        Image = ImageEntries(program);
        Digest = ImageDigest(program);
    }

    public static ZkvmProgram FromElf(ReadOnlySpan<byte> elf) => new(GuestProgram.FromElf(elf));

    public GuestProgram Program { get; }

    public ProgramTable<KoalaBear> Table { get; }

    public IReadOnlyList<IAir<KoalaBear>> ShardAirs { get; }

    public IReadOnlyList<IAir<KoalaBear>> LastShardAirs { get; }

    private readonly Lazy<CompiledAir<KoalaBear>[]> _compiledShard;
    private readonly Lazy<CompiledAir<KoalaBear>[]> _compiledLast;

    /// <summary><see cref="ShardAirs"/> compiled once (constraint programs, interaction multiplicity bounds).</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledShardAirs => _compiledShard.Value;

    /// <summary><see cref="LastShardAirs"/> compiled once; the first <see cref="ShardAirs"/>.Count are shared with <see cref="CompiledShardAirs"/>.</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledLastShardAirs => _compiledLast.Value;

    /// <summary>(RAM key, value) of every non-zero double word of the loaded segments, keys increasing.</summary>
    public IReadOnlyList<(ulong Key, ulong Value)> Image { get; }

    /// <summary>SHA-256 over the entry point and the loaded segments (address, memory size, bytes).</summary>
    public byte[] Digest { get; }

    /// <summary>Registers when the guest starts: sp = top of the stack, all others 0 (as <see cref="Machine.Machine"/> sets them).</summary>
    public static ulong[] InitialRegisters()
    {
        var regs = new ulong[32];
        regs[2] = MemoryMap.StackTop;
        return regs;
    }

    private static List<(ulong Key, ulong Value)> ImageEntries(GuestProgram program)
    {
        var dwords = new SortedDictionary<ulong, ulong>();
        foreach (var seg in program.Segments)
            for (int i = 0; i < seg.Data.Length; i++)
            {
                ulong address = seg.Address + (ulong)i;
                if (seg.Data[i] == 0)
                    continue;
                ulong key = MemoryArgument.RamKey(address);
                dwords[key] = dwords.GetValueOrDefault(key) | ((ulong)seg.Data[i] << (int)(8 * (address & 7)));
            }
        return [.. dwords.Select(kv => (kv.Key, kv.Value))];
    }

    private static byte[] ImageDigest(GuestProgram program)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var word = new byte[8];
        void U64(ulong v)
        {
            BitConverter.TryWriteBytes(word, v);
            sha.AppendData(word);
        }
        U64(program.Entry);
        U64((ulong)program.Segments.Count);
        foreach (var seg in program.Segments)
        {
            U64(seg.Address);
            U64(seg.MemorySize);
            U64((ulong)seg.Data.Length);
            sha.AppendData(seg.Data);
            U64(seg.Executable ? 1UL : 0);
        }
        return sha.GetHashAndReset();
    }
}
