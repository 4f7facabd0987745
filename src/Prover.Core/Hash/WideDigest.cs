using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>Storage of a wide digest: 12 Montgomery words, inline (48 bytes, no indirection).</summary>
[InlineArray(WideDigest<KoalaBearParameters>.Length)]
internal struct WideDigestWords
{
    private uint _w0;
}

/// <summary>
/// A hash output of 12 field elements, hashed with Poseidon2 of width 24: leaves by a sponge of rate 12 and
/// capacity 12, nodes by compress(a, b) = perm24(a ‖ b)[0..12], the transcript by a width-24 duplex of rate
/// 12. Over KoalaBear that is 12·log2(p) ≈ 372 bits of output and of capacity, so a generic collision search
/// needs ~2^185 work: the provable-128 digest (the 8-element <see cref="Digest{TParams}"/> caps a proof at
/// 123 bits). An immutable 48-byte value with value equality (one 256-bit and one 128-bit compare).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 48)]
public readonly struct WideDigest<TParams> : IDigest<WideDigest<TParams>, TParams>
    where TParams : struct, IMontyParameters
{
    /// <summary>Elements in a digest.</summary>
    public const int Length = 12;

    static int IDigest<WideDigest<TParams>, TParams>.Length => Length;

    /// <summary>Poseidon2 of width 24 (rate 12, capacity 12).</summary>
    public static Poseidon2<TParams> Permutation => Poseidon2.Width24<TParams>();

    private readonly WideDigestWords _words;

    private WideDigest(WideDigestWords words) => _words = words;

    /// <summary>The 12 elements (a view of this value, no copy).</summary>
    public ReadOnlySpan<MontyField31<TParams>> Elements
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<WideDigestWords, MontyField31<TParams>>(ref Unsafe.AsRef(in _words)), Length);
    }

    public MontyField31<TParams> this[int index] => Elements[index];

    /// <summary>A digest from exactly 12 elements.</summary>
    public static WideDigest<TParams> FromElements(ReadOnlySpan<MontyField31<TParams>> elements)
    {
        if (elements.Length != Length)
            throw new ArgumentException($"a wide digest has {Length} elements, got {elements.Length}", nameof(elements));
        WideDigestWords w = default;
        MemoryMarshal.Cast<MontyField31<TParams>, uint>(elements).CopyTo(w);
        return new(w);
    }

    /// <summary>A digest from 12 canonical values (each &lt; p).</summary>
    public static WideDigest<TParams> FromCanonical(ReadOnlySpan<uint> canonical)
    {
        if (canonical.Length != Length)
            throw new ArgumentException($"a wide digest has {Length} elements, got {canonical.Length}", nameof(canonical));
        Span<MontyField31<TParams>> e = stackalloc MontyField31<TParams>[Length];
        for (int i = 0; i < Length; i++)
        {
            if (canonical[i] >= TParams.P)
                throw new ArgumentOutOfRangeException(nameof(canonical), canonical[i], $"not a canonical {TParams.Name} value");
            e[i] = MontyField31<TParams>.FromCanonical(canonical[i]);
        }
        return FromElements(e);
    }

    /// <summary>The canonical values of the 12 elements.</summary>
    public uint[] ToCanonical()
    {
        var result = new uint[Length];
        for (int i = 0; i < Length; i++)
            result[i] = Elements[i].ToCanonical();
        return result;
    }

    public bool Equals(WideDigest<TParams> other)
    {
        ref uint a = ref Unsafe.As<WideDigestWords, uint>(ref Unsafe.AsRef(in _words));
        ref uint b = ref Unsafe.As<WideDigestWords, uint>(ref Unsafe.AsRef(in other._words));
        return Vector256.LoadUnsafe(ref a) == Vector256.LoadUnsafe(ref b) && Vector128.LoadUnsafe(ref a, 8) == Vector128.LoadUnsafe(ref b, 8);
    }

    public override bool Equals(object? obj) => obj is WideDigest<TParams> other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in Elements)
            h.Add(e.Montgomery);
        return h.ToHashCode();
    }

    public static bool operator ==(WideDigest<TParams> left, WideDigest<TParams> right) => left.Equals(right);

    public static bool operator !=(WideDigest<TParams> left, WideDigest<TParams> right) => !left.Equals(right);

    public override string ToString() => "[" + string.Join(", ", ToCanonical()) + "]";
}
