using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.EllipticCurve;

/// <summary>One term of a <see cref="FieldIdentity"/>: Coefficient·A·B (B &lt; 0: Coefficient·A), A and B the first columns of byte-limb operands.</summary>
public readonly record struct FieldTerm(int Coefficient, int A, int B = -1);

/// <summary>
/// A field-operation gadget (issue 15): proves Σ_t k_t·A_t·B_t + Σ_u k_u·C_u + c₀ ≡ 0 (mod p) for a constant prime p,
/// operands of <c>bytes</c> byte limbs (columns the caller range-checks as bytes) and small integer coefficients k. It
/// generalises the modmul chip's x·y − r − q·m = (X − 256)·c to several signed terms and a constant modulus: with a
/// constant K·p added (K chosen so that the quotient is never negative) it proves, coefficient by coefficient,
/// <code>Σ_t k_t·A_t(X)·B_t(X) + Σ_u k_u·C_u(X) + S(X) − q(X)·p(X) = (X − 256)·c(X),   S = K·p + c₀ ≥ 0,</code>
/// where every polynomial's coefficients are its value's base-256 digits (S's and p's are constants), q has
/// <see cref="QuotientBytes"/> byte limbs (RANGE8 here) and the carries c_k are range-checked signed integers.
/// <para>Why the identity over the integers follows: every coefficient of the left side is bounded by
/// <see cref="CoefficientBound"/> &lt; 2^27 in absolute value (bytes, the given coefficients and the limb counts) and
/// every carry satisfies |c_k| &lt; 2^20 (see <see cref="WideOffset"/>), so |c_{k−1} − 256·c_k| &lt; 2^29; the difference of
/// the two sides is then an integer of magnitude below 2^27 + 2^29 &lt; p_KoalaBear ≈ 2^31, and being ≡ 0 modulo the
/// KoalaBear prime it is 0: the equation of each coefficient is true over the integers. Equal coefficients give equal
/// polynomials over Z; at X = 256 the right side vanishes: Σ … + K·p + c₀ = q·p, hence Σ … + c₀ ≡ 0 (mod p).</para>
/// Every constraint is gated by the row's `real` (degree 3 with the products).
/// </summary>
public sealed class FieldIdentity
{
    /// <summary>
    /// Narrow carries: the column is c + 2^15 ∈ [0, 2^16) (one Range16), so c ∈ [−2^15, 2^15). Wide carries: c + 2^19 =
    /// lo + 2^16·hi with Range16(lo) and Range16(v) for v = 2^12·hi. Whatever field element hi is, 2^16·hi = 16·v in the
    /// field, so c + 2^19 = lo + 16·v ∈ [0, 2^16 + 2^20) and |c| &lt; 2^20 (an honest carry has |c| &lt; 2^19, hi &lt; 16).
    /// </summary>
    public const int NarrowOffset = 1 << 15;

    public const int WideOffset = 1 << 19;

    private readonly FieldTerm[] _terms;
    private readonly byte[] _s;
    private readonly byte[] _p;

    /// <param name="layout">Allocates the quotient and carry columns (named after <paramref name="name"/>).</param>
    /// <param name="bytes">Byte limbs of every operand.</param>
    /// <param name="p">The (constant) modulus, below 256^bytes.</param>
    /// <param name="constant">c₀ (any sign).</param>
    public FieldIdentity(ColumnLayout layout, string name, int bytes, BigInteger p, IReadOnlyList<FieldTerm> terms, BigInteger constant)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(terms);
        if (p.Sign <= 0 || p.GetByteCount(isUnsigned: true) > bytes)
            throw new ArgumentOutOfRangeException(nameof(p), "the modulus must be positive and fit the operands' bytes");
        Name = name;
        Bytes = bytes;
        P = p;
        _terms = [.. terms];
        Constant = constant;
        // Largest negative and positive values of the sum over byte operands (each operand < 256^bytes).
        var top = BigInteger.Pow(256, bytes) - 1;
        BigInteger negative = constant.Sign < 0 ? -constant : 0, positive = constant.Sign > 0 ? constant : 0;
        foreach (var t in _terms)
        {
            var magnitude = Math.Abs(t.Coefficient) * (t.B >= 0 ? top * top : top);
            if (t.Coefficient < 0)
                negative += magnitude;
            else
                positive += magnitude;
        }
        // K·p ≥ the largest negative part, so q = (Σ + K·p + c₀) / p ≥ 0 for every byte assignment that satisfies the identity.
        var k = (negative + p - 1) / p;
        var s = k * p + constant;
        if (s.Sign < 0)
            s = 0;
        _s = s.ToByteArray(isUnsigned: true);
        _p = p.ToByteArray(isUnsigned: true);
        QuotientBytes = Math.Max(1, ((positive + k * p) / p).GetByteCount(isUnsigned: true));
        bool products = Array.Exists(_terms, t => t.B >= 0);
        Length = Math.Max(Math.Max(products ? 2 * bytes - 1 : bytes, QuotientBytes + _p.Length - 1), _s.Length);

