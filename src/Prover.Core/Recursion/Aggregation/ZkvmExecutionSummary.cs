using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// What an aggregated, final or epoch file carries of one execution besides its recursion proof (docs/design.md,
/// "Recursion", files): the claim (exit code, cycles, input size and commitment, output), the shard count, the allowed
/// shard shapes (the distinct chip sets and heights of the shards, in <see cref="Compare"/>'s order: they fix the family's
/// leaf programs, hence the allowed-key root R, <see cref="ZkvmAggregationFamily{TDef, TDigest}"/>; which shard has which
/// shape is the tree's business — each leaf binds its own shape into the digest), the tree digest of the shards'
/// commitments (<see cref="ShardCommitmentTree.TreeDigest{TDigest}"/>: what the global transcript drew the challenges from,
/// and what the root states) and the last shard's end pc (lo, hi: the one value of the root's statement the claim does not
/// fix). No shard's public values or main cap: the leaves check them in-circuit.
/// </summary>
public sealed record ZkvmExecutionSummary(ZkvmClaim Claim, int ShardCount, IReadOnlyList<ShardShape> Shapes, KoalaBear[] CommitmentDigest, KoalaBear[] EndPc)
{
    /// <summary>The order of the allowed shapes: by chip set, then table count, then heights (a file must list them strictly increasing).</summary>
    public static int Compare(ShardShape a, ShardShape b)
    {
        int c = a.Chips.Bits.CompareTo(b.Chips.Bits);
        if (c != 0)
            return c;
        c = a.LogHeights.Length.CompareTo(b.LogHeights.Length);
        for (int i = 0; c == 0 && i < a.LogHeights.Length; i++)
            c = a.LogHeights[i].CompareTo(b.LogHeights[i]);
        return c;
    }

    /// <summary>The distinct shapes of <paramref name="shapes"/> in <see cref="Compare"/>'s order.</summary>
    public static ShardShape[] Distinct(IEnumerable<ShardShape> shapes)
    {
        var sorted = shapes.ToList();
        sorted.Sort(Compare);
        var distinct = new List<ShardShape>();
        foreach (var s in sorted)
            if (distinct.Count == 0 || Compare(distinct[^1], s) != 0)
                distinct.Add(s);
        return [.. distinct];
    }

    /// <summary>The summary of an execution whose shards committed to <paramref name="shards"/> (what its prover knows).</summary>
    public static ZkvmExecutionSummary Of<TDigest>(ZkvmClaim claim, IReadOnlyList<ShardCommitment> shards)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
            throw new ArgumentException("an execution has at least one shard");
        var end = shards[^1].PublicsOf(ZkvmTable.Cpu);
        return new ZkvmExecutionSummary(claim, shards.Count, Distinct(shards.Select(s => s.Shape)),
            ShardCommitmentTree.TreeDigest<TDigest>(shards).Elements.ToArray(), [end[4], end[5]]);
    }

    /// <summary>The tree digest as <typeparamref name="TDigest"/> (an <see cref="ArgumentException"/> for another length).</summary>
    public TDigest Digest<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        CommitmentDigest?.Length == TDigest.Length ? TDigest.FromElements(CommitmentDigest)
            : throw new ArgumentException($"the commitment digest has {CommitmentDigest?.Length ?? 0} elements, the configuration's have {TDigest.Length}");
}
