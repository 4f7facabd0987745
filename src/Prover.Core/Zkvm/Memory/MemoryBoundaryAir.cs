using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Memory;

/// <summary>Columns of <see cref="MemoryInitAir{F}"/> and <see cref="MemoryFinalAir{F}"/> (one row per key, keys strictly increasing).</summary>
public static class MemoryBoundaryCols
{
    /// <summary>The computed layout: the fields below, in declaration order (static initialisers run in textual order).</summary>
    public static ColumnLayout Layout { get; } = new();

    /// <summary>1 on the rows holding a key (a prefix of the table), 0 on padding.</summary>
    public static readonly int Real = Layout.Add("Real");
    public static readonly int KeyLo = Layout.Add("KeyLo");
    public static readonly int KeyHi = Layout.Add("KeyHi");
    /// <summary>Value limbs v0..v3.</summary>
    public static readonly int Value = Layout.Word("Value");
    public static readonly int TsLo = Layout.Add("TsLo");
    public static readonly int TsHi = Layout.Add("TsHi");
    /// <summary>key − previous row's key − 1 = d_lo + 2^16·d_hi (unused on the first row).</summary>
    public static readonly int GapLo = Layout.Add("GapLo");
    public static readonly int GapHi = Layout.Add("GapHi");
    /// <summary>Bound-init mode only: 1 when the row's value is a verifier-known initial value (received on <see cref="ZkvmBus.InitialValue"/>), 0 when it is zero.</summary>
    public static readonly int Bound = Layout.Add("Bound");
    /// <summary>Bound-init mode only: 1 when the row's value is an input double word (received on <see cref="ZkvmBus.InputValue"/> from the input-commitment chip).</summary>
    public static readonly int FromInput = Layout.Add("FromInput");
    public static readonly int Width = Layout.Width;
}

/// <summary>
/// Shared constraints of the memory boundary tables: a prefix of real rows whose keys are strictly
/// increasing.
/// <para>
/// Soundness (key uniqueness): every real key has key_hi ∈ [0, 2^13 + 1] (Range16 on key_hi and on
/// 2^13 + 1 − key_hi) and key_lo ∈ [0, 2^16), so key &lt; 2^29 + 2^17 as an integer. Between consecutive
/// real rows key' = key + 1 + gap with gap = d_lo + 2^16·d_hi, d_lo &lt; 2^16 and d_hi &lt; 2^14 (Range16 on d_hi
/// and 4·d_hi), so gap &lt; 2^30. Then key + 1 + gap &lt; 2^29 + 2^17 + 2^30 &lt; p = 2^31 − 2^24 + 1, so the
/// equation, which holds modulo p between two integers below p, holds over the integers: key' &gt; key.
/// Real rows form a prefix (real' ≤ real), so the chain of inequalities covers every real row and no key
/// appears twice. (The cyclic wrap from the last row to the first is not constrained: transition only.)
/// </para>
/// </summary>
public static class SortedKeysGadget
{
    public static SymbolicExpression<F> Key<F>(IReadOnlyList<SymbolicExpression<F>> row) where F : struct, IField<F> =>
        row[MemoryBoundaryCols.KeyLo] + row[MemoryBoundaryCols.KeyHi] * Word.Constant<F>(1 << 16);

    public static void Eval<F>(AirBuilder<F> builder) where F : struct, IField<F>
    {
        var local = builder.Local;
        var next = builder.Next;
        var real = local[MemoryBoundaryCols.Real];
        builder.AssertBool(real);
        // Real rows are a prefix: a real row never follows a padding row.
        builder.WhenTransition().AssertZero(next[MemoryBoundaryCols.Real] * (SymbolicExpression<F>.One - real));
        // Strict increase between consecutive real rows (the next row carries the gap).
        var gap = next[MemoryBoundaryCols.GapLo] + next[MemoryBoundaryCols.GapHi] * Word.Constant<F>(1 << 16);
        builder.WhenTransition().When(next[MemoryBoundaryCols.Real]).AssertEq(Key(next), Key(local) + SymbolicExpression<F>.One + gap);
        builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.KeyLo]], real);
        builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.KeyHi]], real);
        builder.Send(ZkvmBus.Range16, [Word.Constant<F>(MemoryArgument.KeyHiBound) - local[MemoryBoundaryCols.KeyHi]], real);
        builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.GapLo]], real);
        builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.GapHi]], real);
        builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.GapHi] * Word.Constant<F>(4)], real);
    }

    public static SymbolicExpression<F>[] Value<F>(IReadOnlyList<SymbolicExpression<F>> row) where F : struct, IField<F> =>
        [.. Enumerable.Range(0, Word.Limbs).Select(i => row[MemoryBoundaryCols.Value + i])];
}

