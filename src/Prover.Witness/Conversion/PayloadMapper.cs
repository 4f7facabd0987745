using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Ssz;

namespace Prover.Witness.Conversion;

/// <summary>The payload side of a conversion: the request plus the sender keys and what was noticed on the way.</summary>
public sealed record MappedPayload(NewPayloadRequest Request, byte[][] PublicKeys, Transaction?[] Transactions, List<string> Notes);

/// <summary>
/// Maps a block to the Engine API <c>NewPayloadRequest</c> of its fork (consensus-specs Bellatrix
/// for Paris, Capella for Shanghai, Deneb for Cancun, Electra for Prague and later): header fields to payload fields (beneficiary → fee_recipient, mix_hash → prev_randao,
/// keccak(header) → block_hash), the body's transactions and withdrawals, the blob versioned hashes
/// of type-3 transactions in order, and the execution requests.
/// </summary>
public static class PayloadMapper
{
    public static MappedPayload FromBlock(Block block, Fork fork)
    {
        if (!fork.IsSupported())
            throw new NotSupportedException($"fork {fork}: the canonical input exists for Paris, Shanghai, Cancun, Prague, Osaka, BPO1 and BPO2 only");
        var h = block.Header;
        var notes = new List<string>();
        string Missing(string field) => $"block {h.Number}: header has no {field}, which {fork} requires";
        if (h.BaseFeePerGas is null) throw new FormatException(Missing("base fee"));
        if (fork.HasWithdrawals() && h.WithdrawalsRoot is null) throw new FormatException(Missing("withdrawals root"));
        if (fork.HasBlobFields() && (h.BlobGasUsed is null || h.ExcessBlobGas is null)) throw new FormatException(Missing("blob gas fields"));
        if (fork.HasBlobFields() && h.ParentBeaconBlockRoot is null) throw new FormatException(Missing("parent beacon block root"));
        if (fork.HasExecutionRequests() && h.RequestsHash is null) throw new FormatException(Missing("requests hash"));
        string Extra(string field) => $"block {h.Number}: header has {field}, which {fork} does not have (the rebuilt header will not match)";
        if (!fork.HasWithdrawals() && h.WithdrawalsRoot is not null) notes.Add(Extra("a withdrawals root"));
        if (!fork.HasWithdrawals() && block.Withdrawals is { Length: > 0 })
            throw new FormatException($"block {h.Number}: {block.Withdrawals.Length} withdrawals, but a {fork} payload has none");
        if (!fork.HasBlobFields() && (h.BlobGasUsed is not null || h.ExcessBlobGas is not null || h.ParentBeaconBlockRoot is not null))
            notes.Add(Extra("blob gas fields or a parent beacon block root"));
        if (!fork.HasExecutionRequests() && h.RequestsHash is not null) notes.Add(Extra("a requests hash"));
        if (h.ExtraData.Length > SszLimits.MaxExtraDataBytes)
            throw new FormatException($"block {h.Number}: extra data of {h.ExtraData.Length} bytes does not fit the payload's List[byte, 32]");
        if (block.Ommers.Length != 0)
            notes.Add($"{block.Ommers.Length} ommer headers dropped: a payload has none (the rebuilt header will not match)");

        var versionedHashes = new List<byte[]>();
        var keys = new byte[block.Transactions.Length][];
        var decoded = new Transaction?[block.Transactions.Length];
        for (int i = 0; i < block.Transactions.Length; i++)
        {
            keys[i] = new byte[SszLimits.PublicKeyBytes];
            try
            {
                var tx = Transaction.Decode(block.Transactions[i]);
                decoded[i] = tx;
                versionedHashes.AddRange(tx.BlobVersionedHashes);
                if (tx.TryRecoverPublicKey(out var key))
                    keys[i] = key;
                else
                    notes.Add($"transaction {i}: signature does not recover a key; a zero key is given (the block must be rejected)");
            }
            catch (FormatException ex)
            {
                notes.Add($"transaction {i}: undecodable ({ex.Message}); a zero key is given (the block must be rejected)");
            }
        }

        ExecutionRequests? requests = null;
        if (fork.HasExecutionRequests())
        {
            requests = block.Requests;
            if (requests is null)
            {
                if (!h.RequestsHash.AsSpan().SequenceEqual(BlockHeader.EmptyRequestsHash))
                    throw new FormatException($"block {h.Number}: the requests hash {Hex.ToHex(h.RequestsHash)} is not that of no requests, and the source carries no requests");
                requests = ExecutionRequests.Empty;
            }
        }

        var payload = new ExecutionPayload
        {
            ParentHash = h.ParentHash,
            FeeRecipient = h.Beneficiary,
            StateRoot = h.StateRoot,
            ReceiptsRoot = h.ReceiptsRoot,
            LogsBloom = h.LogsBloom,
            PrevRandao = h.MixHash,
            BlockNumber = h.Number,
            GasLimit = h.GasLimit,
            GasUsed = h.GasUsed,
            Timestamp = h.Timestamp,
            ExtraData = h.ExtraData,
            BaseFeePerGas = h.BaseFeePerGas.Value,
            BlockHash = h.Hash(),
            Transactions = block.Transactions,
            Withdrawals = block.Withdrawals ?? [],
            BlobGasUsed = fork.HasBlobFields() ? h.BlobGasUsed!.Value : 0,
            ExcessBlobGas = fork.HasBlobFields() ? h.ExcessBlobGas!.Value : 0,
        };
        if (!fork.HasBlobFields() && versionedHashes.Count != 0)
            throw new FormatException($"block {h.Number}: blob transactions in a {fork} block, which has no versioned hashes");
        var request = new NewPayloadRequest(fork, payload, [.. versionedHashes],
            fork.HasBlobFields() ? h.ParentBeaconBlockRoot : null, requests);
        return new MappedPayload(request, keys, decoded, notes);
    }
}
