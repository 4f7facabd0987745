using System.Numerics;

namespace Prover.Witness.Ssz;

// The SSZ containers of the EF canonical guest input (shared/docs/ETHEREUM.md; consensus-specs
// Bellatrix, Capella, Deneb and Electra beacon-chain.md for the payload, request and withdrawal containers). Each type has
// Write (serialize), Read (decode, bounds-checked) and HashTreeRoot.

/// <summary>Limits from the consensus presets (mainnet).</summary>
public static class SszLimits
{
    public const int MaxBytesPerTransaction = 1 << 30;
    public const int MaxTransactionsPerPayload = 1 << 20;
    public const int MaxWithdrawalsPerPayload = 16;
    public const int MaxExtraDataBytes = 32;
    public const int MaxBlobCommitmentsPerBlock = 4096;
    public const int MaxDepositRequestsPerPayload = 8192;
    public const int MaxWithdrawalRequestsPerPayload = 16;
    public const int MaxConsolidationRequestsPerPayload = 2;
    public const int MaxWitnessNodeBytes = 1024;
    public const int MaxWitnessCodeBytes = 65536;
    public const int MaxWitnessHeaderBytes = 1024;
    public const int MaxWitnessHeaders = 256;
    public const int PublicKeyBytes = 65;
}

/// <summary>Consensus-layer <c>Withdrawal</c> (EIP-4895): amount in gwei.</summary>
public sealed record Withdrawal(ulong Index, ulong ValidatorIndex, byte[] Address, ulong Amount)
{
    public const int Size = 8 + 8 + 20 + 8;

    public void Write(SszWriter w)
    {
        w.WriteUInt64(Index);
        w.WriteUInt64(ValidatorIndex);
        w.WriteVector(Address, 20, "withdrawal address");
        w.WriteUInt64(Amount);
    }

    public static Withdrawal Read(ref SszReader r) => new(r.ReadUInt64(), r.ReadUInt64(), r.ReadArray(20), r.ReadUInt64());

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(Merkle.UInt64Root(Index), Merkle.UInt64Root(ValidatorIndex),
        Merkle.ByteVectorRoot(Address), Merkle.UInt64Root(Amount));
}

/// <summary>EIP-6110 deposit request (192 bytes).</summary>
public sealed record DepositRequest(byte[] Pubkey, byte[] WithdrawalCredentials, ulong Amount, byte[] Signature, ulong Index)
{
    public const int Size = 48 + 32 + 8 + 96 + 8;

    public void Write(SszWriter w)
    {
        w.WriteVector(Pubkey, 48, "deposit pubkey");
        w.WriteVector(WithdrawalCredentials, 32, "deposit withdrawal_credentials");
        w.WriteUInt64(Amount);
        w.WriteVector(Signature, 96, "deposit signature");
        w.WriteUInt64(Index);
    }

    public static DepositRequest Read(ref SszReader r) =>
        new(r.ReadArray(48), r.ReadArray(32), r.ReadUInt64(), r.ReadArray(96), r.ReadUInt64());

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(Merkle.ByteVectorRoot(Pubkey), Merkle.ByteVectorRoot(WithdrawalCredentials),
        Merkle.UInt64Root(Amount), Merkle.ByteVectorRoot(Signature), Merkle.UInt64Root(Index));
}

/// <summary>EIP-7002 withdrawal request (76 bytes).</summary>
public sealed record WithdrawalRequest(byte[] SourceAddress, byte[] ValidatorPubkey, ulong Amount)
{
    public const int Size = 20 + 48 + 8;

    public void Write(SszWriter w)
    {
        w.WriteVector(SourceAddress, 20, "withdrawal request source_address");
        w.WriteVector(ValidatorPubkey, 48, "withdrawal request validator_pubkey");
        w.WriteUInt64(Amount);
    }

    public static WithdrawalRequest Read(ref SszReader r) => new(r.ReadArray(20), r.ReadArray(48), r.ReadUInt64());

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(Merkle.ByteVectorRoot(SourceAddress), Merkle.ByteVectorRoot(ValidatorPubkey),
        Merkle.UInt64Root(Amount));
}

