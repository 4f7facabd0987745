namespace Prover.Core.Recursion;

/// <summary>
/// A fixed shape of the recursion machine (<see cref="Chips.RecursionMachine{TParams, TDef}"/>): which tables it has —
/// base ALU, extension ALU, conversions, one Poseidon2 table per width in <see cref="Poseidon2Widths"/>, bits,
/// assertions, hints and, where <see cref="OutputCount"/> &gt; 0, the output table with that many outputs — and the log
/// height of each, in the machine's table order (<see cref="TableNames"/>). A program padded to a shape
/// (<see cref="RecursionProgram.PaddedTo"/>) is proved with exactly these tables at exactly these heights: a table it
/// does not use is present and all padding. The chips' constraints depend only on the shape (the Poseidon2 width, the
/// output count, the extension degree), never on the program, so proofs of two programs padded to one shape have the
/// same AIRs and heights and one verifier program checks both; only the preprocessed columns (the key) differ.
/// </summary>
public sealed record RecursionShape
{
    /// <summary>The shape: Poseidon2 widths (16 and/or 24, increasing), the output count (0: no output table), one log height per table.</summary>
    public RecursionShape(IReadOnlyList<int> poseidon2Widths, int outputCount, IReadOnlyList<int> logHeights)
    {
        ArgumentNullException.ThrowIfNull(poseidon2Widths);
        ArgumentNullException.ThrowIfNull(logHeights);
        ArgumentOutOfRangeException.ThrowIfNegative(outputCount);
        if (poseidon2Widths.Count == 0 || poseidon2Widths.Any(w => w is not (16 or 24)) || !poseidon2Widths.SequenceEqual(poseidon2Widths.Distinct().Order()))
            throw new ArgumentException($"Poseidon2 widths must be 16 and/or 24 in increasing order, not [{string.Join(", ", poseidon2Widths)}]");
        Poseidon2Widths = [.. poseidon2Widths];
        OutputCount = outputCount;
        if (logHeights.Count != TableCount)
            throw new ArgumentException($"the shape has {TableCount} tables, {logHeights.Count} heights given");
        // Heights ≥ 2 rows (as the chips' own) and small enough for any blowup the configurations use.
        if (logHeights.Any(h => h is < 1 or > 24))
            throw new ArgumentException($"table heights must be 2^1 to 2^24, not [{string.Join(", ", logHeights)}]");
        LogHeights = [.. logHeights];
    }

    public IReadOnlyList<int> Poseidon2Widths { get; }

    /// <summary>Outputs every program of the shape states (its output table's public values).</summary>
    public int OutputCount { get; }

    /// <summary>log2 of each table's height, in <see cref="TableNames"/> order.</summary>
    public IReadOnlyList<int> LogHeights { get; }

    /// <summary>The tables in the machine's order (the names of its chips).</summary>
    public IReadOnlyList<string> TableNames =>
    [
        "recursion-base-alu", "recursion-ext-alu", "recursion-ext-convert",
        .. Poseidon2Widths.Select(w => w == 16 ? "recursion-poseidon2" : $"recursion-poseidon2-w{w}"),
        "recursion-bits", "recursion-assert-eq", "recursion-hint",
        .. OutputCount > 0 ? ["recursion-public-output"] : Array.Empty<string>(),
    ];

    private int TableCount => 6 + Poseidon2Widths.Count + (OutputCount > 0 ? 1 : 0);

    /// <summary>Total rows of every table (the trace area, without widths).</summary>
    public long Rows => LogHeights.Sum(h => 1L << h);

    /// <summary>
    /// The smallest shape holding every given shape: the union of the Poseidon2 widths, each table at the greatest height
    /// any of them has for it (a table one of them lacks counts as absent). All must state the same number of outputs.
    /// </summary>
    public static RecursionShape Covering(IEnumerable<RecursionShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var list = shapes.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("no shape to cover");
        int outputs = list[0].OutputCount;
        if (list.Any(s => s.OutputCount != outputs))
            throw new ArgumentException($"programs of one shape state one number of outputs, not {string.Join(", ", list.Select(s => s.OutputCount).Distinct())}");
        var widths = list.SelectMany(s => s.Poseidon2Widths).Distinct().Order().ToArray();
        var shape = new RecursionShape(widths, outputs, new int[6 + widths.Length + (outputs > 0 ? 1 : 0)].Select(_ => 1).ToArray());
        var names = shape.TableNames;
        var heights = names.Select(n => list.Max(s => s.LogHeightOf(n) ?? 1)).ToArray();
        return new RecursionShape(widths, outputs, heights);
    }

    /// <summary>The log height of the named table, or null where the shape has no such table.</summary>
    public int? LogHeightOf(string table)
    {
        int t = TableNames.ToList().IndexOf(table);
        return t < 0 ? null : LogHeights[t];
    }

    public bool Equals(RecursionShape? other) =>
        other is not null && OutputCount == other.OutputCount && Poseidon2Widths.SequenceEqual(other.Poseidon2Widths) && LogHeights.SequenceEqual(other.LogHeights);

    public override int GetHashCode() => HashCode.Combine(OutputCount, string.Join(",", Poseidon2Widths), string.Join(",", LogHeights));

    public override string ToString() =>
        $"{string.Join(", ", TableNames.Zip(LogHeights, (n, h) => $"{n} 2^{h}"))}; {OutputCount} outputs";
}
