using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// The zkVM's one fixed lookup table, serving two buses from the same rows. Row r = a·2^bits + b holds,
/// for every pair (a, b) with a, b &lt; 2^bits, the preprocessed columns (a, b, a AND b); exactly 4^bits rows,
/// so there is no padding. Main columns: the multiplicity of each relation the row serves:
/// <list type="bullet">
/// <item>column 0, <see cref="ZkvmBus.Range16"/>: receives (a·2^bits + b), i.e. every value of [0, 4^bits) once;</item>
/// <item>column 1, <see cref="ZkvmBus.ByteAnd"/>: receives (a, b, a AND b). RANGE8 of x is the lookup (x, 0, 0) of
/// row (x, 0) (<see cref="ByteLookup.SendRange8{F}"/>); OR and XOR are derived from AND by the bitwise chip
/// (b OR c = b + c − (b AND c), b XOR c = b + c − 2·(b AND c)).</item>
/// </list>
/// The zkVM uses bits = 8 (2^16 rows: Range16 covers [0, 2^16), the AND relation every byte pair); smaller
/// widths exist for tests only and receive a subset of what the 8-bit table receives, never more.
/// <para>
/// Soundness: (a, b, a AND b) are fixed in the verifying key (the preprocessed commitment) and the Range16 value
/// is an expression of them, so the prover chooses only the two multiplicity columns; whatever it chooses,
/// every tuple the table can receive is one of its rows' tuples, and each is a true statement: "a·2^bits + b
/// lies in [0, 2^16)" and "a, b are bytes and c = a AND b" (for (x, 0, 0): "x is a byte", as x AND 0 = 0).
/// No row is padding, so no row holds anything else. A sent tuple that is not among them (a wrong AND, a
/// 17-bit "range16" value, a RANGE8 of 256) cannot be matched, so the bus cannot balance. Receives are
/// unbounded (free multiplicity columns), which the bus-count bound allows only because every received
/// tuple is fixed by the verifying key (<see cref="MultiplicityBounds.HasFixedTuple{F}"/>): any count of a
/// true row is harmless.
/// </para>
/// <para>
/// Sharding: every shard carries this table and balances its own lookups against it (the trace generator counts
/// exactly that shard's lookups), so the table stays correct if the lookup buses become local to a shard
/// (docs/zkvm.md, "Bus multiplicity bound").
/// </para>
/// </summary>
public sealed class ByteTable<F>(int bits = 8) : IAir<F> where F : struct, IField<F>
{
    private readonly int _bits = bits is >= 1 and <= 8 ? bits : throw new ArgumentOutOfRangeException(nameof(bits));

    public string Name => _bits == 8 ? "bytes" : $"bytes-{_bits}bit";

    /// <summary>Values of each operand: 2^bits.</summary>
    private int Values => 1 << _bits;

    /// <summary>Table height: 4^bits rows, one per operand pair (no padding).</summary>
    public int Height => Values * Values;

    /// <summary>Main columns: the Range16 multiplicity, the AND multiplicity.</summary>
    public int Width => 2;

    /// <summary>Preprocessed columns: a, b, a AND b.</summary>
    public int PreprocessedWidth => 3;

    /// <summary>Main column of the Range16 multiplicities.</summary>
    public const int Range16Multiplicity = 0;

    /// <summary>Main column of the AND (and RANGE8) multiplicities.</summary>
    public const int AndMultiplicity = 1;

    /// <summary>Row of the pair (a, b); also the Range16 value that row receives.</summary>
    public int RowOf(int a, int b) => a * Values + b;

    public RowMajorMatrix<F>? PreprocessedTrace(int height)
    {
        if (height != Height)
            throw new ArgumentException($"{Name} has exactly {Height} rows, not {height}", nameof(height));
        var m = new RowMajorMatrix<F>(height, 3);
        for (int a = 0; a < Values; a++)
            for (int b = 0; b < Values; b++)
            {
                int r = RowOf(a, b);
                m[r, 0] = F.FromUInt64((ulong)a);
                m[r, 1] = F.FromUInt64((ulong)b);
                m[r, 2] = F.FromUInt64((ulong)(a & b));
            }
        return m;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var p = builder.PreprocessedLocal;
        var l = builder.Local;
        // No constraint: every tuple is an expression of preprocessed (verifier-fixed) columns, the multiplicities are free.
        builder.Receive(ZkvmBus.Range16, [p[0] * F.FromUInt64((ulong)Values) + p[1]], l[Range16Multiplicity]);
        builder.Receive(ZkvmBus.ByteAnd, [p[0], p[1], p[2]], l[AndMultiplicity]);
    }

    /// <summary>The multiplicity columns from the counts the chips gathered.</summary>
    /// <exception cref="ArgumentException">A counted lookup is not in this table (possible only with a test-sized table).</exception>
    public RowMajorMatrix<F> GenerateTrace(LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var m = new RowMajorMatrix<F>(Height, 2);
        var range = counts.Range16;
        var and = counts.And;
        for (int x = 0; x < range.Length; x++)
        {
            if (range[x] == 0)
                continue;
            if (x >= Height)
                throw new ArgumentException($"{Name}: Range16 value {x} was looked up but is not in the table", nameof(counts));
            m[x, Range16Multiplicity] = F.FromUInt64((ulong)range[x]);
        }
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
            {
                long n = and[LookupCounts.AndIndex(a, b)];
                if (n == 0)
                    continue;
                if (a >= Values || b >= Values)
                    throw new ArgumentException($"{Name}: ({a} AND {b}) was looked up but is not in the table", nameof(counts));
                m[RowOf(a, b), AndMultiplicity] = F.FromUInt64((ulong)n);
            }
        return m;
    }
}
