namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// Multiplicities of the lookup tables, filled by the chips' trace generators (one increment per
/// lookup a real row sends) and turned into the tables' multiplicity columns by
/// <see cref="Range16Table{F}.GenerateTrace"/> and <see cref="ByteOpTable{F}.GenerateTrace"/>.
/// Increments are atomic, so trace generators may fill one collector from several threads.
/// </summary>
public sealed class LookupCounts
{
    private readonly long[] _range16 = new long[1 << 16];
    private readonly long[] _byteOp = new long[4 << 16];

    /// <summary>Counts of each x ∈ [0, 2^16) sent on the Range16 bus.</summary>
    public ReadOnlySpan<long> Range16 => _range16;

    /// <summary>Counts of each ByteOp tuple, indexed by <see cref="ByteOpIndex"/>.</summary>
    public ReadOnlySpan<long> ByteOp => _byteOp;

    /// <summary>Index of (op, a, b) in <see cref="ByteOp"/>: op·2^16 + a·2^8 + b.</summary>
    public static int ByteOpIndex(ByteOpKind op, int a, int b) => ((int)op << 16) | (a << 8) | b;

    public void AddRange16(ulong x)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x, 0xFFFFUL);
        Interlocked.Increment(ref _range16[x]);
    }

    /// <summary>Records the lookup (op, a, b, op(a, b)); the table row is determined by (op, a, b).</summary>
    public void AddByteOp(ByteOpKind op, ulong a, ulong b)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(a, 0xFFUL);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(b, 0xFFUL);
        if (op == ByteOpKind.Range8 && b != 0)
            throw new ArgumentException("a RANGE8 lookup has b = 0", nameof(b));
        if (op > ByteOpKind.Range8)
            throw new ArgumentOutOfRangeException(nameof(op));
        Interlocked.Increment(ref _byteOp[ByteOpIndex(op, (int)a, (int)b)]);
    }

    /// <summary>Records (RANGE8, a, 0, 0).</summary>
    public void AddRange8(ulong a) => AddByteOp(ByteOpKind.Range8, a, 0);
}
