using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// One block of an epoch: its execution's summary (claim, shard shapes, tree digest, end pc: what the epoch file carries for
/// the verifier's native statement checks) and the root proof of its execution's aggregation tree (the epoch node's child).
/// </summary>
public sealed record ZkvmEpochBlock<TDef, TDigest>(ZkvmExecutionSummary Summary, ZkvmAggregationItem<TDef, TDigest> Root)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    public ZkvmClaim Claim => Summary.Claim;
}

/// <summary>A proof of the epoch tree: a block's execution root (<paramref name="IsBlock"/>) or an epoch node over two items.</summary>
public sealed record ZkvmEpochItem<TDef, TDigest>(ZkvmAggregationItem<TDef, TDigest> Item, bool IsBlock)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>;

/// <summary>
/// Aggregates several executions of one guest program (blocks) into one epoch proof (docs/design.md, "Recursion", blocks
/// to epochs): each block's execution root (<see cref="BlockOf(ZkvmAggregationKeys{TDef, TDigest}, ZkvmAggregateProof{TDef, TDigest})"/>
/// from an aggregated file, <see cref="BlockOf(ZkvmAggregationKeys{TDef, TDigest}, ZkvmProof{TDef, TDigest}, List{ValueTuple{string, double, int}}?)"/>
/// from an execution proof), then epoch nodes pairwise up the tree of <see cref="ShardCommitmentTree.TreeShape"/> to
/// one epoch root stating <see cref="ZkvmEpochStatement"/>, and with <see cref="Final"/> the final chain over it
/// (the same one-child layers and configurations as an execution's). Every recursion proof is under the keys'
/// configurations; a proof a node rejects is refused with <see cref="RecursionRejectedException"/>. <see cref="Node"/>
/// is public so that tests can assemble other trees.
/// </summary>
public sealed class ZkvmEpochAggregator<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    /// <summary>The most blocks one epoch file holds (parsing bound).</summary>
    public const int MaxBlocks = 1 << 12;

    private readonly ZkvmAggregationKeys<TDef, TDigest> _keys;
    private readonly ZkvmEpochBlock<TDef, TDigest>[] _blocks;
    private readonly List<(string Layer, double Milliseconds, int Bytes)> _timings = [];

    /// <summary>
    /// Prepares the epoch over <paramref name="blocks"/> (in order; at least two, each of <paramref name="keys"/>' program:
    /// one guest program per epoch), an <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public ZkvmEpochAggregator(ZkvmAggregationKeys<TDef, TDigest> keys, IReadOnlyList<ZkvmEpochBlock<TDef, TDigest>> blocks)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count < 2 || blocks.Count > MaxBlocks)
            throw new ArgumentException($"an epoch aggregates 2 to {MaxBlocks} blocks, not {blocks.Count} (one block's proof is its own aggregated or final proof)");
        _keys = keys;
        _blocks = [.. blocks];
    }

    public IReadOnlyList<ZkvmEpochBlock<TDef, TDigest>> Blocks => _blocks;

    /// <summary>Every epoch proof made so far: layer ("epoch node", "wrap i", "final"), proving time and proof bytes.</summary>
    public IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> Timings => _timings;

    /// <summary>
    /// A block from its execution's aggregated (root) proof: refused (<see cref="ArgumentException"/>) unless it is a root of
    /// <paramref name="keys"/>' program that the aggregate verifier accepts — a final proof ends its execution's chain
    /// under another configuration and is not a child an epoch node verifies.
    /// </summary>
    public static ZkvmEpochBlock<TDef, TDigest> BlockOf(ZkvmAggregationKeys<TDef, TDigest> keys, ZkvmAggregateProof<TDef, TDigest> root)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(root);
        if (root.Kind != ZkvmAggregateKind.Aggregated)
            throw new ArgumentException("a final proof cannot be a block of an epoch: pass its execution proof or aggregated (root) proof");
        if (!root.ProgramDigest.AsSpan().SequenceEqual(keys.Program.Digest))
            throw new ArgumentException($"the block is a proof of program {Convert.ToHexStringLower(root.ProgramDigest)}, not {Convert.ToHexStringLower(keys.Program.Digest)}: an epoch is over one guest program");
        var verdict = new ZkvmAggregateVerifier<TDef, TDigest>(keys).Verify(root);
        if (!verdict.IsValid)
            throw new ArgumentException("the block's aggregated proof does not verify: " + verdict.Error);
        var summary = root.Summary.Resolve(keys.Program);
        var (_, statement) = ZkvmVerifier<TDef, TDigest>.CheckSummary(keys.ShardConfig, keys.Program, summary.Claim, summary.Shapes, summary.ShardCount,
            summary.Digest<TDigest>(), catalog: summary.CatalogLogShardSize > 0);
        var family = keys.Family(statement!.Config, summary.Shapes, statement.Fractions);
        var child = family.Top(summary.ShardCount);
        var outputs = ZkvmAggregateStatement.Expected(keys.Program, summary, statement, family.AllowedKeys);
        return new ZkvmEpochBlock<TDef, TDigest>(summary, new ZkvmAggregationItem<TDef, TDigest>(child,
            new RecursionProof<KoalaBearParameters, TDef, TDigest>(root.Root, outputs)));
    }

    /// <summary>
    /// A block from its execution proof: its aggregation tree is proved here (<see cref="ZkvmAggregator{TDef, TDigest}.Root"/>;
    /// each proof's layer, time and bytes appended to <paramref name="timings"/>).
    /// </summary>
    public static ZkvmEpochBlock<TDef, TDigest> BlockOf(ZkvmAggregationKeys<TDef, TDigest> keys, ZkvmProof<TDef, TDigest> execution,
        List<(string Layer, double Milliseconds, int Bytes)>? timings = null)
    {
        var aggregator = new ZkvmAggregator<TDef, TDigest>(keys, execution);
        var root = aggregator.Root();
        timings?.AddRange(aggregator.Timings);
        return new ZkvmEpochBlock<TDef, TDigest>(aggregator.Summary, root);
    }

    /// <summary>Block <paramref name="index"/>'s execution root, as an item of the epoch tree.</summary>
    public ZkvmEpochItem<TDef, TDigest> Block(int index) => new(_blocks[index].Root, true);

    /// <summary>The epoch node over <paramref name="left"/> and <paramref name="right"/> (refused where a child's proof does not verify against its pinned key).</summary>
    public ZkvmEpochItem<TDef, TDigest> Node(ZkvmEpochItem<TDef, TDigest> left, ZkvmEpochItem<TDef, TDigest> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var sw = Stopwatch.StartNew();
        var child = _keys.EpochNode(left.Item.Child, left.IsBlock, right.Item.Child, right.IsBlock);
        var hints = new AggregationHints<KoalaBearParameters>([Hints(left.Item, _keys.RecursionConfig), Hints(right.Item, _keys.RecursionConfig)]);
        return new(ZkvmAggregator<TDef, TDigest>.ProveRun("epoch node", child, hints, sw, _keys.RecursionConfig, _timings), false);
    }

    /// <summary>The whole epoch tree over the blocks in order: the epoch root's proof.</summary>
    public ZkvmEpochItem<TDef, TDigest> Root()
    {
        var items = Enumerable.Range(0, _blocks.Length).Select(Block).ToList();
        foreach (var level in ShardCommitmentTree.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : Node(items[p.Left], items[p.Right]))];
        return items[0];
    }

    /// <summary>
    /// The final proof over <paramref name="root"/> (the epoch root; tests pass others): the keys' final layers in turn
    /// ("wrap i", then "final"), each verifying the one below with its key pinned and restating the epoch statement.
    /// </summary>
    public ZkvmAggregationItem<TDef, TDigest> Final(ZkvmEpochItem<TDef, TDigest> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        int length = root.IsBlock ? ZkvmAggregateStatement.Length(TDef.Degree, TDigest.Length) : ZkvmEpochStatement.Length(TDigest.Length);
        var chain = _keys.FinalChain(root.Item.Child, length);
        var (item, belowConfig) = (root.Item, _keys.RecursionConfig);
        for (int i = 0; i < chain.Count; i++)
        {
            var sw = Stopwatch.StartNew();
            var config = _keys.FinalConfigs[i];
            item = ZkvmAggregator<TDef, TDigest>.ProveRun(i == chain.Count - 1 ? "final" : $"wrap {i}", chain[i], Hints(item, belowConfig), sw, config, _timings);
            belowConfig = config;
        }
        return item;
    }

    private static StarkProofHints<KoalaBearParameters, TDef, TDigest> Hints(ZkvmAggregationItem<TDef, TDigest> item, StarkConfig config) =>
        new(config, item.Child.Machine.Airs, item.Proof.Stark, item.Child.Key);

    /// <summary>The epoch file's proof with <paramref name="root"/> (an epoch root) as its top proof.</summary>
    public ZkvmEpochProof<TDef, TDigest> FromRoot(ZkvmAggregationItem<TDef, TDigest> root) => From(root, ZkvmAggregateKind.Aggregated);

    /// <summary>The epoch file's proof with <paramref name="final"/> (a <see cref="Final"/> proof) as its top proof.</summary>
    public ZkvmEpochProof<TDef, TDigest> FromFinal(ZkvmAggregationItem<TDef, TDigest> final) => From(final, ZkvmAggregateKind.Final);

    private ZkvmEpochProof<TDef, TDigest> From(ZkvmAggregationItem<TDef, TDigest> top, ZkvmAggregateKind kind)
    {
        ArgumentNullException.ThrowIfNull(top);
        return new ZkvmEpochProof<TDef, TDigest>
        {
            Kind = kind,
            ProgramDigest = _keys.Program.Digest,
            Blocks = [.. _blocks.Select(b => b.Summary)],
            Top = top.Proof.Stark,
        };
    }
}
