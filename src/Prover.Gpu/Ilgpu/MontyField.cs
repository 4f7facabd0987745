using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// A 31-bit Montgomery field as ILGPU device code (R = 2^32, elements canonical in [0, p)): exactly the
/// arithmetic of <see cref="MontyField31{TParams}"/> and of native/kernels/field.h, so every result is the
/// same word as on the CPU. A kernel argument (blittable): the modulus and p⁻¹ mod 2^32 travel with each
/// launch, so one compiled kernel serves every 31-bit field.
/// </summary>
public readonly struct MontyField
{
    public MontyField(uint p, uint mu)
    {
        P = p;
        Mu = mu;
    }

    public uint P { get; }

    /// <summary>p⁻¹ mod 2^32.</summary>
    public uint Mu { get; }

    public static MontyField Of<TParams>() where TParams : struct, IMontyParameters => new(TParams.P, TParams.MontyMu);

    /// <summary>
    /// x &lt; p·2^32 → x·2^−32 mod p in [0, p). u agrees with x in the low 32 bits, so (x − u)/2^32 is
    /// exact and lies in (−p, p); one conditional add makes it canonical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Reduce(ulong x)
    {
        uint t = (uint)x * Mu;
        ulong u = (ulong)t * P;
        uint hi = (uint)((x - u) >> 32);
        return x < u ? hi + P : hi;
    }

    /// <summary>a + b, both &lt; p &lt; 2^31, so the sum does not wrap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Add(uint a, uint b)
    {
        uint s = a + b;
        return s >= P ? s - P : s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Sub(uint a, uint b)
    {
        uint d = a - b;
        return a < b ? d + P : d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Mul(uint a, uint b) => Reduce((ulong)a * b);

    /// <summary>a^(p−2) = a^−1 for a ≠ 0 (0 for 0), left to right from the top bit of p − 2.</summary>
    public uint Inverse(uint a)
    {
        uint exponent = P - 2u;
        int top = 31;
        while (top > 0 && ((exponent >> top) & 1u) == 0u)
            top--;
        uint r = a;
        for (int b = top - 1; b >= 0; b--)
        {
            r = Mul(r, r);
            if (((exponent >> b) & 1u) != 0u)
                r = Mul(r, a);
        }
        return r;
    }

    /// <summary>x/2 (linear, so exact in Montgomery form as well).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Halve(uint v) => (v & 1u) == 0u ? v >> 1 : (v + P) >> 1;

    /// <summary>Reverses the low <paramref name="bits"/> bits of x (bits in 0..32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BitReverse(uint x, int bits)
    {
        x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
        x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
        x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
        x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
        x = (x >> 16) | (x << 16);
        return bits == 0 ? 0u : x >> (32 - bits);
    }
}
