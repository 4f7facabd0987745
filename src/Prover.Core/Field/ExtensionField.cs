using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prover.Core.Field;

/// <summary>
/// Defines an extension F[x]/(f) of degree D with f monic: x^D = Σ_{i&lt;D} tail[i]·x^i.
/// The implementing type is also the coefficient storage: an <c>[InlineArray(D)]</c> struct of base
/// elements, so an extension element is exactly D base words with no padding or indirection.
/// </summary>
public interface IExtensionDefinition<TBase, TSelf>
    where TBase : struct, IField<TBase>
    where TSelf : struct, IExtensionDefinition<TBase, TSelf>
{
    static abstract int Degree { get; }

    /// <summary>True for f = x^D − W: multiplication then uses the cheaper binomial reduction.</summary>
    static abstract bool IsBinomial { get; }

    /// <summary>The binomial constant W (x^D = W); zero when <see cref="IsBinomial"/> is false.</summary>
    static abstract TBase W { get; }

    /// <summary>x^D expressed in the basis 1, x, …, x^(D−1): the reduction rule.</summary>
    static abstract ReadOnlySpan<TBase> ModulusTail { get; }

    static abstract string Name { get; }
}

/// <summary>An extension field element with access to its base-field coefficients.</summary>
public interface IExtensionField<TSelf, TBase> : IField<TSelf>
    where TBase : struct, IField<TBase>
    where TSelf : struct, IExtensionField<TSelf, TBase>
{
    static abstract TSelf FromBase(TBase value);

    static abstract TSelf FromCoefficients(ReadOnlySpan<TBase> coefficients);

    ReadOnlySpan<TBase> Coefficients { get; }

    static abstract TSelf operator *(TSelf a, TBase b);

    static abstract TSelf operator +(TSelf a, TBase b);

    static abstract TSelf operator -(TSelf a, TBase b);
}

