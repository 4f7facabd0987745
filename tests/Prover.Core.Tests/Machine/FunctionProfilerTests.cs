using System.Buffers.Binary;
using Prover.Core.Machine;

namespace Prover.Core.Tests.Machine;

/// <summary>ELF function symbols and the cycle profile by function (<c>prover execute --profile</c>).</summary>
public class FunctionProfilerTests
{
    private static readonly byte[] SortElf = GuestTests.Elf("sort");

    [Fact]
    public void Symbols_of_the_sort_guest_name_its_functions_inside_the_code()
    {
        var program = GuestProgram.FromElf(SortElf);
        var functions = ElfSymbols.Functions(SortElf);
        var start = Assert.Single(functions, f => f.Name == "_start");
        Assert.Equal(program.Entry, start.Address); // the ELF header's entry point, read by another parser
        var sort = Assert.Single(functions, f => f.Name == "merge_sort");
        Assert.True(sort.Size > 0 && sort.Address >= program.CodeBase && sort.Address + sort.Size <= program.CodeEnd);
        Assert.Contains(functions, f => f.Name == "main");
        Assert.DoesNotContain(functions, f => f.Name.Length == 0);
    }

    [Fact]
    public void Profile_accounts_for_every_cycle_and_agrees_with_the_guest_region()
    {
        var program = GuestProgram.FromElf(SortElf);
        var profile = FunctionProfiler.Run(program, ElfSymbols.Functions(SortElf), []);
        Assert.Equal(0, profile.Result.ExitCode);
        Assert.Equal(profile.Result.Cycles, profile.Functions.Sum(f => f.Cycles) + profile.OutsideFunctions + profile.NoEventInstructions);
        Assert.Equal(profile.Functions.OrderByDescending(f => f.Cycles).Select(f => f.Cycles), profile.Functions.Select(f => f.Cycles));
        // The guest brackets merge_sort (and the memcpy calls it makes) with the region "sort": the
        // machine's region count and the pc attribution must agree up to the two region syscalls' setup.
        long region = profile.Result.RegionCycles["sort"];
        var sort = profile.Functions.Single(f => f.Name == "merge_sort");
        var memcpy = profile.Functions.Single(f => f.Name == "memcpy");
        Assert.True(sort.Cycles < region && sort.Cycles > region / 2, $"merge_sort {sort.Cycles} of region {region}");
        Assert.InRange(region - (sort.Cycles + memcpy.Cycles), -20, 20);
        // merge_sort(n) recurses on both halves down to n < 16: its entry runs once per call.
        static long Calls(long n) => n < 16 ? 1 : 1 + Calls(n / 2) + Calls(n - n / 2);
        Assert.Equal(Calls(20000), sort.Entries);
    }

    [Fact]
    public void Without_symbols_every_cycle_is_outside_functions()
    {
        var profile = FunctionProfiler.Run(GuestProgram.FromElf(SortElf), [], []);
        Assert.Empty(profile.Functions);
        Assert.Equal(profile.Result.Cycles, profile.OutsideFunctions + profile.NoEventInstructions);
    }

    [Fact]
    public void Malformed_symbol_tables_are_clear_errors()
    {
        // Section headers past the end of the file.
        var bad = (byte[])SortElf.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bad.AsSpan(40), (ulong)bad.Length - 10);
        Assert.Contains("section headers", Assert.Throws<ElfLoadException>(() => ElfSymbols.Functions(bad)).Message);
        // No section headers at all (stripped of them): no symbols.
        var none = (byte[])SortElf.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(none.AsSpan(60), 0);
        Assert.Empty(ElfSymbols.Functions(none));
        // A symbol table whose size runs past the end of the file.
        var big = (byte[])SortElf.Clone();
        int symtab = SectionHeaderOf(big, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(big.AsSpan(symtab + 32), (ulong)big.Length);
        Assert.Contains("symbol table", Assert.Throws<ElfLoadException>(() => ElfSymbols.Functions(big)).Message);
        // A string table link out of range.
        var link = (byte[])SortElf.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(link.AsSpan(SectionHeaderOf(link, 2) + 40), 60000);
        Assert.Contains("string table", Assert.Throws<ElfLoadException>(() => ElfSymbols.Functions(link)).Message);
        Assert.Throws<ElfLoadException>(() => ElfSymbols.Functions(SortElf.AsSpan(0, 20)));
    }

    /// <summary>Offset of the first section header of the given type.</summary>
    private static int SectionHeaderOf(byte[] elf, uint type)
    {
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(40));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(60));
        for (int i = 0; i < shnum; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(shoff + i * 64 + 4)) == type)
                return shoff + i * 64;
        throw new InvalidOperationException("no such section");
    }
}
