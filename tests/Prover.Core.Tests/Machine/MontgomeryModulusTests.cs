using System.Globalization;
using System.Numerics;
using Prover.Core.Machine;

namespace Prover.Core.Tests.Machine;

/// <summary>The limb-arithmetic inverse the emulator and the point chips use equals BigInteger's Fermat inverse.</summary>
public class MontgomeryModulusTests
{
    public static TheoryData<string> Primes => new()
    {
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", // secp256k1 p
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", // secp256k1 n
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", // bn254 p
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", // BLS12-381 p
        "7f000001", // KoalaBear: one limb
        "ffffffffffffffc5", // the largest 64-bit prime: the top limb full
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff", // NIST P-384: six full limbs
        "7fffffffffffffffffffffffffffffff", // 2^127 − 1: two limbs
    };

    [Theory]
    [MemberData(nameof(Primes))]
    public void InverseEqualsFermatOnEdgeAndRandomValues(string primeHex)
    {
        var p = BigInteger.Parse("0" + primeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var field = new MontgomeryModulus(p);
        var rnd = new Random(7);
        var values = new List<BigInteger> { 0, 1, 2, 3, p - 1, p - 2, p, p + 1, 2 * p - 1, -1, -p - 5, p >> 1, (p >> 1) + 1 };
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[(int)(p.GetBitLength() / 8) + 9];
            rnd.NextBytes(bytes);
            values.Add(new BigInteger(bytes, isUnsigned: true));
        }
        foreach (var a in values)
        {
            var reduced = ((a % p) + p) % p;
            var expected = BigInteger.ModPow(reduced, p - 2, p);
            Assert.Equal(expected, field.Inverse(a));
            if (!reduced.IsZero)
                Assert.Equal(BigInteger.One, field.Inverse(a) * reduced % p);
        }
    }

    [Fact]
    public void EvenOrOversizedModuliAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new MontgomeryModulus(10));
        Assert.Throws<ArgumentException>(() => new MontgomeryModulus(1));
        Assert.Throws<ArgumentException>(() => new MontgomeryModulus((BigInteger.One << 400) + 1));
    }
}
