using System.Text;

namespace Prover.Core.Stark;

/// <summary>
/// Names in proof files (statement, configuration) decoded strictly: invalid UTF-8 is a
/// <see cref="ProofFormatException"/>, not a replacement character, so that every accepted proof file has
/// exactly one encoding (found by fuzzing: "develo\xBBment" parsed and re-encoded differently).
/// </summary>
internal static class StrictUtf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The string, or a <see cref="ProofFormatException"/> saying "<paramref name="what"/> is not valid UTF-8".</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string what) =>
        TryDecode(bytes) ?? throw new ProofFormatException($"{what} is not valid UTF-8");

    /// <summary>The string, or null when the bytes are not valid UTF-8.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
