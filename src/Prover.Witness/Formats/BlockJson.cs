using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Model;
using Prover.Witness.Ssz;

namespace Prover.Witness.Formats;

/// <summary>
/// Blocks from JSON: an RLP hex string; the EF benchmark shape <c>{header: {...}, body:
/// {transactions, ommers, withdrawals}}</c>; or an RPC block (<c>eth_getBlockByNumber</c> with full
/// transactions: header fields at the top level, <c>transactions</c>, <c>withdrawals</c>, optional
/// <c>hash</c> which must match, optional <c>requests</c> as EIP-7685 typed hex strings).
/// </summary>
public static class BlockJson
{
    public static Block Parse(JsonElement e, string path = "block")
    {
        if (e.ValueKind == JsonValueKind.String)
            return Block.Decode(e.Data(path));
        if (e.ValueKind == JsonValueKind.Object && e.Find("result") is { } result && e.Find("jsonrpc") is not null)
        {
            e = result;
            path += ".result";
        }
        JsonElement headerJson, body;
        string headerPath, bodyPath;
        if (e.Find("header") is { } header && e.Find("body") is { } b)
        {
            (headerJson, headerPath, body, bodyPath) = (header, $"{path}.header", b, $"{path}.body");
        }
        else
        {
            (headerJson, headerPath, body, bodyPath) = (e, path, e, path);
        }
        var h = BlockHeader.FromJson(headerJson, headerPath);
        if (headerJson.Find("hash") is { } hash && !Keccak256.Hash(h.Encode()).AsSpan().SequenceEqual(hash.Fixed(32, $"{headerPath}.hash")))
            throw new FormatException($"{headerPath}: the header fields do not hash to its 'hash'");

        var txs = new List<byte[]>();
        int i = 0;
        foreach (var tx in body.Require(bodyPath, "transactions").Array($"{bodyPath}.transactions"))
        {
            string p = $"{bodyPath}.transactions[{i++}]";
            if (tx.ValueKind == JsonValueKind.String && tx.GetString() is { Length: 66 })
                throw new FormatException($"{p}: a transaction hash; the block must carry full transactions");
            txs.Add(TransactionJson.Parse(tx, p).Encode());
        }
        var ommers = new List<byte[]>();
        if (body.Find("ommers", "uncles", "uncleHeaders") is { } ommerList)
        {
            i = 0;
            foreach (var o in ommerList.Array($"{bodyPath}.ommers"))
                ommers.Add(o.ValueKind == JsonValueKind.Object ? BlockHeader.FromJson(o, $"{bodyPath}.ommers[{i++}]").Encode() : o.Data($"{bodyPath}.ommers[{i++}]"));
        }
        Withdrawal[]? withdrawals = null;
        if (body.Find("withdrawals") is { } wl)
        {
            var list = new List<Withdrawal>();
            i = 0;
            foreach (var w in wl.Array($"{bodyPath}.withdrawals"))
            {
                string p = $"{bodyPath}.withdrawals[{i++}]";
                list.Add(new Withdrawal(w.Require(p, "index").UInt64($"{p}.index"),
                    w.Require(p, "validatorIndex", "validator_index").UInt64($"{p}.validatorIndex"),
                    w.Require(p, "address").Fixed(20, $"{p}.address"),
                    w.Require(p, "amount").UInt64($"{p}.amount")));
            }
            withdrawals = [.. list];
        }
        ExecutionRequests? requests = null;
        if (e.Find("requests", "executionRequests", "execution_requests") is { } reqs)
            requests = ExecutionRequests.FromTypedRequests(reqs.DataList($"{path}.requests"));
        return new Block { Header = h, Transactions = [.. txs], Ommers = [.. ommers], Withdrawals = withdrawals, Requests = requests };
    }
}
