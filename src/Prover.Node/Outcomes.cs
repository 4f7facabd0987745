using Prover.Witness.Ssz;

namespace Prover.Node;

/// <summary>What an execution gives: the public output, the validation result it states (if it is one) and the report.</summary>
public sealed record ExecutionOutcome(byte[] PublicValues, StatelessValidationResult? Validation, BlockReport Report);

/// <summary>What a proof gives: the proof file, the public output it proves, the validation result that output states, and the report.</summary>
public sealed record ProofOutcome(byte[] Proof, byte[] PublicValues, StatelessValidationResult? Validation, BlockReport Report);

/// <summary>The verdict on a proof: valid or not (with the reason), and when valid what it proves.</summary>
public sealed record VerificationOutcome(bool IsValid, string? Error, byte[]? PublicValues, StatelessValidationResult? Validation, long Cycles,
    double VerificationMilliseconds)
{
    /// <summary>The proof's provable security bits (weakest shard), when it could be read that far.</summary>
    public double? ProvableBits { get; init; }

    /// <summary>Valid, the guest ran to completion and declared the block valid.</summary>
    public bool ProvesValidBlock => IsValid && Validation is { SuccessfulValidation: true };
}
