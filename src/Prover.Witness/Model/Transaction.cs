using System.Numerics;
using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Model;

/// <summary>One entry of an EIP-2930 access list.</summary>
public sealed record AccessListEntry(byte[] Address, byte[][] StorageKeys);

/// <summary>An EIP-7702 authorization tuple (signed by the authority, not the sender).</summary>
public sealed record Authorization(BigInteger ChainId, byte[] Address, ulong Nonce, byte YParity, BigInteger R, BigInteger S);

/// <summary>
/// A signed transaction of type 0 (legacy, EIP-155 or not), 1 (EIP-2930), 2 (EIP-1559), 3 (EIP-4844,
/// without the blob sidecar) or 4 (EIP-7702). <see cref="Encode"/> gives the canonical form that
/// execution payloads and the transactions trie carry: the RLP list for legacy, <c>type || rlp(payload)</c>
/// otherwise; <see cref="SigningHash"/> the hash the sender signed.
/// </summary>
public sealed class Transaction
{
    public byte Type { get; init; }
    /// <summary>Chain id: explicit for typed transactions; for legacy ones derived from v (EIP-155) or null.</summary>
    public BigInteger? ChainId { get; init; }
    public ulong Nonce { get; init; }
    /// <summary>Gas price (types 0, 1).</summary>
    public BigInteger GasPrice { get; init; }
    public BigInteger MaxPriorityFeePerGas { get; init; }
    public BigInteger MaxFeePerGas { get; init; }
    public ulong GasLimit { get; init; }
    /// <summary>Recipient, or null for contract creation (types 0–2).</summary>
    public byte[]? To { get; init; }
    public BigInteger Value { get; init; }
    public byte[] Data { get; init; } = [];
    public AccessListEntry[] AccessList { get; init; } = [];
    public BigInteger MaxFeePerBlobGas { get; init; }
    public byte[][] BlobVersionedHashes { get; init; } = [];
    public Authorization[] AuthorizationList { get; init; } = [];
    /// <summary>The signature's v as encoded: 27/28 or 35 + 2·chainId + parity for legacy, the y parity for typed.</summary>
    public BigInteger V { get; init; }
    public BigInteger R { get; init; }
    public BigInteger S { get; init; }

    /// <summary>The y parity of the signature point R (0 or 1), or -1 when v is not a valid value.</summary>
    public int YParity
    {
        get
        {
            if (Type != 0)
                return V == 0 ? 0 : V == 1 ? 1 : -1;
            if (V == 27 || V == 28)
                return (int)(V - 27);
            if (V >= 35)
                return (int)((V - 35) % 2);
            return -1;
        }
    }

    /// <summary>The canonical encoding (what the payload and transactions trie hold).</summary>
    public byte[] Encode() => EncodeWith(signature: true, forSigning: false);

    /// <summary>The hash the sender signed (EIP-155 for legacy transactions with a chain id, EIP-2718 types otherwise).</summary>
    public byte[] SigningHash() => Keccak256.Hash(EncodeWith(signature: false, forSigning: true));

    private byte[] EncodeWith(bool signature, bool forSigning)
    {
        var w = new RlpWriter(256 + Data.Length);
        if (Type != 0)
            w.WriteRaw([Type]);
        w.StartList();
        if (Type != 0)
            w.WriteBigInteger(ChainId ?? throw new InvalidOperationException("typed transaction without chain id"));
        w.WriteUInt64(Nonce);
        if (Type is 0 or 1)
        {
            w.WriteBigInteger(GasPrice);
        }
        else
        {
            w.WriteBigInteger(MaxPriorityFeePerGas);
            w.WriteBigInteger(MaxFeePerGas);
        }
        w.WriteUInt64(GasLimit);
        w.WriteBytes(To ?? []);
        w.WriteBigInteger(Value);
        w.WriteBytes(Data);
        if (Type != 0)
        {
            w.StartList();
            foreach (var entry in AccessList)
            {
                w.StartList().WriteBytes(entry.Address).StartList();
                foreach (var key in entry.StorageKeys)
                    w.WriteBytes(key);
                w.EndList().EndList();
            }
            w.EndList();
        }
        if (Type == 3)
        {
            w.WriteBigInteger(MaxFeePerBlobGas);
            w.StartList();
            foreach (var h in BlobVersionedHashes)
                w.WriteBytes(h);
            w.EndList();
        }
        if (Type == 4)
        {
            w.StartList();
            foreach (var a in AuthorizationList)
                w.StartList().WriteBigInteger(a.ChainId).WriteBytes(a.Address).WriteUInt64(a.Nonce)
                    .WriteUInt64(a.YParity).WriteBigInteger(a.R).WriteBigInteger(a.S).EndList();
            w.EndList();
        }
        if (signature)
        {
            w.WriteBigInteger(V).WriteBigInteger(R).WriteBigInteger(S);
        }
        else if (forSigning && Type == 0 && ChainId is { } legacyChainId)
        {
            w.WriteBigInteger(legacyChainId).WriteBytes([]).WriteBytes([]); // EIP-155: (chainId, 0, 0)
        }
        return w.EndList().ToArray();
    }

