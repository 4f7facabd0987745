using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.Input;

/// <summary>Columns and public values of <see cref="InputCommitAir"/>.</summary>
public static class InputCommitCols
{
    /// <summary>1 on the rows that absorb input (a prefix), 0 on padding.</summary>
    public const int Real = 0;

    /// <summary>Row index j: the row absorbs input double words 2j and 2j + 1.</summary>
    public const int Pair = 1;

    /// <summary>
    /// The embedded Poseidon2 permutation: its W inputs first (8 limbs of the two double words, then the W − 8 capacity
    /// elements), its W outputs last (W = 16 for an 8-element commitment, 24 for a 12-element one).
    /// </summary>
    public const int Permutation = 2;

    /// <summary>Public values: input size (lo, hi 16-bit pieces), then the commitment (8 or 12 elements).</summary>
    public const int PublicSizeLo = 0, PublicSizeHi = 1, PublicCommitment = 2;

    /// <summary>The public values of the 8-element commitment's chip (<see cref="PublicValueCountFor"/>(8)).</summary>
    public const int PublicValueCount = 10;

    /// <summary>The public values of the chip whose commitment has <paramref name="commitmentElements"/> elements.</summary>
    public static int PublicValueCountFor(int commitmentElements) => PublicCommitment + commitmentElements;
}

/// <summary>
/// The private input's commitment (docs/zkvm.md, "Input"): a Poseidon2 sponge over the input region's
/// double words, two per row (8 limbs of 16 bits = the rate), with the input size in the first capacity
/// elements; the commitment is the first D output elements after the last absorption
/// (<see cref="InputCommitment.Compute"/> computes it natively). D is the configuration's digest length: width-16
/// Poseidon2 and D = 8 under 8-element digests (capacity 8), width-24 Poseidon2 and D = 12 under 12-element digests
/// (capacity 16), so the input is bound as strongly as every other hash of a 128-bit proof. Each row also sends its two double words
/// (key, limbs) on <see cref="ZkvmBus.InputValue"/>, where the bound MemoryInit receives them.
/// <para>
/// Soundness: every row's permutation columns are forced by the embedded Poseidon2 constraints; the rate
/// inputs are the sent limbs (the same cells), range-checked, so the hashed words are exactly the words
/// memory starts with; the capacity chains row to row and starts with the public size; the last real row's
/// output is the public commitment. Keys are InputBase/8 + 2j + t with j counting from 0, so the sent keys
/// are distinct and each must be received by the one MemoryInit row of that key. A prover who absorbs other
/// words, fewer or more rows, or another size gets another commitment (Poseidon2 collision resistance),
/// which the verifier compares with the input's. The words beyond the input's end in the last row are part
/// of the canonical commitment (zero) and sit at keys the machine cannot access.
/// </para>
/// </summary>
public sealed class InputCommitAir : IAir<KoalaBear>
{
    private readonly Poseidon2Air<KoalaBearParameters> _perm;

    /// <summary>The 8-element commitment's chip (width-16 Poseidon2).</summary>
    public InputCommitAir() : this(8)
    {
    }

    /// <summary>The chip of a <paramref name="commitmentElements"/>-element commitment: 8 (width 16) or 12 (width 24).</summary>
    public InputCommitAir(int commitmentElements)
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

    /// <summary>Memory key of the input's first double word.</summary>
    public static readonly ulong KeyBase = MemoryArgument.RamKey(MemoryMap.InputBase);

    public string Name => CommitmentElements == 8 ? "input-commit" : $"input-commit-{CommitmentElements}";

    public int Width => InputCommitCols.Permutation + _perm.Width;

    public int PublicValueCount => InputCommitCols.PublicValueCountFor(CommitmentElements);

    internal Poseidon2Air<KoalaBearParameters> Permutation => _perm;

    public void Eval(AirBuilder<KoalaBear> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var n = builder.Next;
        var pub = builder.PublicValues;
        var one = SymbolicExpression<KoalaBear>.One;
        var real = l[InputCommitCols.Real];
        int inputs = InputCommitCols.Permutation;
        int outputs = InputCommitCols.Permutation + _perm.OutputColumn(0);

        _perm.EvalPermutation(builder, InputCommitCols.Permutation);
        builder.AssertBool(real);
        // Real rows are a prefix and the first row is real (an empty input still absorbs one row of zeros).
        builder.WhenFirstRow().AssertEq(real, one);
        builder.WhenTransition().AssertZero(n[InputCommitCols.Real] * (one - real));

        // Row counter: 0 on the first row, +1 per row, so keys 2j + t are distinct.
        builder.WhenFirstRow().AssertZero(l[InputCommitCols.Pair]);
        builder.WhenTransition().AssertEq(n[InputCommitCols.Pair], l[InputCommitCols.Pair] + one);

        // Capacity (every element past the 8-limb rate): the size on the first row, the previous output afterwards
        // (overwrite-mode sponge). Width 24 chains all 16 capacity elements, so nothing of the state escapes the chain.
        int width = StateWidth;
        var first = builder.WhenFirstRow();
        first.AssertEq(l[inputs + 8], pub[InputCommitCols.PublicSizeLo]);
        first.AssertEq(l[inputs + 9], pub[InputCommitCols.PublicSizeHi]);
        for (int k = 10; k < width; k++)
            first.AssertZero(l[inputs + k]);
        var chained = builder.WhenTransition().When(n[InputCommitCols.Real]);
        for (int k = 8; k < width; k++)
            chained.AssertEq(n[inputs + k], l[outputs + k]);

        // The last real row's first D outputs are the commitment (at width 24 the rate's 8 and 4 capacity elements: every
        // one is pinned, so a changed 9th–12th element is a different public value).
        var endT = builder.WhenTransition().When(real - n[InputCommitCols.Real]);
        var endL = builder.WhenLastRow().When(real);
        foreach (var end in new[] { endT, endL })
            for (int k = 0; k < CommitmentElements; k++)
                end.AssertEq(l[outputs + k], pub[InputCommitCols.PublicCommitment + k]);

        // The absorbed limbs are the words memory starts with: canonical 16-bit limbs, sent with their keys.
        for (int k = 0; k < 8; k++)
            builder.Send(ZkvmBus.Range16, [l[inputs + k]], real);
        for (int t = 0; t < 2; t++)
        {
            var key = Word.Constant<KoalaBear>(KeyBase + (ulong)t) + l[InputCommitCols.Pair] * Word.Constant<KoalaBear>(2);
            builder.Send(ZkvmBus.InputValue, [key, l[inputs + 4 * t], l[inputs + 4 * t + 1], l[inputs + 4 * t + 2], l[inputs + 4 * t + 3]], real);
        }
    }
}
