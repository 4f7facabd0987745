using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Guest;

namespace Prover.Node;

/// <summary>
/// One guest input with a name and, where the source says so, the expected verdict. For the Ethereum guest the
/// bytes are the canonical <c>StatelessInput</c> (schema id + SSZ).
/// </summary>
public sealed record BlockInput(string Name, byte[] Bytes, bool? ExpectedValid = null)
{
    /// <summary>The embedded example block (EEST Prague empty block).</summary>
    public static BlockInput Example() => new(EthereumGuest.DefaultInputName, EthereumGuest.DefaultInput(), true);

    /// <summary>A canonical input as it is (not parsed here: the guest and <see cref="ProverGuest.InputRoot"/> check it).</summary>
    public static BlockInput FromStatelessInput(byte[] bytes, string name = "input") => new(name, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    /// <summary>
    /// Every block of a fixture or witness JSON (BlockchainTests, <c>debug_executionWitness</c>, the legacy
    /// <c>{block, witness, chain_config}</c> form), converted to canonical inputs; blocks that cannot be converted
    /// are listed in <paramref name="failures"/>. Malformed JSON is a <see cref="JsonException"/>.
    /// </summary>
    public static IReadOnlyList<BlockInput> FromJson(ReadOnlySpan<byte> json, string name, out IReadOnlyList<string> failures)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        using var doc = JsonDocument.ParseValue(ref reader);
        var batch = InputConverter.Convert(doc.RootElement, name);
        failures = [.. batch.Failures.Select(f => f.ToString() ?? "")];
        return [.. batch.Results.Select(r => new BlockInput($"{r.Name} (block {r.BlockNumber})", r.Bytes, r.ExpectedValid))];
    }

    /// <summary>A file: JSON (fixture or witness, converted) when it starts with '{', else a canonical input.</summary>
    public static IReadOnlyList<BlockInput> FromFile(string path, out IReadOnlyList<string> failures)
    {
        var bytes = File.ReadAllBytes(path);
        int first = Array.FindIndex(bytes, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'));
        if (first >= 0 && bytes[first] == (byte)'{')
            return FromJson(bytes, Path.GetFileNameWithoutExtension(path), out failures);
        failures = [];
        return [FromStatelessInput(bytes, Path.GetFileName(path))];
    }
}
