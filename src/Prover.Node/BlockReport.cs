using System.Text.Json.Serialization;

namespace Prover.Node;

/// <summary>
/// The figures of one block (or guest input): the fields of the EF zkevm-benchmark-workload reports
/// (shared/docs/TARGETS.md, "What a report contains"), JSON-named as they are. Proving fields are null for
/// an execution without a proof. Immutable.
/// </summary>
public sealed record BlockReport
{
    [JsonPropertyName("guest")] public required string Guest { get; init; }
    [JsonPropertyName("block_number")] public ulong? BlockNumber { get; init; }
    [JsonPropertyName("gas_used")] public ulong? GasUsed { get; init; }
    /// <summary>0x-prefixed lowercase hex of the payload root the guest stated (null when its output is not a validation result).</summary>
    [JsonPropertyName("new_payload_request_root")] public string? NewPayloadRequestRoot { get; init; }
    [JsonPropertyName("successful_validation")] public bool? SuccessfulValidation { get; init; }
    [JsonPropertyName("exit_code")] public int ExitCode { get; init; }
    [JsonPropertyName("total_num_cycles")] public long TotalNumCycles { get; init; }
    [JsonPropertyName("region_cycles")] public IReadOnlyDictionary<string, long>? RegionCycles { get; init; }
    [JsonPropertyName("unaligned_accesses")] public long? UnalignedAccesses { get; init; }
    [JsonPropertyName("execution_duration_ms")] public double? ExecutionDurationMs { get; init; }
    /// <summary>Whether the guest's verdict matched the expected one (null when no expectation was given).</summary>
    [JsonPropertyName("output_matched")] public bool? OutputMatched { get; init; }
    [JsonPropertyName("config")] public string? Config { get; init; }
    [JsonPropertyName("backend")] public string? Backend { get; init; }
    [JsonPropertyName("shards")] public int? Shards { get; init; }
    [JsonPropertyName("proving_time_ms")] public double? ProvingTimeMs { get; init; }
    [JsonPropertyName("proof_size")] public int? ProofSize { get; init; }
    [JsonPropertyName("verification_time_ms")] public double? VerificationTimeMs { get; init; }
    [JsonPropertyName("verified")] public bool? Verified { get; init; }
    [JsonPropertyName("provable_bits")] public double? ProvableBits { get; init; }
    [JsonPropertyName("conjectured_bits")] public double? ConjecturedBits { get; init; }
    /// <summary>Share of the bus-count bound p used by the fullest bus (an execution is refused at 1; docs/zkvm.md).</summary>
    [JsonPropertyName("bus_load")] public double? BusLoad { get; init; }
    [JsonPropertyName("peak_memory_bytes")] public long PeakMemoryBytes { get; init; }
    [JsonPropertyName("phases_ms")] public IReadOnlyDictionary<string, double>? PhasesMs { get; init; }
    [JsonPropertyName("hardware")] public required HardwareInfo Hardware { get; init; }
}
