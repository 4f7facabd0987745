using System.Numerics;
using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Rlp;

namespace Prover.Witness.Model;

/// <summary>
/// An execution block header with the fields of every fork up to Prague/Osaka. The fields that later
/// forks appended (base fee: London, withdrawals root: Shanghai, blob gas and parent beacon root:
/// Cancun, requests hash: Prague) are null when absent; present ones must be a prefix of that order.
/// </summary>
public sealed class BlockHeader
{
    public required byte[] ParentHash { get; init; }
    public required byte[] OmmersHash { get; init; }
    public required byte[] Beneficiary { get; init; }
    public required byte[] StateRoot { get; init; }
    public required byte[] TransactionsRoot { get; init; }
    public required byte[] ReceiptsRoot { get; init; }
    public required byte[] LogsBloom { get; init; }
    public BigInteger Difficulty { get; init; }
    public ulong Number { get; init; }
    public ulong GasLimit { get; init; }
    public ulong GasUsed { get; init; }
    public ulong Timestamp { get; init; }
    public required byte[] ExtraData { get; init; }
    public required byte[] MixHash { get; init; }
    public required byte[] Nonce { get; init; }
    public BigInteger? BaseFeePerGas { get; init; }
    public byte[]? WithdrawalsRoot { get; init; }
    public ulong? BlobGasUsed { get; init; }
    public ulong? ExcessBlobGas { get; init; }
    public byte[]? ParentBeaconBlockRoot { get; init; }
    public byte[]? RequestsHash { get; init; }

