using System.Numerics;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>
/// A hash output of <see cref="Length"/> field elements, and with it the whole hash construction that produces
/// it: the sponge (width 2·Length, rate Length, capacity Length), the 2-to-1 compression (the width-2·Length
/// permutation truncated to Length) and the Fiat–Shamir transcript (width 2·Length, rate Length) all run on
/// <see cref="Permutation"/>. One parameter thus fixes the digest, the capacity and the permutation, so a
/// configuration cannot pair a wide digest with a narrow transcript. Implementations are fixed-size inline
/// structs; generic code specialised on them sees <see cref="Length"/> as a constant (docs/design.md, "Digest").
/// </summary>
public interface IDigest<TSelf, TParams> : IEquatable<TSelf>, IEqualityOperators<TSelf, TSelf, bool>
    where TSelf : struct, IDigest<TSelf, TParams>
    where TParams : struct, IMontyParameters
{
    /// <summary>Elements in one digest (8 or 12).</summary>
    static abstract int Length { get; }

    /// <summary>The Poseidon2 permutation of width 2·<see cref="Length"/> behind the sponge, compression and transcript.</summary>
    static abstract Poseidon2<TParams> Permutation { get; }

    /// <summary>The elements (a view of the value, no copy).</summary>
    ReadOnlySpan<MontyField31<TParams>> Elements { get; }

    /// <summary>A digest from exactly <see cref="Length"/> elements.</summary>
    static abstract TSelf FromElements(ReadOnlySpan<MontyField31<TParams>> elements);

    /// <summary>A digest from <see cref="Length"/> canonical values (each &lt; p).</summary>
    static abstract TSelf FromCanonical(ReadOnlySpan<uint> canonical);

    /// <summary>The canonical values of the elements.</summary>
    uint[] ToCanonical();
}

/// <summary>Helpers shared by the digest types.</summary>
public static class Digests
{
    /// <summary>The widest digest (<see cref="WideDigest{TParams}"/>) and the widest sponge state behind one.</summary>
    public const int MaxLength = 12, MaxWidth = 2 * MaxLength;

    /// <summary>Reinterprets digests as their Montgomery words (Length per digest, no copy).</summary>
    internal static Span<uint> AsWords<TDigest>(Span<TDigest> digests) where TDigest : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<TDigest, uint>(digests);

    /// <inheritdoc cref="AsWords{TDigest}(Span{TDigest})"/>
    internal static ReadOnlySpan<uint> AsWords<TDigest>(ReadOnlySpan<TDigest> digests) where TDigest : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<TDigest, uint>(digests);

    /// <summary>
    /// Copies one digest's Montgomery words into <paramref name="destination"/>. (A copy, not a view: an interface
    /// call on an <c>in</c> parameter of a generic struct works on a defensive copy, which a view would outlive.)
    /// </summary>
    internal static void CopyWords<TDigest, TParams>(in TDigest digest, Span<uint> destination)
        where TDigest : struct, IDigest<TDigest, TParams> where TParams : struct, IMontyParameters =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<MontyField31<TParams>, uint>(digest.Elements).CopyTo(destination);

    /// <summary>Checks a digest type's layout: Length words, nothing else (what the word views rely on).</summary>
    internal static void CheckLayout<TDigest, TParams>()
        where TDigest : struct, IDigest<TDigest, TParams> where TParams : struct, IMontyParameters
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<TDigest>() != 4 * TDigest.Length || TDigest.Length > MaxLength
            || TDigest.Permutation.Width != 2 * TDigest.Length)
            throw new InvalidOperationException($"{typeof(TDigest).Name}: a digest must be {TDigest.Length} words hashed by a width-{2 * TDigest.Length} permutation");
    }
}
