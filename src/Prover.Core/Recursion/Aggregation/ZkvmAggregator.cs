using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>A proof of the tree: the program it is a run of (with machine and key) and the recursion proof with its stated outputs.</summary>
public sealed record ZkvmAggregationItem<TDef, TDigest>(ZkvmAggregationChild<TDef, TDigest> Child, RecursionProof<KoalaBearParameters, TDef, TDigest> Proof)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>;

/// <summary>
/// Aggregates an execution proof (<see cref="ZkvmProof{TDef, TDigest}"/>: one STARK per shard with shared challenges)
/// into one root proof: a leaf recursion proof per shard, then nodes pairwise up the tree of
/// <see cref="ShardCommitmentTree.TreeShape"/> (an odd last proof is carried up unchanged). Every proof is under the
/// recursion configuration, with the shard proofs' extension and digest (<typeparamref name="TDigest"/>: 12 elements for
/// provable-128 executions, whose every layer then hashes with width-24 Poseidon2). The shard proofs are checked on the way (a proof the tree
/// rejects is refused with <see cref="RecursionRejectedException"/>); <see cref="Leaf"/> and <see cref="Node"/> are
/// public so that tests can assemble other trees.
/// </summary>
public sealed class ZkvmAggregator<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ZkvmAggregationKeys<TDef, TDigest> _keys;
    private readonly ZkvmProof<TDef, TDigest> _proof;
    private readonly ShardCommitment[] _commitments;
    private readonly ZkvmCheckedStatement<TDef, TDigest> _statement;
    private readonly ZkvmAggregationFamily<TDef, TDigest> _family;
    private readonly List<(string Layer, double Milliseconds, int Bytes)> _timings = [];
    private readonly List<(string Layer, string Phase, double Milliseconds)> _phases = [];

    /// <summary>
    /// Prepares the aggregation of <paramref name="proof"/> of <paramref name="program"/> (shards under
    /// <paramref name="shardConfig"/>) into proofs under <paramref name="recursionConfig"/>; an
    /// <see cref="ArgumentException"/> when the execution's statement does not check (<see cref="ZkvmVerifier{TDef, TDigest}.CheckStatement"/>).
    /// </summary>
    public ZkvmAggregator(StarkConfig shardConfig, StarkConfig recursionConfig, ZkvmProgram program, ZkvmProof<TDef, TDigest> proof)
        : this(new ZkvmAggregationKeys<TDef, TDigest>(shardConfig, recursionConfig, program), proof)
    {
    }

    /// <summary>Same, with programs and keys made once for several executions (<paramref name="keys"/>).</summary>
    /// <remarks>
    /// With <paramref name="catalog"/> (a budget-policy proof at the catalog's k), the tree's family is the catalog's (a leaf
    /// per catalog shape: the allowed-key root R and the final key of every such execution of the guest), and the files name
    /// the catalog instead of listing the execution's shapes; an <see cref="ArgumentException"/> when a shard's shape is not
    /// the catalog's.
    /// </remarks>
    public ZkvmAggregator(ZkvmAggregationKeys<TDef, TDigest> keys, ZkvmProof<TDef, TDigest> proof, ShardCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(proof);
        if (!proof.ProgramDigest.AsSpan().SequenceEqual(keys.Program.Digest))
            throw new ArgumentException("the proof is for another program");
        _keys = keys;
        _proof = proof;
        _commitments = [.. proof.Shards.Select((p, s) => ShardCommitment.Of(proof.ShardChips[s], p.LogHeights, p.PublicValues, p.MainCommitment))];
        var (error, statement) = ZkvmVerifier<TDef, TDigest>.CheckStatement(keys.ShardConfig, keys.Program, Claim, _commitments, proof.Shards[0].Config ?? keys.ShardConfig);
        _statement = statement ?? throw new ArgumentException("the execution proof does not check: " + error);
        if (catalog is not null && !catalog.Program.Digest.AsSpan().SequenceEqual(keys.Program.Digest))
            throw new ArgumentException("the catalog is another program's");
        _summary = ZkvmExecutionSummary.Of<TDigest>(Claim, _commitments, catalog);
        // The family the verifier derives from the file's summary (its allowed shapes and bounds), so that the root's
        // program and allowed-key root are the ones it expects.
        var (summaryError, summary) = ZkvmVerifier<TDef, TDigest>.CheckSummary(keys.ShardConfig, keys.Program, Claim, Summary.Shapes, Summary.ShardCount,
            Summary.Digest<TDigest>(), catalog: Summary.CatalogLogShardSize > 0);
        if (summary is null)
            throw new ArgumentException("the execution's summary does not check: " + summaryError);
        if (summary.Config.ToString() != _statement.Config.ToString())
            throw new InvalidOperationException($"the summary gives the shard proof shape {summary.Config}, the proof has {_statement.Config}");
        _family = Made("family", () => keys.Family(summary.Config, Summary.Shapes, summary.Fractions));
    }

    /// <summary>The keyed family of this execution's tree (its allowed shapes' leaves, the node, the allowed-key root).</summary>
    public ZkvmAggregationFamily<TDef, TDigest> Family => _family;

    public ZkvmClaim Claim => new(_proof.InputSize, _proof.InputCommitment, _proof.Output, _proof.ExitCode, _proof.Cycles);

    public int ShardCount => _commitments.Length;

    /// <summary>Every proof made so far: layer ("leaf s" or "node"), proving time (build, execution, traces and STARK) and proof bytes.</summary>
    public IReadOnlyList<(string Layer, double Milliseconds, int Bytes)> Timings => _timings;

    /// <summary>
    /// The steps of every proof made so far, by layer: building its verifier program, machine and key (where not cached),
    /// its hints, the execution, the traces and each STARK phase ("STARK: …").
    /// </summary>
    public IReadOnlyList<(string Layer, string Phase, double Milliseconds)> Phases => _phases;

    /// <summary>
    /// The shards in the order their leaves are best proved: grouped by leaf program (the family's order of shapes),
    /// in shard order within a group, so that each leaf's proving key is made once and dropped after its group
    /// (<see cref="ZkvmProvingKeys{TDigest}"/>). Any order gives the same proofs: a leaf proof depends on its shard only.
    /// </summary>
    public IReadOnlyList<int> LeafOrder() =>
        [.. Enumerable.Range(0, _commitments.Length).OrderBy(s => _family.Set.IndexOf(_family.Leaf(_commitments[s].Shape).Key.PreprocessedRoot)).ThenBy(s => s)];

    /// <summary>Every leaf proof, in shard order, made in <see cref="LeafOrder"/>; <paramref name="made"/> sees each as it is made.</summary>
    public List<ZkvmAggregationItem<TDef, TDigest>> Leaves(Action<ZkvmAggregationItem<TDef, TDigest>>? made = null)
    {
        var items = new ZkvmAggregationItem<TDef, TDigest>[_commitments.Length];
        foreach (int s in LeafOrder())
        {
            items[s] = Leaf(s);
            made?.Invoke(items[s]);
        }
        return [.. items];
    }

    /// <summary>The leaf proof of shard <paramref name="shard"/>.</summary>
    public ZkvmAggregationItem<TDef, TDigest> Leaf(int shard)
    {
        if (shard < 0 || shard >= _commitments.Length)
            throw new ArgumentOutOfRangeException(nameof(shard));
        var sw = Stopwatch.StartNew();
        var c = _commitments[shard];
        string layer = $"leaf {shard}";
        var child = _family.Leaf(c.Shape);
        var airs = _keys.Program.AirsOf(c.Chips);
        var hints = new StarkProofHints<KoalaBearParameters, TDef, TDigest>(_statement.Config, airs, _proof.Shards[shard],
            _statement.FullKey.Subset(_keys.Program.Airs, c.Chips.Indices()), _statement.Seeds[shard] with { StatementFractions = _statement.Fractions });
        _phases.Add((layer, "hints", sw.Elapsed.TotalMilliseconds));
        return Prove(layer, child, new ZkvmLeafHints([.. _family.AllowedKeys.Elements.ToArray()], PassThrough(shard), hints), sw);
    }

    /// <summary>
    /// The pass-through point of shard <paramref name="shard"/> (what an accelerator shard's leaf states as its start and
    /// end): the previous CPU shard's end, or the entry with clk 1 before the first; then the input size (lo, hi).
    /// Empty for a CPU shard (its leaf reads its own CPU's).
    /// </summary>
    private KoalaBear[] PassThrough(int shard)
    {
        if (!ZkvmChips.IsCpuLess(_commitments[shard].Chips))
            return [];
        KoalaBear[] point = [KoalaBear.FromUInt64(_keys.Program.Program.Entry & 0xFFFF), KoalaBear.FromUInt64(_keys.Program.Program.Entry >> 16), KoalaBear.One, KoalaBear.Zero];
        for (int s = shard - 1; s >= 0; s--)
            if (_commitments[s].Chips.Contains(ZkvmTable.Cpu))
            {
                point = _commitments[s].PublicsOf(ZkvmTable.Cpu)[4..8];
                break;
            }
        ulong size = _proof.InputSize;
        return [.. point, KoalaBear.FromUInt64(size & 0xFFFF), KoalaBear.FromUInt64(size >> 16)];
    }

    /// <summary>The node proof over <paramref name="left"/> and <paramref name="right"/> (refused where they do not chain or a key is not allowed).</summary>
    public ZkvmAggregationItem<TDef, TDigest> Node(ZkvmAggregationItem<TDef, TDigest> left, ZkvmAggregationItem<TDef, TDigest> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var sw = Stopwatch.StartNew();
        var hints = _family.Hints([(Hints(left), left.Child.Key.PreprocessedRoot), (Hints(right), right.Child.Key.PreprocessedRoot)]);
        _phases.Add(("node", "hints", sw.Elapsed.TotalMilliseconds));
        return Prove("node", _family.Node(_family.TakenAsLeaf(left.Child), _family.TakenAsLeaf(right.Child)), hints, sw);
    }

    /// <summary>The lift of <paramref name="leaf"/> (a leaf's proof): its statement restated in the node shape (the root of a one-shard execution).</summary>
    public ZkvmAggregationItem<TDef, TDigest> Lift(ZkvmAggregationItem<TDef, TDigest> leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var sw = Stopwatch.StartNew();
        var hints = _family.Hints([(Hints(leaf), leaf.Child.Key.PreprocessedRoot)]);
        _phases.Add(("lift", "hints", sw.Elapsed.TotalMilliseconds));
        return Prove("lift", _family.Lift, hints, sw);
    }

    /// <summary>
    /// The final proof over <paramref name="root"/> (the tree's root, or any proof of the tree: tests pass others): each
    /// final layer of <see cref="ZkvmAggregationKeys{TDef, TDigest}.FinalChain(ZkvmAggregationFamily{TDef, TDigest})"/> in turn
    /// ("wrap i", then "final"), under its configuration; refused where a proof does not verify, its key is not allowed
    /// (the first layer) or not the pinned one (the next).
    /// </summary>
    public ZkvmAggregationItem<TDef, TDigest> Final(ZkvmAggregationItem<TDef, TDigest> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        // The chain's programs are made before the first layer is proved: their build and setup times are phases of
        // "final chain", outside every layer's time in Timings.
        var chain = Made("final chain", () => _keys.FinalChain(_family));
        var (item, belowConfig) = (root, _keys.RecursionConfig);
        for (int i = 0; i < chain.Count; i++)
        {
            var sw = Stopwatch.StartNew();
            var config = _keys.FinalConfigs[i];
            string layer = i == chain.Count - 1 ? "final" : $"wrap {i}";
            // The first layer checks the root's key a member of the allowed set (its path hinted); the next ones pin.
            IRecursionHints<KoalaBearParameters> hints = i == 0
                ? _family.Hints([(Hints(item, belowConfig), item.Child.Key.PreprocessedRoot)])
                : Hints(item, belowConfig);
            _phases.Add((layer, "hints", sw.Elapsed.TotalMilliseconds));
            item = Prove(layer, chain[i], hints, sw, config);
            belowConfig = config;
        }
        return item;
    }

    private StarkProofHints<KoalaBearParameters, TDef, TDigest> Hints(ZkvmAggregationItem<TDef, TDigest> item, StarkConfig? config = null) =>
        new(config ?? _keys.RecursionConfig, item.Child.Machine.Airs, item.Proof.Stark, item.Child.Key);

    private ZkvmAggregationItem<TDef, TDigest> Prove(string layer, ZkvmAggregationChild<TDef, TDigest> child, IRecursionHints<KoalaBearParameters> hints, Stopwatch sw,
        StarkConfig? config = null) => ProveRun(layer, child, hints, sw, config ?? _keys.RecursionConfig, _timings, _phases);

    /// <summary>
    /// <paramref name="make"/>'s result, with the steps of the programs it made (<see cref="ZkvmAggregationKeys{TDef, TDigest}.TakeTimings"/>)
    /// as phases of <paramref name="layer"/>; steps the keys recorded before (programs another user of the keys made) are dropped.
    /// </summary>
    private T Made<T>(string layer, Func<T> make)
    {
        _ = _keys.TakeTimings();
        var result = make();
        foreach (var (phase, ms) in _keys.TakeTimings())
            _phases.Add((layer, phase, ms));
        return result;
    }

    /// <summary>
    /// Runs <paramref name="child"/>'s program on <paramref name="hints"/> (refused with <see cref="RecursionRejectedException"/>
    /// where it rejects them: nothing to prove) and proves the run under <paramref name="config"/>, recording the layer's
    /// time (since <paramref name="sw"/> started) and bytes in <paramref name="timings"/>. Shared with <see cref="ZkvmEpochAggregator{TDef, TDigest}"/>.
    /// </summary>
    internal static ZkvmAggregationItem<TDef, TDigest> ProveRun(string layer, ZkvmAggregationChild<TDef, TDigest> child, IRecursionHints<KoalaBearParameters> hints, Stopwatch sw,
        StarkConfig config, List<(string Layer, double Milliseconds, int Bytes)> timings, List<(string Layer, string Phase, double Milliseconds)>? phases = null)
    {
        var lap = Stopwatch.StartNew();
        var run = RecursionExecutor<KoalaBearParameters, TDef>.Run(child.Program, hints, out var memory);
        if (!run.Accepted)
            throw new RecursionRejectedException(run);
        phases?.Add((layer, "execute", lap.Elapsed.TotalMilliseconds));
        lap.Restart();
        var traces = child.Machine.GenerateTraces(memory);
        phases?.Add((layer, "traces", lap.Elapsed.TotalMilliseconds));
        lap.Restart();
        // Made again where the store dropped it (another program's layer ran since): the same key, checked against the
        // verifying key the parents and the allowed-key set hold.
        var provingKey = child.ProvingKey(out bool made);
        if (made)
            phases?.Add((layer, "setup (proving key)", lap.Elapsed.TotalMilliseconds));
        var prover = new RecursionProver<KoalaBearParameters, TDef, TDigest>(config);
        var stark = prover.ProveTraces(child.Machine, provingKey, traces, run.Outputs, false);
        foreach (var (phase, ms) in prover.LastStarkTimings)
            phases?.Add((layer, "STARK: " + phase, ms));
        timings.Add((layer, sw.Elapsed.TotalMilliseconds, ProofSerializer.Serialize(stark).Length));
        return new ZkvmAggregationItem<TDef, TDigest>(child, new RecursionProof<KoalaBearParameters, TDef, TDigest>(stark, run.Outputs));
    }

    /// <summary>The whole tree: every leaf, then the nodes level by level (one shard: its leaf's lift); the root's proof.</summary>
    public ZkvmAggregationItem<TDef, TDigest> Root()
    {
        var items = Leaves();
        foreach (var level in ShardCommitmentTree.TreeShape(items.Count))
            items = [.. level.Select(p => p.Right < 0 ? items[p.Left] : Node(items[p.Left], items[p.Right]))];
        // One shard: its leaf lifted to the node shape, the only shape the final layer verifies.
        return items.Count == 1 && _family.IsLeaf(items[0].Child) ? Lift(items[0]) : items[0];
    }

    /// <summary>What the aggregated and final files carry of the execution: the claim, the shards' shapes, the tree digest of their commitments, the end pc.</summary>
    public ZkvmExecutionSummary Summary => _summary;

    private readonly ZkvmExecutionSummary _summary;

    /// <summary>The aggregated proof: the execution's summary and the root's proof.</summary>
    public ZkvmAggregateProof<TDef, TDigest> Aggregate() => FromRoot(Root());

    /// <summary>An aggregated proof with <paramref name="root"/> as its root (tests pass roots of other trees).</summary>
    public ZkvmAggregateProof<TDef, TDigest> FromRoot(ZkvmAggregationItem<TDef, TDigest> root) => From(root, ZkvmAggregateKind.Aggregated);

    /// <summary>The final proof of the execution: its summary and <paramref name="final"/> (a <see cref="Final"/> proof).</summary>
    public ZkvmAggregateProof<TDef, TDigest> FromFinal(ZkvmAggregationItem<TDef, TDigest> final) => From(final, ZkvmAggregateKind.Final);

    private ZkvmAggregateProof<TDef, TDigest> From(ZkvmAggregationItem<TDef, TDigest> top, ZkvmAggregateKind kind)
    {
        ArgumentNullException.ThrowIfNull(top);
        return ZkvmAggregateProof<TDef, TDigest>.Of(_proof.ProgramDigest, Summary, top.Proof.Stark, kind);
    }
}
