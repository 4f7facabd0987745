using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>
/// Verifies <see cref="StarkProof{TParams, TExt, TDigest}"/>s. Never throws on a malformed proof: every shape is
/// checked before use and any failure becomes a rejection with a reason.
/// </summary>
public sealed class StarkVerifier<TParams, TDef, TDigest>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private readonly StarkConfig _config;
    private readonly MerkleTreeMmcs<TParams, TDigest> _mmcs;
    private readonly CompiledAirCache<MontyField31<TParams>>? _compiledAirs;

    /// <param name="config">The configuration proofs must have been made under.</param>
    /// <param name="mmcs">The commitment scheme (default: Poseidon2-16 Merkle trees).</param>
    /// <param name="compiledAirs">
    /// Compiled AIRs kept across verifications (a verifier of many proofs of one statement); without it every
    /// verification compiles its tables' constraints afresh. Either way the same compiled programs are used.
    /// </param>
    public StarkVerifier(StarkConfig config, MerkleTreeMmcs<TParams, TDigest>? mmcs = null, CompiledAirCache<MontyField31<TParams>>? compiledAirs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        StarkConfig.CheckDigest<TParams, TDigest>(config);
        _mmcs = mmcs ?? MerkleTreeMmcs<TParams, TDigest>.Default;
        _compiledAirs = compiledAirs;
    }

    /// <summary>Security of the last verified proof's shape.</summary>
    public SecurityReport? LastSecurity { get; private set; }

    /// <summary>
    /// Wall time of each phase of the last verification that got past the shape checks, in milliseconds, in order
    /// (a rejected proof lists the phases it reached).
    /// </summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastTimings { get; private set; } = [];

    /// <summary>Parses and verifies serialised proof bytes; malformed bytes are a rejection, never an exception.</summary>
    public VerificationResult Verify(IReadOnlyList<IAir<MontyField31<TParams>>> airs, ReadOnlySpan<byte> proofBytes, VerifyingKey<TParams, TDigest>? key = null)
    {
        ArgumentNullException.ThrowIfNull(airs);
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof;
        try
        {
            // Counts beyond this verifier's configuration and statement are rejected while parsing, before allocation.
            proof = ProofSerializer.Deserialize<TParams, TDef, TDigest>(proofBytes, ProofShapeLimits.For(_config, Math.Max(1, airs.Count)));
        }
        catch (ProofFormatException e)
        {
            return VerificationResult.Reject(e.Message);
        }
        return Verify(airs, proof, key);
    }

    /// <summary>
    /// Verifies a proof. Statements with preprocessed columns need their <paramref name="key"/>; without
    /// one it is recomputed from the AIRs, which is allowed only for small tables (2^20 rows at most).
    /// </summary>
    public VerificationResult Verify(IReadOnlyList<IAir<MontyField31<TParams>>> airs, StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof,
        VerifyingKey<TParams, TDigest>? key = null) => Verify(airs, proof, key, null, out _);

    /// <summary>
    /// Verifies one proof of a group that shares LogUp challenges (<see cref="SharedBusChallenges{TExt}"/>):
    /// everything is checked except that the bus sums add to zero, which is the caller's job across the
    /// group; <paramref name="busSum"/> is this proof's total. With <paramref name="shared"/> null this is
    /// the ordinary verification (the sums must balance) and <paramref name="busSum"/> is zero.
    /// </summary>
    public VerificationResult Verify(IReadOnlyList<IAir<MontyField31<TParams>>> airs, StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof,
        VerifyingKey<TParams, TDigest>? key, SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared, out ExtensionField<MontyField31<TParams>, TDef> busSum)
    {
        ArgumentNullException.ThrowIfNull(airs);
        busSum = default;
        if (proof is null)
            return VerificationResult.Reject("no proof");
        try
        {
            return VerifyCore(airs, proof, key, shared, out busSum);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or DivideByZeroException
                                  or NullReferenceException or OverflowException or KeyNotFoundException or NotSupportedException)
        {
            return VerificationResult.Reject("malformed proof: " + e.Message);
        }
    }

    private const int MaxLogHeightWithoutKey = 20;

    private VerificationResult VerifyCore(IReadOnlyList<IAir<MontyField31<TParams>>> airs, StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof,
        VerifyingKey<TParams, TDigest>? key, SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared, out ExtensionField<MontyField31<TParams>, TDef> busSum)
    {
        busSum = default;
        var timings = new List<(string, double)>();
        LastTimings = timings;
        long mark = System.Diagnostics.Stopwatch.GetTimestamp();
        void Phase(string name)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            timings.Add((name, System.Diagnostics.Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds));
            mark = now;
        }
        var c = proof.Config;
        if (c is null || c.Name != _config.Name || c.LogBlowup != _config.LogBlowup || c.NumQueries != _config.NumQueries || c.QueryPowBits != _config.QueryPowBits
            || c.LogFinalPolyLength != _config.LogFinalPolyLength || c.FoldingArity != _config.FoldingArity || c.MerkleCapHeight != _config.MerkleCapHeight
            || c.LogUpMaxLogQuotientChunks != _config.LogUpMaxLogQuotientChunks)
            return VerificationResult.Reject("proof was made under another configuration");
        int tables = airs.Count;
        if (tables == 0 || proof.LogHeights?.Length != tables || proof.PublicValues?.Length != tables || proof.Openings?.Length != tables
            || proof.CumulativeSums?.Length != tables)
            return VerificationResult.Reject($"proof does not have the shape of {tables} tables");
        var compiled = new CompiledAir<MontyField31<TParams>>[tables];
        for (int t = 0; t < tables; t++)
        {
            int logH = proof.LogHeights[t];
            if (logH < 1 || logH + _config.LogBlowup > TParams.TwoAdicity)
                return VerificationResult.Reject($"table {t}: trace height 2^{logH} out of range");
            // The LogUp grouping is the prover's: the same function of the AIR, the configuration and the height.
            var batching = _config.LogUpBatchingFor(logH);
            compiled[t] = _compiledAirs?.Get(airs[t], batching) ?? new CompiledAir<MontyField31<TParams>>(airs[t], batching);
            if (compiled[t].LogQuotientChunks > _config.LogBlowup)
                return VerificationResult.Reject($"table {t}: constraint degree too high for the blowup");
            if (proof.PublicValues[t]?.Length != airs[t].PublicValueCount)
                return VerificationResult.Reject($"table {t}: wrong number of public values");
        }
        var layout = new StarkLayout<MontyField31<TParams>>(compiled, proof.LogHeights, TDef.Degree, _config.LogBlowup, _config.LogFinalPolyLength, _config.FoldingArity);
        LastSecurity = StarkSecurity.Report(_config, layout, TParams.P, TDigest.Length, shared?.StatementFractions);
        if (LastSecurity.Provable < _config.MinimumProvableBits && !_config.AllowInsecure)
            return VerificationResult.Reject($"insecure proof: configuration '{_config.Name}' gives {LastSecurity}, below the required {_config.MinimumProvableBits} provable bits "
                + "(accept it only explicitly: --allow-insecure, VerificationPolicy.Insecure)");
        if (ShapeError(proof, layout) is { } shape)
            return VerificationResult.Reject(shape);
        if (layout.HasPreprocessed)
        {
            if (key is null)
            {
                if (proof.LogHeights.Max() > MaxLogHeightWithoutKey)
                    return VerificationResult.Reject("a verifying key is needed for preprocessed tables of this size");
                key = StarkSetup.Preprocess<TParams, TDigest>(airs, proof.LogHeights, _config.LogBlowup)!.VerifyingKey;
            }
            if (!key.Matches(airs, proof.LogHeights) || key.LogBlowup != _config.LogBlowup)
                return VerificationResult.Reject("the verifying key was made for other table heights");
        }

        Phase("AIRs, layout, security, shape");

        // Replay the transcript.
        var ch = DuplexChallenger<TParams, TDigest>.Create();
        layout.ObserveHeader(ch, _config, proof.PublicValues);
        if (layout.HasPreprocessed)
            ch.Observe(key!.PreprocessedRoot);
        if (shared is not null)
            StarkProver<TParams, TDef, TDigest>.ObserveSeed(ch, shared.Seed);
        ch.Observe(proof.MainCommitment);
        ExtensionField<MontyField31<TParams>, TDef> gamma = default, beta = default;
        if (layout.HasLogUp)
        {
            (gamma, beta) = shared is null
                ? (ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>(), ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>())
                : (shared.Gamma, shared.Beta);
            ch.Observe(proof.LogUpCommitment!);
            for (int t = 0; t < tables; t++)
                if (compiled[t].LogUpColumns > 0)
                    ch.ObserveExtension(proof.CumulativeSums[t]);
        }
        var alpha = ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
        var mu = ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
        ch.Observe(proof.QuotientCommitment);
        var zeta = ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
        foreach (var o in proof.Openings)
            foreach (var list in o.Lists())
                foreach (var v in list)
                    ch.ObserveExtension(v);
        var lambda = ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
        var betas = new ExtensionField<MontyField31<TParams>, TDef>[layout.FriRounds];
        for (int r = 0; r < betas.Length; r++)
        {
            ch.Observe(proof.FriCommitments[r]);
            betas[r] = ch.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
        }
        foreach (var coefficient in proof.FinalPolynomial)
            ch.ObserveExtension(coefficient);
        if (!ch.CheckWitness(_config.QueryPowBits, proof.PowWitness))
            return VerificationResult.Reject("proof-of-work witness is wrong");

        Phase("transcript and proof of work");

        // The bus balances over all tables.
        var total = default(ExtensionField<MontyField31<TParams>, TDef>);
        for (int t = 0; t < tables; t++)
        {
            if (compiled[t].LogUpColumns == 0 && !proof.CumulativeSums[t].IsZero)
                return VerificationResult.Reject($"table {t} has no bus but claims a non-zero bus sum");
            total += proof.CumulativeSums[t];
        }
        if (shared is null && !total.IsZero)
            return VerificationResult.Reject("LogUp buses do not balance: the tables' cumulative sums do not add to zero");
        var sum = total;

        // The constraints hold at ζ: Σ_t μ^t·A_t(ζ)/Z_(H_t)(ζ) = Q(ζ), A_t a table's folded constraints, Q the proof's one quotient.
        var combined = default(ExtensionField<MontyField31<TParams>, TDef>);
        var muPower = ExtensionField<MontyField31<TParams>, TDef>.One;
        for (int t = 0; t < tables; t++)
        {
            if (ConstraintError(compiled[t], layout.LogHeights[t], proof.Openings[t], proof.PublicValues[t], alpha, gamma, beta, proof.CumulativeSums[t], zeta,
                    out var folded) is { } error)
                return VerificationResult.Reject($"table {t} ({compiled[t].Name}): {error}");
            combined += muPower * folded;
            muPower *= mu;
        }
        if (combined != QuotientAt(layout, proof.Openings[layout.QuotientTable].Quotient, zeta))
            return VerificationResult.Reject("constraints do not match the quotient at the out-of-domain point");

        Phase("constraints at the out-of-domain point");

        // Queries: every index is drawn, then each tree is checked once at the distinct indices (a repeated index adds nothing).
        var sampled = new int[_config.NumQueries];
        for (int q = 0; q < sampled.Length; q++)
            sampled[q] = (int)ch.SampleBits(layout.LogMaxLdeHeight);
        var indices = MerkleTreeMmcs<TParams, TDigest>.SortedDistinct(sampled);
        if (InputRowsError(layout, proof, key, indices, out var rows) is { } inputError)
            return VerificationResult.Reject(inputError);
        Phase("input trees' multi-openings");
        var lambdaPowers = lambda.Powers(layout.LambdaPowers);
        var claims = Deep<TParams, TDef>.ClaimsAt(layout, proof.Openings, zeta, lambdaPowers); // query-independent: once
        var reduced = Deep<TParams, TDef>.ReduceAtQueries(layout, rows, indices, claims, lambdaPowers);
        Phase("DEEP");
        if (FriError(layout, proof, indices, reduced, betas, out double friMerkleMs) is { } friError)
            return VerificationResult.Reject(friError);
        Phase("FRI");
        timings[^1] = ("FRI: folding and final polynomial", timings[^1].Item2 - friMerkleMs);
        timings.Add(("FRI: Merkle multi-openings", friMerkleMs));
        busSum = sum;
        return VerificationResult.Valid;
    }

    /// <summary>The matrices of each input tree (commit order) with their LDE heights.</summary>
    private static MatrixDimensions[][] InputDimensions(StarkLayout<MontyField31<TParams>> layout) =>
        Enumerable.Range(0, layout.TreeCount)
            .Select(tree => layout.InTree(tree).Select(m => new MatrixDimensions(m.Width, 1 << m.LogLdeHeight)).ToArray()).ToArray();

    /// <summary>
    /// Checks the multi-opening of every input tree at the distinct query indices and collects, for each index, each
    /// tree's opened rows (rows[query][tree][matrix]).
    /// </summary>
    private string? InputRowsError(StarkLayout<MontyField31<TParams>> layout, StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof,
        VerifyingKey<TParams, TDigest>? key, int[] indices, out MontyField31<TParams>[][][][] rows)
    {
        var dims = InputDimensions(layout);
        var caps = new List<(MerkleCap<TParams, TDigest> Cap, int Height)>();
        if (layout.HasPreprocessed) caps.Add((MerkleCap<TParams, TDigest>.FromRoot(key!.PreprocessedRoot), 0)); // the key holds a root
        caps.Add((proof.MainCommitment, _config.MerkleCapHeight));
        if (layout.HasLogUp) caps.Add((proof.LogUpCommitment!, _config.MerkleCapHeight));
        caps.Add((proof.QuotientCommitment, _config.MerkleCapHeight));
        int logMax = layout.LogMaxLdeHeight;
        rows = new MontyField31<TParams>[indices.Length][][][];
        for (int q = 0; q < indices.Length; q++)
            rows[q] = new MontyField31<TParams>[layout.TreeCount][][];
        for (int tree = 0; tree < layout.TreeCount; tree++)
        {
            var d = dims[tree];
            int treeLog = d.Max(x => int.Log2(x.Height));
            var treeIndices = MerkleTreeMmcs<TParams, TDigest>.Positions(indices, logMax - treeLog);
            var opening = proof.InputOpenings[tree];
            if (!_mmcs.VerifyMulti(caps[tree].Cap, caps[tree].Height, d, treeIndices, opening, out var why))
                return $"opening of commitment {tree} does not verify: {why}";
            for (int q = 0; q < indices.Length; q++)
                rows[q][tree] = new MontyField31<TParams>[d.Length][];
            for (int m = 0; m < d.Length; m++)
            {
                // VerifyMulti checked that matrix m sent one row of its width per distinct position at its height.
                int shift = logMax - int.Log2(d[m].Height), width = d[m].Width;
                var positions = MerkleTreeMmcs<TParams, TDigest>.Positions(indices, shift);
                for (int q = 0; q < indices.Length; q++)
                {
                    int k = Array.BinarySearch(positions, indices[q] >> shift);
                    rows[q][tree][m] = opening.Rows[m].AsSpan(k * width, width).ToArray();
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The FRI query phase at the distinct indices: each step rebuilds the leaves the queries reach from the values it
    /// knows (the previous step's folds; at first the DEEP values) and the values sent for the other slots, checks their
    /// multi-opening against the step's cap, folds each leaf and adds the rolled-in DEEP value; the last values must lie
    /// on the final polynomial.
    /// </summary>
    private string? FriError(StarkLayout<MontyField31<TParams>> layout, StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof, int[] indices,
        Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[] reduced, ExtensionField<MontyField31<TParams>, TDef>[] betas, out double merkleMs)
    {
        merkleMs = 0;
        int d = TDef.Degree;
        int logN = layout.LogMaxLdeHeight;
        var positions = indices;
        var values = reduced.Select(r => r[logN]).ToArray();
        // For each position, a query index that reaches it (its DEEP values give the roll-ins there).
        var source = Enumerable.Range(0, indices.Length).ToArray();
        for (int r = 0; r < layout.FriRounds; r++)
        {
            int a = layout.FriLogArities[r], k = 1 << a;
            var leaves = MerkleTreeMmcs<TParams, TDigest>.Positions(positions, a);
            var opening = proof.FriOpenings[r];
            // Soundness: every slot of every opened leaf is either a value this verifier computed or exactly one sent value;
            // a count that differs is rejected before anything is read, so values cannot be dropped, added or shifted.
            long expected = (long)leaves.Length * k - positions.Length;
            if (opening.Values.Length != expected)
                return $"FRI step {r}: {opening.Values.Length} leaf values sent, {expected} expected";
            var flat = new MontyField31<TParams>[leaves.Length * k * d];
            var folded = new ExtensionField<MontyField31<TParams>, TDef>[leaves.Length];
            var nextSource = new int[leaves.Length];
            var leaf = new ExtensionField<MontyField31<TParams>, TDef>[k];
            int known = 0, sent = 0;
            for (int l = 0; l < leaves.Length; l++)
            {
                int j = leaves[l];
                nextSource[l] = source[known];
                for (int s = 0; s < k; s++)
                {
                    leaf[s] = known < positions.Length && positions[known] == j * k + s ? values[known++] : opening.Values[sent++];
                    leaf[s].Coefficients.CopyTo(flat.AsSpan((l * k + s) * d, d));
                }
                folded[l] = Fri<TParams, TDef>.FoldLeaf(leaf, logN, j, a, betas[r]);
            }
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            bool opened = _mmcs.VerifyMulti(proof.FriCommitments[r], _config.MerkleCapHeight, [new MatrixDimensions(k * d, 1 << (logN - a))], leaves,
                new MultiOpening<TParams, TDigest>([flat], opening.Siblings), out var why);
            merkleMs += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!opened)
                return $"FRI step {r} opening does not verify: {why}";
            logN -= a;
            var rollInWeight = betas[r];
            for (int i = 0; i < a; i++)
                rollInWeight = rollInWeight.Square(); // β^k
            for (int l = 0; l < leaves.Length; l++)
                if (reduced[nextSource[l]].TryGetValue(logN, out var rollIn))
                    folded[l] += rollInWeight * rollIn;
            positions = leaves;
            values = folded;
            source = nextSource;
        }
        for (int l = 0; l < positions.Length; l++)
        {
            var x = MontyField31<TParams>.TwoAdicGenerator(layout.LogFinalCodewordLength)
                .Pow((ulong)Dft.BitReversal.ReverseBits(positions[l], layout.LogFinalCodewordLength));
            // The final codeword's points are base-field: extension × base steps (the reference lifts x to the extension).
            var expected = KernelSelection.IsReference(ReferenceFamily.Verifier)
                ? Polynomials.EvaluateCoefficients(proof.FinalPolynomial, ExtensionField<MontyField31<TParams>, TDef>.FromBase(x))
                : Polynomials.EvaluateAtBasePoint<MontyField31<TParams>, TDef>(proof.FinalPolynomial, x);
            if (expected != values[l])
                return $"FRI folding at position {positions[l]} does not end on the final polynomial";
        }
        return null;
    }

    private string? ShapeError(StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof, StarkLayout<MontyField31<TParams>> layout)
    {
        int d = TDef.Degree;
        for (int t = 0; t < layout.Airs.Count; t++)
        {
            var air = layout.Airs[t];
            var o = proof.Openings[t];
            int logUp = d * air.LogUpColumns;
            int pre = air.Air.PreprocessedWidth;
            if (o is null || o.PreprocessedLocal?.Length != pre || o.PreprocessedNext?.Length != (pre == 0 ? 0 : air.NextPreprocessedColumns.Count)
                || o.MainLocal?.Length != air.Width || o.MainNext?.Length != air.NextMainColumns.Count || o.LogUpLocal?.Length != logUp
                || o.LogUpNext?.Length != (logUp == 0 ? 0 : d) || o.Quotient?.Length != layout.QuotientOpenedValues(t))
                return $"table {t}: opened values have the wrong shape";
        }
        // Caps: exactly the size the configuration's cap height gives each tree (the transcript observes them before any opening is checked).
        int c = _config.MerkleCapHeight;
        var dims = InputDimensions(layout);
        var commitments = new List<(string Name, MerkleCap<TParams, TDigest>? Cap)>();
        if (layout.HasPreprocessed) commitments.Add(("preprocessed", null));
        commitments.Add(("main", proof.MainCommitment));
        if (layout.HasLogUp) commitments.Add(("LogUp", proof.LogUpCommitment));
        commitments.Add(("quotient", proof.QuotientCommitment));
        if (!layout.HasLogUp && proof.LogUpCommitment is not null)
            return "no table has a bus, but the proof carries a LogUp commitment";
        for (int tree = layout.HasPreprocessed ? 1 : 0; tree < layout.TreeCount; tree++)
        {
            var (name, cap) = commitments[tree];
            int size = 1 << MerkleTreeMmcs<TParams, TDigest>.EffectiveCapHeight(dims[tree], c);
            if (cap is null || cap.Count != size)
                return $"the {name} commitment has {cap?.Count ?? 0} digests, {size} expected";
        }
        if (proof.FriCommitments?.Length != layout.FriRounds)
            return $"expected {layout.FriRounds} FRI rounds";
        int logN = layout.LogMaxLdeHeight;
        for (int r = 0; r < layout.FriRounds; r++)
        {
            logN -= layout.FriLogArities[r];
            int size = 1 << Math.Min(c, logN);
            if (proof.FriCommitments[r]?.Count != size)
                return $"FRI step {r}: the commitment has {proof.FriCommitments[r]?.Count ?? 0} digests, {size} expected";
        }
        if (proof.FinalPolynomial?.Length != 1 << layout.LogFinalPolyLength)
            return "final polynomial has the wrong length";
        if (proof.InputOpenings?.Length != layout.TreeCount || proof.InputOpenings.Any(o => o is null))
            return $"expected openings of {layout.TreeCount} commitments";
        if (proof.FriOpenings?.Length != layout.FriRounds || proof.FriOpenings.Any(o => o?.Values is null || o.Siblings is null))
            return $"expected openings of {layout.FriRounds} FRI steps";
        return null;
    }

    /// <summary>
    /// Table t's share of the quotient at ζ, A_t(ζ)/Z_(H_t)(ζ) (A_t the α-folded constraints), into <paramref name="folded"/>; an error
    /// where ζ lies on the table's trace domain.
    /// <para>
    /// Soundness of one quotient for all tables: α is drawn after the traces, so a table whose trace violates a constraint has
    /// A_t not divisible by Z_(H_t), except with probability ≤ K/|F| over α. Every H_t ⊆ H_N (N the tallest height, n_t | N), so
    /// Z_(H_t) | Z_(H_N); multiplying Σ_t μ^t·A_t/Z_(H_t) by Z_(H_N) gives Σ_t μ^t·A_t·(Z_(H_N)/Z_(H_t)), a polynomial in μ of degree
    /// &lt; T whose coefficients are polynomials in X, one of them (table t's) not divisible by Z_(H_N). Its remainder mod Z_(H_N) is
    /// then a non-zero polynomial in μ of degree &lt; T, so for all but at most T − 1 values of μ (drawn after α, before the
    /// quotient's commitment) the combination is not a polynomial: no committed low-degree Q equals it, and DEEP-ALI at ζ (drawn
    /// after Q's commitment) catches the difference as for one table. The security report counts the (T − 1)/|F| (ALI term).
    /// </para>
    /// </summary>
    internal static string? ConstraintError(CompiledAir<MontyField31<TParams>> air, int logN, TableOpenings<ExtensionField<MontyField31<TParams>, TDef>> o,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> sum, ExtensionField<MontyField31<TParams>, TDef> zeta,
        out ExtensionField<MontyField31<TParams>, TDef> folded)
    {
        folded = default;
        var zh = Polynomials.Vanishing(logN, zeta);
        if (zh.IsZero)
            return "ζ lies on the trace domain";
        var (first, last, transition, zhInverse) = Polynomials.Selectors<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(logN, zeta);
        var program = air.Program;
        // Next-row values sit at the columns the program reads there; it reads no other (CompiledAir.NextMainColumns).
        var inputs = new OpenedInputs(o.PreprocessedLocal, Scatter(o.PreprocessedNext, air.NextPreprocessedColumns, air.Air.PreprocessedWidth),
            o.MainLocal, Scatter(o.MainNext, air.NextMainColumns, air.Width), publics, first, last, transition);
        var registers = new ExtensionField<MontyField31<TParams>, TDef>[program.InstructionCount];
        var outputs = new ExtensionField<MontyField31<TParams>, TDef>[program.ConstraintCount];
        program.Evaluate<ExtensionField<MontyField31<TParams>, TDef>, OpenedInputs>(ref inputs, registers, outputs);
        int constraints = air.ConstraintCount, logUpConstraints = LogUp.ConstraintCount(air);
        int d = TDef.Degree;
        var results = new ExtensionField<MontyField31<TParams>, TDef>[logUpConstraints];
        if (air.LogUpColumns > 0)
        {
            var local = new ExtensionField<MontyField31<TParams>, TDef>[air.LogUpColumns];
            var next = new ExtensionField<MontyField31<TParams>, TDef>[air.LogUpColumns];
            for (int col = 0; col < local.Length; col++)
                local[col] = Recombine(o.LogUpLocal.AsSpan(col * d, d));
            // Only the running sum is opened at ζ·ω (LogUp.NextColumns); no constraint reads the other entries (left zero).
            next[^1] = Recombine(o.LogUpNext.AsSpan(0, d));
            // T/N with N = 2^logN, the claimed height the layout binds (LogUp: the cyclic running sum).
            LogUp.EvaluateConstraints<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(air, outputs, local, next, gamma, beta,
                LogUp.SumPerRow<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(sum, 1 << logN), results);
        }
        // The folded constraints Σ_k α^k·c_k over the AIR's constraints, then the LogUp ones.
        var acc = KernelSelection.IsReference(ReferenceFamily.Verifier)
            ? FoldReference(outputs.AsSpan(0, constraints), results, alpha)
            : Fold(outputs.AsSpan(0, constraints), results, alpha);
        folded = acc * zhInverse;
        return null;
    }

    /// <summary>Q(ζ) = Σ_j ζ^(j·N)·q_j(ζ) of the proof's one quotient, q_j recombined from its D base-column openings (N the tallest height).</summary>
    private static ExtensionField<MontyField31<TParams>, TDef> QuotientAt(StarkLayout<MontyField31<TParams>> layout,
        ExtensionField<MontyField31<TParams>, TDef>[] opened, ExtensionField<MontyField31<TParams>, TDef> zeta)
    {
        int d = TDef.Degree;
        var quotient = default(ExtensionField<MontyField31<TParams>, TDef>);
        var zetaN = Polynomials.Vanishing(layout.LogHeights.Max(), zeta) + ExtensionField<MontyField31<TParams>, TDef>.One;
        var power = ExtensionField<MontyField31<TParams>, TDef>.One;
        for (int j = 0; j < 1 << layout.LogQuotientChunks; j++)
        {
            quotient += power * Recombine(opened.AsSpan(j * d, d));
            power *= zetaN;
        }
        return quotient;
    }

    /// <summary>
    /// Σ_k α^k·v_k over <paramref name="first"/> then <paramref name="second"/> (one index sequence) by Horner's rule from the
    /// last value down: one extension product and one sum per value, no table of powers. The same field element as
    /// <see cref="FoldReference"/> (exact arithmetic; the polynomial in α is the same, only evaluated another way).
    /// </summary>
    internal static ExtensionField<MontyField31<TParams>, TDef> Fold(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> first,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> second, ExtensionField<MontyField31<TParams>, TDef> alpha)
    {
        var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
        for (int l = second.Length - 1; l >= 0; l--)
            acc = acc * alpha + second[l];
        for (int k = first.Length - 1; k >= 0; k--)
            acc = acc * alpha + first[k];
        return acc;
    }

    /// <summary>The reference of <see cref="Fold"/>: the powers α^k tabulated, each value multiplied by its own and summed.</summary>
    internal static ExtensionField<MontyField31<TParams>, TDef> FoldReference(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> first,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> second, ExtensionField<MontyField31<TParams>, TDef> alpha)
    {
        var alphaPowers = alpha.Powers(first.Length + second.Length);
        var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
        for (int k = 0; k < first.Length; k++)
            acc += alphaPowers[k] * first[k];
        for (int l = 0; l < second.Length; l++)
            acc += alphaPowers[first.Length + l] * second[l];
        return acc;
    }

    /// <summary>A row of <paramref name="width"/> values holding <paramref name="values"/>[j] at column <paramref name="columns"/>[j], zero elsewhere.</summary>
    private static ExtensionField<MontyField31<TParams>, TDef>[] Scatter(ExtensionField<MontyField31<TParams>, TDef>[] values, IReadOnlyList<int> columns, int width)
    {
        var row = new ExtensionField<MontyField31<TParams>, TDef>[width];
        for (int j = 0; j < columns.Count; j++)
            row[columns[j]] = values[j];
        return row;
    }

    /// <summary>
    /// Σ_c X^c·parts[c]: an extension-valued function from the openings of its D base components — by Horner's rule from
    /// the last part down (one product by X per part), or in the reference the powers of X kept as they go.
    /// </summary>
    private static ExtensionField<MontyField31<TParams>, TDef> Recombine(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> parts)
    {
        if (!KernelSelection.IsReference(ReferenceFamily.Verifier))
        {
            var x = ExtensionField<MontyField31<TParams>, TDef>.X;
            var horner = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int c = parts.Length - 1; c >= 0; c--)
                horner = horner * x + parts[c];
            return horner;
        }
        return RecombineReference(parts);
    }

    /// <summary>The reference of <see cref="Recombine"/>.</summary>
    private static ExtensionField<MontyField31<TParams>, TDef> RecombineReference(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> parts)
    {
        var acc = default(ExtensionField<MontyField31<TParams>, TDef>);
        var basis = ExtensionField<MontyField31<TParams>, TDef>.One;
        var x = ExtensionField<MontyField31<TParams>, TDef>.X;
        foreach (var p in parts)
        {
            acc += basis * p;
            basis *= x;
        }
        return acc;
    }

    private readonly struct OpenedInputs(ExtensionField<MontyField31<TParams>, TDef>[] preLocal, ExtensionField<MontyField31<TParams>, TDef>[] preNext,
        ExtensionField<MontyField31<TParams>, TDef>[] local, ExtensionField<MontyField31<TParams>, TDef>[] next,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> first, ExtensionField<MontyField31<TParams>, TDef> last,
        ExtensionField<MontyField31<TParams>, TDef> transition)
        : IConstraintInputs<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>
    {
        public ExtensionField<MontyField31<TParams>, TDef> Load(Variable v) => v.Source switch
        {
            VariableSource.Main => v.Offset == 0 ? local[v.Index] : next[v.Index],
            VariableSource.Preprocessed => v.Offset == 0 ? preLocal[v.Index] : preNext[v.Index],
            _ => ExtensionField<MontyField31<TParams>, TDef>.FromBase(publics[v.Index]),
        };

        public ExtensionField<MontyField31<TParams>, TDef> IsFirstRow => first;

        public ExtensionField<MontyField31<TParams>, TDef> IsLastRow => last;

        public ExtensionField<MontyField31<TParams>, TDef> IsTransition => transition;

        public ExtensionField<MontyField31<TParams>, TDef> Lift(MontyField31<TParams> constant) => ExtensionField<MontyField31<TParams>, TDef>.FromBase(constant);
    }
}