/// <summary>EIP-7251 consolidation request (116 bytes).</summary>
public sealed record ConsolidationRequest(byte[] SourceAddress, byte[] SourcePubkey, byte[] TargetPubkey)
{
    public const int Size = 20 + 48 + 48;

    public void Write(SszWriter w)
    {
        w.WriteVector(SourceAddress, 20, "consolidation source_address");
        w.WriteVector(SourcePubkey, 48, "consolidation source_pubkey");
        w.WriteVector(TargetPubkey, 48, "consolidation target_pubkey");
    }

    public static ConsolidationRequest Read(ref SszReader r) => new(r.ReadArray(20), r.ReadArray(48), r.ReadArray(48));

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(Merkle.ByteVectorRoot(SourceAddress), Merkle.ByteVectorRoot(SourcePubkey),
        Merkle.ByteVectorRoot(TargetPubkey));
}

/// <summary>Electra <c>ExecutionRequests</c>: three lists of fixed-size requests.</summary>
public sealed record ExecutionRequests(DepositRequest[] Deposits, WithdrawalRequest[] Withdrawals, ConsolidationRequest[] Consolidations)
{
    public static ExecutionRequests Empty { get; } = new([], [], []);

    public bool IsEmpty => Deposits.Length == 0 && Withdrawals.Length == 0 && Consolidations.Length == 0;

    public void Write(SszWriter w)
    {
        CheckLimits();
        int start = w.Length;
        int o1 = w.ReserveOffset(), o2 = w.ReserveOffset(), o3 = w.ReserveOffset();
        w.PatchOffset(o1, start);
        foreach (var d in Deposits) d.Write(w);
        w.PatchOffset(o2, start);
        foreach (var x in Withdrawals) x.Write(w);
        w.PatchOffset(o3, start);
        foreach (var c in Consolidations) c.Write(w);
    }

    private void CheckLimits()
    {
        if (Deposits.Length > SszLimits.MaxDepositRequestsPerPayload || Withdrawals.Length > SszLimits.MaxWithdrawalRequestsPerPayload
            || Consolidations.Length > SszLimits.MaxConsolidationRequestsPerPayload)
            throw new ArgumentException("execution requests exceed their list limits");
    }

    public static ExecutionRequests Read(ref SszReader r)
    {
        Span<uint> offs = [r.ReadOffset(), r.ReadOffset(), r.ReadOffset()];
        var parts = r.VariableParts(offs);
        var p0 = r.Sub(parts[0]);
        var p1 = r.Sub(parts[1]);
        var p2 = r.Sub(parts[2]);
        return new(
            p0.ReadFixedList(DepositRequest.Size, SszLimits.MaxDepositRequestsPerPayload, DepositRequest.Read, "deposits"),
            p1.ReadFixedList(WithdrawalRequest.Size, SszLimits.MaxWithdrawalRequestsPerPayload, WithdrawalRequest.Read, "withdrawal requests"),
            p2.ReadFixedList(ConsolidationRequest.Size, SszLimits.MaxConsolidationRequestsPerPayload, ConsolidationRequest.Read, "consolidations"));
    }

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(
        Merkle.CompositeListRoot(Deposits.Select(d => d.HashTreeRoot()).ToArray(), SszLimits.MaxDepositRequestsPerPayload),
        Merkle.CompositeListRoot(Withdrawals.Select(d => d.HashTreeRoot()).ToArray(), SszLimits.MaxWithdrawalRequestsPerPayload),
        Merkle.CompositeListRoot(Consolidations.Select(d => d.HashTreeRoot()).ToArray(), SszLimits.MaxConsolidationRequestsPerPayload));

