using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Prover.Witness.Conversion;

/// <summary>
/// secp256k1 public-key recovery (SEC 1 v2, §4.1.6) for transaction senders: given the signing hash
/// e, the signature (r, s) and the y-parity of R, Q = r⁻¹(s·R − e·G). The curve arithmetic is
/// BouncyCastle's (its optimised secp256k1 field and GLV endomorphism, <c>CustomNamedCurves</c>); this file only checks ranges and assembles the formula.
/// </summary>
public static class SenderRecovery
{
    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");
    private static readonly BigInteger N = Curve.N;

    /// <summary>Half the group order: signatures with s above it are not canonical (EIP-2).</summary>
    public static readonly System.Numerics.BigInteger HalfN =
        new(Curve.N.ShiftRight(1).ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    /// <summary>
    /// Recovers the 65-byte uncompressed key (0x04 || x || y). Returns false when r or s is out of
    /// [1, n), the parity is not 0 or 1, r is not the x of a curve point, or the result is infinity.
    /// </summary>
    public static bool TryRecover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> r32, ReadOnlySpan<byte> s32, int yParity, out byte[] publicKey)
    {
        publicKey = [];
        if (hash32.Length != 32 || r32.Length > 32 || s32.Length > 32 || yParity is not (0 or 1))
            return false;
        var r = new BigInteger(1, r32.ToArray());
        var s = new BigInteger(1, s32.ToArray());
        if (r.SignValue <= 0 || r.CompareTo(N) >= 0 || s.SignValue <= 0 || s.CompareTo(N) >= 0)
            return false;
        ECPoint rPoint;
        try
        {
            var compressed = new byte[33];
            compressed[0] = (byte)(0x02 + yParity);
            byte[] rb = r.ToByteArrayUnsigned();
            rb.CopyTo(compressed, 33 - rb.Length);
            rPoint = Curve.Curve.DecodePoint(compressed);
        }
        catch (ArgumentException)
        {
            return false; // r is not the x coordinate of a point on the curve
        }
        var e = new BigInteger(1, hash32.ToArray()).Mod(N);
        var rInv = r.ModInverse(N);
        var u1 = e.Negate().Multiply(rInv).Mod(N);
        var u2 = s.Multiply(rInv).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Curve.G, u1, rPoint, u2).Normalize();
        if (q.IsInfinity)
            return false;
        publicKey = q.GetEncoded(false);
        return publicKey.Length == 65;
    }
}
