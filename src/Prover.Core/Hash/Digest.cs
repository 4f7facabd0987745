using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>Storage of a digest: 8 Montgomery words, inline (32 bytes, no indirection).</summary>
[InlineArray(Digest<KoalaBearParameters>.Length)]
internal struct DigestWords
{
    private uint _w0;
}

/// <summary>
/// A hash output of 8 field elements (the sponge's output and the Merkle tree's node), hashed with Poseidon2
/// of width 16: the development and provable-100 digest (~248 bits, so ⌊248/2⌋ = 123 bits of collision
/// resistance; <see cref="WideDigest{TParams}"/> for more). An immutable 32-byte value with value equality
/// (one 256-bit compare); copying it copies 32 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public readonly struct Digest<TParams> : IDigest<Digest<TParams>, TParams>
    where TParams : struct, IMontyParameters
{
    /// <summary>Elements in a digest.</summary>
    public const int Length = 8;

    static int IDigest<Digest<TParams>, TParams>.Length => Length;

    /// <summary>Poseidon2 of width 16 (rate 8, capacity 8).</summary>
    public static Poseidon2<TParams> Permutation => Poseidon2.Width16<TParams>();

    private readonly DigestWords _words;

    private Digest(DigestWords words) => _words = words;

    /// <summary>The 8 elements (a view of this value, no copy).</summary>
    public ReadOnlySpan<MontyField31<TParams>> Elements
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<DigestWords, MontyField31<TParams>>(ref Unsafe.AsRef(in _words)), Length);
    }

    public MontyField31<TParams> this[int index] => Elements[index];

    /// <summary>A digest from exactly 8 elements.</summary>
    public static Digest<TParams> FromElements(ReadOnlySpan<MontyField31<TParams>> elements)
    {
        if (elements.Length != Length)
            throw new ArgumentException($"a digest has {Length} elements, got {elements.Length}", nameof(elements));
        DigestWords w = default;
        MemoryMarshal.Cast<MontyField31<TParams>, uint>(elements).CopyTo(w);
        return new(w);
    }

    /// <summary>A digest from 8 canonical values (each &lt; p).</summary>
    public static Digest<TParams> FromCanonical(ReadOnlySpan<uint> canonical)
    {
        if (canonical.Length != Length)
            throw new ArgumentException($"a digest has {Length} elements, got {canonical.Length}", nameof(canonical));
        Span<MontyField31<TParams>> e = stackalloc MontyField31<TParams>[Length];
        for (int i = 0; i < Length; i++)
        {
            if (canonical[i] >= TParams.P)
                throw new ArgumentOutOfRangeException(nameof(canonical), canonical[i], $"not a canonical {TParams.Name} value");
            e[i] = MontyField31<TParams>.FromCanonical(canonical[i]);
        }
        return FromElements(e);
    }

    /// <summary>The canonical values of the 8 elements.</summary>
    public uint[] ToCanonical()
    {
        var result = new uint[Length];
        for (int i = 0; i < Length; i++)
            result[i] = Elements[i].ToCanonical();
        return result;
    }

    /// <summary>The Montgomery words (a view, no copy).</summary>
    internal ReadOnlySpan<uint> Words => MemoryMarshal.Cast<MontyField31<TParams>, uint>(Elements);

    public bool Equals(Digest<TParams> other) =>
        Vector256.LoadUnsafe(ref Unsafe.As<DigestWords, uint>(ref Unsafe.AsRef(in _words))) ==
        Vector256.LoadUnsafe(ref Unsafe.As<DigestWords, uint>(ref Unsafe.AsRef(in other._words)));

    public override bool Equals(object? obj) => obj is Digest<TParams> other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (uint w in Words)
            h.Add(w);
        return h.ToHashCode();
    }

    public static bool operator ==(Digest<TParams> left, Digest<TParams> right) => left.Equals(right);

    public static bool operator !=(Digest<TParams> left, Digest<TParams> right) => !left.Equals(right);

    public override string ToString() => "[" + string.Join(", ", ToCanonical()) + "]";

    /// <summary>Reinterprets digests as their Montgomery words (8 per digest, no copy).</summary>
    internal static Span<uint> AsWords(Span<Digest<TParams>> digests) => MemoryMarshal.Cast<Digest<TParams>, uint>(digests);

    internal static ReadOnlySpan<uint> AsWords(ReadOnlySpan<Digest<TParams>> digests) => MemoryMarshal.Cast<Digest<TParams>, uint>(digests);
}
