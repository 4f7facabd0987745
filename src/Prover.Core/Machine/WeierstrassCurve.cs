using System.Globalization;
using System.Numerics;

namespace Prover.Core.Machine;

/// <summary>
/// A short-Weierstrass curve y² = x³ + b (a = 0) over a prime field of <see cref="Limbs"/> 64-bit limbs, with the syscall
/// numbers of its affine point addition and doubling (issue 15). The machine and the point chips
/// (Zkvm/EllipticCurve) read the field prime from here; adding a curve is adding an instance (and registry entries).
/// The point operations below are the machine's semantics, and the BigInteger reference the chips' trace generation
/// uses: coordinates are taken modulo <see cref="P"/>, results are fully reduced.
/// </summary>
public sealed class WeierstrassCurve
{
    private WeierstrassCurve(string name, string primeHex, int limbs, ulong addNumber, ulong doubleNumber)
    {
        Name = name;
        P = BigInteger.Parse("0" + primeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Limbs = limbs;
        AddNumber = addNumber;
        DoubleNumber = doubleNumber;
        if (P.GetBitLength() > 64 * limbs || P.IsEven)
            throw new ArgumentException($"{name}: the prime does not fit {limbs} limbs");
        _field = new MontgomeryModulus(P);
    }

    private readonly MontgomeryModulus _field;

    /// <summary>secp256k1: p = 2^256 − 2^32 − 977.</summary>
    public static WeierstrassCurve Secp256k1 { get; } = new("secp256k1",
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 4, Syscall.Secp256k1Add, Syscall.Secp256k1Double);

    /// <summary>bn254 (alt_bn128) G1: y² = x³ + 3.</summary>
    public static WeierstrassCurve Bn254 { get; } = new("bn254",
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 4, Syscall.Bn254Add, Syscall.Bn254Double);

    /// <summary>BLS12-381 G1: y² = x³ + 4, 381-bit prime in 6 limbs.</summary>
    public static WeierstrassCurve Bls12381 { get; } = new("bls12381",
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 6, Syscall.Bls12381Add, Syscall.Bls12381Double);

    /// <summary>Every curve with point syscalls.</summary>
    public static IReadOnlyList<WeierstrassCurve> All { get; } = [Secp256k1, Bn254, Bls12381];

    public string Name { get; }

    /// <summary>The field prime.</summary>
    public BigInteger P { get; }

    /// <summary>64-bit limbs per coordinate.</summary>
    public int Limbs { get; }

    public ulong AddNumber { get; }

    public ulong DoubleNumber { get; }

    /// <summary>The curve and operation of a point syscall number, or null.</summary>
    public static (WeierstrassCurve Curve, bool IsDouble)? Of(ulong number)
    {
        foreach (var c in All)
        {
            if (number == c.AddNumber)
                return (c, false);
            if (number == c.DoubleNumber)
                return (c, true);
        }
        return null;
    }

    /// <summary>(x1, y1) + (x2, y2) for x1 ≢ x2 (mod p); null when x1 ≡ x2 (the operation is not defined there).</summary>
    public (BigInteger X, BigInteger Y)? Add(BigInteger x1, BigInteger y1, BigInteger x2, BigInteger y2)
    {
        var dx = Mod(x2 - x1);
        if (dx.IsZero)
            return null;
        var lambda = Mod((y2 - y1) * Inverse(dx));
        var x3 = Mod(lambda * lambda - x1 - x2);
        return (x3, Mod(lambda * (x1 - x3) - y1));
    }

    /// <summary>2·(x, y) on an a = 0 curve for y ≢ 0 (mod p); null when y ≡ 0.</summary>
    public (BigInteger X, BigInteger Y)? Double(BigInteger x, BigInteger y)
    {
        var twoY = Mod(2 * y);
        if (twoY.IsZero)
            return null;
        var lambda = Mod(3 * x * x * Inverse(twoY));
        var x3 = Mod(lambda * lambda - 2 * x);
        return (x3, Mod(lambda * (x - x3) - y));
    }

    /// <summary>a⁻¹ mod p (a^(p−2): 0 for a ≡ 0), in limb arithmetic (<see cref="MontgomeryModulus"/>), not BigInteger.ModPow.</summary>
    public BigInteger Inverse(BigInteger a) => _field.Inverse(a);

    /// <summary>The canonical residue in [0, p).</summary>
    public BigInteger Mod(BigInteger v)
    {
        var r = BigInteger.Remainder(v, P);
        return r.Sign < 0 ? r + P : r;
    }
}
