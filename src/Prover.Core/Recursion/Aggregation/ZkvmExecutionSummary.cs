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
/// <para>
/// Catalog mode (<see cref="CatalogLogShardSize"/> &gt; 0; the budget policy's proofs): the allowed shapes are not the
/// execution's but every shape of the guest's catalog for shards of 2^k cycles (<see cref="ShardCatalog"/>), which the file
/// names by k alone; <see cref="Resolve"/> lists them. The allowed-key root R, hence the final key, is then the same for
/// every execution of the guest under those configurations and k (docs/design.md, "The shard catalog").
/// </para>
/// </summary>
public sealed record ZkvmExecutionSummary(ZkvmClaim Claim, int ShardCount, IReadOnlyList<ShardShape> Shapes, KoalaBear[] CommitmentDigest, KoalaBear[] EndPc)
{
    /// <summary>k of the catalog whose shapes are the allowed ones (catalog mode), or 0: <see cref="Shapes"/> are the execution's distinct shapes.</summary>
    public int CatalogLogShardSize { get; init; }

    /// <summary>
    /// This summary with its allowed shapes listed: itself when they are explicit, the catalog's shapes of
    /// <paramref name="program"/> (as its shards are proved) for k in catalog mode.
    /// </summary>
    public ZkvmExecutionSummary Resolve(ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return CatalogLogShardSize == 0 ? this : this with { Shapes = ShardCatalog.For(program, CatalogLogShardSize).Shapes };
    }

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
    /// <remarks>
    /// With <paramref name="catalog"/>, the summary is in catalog mode: every shard's shape must be one of the catalog's (an
    /// <see cref="ArgumentException"/> otherwise: a proof not made under the budget policy at that k).
    /// </remarks>
    public static ZkvmExecutionSummary Of<TDigest>(ZkvmClaim claim, IReadOnlyList<ShardCommitment> shards, ShardCatalog? catalog = null)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
            throw new ArgumentException("an execution has at least one shard");
        var end = shards[^1].PublicsOf(ZkvmTable.Cpu);
        var digest = ShardCommitmentTree.TreeDigest<TDigest>(shards).Elements.ToArray();
        if (catalog is null)
            return new ZkvmExecutionSummary(claim, shards.Count, Distinct(shards.Select(s => s.Shape)), digest, [end[4], end[5]]);
        for (int s = 0; s < shards.Count; s++)
            if (!catalog.Contains(shards[s].Shape))
                throw new ArgumentException($"shard {s}'s shape is not in the catalog for shards of 2^{catalog.LogShardSize} cycles (not a budget-policy proof at that size)");
        return new ZkvmExecutionSummary(claim, shards.Count, catalog.Shapes, digest, [end[4], end[5]]) { CatalogLogShardSize = catalog.LogShardSize };
    }

    /// <summary>The tree digest as <typeparamref name="TDigest"/> (an <see cref="ArgumentException"/> for another length).</summary>
    public TDigest Digest<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        CommitmentDigest?.Length == TDigest.Length ? TDigest.FromElements(CommitmentDigest)
            : throw new ArgumentException($"the commitment digest has {CommitmentDigest?.Length ?? 0} elements, the configuration's have {TDigest.Length}");
}