    /// <summary>
    /// The EIP-7685 list of typed requests: for each non-empty list, <c>type || ssz(list)</c>
    /// (deposits 0x00, withdrawals 0x01, consolidations 0x02), as the Engine API carries them.
    /// </summary>
    public List<byte[]> ToTypedRequests()
    {
        var result = new List<byte[]>(3);
        void Add<T>(byte type, T[] items, Action<T, SszWriter> write)
        {
            if (items.Length == 0)
                return;
            var w = new SszWriter();
            w.WriteBytes([type]);
            foreach (var item in items)
                write(item, w);
            result.Add(w.ToArray());
        }
        Add(0x00, Deposits, static (d, w) => d.Write(w));
        Add(0x01, Withdrawals, static (d, w) => d.Write(w));
        Add(0x02, Consolidations, static (d, w) => d.Write(w));
        return result;
    }

    /// <summary>Parses EIP-7685 typed requests (type byte, then the SSZ list); types must be increasing and non-empty.</summary>
    public static ExecutionRequests FromTypedRequests(IReadOnlyList<byte[]> requests)
    {
        DepositRequest[] deposits = [];
        WithdrawalRequest[] withdrawals = [];
        ConsolidationRequest[] consolidations = [];
        int last = -1;
        foreach (var req in requests)
        {
            if (req.Length < 2)
                throw new FormatException("execution request must have a type byte and non-empty data");
            int type = req[0];
            if (type <= last)
                throw new FormatException($"execution request types must be strictly increasing (0x{type:x2} after 0x{last:x2})");
            last = type;
            var r = new SszReader(req.AsSpan(1), 1);
            switch (type)
            {
                case 0x00: deposits = r.ReadFixedList(DepositRequest.Size, SszLimits.MaxDepositRequestsPerPayload, DepositRequest.Read, "deposits"); break;
                case 0x01: withdrawals = r.ReadFixedList(WithdrawalRequest.Size, SszLimits.MaxWithdrawalRequestsPerPayload, WithdrawalRequest.Read, "withdrawal requests"); break;
                case 0x02: consolidations = r.ReadFixedList(ConsolidationRequest.Size, SszLimits.MaxConsolidationRequestsPerPayload, ConsolidationRequest.Read, "consolidations"); break;
                default: throw new FormatException($"unknown execution request type 0x{type:x2}");
            }
        }
        return new(deposits, withdrawals, consolidations);
    }
}

/// <summary>
/// <c>ExecutionPayload</c> in the shape of a fork (consensus-specs): Bellatrix for Paris (Engine API
/// V1: no withdrawals, no blob fields), Capella for Shanghai (V2: + withdrawals), Deneb for Cancun and
/// later (V3: + blob_gas_used, excess_blob_gas). The fork is not part of the object: Write, Read and
/// HashTreeRoot take it; fields the fork lacks must be empty/zero (Write and HashTreeRoot check).
/// </summary>
public sealed record ExecutionPayload
{
    public required byte[] ParentHash { get; init; }
    public required byte[] FeeRecipient { get; init; }
    public required byte[] StateRoot { get; init; }
    public required byte[] ReceiptsRoot { get; init; }
    public required byte[] LogsBloom { get; init; }
    public required byte[] PrevRandao { get; init; }
    public ulong BlockNumber { get; init; }
    public ulong GasLimit { get; init; }
    public ulong GasUsed { get; init; }
    public ulong Timestamp { get; init; }
    public required byte[] ExtraData { get; init; }
    public BigInteger BaseFeePerGas { get; init; }
    public required byte[] BlockHash { get; init; }
    /// <summary>Transactions in their canonical network encoding (legacy RLP list, or type byte || payload).</summary>
    public required byte[][] Transactions { get; init; }
    public required Withdrawal[] Withdrawals { get; init; }
    public ulong BlobGasUsed { get; init; }
    public ulong ExcessBlobGas { get; init; }

    /// <summary>Fixed part of the Deneb shape.</summary>
    public const int FixedSize = 32 + 20 + 32 + 32 + 256 + 32 + 8 * 4 + 4 + 32 + 32 + 4 + 4 + 8 + 8;

    /// <summary>Fixed part of the fork's shape: Bellatrix 508, Capella 512, Deneb 528 bytes.</summary>
    public static int FixedSizeFor(Fork fork) =>
        FixedSize - (fork.HasWithdrawals() ? 0 : 4) - (fork.HasBlobFields() ? 0 : 16);

