using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>Values of one table's committed polynomials at the out-of-domain point ζ (and ζ·ω).</summary>
/// <remarks>A record so that a copy with one part changed is <c>o with { … }</c> (tests tamper proofs that way); the arrays are shared, not copied.</remarks>
public sealed record TableOpenings<TExt> where TExt : struct
{
    /// <summary>Preprocessed columns at ζ (empty without preprocessed columns).</summary>
    public TExt[] PreprocessedLocal { get; init; } = [];

    /// <summary>Preprocessed columns at ζ·ω.</summary>
    public TExt[] PreprocessedNext { get; init; } = [];

    /// <summary>Main-trace columns at ζ.</summary>
    public required TExt[] MainLocal { get; init; }

    /// <summary>Main-trace columns at ζ·ω (ω generates the table's trace domain).</summary>
    public required TExt[] MainNext { get; init; }

    /// <summary>LogUp-trace base columns at ζ (empty without interactions).</summary>
    public required TExt[] LogUpLocal { get; init; }

    public required TExt[] LogUpNext { get; init; }

    /// <summary>Quotient chunk base columns at ζ (chunk j, component c at index j·D + c).</summary>
    public required TExt[] Quotient { get; init; }

    /// <summary>Every list in the canonical order used by the transcript and the proof format.</summary>
    public TExt[][] Lists() => [PreprocessedLocal, PreprocessedNext, MainLocal, MainNext, LogUpLocal, LogUpNext, Quotient];
}

/// <summary>
/// The answers of one FRI step to all queries: the leaf values the verifier cannot compute and the Merkle siblings.
/// The step's tree has one leaf per coset of 2^a codeword values (a = the step's log arity). For every distinct
/// leaf the queries reach (ascending), <see cref="Values"/> holds the values of the leaf's slots that no query
/// reaches, in slot order; the verifier knows the others (it folded them in the previous step, or, in the first
/// step, computed them from the input openings). <see cref="Siblings"/> is the leaves' multi-opening
/// (<see cref="MultiOpening{TParams, TDigest}.Siblings"/>).
/// </summary>
public sealed class FriRoundOpening<TParams, TExt, TDigest>
    where TParams : struct, IMontyParameters
    where TExt : struct
    where TDigest : struct, IDigest<TDigest, TParams>
{
    public required TExt[] Values { get; init; }

    public required TDigest[] Siblings { get; init; }
}

/// <summary>
/// A multi-table STARK proof (format version <see cref="StarkProofFormat.VersionFor"/> the digest):
/// configuration echo, table shapes and public values, commitments, out-of-domain openings and the
/// FRI proof. Serialised by <see cref="ProofSerializer"/>.
/// </summary>
/// <remarks>A record, as <see cref="TableOpenings{TExt}"/>: <c>proof with { … }</c> shares every part it does not replace.</remarks>
public sealed record StarkProof<TParams, TExt, TDigest>
    where TParams : struct, IMontyParameters
    where TExt : struct, IExtensionField<TExt, MontyField31<TParams>>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>The proof format version of this digest (<see cref="StarkProofFormat.VersionFor"/>).</summary>
    public static ushort FormatVersion => StarkProofFormat.VersionFor(TDigest.Length);

    public required StarkConfig Config { get; init; }

    /// <summary>log2 of each table's trace height, in table order.</summary>
    public required int[] LogHeights { get; init; }

    /// <summary>Public values of each table.</summary>
    public required MontyField31<TParams>[][] PublicValues { get; init; }

    /// <summary>Cap of the main traces' tree (<see cref="StarkConfig.MerkleCapHeight"/>).</summary>
    public required MerkleCap<TParams, TDigest> MainCommitment { get; init; }

    /// <summary>Cap of the LogUp traces' tree; null when no table has interactions.</summary>
    public required MerkleCap<TParams, TDigest>? LogUpCommitment { get; init; }

    /// <summary>Cumulative bus sum of each table (zero for tables without interactions).</summary>
    public required TExt[] CumulativeSums { get; init; }

    public required MerkleCap<TParams, TDigest> QuotientCommitment { get; init; }

    public required TableOpenings<TExt>[] Openings { get; init; }

    /// <summary>Cap of each FRI step's tree.</summary>
    public required MerkleCap<TParams, TDigest>[] FriCommitments { get; init; }

    /// <summary>Coefficients of the final FRI polynomial.</summary>
    public required TExt[] FinalPolynomial { get; init; }

    public required MontyField31<TParams> PowWitness { get; init; }

    /// <summary>
    /// Multi-openings of the input trees (preprocessed when present, main, LogUp when present, quotient) at the distinct
    /// query indices, each shifted down to its tree's height.
    /// </summary>
    public required MultiOpening<TParams, TDigest>[] InputOpenings { get; init; }

    /// <summary>One per FRI step.</summary>
    public required FriRoundOpening<TParams, TExt, TDigest>[] FriOpenings { get; init; }
}

/// <summary>The outcome of verification: valid, or the reason for rejection.</summary>
public sealed record VerificationResult(bool IsValid, string? Error)
{
    public static VerificationResult Valid { get; } = new(true, null);

    public static VerificationResult Reject(string reason) => new(false, reason);

    public override string ToString() => IsValid ? "valid" : "invalid: " + Error;
}
