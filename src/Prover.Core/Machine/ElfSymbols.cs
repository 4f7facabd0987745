using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Prover.Core.Machine;

/// <summary>A function symbol of an ELF file: its name, start address and size in bytes (0 when the symbol table gives none).</summary>
public sealed record ElfSymbol(string Name, ulong Address, ulong Size);

/// <summary>
/// Reads the function symbols (STT_FUNC) of an ELF-64 little-endian file's symbol table (SHT_SYMTAB,
/// names from the string table its sh_link names; System V gABI). Only for reports: a stripped file
/// has none (empty list). Every offset and size is checked against the file, so a malformed file gives
/// an <see cref="ElfLoadException"/> naming the problem, and nothing allocates more than the file's size.
/// </summary>
public static class ElfSymbols
{
    private const int EhSize = 64;
    private const int ShEntSize = 64;
    private const int SymEntSize = 24;
    private const uint ShtSymtab = 2;
    private const byte SttFunc = 2;

    public static IReadOnlyList<ElfSymbol> Functions(ReadOnlySpan<byte> f)
    {
        if (f.Length < EhSize || f[0] != 0x7F || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F')
            Fail("not an ELF file (bad magic or truncated header)");
        if (f[4] != 2 || f[5] != 1)
            Fail("not an ELF-64 little-endian file");
        ulong shoff = U64(f, 40);
        ushort shentsize = U16(f, 58), shnum = U16(f, 60);
        if (shnum == 0)
            return [];
        if (shentsize != ShEntSize)
            Fail($"section header entry size {shentsize} (expected {ShEntSize})");
        if (shoff > (ulong)f.Length || (ulong)shnum * ShEntSize > (ulong)f.Length - shoff)
            Fail($"section headers ({shnum} at offset {shoff}) extend past the end of the {f.Length}-byte file");
        var result = new List<ElfSymbol>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = f.Slice((int)shoff + i * ShEntSize, ShEntSize);
            if (U32(sh, 4) != ShtSymtab)
                continue;
            var symbols = Section(f, sh, $"symbol table (section {i})");
            uint link = U32(sh, 40);
            if (link >= shnum)
                Fail($"symbol table (section {i}) names string table section {link} of {shnum}");
            var strings = Section(f, f.Slice((int)shoff + (int)link * ShEntSize, ShEntSize), $"string table (section {link})");
            for (int k = 0; k + SymEntSize <= symbols.Length; k += SymEntSize)
            {
                var sym = symbols.Slice(k, SymEntSize);
                if ((sym[4] & 0xF) != SttFunc)
                    continue;
                uint name = U32(sym, 0);
                if (name >= (uint)strings.Length)
                    Fail($"symbol {k / SymEntSize} names string offset {name} beyond the string table's {strings.Length} bytes");
                var rest = strings[(int)name..];
                int end = rest.IndexOf((byte)0);
                if (end < 0)
                    Fail($"symbol {k / SymEntSize}'s name is not NUL-terminated");
                result.Add(new ElfSymbol(Encoding.UTF8.GetString(rest[..end]), U64(sym, 8), U64(sym, 16)));
            }
        }
        return result;
    }

    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> f, ReadOnlySpan<byte> sh, string what)
    {
        ulong offset = U64(sh, 24), size = U64(sh, 32);
        if (offset > (ulong)f.Length || size > (ulong)f.Length - offset)
            Fail($"{what} [{offset}, +{size}) extends past the end of the {f.Length}-byte file");
        return f.Slice((int)offset, (int)size);
    }

    private static ushort U16(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt16LittleEndian(s[o..]);

    private static uint U32(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);

    private static ulong U64(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt64LittleEndian(s[o..]);

    [DoesNotReturn]
    private static void Fail(string message) => throw new ElfLoadException("invalid ELF symbol table: " + message);
}
