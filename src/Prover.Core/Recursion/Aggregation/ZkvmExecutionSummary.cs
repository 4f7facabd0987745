using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// What an aggregated, final or epoch file carries of one execution besides its recursion proof (docs/design.md,
/// "Recursion", files): the claim (exit code, cycles, input size and commitment, output), the shards' shapes in order
/// (chip sets and heights: they fix the tree's programs), the tree digest of the shards' commitments
/// (<see cref="ShardCommitmentTree.TreeDigest{TDigest}"/>: what the global transcript drew the challenges from, and what
/// the root states) and the last shard's end pc (lo, hi: the one value of the root's statement the claim does not fix).
/// No shard's public values or main cap: the leaves check them in-circuit, so the file grows by a shape per shard only.
/// </summary>
public sealed record ZkvmExecutionSummary(ZkvmClaim Claim, IReadOnlyList<ShardShape> Shapes, KoalaBear[] CommitmentDigest, KoalaBear[] EndPc)
{
    /// <summary>The summary of an execution whose shards committed to <paramref name="shards"/> (what its prover knows).</summary>
    public static ZkvmExecutionSummary Of<TDigest>(ZkvmClaim claim, IReadOnlyList<ShardCommitment> shards)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
            throw new ArgumentException("an execution has at least one shard");
        var end = shards[^1].PublicsOf(ZkvmTable.Cpu);
        return new ZkvmExecutionSummary(claim, [.. shards.Select(s => s.Shape)],
            ShardCommitmentTree.TreeDigest<TDigest>(shards).Elements.ToArray(), [end[4], end[5]]);
    }

    /// <summary>The tree digest as <typeparamref name="TDigest"/> (an <see cref="ArgumentException"/> for another length).</summary>
    public TDigest Digest<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        CommitmentDigest?.Length == TDigest.Length ? TDigest.FromElements(CommitmentDigest)
            : throw new ArgumentException($"the commitment digest has {CommitmentDigest?.Length ?? 0} elements, the configuration's have {TDigest.Length}");
}
