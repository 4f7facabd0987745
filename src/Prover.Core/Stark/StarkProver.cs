using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Challenger;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>A configuration below its stated minimum security, refused by the prover.</summary>
public sealed class InsecureConfigurationException(string message) : Exception(message);

/// <summary>
/// The multi-table STARK prover. Protocol (docs/design.md, "STARK"): commit all main traces (coset LDEs,
/// bit-reversed, one mixed-height Merkle commitment); draw LogUp challenges; commit the LogUp traces
/// and their cumulative sums; draw α and μ; commit the one quotient Σ_t μ^t·A_t/Z_(H_t) of all tables split into chunks; draw ζ; open
/// every column at ζ (and ζ·ω); draw λ and prove with FRI that the DEEP quotients of all openings are
/// low-degree; grind; answer the queries.
/// </summary>
public sealed class StarkProver<TParams, TDef, TDigest>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private readonly StarkConfig _config;
    private readonly IProverBackend<TParams> _backend;
    private readonly ITwoAdicSubgroupDft<MontyField31<TParams>> _dft;
    private readonly CompiledAirCache<MontyField31<TParams>> _compiledAirs = new();

    public StarkProver(StarkConfig config, IProverBackend<TParams>? backend = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        StarkConfig.CheckDigest<TParams, TDigest>(config);
        _config = config;
        _backend = backend ?? CpuBackend<TParams>.Instance;
        _dft = _backend.Dft;
    }

    /// <summary>The backend this prover runs its heavy steps on.</summary>
    public IProverBackend<TParams> Backend => _backend;

    /// <summary>The phase <see cref="LastTimings"/> names for the <see cref="CheckConstraints"/> pass (listed only when it ran).</summary>
    public const string ConstraintCheckPhase = "AIR constraint check";

    /// <summary>Wall time of each phase of the last proof, in milliseconds, in protocol order.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastTimings { get; private set; } = [];

    /// <summary>When true (default), each trace is checked against its AIR before proving, so a wrong trace fails with the violated constraint.</summary>
    public bool CheckConstraints { get; init; } = true;

    /// <summary>
    /// Test hook for forged-trace tests: replaces a table's LogUp trace and claimed sum after they are generated,
    /// before their LDE and commitment (so a proof of a forged LogUp trace can be shown to be rejected).
    /// </summary>
    internal Func<LogUpForgery, (RowMajorMatrix<MontyField31<TParams>> Trace, ExtensionField<MontyField31<TParams>, TDef> Sum)>? ForgeLogUp { get; init; }

    /// <summary>
    /// Test hook for forged-quotient tests: replaces the weights μ^t the tables' quotients are combined with (so a proof whose
    /// quotient was combined with another μ, or with a table left out, can be shown to be rejected).
    /// </summary>
    internal Func<ExtensionField<MontyField31<TParams>, TDef>[], ExtensionField<MontyField31<TParams>, TDef>[]>? ForgeQuotientWeights { get; init; }

    /// <summary>What <see cref="ForgeLogUp"/> sees of one table: its index, main trace, honest LogUp trace and sum, and the challenges.</summary>
    internal sealed record LogUpForgery(int Table, RowMajorMatrix<MontyField31<TParams>> Main, RowMajorMatrix<MontyField31<TParams>> LogUp,
        ExtensionField<MontyField31<TParams>, TDef> Sum, ExtensionField<MontyField31<TParams>, TDef> Gamma, ExtensionField<MontyField31<TParams>, TDef> Beta);

    /// <summary>Security of the last proof's shape (set by <see cref="Prove"/>).</summary>
    public SecurityReport? LastSecurity { get; private set; }

    public StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> Prove(
        IReadOnlyList<IAir<MontyField31<TParams>>> airs,
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces,
        IReadOnlyList<MontyField31<TParams>[]> publicValues, ProvingKey<TParams, TDigest>? provingKey = null,
        SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared = null, RetainedMain? main = null)
    {
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(publicValues);
        if (airs.Count == 0 || airs.Count != traces.Count || airs.Count != publicValues.Count)
            throw new ArgumentException("need one trace and one public-value list per AIR");
        if (main is not null)
            main.CheckFits(traces, _config.LogBlowup);
        int logBlowup = _config.LogBlowup;
        var compiled = new CompiledAir<MontyField31<TParams>>[airs.Count];
        var logHeights = new int[airs.Count];
        for (int t = 0; t < airs.Count; t++)
        {
            var air = airs[t];
            var trace = traces[t];
            if (trace.Width != air.Width)
                throw new ArgumentException($"{air.Name}: trace width {trace.Width}, AIR width {air.Width}");
            if (trace.Height < 2 || !BitOperations.IsPow2(trace.Height))
                throw new ArgumentException($"{air.Name}: trace height {trace.Height} is not a power of two ≥ 2");
            if (publicValues[t].Length != air.PublicValueCount)
                throw new ArgumentException($"{air.Name}: {publicValues[t].Length} public values, {air.PublicValueCount} expected");
            logHeights[t] = BitOperations.Log2((uint)trace.Height);
            // Compiled once per AIR and batching for all of this prover's proofs (a zkVM proof's shards share their AIRs): a
            // compiled AIR is a pure function of both (CompiledAirCache), so it is what a fresh compilation gives.
            compiled[t] = KernelSelection.IsReference(ReferenceFamily.Compilation)
                ? new CompiledAir<MontyField31<TParams>>(air, _config.LogUpBatchingFor(logHeights[t]))
                : _compiledAirs.Get(air, _config.LogUpBatchingFor(logHeights[t]));
            if (compiled[t].LogQuotientChunks > logBlowup)
                throw new ArgumentException($"{air.Name}: constraint degree {compiled[t].MaxConstraintDegree} needs log blowup ≥ {compiled[t].LogQuotientChunks}");
            if (logHeights[t] + logBlowup > TParams.TwoAdicity)
                throw new ArgumentException($"{air.Name}: 2^{logHeights[t]} rows × blowup exceed the field's two-adic subgroup");
        }
        // A key made here lives for this proof only: its matrices' retained device copies are freed at the end (a caller's key stays
        // retained for the caller's next proof).
        bool ownKey = provingKey is null;
        provingKey ??= StarkSetup.Preprocess<TParams, TDigest>(airs, logHeights, logBlowup, _backend);
        if (provingKey is not null && (!provingKey.VerifyingKey.Matches(airs, logHeights) || provingKey.VerifyingKey.LogBlowup != logBlowup))
            throw new ArgumentException("the proving key was made for other table heights or another blowup");
        // The check is timed and reported as a phase of its own: it costs about as much as a phase of the proof (a
        // caller that leaves it on by accident, as the cluster's workers once did, shows it in its timings).
        double checkMs = -1;
        if (CheckConstraints)
        {
            long checkStart = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int t = 0; t < airs.Count; t++)
                if (AirChecker.FindViolation(airs[t], traces[t], publicValues[t], provingKey?.Traces[t]) is { } violation)
                    throw new ArgumentException("trace does not satisfy its AIR: " + violation);
            checkMs = System.Diagnostics.Stopwatch.GetElapsedTime(checkStart).TotalMilliseconds;
        }
        var layout = new StarkLayout<MontyField31<TParams>>(compiled, logHeights, TDef.Degree, logBlowup, _config.LogFinalPolyLength, _config.FoldingArity);
        LastSecurity = StarkSecurity.Report(_config, layout, TParams.P, TDigest.Length, shared?.StatementFractions);
        if (LastSecurity.Provable < _config.MinimumProvableBits && !_config.AllowInsecure)
            throw new InsecureConfigurationException($"configuration '{_config.Name}' gives {LastSecurity}; minimum is {_config.MinimumProvableBits} provable bits");

        var run = new Run(this, layout, traces, publicValues, provingKey, shared, main?.Take());
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof;
        try
        {
            proof = run.Prove();
        }
        finally
        {
            // The backend's device copies of this proof's LDEs (if it keeps any) are freed, also after a failure.
            _backend.Release([.. run.Ldes, .. run.Trees]);
            if (ownKey && provingKey is not null)
                _backend.ReleaseRetained([.. provingKey.Traces, .. provingKey.Ldes]);
        }
        LastTimings = checkMs >= 0 ? [(ConstraintCheckPhase, checkMs), .. run.Timings] : run.Timings;
        return proof;
    }

    /// <summary>
    /// The main-trace commitment (cap) that <see cref="Prove"/> will observe for these traces (same LDE and
    /// Merkle tree): what a group of proofs sharing LogUp challenges commits to before the challenges exist.
    /// </summary>
    public MerkleCap<TParams, TDigest> CommitMainTraces(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var ldes = MainLdes(traces);
        try
        {
            var tree = _backend.Commit<TDigest>(ldes);
            var cap = tree.Cap(_config.MerkleCapHeight); // read before the tree's device copy (if any) is released
            _backend.Release([tree]);
            return cap;
        }
        finally
        {
            _backend.Release([.. ldes, .. traces]);
        }
    }

    /// <summary>
    /// <see cref="CommitMainTraces"/> that keeps the coset LDEs and their Merkle tree for <see cref="Prove"/> (its
    /// <c>main</c> argument), which then commits nothing again: the same cap, the same proof bytes, one main LDE and
    /// commitment fewer. The caller holds the LDEs' memory until the proof (docs/design.md, "Shard retention between the
    /// phases"). The traces' device copies (if the backend made any) are released now.
    /// </summary>
    public RetainedMain CommitMainTracesRetained(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var ldes = MainLdes(traces);
        var tree = _backend.Commit<TDigest>(ldes);
        _backend.Release([.. traces]);
        return new RetainedMain(ldes, tree, tree.Cap(_config.MerkleCapHeight), [.. traces.Select(t => (t.Height, t.Width))]);
    }

    /// <summary>
    /// A main-trace commitment kept from <see cref="CommitMainTracesRetained"/>: the coset LDEs and their tree, for one
    /// <see cref="Prove"/> of the same traces (taken by it; a second use is refused).
    /// </summary>
    public sealed class RetainedMain
    {
        private RowMajorMatrix<MontyField31<TParams>>[]? _ldes;
        private MerkleTree<TParams, TDigest>? _tree;
        private readonly (int Height, int Width)[] _shapes;

        internal RetainedMain(RowMajorMatrix<MontyField31<TParams>>[] ldes, MerkleTree<TParams, TDigest> tree, MerkleCap<TParams, TDigest> cap,
            (int Height, int Width)[] shapes)
        {
            _ldes = ldes;
            _tree = tree;
            _shapes = shapes;
            Cap = cap;
            Bytes = ldes.Sum(l => (long)l.Height * l.Width * 4) + 2L * ldes.Max(l => (long)l.Height) * TDigest.Length * 4;
        }

        /// <summary>The commitment, as <see cref="CommitMainTraces"/> returns it.</summary>
        public MerkleCap<TParams, TDigest> Cap { get; }

        /// <summary>Bytes held: the LDE elements and the tree's digests (at most two per leaf of the tallest LDE).</summary>
        public long Bytes { get; }

        /// <summary>Throws unless these LDEs were made from traces of the same heights and widths, at this blowup.</summary>
        internal void CheckFits(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces, int logBlowup)
        {
            if (_ldes is null)
                throw new InvalidOperationException("this retained main commitment was already used by a proof");
            if (traces.Count != _shapes.Length)
                throw new ArgumentException($"the retained main commitment has {_shapes.Length} tables, the proof {traces.Count}");
            for (int t = 0; t < traces.Count; t++)
                if (traces[t].Height != _shapes[t].Height || traces[t].Width != _shapes[t].Width || _ldes[t].Height != traces[t].Height << logBlowup)
                    throw new ArgumentException($"table {t}: the retained main commitment was made for another shape or blowup");
        }

        internal (RowMajorMatrix<MontyField31<TParams>>[] Ldes, MerkleTree<TParams, TDigest> Tree) Take()
        {
            var taken = (_ldes!, _tree!);
            _ldes = null;
            _tree = null;
            return taken;
        }
    }

    /// <summary>The coset LDEs (bit-reversed) of the main traces: what phase 1 of a proof commits.</summary>
    private RowMajorMatrix<MontyField31<TParams>>[] MainLdes(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces)
    {
        var ldes = new RowMajorMatrix<MontyField31<TParams>>[traces.Count];
        for (int t = 0; t < traces.Count; t++)
            ldes[t] = _backend.CosetLdeBitReversed(traces[t], _config.LogBlowup, MontyField31<TParams>.MultiplicativeGenerator);
        return ldes;
    }

    /// <summary>Observes a shared-challenge seed (length first, so seeds of different lengths cannot collide).</summary>
    internal static void ObserveSeed(DuplexChallenger<TParams, TDigest> challenger, ulong[] seed)
    {
        challenger.Observe(MontyField31<TParams>.FromUInt64((ulong)seed.Length));
        foreach (ulong v in seed)
            challenger.Observe(MontyField31<TParams>.FromUInt64(v));
    }

    /// <summary>State of one proof (keeps the big intermediate matrices together).</summary>
    private sealed class Run(StarkProver<TParams, TDef, TDigest> owner, StarkLayout<MontyField31<TParams>> layout,
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> traces, IReadOnlyList<MontyField31<TParams>[]> publics, ProvingKey<TParams, TDigest>? key,
        SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared,
        (RowMajorMatrix<MontyField31<TParams>>[] Ldes, MerkleTree<TParams, TDigest> Tree)? retained)
    {
        private static readonly MontyField31<TParams> Shift = MontyField31<TParams>.MultiplicativeGenerator;
        private readonly StarkConfig _config = owner._config;
        private readonly DuplexChallenger<TParams, TDigest> _challenger = DuplexChallenger<TParams, TDigest>.Create();
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public List<(string Phase, double Milliseconds)> Timings { get; } = [];

        /// <summary>Every LDE this proof asked the backend for (released when the proof ends).</summary>
        public List<RowMajorMatrix<MontyField31<TParams>>?> Ldes { get; } = [];

        /// <summary>Every Merkle tree this proof asked the backend for (a backend may keep their layers for the query openings; released with the LDEs).</summary>
        public List<object?> Trees { get; } = [];

        private void Lap(string phase)
        {
            Timings.Add((phase, _clock.Elapsed.TotalMilliseconds));
            _clock.Restart();
        }

        public StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> Prove()
        {
            int tables = traces.Count;
            var airs = layout.Airs;
            layout.ObserveHeader(_challenger, _config, publics);
            if (key is not null)
            {
                _challenger.Observe(key.VerifyingKey.PreprocessedRoot);
                // The key outlives this proof: a backend may keep its device copies of the key's traces and LDEs for the next proof.
                owner._backend.Retain([.. key.Traces, .. key.Ldes]);
            }
            if (shared is not null)
                ObserveSeed(_challenger, shared.Seed);

            // Phase 1: main traces (or the LDEs and tree a group of proofs kept from committing them before the challenges:
            // the same matrices, so the same cap and openings).
            var mainLdes = retained?.Ldes ?? owner.MainLdes(traces);
            Ldes.AddRange(mainLdes);
            // A backend may keep the traces it made LDEs of (for their openings): freed with the LDEs.
            Ldes.AddRange(traces);
            Lap("main LDE");
            var mainTree = retained?.Tree ?? owner._backend.Commit<TDigest>(mainLdes);
            Trees.Add(mainTree);
            int capHeight = _config.MerkleCapHeight;
            var mainCap = mainTree.Cap(capHeight);
            _challenger.Observe(mainCap);
            Lap("main commit");

            // Phase 2: LogUp traces.
            var gamma = default(ExtensionField<MontyField31<TParams>, TDef>);
            var beta = default(ExtensionField<MontyField31<TParams>, TDef>);
            var logUpTraces = new RowMajorMatrix<MontyField31<TParams>>?[tables];
            var logUpLdes = new RowMajorMatrix<MontyField31<TParams>>?[tables];
            var sums = new ExtensionField<MontyField31<TParams>, TDef>[tables];
            MerkleTree<TParams, TDigest>? logUpTree = null;
            if (layout.HasLogUp)
            {
                (gamma, beta) = shared is null
                    ? (_challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>(), _challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>())
                    : (shared.Gamma, shared.Beta);
                var committed = new List<RowMajorMatrix<MontyField31<TParams>>>();
                for (int t = 0; t < tables; t++)
                {
                    if (airs[t].LogUpColumns == 0) continue;
                    (logUpTraces[t], sums[t]) = owner._backend.GenerateLogUp(airs[t], traces[t], key?.Traces[t], publics[t], gamma, beta);
                    // A device copy of the LogUp trace (kept for its LDE and openings) is freed with the LDEs.
                    Ldes.Add(logUpTraces[t]);
                    if (owner.ForgeLogUp is { } forge)
                    {
                        (logUpTraces[t], sums[t]) = forge(new LogUpForgery(t, traces[t], logUpTraces[t]!, sums[t], gamma, beta));
                        Ldes.Add(logUpTraces[t]);
                    }
                    logUpLdes[t] = owner._backend.CosetLdeBitReversed(logUpTraces[t]!, layout.LogBlowup, Shift);
                    Ldes.Add(logUpLdes[t]);
                    committed.Add(logUpLdes[t]!);
                }
                if (owner.CheckConstraints && shared is null)
                {
                    var total = default(ExtensionField<MontyField31<TParams>, TDef>);
                    foreach (var s in sums)
                        total += s;
                    if (!total.IsZero)
                        throw new ArgumentException("the tables' bus interactions do not balance (a value is sent that is never received, or multiplicities differ)");
                }
                logUpTree = owner._backend.Commit<TDigest>(committed);
                Trees.Add(logUpTree);
                _challenger.Observe(logUpTree.Cap(capHeight));
                for (int t = 0; t < tables; t++)
                    if (airs[t].LogUpColumns > 0)
                        _challenger.ObserveExtension(sums[t]);
                Lap("LogUp trace, LDE and commit");
            }

            // Phase 3: one quotient for the whole proof (docs/design.md, "STARK"). μ is drawn after α and before the quotient's
            // commitment: Q = Σ_t μ^t·A_t/Z_(H_t) is a polynomial (of degree < max_t d_t·n_t) only if every A_t/Z_(H_t) is, except
            // with probability ≤ (T − 1)/|F| over μ (StarkVerifier.ConstraintError states why).
            var alpha = _challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
            var mu = _challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
            var tableQuotients = new RowMajorMatrix<MontyField31<TParams>>[tables];
            for (int t = 0; t < tables; t++)
            {
                // Each table's quotient on its own quotient coset, as coefficients (a backend may keep them on its device).
                tableQuotients[t] = owner._backend.QuotientCoefficients(airs[t], layout.LogHeights[t], mainLdes[t], key?.Ldes[t],
                    logUpLdes[t], publics[t], alpha, gamma, beta, sums[t]);
                Ldes.Add(tableQuotients[t]);
            }
            var weights = mu.Powers(tables);
            if (owner.ForgeQuotientWeights is { } forgeWeights)
                weights = forgeWeights(weights);
            var (quotientCoefficients, quotientLde) = owner._backend.CombineQuotients(tableQuotients, weights, layout.LogHeights.Max(),
                layout.LogQuotientChunks, layout.LogBlowup);
            Ldes.Add(quotientCoefficients);
            Ldes.Add(quotientLde);
            owner._backend.Release(tableQuotients);
            Lap("quotient evaluation and LDE");
            var quotientTree = owner._backend.Commit<TDigest>([quotientLde]);
            Trees.Add(quotientTree);
            _challenger.Observe(quotientTree.Cap(capHeight));
            Lap("quotient commit");

            // Phase 4: out-of-domain openings.
            var zeta = _challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
            var openings = new TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[tables];
            // The traces of all tables of one height at ζ and ζ·ω in one backend call: the points' barycentric weights are made
            // once per height, not once per table (the values are the same: each column's own combination with them).
            foreach (var group in Enumerable.Range(0, tables).GroupBy(t => layout.LogHeights[t]))
            {
                int logN = group.Key;
                if (Polynomials.Vanishing(logN, zeta).IsZero)
                    throw new InvalidOperationException("ζ fell on a trace domain (probability ~2^-100)");
                var zetaNext = zeta * MontyField31<TParams>.TwoAdicGenerator(logN);
                var matrices = new List<RowMajorMatrix<MontyField31<TParams>>>();
                var firstMatrix = new Dictionary<int, int>();
                foreach (int t in group)
                {
                    firstMatrix[t] = matrices.Count;
                    matrices.Add(traces[t]);
                    if (key?.Traces[t] is { } p) matrices.Add(p);
                    if (logUpTraces[t] is { } lt) matrices.Add(lt);
                }
                // Every column at ζ; at ζ·ω only the columns some constraint reads on the next row (StarkLayout, OpenedMatrix.NextColumns),
                // so only those are combined with ζ·ω's weights.
                var nextColumns = new IReadOnlyList<int>?[matrices.Count];
                foreach (int t in group)
                {
                    int at = firstMatrix[t];
                    nextColumns[at] = layout.Airs[t].NextMainColumns;
                    if (key?.Traces[t] is not null)
                        nextColumns[at + 1] = layout.Airs[t].NextPreprocessedColumns;
                    if (logUpTraces[t] is not null)
                        nextColumns[at + (key?.Traces[t] is null ? 1 : 2)] = LogUp.NextColumns(layout.Airs[t].LogUpColumns, TDef.Degree);
                }
                var values = owner._backend.EvaluateOutOfDomain(logN, matrices, [zeta, zetaNext], [new IReadOnlyList<int>?[matrices.Count], nextColumns]);
                var (local, next) = (values[0], values[1]);
                foreach (int t in group)
                {
                    var pre = key?.Traces[t];
                    int at = firstMatrix[t];
                    int logUpAt = at + (pre is null ? 1 : 2);
                    openings[t] = new TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>
                    {
                        PreprocessedLocal = pre is null ? [] : local[at + 1],
                        // At ζ·ω only the columns some constraint reads on the next row (StarkLayout, OpenedMatrix.NextColumns).
                        PreprocessedNext = pre is null ? [] : next[at + 1],
                        MainLocal = local[at],
                        MainNext = next[at],
                        LogUpLocal = logUpTraces[t] is null ? [] : local[logUpAt],
                        LogUpNext = logUpTraces[t] is null ? [] : next[logUpAt],
                        Quotient = t == layout.QuotientTable ? owner._backend.EvaluateCoefficientColumns(quotientCoefficients, zeta) : [],
                    };
                }
            }
            foreach (var o in openings)
                foreach (var list in o.Lists())
                    foreach (var v in list)
                        _challenger.ObserveExtension(v);

            Lap("out-of-domain openings");

            // Phase 5: DEEP batching and FRI.
            var lambda = _challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
            var inputTrees = new List<MerkleTree<TParams, TDigest>>();
            if (key is not null) inputTrees.Add(key.Tree);
            inputTrees.Add(mainTree);
            if (logUpTree is not null) inputTrees.Add(logUpTree);
            inputTrees.Add(quotientTree);
            var reduced = Deep<TParams, TDef>.ReduceCodewords(owner._backend, layout, inputTrees, openings, zeta, lambda);
            Lap("DEEP batching");
            var fri = Fri<TParams, TDef>.CommitPhase(owner._backend, _challenger, reduced, layout, capHeight);
            Trees.AddRange(fri.Trees);
            Trees.AddRange(fri.Kept); // each step's codeword and leaves, for the query openings
            Lap("FRI commit phase");

            var witness = _challenger.Grind(_config.QueryPowBits);
            var sampled = new int[_config.NumQueries];
            for (int q = 0; q < sampled.Length; q++)
                sampled[q] = (int)_challenger.SampleBits(layout.LogMaxLdeHeight);
            // Each tree is opened once at the distinct indices (a repeated index is answered once); a tree whose tallest
            // matrix is shorter than the largest LDE at the indices shifted down to its height. The preprocessed tree's
            // commitment is the verifying key's root (cap height 0).
            var indices = MerkleTreeMmcs<TParams, TDigest>.SortedDistinct(sampled);
            var inputOpenings = new MultiOpening<TParams, TDigest>[inputTrees.Count];
            for (int i = 0; i < inputTrees.Count; i++)
            {
                var tree = inputTrees[i];
                var treeIndices = MerkleTreeMmcs<TParams, TDigest>.Positions(indices, layout.LogMaxLdeHeight - int.Log2(tree.Height));
                inputOpenings[i] = owner._backend.OpenMulti(tree, treeIndices, key is not null && i == 0 ? 0 : capHeight);
            }
            var friOpenings = fri.Answer(owner._backend, indices, capHeight);

            Lap("grinding and queries");
            return new StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>
            {
                Config = _config,
                LogHeights = [.. layout.LogHeights],
                PublicValues = [.. publics.Select(p => p.ToArray())],
                MainCommitment = mainCap,
                LogUpCommitment = logUpTree?.Cap(capHeight),
                CumulativeSums = sums,
                QuotientCommitment = quotientTree.Cap(capHeight),
                Openings = openings,
                FriCommitments = fri.Caps,
                FinalPolynomial = fri.FinalPolynomial,
                PowWitness = witness,
                InputOpenings = inputOpenings,
                FriOpenings = friOpenings,
            };
        }
    }
}
