namespace Prover.Service;

/// <summary>
/// A queued proof request for one proof type: the guest input (or, for a bare <c>NewPayloadRequest</c>, the
/// request whose witness the <see cref="IWitnessSource"/> must supply), its priority (higher first) and deadline.
/// </summary>
internal sealed record ProofJob(byte[] Root, string ProofType, byte[]? Input, Prover.Witness.Ssz.NewPayloadRequest? Payload, byte[]? BlockHash, int Priority,
    DateTimeOffset? Deadline, long Sequence)
{
    public string RootHex => "0x" + Convert.ToHexStringLower(Root);
}

/// <summary>Why a request failed (zkboost's <c>FailureReason</c>).</summary>
internal static class FailureReasons
{
    public const string WitnessTimeout = "witness_timeout";
    public const string ProvingTimeout = "proving_timeout";
    public const string ProvingError = "proving_error";
    public const string InternalError = "internal_error";
}

/// <summary>An SSE event: <c>proof_complete</c> (Reason null) or <c>proof_failure</c>.</summary>
internal sealed record ProofEvent(string RootHex, string ProofType, string? Reason, string? Error)
{
    public string Name => Reason is null ? "proof_complete" : "proof_failure";
}