        // |coefficient_k| bound: products contribute ≤ |k|·bytes·255², linear terms |k|·255, S and q·p ≤ 255 and ≤ min(QB, |p|)·255².
        long bound = 0;
        foreach (var t in _terms)
            bound += Math.Abs(t.Coefficient) * (t.B >= 0 ? (long)bytes * 255 * 255 : 255);
        bound += 255 + (long)Math.Min(QuotientBytes, _p.Length) * 255 * 255;
        CoefficientBound = bound;
        if (bound >= 1L << 27)
            throw new ArgumentException($"{name}: coefficients up to {bound} do not keep the identity integral");
        // Honest carries satisfy |c_k| ≤ (|c_{k−1}| + bound) / 256 < bound / 255 + 1.
        Wide = bound / 255 + 1 >= NarrowOffset;
        if (bound / 255 + 1 >= WideOffset)
            throw new ArgumentException($"{name}: carries up to {bound / 255} exceed the wide carry range");
        Quotient = layout.Add(name + "Q", QuotientBytes);
        Carries = layout.Add(name + "C", (Length - 1) * (Wide ? 2 : 1));
    }

    public string Name { get; }

    public int Bytes { get; }

    public BigInteger P { get; }

    public BigInteger Constant { get; }

    /// <summary>Byte limbs of the quotient q.</summary>
    public int QuotientBytes { get; }

    /// <summary>Coefficients of the identity's polynomials (the carries are Length − 1).</summary>
    public int Length { get; }

    /// <summary>Bound on |coefficient| of the left side (&lt; 2^27).</summary>
    public long CoefficientBound { get; }

    /// <summary>Whether each carry takes two columns (lo, hi) instead of one.</summary>
    public bool Wide { get; }

    /// <summary>First column of q's bytes.</summary>
    public int Quotient { get; }

    /// <summary>First carry column.</summary>
    public int Carries { get; }

    private static SymbolicExpression<F> C<F>(long x) where F : struct, IField<F> =>
        x >= 0 ? Word.Constant<F>((ulong)x) : SymbolicExpression<F>.Zero - Word.Constant<F>((ulong)-x);

    private SymbolicExpression<F> Carry<F>(IReadOnlyList<SymbolicExpression<F>> l, int k) where F : struct, IField<F> =>
        Wide
            ? l[Carries + 2 * k] + l[Carries + 2 * k + 1] * C<F>(1 << 16) - C<F>(WideOffset)
            : l[Carries + k] - C<F>(NarrowOffset);

    public void Eval<F>(AirBuilder<F> builder, SymbolicExpression<F> real) where F : struct, IField<F>
    {
        var l = builder.Local;
        // q's limbs are bytes: with the carries' ranges this bounds every coefficient (see the class comment).
        for (int i = 0; i < QuotientBytes; i++)
            ByteLookup.SendRange8(builder, l[Quotient + i], real);
        for (int k = 0; k < Length; k++)
        {
            var sum = SymbolicExpression<F>.Zero;
            foreach (var t in _terms)
            {
                if (t.B >= 0)
                {
                    for (int i = Math.Max(0, k - Bytes + 1); i <= Math.Min(k, Bytes - 1); i++)
                        sum += C<F>(t.Coefficient) * l[t.A + i] * l[t.B + k - i];
                }
                else if (k < Bytes)
                {
                    sum += C<F>(t.Coefficient) * l[t.A + k];
                }
            }
            long sk = k < _s.Length ? _s[k] : 0;
            var qp = SymbolicExpression<F>.Zero;
            for (int i = Math.Max(0, k - _p.Length + 1); i <= Math.Min(k, QuotientBytes - 1); i++)
                if (_p[k - i] != 0)
                    qp += l[Quotient + i] * C<F>(_p[k - i]);
            var carryIn = k > 0 ? Carry(l, k - 1) : SymbolicExpression<F>.Zero;
            var carryOut = k < Length - 1 ? Carry(l, k) : SymbolicExpression<F>.Zero;
            // Coefficient k: Σ … + s_k − (q·p)_k = c_{k−1} − 256·c_k (c_{−1} = c_{Length−1} = 0); gated by real, so padding
            // rows (all zero) satisfy it.
            builder.When(real).AssertEq(sum + C<F>(sk) - qp, carryIn - carryOut * C<F>(256));
        }
        for (int k = 0; k < Length - 1; k++)
        {
            if (Wide)
            {
                // c + 2^19 = lo + 2^16·hi = lo + 16·(2^12·hi) with both Range16: |c| < 2^20 (WideOffset's comment).
                builder.Send(ZkvmBus.Range16, [l[Carries + 2 * k]], real);
                builder.Send(ZkvmBus.Range16, [l[Carries + 2 * k + 1] * C<F>(1 << 12)], real);
            }
            else
            {
                builder.Send(ZkvmBus.Range16, [l[Carries + k]], real);
            }
        }
    }

    /// <summary>
    /// Fills q and the carries for the operands' bytes (<paramref name="bytesAt"/>: an operand's first column → its bytes).
    /// Returns false when the identity does not hold for them (a forged row: q and the carries are then the best effort and
    /// the AIR rejects the row).
    /// </summary>
    public bool Populate<F>(Span<F> row, Func<int, byte[]> bytesAt, LookupCounts counts) where F : struct, IField<F>
    {
        var total = new BigInteger(_s, isUnsigned: true);
        var coefficients = new long[Length];
        foreach (var t in _terms)
        {
            var a = bytesAt(t.A);
            var av = new BigInteger(a, isUnsigned: true);
            if (t.B >= 0)
            {
                var b = bytesAt(t.B);
                total += t.Coefficient * av * new BigInteger(b, isUnsigned: true);
                for (int i = 0; i < Bytes; i++)
                    for (int j = 0; j < Bytes; j++)
                        coefficients[i + j] += (long)t.Coefficient * a[i] * b[j];
            }
            else
            {
                total += t.Coefficient * av;
                for (int i = 0; i < Bytes; i++)
                    coefficients[i] += (long)t.Coefficient * a[i];
            }
        }
        for (int k = 0; k < _s.Length; k++)
            coefficients[k] += _s[k];
        var q = BigInteger.DivRem(total, P, out var remainder);
        bool holds = remainder.IsZero && q.Sign >= 0 && q.GetByteCount(isUnsigned: true) <= QuotientBytes;
        var qBytes = new byte[QuotientBytes];
        if (q.Sign >= 0 && q.GetByteCount(isUnsigned: true) <= QuotientBytes)
            q.TryWriteBytes(qBytes, out _, isUnsigned: true);
        for (int i = 0; i < QuotientBytes; i++)
        {
            row[Quotient + i] = F.FromUInt64(qBytes[i]);
            counts.AddRange8(qBytes[i]);
            for (int j = 0; j < _p.Length; j++)
                coefficients[i + j] -= (long)qBytes[i] * _p[j];
        }
        // coefficient_k = c_{k−1} − 256·c_k, so c_k = (c_{k−1} − coefficient_k) / 256 (exact when the identity holds).
        long carry = 0;
        for (int k = 0; k < Length - 1; k++)
        {
            carry = (carry - coefficients[k]) >> 8;
            if (Wide)
            {
                ulong v = (ulong)Math.Clamp(carry + WideOffset, 0, (1L << 20) - 1);
                row[Carries + 2 * k] = F.FromUInt64(v & 0xFFFF);
                row[Carries + 2 * k + 1] = F.FromUInt64(v >> 16);
                counts.AddRange16(v & 0xFFFF);
                counts.AddRange16((v >> 16) << 12);
            }
            else
            {
                ulong v = (ulong)Math.Clamp(carry + NarrowOffset, 0, (1L << 16) - 1);
                row[Carries + k] = F.FromUInt64(v);
                counts.AddRange16(v);
            }
        }
        return holds;
    }
}