    /// <summary>
    /// Decodes the canonical form: a legacy RLP list, or a type byte 0x01–0x04 followed by the RLP
    /// payload. Anything else (unknown type, trailing bytes, non-canonical RLP) is an <see cref="RlpException"/>
    /// or <see cref="FormatException"/>.
    /// </summary>
    public static Transaction Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
            throw new FormatException("empty transaction");
        byte type = 0;
        var body = encoded;
        if (encoded[0] < 0xc0)
        {
            type = encoded[0];
            if (type is < 1 or > 4)
                throw new FormatException($"unsupported transaction type 0x{type:x2}");
            body = encoded[1..];
        }
        var outer = new RlpReader(body);
        var r = outer.ReadList();
        outer.CheckEnd();

        BigInteger? chainId = type != 0 ? r.ReadBigInteger() : null;
        ulong nonce = r.ReadUInt64();
        BigInteger gasPrice = 0, maxPriority = 0, maxFee = 0;
        if (type is 0 or 1)
            gasPrice = r.ReadBigInteger();
        else
        {
            maxPriority = r.ReadBigInteger();
            maxFee = r.ReadBigInteger();
        }
        ulong gasLimit = r.ReadUInt64();
        var toBytes = r.ReadBytes();
        if (toBytes.Length is not (0 or 20))
            throw new FormatException($"transaction 'to' must be empty or 20 bytes, got {toBytes.Length}");
        if (toBytes.Length == 0 && type is 3 or 4)
            throw new FormatException($"type {type} transactions cannot create contracts");
        byte[]? to = toBytes.Length == 0 ? null : toBytes.ToArray();
        var value = r.ReadBigInteger();
        var data = r.ReadBytes().ToArray();
        AccessListEntry[] accessList = [];
        if (type != 0)
            accessList = ReadAccessList(ref r);
        BigInteger maxFeePerBlobGas = 0;
        byte[][] blobHashes = [];
        if (type == 3)
        {
            maxFeePerBlobGas = r.ReadBigInteger();
            var list = r.ReadList();
            var hashes = new List<byte[]>();
            while (list.HasMore)
                hashes.Add(list.ReadBytes(32));
            blobHashes = [.. hashes];
        }
        Authorization[] auths = [];
        if (type == 4)
        {
            var list = r.ReadList();
            var items = new List<Authorization>();
            while (list.HasMore)
            {
                var a = list.ReadList();
                var chain = a.ReadBigInteger();
                var address = a.ReadBytes(20);
                ulong authNonce = a.ReadUInt64();
                ulong yParity = a.ReadUInt64();
                if (yParity > byte.MaxValue)
                    throw new FormatException($"authorization y parity {yParity} does not fit a byte");
                var auth = new Authorization(chain, address, authNonce, (byte)yParity, a.ReadBigInteger(), a.ReadBigInteger());
                a.CheckEnd();
                items.Add(auth);
            }
            auths = [.. items];
        }
        var v = r.ReadBigInteger();
        var rr = r.ReadBigInteger();
        var s = r.ReadBigInteger();
        r.CheckEnd();
        if (type == 0 && v >= 35)
            chainId = (v - 35) / 2;
        return new Transaction
        {
            Type = type, ChainId = chainId, Nonce = nonce, GasPrice = gasPrice, MaxPriorityFeePerGas = maxPriority,
            MaxFeePerGas = maxFee, GasLimit = gasLimit, To = to, Value = value, Data = data, AccessList = accessList,
            MaxFeePerBlobGas = maxFeePerBlobGas, BlobVersionedHashes = blobHashes, AuthorizationList = auths, V = v, R = rr, S = s,
        };
    }

    private static AccessListEntry[] ReadAccessList(ref RlpReader r)
    {
        var list = r.ReadList();
        var entries = new List<AccessListEntry>();
        while (list.HasMore)
        {
            var e = list.ReadList();
            var address = e.ReadBytes(20);
            var keys = e.ReadList();
            var keyList = new List<byte[]>();
            while (keys.HasMore)
                keyList.Add(keys.ReadBytes(32));
            e.CheckEnd();
            entries.Add(new AccessListEntry(address, [.. keyList]));
        }
        return [.. entries];
    }

    /// <summary>Recovers the sender's uncompressed public key; false when the signature is invalid.</summary>
    public bool TryRecoverPublicKey(out byte[] publicKey)
    {
        publicKey = [];
        int parity = YParity;
        if (parity < 0 || R.Sign <= 0 || S.Sign <= 0 || R.GetByteCount(true) > 32 || S.GetByteCount(true) > 32)
            return false;
        Span<byte> r = stackalloc byte[32], s = stackalloc byte[32];
        r.Clear();
        s.Clear();
        R.TryWriteBytes(r[(32 - R.GetByteCount(true))..], out _, isUnsigned: true, isBigEndian: true);
        S.TryWriteBytes(s[(32 - S.GetByteCount(true))..], out _, isUnsigned: true, isBigEndian: true);
        return Conversion.SenderRecovery.TryRecover(SigningHash(), r, s, parity, out publicKey);
    }

    /// <summary>The 20-byte address of a public key: the last 20 bytes of keccak256(x || y).</summary>
    public static byte[] AddressOf(ReadOnlySpan<byte> publicKey65) => Keccak256.Hash(publicKey65[1..])[12..];
}
