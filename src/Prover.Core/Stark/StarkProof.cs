using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>Values of one table's committed polynomials at the out-of-domain point ζ (and ζ·ω).</summary>
public sealed class TableOpenings<TExt> where TExt : struct
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

/// <summary>One FRI folding step of one query: the sibling value and its Merkle path.</summary>
public sealed class FriStep<TParams, TExt, TDigest>
    where TParams : struct, IMontyParameters
    where TExt : struct
    where TDigest : struct, IDigest<TDigest, TParams>
{
    public required TExt Sibling { get; init; }

    public required TDigest[] Path { get; init; }
}

/// <summary>The answers to one query: openings of every input commitment, then every FRI round.</summary>
public sealed class QueryProof<TParams, TExt, TDigest>
    where TParams : struct, IMontyParameters
    where TExt : struct
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>Openings of the main, LogUp (when present) and quotient commitments, in that order.</summary>
    public required BatchOpening<TParams, TDigest>[] Inputs { get; init; }

    public required FriStep<TParams, TExt, TDigest>[] Steps { get; init; }
}

/// <summary>
/// A multi-table STARK proof (format version <see cref="StarkProofFormat.VersionFor"/> the digest):
/// configuration echo, table shapes and public values, commitments (digests of <typeparamref name="TDigest"/>),
/// out-of-domain openings and the FRI proof. Serialised by <see cref="ProofSerializer"/>.
/// </summary>
public sealed class StarkProof<TParams, TExt, TDigest>
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

    public required TDigest MainRoot { get; init; }

    /// <summary>Root of the LogUp traces; default when no table has interactions.</summary>
    public required TDigest LogUpRoot { get; init; }

    /// <summary>Cumulative bus sum of each table (zero for tables without interactions).</summary>
    public required TExt[] CumulativeSums { get; init; }

    public required TDigest QuotientRoot { get; init; }

    public required TableOpenings<TExt>[] Openings { get; init; }

    public required TDigest[] FriRoots { get; init; }

    /// <summary>Coefficients of the final FRI polynomial.</summary>
    public required TExt[] FinalPolynomial { get; init; }

    public required MontyField31<TParams> PowWitness { get; init; }

    public required QueryProof<TParams, TExt, TDigest>[] Queries { get; init; }
}

/// <summary>The outcome of verification: valid, or the reason for rejection.</summary>
public sealed record VerificationResult(bool IsValid, string? Error)
{
    public static VerificationResult Valid { get; } = new(true, null);

    public static VerificationResult Reject(string reason) => new(false, reason);

    public override string ToString() => IsValid ? "valid" : "invalid: " + Error;
}
