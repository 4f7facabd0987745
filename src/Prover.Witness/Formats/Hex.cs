using System.Globalization;
using System.Numerics;

namespace Prover.Witness.Formats;

/// <summary>
/// Strict hex parsing for the JSON formats: data is <c>0x</c> followed by an even number of hex
/// digits; quantities are <c>0x</c>-prefixed hex (leading zeros tolerated, as fixtures write
/// <c>0x00</c>) or decimal. Every failure is a <see cref="FormatException"/> naming the field.
/// </summary>
public static class Hex
{
    /// <summary>Parses <c>0x</c>-prefixed data with an even digit count.</summary>
    public static byte[] ParseData(string? text, string field)
    {
        if (text is null)
            throw new FormatException($"{field}: expected a 0x-prefixed hex string, got null");
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"{field}: hex data must start with 0x");
        var digits = text.AsSpan(2);
        if (digits.Length % 2 != 0)
            throw new FormatException($"{field}: hex data has an odd number of digits ({digits.Length})");
        var result = new byte[digits.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            int hi = Nibble(digits[2 * i]), lo = Nibble(digits[2 * i + 1]);
            if ((hi | lo) < 0)
                throw new FormatException($"{field}: invalid hex digit near position {2 + 2 * i}");
            result[i] = (byte)(hi << 4 | lo);
        }
        return result;
    }

    /// <summary>Parses data of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] ParseFixed(string? text, int size, string field)
    {
        var bytes = ParseData(text, field);
        if (bytes.Length != size)
            throw new FormatException($"{field}: expected {size} bytes, got {bytes.Length}");
        return bytes;
    }

    /// <summary>Parses a non-negative quantity below 2^<paramref name="bits"/>: 0x-hex or decimal.</summary>
    public static BigInteger ParseQuantity(string? text, string field, int bits = 256)
    {
        if (string.IsNullOrEmpty(text))
            throw new FormatException($"{field}: expected a quantity, got an empty value");
        BigInteger value;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var digits = text.AsSpan(2);
            if (digits.Length == 0 || digits.Length > bits / 4 + 64)
                throw new FormatException($"{field}: bad hex quantity length");
            value = BigInteger.Zero;
            foreach (char c in digits)
            {
                int n = Nibble(c);
                if (n < 0)
                    throw new FormatException($"{field}: invalid hex digit '{c}'");
                value = value << 4 | n;
            }
        }
        else
        {
            if (text.Length > 80 || !text.All(char.IsAsciiDigit))
                throw new FormatException($"{field}: quantity must be 0x-hex or decimal digits");
            value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (value.GetBitLength() > bits)
            throw new FormatException($"{field}: quantity does not fit in {bits} bits");
        return value;
    }

    public static ulong ParseUInt64(string? text, string field) => (ulong)ParseQuantity(text, field, 64);

    public static string ToHex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static int Nibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
