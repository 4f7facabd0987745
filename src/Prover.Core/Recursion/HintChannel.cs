namespace Prover.Core.Recursion;

/// <summary>
/// What a <see cref="RecursionOp.Hint"/> of the STARK verifier program asks for. Arguments are felts whose values the
/// executor passes: constants naming a table, tree, matrix, FRI step or query, and for <see cref="BeginQueries"/> the
/// sampled query values and challenges (the data a prover of the run needs to answer the per-query hints).
/// </summary>
public enum HintChannel
{
    /// <summary>Table t's public values.</summary>
    PublicValues,
    /// <summary>The verifying key's preprocessed root (part of the statement).</summary>
    PreprocessedRoot,
    /// <summary>A commitment's cap: argument 0 = input tree index (preprocessed excluded: main, LogUp, quotient in order).</summary>
    InputCap,
    /// <summary>Table t's cumulative bus sum.</summary>
    CumulativeSum,
    /// <summary>Table t's opened values at ζ (and ζ·ω), in <see cref="Stark.TableOpenings{TExt}.Lists"/> order.</summary>
    Openings,
    /// <summary>FRI step r's cap.</summary>
    FriCap,
    FinalPolynomial,
    PowWitness,
    /// <summary>No data: tells the hint source the query samples, ζ, λ and the FRI β's (arguments).</summary>
    BeginQueries,
    /// <summary>Query q, tree, matrix: the opened row.</summary>
    InputRow,
    /// <summary>Query q, tree: the Merkle siblings from the leaf up to the cap.</summary>
    InputSiblings,
    /// <summary>Query q, FRI step r: the leaf's values (arity × D felts).</summary>
    FriLeaf,
    /// <summary>Query q, FRI step r: the leaf's Merkle siblings.</summary>
    FriSiblings,
    /// <summary>Shared bus challenges: the seed (each value reduced mod p).</summary>
    SharedSeed,
    /// <summary>Shared bus challenges: γ then β.</summary>
    SharedChallenges,
}
