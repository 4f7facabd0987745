using System.Security.Cryptography;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using Prover.Witness.Trie;

namespace Prover.Witness.Conversion;

/// <summary>
/// Rebuilds the block header from a payload request, as the guest must (shared/docs/ETHEREUM.md):
/// ommers hash of the empty list, difficulty 0, nonce 0, mix_hash = prev_randao, the transactions
/// root from the list; the header ends at base_fee_per_gas for Paris; Shanghai adds the withdrawals
/// root; Cancun the blob fields and the parent beacon block root; Prague and later the EIP-7685
/// requests hash. keccak(RLP(header)) must equal the payload's block_hash.
/// </summary>
public static class HeaderReconstruction
{
    public static BlockHeader Rebuild(NewPayloadRequest request)
    {
        var p = request.ExecutionPayload;
        var fork = request.Fork;
        return new BlockHeader
        {
            ParentHash = p.ParentHash,
            OmmersHash = BlockHeader.EmptyOmmersHash,
            Beneficiary = p.FeeRecipient,
            StateRoot = p.StateRoot,
            TransactionsRoot = TrieRoots.OrderedRoot(p.Transactions).ToArray(),
            ReceiptsRoot = p.ReceiptsRoot,
            LogsBloom = p.LogsBloom,
            Difficulty = 0,
            Number = p.BlockNumber,
            GasLimit = p.GasLimit,
            GasUsed = p.GasUsed,
            Timestamp = p.Timestamp,
            ExtraData = p.ExtraData,
            MixHash = p.PrevRandao,
            Nonce = new byte[8],
            BaseFeePerGas = p.BaseFeePerGas,
            WithdrawalsRoot = fork.HasWithdrawals() ? TrieRoots.OrderedRoot(p.Withdrawals.Select(Block.EncodeWithdrawal).ToArray()).ToArray() : null,
            BlobGasUsed = fork.HasBlobFields() ? p.BlobGasUsed : null,
            ExcessBlobGas = fork.HasBlobFields() ? p.ExcessBlobGas : null,
            ParentBeaconBlockRoot = request.ParentBeaconBlockRoot,
            RequestsHash = request.ExecutionRequests is { } r ? RequestsHash(r) : null,
        };
    }

    /// <summary>Whether the rebuilt header hashes to the payload's block hash.</summary>
    public static bool Matches(NewPayloadRequest request) =>
        Rebuild(request).Hash().AsSpan().SequenceEqual(request.ExecutionPayload.BlockHash);

    /// <summary>EIP-7685: sha256(sha256(r_0) || sha256(r_1) || ...) over the non-empty typed requests.</summary>
    public static byte[] RequestsHash(ExecutionRequests requests)
    {
        using var outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var typed in requests.ToTypedRequests())
            outer.AppendData(SHA256.HashData(typed));
        return outer.GetHashAndReset();
    }
}