    /// <summary>Throws when the payload has fields its fork's shape cannot carry.</summary>
    public void CheckShape(Fork fork)
    {
        if (!fork.IsSupported())
            throw new ArgumentException($"fork {fork} has no ExecutionPayload shape here (Paris to BPO2)");
        if (!fork.HasWithdrawals() && Withdrawals.Length != 0)
            throw new ArgumentException($"{fork} payload (Bellatrix) has no withdrawals, got {Withdrawals.Length}");
        if (!fork.HasBlobFields() && (BlobGasUsed != 0 || ExcessBlobGas != 0))
            throw new ArgumentException($"{fork} payload has no blob gas fields (they must be 0)");
    }

    public void Write(SszWriter w, Fork fork)
    {
        CheckShape(fork);
        if (ExtraData.Length > SszLimits.MaxExtraDataBytes)
            throw new ArgumentException($"extra_data is {ExtraData.Length} bytes, at most {SszLimits.MaxExtraDataBytes} allowed");
        if (Transactions.Length > SszLimits.MaxTransactionsPerPayload || Withdrawals.Length > SszLimits.MaxWithdrawalsPerPayload)
            throw new ArgumentException("payload lists exceed their limits");
        int start = w.Length;
        w.WriteVector(ParentHash, 32, "parent_hash");
        w.WriteVector(FeeRecipient, 20, "fee_recipient");
        w.WriteVector(StateRoot, 32, "state_root");
        w.WriteVector(ReceiptsRoot, 32, "receipts_root");
        w.WriteVector(LogsBloom, 256, "logs_bloom");
        w.WriteVector(PrevRandao, 32, "prev_randao");
        w.WriteUInt64(BlockNumber);
        w.WriteUInt64(GasLimit);
        w.WriteUInt64(GasUsed);
        w.WriteUInt64(Timestamp);
        int oExtra = w.ReserveOffset();
        w.WriteBytes(UInt256Le(BaseFeePerGas));
        w.WriteVector(BlockHash, 32, "block_hash");
        int oTxs = w.ReserveOffset();
        int oWds = fork.HasWithdrawals() ? w.ReserveOffset() : -1;
        if (fork.HasBlobFields())
        {
            w.WriteUInt64(BlobGasUsed);
            w.WriteUInt64(ExcessBlobGas);
        }
        w.PatchOffset(oExtra, start);
        w.WriteBytes(ExtraData);
        w.PatchOffset(oTxs, start);
        foreach (var tx in Transactions)
            if (tx.Length > SszLimits.MaxBytesPerTransaction)
                throw new ArgumentException("transaction exceeds MAX_BYTES_PER_TRANSACTION");
        w.WriteByteLists(Transactions);
        if (oWds < 0)
            return;
        w.PatchOffset(oWds, start);
        foreach (var wd in Withdrawals)
            wd.Write(w);
    }

