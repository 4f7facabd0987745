using System.Security.Cryptography;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Program;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The chip indices of the registry (<see cref="ZkvmChips"/>): a chip's bit in a shard's <see cref="ChipSet"/> and its
/// rank in the shard's table order (docs/zkvm.md, "Chips and the chip registry"). A shard's table of chip c is at
/// position <see cref="ChipSet.Position"/>(c), not c, when optional chips before it are absent.
/// </summary>
public static class ZkvmTable
{
    /// <summary>Bytes is <see cref="ByteTable{F}"/>: the byte lookup table of the Range16 and ByteAnd buses.</summary>
    public const int Program = 0, Bytes = 1, Cpu = 2, AddSub = 3, Bitwise = 4, Shift = 5, Compare = 6, Mul = 7, DivRem = 8,
        LoadStore = 9, Syscall = 10, MemoryInit = 11, MemoryFinal = 12, InputCommit = 13, Keccak = 14, ModMul256 = 15, ModMul384 = 16,
        Sha256 = 17, Secp256k1Add = 18, Secp256k1Double = 19, Bn254Add = 20, Bn254Double = 21, Bls12381Add = 22, Bls12381Double = 23,
        Image = 24, MemoryInitChunk = 25, MemoryFinalChunk = 26, InputChunk = 27;
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
        Image = ImageEntries(program);
        ImageTable = new ImageTable<KoalaBear>(InitialValues(Image));
        Airs = [.. ZkvmChips.All.Select(c => c.Air(this))];
        _compiled = new Lazy<CompiledAir<KoalaBear>[]>(() => [.. Airs.Select(a => new CompiledAir<KoalaBear>(a))]);
        ShardAirs = AirsOf(ZkvmChips.Full(lastShard: false));
        LastShardAirs = AirsOf(ZkvmChips.Full(lastShard: true));
        Digest = ImageDigest(program);
        _narrow = this;
        _wide = new Lazy<ZkvmProgram>(() => new ZkvmProgram(this, InputCommitmentElementsWide));
    }

    /// <summary>The sibling of <paramref name="narrow"/> whose input-commitment chip has <paramref name="commitmentElements"/> elements; everything else shared.</summary>
    private ZkvmProgram(ZkvmProgram narrow, int commitmentElements)
    {
        Program = narrow.Program;
        Table = narrow.Table;
        Image = narrow.Image;
        ImageTable = narrow.ImageTable;
        Airs = [.. narrow.Airs.Select((a, c) => c switch
        {
            ZkvmTable.InputCommit => new Input.InputCommitAir(commitmentElements),
            ZkvmTable.InputChunk => new Input.InputChunkAir(commitmentElements),
            _ => a,
        })];
        _compiled = new Lazy<CompiledAir<KoalaBear>[]>(() =>
            [.. Airs.Select((a, c) => c is ZkvmTable.InputCommit or ZkvmTable.InputChunk ? new CompiledAir<KoalaBear>(a) : narrow.CompiledAirs[c])]);
        ShardAirs = AirsOf(ZkvmChips.Full(lastShard: false));
        LastShardAirs = AirsOf(ZkvmChips.Full(lastShard: true));
        Digest = narrow.Digest;
        InputCommitmentElements = commitmentElements;
        _narrow = narrow;
        _wide = new Lazy<ZkvmProgram>(() => this);
    }

    private const int InputCommitmentElementsWide = 12;

    private readonly ZkvmProgram _narrow;
    private readonly Lazy<ZkvmProgram> _wide;

    /// <summary>Elements of the input commitment this program's input-commitment chip proves (8 or 12).</summary>
    public int InputCommitmentElements { get; } = 8;

    /// <summary>
    /// This program as proved and verified under a configuration whose digests have <paramref name="digestElements"/>
    /// elements: the same ROM, image, digest and chips, except that the input-commitment chip hashes with the
    /// configuration's permutation and commits to as many elements (8: width-16 Poseidon2, today's bytes; 12: width-24, so
    /// the input's binding is not the weakest hash of a 128-bit proof). Chosen by the digest's shape, never by a
    /// configuration's name; one instance per shape, so AIR identities (compiled-AIR caches) stay stable.
    /// </summary>
    public ZkvmProgram ForDigest(int digestElements) => digestElements switch
    {
        8 => _narrow,
        InputCommitmentElementsWide => _wide.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(digestElements), digestElements, "digests have 8 or 12 elements"),
    };

    public static ZkvmProgram FromElf(ReadOnlySpan<byte> elf) => new(GuestProgram.FromElf(elf));

    public GuestProgram Program { get; }

    public ProgramTable<KoalaBear> Table { get; }

    /// <summary>
    /// The initial memory as a preprocessed table (<see cref="ImageTable{F}"/>): the <see cref="Image"/> tuples, then every
    /// non-zero initial register; its rows are what the last shard sends on the InitialValue bus.
    /// </summary>
    public ImageTable<KoalaBear> ImageTable { get; }

    /// <summary>Every registry chip's AIR for this program, by chip index (<see cref="ZkvmChips"/>).</summary>
    public IReadOnlyList<IAir<KoalaBear>> Airs { get; }

    private readonly Lazy<CompiledAir<KoalaBear>[]> _compiled;

    /// <summary><see cref="Airs"/> compiled once (constraint programs, interaction multiplicity bounds), by chip index.</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledAirs => _compiled.Value;

    /// <summary>The AIRs of a shard with the chips <paramref name="chips"/>, in table order.</summary>
    public IReadOnlyList<IAir<KoalaBear>> AirsOf(ChipSet chips) => [.. chips.Indices().Select(c => c < Airs.Count ? Airs[c]
        : throw new ArgumentException($"unknown chip index {c}"))];

    /// <summary>The compiled AIRs of a shard with the chips <paramref name="chips"/>, in table order.</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledAirsOf(ChipSet chips) => [.. chips.Indices().Select(c => c < Airs.Count ? CompiledAirs[c]
        : throw new ArgumentException($"unknown chip index {c}"))];

    /// <summary>The AIRs of a shard that is not the last with every chip it may have (<see cref="ZkvmChips.Full"/>).</summary>
    public IReadOnlyList<IAir<KoalaBear>> ShardAirs { get; }

    /// <summary>The AIRs of a last shard with every chip it may have.</summary>
    public IReadOnlyList<IAir<KoalaBear>> LastShardAirs { get; }

    /// <summary><see cref="ShardAirs"/> compiled.</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledShardAirs => CompiledAirsOf(ZkvmChips.Full(lastShard: false));

    /// <summary><see cref="LastShardAirs"/> compiled.</summary>
    public IReadOnlyList<CompiledAir<KoalaBear>> CompiledLastShardAirs => CompiledAirsOf(ZkvmChips.Full(lastShard: true));

    /// <summary>
    /// A shard's table heights spread over the registry (chip index → log height; 1 for a chip the shard lacks): the
    /// heights of the one preprocessed key of all chips (<see cref="StarkSetup"/>), whose subsets serve every shard.
    /// </summary>
    public static int[] RegistryHeights(ChipSet chips, IReadOnlyList<int> logHeights)
    {
        ArgumentNullException.ThrowIfNull(logHeights);
        var indices = chips.Indices();
        if (indices.Length != logHeights.Count)
            throw new ArgumentException($"{logHeights.Count} heights for {indices.Length} chips");
        var heights = Enumerable.Repeat(1, ZkvmChips.Count).ToArray();
        for (int i = 0; i < indices.Length; i++)
            heights[indices[i] < heights.Length ? indices[i] : throw new ArgumentException($"unknown chip index {indices[i]}")] = logHeights[i];
        return heights;
    }

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

    /// <summary>The InitialValue tuples of a program: its image entries, then every non-zero initial register (keys increasing).</summary>
    public static List<(ulong Key, ulong Value)> InitialValues(IReadOnlyList<(ulong Key, ulong Value)> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var regs = InitialRegisters();
        var tuples = new List<(ulong, ulong)>(image);
        for (int r = 1; r < 32; r++)
            if (regs[r] != 0)
                tuples.Add((MemoryArgument.RegisterKeyBase + (ulong)r, regs[r]));
        return tuples;
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
