using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>
/// An algebraic intermediate representation: a table of <see cref="Width"/> columns whose rows satisfy
/// the polynomial constraints stated by <see cref="Eval"/>. AIRs are plain types; trace generation
/// lives apart from the constraints (STYLE.md).
/// </summary>
public interface IAir<F> where F : struct, IField<F>
{
    /// <summary>Name used in proofs, reports and error messages.</summary>
    string Name { get; }

    /// <summary>Number of main-trace columns.</summary>
    int Width { get; }

    /// <summary>Number of preprocessed (fixed, verifier-known) columns; 0 when none.</summary>
    int PreprocessedWidth => 0;

    /// <summary>Number of public values the constraints may read.</summary>
    int PublicValueCount => 0;

    /// <summary>The preprocessed trace for a table of the given height, or null when there is none.</summary>
    RowMajorMatrix<F>? PreprocessedTrace(int height) => null;

    /// <summary>States the constraints and bus interactions through <paramref name="builder"/>.</summary>
    void Eval(AirBuilder<F> builder);
}

/// <summary>Direction of a bus interaction.</summary>
public enum InteractionKind : byte
{
    /// <summary>Adds multiplicity / (α − fingerprint(values)) to the bus.</summary>
    Send,

    /// <summary>Subtracts multiplicity / (α − fingerprint(values)) from the bus.</summary>
    Receive,
}

/// <summary>
/// One LogUp bus interaction of a table: on every row, the tuple <see cref="Values"/> is sent to or
/// received from bus <see cref="Bus"/> with the given multiplicity. Across all tables of a proof the
/// sums over every bus must cancel, which (with overwhelming probability over the challenges) means
/// the multisets sent and received are equal.
/// </summary>
public sealed record Interaction<F>(int Bus, InteractionKind Kind, IReadOnlyList<SymbolicExpression<F>> Values, SymbolicExpression<F> Multiplicity)
    where F : struct, IField<F>;
