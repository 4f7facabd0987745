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

    /// <summary>The embedded Poseidon2 permutation: its 16 inputs first (limbs of the two double words, then the capacity), its 16 outputs last.</summary>
    public const int Permutation = 2;

    /// <summary>Public values: input size (lo, hi 16-bit pieces), then the 8-element commitment.</summary>
    public const int PublicSizeLo = 0, PublicSizeHi = 1, PublicCommitment = 2, PublicValueCount = 10;
}

/// <summary>
/// The private input's commitment (docs/zkvm.md, "Input"): a Poseidon2 sponge over the input region's
/// double words, two per row (8 limbs of 16 bits = the rate), with the input size in the first capacity
/// elements; the commitment is the first 8 output elements after the last absorption
/// (<see cref="InputCommitment.Compute"/> computes it natively). Each row also sends its two double words
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
    private readonly Poseidon2Air<KoalaBearParameters> _perm = new();

    /// <summary>Memory key of the input's first double word.</summary>
    public static readonly ulong KeyBase = MemoryArgument.RamKey(MemoryMap.InputBase);

    public string Name => "input-commit";

    public int Width => InputCommitCols.Permutation + _perm.Width;

    public int PublicValueCount => InputCommitCols.PublicValueCount;

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

        // Capacity: the size on the first row, the previous output afterwards (overwrite-mode sponge).
        var first = builder.WhenFirstRow();
        first.AssertEq(l[inputs + 8], pub[InputCommitCols.PublicSizeLo]);
        first.AssertEq(l[inputs + 9], pub[InputCommitCols.PublicSizeHi]);
        for (int k = 10; k < 16; k++)
            first.AssertZero(l[inputs + k]);
        var chained = builder.WhenTransition().When(n[InputCommitCols.Real]);
        for (int k = 8; k < 16; k++)
            chained.AssertEq(n[inputs + k], l[outputs + k]);

        // The last real row's rate output is the commitment.
        var endT = builder.WhenTransition().When(real - n[InputCommitCols.Real]);
        var endL = builder.WhenLastRow().When(real);
        foreach (var end in new[] { endT, endL })
            for (int k = 0; k < 8; k++)
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
