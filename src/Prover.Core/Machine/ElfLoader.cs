using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Prover.Core.Machine;

/// <summary>
/// Loads static RV64 ELF executables (System V gABI, "ELF-64 Object File Format"; RISC-V psABI for
/// the machine number and e_flags). Accepted: ELFCLASS64, little-endian, ET_EXEC, EM_RISCV, no
/// compressed (RVC) or hardware-float ABI flags, no PT_INTERP/PT_DYNAMIC, PT_LOAD segments inside RAM
/// that do not overlap each other, exactly one executable segment, entry inside it. Every check gives
/// a message naming the problem; nothing in the file can make the loader allocate more than the file's
/// own size plus the predecoded code.
/// </summary>
internal static class ElfLoader
{
    private const int EhSize = 64;
    private const int PhEntSize = 56;
    private const ushort EtExec = 2;
    private const ushort EtDyn = 3;
    private const ushort EmRiscv = 243;
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;
    private const uint PfX = 1;
    private const uint EfRiscvRvc = 0x1;
    private const uint EfRiscvFloatAbi = 0x6;
    private const uint EfRiscvRve = 0x8;

    public static GuestProgram Load(ReadOnlySpan<byte> f)
    {
        if (f.Length < EhSize)
            Fail($"file is {f.Length} bytes, shorter than an ELF-64 header (truncated or not an ELF)");
        if (f[0] != 0x7F || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F')
            Fail("not an ELF file (bad magic)");
        if (f[4] != 2)
            Fail($"ELF class {f[4]} is not ELFCLASS64 (a 64-bit RISC-V executable is required)");
        if (f[5] != 1)
            Fail("ELF data encoding is not little-endian");
        ushort type = U16(f, 16), machine = U16(f, 18);
        if (machine != EmRiscv)
            Fail($"wrong machine {machine} (expected EM_RISCV = 243)");
        if (type == EtDyn)
            Fail("ELF type is ET_DYN (shared object or PIE); a static ET_EXEC executable is required");
        if (type != EtExec)
            Fail($"ELF type {type} is not ET_EXEC");
        uint flags = U32(f, 48);
        if ((flags & EfRiscvRvc) != 0)
            Fail("ELF uses the compressed (C) extension; the machine is RV64IM without C");
        if ((flags & EfRiscvFloatAbi) != 0)
            Fail("ELF uses a hardware floating-point ABI; lp64 soft-float is required");
        if ((flags & EfRiscvRve) != 0)
            Fail("ELF uses the RV64E ABI");
        ulong entry = U64(f, 24), phoff = U64(f, 32);
        ushort phentsize = U16(f, 54), phnum = U16(f, 56);
        if (phnum == 0)
            Fail("no program headers");
        if (phentsize != PhEntSize)
            Fail($"program header entry size {phentsize} (expected {PhEntSize})");
        if (phoff > (ulong)f.Length || (ulong)phnum * PhEntSize > (ulong)f.Length - phoff)
            Fail($"program headers ({phnum} at offset {phoff}) extend past the end of the {f.Length}-byte file (truncated?)");

        var segments = new List<Segment>();
        Segment? code = null;
        for (int i = 0; i < phnum; i++)
        {
            var ph = f.Slice((int)phoff + i * PhEntSize, PhEntSize);
            uint ptype = U32(ph, 0), pflags = U32(ph, 4);
            ulong offset = U64(ph, 8), vaddr = U64(ph, 16), filesz = U64(ph, 32), memsz = U64(ph, 40);
            if (ptype is PtInterp or PtDynamic)
                Fail($"segment {i} is PT_INTERP/PT_DYNAMIC: dynamically linked executables are not supported");
            if (ptype != PtLoad || memsz == 0)
                continue;
            if (filesz > memsz)
                Fail($"segment {i}: file size {filesz} exceeds memory size {memsz}");
            if (offset > (ulong)f.Length || filesz > (ulong)f.Length - offset)
                Fail($"segment {i}: bytes [{offset}, {offset}+{filesz}) extend past the end of the {f.Length}-byte file (truncated?)");
            bool overflow = vaddr + memsz < vaddr;
            ulong end = vaddr + memsz;
            if (!overflow && vaddr < MemoryMap.InputEnd && end > MemoryMap.InputBase)
                Fail($"segment {i} [0x{vaddr:x}, 0x{end:x}) overlaps the input region [0x{MemoryMap.InputBase:x}, 0x{MemoryMap.InputEnd:x})");
            if (overflow || vaddr < MemoryMap.RamBase || end > MemoryMap.RamEnd)
                Fail($"segment {i} [0x{vaddr:x}, +0x{memsz:x}) lies outside RAM [0x{MemoryMap.RamBase:x}, 0x{MemoryMap.RamEnd:x})");
            foreach (var other in segments)
            {
                if (vaddr < other.Address + other.MemorySize && other.Address < end)
                    Fail($"segment {i} [0x{vaddr:x}, 0x{end:x}) overlaps segment [0x{other.Address:x}, 0x{other.Address + other.MemorySize:x})");
            }
            bool exec = (pflags & PfX) != 0;
            var seg = new Segment(vaddr, f.Slice((int)offset, (int)filesz).ToArray(), memsz, exec);
            if (exec)
            {
                if (code is not null)
                    Fail("more than one executable segment (the linker script must put all code in one)");
                if (vaddr % 4 != 0)
                    Fail($"executable segment at 0x{vaddr:x} is not 4-byte aligned");
                code = seg;
            }
            segments.Add(seg);
        }
        if (code is null)
            Fail("no executable PT_LOAD segment");
        // The code is the file-backed part of the executable segment: bounded by the file's size.
        var words = new uint[code.Data.Length / 4];
        for (int i = 0; i < words.Length; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(code.Data.AsSpan(i * 4));
        ulong codeEnd = code.Address + (ulong)words.Length * 4;
        if (entry < code.Address || entry >= codeEnd || entry % 4 != 0)
            Fail($"entry point 0x{entry:x} is not an aligned address inside the code [0x{code.Address:x}, 0x{codeEnd:x})");
        return GuestProgram.Create(entry, code.Address, words, segments);
    }

    private static ushort U16(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt16LittleEndian(s[o..]);

    private static uint U32(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);

    private static ulong U64(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt64LittleEndian(s[o..]);

    [DoesNotReturn]
    private static void Fail(string message) => throw new ElfLoadException("invalid ELF: " + message);
}