    public static ExecutionPayload Read(ref SszReader r, Fork fork)
    {
        if (!fork.IsSupported())
            throw new SszException($"fork {fork} has no ExecutionPayload shape here", 0);
        var parentHash = r.ReadArray(32);
        var feeRecipient = r.ReadArray(20);
        var stateRoot = r.ReadArray(32);
        var receiptsRoot = r.ReadArray(32);
        var logsBloom = r.ReadArray(256);
        var prevRandao = r.ReadArray(32);
        ulong number = r.ReadUInt64(), gasLimit = r.ReadUInt64(), gasUsed = r.ReadUInt64(), timestamp = r.ReadUInt64();
        uint oExtra = r.ReadOffset();
        var baseFee = new BigInteger(r.ReadBytes(32), isUnsigned: true, isBigEndian: false);
        var blockHash = r.ReadArray(32);
        uint oTxs = r.ReadOffset();
        bool hasWithdrawals = fork.HasWithdrawals();
        uint oWds = hasWithdrawals ? r.ReadOffset() : 0;
        ulong blobGasUsed = 0, excessBlobGas = 0;
        if (fork.HasBlobFields())
        {
            blobGasUsed = r.ReadUInt64();
            excessBlobGas = r.ReadUInt64();
        }
        Span<uint> offs = hasWithdrawals ? [oExtra, oTxs, oWds] : [oExtra, oTxs];
        var parts = r.VariableParts(offs);
        var extra = r.Sub(parts[0]);
        var txs = r.Sub(parts[1]);
        Withdrawal[] withdrawals = [];
        if (hasWithdrawals)
        {
            var wds = r.Sub(parts[2]);
            withdrawals = wds.ReadFixedList(Withdrawal.Size, SszLimits.MaxWithdrawalsPerPayload, Withdrawal.Read, "withdrawals");
        }
        return new ExecutionPayload
        {
            ParentHash = parentHash,
            FeeRecipient = feeRecipient,
            StateRoot = stateRoot,
            ReceiptsRoot = receiptsRoot,
            LogsBloom = logsBloom,
            PrevRandao = prevRandao,
            BlockNumber = number,
            GasLimit = gasLimit,
            GasUsed = gasUsed,
            Timestamp = timestamp,
            ExtraData = extra.ReadByteList(SszLimits.MaxExtraDataBytes, "extra_data"),
            BaseFeePerGas = baseFee,
            BlockHash = blockHash,
            Transactions = txs.ReadVariableList(SszLimits.MaxTransactionsPerPayload,
                static (ref SszReader e) => e.ReadByteList(SszLimits.MaxBytesPerTransaction, "transaction"), "transactions"),
            Withdrawals = withdrawals,
            BlobGasUsed = blobGasUsed,
            ExcessBlobGas = excessBlobGas,
        };
    }

    public byte[] HashTreeRoot(Fork fork)
    {
        CheckShape(fork);
        var roots = new List<byte[]>(17)
        {
        Merkle.ByteVectorRoot(ParentHash),
        Merkle.ByteVectorRoot(FeeRecipient),
        Merkle.ByteVectorRoot(StateRoot),
        Merkle.ByteVectorRoot(ReceiptsRoot),
        Merkle.ByteVectorRoot(LogsBloom),
        Merkle.ByteVectorRoot(PrevRandao),
        Merkle.UInt64Root(BlockNumber),
        Merkle.UInt64Root(GasLimit),
        Merkle.UInt64Root(GasUsed),
        Merkle.UInt64Root(Timestamp),
        Merkle.ByteListRoot(ExtraData, SszLimits.MaxExtraDataBytes),
        UInt256Le(BaseFeePerGas),
        Merkle.ByteVectorRoot(BlockHash),
        Merkle.CompositeListRoot(Transactions.Select(t => Merkle.ByteListRoot(t, SszLimits.MaxBytesPerTransaction)).ToArray(),
            SszLimits.MaxTransactionsPerPayload),
        };
        if (fork.HasWithdrawals())
            roots.Add(Merkle.CompositeListRoot(Withdrawals.Select(x => x.HashTreeRoot()).ToArray(), SszLimits.MaxWithdrawalsPerPayload));
        if (fork.HasBlobFields())
        {
            roots.Add(Merkle.UInt64Root(BlobGasUsed));
            roots.Add(Merkle.UInt64Root(ExcessBlobGas));
        }
        return Merkle.ContainerRoot([.. roots]);
    }

    internal static byte[] UInt256Le(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > 32)
            throw new ArgumentOutOfRangeException(nameof(value), "uint256 out of range");
        var bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }
}