/// <summary>
/// Generic extension field F[x]/(f) over <typeparamref name="TBase"/>, elements stored as the
/// coefficients c0 + c1·x + … + c(D−1)·x^(D−1). Binomial (x^D − W) and general sparse moduli
/// (trinomials) are supported; degree is fixed by <typeparamref name="TDef"/>.
/// </summary>
[DebuggerDisplay("{ToString()}")]
public readonly struct ExtensionField<TBase, TDef> : IExtensionField<ExtensionField<TBase, TDef>, TBase>
    where TBase : struct, IField<TBase>
    where TDef : struct, IExtensionDefinition<TBase, TDef>
{
    private readonly TDef _c;

    private ExtensionField(TDef coefficients) => _c = coefficients;

    public static int Degree => TDef.Degree;

    public static ExtensionField<TBase, TDef> Zero => default;

    public static ExtensionField<TBase, TDef> One => FromBase(TBase.One);

    public ReadOnlySpan<TBase> Coefficients
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TDef, TBase>(ref Unsafe.AsRef(in _c)), TDef.Degree);
    }

    /// <summary>Coefficient i (of x^i).</summary>
    public TBase this[int i] => Coefficients[i];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TBase> Span(ref TDef c) => MemoryMarshal.CreateSpan(ref Unsafe.As<TDef, TBase>(ref c), TDef.Degree);

    public static ExtensionField<TBase, TDef> FromBase(TBase value)
    {
        TDef c = default;
        Span(ref c)[0] = value;
        return new(c);
    }

    public static ExtensionField<TBase, TDef> FromCoefficients(ReadOnlySpan<TBase> coefficients)
    {
        if (coefficients.Length != TDef.Degree)
            throw new ArgumentException($"{TDef.Name} needs {TDef.Degree} coefficients, got {coefficients.Length}", nameof(coefficients));
        TDef c = default;
        coefficients.CopyTo(Span(ref c));
        return new(c);
    }

    public static ExtensionField<TBase, TDef> FromUInt64(ulong value) => FromBase(TBase.FromUInt64(value));

    /// <summary>The generator x of the extension as an algebra over the base field.</summary>
    public static ExtensionField<TBase, TDef> X
    {
        get
        {
            TDef c = default;
            Span(ref c)[1] = TBase.One;
            return new(c);
        }
    }

    public bool IsZero
    {
        get
        {
            foreach (var x in Coefficients)
                if (!x.IsZero)
                    return false;
            return true;
        }
    }

    public static ExtensionField<TBase, TDef> operator +(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
    {
        TDef c = default;
        var r = Span(ref c);
        var x = a.Coefficients;
        var y = b.Coefficients;
        for (int i = 0; i < r.Length; i++)
            r[i] = x[i] + y[i];
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator -(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
    {
        TDef c = default;
        var r = Span(ref c);
        var x = a.Coefficients;
        var y = b.Coefficients;
        for (int i = 0; i < r.Length; i++)
            r[i] = x[i] - y[i];
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator -(ExtensionField<TBase, TDef> a)
    {
        TDef c = default;
        var r = Span(ref c);
        var x = a.Coefficients;
        for (int i = 0; i < r.Length; i++)
            r[i] = -x[i];
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator *(ExtensionField<TBase, TDef> a, TBase b)
    {
        TDef c = default;
        var r = Span(ref c);
        var x = a.Coefficients;
        for (int i = 0; i < r.Length; i++)
            r[i] = x[i] * b;
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator +(ExtensionField<TBase, TDef> a, TBase b)
    {
        TDef c = a._c;
        Span(ref c)[0] += b;
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator -(ExtensionField<TBase, TDef> a, TBase b)
    {
        TDef c = a._c;
        Span(ref c)[0] -= b;
        return new(c);
    }

    public static ExtensionField<TBase, TDef> operator *(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b) =>
        TDef.IsBinomial ? MultiplyBinomial(a, b) : MultiplySchoolbook(a, b);

    /// <summary>
    /// The binomial product: degree-8 extensions of KoalaBear and BabyBear take the AVX-512 kernel
    /// (<see cref="OcticKernels{TParams}.Multiply"/>: the same words) where the process runs it, everything else
    /// <see cref="MultiplyBinomialScalar"/>. The type tests are constants to the JIT, so each instantiation keeps one path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ExtensionField<TBase, TDef> MultiplyBinomial(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
    {
        if (TDef.Degree == 8 && Unsafe.SizeOf<TDef>() == 32)
        {
            if (typeof(TBase) == typeof(MontyField31<KoalaBearParameters>) && OcticKernels<KoalaBearParameters>.IsSupported)
                return MultiplyOctic<KoalaBearParameters>(a, b);
            if (typeof(TBase) == typeof(MontyField31<BabyBearParameters>) && OcticKernels<BabyBearParameters>.IsSupported)
                return MultiplyOctic<BabyBearParameters>(a, b);
        }
        return MultiplyBinomialScalar(a, b);
    }

    private static ExtensionField<TBase, TDef> MultiplyOctic<TParams>(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
        where TParams : struct, IMontyParameters
    {
        TDef result = default;
        TBase w = TDef.W;
        OcticKernels<TParams>.Multiply(ref Unsafe.As<TDef, uint>(ref Unsafe.AsRef(in a._c)), ref Unsafe.As<TDef, uint>(ref Unsafe.AsRef(in b._c)),
            Unsafe.As<TBase, uint>(ref w), ref Unsafe.As<TDef, uint>(ref result));
        return new(result);
    }

    /// <summary>
    /// Binomial moduli: result_k = Σ_i a_i·b'_(k,i) with b'_(k,i) = b_(k−i) when i ≤ k, else W·b_(k−i+D):
    /// D dot products of length D, each reduced once (<see cref="IField{T}.SumOfProducts"/>). The portable path and the
    /// reference of the octic kernel.
    /// </summary>
    internal static ExtensionField<TBase, TDef> MultiplyBinomialScalar(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
    {
        int d = TDef.Degree;
        var x = a.Coefficients;
        var y = b.Coefficients;
        TDef wb = default, column = default, result = default;
        var w = Span(ref wb);
        TBase wConst = TDef.W;
        for (int j = 1; j < d; j++)
            w[j] = y[j] * wConst;
        var col = Span(ref column);
        var r = Span(ref result);
        for (int k = 0; k < d; k++)
        {
            for (int i = 0; i <= k; i++)
                col[i] = y[k - i];
            for (int i = k + 1; i < d; i++)
                col[i] = w[k - i + d];
            r[k] = TBase.SumOfProducts(x, col);
        }
        return new(result);
    }

    /// <summary>Schoolbook product then reduction by the modulus (any modulus; the reference for the binomial path).</summary>
    internal static ExtensionField<TBase, TDef> MultiplySchoolbook(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b)
    {
        var x = a.Coefficients;
        var y = b.Coefficients;
        int d = TDef.Degree;
        TDef lo = default, hi = default;
        var l = Span(ref lo);
        var h = Span(ref hi); // h[k] is the coefficient of x^(D+k), k < D−1
        for (int i = 0; i < d; i++)
        {
            TBase xi = x[i];
            for (int j = 0; j < d; j++)
            {
                int k = i + j;
                if (k < d)
                    l[k] += xi * y[j];
                else
                    h[k - d] += xi * y[j];
            }
        }
        if (TDef.IsBinomial)
        {
            TBase w = TDef.W;
            for (int k = 0; k < d - 1; k++)
                l[k] += h[k] * w;
        }
        else
        {
            // Reduce from the top: x^(D+k) = Σ tail[i]·x^(k+i), which only lands on lower powers.
            var tail = TDef.ModulusTail;
            for (int k = d - 2; k >= 0; k--)
            {
                TBase top = h[k];
                if (top.IsZero)
                    continue;
                for (int i = 0; i < d; i++)
                {
                    int target = k + i;
                    if (target < d)
                        l[target] += top * tail[i];
                    else
                        h[target - d] += top * tail[i];
                }
            }
        }
        return new(lo);
    }

    public static bool operator ==(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b) => a.Equals(b);

    public static bool operator !=(ExtensionField<TBase, TDef> a, ExtensionField<TBase, TDef> b) => !a.Equals(b);

    public ExtensionField<TBase, TDef> Square() => this * this;

    public ExtensionField<TBase, TDef> Double() => this + this;

    /// <summary>This element times the inverse of 2 (exact: every coefficient is multiplied by 1/2).</summary>
    public ExtensionField<TBase, TDef> HalveBase() => this * s_halfBase;

    private static readonly TBase s_halfBase = TBase.FromUInt64(2).Inverse();

    /// <summary>
    /// Inverse by solving M_a·y = e0, where M_a is the D×D matrix of multiplication by a. Works for any
    /// irreducible modulus; M_a is invertible exactly when a ≠ 0.
    /// </summary>
    public ExtensionField<TBase, TDef> Inverse()
    {
        if (IsZero)
            throw new DivideByZeroException("inverse of zero in " + TDef.Name);
        int d = TDef.Degree;
        // Augmented matrix rows: m[r, 0..d) | rhs. Column j is the coefficient vector of a·x^j.
        var m = new TBase[d, d + 1];
        var col = this;
        var x = X;
        for (int j = 0; j < d; j++)
        {
            var cj = col.Coefficients;
            for (int r = 0; r < d; r++)
                m[r, j] = cj[r];
            col *= x;
        }
        m[0, d] = TBase.One;
        for (int p = 0; p < d; p++)
        {
            int pivot = p;
            while (pivot < d && m[pivot, p].IsZero)
                pivot++;
            if (pivot == d)
                throw new InvalidOperationException($"{TDef.Name}: modulus is not irreducible (zero divisor found)");
            if (pivot != p)
                for (int c = 0; c <= d; c++)
                    (m[p, c], m[pivot, c]) = (m[pivot, c], m[p, c]);
            TBase inv = m[p, p].Inverse();
            for (int c = p; c <= d; c++)
                m[p, c] *= inv;
            for (int r = 0; r < d; r++)
            {
                if (r == p || m[r, p].IsZero)
                    continue;
                TBase f = m[r, p];
                for (int c = p; c <= d; c++)
                    m[r, c] -= f * m[p, c];
            }
        }
        TDef result = default;
        var s = Span(ref result);
        for (int r = 0; r < d; r++)
            s[r] = m[r, d];
        return new(result);
    }

    public bool Equals(ExtensionField<TBase, TDef> other) => Coefficients.SequenceEqual(other.Coefficients);

    public override bool Equals(object? obj) => obj is ExtensionField<TBase, TDef> other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var c in Coefficients)
            h.Add(c);
        return h.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", Coefficients.ToArray()) + "]";
}
