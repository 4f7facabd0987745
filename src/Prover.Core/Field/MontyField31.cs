using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prover.Core.Field;

/// <summary>
/// An element of a 31-bit prime field, stored in Montgomery form (x·2^32 mod p) in one uint, always
/// reduced to [0, p). One generic implementation serves every parameter set (KoalaBear, BabyBear):
/// the parameters are static members of <typeparamref name="TParams"/>, so each field gets its own
/// JIT-compiled copy with the constants folded in.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 4)]
[DebuggerDisplay("{ToCanonical()}")]
public readonly struct MontyField31<TParams> : IPrimeField31<MontyField31<TParams>>
    where TParams : struct, IMontyParameters
{
    /// <summary>The Montgomery representation x·R mod p, in [0, p).</summary>
    internal readonly uint Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MontyField31(uint montgomery) => Value = montgomery;

    /// <summary>Wraps a value already in Montgomery form (must be &lt; p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> FromMontgomery(uint montgomery)
    {
        Debug.Assert(montgomery < TParams.P);
        return new(montgomery);
    }

    /// <summary>The Montgomery representation (for serialisation-free kernels and SIMD code).</summary>
    public uint Montgomery
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value;
    }

    public static uint Modulus => TParams.P;
    public static int Degree => 1;
    public static int TwoAdicity => TParams.TwoAdicity;
    public static MontyField31<TParams> Zero => default;
    public static MontyField31<TParams> One => new(OneMontgomery);
    public static MontyField31<TParams> MultiplicativeGenerator => FromCanonical(TParams.Generator);

    /// <summary>R mod p, the Montgomery form of 1.</summary>
    private static uint OneMontgomery => (uint)((1UL << 32) % TParams.P);

    public bool IsZero => Value == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> FromCanonical(uint value)
    {
        Debug.Assert(value < TParams.P);
        return new(MontyReduce((ulong)value * TParams.MontyR2));
    }

    public static MontyField31<TParams> FromUInt64(ulong value) => FromCanonical((uint)(value % TParams.P));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ToCanonical() => MontyReduce(Value);

    /// <summary>
    /// Montgomery reduction: for x &lt; p·2^32 returns x·2^-32 mod p in [0, p).
    /// u = (x·μ mod 2^32)·p agrees with x in the low 32 bits, so x − u is divisible by 2^32 and
    /// (x − u)/2^32 lies in (−p, p); one conditional add of p makes it canonical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MontyReduce(ulong x)
    {
        ulong t = (uint)x * TParams.MontyMu;
        ulong u = t * TParams.P;
        ulong diff = x - u;
        uint hi = (uint)(diff >> 32);
        return x < u ? hi + TParams.P : hi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> operator +(MontyField31<TParams> a, MontyField31<TParams> b)
    {
        // a + b < 2p < 2^32. When the sum is ≥ p, sum − p is the smaller of the two; otherwise it wraps above.
        uint sum = a.Value + b.Value;
        return new(Math.Min(sum, sum - TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> operator -(MontyField31<TParams> a, MontyField31<TParams> b)
    {
        // When a ≥ b the difference is < p and diff + p is larger; when a < b diff wraps and diff + p is the answer.
        uint diff = a.Value - b.Value;
        return new(Math.Min(diff, diff + TParams.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> operator -(MontyField31<TParams> a) => Zero - a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MontyField31<TParams> operator *(MontyField31<TParams> a, MontyField31<TParams> b)
        => new(MontyReduce((ulong)a.Value * b.Value));

    public static bool operator ==(MontyField31<TParams> a, MontyField31<TParams> b) => a.Value == b.Value;

    public static bool operator !=(MontyField31<TParams> a, MontyField31<TParams> b) => a.Value != b.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MontyField31<TParams> Square() => this * this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MontyField31<TParams> Double() => this + this;

    /// <summary>x/2: halving is exact in Montgomery form too (the representation is linear).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MontyField31<TParams> Halve()
    {
        uint v = Value;
        // v even: v/2. v odd: (v + p)/2, which is < p and has no overflow since v + p < 2^32.
        return new((v & 1) == 0 ? v >> 1 : (v + TParams.P) >> 1);
    }

    /// <summary>x^(p−2) = x^-1 by Fermat's little theorem.</summary>
    public MontyField31<TParams> Inverse()
    {
        if (Value == 0)
            throw new DivideByZeroException("inverse of zero in " + TParams.Name);
        return this.Pow(TParams.P - 2);
    }

    public static MontyField31<TParams> TwoAdicGenerator(int bits)
    {
        if ((uint)bits > (uint)TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"{TParams.Name} has two-adicity {TParams.TwoAdicity}");
        var g = FromCanonical(TParams.TwoAdicRoot);
        for (int i = bits; i < TParams.TwoAdicity; i++)
            g = g.Square();
        return g;
    }

    /// <summary>
    /// Σ a[i]·b[i] with one Montgomery reduction: products (&lt; p²) are added in 64 bits and the sum is
    /// kept below p·2^32 (the reduction's input bound) by subtracting p·2^32 when it reaches it, which
    /// does not change the value mod p and cannot overflow (p·2^32 + p² &lt; 2^64).
    /// </summary>
    public static MontyField31<TParams> SumOfProducts(ReadOnlySpan<MontyField31<TParams>> a, ReadOnlySpan<MontyField31<TParams>> b)
    {
        Debug.Assert(a.Length == b.Length);
        ulong bound = (ulong)TParams.P << 32;
        ulong acc = 0;
        for (int i = 0; i < a.Length; i++)
        {
            acc += (ulong)a[i].Value * b[i].Value;
            acc = Math.Min(acc, acc - bound);
        }
        return new(MontyReduce(acc));
    }

    public bool Equals(MontyField31<TParams> other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is MontyField31<TParams> other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public override string ToString() => ToCanonical().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reinterprets a span of elements as their Montgomery words (no copy).</summary>
    public static Span<uint> AsMontgomery(Span<MontyField31<TParams>> values) => MemoryMarshal.Cast<MontyField31<TParams>, uint>(values);

    /// <summary>Reinterprets Montgomery words as elements (no copy); the words must be &lt; p.</summary>
    public static Span<MontyField31<TParams>> FromMontgomery(Span<uint> words) => MemoryMarshal.Cast<uint, MontyField31<TParams>>(words);
}
