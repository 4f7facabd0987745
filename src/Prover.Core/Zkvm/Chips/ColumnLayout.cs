namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// A chip's main-trace column layout computed in declaration order instead of hand-numbered offsets (docs/zkvm.md,
/// "Adding a chip"): each field of a chip's <c>…Cols</c> class takes its offset from <see cref="Add"/> (or
/// <see cref="Word"/> for the four 16-bit limbs of a 64-bit word), so inserting or widening a group moves every later
/// offset and <see cref="Width"/> with it. The order of the calls is the column order (and so the proof bytes): port a
/// hand-numbered layout by declaring its groups in their old order. <see cref="NameOf"/> names a column for messages
/// (a violated constraint's column, a tampered cell in a test).
/// </summary>
public sealed class ColumnLayout
{
    private readonly List<(string Name, int Offset, int Count)> _groups = [];

    /// <summary>Columns allocated so far: the trace width once every group is declared.</summary>
    public int Width { get; private set; }

    /// <summary>Allocates <paramref name="count"/> consecutive columns named <paramref name="name"/> and returns the first one's offset.</summary>
    public int Add(string name, int count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (_groups.Exists(g => g.Name == name))
            throw new ArgumentException($"column group {name} is declared twice");
        int offset = Width;
        _groups.Add((name, offset, count));
        Width += count;
        return offset;
    }

    /// <summary>Allocates a 64-bit word as four 16-bit limbs (<see cref="Zkvm.Word"/>).</summary>
    public int Word(string name) => Add(name, 4);

    /// <summary>The group and index of <paramref name="column"/>, e.g. "A[2]" (or "Sign" for a one-column group).</summary>
    public string NameOf(int column)
    {
        foreach (var (name, offset, count) in _groups)
            if (column >= offset && column < offset + count)
                return count == 1 ? name : $"{name}[{column - offset}]";
        throw new ArgumentOutOfRangeException(nameof(column), $"column {column} outside the layout's {Width}");
    }

    /// <summary>The declared groups in column order.</summary>
    public IReadOnlyList<(string Name, int Offset, int Count)> Groups => _groups;
}
