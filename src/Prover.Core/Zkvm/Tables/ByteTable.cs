using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Tables;

/// <summary>
/// The zkVM's byte lookup table, serving two buses from the same rows, sized to the shard's use. Each row holds
/// a pair of bytes (a, b) as 16 boolean main columns (a's bits, then b's, least significant first) and, per relation,
/// the multiplicity with which the row receives:
/// <list type="bullet">
/// <item><see cref="ZkvmBus.Range16"/>: receives (a·2^8 + b), with multiplicity column <see cref="Range16Multiplicity"/>;</item>
/// <item><see cref="ZkvmBus.ByteAnd"/>: receives (a, b, a AND b), with multiplicity column <see cref="AndMultiplicity"/>.
/// RANGE8 of x is the lookup (x, 0, 0) of a row (x, 0) (<see cref="ByteLookup.SendRange8{F}"/>); OR and XOR are derived
/// from AND by the bitwise chip (b OR c = b + c − (b AND c), b XOR c = b + c − 2·(b AND c)).</item>
/// </list>
/// The prover writes one row per pair the shard's lookups use (a Range16 value x is the pair (x ≫ 8, x AND 255)),
/// in increasing pair order, and pads to a power of two with rows of the pair (0, 0) and zero multiplicities
/// (<see cref="HeightFor"/>): a shard of a few hundred cycles has a table of a few hundred rows, not 2^16.
/// <para>
/// Soundness: the table is not fixed by the verifying key, so every row must be a true statement on its own. The
/// AIR asserts each of the 16 bit columns boolean (x·(x − 1) = 0 on every row, padding included), and both received
/// tuples are expressions of those bits alone: a = Σ 2^i·a_i and b = Σ 2^i·b_i are then bytes, a·2^8 + b lies in
/// [0, 2^16), and the third AND value Σ 2^i·a_i·b_i is exactly a AND b (bitwise product of 0/1 values). So whatever
/// the prover writes, every tuple a row can receive is one of the 2^16 true tuples the fixed table held, and a sent
/// tuple that is not (a wrong AND, a 17-bit "range16" value, a RANGE8 of 256) has no receiver and the bus cannot
/// balance. The multiplicities are free (unbounded) columns; the bus-count bound allows that only because every
/// received tuple is an expression of preprocessed columns, constants and asserted-boolean columns
/// (<see cref="MultiplicityBounds.HasFixedTuple{F}(Interaction{F}, IReadOnlyList{SymbolicExpression{F}})"/>): any
/// count of a true tuple is harmless. The table's height is the prover's choice, stated in the shard's header like
/// every table's; it is not constrained, since any height only holds true rows.
/// </para>
/// <para>
/// Sharding: every shard carries this table and balances its own lookups against it (the trace generator counts
/// exactly that shard's lookups), so the table stays correct if the lookup buses become local to a shard
/// (docs/zkvm.md, "Bus multiplicity bound").
/// </para>
/// </summary>
public sealed class ByteTable<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "bytes";

    /// <summary>Main columns: a's 8 bits, b's 8 bits, the Range16 multiplicity, the AND multiplicity.</summary>
    public int Width => 18;

    /// <summary>First main column of a's bits (least significant first); b's bits follow at <see cref="BBits"/>.</summary>
    public const int ABits = 0, BBits = 8;

    /// <summary>Main column of the Range16 multiplicities.</summary>
    public const int Range16Multiplicity = 16;

    /// <summary>Main column of the AND (and RANGE8) multiplicities.</summary>
    public const int AndMultiplicity = 17;

    /// <summary>The fewest rows the table has (a shard without lookups still carries two padding rows).</summary>
    public const int MinHeight = 2;

    /// <summary>The most rows the table needs: one per byte pair.</summary>
    public const int MaxHeight = 1 << MaxHeightLog;

    /// <summary>log2 of <see cref="MaxHeight"/>.</summary>
    public const int MaxHeightLog = 16;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var a = SymbolicExpression<F>.Zero;
        var b = SymbolicExpression<F>.Zero;
        var and = SymbolicExpression<F>.Zero;
        for (int i = 0; i < 8; i++)
        {
            // Booleans: a and b are then bytes, and Σ 2^i·a_i·b_i is their AND (see the class comment).
            builder.AssertBool(l[ABits + i]);
            builder.AssertBool(l[BBits + i]);
            var weight = F.FromUInt64(1UL << i);
            a += l[ABits + i] * weight;
            b += l[BBits + i] * weight;
            and += l[ABits + i] * l[BBits + i] * weight;
        }
        builder.Receive(ZkvmBus.Range16, [a * F.FromUInt64(256) + b], l[Range16Multiplicity]);
        builder.Receive(ZkvmBus.ByteAnd, [a, b, and], l[AndMultiplicity]);
    }

    /// <summary>Whether the pair (a, b) = (<paramref name="pair"/> ≫ 8, <paramref name="pair"/> AND 255) is looked up in <paramref name="counts"/>.</summary>
    private static bool Used(LookupCounts counts, int pair) => counts.Range16[pair] != 0 || counts.And[pair] != 0;

    /// <summary>The rows the table has for <paramref name="counts"/>: the used pairs rounded up to a power of two, at least <see cref="MinHeight"/>.</summary>
    public static int HeightFor(LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int used = 0;
        for (int pair = 0; pair < MaxHeight; pair++)
            if (Used(counts, pair))
                used++;
        return Math.Max(MinHeight, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(used, 1)));
    }

    /// <summary>The trace from the counts the chips gathered: one row per used pair, increasing, then (0, 0) padding rows.</summary>
    public RowMajorMatrix<F> GenerateTrace(LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var m = new RowMajorMatrix<F>(HeightFor(counts), Width);
        int r = 0;
        for (int pair = 0; pair < MaxHeight; pair++)
        {
            if (!Used(counts, pair))
                continue;
            // LookupCounts indexes a Range16 value x and an AND pair (a, b) the same way: x = a·2^8 + b.
            int a = pair >> 8, b = pair & 0xFF;
            for (int i = 0; i < 8; i++)
            {
                m[r, ABits + i] = (a >> i & 1) == 1 ? F.One : F.Zero;
                m[r, BBits + i] = (b >> i & 1) == 1 ? F.One : F.Zero;
            }
            m[r, Range16Multiplicity] = F.FromUInt64((ulong)counts.Range16[pair]);
            m[r, AndMultiplicity] = F.FromUInt64((ulong)counts.And[pair]);
            r++;
        }
        return m;
    }
}