/// <summary>
/// Produces (key, value, ts) on the memory bus once per key, keys strictly increasing (so at most one
/// initial tuple per key).
/// <para>
/// Free mode (<c>bindToInitialValues: false</c>, the standalone chip tests): values and timestamps are
/// whatever the prover puts there; every produced piece is range-checked (value limbs and ts pieces
/// Range16, ts &lt; 2^32), so this proves consistency <i>given</i> the initial memory.
/// </para>
/// <para>
/// Bound mode (the zkVM's one memory boundary of a whole execution, docs/zkvm.md "Memory argument"):
/// ts = 0 on every row, and each value is either received on <see cref="ZkvmBus.InitialValue"/> (Bound = 1)
/// or zero. The verifier itself sends one (key, value) tuple on that bus for every non-zero double word of
/// the program image and every non-zero initial register, each exactly once; rows with FromInput = 1
/// receive (key, value) on <see cref="ZkvmBus.InputValue"/>, which the input-commitment chip sends once for
/// every double word of the (private) input it hashed. Soundness: a Bound or FromInput row's (key, value)
/// must equal a tuple that was sent; every sent tuple must be received by some such row (the bus
/// balances), and keys are unique, so an image/input/register key's row carries exactly its known or
/// committed value and no zero row can shadow it; every other key starts at zero, which is what the
/// machine's RAM holds. No range checks are needed: the verifier's limbs are canonical (it splits 64-bit
/// words), the input chip range-checks what it sends, zero is canonical, and ts is the constant 0.
/// </para>
/// </summary>
public sealed class MemoryInitAir<F>(bool bindToInitialValues = false) : IAir<F> where F : struct, IField<F>
{
    public string Name => bindToInitialValues ? "memory-init-bound" : "memory-init";

    public int Width => MemoryBoundaryCols.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SortedKeysGadget.Eval(builder);
        var local = builder.Local;
        var real = local[MemoryBoundaryCols.Real];
        var value = SortedKeysGadget.Value(local);
        var key = SortedKeysGadget.Key(local);
        if (bindToInitialValues)
        {
            var bound = local[MemoryBoundaryCols.Bound];
            var fromInput = local[MemoryBoundaryCols.FromInput];
            builder.AssertBool(bound);
            builder.AssertBool(fromInput);
            // Only real rows may receive (a padding row's receive would be a free extra receive), and at most one source.
            builder.AssertZero(bound * (SymbolicExpression<F>.One - real));
            builder.AssertZero(fromInput * (SymbolicExpression<F>.One - real));
            builder.AssertZero(bound * fromInput);
            // Real rows with neither source hold zero.
            foreach (var limb in value)
                builder.AssertZero((real - bound - fromInput) * limb);
            builder.AssertZero(local[MemoryBoundaryCols.TsLo]);
            builder.AssertZero(local[MemoryBoundaryCols.TsHi]);
            builder.Receive(ZkvmBus.InitialValue, [key, .. value], bound);
            builder.Receive(ZkvmBus.InputValue, [key, .. value], fromInput);
        }
        else
        {
            // Produced limbs and ts pieces must be canonical 16-bit pieces: consumers rely on it (TimestampGadget).
            foreach (var limb in value)
                builder.Send(ZkvmBus.Range16, [limb], real);
            builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.TsLo]], real);
            builder.Send(ZkvmBus.Range16, [local[MemoryBoundaryCols.TsHi]], real);
        }
        MemoryArgument.Produce(builder, key, value, local[MemoryBoundaryCols.TsLo], local[MemoryBoundaryCols.TsHi], real);
    }
}

/// <summary>
/// Consumes (key, final value, final ts) from the memory bus for every key the shard touches, keys
/// strictly increasing. Nothing else is range-checked: each consumed tuple must equal a produced one,
/// whose producer range-checked it.
/// </summary>
public sealed class MemoryFinalAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "memory-final";

    public int Width => MemoryBoundaryCols.Width;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SortedKeysGadget.Eval(builder);
        var local = builder.Local;
        MemoryArgument.Consume(builder, SortedKeysGadget.Key(local), SortedKeysGadget.Value(local),
            local[MemoryBoundaryCols.TsLo], local[MemoryBoundaryCols.TsHi], local[MemoryBoundaryCols.Real]);
    }
}
