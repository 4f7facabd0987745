using System.Text;
using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;

namespace Prover.Witness.Tests.Formats;

/// <summary>
/// Fuzzing findings in JSON input (docs/design.md, "Fuzzing"): invalid UTF-8 inside a string, an escaped lone
/// surrogate in a value or a property name, and a fixture whose "blocks" is not an array each surfaced as an
/// <see cref="InvalidOperationException"/> from System.Text.Json deep inside the converter (a crash of
/// <c>prover convert</c>); each is now a <see cref="FormatException"/> naming where.
/// </summary>
public sealed class JsonInputTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Raw_System_Text_Json_throws_InvalidOperationException_on_these_inputs()
    {
        // The failure mode the checks exist for: parsing succeeds, reading the string later throws.
        using var doc = JsonDocument.Parse(Utf8("{\"a\":\"\\ud800\"}"));
        Assert.Throws<InvalidOperationException>(() => doc.RootElement.GetProperty("a").GetString());
        using var bad = JsonDocument.Parse((byte[])[.. Utf8("{\"a\":\"x"), 0xFF, .. Utf8("\"}")]);
        Assert.Throws<InvalidOperationException>(() => bad.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void Invalid_utf8_is_a_format_error_with_its_position()
    {
        var prefix = Utf8("{\"t\":{\"network\":\"Cancun\",\"blocks\":[{\"rlp\":\"0x");
        byte[] bytes = [.. prefix, 0xFF, .. Utf8("\"}]}}")];
        var e = Assert.Throws<FormatException>(() => JsonInput.Parse(bytes, "f.json"));
        Assert.Equal($"f.json: not valid UTF-8 (byte {prefix.Length})", e.Message);
    }

    [Theory]
    [InlineData("{\"t\":{\"network\":\"\\ud800\",\"blocks\":[]}}", "input.t.network")]
    [InlineData("{\"\\ud800\":{\"network\":\"Cancun\"}}", "input")]
    [InlineData("[1, {\"x\": [\"\\udfff\"]}]", "input[1].x[0]")]
    public void Escaped_lone_surrogate_is_a_format_error(string json, string where)
    {
        var e = Assert.Throws<FormatException>(() => JsonInput.Parse(Utf8(json)));
        Assert.StartsWith(where + ":", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_and_depth_are_format_errors()
    {
        Assert.Throws<FormatException>(() => JsonInput.Parse(Utf8("{\"a\":")));
        Assert.Throws<FormatException>(() => JsonInput.Parse(Utf8(new string('[', 65) + new string(']', 65))));
        using var ok = JsonInput.Parse(Utf8(new string('[', 64) + new string(']', 64)));
        Assert.Equal(JsonValueKind.Array, ok.RootElement.ValueKind);
    }

    [Fact]
    public void Fixture_whose_blocks_is_not_an_array_is_a_format_error()
    {
        using var doc = JsonInput.Parse(Utf8("{\"t\":{\"network\":\"Cancun\",\"blocks\":5,\"genesisBlockHeader\":{}}}"));
        var e = Assert.Throws<FormatException>(() => InputConverter.Convert(doc.RootElement));
        Assert.Contains("t.blocks: expected an array", e.Message, StringComparison.Ordinal);
    }
}