/// <summary>
/// <c>NewPayloadRequest</c> in the shape of a fork: for Paris (Bellatrix payload) and Shanghai
/// (Capella payload) the request is the payload alone, <c>{ execution_payload }</c> (engine
/// newPayloadV1/V2 take no versioned hashes, beacon root or requests); Deneb shape (payload,
/// versioned hashes, parent beacon block root) for Cancun; Electra/Fulu shape (plus
/// <c>execution_requests</c>) for Prague, Osaka, BPO1, BPO2. For Paris and Shanghai
/// <see cref="VersionedHashes"/> is empty and <see cref="ParentBeaconBlockRoot"/> null.
/// </summary>
public sealed record NewPayloadRequest(Fork Fork, ExecutionPayload ExecutionPayload, byte[][] VersionedHashes,
    byte[]? ParentBeaconBlockRoot, ExecutionRequests? ExecutionRequests)
{
    public void Write(SszWriter w)
    {
        CheckShape();
        if (VersionedHashes.Length > SszLimits.MaxBlobCommitmentsPerBlock)
            throw new ArgumentException("too many versioned hashes");
        int start = w.Length;
        int oPayload = w.ReserveOffset();
        if (!Fork.HasBlobFields())
        {
            w.PatchOffset(oPayload, start);
            ExecutionPayload.Write(w, Fork);
            return;
        }
        int oHashes = w.ReserveOffset();
        w.WriteVector(ParentBeaconBlockRoot!, 32, "parent_beacon_block_root");
        int oRequests = Fork.HasExecutionRequests() ? w.ReserveOffset() : -1;
        w.PatchOffset(oPayload, start);
        ExecutionPayload.Write(w, Fork);
        w.PatchOffset(oHashes, start);
        foreach (var h in VersionedHashes)
            w.WriteVector(h, 32, "versioned hash");
        if (oRequests >= 0)
        {
            w.PatchOffset(oRequests, start);
            ExecutionRequests!.Write(w);
        }
    }

    private void CheckShape()
    {
        if (!Fork.IsSupported())
            throw new ArgumentException($"fork {Fork} has no canonical NewPayloadRequest here (Paris to BPO2)");
        if (Fork.HasExecutionRequests() != ExecutionRequests is not null)
            throw new ArgumentException($"execution_requests must be {(Fork.HasExecutionRequests() ? "present" : "absent")} for {Fork}");
        if (Fork.HasBlobFields() != ParentBeaconBlockRoot is not null)
            throw new ArgumentException($"parent_beacon_block_root must be {(Fork.HasBlobFields() ? "present" : "absent")} for {Fork}");
        if (!Fork.HasBlobFields() && VersionedHashes.Length != 0)
            throw new ArgumentException($"{Fork} requests carry no versioned hashes");
    }

    public static NewPayloadRequest Read(ref SszReader r, Fork fork)
    {
        if (!fork.IsSupported())
            throw new SszException($"fork {fork} has no canonical NewPayloadRequest here", 0);
        uint oPayload = r.ReadOffset();
        if (!fork.HasBlobFields())
        {
            Span<uint> only = [oPayload];
            var onlyParts = r.VariableParts(only);
            var p = r.Sub(onlyParts[0]);
            var pre = ExecutionPayload.Read(ref p, fork);
            p.CheckEnd();
            return new(fork, pre, [], null, null);
        }
        uint oHashes = r.ReadOffset();
        var beaconRoot = r.ReadArray(32);
        bool hasRequests = fork.HasExecutionRequests();
        uint oRequests = hasRequests ? r.ReadOffset() : 0;
        Span<uint> offs = hasRequests ? [oPayload, oHashes, oRequests] : [oPayload, oHashes];
        var parts = r.VariableParts(offs);
        var payload = r.Sub(parts[0]);
        var hashes = r.Sub(parts[1]);
        var decodedPayload = ExecutionPayload.Read(ref payload, fork);
        payload.CheckEnd();
        var decodedHashes = hashes.ReadFixedList(32, SszLimits.MaxBlobCommitmentsPerBlock, static (ref SszReader e) => e.ReadArray(32), "versioned_hashes");
        ExecutionRequests? requests = null;
        if (hasRequests)
        {
            var req = r.Sub(parts[2]);
            requests = ExecutionRequests.Read(ref req);
            req.CheckEnd();
        }
        return new(fork, decodedPayload, decodedHashes, beaconRoot, requests);
    }

    public byte[] HashTreeRoot()
    {
        CheckShape();
        var payloadRoot = ExecutionPayload.HashTreeRoot(Fork);
        if (!Fork.HasBlobFields())
            return Merkle.ContainerRoot(payloadRoot); // one field: the root is the payload's root
        var hashesRoot = Merkle.CompositeListRoot(VersionedHashes, SszLimits.MaxBlobCommitmentsPerBlock);
        var beacon = Merkle.ByteVectorRoot(ParentBeaconBlockRoot!);
        return ExecutionRequests is null
            ? Merkle.ContainerRoot(payloadRoot, hashesRoot, beacon)
            : Merkle.ContainerRoot(payloadRoot, hashesRoot, beacon, ExecutionRequests.HashTreeRoot());
    }
}

