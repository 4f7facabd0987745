using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Zkvm.Memory;

/// <summary>
/// Columns of <see cref="MemoryInitChunkAir{F}"/>: the bound MemoryInit's (<see cref="MemoryBoundaryCols"/>) followed by the
/// chain columns.
/// </summary>
public static class MemoryChunkCols
{
    /// <summary>1 on the first row only.</summary>
    public const int First = 0 + Offset;

    /// <summary>1 on the last real row only.</summary>
    public const int Last = 1 + Offset;

    /// <summary>The value received on <see cref="ZkvmBus.KeyChain"/> (first row; the previous chunk's last key + 1, or the verifier's 0).</summary>
    public const int Prev = 2 + Offset;

    /// <summary>First row: first key − <see cref="Prev"/> = gap_lo + 2^16·gap_hi.</summary>
    public const int StartGapLo = 3 + Offset, StartGapHi = 4 + Offset;

    private const int Offset = 13;

    public static readonly int Width = MemoryBoundaryCols.Width + 5;

    /// <summary>Public values: f, 1 when this is the last chunk of the chain (it sends <see cref="ZkvmBus.ChainEnd"/>).</summary>
    public const int PublicIsLastChunk = 0, PublicValueCount = 1;

    static MemoryChunkCols()
    {
        if (MemoryBoundaryCols.Width != Offset)
            throw new InvalidOperationException("the chain columns follow the memory boundary's");
    }
}

/// <summary>
/// One chunk of the whole execution's bound memory initialisation, in a memory-chunk shard of its own (issue 14 piece (b);
/// docs/design.md, "Boundary chunks"): the bound <see cref="MemoryInitAir{F}"/> (keys strictly increasing within the chunk,
/// each value from the image, the input or zero, produced at ts 0) over one contiguous run of the sorted keys, plus a
/// chain on <see cref="ZkvmBus.KeyChain"/> that makes the chunks' key ranges disjoint across the execution.
/// <para>
/// The chain: the first row is real and receives a value a (column Prev, multiplicity First: 1 on the first row only) with
/// first key − a = gap_lo + 2^16·gap_hi, gap_lo and gap_hi in Range16 and gap_hi ≤ 2^13 + 1 (Range16 of 2^13 + 1 − gap_hi),
/// so gap &lt; 2^29 + 2^17; the last real row (Last: real − real' on transitions, real on the last row) sends
/// b = f·K_END + (1 − f)·(last key + 1) with K_END = <see cref="ZkvmBus.ChainEnd"/> = 2^30 and f a public value the verifier
/// checks boolean. The verifier sends (0) and receives (K_END) once.
/// </para>
/// <para>
/// Why every key is initialised at most once over the whole execution (the memory argument's premise): keys are below
/// 2^29 + 2^17 (the sorted-keys gadget), so a + gap = key holds over the integers whenever a is a value anyone sends
/// (0, a key + 1 ≤ 2^29 + 2^17, or K_END: K_END + gap &lt; 2^30 + 2^29 + 2^17 &lt; p): a ≤ first key, and a = K_END is
/// impossible (it would need a key ≥ 2^30). Each chunk receives once and sends once. The bus balances (multiplicities stay
/// far below p, <see cref="Proving.ZkvmBusBudget"/>), so the multiset of sent values (the verifier's 0 and every chunk's b)
/// equals the received one (the verifier's K_END and every chunk's a). Match each chunk's received a with an equal sent
/// value: its predecessor is the verifier's 0 or a chunk whose b = a ≤ its own first key, i.e. a chunk whose keys all lie
/// below this one's; each chunk with f = 0 is so matched as a predecessor at most once. Values strictly increase along
/// these edges, so there is no cycle; K_END is received once (by the verifier) and by no chunk, so exactly one chunk sends
/// it (f = 1), and every chunk lies on the one path 0 → c₁ → c₂ → … → K_END. Along it the key ranges are disjoint and
/// ascending, so no key has two Init rows anywhere. A duplicated key in two chunks, a chunk out of order, f = 1 on two
/// chunks or on none, or a dropped chunk all leave the bus unbalanced (BoundaryChunkTests).
/// </para>
/// </summary>
public sealed class MemoryInitChunkAir<F> : IAir<F> where F : struct, IField<F>
{
    private readonly MemoryInitAir<F> _init = new(bindToInitialValues: true);

    public string Name => "memory-init-chunk";

    public int Width => MemoryChunkCols.Width;

    public int PublicValueCount => MemoryChunkCols.PublicValueCount;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _init.Eval(builder);
        var l = builder.Local;
        var n = builder.Next;
        var one = SymbolicExpression<F>.One;
        var real = l[MemoryBoundaryCols.Real];
        var first = l[MemoryChunkCols.First];
        var last = l[MemoryChunkCols.Last];
        var f = builder.PublicValues[MemoryChunkCols.PublicIsLastChunk];
        var key = SortedKeysGadget.Key(l);
        // A chunk has at least one key: its first row is real.
        builder.WhenFirstRow().AssertEq(real, one);
        // First: 1 on the first row, 0 on every other (asserted boolean for the bus budget's multiplicity bound).
        builder.AssertBool(first);
        builder.WhenFirstRow().AssertEq(first, one);
        builder.WhenTransition().AssertZero(n[MemoryChunkCols.First]);
        // Last: 1 exactly on the last real row (real rows are a prefix, the first row is real).
        builder.AssertBool(last);
        builder.WhenTransition().AssertEq(last, real - n[MemoryBoundaryCols.Real]);
        builder.WhenLastRow().AssertEq(last, real);
        // The received value lies at most 2^29 + 2^17 below the first key (see the class comment).
        var gapLo = l[MemoryChunkCols.StartGapLo];
        var gapHi = l[MemoryChunkCols.StartGapHi];
        builder.WhenFirstRow().AssertEq(key, l[MemoryChunkCols.Prev] + gapLo + gapHi * Word.Constant<F>(1 << 16));
        builder.Send(ZkvmBus.Range16, [gapLo], first);
        builder.Send(ZkvmBus.Range16, [gapHi], first);
        builder.Send(ZkvmBus.Range16, [Word.Constant<F>(MemoryArgument.KeyHiBound) - gapHi], first);
        builder.Receive(ZkvmBus.KeyChain, [l[MemoryChunkCols.Prev]], first);
        builder.Send(ZkvmBus.KeyChain, [f * Word.Constant<F>(ZkvmBus.ChainEnd) + (one - f) * (key + one)], last);
    }
}
