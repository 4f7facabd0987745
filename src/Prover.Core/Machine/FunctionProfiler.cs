namespace Prover.Core.Machine;

/// <summary>
/// One function's share of a profiled run: the instructions executed at addresses inside it (one
/// cycle each) and how often its first instruction ran (its calls, plus any jump back to its entry).
/// </summary>
public sealed record FunctionCost(string Name, ulong Address, long Cycles, long Entries);

/// <summary>
/// Where a run's cycles went, by function: <see cref="Functions"/> in decreasing cycles,
/// <see cref="OutsideFunctions"/> executed at addresses no function symbol covers, and
/// <see cref="NoEventInstructions"/> (FENCE) whose address the trace does not record.
/// </summary>
public sealed record FunctionProfile(ExecutionResult Result, IReadOnlyList<FunctionCost> Functions, long OutsideFunctions, long NoEventInstructions);

/// <summary>
/// Cycle profile of a guest by function (for finding cost centres, e.g. accelerator candidates): runs
/// the program in tracing mode and attributes each instruction event, by its pc, to the function
/// symbol containing it. The counts cover every instruction: their sum plus the FENCEs equals the
/// run's cycles, checked (an event kind this class does not count would throw, not go missing).
/// Costs a traced run (the interpreter with events, several times slower than the JIT).
/// </summary>
public static class FunctionProfiler
{
    public static FunctionProfile Run(GuestProgram program, IReadOnlyList<ElfSymbol> functions, ReadOnlySpan<byte> input, MachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(functions);
        var counts = new long[checked((int)(program.CodeSize / 4))];
        long outsideCode = 0, nops = 0;
        void Count(uint pc)
        {
            ulong index = (pc - program.CodeBase) / 4;
            if (pc >= program.CodeBase && index < (ulong)counts.Length)
                counts[index]++;
            else
                outsideCode++;
        }
        using var machine = new Machine(program, input, options);
        var result = machine.RunTraced(r =>
        {
            foreach (var e in r.AddSub) Count(e.Pc);
            foreach (var e in r.Bitwise) Count(e.Pc);
            foreach (var e in r.Shift) Count(e.Pc);
            foreach (var e in r.Compare) Count(e.Pc);
            foreach (var e in r.Mul) Count(e.Pc);
            foreach (var e in r.DivRem) Count(e.Pc);
            foreach (var e in r.UpperImmediate) Count(e.Pc);
            foreach (var e in r.Branches) Count(e.Pc);
            foreach (var e in r.Jumps) Count(e.Pc);
            foreach (var e in r.MemoryInstructions) Count(e.Pc);
            foreach (var e in r.Syscalls) Count(e.Pc);
            nops += r.Nops;
            machine.Recycle(r);
        });
        long counted = counts.Sum() + outsideCode;
        if (counted + nops != result.Cycles)
            throw new InvalidOperationException($"the profile counted {counted + nops} of {result.Cycles} instructions: an event kind is not counted");

        // Function ranges, by address; a symbol without a size runs to the next symbol (aliases at one address: the first by name).
        var sorted = functions.GroupBy(s => s.Address)
            .Select(g => g.OrderByDescending(s => s.Size).ThenBy(s => s.Name, StringComparer.Ordinal).First())
            .OrderBy(s => s.Address).ToArray();
        var cycles = new long[sorted.Length];
        var entries = new long[sorted.Length];
        long outside = outsideCode;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
                continue;
            ulong pc = program.CodeBase + (ulong)i * 4;
            int f = Find(sorted, pc);
            if (f < 0)
            {
                outside += counts[i];
                continue;
            }
            cycles[f] += counts[i];
            if (pc == sorted[f].Address)
                entries[f] = counts[i];
        }
        var list = new List<FunctionCost>();
        for (int f = 0; f < sorted.Length; f++)
            if (cycles[f] > 0)
                list.Add(new FunctionCost(sorted[f].Name, sorted[f].Address, cycles[f], entries[f]));
        list.Sort((a, b) => a.Cycles != b.Cycles ? b.Cycles.CompareTo(a.Cycles) : string.CompareOrdinal(a.Name, b.Name));
        return new FunctionProfile(result, list, outside, nops);
    }

    /// <summary>The function whose range holds pc, or −1.</summary>
    private static int Find(ElfSymbol[] sorted, ulong pc)
    {
        int lo = 0, hi = sorted.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid].Address <= pc) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return -1;
        ulong end = sorted[found].Size > 0 ? sorted[found].Address + sorted[found].Size
            : found + 1 < sorted.Length ? sorted[found + 1].Address : ulong.MaxValue;
        return pc < end ? found : -1;
    }
}