/// <summary>
/// The canonical <c>ExecutionWitness</c>: trie nodes, bytecodes and ancestor headers (RLP), without
/// the key preimages of <c>debug_executionWitness</c>.
/// </summary>
public sealed record ExecutionWitness(byte[][] State, byte[][] Codes, byte[][] Headers)
{
    public void CheckLimits()
    {
        for (int i = 0; i < State.Length; i++)
            if (State[i].Length > SszLimits.MaxWitnessNodeBytes)
                throw new ArgumentException($"witness state node {i} is {State[i].Length} bytes, the limit is {SszLimits.MaxWitnessNodeBytes}");
        for (int i = 0; i < Codes.Length; i++)
            if (Codes[i].Length > SszLimits.MaxWitnessCodeBytes)
                throw new ArgumentException($"witness code {i} is {Codes[i].Length} bytes, the limit is {SszLimits.MaxWitnessCodeBytes}");
        if (Headers.Length > SszLimits.MaxWitnessHeaders)
            throw new ArgumentException($"{Headers.Length} witness headers, the limit is {SszLimits.MaxWitnessHeaders}");
        for (int i = 0; i < Headers.Length; i++)
            if (Headers[i].Length > SszLimits.MaxWitnessHeaderBytes)
                throw new ArgumentException($"witness header {i} is {Headers[i].Length} bytes, the limit is {SszLimits.MaxWitnessHeaderBytes}");
    }

    public void Write(SszWriter w)
    {
        CheckLimits();
        int start = w.Length;
        int o1 = w.ReserveOffset(), o2 = w.ReserveOffset(), o3 = w.ReserveOffset();
        w.PatchOffset(o1, start);
        w.WriteByteLists(State);
        w.PatchOffset(o2, start);
        w.WriteByteLists(Codes);
        w.PatchOffset(o3, start);
        w.WriteByteLists(Headers);
    }

    public static ExecutionWitness Read(ref SszReader r)
    {
        Span<uint> offs = [r.ReadOffset(), r.ReadOffset(), r.ReadOffset()];
        var parts = r.VariableParts(offs);
        var s = r.Sub(parts[0]);
        var c = r.Sub(parts[1]);
        var h = r.Sub(parts[2]);
        return new(
            s.ReadVariableList(null, static (ref SszReader e) => e.ReadByteList(SszLimits.MaxWitnessNodeBytes, "state node"), "state"),
            c.ReadVariableList(null, static (ref SszReader e) => e.ReadByteList(SszLimits.MaxWitnessCodeBytes, "code"), "codes"),
            h.ReadVariableList(SszLimits.MaxWitnessHeaders, static (ref SszReader e) => e.ReadByteList(SszLimits.MaxWitnessHeaderBytes, "header"), "headers"));
    }

    public byte[] HashTreeRoot() => Merkle.ContainerRoot(
        Merkle.ProgressiveCompositeListRoot(State.Select(n => Merkle.ByteListRoot(n, SszLimits.MaxWitnessNodeBytes)).ToArray()),
        Merkle.ProgressiveCompositeListRoot(Codes.Select(n => Merkle.ByteListRoot(n, SszLimits.MaxWitnessCodeBytes)).ToArray()),
        Merkle.CompositeListRoot(Headers.Select(n => Merkle.ByteListRoot(n, SszLimits.MaxWitnessHeaderBytes)).ToArray(), SszLimits.MaxWitnessHeaders));
}
