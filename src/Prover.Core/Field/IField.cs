using System.Numerics;

namespace Prover.Core.Field;

/// <summary>
/// A finite field element. Implementations are small immutable structs; generic code is written as
/// <c>where T : struct, IField&lt;T&gt;</c> so the JIT compiles one specialised copy per field.
/// </summary>
public interface IField<T> :
    IEquatable<T>,
    IAdditionOperators<T, T, T>,
    ISubtractionOperators<T, T, T>,
    IMultiplyOperators<T, T, T>,
    IUnaryNegationOperators<T, T>,
    IEqualityOperators<T, T, bool>
    where T : struct, IField<T>
{
    static abstract T Zero { get; }
    static abstract T One { get; }

    /// <summary>Number of base-field (prime-field) coefficients in one element.</summary>
    static abstract int Degree { get; }

    /// <summary>The element <c>value mod p</c> (embedded in the prime subfield).</summary>
    static abstract T FromUInt64(ulong value);

    bool IsZero { get; }

    T Square();

    T Double();

    /// <summary>Multiplicative inverse; throws <see cref="DivideByZeroException"/> for zero.</summary>
    T Inverse();

    /// <summary>Σ a[i]·b[i] over equal-length spans. Fields may override it with delayed reduction.</summary>
    static virtual T SumOfProducts(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        T acc = T.Zero;
        for (int i = 0; i < a.Length; i++)
            acc += a[i] * b[i];
        return acc;
    }
}

/// <summary>A field whose multiplicative group has a large power-of-two subgroup (NTT-friendly).</summary>
public interface ITwoAdicField<T> : IField<T> where T : struct, ITwoAdicField<T>
{
    /// <summary>Largest k with 2^k dividing the multiplicative group order.</summary>
    static abstract int TwoAdicity { get; }

    /// <summary>A generator of the multiplicative group of the prime field (the coset shift of LDEs).</summary>
    static abstract T MultiplicativeGenerator { get; }

    /// <summary>A primitive 2^bits-th root of unity; bits ≤ TwoAdicity. Consistent: g(b-1) = g(b)^2.</summary>
    static abstract T TwoAdicGenerator(int bits);
}

/// <summary>A prime field of at most 31 bits, stored in one <see cref="uint"/>.</summary>
public interface IPrimeField31<T> : ITwoAdicField<T> where T : struct, IPrimeField31<T>
{
    /// <summary>The prime p.</summary>
    static abstract uint Modulus { get; }

    /// <summary>The element with canonical value <paramref name="value"/>, which must be &lt; p.</summary>
    static abstract T FromCanonical(uint value);

    /// <summary>Canonical value in [0, p).</summary>
    uint ToCanonical();
}

/// <summary>Conveniences over any field.</summary>
public static class FieldExtensions
{
    /// <summary>x^exponent by square-and-multiply.</summary>
    public static T Pow<T>(this T x, ulong exponent) where T : struct, IField<T>
    {
        T result = T.One;
        T b = x;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
                result *= b;
            b = b.Square();
            exponent >>= 1;
        }
        return result;
    }

    /// <summary>The sequence 1, x, x^2, ..., x^(n-1).</summary>
    public static T[] Powers<T>(this T x, int count) where T : struct, IField<T>
    {
        var result = new T[count];
        T acc = T.One;
        for (int i = 0; i < count; i++)
        {
            result[i] = acc;
            acc *= x;
        }
        return result;
    }
}
