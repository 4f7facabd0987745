namespace Prover.Core.Matrix;

/// <summary>Some columns of a matrix, in a given order, as a new matrix (DEEP's ζ·ω point opens only the columns read on the next row).</summary>
public static class ColumnSelection
{
    /// <summary>A new matrix whose column j is column <paramref name="columns"/>[j] of <paramref name="matrix"/>.</summary>
    public static RowMajorMatrix<T> Select<T>(RowMajorMatrix<T> matrix, IReadOnlyList<int> columns)
    {
        Check(matrix, columns);
        int h = matrix.Height, k = columns.Count;
        var selected = new RowMajorMatrix<T>(h, k);
        Parallel.For(0, (h + 4095) / 4096, chunk =>
        {
            int end = Math.Min(h, (chunk + 1) * 4096);
            for (int r = chunk * 4096; r < end; r++)
            {
                var from = matrix.Row(r);
                var to = selected.Row(r);
                for (int j = 0; j < k; j++)
                    to[j] = from[columns[j]];
            }
        });
        return selected;
    }

    /// <summary>Throws unless there is at least one column and every one lies inside the matrix.</summary>
    public static void Check<T>(RowMajorMatrix<T> matrix, IReadOnlyList<int> columns)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException("no column to select", nameof(columns));
        foreach (int c in columns)
            if ((uint)c >= (uint)matrix.Width)
                throw new ArgumentOutOfRangeException(nameof(columns), c, $"a matrix of {matrix.Width} columns");
    }
}
