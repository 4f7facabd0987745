using System.Diagnostics;

namespace Prover.Witness.Trie;

/// <summary>
/// Nibble paths (one nibble per byte, high nibble of each key byte first) and the hex-prefix
/// encoding of paths in leaf and extension nodes (Yellow Paper, appendix C).
/// </summary>
internal static class Nibbles
{
    public static byte[] FromKey(ReadOnlySpan<byte> key)
    {
        var path = new byte[2 * key.Length];
        FromKey(key, path);
        return path;
    }

    /// <summary>Writes the 2·key.Length nibbles of <paramref name="key"/> into <paramref name="path"/>.</summary>
    public static void FromKey(ReadOnlySpan<byte> key, Span<byte> path)
    {
        Debug.Assert(path.Length == 2 * key.Length);
        for (int i = 0; i < key.Length; i++)
        {
            path[2 * i] = (byte)(key[i] >> 4);
            path[2 * i + 1] = (byte)(key[i] & 0x0f);
        }
    }

    /// <summary>Packs an even-length nibble path back into bytes.</summary>
    public static byte[] ToKey(ReadOnlySpan<byte> path)
    {
        Debug.Assert(path.Length % 2 == 0);
        var key = new byte[path.Length / 2];
        for (int i = 0; i < key.Length; i++)
            key[i] = (byte)((path[2 * i] << 4) | path[2 * i + 1]);
        return key;
    }

    public static int CommonPrefixLength(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.CommonPrefixLength(b);

    public static byte[] Concat(byte first, ReadOnlySpan<byte> rest)
    {
        var result = new byte[1 + rest.Length];
        result[0] = first;
        rest.CopyTo(result.AsSpan(1));
        return result;
    }

    public static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        return result;
    }

    /// <summary>
    /// Hex-prefix encoding: the first nibble is a flag, 2 for a leaf plus 1 when the path has odd
    /// length; an odd path's first nibble shares the flag byte, an even path gets a zero nibble.
    /// </summary>
    public static byte[] HexPrefixEncode(ReadOnlySpan<byte> path, bool isLeaf)
    {
        bool odd = (path.Length & 1) == 1;
        int flag = (isLeaf ? 2 : 0) + (odd ? 1 : 0);
        var result = new byte[path.Length / 2 + 1];
        int nibble = 0;
        if (odd)
        {
            result[0] = (byte)((flag << 4) | path[0]);
            nibble = 1;
        }
        else
        {
            result[0] = (byte)(flag << 4);
        }

        for (int i = 1; i < result.Length; i++, nibble += 2)
            result[i] = (byte)((path[nibble] << 4) | path[nibble + 1]);
        return result;
    }

    /// <summary>Decodes a hex-prefix path; rejects unknown flags and a non-zero padding nibble.</summary>
    public static byte[] HexPrefixDecode(ReadOnlySpan<byte> encoded, out bool isLeaf)
    {
        if (encoded.IsEmpty)
            throw new InvalidTrieNodeException("empty hex-prefix path");
        int flag = encoded[0] >> 4;
        if (flag > 3)
            throw new InvalidTrieNodeException($"hex-prefix flag {flag} is not 0-3");
        isLeaf = flag >= 2;
        bool odd = (flag & 1) == 1;
        if (!odd && (encoded[0] & 0x0f) != 0)
            throw new InvalidTrieNodeException("hex-prefix padding nibble is not zero");
        var path = new byte[2 * (encoded.Length - 1) + (odd ? 1 : 0)];
        int n = 0;
        if (odd)
            path[n++] = (byte)(encoded[0] & 0x0f);
        for (int i = 1; i < encoded.Length; i++)
        {
            path[n++] = (byte)(encoded[i] >> 4);
            path[n++] = (byte)(encoded[i] & 0x0f);
        }

        return path;
    }
}
