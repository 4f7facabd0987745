using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Model;

namespace Prover.Witness.Formats;

/// <summary>
/// A <c>debug_executionWitness</c> result: trie nodes, bytecodes, key preimages and ancestor
/// headers (RLP, oldest first, the parent last).
/// </summary>
public sealed class ExecutionWitnessData
{
    public required List<byte[]> State { get; init; }
    public required List<byte[]> Codes { get; init; }
    public required List<byte[]> Keys { get; init; }
    /// <summary>Ancestor headers as RLP, ascending; the last one is the parent of the witnessed block.</summary>
    public required List<byte[]> Headers { get; init; }

    /// <summary>
    /// Parses the witness object. Accepts a JSON-RPC envelope (<c>{"result": {...}}</c>), lists of hex
    /// strings (reth, geth), the older map form <c>{hash: preimage}</c> (each preimage is checked
    /// against its hash), and headers as RLP hex (reth) or JSON header objects (geth).
    /// </summary>
    public static ExecutionWitnessData Parse(JsonElement e, string path = "witness")
    {
        if (e.ValueKind == JsonValueKind.Object && e.Find("result") is { } result && e.Find("jsonrpc", "id") is not null)
        {
            e = result;
            path += ".result";
        }
        if (e.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: expected an object with state, codes, keys and headers");
        return new ExecutionWitnessData
        {
            State = Items(e.Find("state"), $"{path}.state", checkHashes: true),
            Codes = Items(e.Find("codes"), $"{path}.codes", checkHashes: true),
            Keys = Items(e.Find("keys"), $"{path}.keys", checkHashes: true),
            Headers = ParseHeaders(e.Require(path, "headers"), $"{path}.headers"),
        };
    }

    private static List<byte[]> Items(JsonElement? e, string path, bool checkHashes)
    {
        var list = new List<byte[]>();
        if (e is not { } value)
            return list; // geth leaves keys out; absent means empty
        if (value.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in value.EnumerateArray())
                list.Add(item.Data($"{path}[{i++}]"));
            return list;
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in value.EnumerateObject())
            {
                string p = $"{path}[{prop.Name}]";
                var hash = Hex.ParseFixed(prop.Name, 32, p);
                var preimage = prop.Value.Data(p);
                if (checkHashes && !Keccak256.Hash(preimage).AsSpan().SequenceEqual(hash))
                    throw new FormatException($"{p}: keccak256 of the value does not match its key");
                list.Add(preimage);
            }
            return list;
        }
        throw new FormatException($"{path}: expected an array or a map of hex strings, got {value.ValueKind}");
    }

    private static List<byte[]> ParseHeaders(JsonElement e, string path)
    {
        var list = new List<byte[]>();
        int i = 0;
        foreach (var item in e.Array(path))
        {
            string p = $"{path}[{i++}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                var header = BlockHeader.FromJson(item, p);
                var rlp = header.Encode();
                // geth's objects carry their hash: if so it must match what the fields encode to.
                if (item.Find("hash") is { } h && !Keccak256.Hash(rlp).AsSpan().SequenceEqual(h.Fixed(32, $"{p}.hash")))
                    throw new FormatException($"{p}: the header fields do not hash to its 'hash'");
                list.Add(rlp);
            }
            else
            {
                var rlp = item.Data(p);
                BlockHeader.Decode(rlp); // must be a well-formed header
                list.Add(rlp);
            }
        }
        return list;
    }
}
