using System.IO.Compression;

namespace Prover.Witness.Formats;

/// <summary>
/// Reads an input file that may be gzip-compressed (RPC caches are shipped as <c>.json.gz</c>): the
/// gzip magic (1f 8b) selects decompression, anything else is returned as is.
/// </summary>
public static class InputFiles
{
    /// <summary>The largest decompressed input accepted (a whole mainnet block's witness is tens of MB).</summary>
    public const long MaxDecompressedBytes = 1L << 30;

    public static byte[] ReadAllBytes(string path) => Decompress(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Gunzips <paramref name="bytes"/> when they start with the gzip magic; a bomb past
    /// <see cref="MaxDecompressedBytes"/> is an error, never an unbounded allocation.</summary>
    public static byte[] Decompress(byte[] bytes, string name = "input")
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[1 << 16];
        try
        {
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                if (output.Length + n > MaxDecompressedBytes)
                    throw new FormatException($"{name}: decompresses to more than {MaxDecompressedBytes >> 20} MiB");
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"{name}: corrupt gzip data ({e.Message})", e);
        }
        return output.ToArray();
    }

    /// <summary>True when the (decompressed) bytes look like a JSON object rather than SSZ.</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> bytes)
    {
        int first = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && bytes[first] == (byte)'{';
    }
}
