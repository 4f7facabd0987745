using Prover.Witness.Rlp;
using Prover.Witness.Ssz;

namespace Prover.Witness.Model;

/// <summary>
/// A block: header, transactions in canonical encoding, ommer headers (RLP) and withdrawals. EIP-7685
/// requests are not part of the block body; when known they travel beside it (<see cref="Requests"/>).
/// </summary>
public sealed class Block
{
    public required BlockHeader Header { get; init; }
    public required byte[][] Transactions { get; init; }
    public byte[][] Ommers { get; init; } = [];
    /// <summary>Null before Shanghai (no withdrawals list in the body).</summary>
    public Withdrawal[]? Withdrawals { get; init; }
    /// <summary>Execution requests when the source provides them; null when unknown.</summary>
    public ExecutionRequests? Requests { get; init; }

    /// <summary>Decodes <c>rlp([header, transactions, ommers, withdrawals?])</c>.</summary>
    public static Block Decode(ReadOnlySpan<byte> rlp)
    {
        var outer = new RlpReader(rlp);
        var r = outer.ReadList();
        outer.CheckEnd();
        var header = BlockHeader.Read(ref r);
        var txList = r.ReadList();
        var txs = new List<byte[]>();
        while (txList.HasMore)
        {
            // A legacy transaction is the list itself; a typed one is a string holding type || payload.
            if (txList.IsList)
            {
                txs.Add(txList.ReadRaw().ToArray());
                continue;
            }
            int at = txList.Position;
            var typed = txList.ReadBytes();
            if (typed.IsEmpty || typed[0] >= 0x80)
                throw new RlpException($"transaction {txs.Count}: a typed transaction must start with its type byte (0x01-0x7f)", at);
            txs.Add(typed.ToArray());
        }
        var ommerList = r.ReadList();
        var ommers = new List<byte[]>();
        while (ommerList.HasMore)
            ommers.Add(ommerList.ReadRaw().ToArray());
        Withdrawal[]? withdrawals = null;
        if (r.HasMore)
        {
            var wl = r.ReadList();
            var list = new List<Withdrawal>();
            while (wl.HasMore)
                list.Add(ReadWithdrawal(ref wl));
            withdrawals = [.. list];
        }
        r.CheckEnd();
        return new Block { Header = header, Transactions = [.. txs], Ommers = [.. ommers], Withdrawals = withdrawals };
    }

    private static Withdrawal ReadWithdrawal(ref RlpReader reader)
    {
        var w = reader.ReadList();
        var result = new Withdrawal(w.ReadUInt64(), w.ReadUInt64(), w.ReadBytes(20), w.ReadUInt64());
        w.CheckEnd();
        return result;
    }

    /// <summary>RLP of a withdrawal as the withdrawals trie holds it (EIP-4895).</summary>
    public static byte[] EncodeWithdrawal(Withdrawal w) =>
        new RlpWriter(64).StartList().WriteUInt64(w.Index).WriteUInt64(w.ValidatorIndex).WriteBytes(w.Address)
            .WriteUInt64(w.Amount).EndList().ToArray();
}
