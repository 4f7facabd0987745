namespace Prover.Core.Hash;

/// <summary>
/// A permutation of a fixed-width array of field elements. The one required member is
/// <see cref="Permute"/>; <see cref="PermuteMany"/> has a default loop that implementations replace
/// with a faster batched (SIMD, multi-threaded) version.
/// </summary>
public interface IPermutation<T> where T : struct
{
    /// <summary>Number of elements in one state.</summary>
    int Width { get; }

    /// <summary>Permutes <paramref name="state"/> in place; its length must be <see cref="Width"/>.</summary>
    void Permute(Span<T> state);

    /// <summary>
    /// Permutes <c>states.Length / Width</c> independent states stored one after another
    /// (state k is <c>states[k·Width .. (k+1)·Width]</c>).
    /// </summary>
    void PermuteMany(Span<T> states)
    {
        int w = Width;
        if (states.Length % w != 0)
            throw new ArgumentException($"{states.Length} elements are not a whole number of width-{w} states", nameof(states));
        for (int i = 0; i < states.Length; i += w)
            Permute(states.Slice(i, w));
    }
}

/// <summary>
/// Marker for permutations meant to be cryptographic (used by sponges, compression functions and
/// transcripts), as opposed to arbitrary linear maps.
/// </summary>
public interface ICryptographicPermutation<T> : IPermutation<T> where T : struct
{
}
