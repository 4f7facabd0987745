namespace Prover.Witness.Ssz;

/// <summary>
/// Forks with their index in the EF canonical schema id (<c>schema_id = fork_index &lt;&lt; 8 | 0x01</c>,
/// shared/docs/ETHEREUM.md). Paris (Bellatrix payload), Shanghai (Capella payload) and Cancun to BPO2
/// have a <see cref="NewPayloadRequest"/> shape here; Amsterdam does not yet.
/// </summary>
public enum Fork : byte
{
    Paris = 0x0E,
    Shanghai = 0x0F,
    Cancun = 0x10,
    Prague = 0x11,
    Osaka = 0x12,
    Bpo1 = 0x13,
    Bpo2 = 0x14,
    Amsterdam = 0x15,
}

public static class ForkExtensions
{
    /// <summary>The 2-byte schema id of the canonical input for this fork.</summary>
    public static ushort SchemaId(this Fork fork) => (ushort)((int)fork << 8 | 0x01);

    /// <summary>Whether the payload request carries <c>execution_requests</c> (Prague and later: the "ElectraFulu" shape).</summary>
    public static bool HasExecutionRequests(this Fork fork) => fork >= Fork.Prague;

    /// <summary>Whether the payload carries <c>withdrawals</c> (Shanghai and later: Capella ExecutionPayload, Engine API V2).</summary>
    public static bool HasWithdrawals(this Fork fork) => fork >= Fork.Shanghai;

    /// <summary>
    /// Whether the payload carries <c>blob_gas_used</c>/<c>excess_blob_gas</c> and the request carries
    /// <c>versioned_hashes</c> and <c>parent_beacon_block_root</c> (Cancun and later: Deneb, Engine API V3).
    /// </summary>
    public static bool HasBlobFields(this Fork fork) => fork >= Fork.Cancun;

    /// <summary>Forks whose canonical input this library can encode.</summary>
    public static bool IsSupported(this Fork fork) => fork is >= Fork.Paris and <= Fork.Bpo2;

    /// <summary>The fork a schema id names; throws <see cref="SszException"/> for an unknown or unsupported one.</summary>
    public static Fork FromSchemaId(ushort schemaId)
    {
        var fork = (Fork)(schemaId >> 8);
        if ((schemaId & 0xFF) != 0x01 || !Enum.IsDefined(fork))
            throw new SszException($"unknown schema id 0x{schemaId:x4}", 0);
        if (!fork.IsSupported())
            throw new SszException($"schema id 0x{schemaId:x4} ({fork}) is not supported (Paris to BPO2 are)", 0);
        return fork;
    }

    /// <summary>Parses a fork name as BlockchainTests and chain configs spell it (case-insensitive).</summary>
    public static bool TryParse(string name, out Fork fork)
    {
        switch (name.ToUpperInvariant())
        {
            case "PARIS" or "MERGE": fork = Fork.Paris; return true;
            case "SHANGHAI": fork = Fork.Shanghai; return true;
            case "CANCUN": fork = Fork.Cancun; return true;
            case "PRAGUE": fork = Fork.Prague; return true;
            case "OSAKA": fork = Fork.Osaka; return true;
            case "BPO1": fork = Fork.Bpo1; return true;
            case "BPO2": fork = Fork.Bpo2; return true;
            case "AMSTERDAM": fork = Fork.Amsterdam; return true;
            default: fork = default; return false;
        }
    }
}
