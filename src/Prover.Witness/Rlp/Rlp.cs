using System.Numerics;

namespace Prover.Witness.Rlp;

/// <summary>One-shot RLP encoders (Yellow Paper, appendix B) for the common shapes.</summary>
public static class Rlp
{
    /// <summary>The encoding of the empty string, 0x80 (also integer zero).</summary>
    public const byte EmptyString = 0x80;

    /// <summary>The encoding of the empty list, 0xc0.</summary>
    public const byte EmptyList = 0xc0;

    /// <summary>Encodes a byte string.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < 0x80)
            return [value[0]];
        var result = new byte[PrefixLength(value.Length) + value.Length];
        int prefix = WritePrefix(result, value.Length, isList: false);
        value.CopyTo(result.AsSpan(prefix));
        return result;
    }

    /// <summary>Encodes an unsigned integer.</summary>
    public static byte[] EncodeUInt64(ulong value) => new RlpWriter(16).WriteUInt64(value).ToArray();

    /// <summary>Encodes a non-negative integer of at most 256 bits.</summary>
    public static byte[] EncodeBigInteger(BigInteger value) => new RlpWriter(40).WriteBigInteger(value).ToArray();

    /// <summary>Encodes a list whose items are given already encoded.</summary>
    public static byte[] EncodeList(params ReadOnlySpan<byte[]> encodedItems)
    {
        long payloadLength = 0;
        foreach (byte[] item in encodedItems)
            payloadLength += item.Length;
        if (payloadLength > Array.MaxLength - 9)
            throw new InvalidOperationException("RLP list too large.");
        var result = new byte[PrefixLength((int)payloadLength) + (int)payloadLength];
        int offset = WritePrefix(result, (int)payloadLength, isList: true);
        foreach (byte[] item in encodedItems)
        {
            item.CopyTo(result, offset);
            offset += item.Length;
        }

        return result;
    }

    /// <summary>Size of the prefix of a string (longer than one byte) or list with this payload length.</summary>
    public static int PrefixLength(int payloadLength) =>
        payloadLength < 56 ? 1 : 1 + ByteLength((uint)payloadLength);

    /// <summary>Size of the whole encoding of a byte string.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> value) =>
        value.Length == 1 && value[0] < 0x80 ? 1 : PrefixLength(value.Length) + value.Length;

    /// <summary>Writes a string or list prefix for a payload of the given length; returns the prefix size.</summary>
    public static int WritePrefix(Span<byte> destination, int payloadLength, bool isList)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        byte shortBase = isList ? (byte)0xc0 : (byte)0x80;
        if (payloadLength < 56)
        {
            destination[0] = (byte)(shortBase + payloadLength);
            return 1;
        }

        int lengthOfLength = ByteLength((uint)payloadLength);
        destination[0] = (byte)(shortBase + 55 + lengthOfLength);
        for (int i = lengthOfLength; i >= 1; i--)
        {
            destination[i] = (byte)payloadLength;
            payloadLength >>= 8;
        }

        return 1 + lengthOfLength;
    }

    private static int ByteLength(uint value) => (32 - BitOperations.LeadingZeroCount(value) + 7) / 8;
}
