using System.Numerics;
using System.Text.Json;

namespace Prover.Witness.Formats;

/// <summary>
/// Field access on <see cref="JsonElement"/> objects with clear errors (the path is part of each
/// message). Quantities may be JSON numbers or strings; data must be hex strings.
/// </summary>
internal static class Json
{
    public static JsonElement Get(this JsonElement obj, string name, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: expected an object, got {obj.ValueKind}");
        if (!obj.TryGetProperty(name, out var value))
            throw new FormatException($"{path}.{name}: missing");
        return value;
    }

    /// <summary>The first of several spellings that is present and not null, or null.</summary>
    public static JsonElement? Find(this JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var n in names)
            if (obj.TryGetProperty(n, out var v) && v.ValueKind != JsonValueKind.Null)
                return v;
        return null;
    }

    public static JsonElement Require(this JsonElement obj, string path, params ReadOnlySpan<string> names) =>
        obj.Find(names) ?? throw new FormatException($"{path}.{names[0]}: missing");

    public static string Text(this JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.String => String(e, path),
        JsonValueKind.Number => e.GetRawText(),
        _ => throw new FormatException($"{path}: expected a string, got {e.ValueKind}"),
    };

    /// <summary>A string value; an escaped lone surrogate ("\ud800") cannot become a .NET string and is a format error.</summary>
    private static string String(JsonElement e, string path)
    {
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    public static byte[] Data(this JsonElement e, string path) => Hex.ParseData(e.Text(path), path);

    public static byte[] Fixed(this JsonElement e, int size, string path) => Hex.ParseFixed(e.Text(path), size, path);

    public static BigInteger Quantity(this JsonElement e, string path, int bits = 256) => Hex.ParseQuantity(e.Text(path), path, bits);

    public static ulong UInt64(this JsonElement e, string path) => (ulong)Hex.ParseQuantity(e.Text(path), path, 64);

    public static JsonElement.ArrayEnumerator Array(this JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw new FormatException($"{path}: expected an array, got {e.ValueKind}");

    public static List<byte[]> DataList(this JsonElement e, string path)
    {
        var list = new List<byte[]>();
        int i = 0;
        foreach (var item in e.Array(path))
            list.Add(item.Data($"{path}[{i++}]"));
        return list;
    }
}
