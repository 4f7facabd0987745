using System.Runtime.CompilerServices;

namespace Prover.Core.Matrix;

/// <summary>
/// A dense matrix stored row by row in one array: element (r, c) is at <c>Values[r * Width + c]</c>.
/// Traces, LDEs and committed matrices all use this layout (one row = one trace row = one Merkle leaf).
/// </summary>
public sealed class RowMajorMatrix<T>
{
    public RowMajorMatrix(T[] values, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (values.Length % width != 0)
            throw new ArgumentException($"{values.Length} values do not fill rows of width {width}", nameof(values));
        Values = values;
        Width = width;
    }

    /// <summary>A zero-filled matrix.</summary>
    public RowMajorMatrix(int height, int width)
        : this(new T[checked(height * width)], width)
    {
    }

    public T[] Values { get; }

    public int Width { get; }

    public int Height => Values.Length / Width;

    public T this[int row, int column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Values[row * Width + column];
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => Values[row * Width + column] = value;
    }

    public Span<T> Row(int row) => Values.AsSpan(row * Width, Width);

    public RowMajorMatrix<T> Clone() => new((T[])Values.Clone(), Width);

    /// <summary>Builds a matrix from columns of equal length.</summary>
    public static RowMajorMatrix<T> FromColumns(IReadOnlyList<T[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException("no columns", nameof(columns));
        int height = columns[0].Length;
        var m = new RowMajorMatrix<T>(height, columns.Count);
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c].Length != height)
                throw new ArgumentException("columns differ in length", nameof(columns));
            for (int r = 0; r < height; r++)
                m[r, c] = columns[c][r];
        }
        return m;
    }

    /// <summary>Column <paramref name="column"/> as a new array.</summary>
    public T[] Column(int column)
    {
        var result = new T[Height];
        for (int r = 0; r < result.Length; r++)
            result[r] = this[r, column];
        return result;
    }
}
