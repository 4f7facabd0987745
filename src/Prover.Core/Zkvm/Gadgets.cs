using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm;

/// <summary>64-bit words as four 16-bit limbs, little-endian (docs/zkvm.md, "Words and limbs").</summary>
public static class Word
{
    public const int Limbs = 4;

    public static ulong Limb(ulong w, int i) => (w >> (16 * i)) & 0xFFFF;

    public static ulong Byte(ulong w, int i) => (w >> (8 * i)) & 0xFF;

    /// <summary>Writes the limbs of <paramref name="w"/> to row[offset..offset + 4).</summary>
    public static void Write<F>(Span<F> row, int offset, ulong w) where F : struct, IField<F>
    {
        for (int i = 0; i < Limbs; i++)
            row[offset + i] = F.FromUInt64(Limb(w, i));
    }

    /// <summary>Height of a chip trace for <paramref name="rows"/> real rows: the next power of two, at least 2.</summary>
    public static int TraceHeight(int rows) => Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(rows, 1)));

    public static SymbolicExpression<F> Constant<F>(ulong x) where F : struct, IField<F> => SymbolicExpression<F>.FromConstant(F.FromUInt64(x));
}

/// <summary>Helpers the ALU chips share.</summary>
public static class AluChip
{
    /// <summary>
    /// Receives (opcode, a0..a3, b0..b3, c0..c3) on the <see cref="ZkvmBus.Alu"/> bus with multiplicity
    /// <paramref name="real"/> (a row's "real" flag: the sum of its boolean opcode selectors).
    /// </summary>
    public static void ReceiveAlu<F>(AirBuilder<F> builder, SymbolicExpression<F> opcode,
        IReadOnlyList<SymbolicExpression<F>> a, IReadOnlyList<SymbolicExpression<F>> b, IReadOnlyList<SymbolicExpression<F>> c,
        SymbolicExpression<F> real)
        where F : struct, IField<F>
    {
        var tuple = new List<SymbolicExpression<F>>(ZkvmBus.AluTupleWidth) { opcode };
        tuple.AddRange(a);
        tuple.AddRange(b);
        tuple.AddRange(c);
        builder.Receive(ZkvmBus.Alu, tuple, real);
    }

    /// <summary>
    /// Boolean opcode selectors at columns [offset, offset + opcodes.Length): each is asserted boolean
    /// and so is their sum, the row's "real" flag (1 on rows that receive an ALU tuple, 0 on padding).
    /// Returns (real, opcode = Σ selector·opcode). Soundness: with booleans whose sum is boolean, at
    /// most one selector is set, so the opcode is exactly the opcode of that selector (or 0 with
    /// multiplicity 0).
    /// </summary>
    public static (SymbolicExpression<F> Real, SymbolicExpression<F> Opcode) Selectors<F>(AirBuilder<F> builder, int offset, ReadOnlySpan<Opcode> opcodes)
        where F : struct, IField<F>
    {
        var real = SymbolicExpression<F>.Zero;
        var opcode = SymbolicExpression<F>.Zero;
        for (int i = 0; i < opcodes.Length; i++)
        {
            var s = builder.Local[offset + i];
            builder.AssertBool(s);
            real += s;
            opcode += s * Word.Constant<F>((ulong)opcodes[i]);
        }
        builder.AssertBool(real);
        return (real, opcode);
    }

    /// <summary>Sum of the selectors of the given opcodes.</summary>
    public static SymbolicExpression<F> Any<F>(AirBuilder<F> builder, int offset, ReadOnlySpan<Opcode> all, params ReadOnlySpan<Opcode> which)
        where F : struct, IField<F>
    {
        var sum = SymbolicExpression<F>.Zero;
        foreach (var op in which)
            sum += builder.Local[offset + all.IndexOf(op)];
        return sum;
    }

    /// <summary>Sets the selector of <paramref name="op"/> in a trace row.</summary>
    public static void SetSelector<F>(Span<F> row, int offset, ReadOnlySpan<Opcode> all, Opcode op) where F : struct, IField<F>
    {
        int i = all.IndexOf(op);
        if (i < 0)
            throw new ArgumentException($"opcode {op} does not belong to this chip", nameof(op));
        row[offset + i] = F.One;
    }

    /// <summary>A zero trace of the chip's height for <paramref name="rows"/> events.</summary>
    public static RowMajorMatrix<F> NewTrace<F>(int rows, int width) where F : struct, IField<F> => new(Word.TraceHeight(rows), width);

    /// <summary>Writes one trace row for one event and counts its lookups.</summary>
    public delegate void RowPopulator<F>(Span<F> row, AluEvent e, LookupCounts counts) where F : struct, IField<F>;

    /// <summary>Rows per parallel chunk of trace generation.</summary>
    private const int ChunkRows = 1 << 12;

    /// <summary>
    /// A trace of <paramref name="width"/> columns with one row per event (written by
    /// <paramref name="populate"/> in parallel chunks: rows are independent, and each worker counts into its own collector)
    /// and zero padding rows, which satisfy every ALU chip's constraints and send nothing.
    /// </summary>
    public static RowMajorMatrix<F> Generate<F>(IReadOnlyList<AluEvent> events, int width, LookupCounts counts, RowPopulator<F> populate)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(populate);
        var trace = NewTrace<F>(events.Count, width);
        int chunks = (events.Count + ChunkRows - 1) / ChunkRows;
        void Chunk(int chunk, LookupCounts into)
        {
            int end = Math.Min(events.Count, (chunk + 1) * ChunkRows);
            for (int r = chunk * ChunkRows; r < end; r++)
                populate(trace.Row(r), events[r], into);
        }
        if (chunks <= 1)
        {
            for (int c = 0; c < chunks; c++)
                Chunk(c, counts);
        }
        else
        {
            LookupCounts.For(0, chunks, counts, Chunk);
        }
        return trace;
    }
}

/// <summary>
/// Top bit of a 16-bit limb (gadget: <see cref="Populate"/> for the witness, <see cref="Eval"/> for the
/// constraints). The limb must already be known to be in [0, 2^16).
/// </summary>
public static class SignBitGadget
{
    /// <summary>
    /// s is boolean and 2·limb − 2^16·s is sent to Range16 with <paramref name="multiplicity"/>.
    /// Soundness: with limb ∈ [0, 2^16), 2·limb − 2^16·s is an integer in (−2^16, 2^17); it lies in
    /// [0, 2^16) (as an integer, hence as a field element: p > 2^17) exactly when s = limb's bit 15.
    /// If s = 1 and limb &lt; 2^15 the value is negative, i.e. p − k with p − k ≥ 2^16; if s = 0 and
    /// limb ≥ 2^15 it is ≥ 2^16.
    /// </summary>
    public static void Eval<F>(AirBuilder<F> builder, SymbolicExpression<F> limb, SymbolicExpression<F> sign, SymbolicExpression<F> multiplicity)
        where F : struct, IField<F>
    {
        builder.AssertBool(sign);
        builder.Send(ZkvmBus.Range16, [limb * Word.Constant<F>(2) - sign * Word.Constant<F>(1 << 16)], multiplicity);
    }

    /// <summary>Returns the sign bit and counts the lookup.</summary>
    public static ulong Populate(ulong limb, LookupCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ulong s = (limb >> 15) & 1;
        counts.AddRange16(2 * limb - (s << 16));
        return s;
    }
}
