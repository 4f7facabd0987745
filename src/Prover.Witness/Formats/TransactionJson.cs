using System.Numerics;
using System.Text.Json;
using Prover.Witness.Model;

namespace Prover.Witness.Formats;

/// <summary>
/// Transactions from JSON: the flat RPC / BlockchainTests object (<c>type</c>, <c>nonce</c>,
/// <c>gasPrice</c>/<c>maxFeePerGas</c>, ..., <c>v</c>, <c>r</c>, <c>s</c>), and the serde form of the
/// EF benchmark fixtures (<c>{"signature": {r, s, yParity}, "transaction": {"Eip1559": {...snake_case}}}</c>).
/// </summary>
public static class TransactionJson
{
    public static Transaction Parse(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String)
            return Transaction.Decode(e.Data(path)); // raw canonical encoding
        if (e.Find("transaction") is { } inner && e.Find("signature") is { } sig)
            return ParseSerde(inner, sig, path);
        return ParseFlat(e, path);
    }

    private static Transaction ParseSerde(JsonElement inner, JsonElement sig, string path)
    {
        if (inner.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}.transaction: expected an object");
        using var props = inner.EnumerateObject();
        if (!props.MoveNext())
            throw new FormatException($"{path}.transaction: empty");
        var kind = props.Current;
        if (props.MoveNext())
            throw new FormatException($"{path}.transaction: expected exactly one variant");
        byte type = kind.Name switch
        {
            "Legacy" => 0,
            "Eip2930" => 1,
            "Eip1559" => 2,
            "Eip4844" => 3,
            "Eip7702" => 4,
            _ => throw new FormatException($"{path}.transaction: unknown variant '{kind.Name}'"),
        };
        var t = kind.Value;
        string p = $"{path}.transaction.{kind.Name}";
        int parity = (int)(sig.Require($"{path}.signature", "yParity", "y_parity", "v").Quantity($"{path}.signature.yParity", 8) & 1);
        if (sig.Find("yParity", "y_parity") is { } yp && yp.Quantity($"{path}.signature.yParity", 8) > 1)
            throw new FormatException($"{path}.signature.yParity must be 0 or 1");
        BigInteger? chainId = t.Find("chain_id", "chainId") is { } c ? c.Quantity($"{p}.chain_id") : null;
        BigInteger v = type != 0 ? parity : chainId is { } id ? 35 + 2 * id + parity : 27 + parity;
        return Build(type, t, p, chainId, v, sig.Require($"{path}.signature", "r").Quantity($"{path}.signature.r"),
            sig.Require($"{path}.signature", "s").Quantity($"{path}.signature.s"));
    }

    private static Transaction ParseFlat(JsonElement t, string path)
    {
        byte type = t.Find("type") is { } ty ? (byte)ty.Quantity($"{path}.type", 8) : (byte)0;
        if (type > 4)
            throw new FormatException($"{path}.type: unsupported transaction type {type}");
        BigInteger? chainId = t.Find("chainId", "chain_id") is { } c ? c.Quantity($"{path}.chainId") : null;
        var v = t.Require(path, "v", "yParity").Quantity($"{path}.v");
        if (type == 0)
            chainId = v >= 35 ? (v - 35) / 2 : null; // EIP-155: the signed chain id is the one in v
        return Build(type, t, path, chainId, v, t.Require(path, "r").Quantity($"{path}.r"), t.Require(path, "s").Quantity($"{path}.s"));
    }

    private static Transaction Build(byte type, JsonElement t, string p, BigInteger? chainId, BigInteger v, BigInteger r, BigInteger s)
    {
        BigInteger Q(params string[] names) => t.Require(p, names).Quantity($"{p}.{names[0]}");
        BigInteger OptQ(params string[] names) => t.Find(names) is { } x ? x.Quantity($"{p}.{names[0]}") : BigInteger.Zero;
        byte[]? to = null;
        if (t.Find("to") is { } toElement && !(toElement.ValueKind == JsonValueKind.String && toElement.GetString() is "" or "0x" or "Create"))
            to = toElement.ValueKind == JsonValueKind.Object && toElement.Find("Call") is { } call
                ? call.Fixed(20, $"{p}.to.Call") : toElement.Fixed(20, $"{p}.to");
        if (type != 0 && chainId is null)
            throw new FormatException($"{p}: typed transaction without chainId");
        return new Transaction
        {
            Type = type,
            ChainId = chainId,
            Nonce = t.Require(p, "nonce").UInt64($"{p}.nonce"),
            GasPrice = type is 0 or 1 ? Q("gasPrice", "gas_price") : BigInteger.Zero,
            MaxPriorityFeePerGas = type >= 2 ? Q("maxPriorityFeePerGas", "max_priority_fee_per_gas") : BigInteger.Zero,
            MaxFeePerGas = type >= 2 ? Q("maxFeePerGas", "max_fee_per_gas") : BigInteger.Zero,
            GasLimit = t.Require(p, "gasLimit", "gas_limit", "gas").UInt64($"{p}.gasLimit"),
            To = to,
            Value = Q("value"),
            Data = t.Require(p, "data", "input").Data($"{p}.data"),
            AccessList = type >= 1 ? ParseAccessList(t.Find("accessList", "access_list"), $"{p}.accessList") : [],
            MaxFeePerBlobGas = type == 3 ? Q("maxFeePerBlobGas", "max_fee_per_blob_gas") : OptQ("maxFeePerBlobGas"),
            BlobVersionedHashes = type == 3 ? FixedList(t.Require(p, "blobVersionedHashes", "blob_versioned_hashes"), 32, $"{p}.blobVersionedHashes") : [],
            AuthorizationList = type == 4 ? ParseAuthorizations(t.Require(p, "authorizationList", "authorization_list"), $"{p}.authorizationList") : [],
            V = v,
            R = r,
            S = s,
        };
    }

    private static AccessListEntry[] ParseAccessList(JsonElement? e, string path)
    {
        if (e is not { } list)
            return [];
        var result = new List<AccessListEntry>();
        int i = 0;
        foreach (var item in list.Array(path))
        {
            string p = $"{path}[{i++}]";
            result.Add(new AccessListEntry(item.Require(p, "address").Fixed(20, $"{p}.address"),
                FixedList(item.Require(p, "storageKeys", "storage_keys"), 32, $"{p}.storageKeys")));
        }
        return [.. result];
    }

    private static Authorization[] ParseAuthorizations(JsonElement list, string path)
    {
        var result = new List<Authorization>();
        int i = 0;
        foreach (var item in list.Array(path))
        {
            string p = $"{path}[{i++}]";
            var a = item.Find("inner") is { } inner ? inner : item; // serde nests the unsigned part
            result.Add(new Authorization(
                a.Require(p, "chainId", "chain_id").Quantity($"{p}.chainId"),
                a.Require(p, "address").Fixed(20, $"{p}.address"),
                a.Require(p, "nonce").UInt64($"{p}.nonce"),
                (byte)item.Require(p, "yParity", "y_parity", "v").Quantity($"{p}.yParity", 8),
                item.Require(p, "r").Quantity($"{p}.r"),
                item.Require(p, "s").Quantity($"{p}.s")));
        }
        return [.. result];
    }

    private static byte[][] FixedList(JsonElement e, int size, string path)
    {
        var result = new List<byte[]>();
        int i = 0;
        foreach (var item in e.Array(path))
            result.Add(item.Fixed(size, $"{path}[{i++}]"));
        return [.. result];
    }
}
