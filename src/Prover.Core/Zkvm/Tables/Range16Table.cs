using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// The range table of the <see cref="ZkvmBus.Range16"/> bus: a preprocessed column holding 0..2^bits − 1
/// (one value per row, exactly 2^bits rows, so no padding) and one main column, the multiplicity with
/// which each value is received. The zkVM uses bits = 16; smaller widths exist for tests only (a table
/// of fewer values accepts a subset of what the 16-bit one accepts, never more).
/// <para>
/// Soundness: the values are fixed in the verifying key (the preprocessed commitment), so the prover
/// cannot change them; it chooses only the multiplicities, and whatever it chooses, every tuple the
/// table receives is some x &lt; 2^bits. The bus balances only if every sent x is received, so every
/// sent x is in range. Multiplicities are field elements: the argument needs the number of lookups
/// to stay below p (≈ 2^31), which holds since each sender row sends each tuple at most once and
/// tables are far shorter than p / interactions.
/// </para>
/// </summary>
public sealed class Range16Table<F>(int bits = 16) : IAir<F> where F : struct, IField<F>
{
    private readonly int _bits = bits is >= 1 and <= 16 ? bits : throw new ArgumentOutOfRangeException(nameof(bits));

    public string Name => _bits == 16 ? "range16" : $"range16-{_bits}bit";

    /// <summary>Table height: 2^bits.</summary>
    public int Height => 1 << _bits;

    public int Width => 1;

    public int PreprocessedWidth => 1;

    public RowMajorMatrix<F>? PreprocessedTrace(int height)
    {
        if (height != Height)
            throw new ArgumentException($"{Name} has exactly {Height} rows, not {height}", nameof(height));
        var m = new RowMajorMatrix<F>(height, 1);
        for (int r = 0; r < height; r++)
            m[r, 0] = F.FromUInt64((ulong)r);
        return m;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // No constraint: the value column is preprocessed (verifier-fixed), the multiplicity is free.
        builder.Receive(ZkvmBus.Range16, [builder.PreprocessedLocal[0]], builder.Local[0]);
    }

    /// <summary>The multiplicity column from the counts the chips gathered.</summary>
    /// <exception cref="ArgumentException">A counted value does not fit this table (possible only with a test-sized table).</exception>
    public RowMajorMatrix<F> GenerateTrace(LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var source = counts.Range16;
        for (int x = Height; x < source.Length; x++)
            if (source[x] != 0)
                throw new ArgumentException($"{Name}: value {x} was looked up but is not in the table", nameof(counts));
        var m = new RowMajorMatrix<F>(Height, 1);
        for (int r = 0; r < Height; r++)
            m[r, 0] = F.FromUInt64((ulong)source[r]);
        return m;
    }
}
