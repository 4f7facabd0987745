using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Zkvm.Input;

/// <summary>Columns and public values of <see cref="InputChunkAir"/>.</summary>
public static class InputChunkCols
{
    /// <summary>1 on the rows that absorb input (a prefix, the first row included), 0 on padding.</summary>
    public const int Real = 0;

    /// <summary>Pair index j of the row (input double words 2j and 2j + 1): the received value on the first row, +1 per row.</summary>
    public const int Pair = 1;

    /// <summary>1 on the first row only (the chain's receive).</summary>
    public const int First = 2;

    /// <summary>1 on the last real row only (the chain's send).</summary>
    public const int Last = 3;

    /// <summary>First row: Pair = lo + 2^16·hi, lo and hi 16-bit, hi ≤ 2^10 (so the received pair is below 2^26 + 2^16).</summary>
    public const int PairLo = 4, PairHi = 5;

    /// <summary>The embedded Poseidon2 permutation, as in <see cref="InputCommitCols.Permutation"/>: W inputs, …, W outputs.</summary>
    public const int Permutation = 6;

    /// <summary>Public values: f, 1 when this is the chain's last chunk (it sends the end tuple with the commitment).</summary>
    public const int PublicIsLastChunk = 0, PublicValueCount = 1;

    /// <summary>The largest pair a chunk may receive, hi's bound: 2^10 · 2^16 + 2^16 − 1 &lt; 2^26 + 2^16.</summary>
    public const ulong PairHiBound = 1 << 10;
}

/// <summary>
/// One chunk of the input commitment's sponge (<see cref="InputCommitAir"/> generalised) in an input-chunk shard of its own
/// (issue 14 piece (b); docs/design.md, "Boundary chunks"): rows absorb pairs of input double words exactly as the
/// natural chip's (the same permutation, the same rate limbs range-checked and sent on <see cref="ZkvmBus.InputValue"/> at
/// keys KeyBase + 2·pair + t), but the first row's pair index and capacity are received on <see cref="ZkvmBus.InputChain"/>
/// (multiplicity First) instead of being 0 and the public size, and the last real row sends (pair + 1, its output capacity)
/// there, or, with the public f = 1, the end tuple (K_END, the first D output elements, zeros to the tuple's length) with
/// K_END = <see cref="ZkvmBus.ChainEnd"/>. The verifier sends (0, size_lo, size_hi, 0, …) and receives (K_END, the claimed
/// commitment, 0, …).
/// <para>
/// Soundness. Each chunk receives once and sends once; the received pair a is below 2^26 + 2^16 (PairLo, PairHi range
/// checks on the first row), the chunk's rows carry a, a + 1, …, a + r − 1 (r ≤ 2^24 rows) and it sends a + r &lt; 2^28 or
/// K_END, all as integers below p, so along a chain edge the pair value strictly increases. The bus balances (far below p
/// bounded multiplicities, <see cref="Proving.ZkvmBusBudget"/>), so as for the memory chunks (<see cref="Memory.MemoryInitChunkAir{F}"/>)
/// the chunks form one path from the verifier's (0, size) tuple to its end tuple, without cycles: a chunk cannot receive
/// K_END (2^30 &gt; 2^26 + 2^16), exactly one chunk has f = 1, and every chunk is on the path. Along the path the pair
/// indices are 0, 1, …, R − 1 in order and the capacity is carried exactly (the received tuple is the previous chunk's
/// output capacity, the first is the size), so the path computes the natural chip's sponge over R pairs, whose first D
/// outputs must be the claimed commitment: another input, size, order or length is a Poseidon2 collision. Keys
/// KeyBase + 2·pair + t stay below KeyBase + 2^29 &lt; p, so they are the natural chip's keys and each must be received by
/// the one MemoryInit row of that key. A dropped, reordered or repeated chunk, or one with another capacity, unbalances the
/// bus (BoundaryChunkTests).
/// </para>
/// </summary>
public sealed class InputChunkAir : IAir<KoalaBear>
{
    private readonly Poseidon2Air<KoalaBearParameters> _perm;

    /// <summary>The chunk chip of a <paramref name="commitmentElements"/>-element commitment: 8 (width 16) or 12 (width 24).</summary>
    public InputChunkAir(int commitmentElements = 8)
    {
        _perm = commitmentElements switch
        {
            8 => new Poseidon2Air<KoalaBearParameters>(16),
            12 => new Poseidon2Air<KoalaBearParameters>(24),
            _ => throw new ArgumentOutOfRangeException(nameof(commitmentElements), commitmentElements, "the input commitment has 8 or 12 elements"),
        };
        CommitmentElements = commitmentElements;
    }