    /// <summary>keccak256(rlp([])): the ommers hash of every post-merge block.</summary>
    public static readonly byte[] EmptyOmmersHash = Convert.FromHexString("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

    /// <summary>Root of the empty trie, keccak256(0x80).</summary>
    public static readonly byte[] EmptyTrieRoot = Convert.FromHexString("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    /// <summary>sha256 of nothing: the EIP-7685 requests hash of a block without requests.</summary>
    public static readonly byte[] EmptyRequestsHash = Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    public byte[] Encode()
    {
        CheckOptionalOrder();
        var w = new RlpWriter(640);
        w.StartList()
            .WriteBytes(ParentHash).WriteBytes(OmmersHash).WriteBytes(Beneficiary).WriteBytes(StateRoot)
            .WriteBytes(TransactionsRoot).WriteBytes(ReceiptsRoot).WriteBytes(LogsBloom).WriteBigInteger(Difficulty)
            .WriteUInt64(Number).WriteUInt64(GasLimit).WriteUInt64(GasUsed).WriteUInt64(Timestamp)
            .WriteBytes(ExtraData).WriteBytes(MixHash).WriteBytes(Nonce);
        if (BaseFeePerGas is { } baseFee) w.WriteBigInteger(baseFee);
        if (WithdrawalsRoot is { } wr) w.WriteBytes(wr);
        if (BlobGasUsed is { } bgu) w.WriteUInt64(bgu);
        if (ExcessBlobGas is { } ebg) w.WriteUInt64(ebg);
        if (ParentBeaconBlockRoot is { } pbr) w.WriteBytes(pbr);
        if (RequestsHash is { } rh) w.WriteBytes(rh);
        return w.EndList().ToArray();
    }

    /// <summary>The block hash: keccak256 of the RLP encoding.</summary>
    public byte[] Hash() => Keccak256.Hash(Encode());

    private void CheckOptionalOrder()
    {
        bool[] present = [BaseFeePerGas is not null, WithdrawalsRoot is not null, BlobGasUsed is not null,
            ExcessBlobGas is not null, ParentBeaconBlockRoot is not null, RequestsHash is not null];
        for (int i = 1; i < present.Length; i++)
            if (present[i] && !present[i - 1])
                throw new InvalidOperationException("header fork fields must be a prefix of (base fee, withdrawals root, blob gas used, excess blob gas, parent beacon root, requests hash)");
    }

    /// <summary>Decodes a header from its RLP encoding (exactly one item).</summary>
    public static BlockHeader Decode(ReadOnlySpan<byte> rlp)
    {
        var outer = new RlpReader(rlp);
        var header = Read(ref outer);
        outer.CheckEnd();
        return header;
    }

    /// <summary>Reads a header list item.</summary>
    public static BlockHeader Read(ref RlpReader reader)
    {
        var r = reader.ReadList();
        var h = new BlockHeader
        {
            ParentHash = r.ReadBytes(32),
            OmmersHash = r.ReadBytes(32),
            Beneficiary = r.ReadBytes(20),
            StateRoot = r.ReadBytes(32),
            TransactionsRoot = r.ReadBytes(32),
            ReceiptsRoot = r.ReadBytes(32),
            LogsBloom = r.ReadBytes(256),
            Difficulty = r.ReadBigInteger(),
            Number = r.ReadUInt64(),
            GasLimit = r.ReadUInt64(),
            GasUsed = r.ReadUInt64(),
            Timestamp = r.ReadUInt64(),
            ExtraData = r.ReadBytes().ToArray(),
            MixHash = r.ReadBytes(32),
            Nonce = r.ReadBytes(8),
            BaseFeePerGas = r.HasMore ? r.ReadBigInteger() : null,
            WithdrawalsRoot = r.HasMore ? r.ReadBytes(32) : null,
            BlobGasUsed = r.HasMore ? r.ReadUInt64() : null,
            ExcessBlobGas = r.HasMore ? r.ReadUInt64() : null,
            ParentBeaconBlockRoot = r.HasMore ? r.ReadBytes(32) : null,
            RequestsHash = r.HasMore ? r.ReadBytes(32) : null,
        };
        r.CheckEnd(); // a field this model does not know (e.g. Amsterdam's) is an error, not silently dropped
        return h;
    }

    /// <summary>
    /// Reads a JSON header in any of the spellings met in practice: Engine/RPC and geth
    /// (<c>parentHash</c>, <c>sha3Uncles</c>, <c>miner</c>, <c>transactionsRoot</c>, <c>logsBloom</c>),
    /// BlockchainTests (<c>uncleHash</c>, <c>coinbase</c>, <c>transactionsTrie</c>, <c>receiptTrie</c>,
    /// <c>bloom</c>) and the EF benchmark snake_case (<c>parent_hash</c>, <c>ommers_hash</c>,
    /// <c>beneficiary</c>, ...). Integers may be hex strings, decimal strings or JSON numbers.
    /// </summary>
    public static BlockHeader FromJson(JsonElement h, string path)
    {
        byte[] Fixed(int size, params string[] names) => h.Require(path, names).Fixed(size, $"{path}.{names[0]}");
        byte[]? OptFixed(int size, params string[] names) => h.Find(names) is { } v ? v.Fixed(size, $"{path}.{names[0]}") : null;
        ulong U64(params string[] names) => h.Require(path, names).UInt64($"{path}.{names[0]}");
        ulong? OptU64(params string[] names) => h.Find(names) is { } v ? v.UInt64($"{path}.{names[0]}") : null;

        var nonce = h.Find("nonce") is { } n ? NonceFromJson(n, $"{path}.nonce") : new byte[8];
        return new BlockHeader
        {
            ParentHash = Fixed(32, "parentHash", "parent_hash"),
            OmmersHash = Fixed(32, "sha3Uncles", "uncleHash", "ommers_hash", "ommersHash"),
            Beneficiary = Fixed(20, "miner", "coinbase", "beneficiary", "feeRecipient", "fee_recipient"),
            StateRoot = Fixed(32, "stateRoot", "state_root"),
            TransactionsRoot = Fixed(32, "transactionsRoot", "transactionsTrie", "transactions_root"),
            ReceiptsRoot = Fixed(32, "receiptsRoot", "receiptTrie", "receipts_root"),
            LogsBloom = Fixed(256, "logsBloom", "bloom", "logs_bloom"),
            Difficulty = h.Find("difficulty") is { } d ? d.Quantity($"{path}.difficulty") : BigInteger.Zero,
            Number = U64("number"),
            GasLimit = U64("gasLimit", "gas_limit"),
            GasUsed = U64("gasUsed", "gas_used"),
            Timestamp = U64("timestamp"),
            ExtraData = h.Require(path, "extraData", "extra_data").Data($"{path}.extraData"),
            MixHash = Fixed(32, "mixHash", "mix_hash", "prevRandao", "prev_randao"),
            Nonce = nonce,
            BaseFeePerGas = h.Find("baseFeePerGas", "base_fee_per_gas") is { } b ? b.Quantity($"{path}.baseFeePerGas") : null,
            WithdrawalsRoot = OptFixed(32, "withdrawalsRoot", "withdrawals_root"),
            BlobGasUsed = OptU64("blobGasUsed", "blob_gas_used"),
            ExcessBlobGas = OptU64("excessBlobGas", "excess_blob_gas"),
            ParentBeaconBlockRoot = OptFixed(32, "parentBeaconBlockRoot", "parent_beacon_block_root"),
            RequestsHash = OptFixed(32, "requestsHash", "requests_hash"),
        };
    }

    private static byte[] NonceFromJson(JsonElement e, string path)
    {
        // Usually 8 bytes of hex data; some dumps write it as a quantity.
        string text = e.Text(path);
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 18)
            return Hex.ParseData(text, path);
        ulong value = Hex.ParseUInt64(text, path);
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
