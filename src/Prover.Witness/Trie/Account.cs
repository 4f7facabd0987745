using System.Numerics;
using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Trie;

/// <summary>
/// An account as the state trie stores it (Yellow Paper, section 4.1): RLP of
/// [nonce, balance, storageRoot, codeHash].
/// </summary>
public sealed record Account(ulong Nonce, BigInteger Balance, Hash256 StorageRoot, Hash256 CodeHash)
{
    /// <summary>keccak256 of empty code, c5d24601…5d85a470.</summary>
    public static readonly Hash256 EmptyCodeHash = Keccak256.HashToValue([]);

    /// <summary>A fresh account: nonce 0, balance 0, empty storage, no code.</summary>
    public static Account Empty { get; } = new(0, BigInteger.Zero, PatriciaTrie.EmptyRoot, EmptyCodeHash);

    /// <summary>EIP-161 emptiness: nonce 0, balance 0 and no code (storage is not considered).</summary>
    public bool IsEmpty => Nonce == 0 && Balance.IsZero && CodeHash == EmptyCodeHash;

    /// <summary>The RLP encoding stored in the state trie.</summary>
    public byte[] Encode()
    {
        Span<byte> hash = stackalloc byte[32];
        var writer = new RlpWriter(110);
        writer.StartList().WriteUInt64(Nonce).WriteBigInteger(Balance);
        StorageRoot.CopyTo(hash);
        writer.WriteBytes(hash);
        CodeHash.CopyTo(hash);
        writer.WriteBytes(hash);
        return writer.EndList().ToArray();
    }

    /// <summary>Decodes a state-trie value, canonical RLP only.</summary>
    /// <exception cref="RlpException">malformed or non-canonical.</exception>
    public static Account Decode(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        RlpReader fields = outer.ReadList();
        outer.CheckEnd();
        ulong nonce = fields.ReadUInt64();
        BigInteger balance = fields.ReadBigInteger();
        var storageRoot = new Hash256(fields.ReadFixedBytes(32));
        var codeHash = new Hash256(fields.ReadFixedBytes(32));
        fields.CheckEnd();
        return new Account(nonce, balance, storageRoot, codeHash);
    }
}
