using System.Numerics;
using System.Runtime.InteropServices;

namespace Prover.Core.Machine;

/// <summary>
/// Arithmetic modulo a fixed odd prime of up to <see cref="MaxLimbs"/> 64-bit limbs in Montgomery form, for the
/// emulator's and the point chips' field inverses (<see cref="WeierstrassCurve"/>): .NET's <see cref="BigInteger.ModPow"/>
/// takes hundreds of microseconds for a 256-bit Fermat inverse, which made a block of point syscalls spend minutes in
/// the emulator. This is host-side arithmetic only (no secrets: variable time is fine); the results are checked against
/// <see cref="BigInteger.ModPow"/> in MontgomeryModulusTests.
/// </summary>
public sealed class MontgomeryModulus
{
    /// <summary>The largest modulus this supports, in 64-bit limbs (BLS12-381's 381-bit prime needs 6).</summary>
    public const int MaxLimbs = 6;

    private readonly ulong[] _p;
    private readonly ulong _pInv; // −p⁻¹ mod 2^64
    private readonly ulong[] _r2; // R² mod p, R = 2^(64·n)
    private readonly ulong[] _oneMont; // R mod p
    private readonly ulong[] _pMinus2;
    private readonly int _n;

    /// <param name="p">An odd prime below 2^(64·<see cref="MaxLimbs"/>).</param>
    public MontgomeryModulus(BigInteger p)
    {
        if (p.Sign <= 0 || p.IsEven || p < 3)
            throw new ArgumentException("the modulus must be an odd prime", nameof(p));
        _n = (int)((p.GetBitLength() + 63) / 64);
        if (_n > MaxLimbs)
            throw new ArgumentException($"the modulus exceeds {MaxLimbs} limbs", nameof(p));
        P = p;
        _p = ToLimbs(p);
        ulong inv = 1; // Newton: inv = p⁻¹ mod 2^64 (each step doubles the correct low bits; 6 steps cover 64)
        for (int i = 0; i < 6; i++)
            inv *= 2 - _p[0] * inv;
        _pInv = 0 - inv;
        var r = BigInteger.One << (64 * _n);
        _r2 = ToLimbs(r * r % p);
        _oneMont = ToLimbs(r % p);
        _pMinus2 = ToLimbs(p - 2);
    }

    /// <summary>The modulus.</summary>
    public BigInteger P { get; }

    /// <summary>a⁻¹ mod p for a ≢ 0 (a is reduced first); 0 for a ≡ 0 (as <see cref="BigInteger.ModPow"/> gives for a^(p−2)).</summary>
    public BigInteger Inverse(BigInteger a)
    {
        a %= P;
        if (a.Sign < 0)
            a += P;
        Span<ulong> x = stackalloc ulong[_n];
        Span<ulong> acc = stackalloc ulong[_n];
        Span<ulong> t = stackalloc ulong[_n];
        WriteLimbs(a, x);
        Mul(x, _r2, x); // to Montgomery form
        // Left-to-right 4-bit fixed windows over p − 2: 16 precomputed powers, then per window four squarings and one
        // product (the exponent is public, the prime's).
        Span<ulong> table = stackalloc ulong[16 * _n];
        _oneMont.CopyTo(table[.._n]);
        x.CopyTo(table.Slice(_n, _n));
        for (int i = 2; i < 16; i++)
            Mul(table.Slice((i - 1) * _n, _n), x, table.Slice(i * _n, _n));
        _oneMont.CopyTo(acc);
        for (int bit = 64 * _n - 4; bit >= 0; bit -= 4)
        {
            for (int s = 0; s < 4; s++)
                Mul(acc, acc, acc);
            int w = (int)((_pMinus2[bit / 64] >> (bit % 64)) & 15);
            if (w != 0)
                Mul(acc, table.Slice(w * _n, _n), acc);
        }
        t.Clear();
        t[0] = 1;
        Mul(acc, t, acc); // out of Montgomery form
        return new BigInteger(MemoryMarshal.AsBytes(acc), isUnsigned: true, isBigEndian: false);
    }

    /// <summary>r = a·b·R⁻¹ mod p (CIOS); a, b &lt; p; r may alias a or b.</summary>
    private void Mul(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> r)
    {
        int n = _n;
        Span<ulong> t = stackalloc ulong[MaxLimbs + 2];
        t.Clear();
        for (int i = 0; i < n; i++)
        {
            ulong carry = 0;
            ulong ai = a[i];
            for (int j = 0; j < n; j++)
            {
                ulong hi = Math.BigMul(ai, b[j], out ulong lo);
                lo += carry;
                hi += lo < carry ? 1UL : 0UL;
                ulong s = t[j] + lo;
                hi += s < lo ? 1UL : 0UL;
                t[j] = s;
                carry = hi;
            }
            ulong sum = t[n] + carry;
            t[n + 1] = sum < carry ? 1UL : 0UL;
            t[n] = sum;
            ulong m = t[0] * _pInv;
            ulong hi0 = Math.BigMul(m, _p[0], out ulong lo0);
            ulong s0 = t[0] + lo0;
            carry = hi0 + (s0 < lo0 ? 1UL : 0UL);
            for (int j = 1; j < n; j++)
            {
                ulong hi = Math.BigMul(m, _p[j], out ulong lo);
                lo += carry;
                hi += lo < carry ? 1UL : 0UL;
                ulong s = t[j] + lo;
                hi += s < lo ? 1UL : 0UL;
                t[j - 1] = s;
                carry = hi;
            }
            sum = t[n] + carry;
            t[n - 1] = sum;
            t[n] = t[n + 1] + (sum < carry ? 1UL : 0UL);
        }
        // t < 2p: one conditional subtraction.
        bool geq = t[n] != 0;
        if (!geq)
        {
            geq = true;
            for (int j = n - 1; j >= 0; j--)
            {
                if (t[j] != _p[j])
                {
                    geq = t[j] > _p[j];
                    break;
                }
            }
        }
        if (geq)
        {
            ulong borrow = 0;
            for (int j = 0; j < n; j++)
            {
                ulong d = t[j] - _p[j];
                ulong b1 = t[j] < _p[j] ? 1UL : 0UL;
                ulong d2 = d - borrow;
                ulong b2 = d < borrow ? 1UL : 0UL;
                t[j] = d2;
                borrow = b1 | b2;
            }
        }
        t[..n].CopyTo(r);
    }

    private ulong[] ToLimbs(BigInteger v)
    {
        var limbs = new ulong[_n];
        WriteLimbs(v, limbs);
        return limbs;
    }

    private static void WriteLimbs(BigInteger v, Span<ulong> limbs)
    {
        limbs.Clear();
        if (!v.TryWriteBytes(MemoryMarshal.AsBytes(limbs), out _, isUnsigned: true, isBigEndian: false))
            throw new ArgumentOutOfRangeException(nameof(v), "value does not fit the modulus' limbs");
    }
}