    /// <summary>Elements of the commitment (the configuration's digest length).</summary>
    public int CommitmentElements { get; }

    /// <summary>The permutation's width: 16 or 24.</summary>
    public int StateWidth => _perm.StateWidth;

    /// <summary>Elements of an <see cref="ZkvmBus.InputChain"/> tuple: the pair index and the capacity (W − 8).</summary>
    public int ChainTupleWidth => 1 + StateWidth - 8;

    public string Name => CommitmentElements == 8 ? "input-chunk" : $"input-chunk-{CommitmentElements}";

    public int Width => InputChunkCols.Permutation + _perm.Width;

    public int PublicValueCount => InputChunkCols.PublicValueCount;

    internal Poseidon2Air<KoalaBearParameters> Permutation => _perm;

    public void Eval(AirBuilder<KoalaBear> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var n = builder.Next;
        var one = SymbolicExpression<KoalaBear>.One;
        var real = l[InputChunkCols.Real];
        var first = l[InputChunkCols.First];
        var last = l[InputChunkCols.Last];
        var f = builder.PublicValues[InputChunkCols.PublicIsLastChunk];
        int inputs = InputChunkCols.Permutation;
        int outputs = InputChunkCols.Permutation + _perm.OutputColumn(0);
        int width = StateWidth;

        _perm.EvalPermutation(builder, InputChunkCols.Permutation);
        builder.AssertBool(real);
        builder.WhenFirstRow().AssertEq(real, one);
        builder.WhenTransition().AssertZero(n[InputChunkCols.Real] * (one - real));
        builder.AssertBool(first);
        builder.WhenFirstRow().AssertEq(first, one);
        builder.WhenTransition().AssertZero(n[InputChunkCols.First]);
        builder.AssertBool(last);
        builder.WhenTransition().AssertEq(last, real - n[InputChunkCols.Real]);
        builder.WhenLastRow().AssertEq(last, real);

        // Pair: received on the first row (bounded there), +1 per row.
        builder.WhenTransition().AssertEq(n[InputChunkCols.Pair], l[InputChunkCols.Pair] + one);
        builder.WhenFirstRow().AssertEq(l[InputChunkCols.Pair], l[InputChunkCols.PairLo] + l[InputChunkCols.PairHi] * Word.Constant<KoalaBear>(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[InputChunkCols.PairLo]], first);
        builder.Send(ZkvmBus.Range16, [l[InputChunkCols.PairHi]], first);
        builder.Send(ZkvmBus.Range16, [Word.Constant<KoalaBear>(InputChunkCols.PairHiBound) - l[InputChunkCols.PairHi]], first);

        // Capacity: received on the first row, the previous row's output afterwards (overwrite-mode sponge, as InputCommitAir).
        var chained = builder.WhenTransition().When(n[InputChunkCols.Real]);
        for (int k = 8; k < width; k++)
            chained.AssertEq(n[inputs + k], l[outputs + k]);
        builder.Receive(ZkvmBus.InputChain, [l[InputChunkCols.Pair], .. Enumerable.Range(8, width - 8).Select(k => l[inputs + k])], first);
        var sent = new List<SymbolicExpression<KoalaBear>>(ChainTupleWidth)
        {
            f * Word.Constant<KoalaBear>(ZkvmBus.ChainEnd) + (one - f) * (l[InputChunkCols.Pair] + one),
        };
        for (int k = 0; k < width - 8; k++)
            sent.Add(k < CommitmentElements ? f * l[outputs + k] + (one - f) * l[outputs + 8 + k] : (one - f) * l[outputs + 8 + k]);
        builder.Send(ZkvmBus.InputChain, sent, last);

        // The absorbed limbs are the words memory starts with: canonical 16-bit limbs, sent with their keys.
        for (int k = 0; k < 8; k++)
            builder.Send(ZkvmBus.Range16, [l[inputs + k]], real);
        for (int t = 0; t < 2; t++)
        {
            var key = Word.Constant<KoalaBear>(InputCommitAir.KeyBase + (ulong)t) + l[InputChunkCols.Pair] * Word.Constant<KoalaBear>(2);
            builder.Send(ZkvmBus.InputValue, [key, l[inputs + 4 * t], l[inputs + 4 * t + 1], l[inputs + 4 * t + 2], l[inputs + 4 * t + 3]], real);
        }
    }
}
