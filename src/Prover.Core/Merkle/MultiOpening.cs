using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Merkle;

/// <summary>
/// An opening of every matrix of one tree at a set of leaf indices, sending each Merkle node at most once
/// (<see cref="MerkleTreeMmcs{TParams, TDigest}.OpenMulti"/>). Nothing here names the indices: the verifier knows them
/// (from its transcript) and derives the positions of every row and sibling from them.
/// </summary>
public sealed class MultiOpening<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    public MultiOpening(IReadOnlyList<MontyField31<TParams>[]> rows, IReadOnlyList<TDigest> siblings)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(siblings);
        Rows = rows;
        Siblings = siblings;
    }

    /// <summary>
    /// Matrix m (commit order): its rows at the distinct positions the indices reach at its height (index &gt;&gt;
    /// (log2 of the tallest height − log2 of its height)), ascending, concatenated: positions × width elements.
    /// </summary>
    public IReadOnlyList<MontyField31<TParams>[]> Rows { get; }

    /// <summary>
    /// The nodes the verifier cannot compute, level by level from the leaves up to the cap, ascending position within
    /// a level: at each level, the sibling of every known node whose sibling is not known too.
    /// </summary>
    public IReadOnlyList<TDigest> Siblings { get; }
}
