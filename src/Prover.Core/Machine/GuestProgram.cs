using System.Buffers.Binary;

namespace Prover.Core.Machine;

/// <summary>A loadable piece of the program image.</summary>
/// <param name="Address">Virtual address of the first byte.</param>
/// <param name="Data">File contents; the rest up to <paramref name="MemorySize"/> is zero.</param>
/// <param name="MemorySize">Bytes the segment occupies in memory.</param>
/// <param name="Executable">Whether this segment is the code.</param>
public sealed record Segment(ulong Address, byte[] Data, ulong MemorySize, bool Executable);

/// <summary>
/// A program ready to run: its segments, entry point and the code predecoded once into
/// <see cref="Instruction"/>s (one per 4-byte word of the executable segment, plus a sentinel that
/// faults when execution falls off the end). Immutable; one program can start many machines.
/// </summary>
public sealed class GuestProgram
{
    /// <summary>RAM that must stay above the code (stack room; also keeps the store fast path simple).</summary>
    internal const ulong MinRamAboveCode = 0x1_0000;

    private GuestProgram(ulong entry, ulong codeBase, uint[] words, IReadOnlyList<Segment> segments)
    {
        if (codeBase + (ulong)words.Length * 4 > MemoryMap.RamEnd - MinRamAboveCode)
            throw new ElfLoadException($"code ends above 0x{MemoryMap.RamEnd - MinRamAboveCode:x}: no room left for data and stack");
        Entry = entry;
        CodeBase = codeBase;
        CodeSize = (ulong)words.Length * 4;
        Segments = segments;
        Words = words;
        Code = Predecode(words);
    }

    public ulong Entry { get; }

    /// <summary>Address of the first instruction; RAM below <see cref="CodeEnd"/> is read-only.</summary>
    public ulong CodeBase { get; }

    /// <summary>Size of the code in bytes (a multiple of 4).</summary>
    public ulong CodeSize { get; }

    public ulong CodeEnd => CodeBase + CodeSize;

    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>The raw instruction words of the code.</summary>
    internal uint[] Words { get; }

    /// <summary>Predecoded code, <c>Words.Length + 1</c> entries (the last is the fall-off sentinel); pinned.</summary>
    internal Instruction[] Code { get; }

    /// <summary>Parses a static RV64 ELF executable; throws <see cref="ElfLoadException"/> with the reason when it cannot run.</summary>
    public static GuestProgram FromElf(ReadOnlySpan<byte> elf) => ElfLoader.Load(elf);

    /// <summary>A program made of raw instruction words at <paramref name="codeBase"/> (tests, tools), entry at the first word.</summary>
    public static GuestProgram FromWords(ReadOnlySpan<uint> words, ulong codeBase = MemoryMap.RamBase)
    {
        if (codeBase < MemoryMap.RamBase || codeBase % 4 != 0 || (ulong)words.Length * 4 > MemoryMap.RamEnd - codeBase)
            throw new ArgumentOutOfRangeException(nameof(codeBase), "code must be 4-byte aligned and inside RAM");
        var bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        return new GuestProgram(codeBase, codeBase, words.ToArray(), [new Segment(codeBase, bytes, (ulong)bytes.Length, true)]);
    }

    internal static GuestProgram Create(ulong entry, ulong codeBase, uint[] words, IReadOnlyList<Segment> segments) =>
        new(entry, codeBase, words, segments);

    /// <summary>
    /// Decodes every word. Branch and JAL targets are resolved here: inside the code and 4-byte aligned
    /// becomes an instruction offset, anything else becomes <see cref="Opcode.Slow"/> so the fault (if the
    /// branch is taken) is raised by the slow path and the fast path needs no target check.
    /// </summary>
    private static Instruction[] Predecode(uint[] words)
    {
        var code = GC.AllocateArray<Instruction>(words.Length + 1, pinned: true);
        long n = words.Length;
        for (int i = 0; i < words.Length; i++)
        {
            var ins = Decoder.Decode(words[i]);
            if (ins.Op is >= Opcode.Beq and <= Opcode.Jal)
            {
                long target = i + ((long)ins.Imm >> 2);
                bool ok = (ins.Imm & 3) == 0 && target >= 0 && target < n;
                ins = ok ? new Instruction(ins.Op, ins.Rd, ins.Rs1, ins.Rs2, ins.Imm >> 2) : new Instruction(Opcode.Slow, 0, 0, 0, (int)words[i]);
            }
            code[i] = ins;
        }
        code[words.Length] = new Instruction(Opcode.Slow, 0, 0, 0, 0);
        return code;
    }
}
