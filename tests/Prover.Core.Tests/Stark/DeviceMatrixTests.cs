using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// <see cref="RowMajorMatrix{T}.FromDevice"/> (an LDE a GPU backend keeps) and <see cref="ColumnSelection"/>: dimensions without the
/// values, values fetched once when read, a wrong length or a failed fetch is an error, never other values.
/// </summary>
public class DeviceMatrixTests
{
    [Fact]
    public void Values_are_fetched_once_when_read()
    {
        var values = Enumerable.Range(0, 12).Select(i => MontyField31<KoalaBearParameters>.FromCanonical((uint)i)).ToArray();
        int fetches = 0;
        var m = RowMajorMatrix<MontyField31<KoalaBearParameters>>.FromDevice(4, 3, () =>
        {
            fetches++;
            return (MontyField31<KoalaBearParameters>[])values.Clone();
        });
        Assert.Equal((4, 3), (m.Height, m.Width));
        Assert.False(m.HasHostValues);
        Assert.Equal(0, fetches);
        Assert.Equal(values[7], m[2, 1]);
        Assert.Equal(values, m.Values);
        Assert.True(m.HasHostValues);
        Assert.Equal(1, fetches);
        Assert.Equal([values[2], values[5], values[8], values[11]], ColumnSelection.Select(m, [2]).Values);
        Assert.Equal([values[1], values[0], values[4], values[3]], ColumnSelection.Select(m, [1, 0]).Values[..4]);
    }

    [Fact]
    public void A_wrong_length_a_failed_fetch_or_bad_columns_are_errors()
    {
        var shortValues = RowMajorMatrix<MontyField31<KoalaBearParameters>>.FromDevice(4, 3, () => new MontyField31<KoalaBearParameters>[11]);
        Assert.Throws<InvalidOperationException>(() => shortValues.Values);
        var failing = RowMajorMatrix<MontyField31<KoalaBearParameters>>.FromDevice(4, 3, () => throw new InvalidOperationException("released"));
        Assert.Throws<InvalidOperationException>(() => failing.Row(0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => RowMajorMatrix<MontyField31<KoalaBearParameters>>.FromDevice(4, 0, () => []));
        var m = new RowMajorMatrix<MontyField31<KoalaBearParameters>>(4, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnSelection.Select(m, [3]));
        Assert.Throws<ArgumentException>(() => ColumnSelection.Select(m, []));
    }
}
