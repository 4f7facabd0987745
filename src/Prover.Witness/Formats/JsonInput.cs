using System.Text.Json;
using System.Text.Unicode;

namespace Prover.Witness.Formats;

/// <summary>
/// Parses JSON input files (fixtures, witnesses, blocks, chain configurations) for the converters. The
/// bytes must be UTF-8: System.Text.Json checks the encoding of a string only when the string is read,
/// so invalid UTF-8 inside a value would otherwise surface later as an <see cref="InvalidOperationException"/>
/// from deep inside a converter (found by fuzzing, docs/design.md "Fuzzing"); so would an escaped lone
/// surrogate, checked here too. Nesting is limited to <see cref="MaxDepth"/>. Every failure is a
/// <see cref="FormatException"/>.
/// </summary>
public static class JsonInput
{
    /// <summary>Deepest nesting accepted (fixtures nest about 8 deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>The parsed document; throws <see cref="FormatException"/> for invalid UTF-8 or JSON.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string name = "input")
    {
        var span = utf8.Span;
        if (!Utf8.IsValid(span))
        {
            int bad = FirstInvalid(span);
            throw new FormatException($"{name}: not valid UTF-8 (byte {bad})");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name}: not valid JSON ({e.Message})", e);
        }
        try
        {
            CheckStrings(doc.RootElement, name);
        }
        catch
        {
            doc.Dispose();
            throw;
        }
        return doc;
    }

    /// <summary>
    /// Every string and property name must unescape to a .NET string: JSON allows an escaped lone surrogate
    /// ("\ud800"), which <see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> refuse with an
    /// <see cref="InvalidOperationException"/> (found by fuzzing). One pass here, so the converters never meet one.
    /// </summary>
    private static void CheckStrings(JsonElement e, string path)
    {
        try
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    _ = e.GetString();
                    break;
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (var item in e.EnumerateArray())
                        CheckStrings(item, $"{path}[{i++}]");
                    break;
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                        CheckStrings(p.Value, $"{path}.{p.Name}");
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    private static int FirstInvalid(ReadOnlySpan<byte> span)
    {
        int lo = 0, hi = span.Length;
        // Longest valid prefix by bisection (a prefix cut inside a sequence is invalid, so this finds the bad sequence's start or nearby).
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Utf8.IsValid(span[..mid])) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
