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
        _values = values;
        Width = width;
        Height = values.Length / width;
    }

    private RowMajorMatrix(int height, int width, Func<T[]> fetch)
    {
        Width = width;
        Height = height;
        _fetch = fetch;
    }

    /// <summary>
    /// A matrix whose values stay where a GPU backend made them (an LDE kept on the device): <paramref name="fetch"/> brings
    /// them to the host the first time <see cref="Values"/> (or anything reading it) is used, and its length is checked; until
    /// then <see cref="Height"/> and <see cref="Width"/> are known without them. <paramref name="fetch"/> must return the
    /// matrix's values or throw (never other values). Threads reading the values at once may each fetch them.
    /// </summary>
    public static RowMajorMatrix<T> FromDevice(int height, int width, Func<T[]> fetch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(fetch);
        _ = checked(height * width);
        return new RowMajorMatrix<T>(height, width, fetch);
    }

    /// <summary>A zero-filled matrix.</summary>
    public RowMajorMatrix(int height, int width)
        : this(new T[checked(height * width)], width)
    {
    }

    private T[]? _values;
    private readonly Func<T[]>? _fetch;

    /// <summary>The elements, row by row (fetched first for a matrix from <see cref="FromDevice"/>).</summary>
    public T[] Values => _values ?? FetchValues();

    /// <summary>Whether the values are on the host (always, except for a matrix from <see cref="FromDevice"/> not read yet).</summary>
    public bool HasHostValues => Volatile.Read(ref _values) is not null;

    public int Width { get; }

    public int Height { get; }

    private T[] FetchValues()
    {
        var values = Volatile.Read(ref _values);
        if (values is not null)
            return values;
        // No lock around the fetch (it takes the device's lock, whose holders may read matrices): the first stored wins.
        values = _fetch!();
        if (values is null || values.Length != (long)Height * Width)
            throw new InvalidOperationException($"a {Height}×{Width} matrix came back with {values?.Length ?? 0} values");
        return Interlocked.CompareExchange(ref _values, values, null) ?? values;
    }

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
