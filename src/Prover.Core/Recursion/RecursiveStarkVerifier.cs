using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// The STARK verifier written once against <see cref="RecursionBuilder{TParams, TDef}"/>: for a statement's shape
/// (configuration, AIRs, trace heights) it emits the program that checks a proof of that shape — the same steps as
/// <see cref="StarkVerifier{TParams, TDef, TDigest}"/> in the same order: the transcript, the bus balance, every table's
/// constraints at ζ (evaluated by the AIRs' own <see cref="ConstraintProgram{F}"/> and <see cref="LogUp"/> code run on
/// <see cref="SymbolicExt{TParams, TDef}"/>), the proof of work, and per query the Merkle paths of every input tree,
/// the DEEP reduction, the FRI folds with their leaves' paths and the final polynomial.
/// <para>
/// One difference of form, not of substance: the native verifier checks deduplicated multi-openings (a set of
/// sorted distinct indices sharing nodes), whose shape depends on the indices. The program checks every query on its
/// own (full path to the cap, full FRI leaf), a fixed shape; the hints derive those per-query paths and leaves from the
/// proof's multi-openings (<see cref="StarkProofHints{TParams, TDef, TDigest}"/>). Whatever the hints say, the program
/// hashes every opened row and leaf up to the committed cap and checks that each FRI leaf holds the value the query
/// folded, so it accepts exactly the proofs the per-query verifier accepts; a repeated index is checked twice.
/// </para>
/// <para>
/// A proof of a group with shared bus challenges (<see cref="SharedBusChallenges{TExt}"/>: the shards of a zkVM
/// execution) is verified as the native verifier does with <c>shared</c>: the seed is observed, γ and β are inputs
/// instead of samples, and the bus need not balance alone. Those are the group's business, so the program states them
/// as its outputs — public values, seed, main commitment, γ, β, the proof's bus sum and, where it has preprocessed columns, the key's root, in that order — for the layer
/// above to check across the group (γ and β drawn from the group's transcript, the sums adding to zero).
/// </para>
/// </summary>
public static class RecursiveStarkVerifier<TParams, TDef, TDigest>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private static int D => TDef.Degree;

    /// <summary>
    /// The program verifying proofs of <paramref name="airs"/> with trace heights 2^<paramref name="logHeights"/> under
    /// <paramref name="config"/>. Throws for a shape the native verifier would refuse before reading the proof's data
    /// (heights out of range, degree too high for the blowup, insecure configuration not allowed).
    /// </summary>
    /// <param name="sharedSeedLength">For a proof of a shared-challenge group: the length of its seed; null for a proof that balances alone.</param>
    /// <param name="statementFractions">The group's LogUp fractions (<see cref="SharedBusChallenges{TExt}.StatementFractions"/>) for the security check.</param>
    public static RecursionProgram Build(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs, IReadOnlyList<int> logHeights,
        int? sharedSeedLength = null, double? statementFractions = null)
    {
        var b = new RecursionBuilder<TParams, TDef>();
        Emit(b, config, airs, logHeights, 0, sharedSeedLength, statementFractions);
        return b.Build();
    }

    /// <summary>
    /// Hint channels of child c of a program that verifies several proofs are <c>c · ChannelStride + (int)HintChannel</c>
    /// (<see cref="AggregationHints{TParams}"/> routes them); child 0's are the plain channels.
    /// </summary>
    public const int ChannelStride = AggregationHints<TParams>.ChannelStride;

    /// <summary>
    /// The program verifying proofs of one program of the recursion chips (or any statement with preprocessed columns)
    /// whose verifying key is pinned: the hinted preprocessed root must equal <paramref name="pinnedKey"/> (constants of
    /// the program, so the outer proof's own key names the inner program), and the outputs are the inner proof's public
    /// values only (the inner program's outputs, for a recursion proof).
    /// </summary>
    public static RecursionProgram BuildPinned(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs, IReadOnlyList<int> logHeights, TDigest pinnedKey)
    {
        var b = new RecursionBuilder<TParams, TDef>();
        Emit(b, config, airs, logHeights, 0, pinnedKey: pinnedKey);
        return b.Build();
    }

    /// <summary>
    /// A k-to-1 aggregation node: one program that verifies <paramref name="childLogHeights"/>.Count proofs of
    /// <paramref name="airs"/> (each with its own heights) one after the other, each with its own transcript and hint
    /// channels (child c's at c · <see cref="ChannelStride"/>), every verifying key pinned to <paramref name="pinnedKey"/>
    /// where given. Its outputs are the children's outputs in child order (each child's public values, and its key's
    /// root where not pinned).
    /// </summary>
    public static RecursionProgram BuildAggregation(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs,
        IReadOnlyList<IReadOnlyList<int>> childLogHeights, TDigest? pinnedKey = null)
    {
        ArgumentNullException.ThrowIfNull(childLogHeights);
        if (childLogHeights.Count < 1)
            throw new ArgumentException("an aggregation node needs at least one child");
        var b = new RecursionBuilder<TParams, TDef>();
        for (int c = 0; c < childLogHeights.Count; c++)
            Emit(b, config, airs, childLogHeights[c], c, pinnedKey: pinnedKey);
        return b.Build();
    }

    /// <summary>
    /// Emits into <paramref name="b"/> the verification of one proof of the shape, reading its data from the hint channels
    /// of child <paramref name="child"/> and appending its outputs to the program's. Throws for a shape the native
    /// verifier would refuse before reading the proof's data.
    /// </summary>
    public static void Emit(RecursionBuilder<TParams, TDef> b, StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs, IReadOnlyList<int> logHeights,
        int child, int? sharedSeedLength = null, double? statementFractions = null, TDigest? pinnedKey = null, List<Felt>? statement = null)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(logHeights);
        if (child < 0 || child > int.MaxValue / ChannelStride - 1)
            throw new ArgumentException($"child index {child} out of range");
        config.Validate();
        StarkConfig.CheckDigest<TParams, TDigest>(config);
        if (airs.Count == 0 || logHeights.Count != airs.Count)
            throw new ArgumentException($"{airs.Count} AIRs and {logHeights.Count} heights");
        var compiled = new CompiledAir<MontyField31<TParams>>[airs.Count];
        for (int t = 0; t < compiled.Length; t++)
        {
            if (logHeights[t] < 1 || logHeights[t] + config.LogBlowup > TParams.TwoAdicity)
                throw new ArgumentException($"table {t}: trace height 2^{logHeights[t]} out of range");
            // The LogUp grouping (and with it the quotient's chunk count) is the native verifier's: the same function of
            // the AIR, the configuration and the height.
            compiled[t] = new CompiledAir<MontyField31<TParams>>(airs[t], config.LogUpBatchingFor(logHeights[t]));
            if (compiled[t].LogQuotientChunks > config.LogBlowup)
                throw new ArgumentException($"table {t}: constraint degree too high for the blowup");
        }
        var layout = new StarkLayout<MontyField31<TParams>>(compiled, [.. logHeights], D, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
        if (sharedSeedLength is < 0)
            throw new ArgumentException("negative seed length");
        if (pinnedKey is not null && (!layout.HasPreprocessed || sharedSeedLength is not null))
            throw new ArgumentException("only a proof with preprocessed columns that balances alone can have its verifying key pinned");
        var security = StarkSecurity.Report(config, layout, TParams.P, TDigest.Length, statementFractions);
        if (security.Provable < config.MinimumProvableBits && !config.AllowInsecure)
            throw new ArgumentException($"insecure shape: configuration '{config.Name}' gives {security}");
        using (SymbolicExt<TParams, TDef>.Scope(b))
            new Emitter(b, config, layout, sharedSeedLength, child * ChannelStride, pinnedKey, statement).Run();
    }

    private sealed class Emitter(RecursionBuilder<TParams, TDef> b, StarkConfig config, StarkLayout<MontyField31<TParams>> layout, int? sharedSeedLength,
        int channelBase, TDigest? pinnedKey, List<Felt>? statement)
    {
        /// <summary>States felts as the program's outputs, or hands them to the caller's <c>statement</c> (which states what it derives from them).</summary>
        private void Output(params Felt[] values)
        {
            if (statement is null)
                b.Output(values);
            else
                statement.AddRange(values);
        }

        private void Output(Ext value) => Output(b.Coefficients(value));

        private readonly HashGadgets<TParams, TDef> _hash = new(b, TDigest.Length);
        private int L => TDigest.Length;

        private Felt[] Hint(HintChannel channel, int count, params int[] args) => b.Hint(channelBase + (int)channel, count, args.Select(a => b.Constant(a)).ToArray());

        private static Ext[] Exts(RecursionBuilder<TParams, TDef> b, Felt[] felts) =>
            Enumerable.Range(0, felts.Length / D).Select(i => b.FromCoefficients(felts.AsSpan(i * D, D))).ToArray();

        private static SymbolicExt<TParams, TDef> S(Ext e) => SymbolicExt<TParams, TDef>.Of(e);

        /// <summary>Observes a cap as the native transcript does: its size, then its digests.</summary>
        private Felt[][] ObserveCap(TranscriptVar<TParams, TDef> ch, Felt[] flat)
        {
            int count = flat.Length / L;
            ch.Observe(count);
            ch.Observe(flat);
            return Enumerable.Range(0, count).Select(i => flat[(i * L)..((i + 1) * L)]).ToArray();
        }

        private int InputCapHeight(int tree) =>
            layout.HasPreprocessed && tree == 0 ? 0
                : MerkleTreeMmcs<TParams, TDigest>.EffectiveCapHeight(layout.InTree(tree).Select(m => new MatrixDimensions(m.Width, 1 << m.LogLdeHeight)).ToArray(), config.MerkleCapHeight);

        public void Run()
        {
            int tables = layout.Airs.Count;
            var ch = new TranscriptVar<TParams, TDef>(b, TDigest.Length);

            // Header: the statement's shape (constants) and the public values (hints: the statement's inputs).
            ch.Observe(0x5354_4152);
            ch.Observe(StarkProofFormat.VersionFor(TDigest.Length));
            ch.Observe(TParams.P);
            ch.Observe(D);
            ch.Observe(config.LogBlowup);
            ch.Observe(config.NumQueries);
            ch.Observe(config.QueryPowBits);
            ch.Observe(layout.LogFinalPolyLength);
            ch.Observe(config.FoldingArity);
            ch.Observe(config.MerkleCapHeight);
            ch.Observe(config.LogUpMaxLogQuotientChunks);
            ch.Observe(tables);
            var publics = new Felt[tables][];
            for (int t = 0; t < tables; t++)
            {
                var air = layout.Airs[t];
                ch.Observe(layout.LogHeights[t]);
                ch.Observe(air.Width);
                ch.Observe(air.ConstraintCount);
                ch.Observe(air.Interactions.Count);
                ch.Observe(air.LogUpColumns);
                ch.Observe(air.Program.InstructionCount);
                ch.Observe(air.Air.PublicValueCount);
                publics[t] = Hint(HintChannel.PublicValues, air.Air.PublicValueCount, t);
                ch.Observe(publics[t]);
            }

            // Commitments and challenges, in the native order.
            var caps = new List<Felt[][]>();
            if (layout.HasPreprocessed)
            {
                var root = Hint(HintChannel.PreprocessedRoot, L);
                if (pinnedKey is TDigest pinned)
                {
                    // The inner proof's verifying key must be the pinned one. Its root is a hint, so without this check
                    // (or the root as an output) a proof of the run would only say that some program of this shape was
                    // run; the constants live in this program's own fixed columns, i.e. in the outer verifying key.
                    var expected = pinned.Elements.ToArray();
                    for (int i = 0; i < L; i++)
                        b.AssertEqual(root[i], b.Constant(expected[i]), "the proof's verifying key is not the pinned program's");
                }
                ch.Observe(root);
                caps.Add([root]);
            }
            Felt[] seed = [];
            if (sharedSeedLength is int seedLength)
            {
                // StarkProver.ObserveSeed: the length, then the values.
                seed = Hint(HintChannel.SharedSeed, seedLength);
                ch.Observe(seedLength);
                ch.Observe(seed);
            }
            int firstProofTree = caps.Count;
            Felt[][] CapOf(int tree) => ObserveCap(ch, Hint(HintChannel.InputCap, L << InputCapHeight(tree), tree - firstProofTree));
            caps.Add(CapOf(caps.Count));
            var mainCap = caps[^1];
            Ext gamma = b.ExtZero, beta = b.ExtZero;
            var sums = new Ext[tables];
            if (layout.HasLogUp)
            {
                if (sharedSeedLength is null)
                {
                    gamma = ch.SampleExt().Value;
                    beta = ch.SampleExt().Value;
                }
                else
                {
                    var challenges = Exts(b, Hint(HintChannel.SharedChallenges, 2 * D));
                    (gamma, beta) = (challenges[0], challenges[1]);
                }
                caps.Add(CapOf(caps.Count));
            }
            for (int t = 0; t < tables; t++)
            {
                var felts = Hint(HintChannel.CumulativeSum, D, t);
                sums[t] = b.FromCoefficients(felts);
                if (layout.Airs[t].LogUpColumns > 0)
                    ch.Observe(felts);
            }
            var alpha = ch.SampleExt().Value;
            var mu = ch.SampleExt().Value;
            caps.Add(CapOf(caps.Count));
            var (zeta, zetaFelts) = ch.SampleExt();
            var openings = new Ext[tables][][];
            for (int t = 0; t < tables; t++)
            {
                var air = layout.Airs[t];
                int pre = air.Air.PreprocessedWidth, w = air.Width, logUp = D * air.LogUpColumns, q = layout.QuotientOpenedValues(t);
                // At ζ·ω only the columns some constraint reads on the next row (StarkVerifier's shape check).
                int preNext = pre == 0 ? 0 : air.NextPreprocessedColumns.Count, wNext = air.NextMainColumns.Count;
                int[] lengths = [pre, preNext, w, wNext, logUp, logUp == 0 ? 0 : D, q]; // LogUp at ζ·ω: the running sum only
                var felts = Hint(HintChannel.Openings, lengths.Sum() * D, t);
                ch.Observe(felts);
                var all = Exts(b, felts);
                openings[t] = new Ext[lengths.Length][];
                for (int list = 0, at = 0; list < lengths.Length; at += lengths[list++])
                    openings[t][list] = all[at..(at + lengths[list])];
            }
            var (lambda, lambdaFelts) = ch.SampleExt();
            var betas = new Ext[layout.FriRounds];
            var betaFelts = new List<Felt>();
            var friCaps = new Felt[layout.FriRounds][][];
            int logN = layout.LogMaxLdeHeight;
            var friCapHeights = new int[layout.FriRounds];
            for (int r = 0; r < layout.FriRounds; r++)
            {
                logN -= layout.FriLogArities[r];
                friCapHeights[r] = Math.Min(config.MerkleCapHeight, logN);
                friCaps[r] = ObserveCap(ch, Hint(HintChannel.FriCap, L << friCapHeights[r], r));
                var (value, coefficients) = ch.SampleExt();
                betas[r] = value;
                betaFelts.AddRange(coefficients);
            }
            var finalFelts = Hint(HintChannel.FinalPolynomial, D << layout.LogFinalPolyLength);
            ch.Observe(finalFelts);
            var finalPolynomial = Exts(b, finalFelts);
            var witness = Hint(HintChannel.PowWitness, 1);
            ch.Observe(witness[0]);
            var (powBits, _) = ch.SampleBits(config.QueryPowBits);
            foreach (var bit in powBits)
                b.AssertEqual(bit, b.Zero, "proof-of-work witness is wrong");

            // The bus balances over all tables; a table without a bus claims zero.
            var total = b.ExtZero;
            for (int t = 0; t < tables; t++)
            {
                if (layout.Airs[t].LogUpColumns == 0)
                    b.AssertEqual(sums[t], b.ExtZero, $"table {t} has no bus but claims a non-zero bus sum");
                total = b.Add(total, sums[t]);
            }
            if (sharedSeedLength is null)
            {
                b.AssertEqual(total, b.ExtZero, "LogUp buses do not balance");
                // The statement the proof was checked against, stated as the program's outputs: every table's public
                // values and the verifying key's preprocessed root (both come in as hints, so a proof of the run must
                // expose them, or it would say only that some proof of this shape verified).
                foreach (var p in publics)
                    Output(p);
                if (layout.HasPreprocessed && pinnedKey is null)
                    Output(caps[0][0]);
            }
            else
            {
                foreach (var p in publics)
                    Output(p);
                Output(seed);
                foreach (var digest in mainCap)
                    Output(digest);
                Output(gamma);
                Output(beta);
                Output(total);
                // The verifying key's root too: it comes in as a hint, and a shard of another program (another
                // preprocessed Program table) would otherwise verify here; the layer above compares it with the program's.
                if (layout.HasPreprocessed)
                    Output(caps[0][0]);
            }

            // Σ_t μ^t·A_t(ζ)/Z_(H_t)(ζ) = Q(ζ): the native check (StarkVerifier.ConstraintError states its soundness).
            var combined = default(SymbolicExt<TParams, TDef>);
            var muPower = SymbolicExt<TParams, TDef>.One;
            for (int t = 0; t < tables; t++)
            {
                combined += muPower * Constraints(t, openings[t], publics[t], alpha, gamma, beta, sums[t], zeta);
                if (t + 1 < tables)
                    muPower *= S(mu);
            }
            var quotient = default(SymbolicExt<TParams, TDef>);
            var zetaN = Polynomials.Vanishing(layout.LogHeights.Max(), S(zeta)) + SymbolicExt<TParams, TDef>.One;
            var power = SymbolicExt<TParams, TDef>.One;
            var opened = openings[layout.QuotientTable][6];
            for (int j = 0; j < 1 << layout.LogQuotientChunks; j++)
            {
                quotient += power * Recombine(opened.AsSpan(j * D, D));
                if (j + 1 < 1 << layout.LogQuotientChunks)
                    power *= zetaN;
            }
            b.AssertEqual(combined.Variable, quotient.Variable, "constraints do not match the quotient at the out-of-domain point");

            // Queries.
            var samples = new Felt[config.NumQueries];
            var indexBits = new Felt[config.NumQueries][];
            for (int q = 0; q < samples.Length; q++)
                (indexBits[q], samples[q]) = ch.SampleBits(layout.LogMaxLdeHeight);
            b.Hint(channelBase + (int)HintChannel.BeginQueries, 0, [.. samples, .. zetaFelts, .. lambdaFelts, .. betaFelts]);
            var lambdaPowers = S(lambda).Powers(layout.LambdaPowers).Select(s => s.Variable).ToArray();
            var deep = DeepClaims(openings, zeta, lambdaPowers);
            for (int q = 0; q < samples.Length; q++)
            {
                var rows = InputRows(q, indexBits[q], caps);
                var reduced = Reduce(rows, indexBits[q], lambdaPowers, deep);
                Fri(q, indexBits[q], reduced, betas, friCaps, friCapHeights, finalPolynomial);
            }
        }

        /// <summary>Table t's folded constraints over Z_H at ζ, A_t(ζ)/Z_(H_t)(ζ): the native <c>ConstraintError</c>, on symbolic values.</summary>
        private SymbolicExt<TParams, TDef> Constraints(int t, Ext[][] o, Felt[] publics, Ext alpha, Ext gamma, Ext beta, Ext sum, Ext zeta)
        {
            var air = layout.Airs[t];
            int logN = layout.LogHeights[t];
            var z = S(zeta);
            // Selectors divide by Z_H(ζ) (the fourth output, 1/Z_H): the program fails where ζ lies on the trace
            // domain, where the native verifier rejects ("ζ lies on the trace domain").
            var (first, last, transition, inverseVanishing) = Polynomials.Selectors<MontyField31<TParams>, SymbolicExt<TParams, TDef>>(logN, z);
            var program = air.Program;
            // Next-row values sit at the columns the program reads there, zero elsewhere (StarkVerifier's Scatter); it reads no other.
            var lists = o.Select(list => list.Select(S).ToArray()).ToArray();
            lists[1] = Scatter(lists[1], air.NextPreprocessedColumns, air.Air.PreprocessedWidth);
            lists[3] = Scatter(lists[3], air.NextMainColumns, air.Width);
            var inputs = new SymbolicInputs(lists, publics.Select(p => S(b.Lift(p))).ToArray(), first, last, transition);
            var registers = new SymbolicExt<TParams, TDef>[program.InstructionCount];
            var outputs = new SymbolicExt<TParams, TDef>[program.ConstraintCount];
            program.Evaluate<SymbolicExt<TParams, TDef>, SymbolicInputs>(ref inputs, registers, outputs);
            int constraints = air.ConstraintCount, logUpConstraints = LogUp.ConstraintCount(air);
            var alphaPowers = S(alpha).Powers(constraints + logUpConstraints);
            var acc = default(SymbolicExt<TParams, TDef>);
            for (int k = 0; k < constraints; k++)
                acc += alphaPowers[k] * outputs[k];
            if (air.LogUpColumns > 0)
            {
                var local = new SymbolicExt<TParams, TDef>[air.LogUpColumns];
                var next = new SymbolicExt<TParams, TDef>[air.LogUpColumns];
                for (int col = 0; col < local.Length; col++)
                    local[col] = Recombine(o[4].AsSpan(col * D, D));
                // Only the running sum is opened at ζ·ω (LogUp.NextColumns); no constraint reads the other entries (left zero).
                next[^1] = Recombine(o[5].AsSpan(0, D));
                var results = new SymbolicExt<TParams, TDef>[logUpConstraints];
                // T/N: the claimed sum times the constant 1/N (N = 2^logN, the table's height in the layout; LogUp's cyclic running sum).
                LogUp.EvaluateConstraints<MontyField31<TParams>, SymbolicExt<TParams, TDef>>(air, outputs, local, next, S(gamma), S(beta),
                    LogUp.SumPerRow<MontyField31<TParams>, SymbolicExt<TParams, TDef>>(S(sum), 1 << logN), results);
                for (int l = 0; l < logUpConstraints; l++)
                    acc += alphaPowers[constraints + l] * results[l];
            }
            return acc * inverseVanishing;
        }

        /// <summary>A row of <paramref name="width"/> values holding <paramref name="values"/>[j] at column <paramref name="columns"/>[j], zero elsewhere.</summary>
        private static SymbolicExt<TParams, TDef>[] Scatter(SymbolicExt<TParams, TDef>[] values, IReadOnlyList<int> columns, int width)
        {
            var row = new SymbolicExt<TParams, TDef>[width];
            for (int j = 0; j < columns.Count; j++)
                row[columns[j]] = values[j];
            return row;
        }

        /// <summary>Σ_c X^c·parts[c].</summary>
        private SymbolicExt<TParams, TDef> Recombine(ReadOnlySpan<Ext> parts)
        {
            var acc = default(SymbolicExt<TParams, TDef>);
            var basis = ExtensionField<MontyField31<TParams>, TDef>.One;
            foreach (var p in parts)
            {
                acc += S(b.Constant(basis)) * S(p);
                basis *= ExtensionField<MontyField31<TParams>, TDef>.X;
            }
            return acc;
        }

        private readonly struct SymbolicInputs(SymbolicExt<TParams, TDef>[][] o, SymbolicExt<TParams, TDef>[] publics,
            SymbolicExt<TParams, TDef> first, SymbolicExt<TParams, TDef> last, SymbolicExt<TParams, TDef> transition)
            : IConstraintInputs<MontyField31<TParams>, SymbolicExt<TParams, TDef>>
        {
            public SymbolicExt<TParams, TDef> Load(Variable v) => v.Source switch
            {
                VariableSource.Main => v.Offset == 0 ? o[2][v.Index] : o[3][v.Index],
                VariableSource.Preprocessed => v.Offset == 0 ? o[0][v.Index] : o[1][v.Index],
                _ => publics[v.Index],
            };

            public SymbolicExt<TParams, TDef> IsFirstRow => first;

            public SymbolicExt<TParams, TDef> IsLastRow => last;

            public SymbolicExt<TParams, TDef> IsTransition => transition;

            public SymbolicExt<TParams, TDef> Lift(MontyField31<TParams> constant) => SymbolicExt<TParams, TDef>.FromBase(constant);
        }

        /// <summary>Per matrix and point: the opening point z, −z, and Y = Σ_c λ^(start+c)·claimed[c] (query-independent).</summary>
        private (Ext NegZ, Ext Y, Ext Scale)[][] DeepClaims(Ext[][][] openings, Ext zeta, Ext[] lambdaPowers)
        {
            var result = new (Ext, Ext, Ext)[layout.Matrices.Count][];
            var negatives = new Dictionary<int, Ext>(); // −z per trace height (−1 for ζ itself): one 1/(x − z) per query and LDE height
            for (int i = 0; i < result.Length; i++)
            {
                var m = layout.Matrices[i];
                result[i] = new (Ext, Ext, Ext)[m.PointCount];
                for (int point = 0; point < m.PointCount; point++)
                {
                    int key = point == 0 ? -1 : layout.LogHeights[m.Table];
                    if (!negatives.TryGetValue(key, out var negZ))
                        negatives[key] = negZ = b.Sub(b.ExtZero, point == 0 ? zeta : b.Mul(zeta, b.Constant(MontyField31<TParams>.TwoAdicGenerator(key))));
                    var claimed = Claimed(openings[m.Table], m.Kind, point);
                    int start = m.LambdaAt(point), width = m.WidthAt(point);
                    var y = b.ExtZero;
                    for (int c = 0; c < width; c++)
                        y = b.MulAdd(y, lambdaPowers[start + c], claimed[c]);
                    result[i][point] = (negZ, y, lambdaPowers[start]);
                }
            }
            return result;
        }

        private static Ext[] Claimed(Ext[][] o, CommitmentKind kind, int point) => (kind, point) switch
        {
            (CommitmentKind.Preprocessed, 0) => o[0],
            (CommitmentKind.Preprocessed, _) => o[1],
            (CommitmentKind.Main, 0) => o[2],
            (CommitmentKind.Main, _) => o[3],
            (CommitmentKind.LogUp, 0) => o[4],
            (CommitmentKind.LogUp, _) => o[5],
            _ => o[6],
        };

        /// <summary>ω^e for e given by bits (least significant first) as Π bit_i ? ω^(2^i) : 1.</summary>
        private Felt PowerFromBits(MontyField31<TParams> omega, IReadOnlyList<Felt> bits)
        {
            var acc = b.One;
            var p = omega;
            foreach (var bit in bits)
            {
                acc = b.Mul(acc, b.Select(bit, b.Constant(p), b.One));
                p = p.Square();
            }
            return acc;
        }

        /// <summary>
        /// Every input tree's rows at the query, each checked by hashing up to the committed cap along the query's
        /// position (rows[tree][matrix]).
        /// </summary>
        private Felt[][][] InputRows(int q, Felt[] indexBits, List<Felt[][]> caps)
        {
            int logMax = layout.LogMaxLdeHeight;
            var rows = new Felt[layout.TreeCount][][];
            for (int tree = 0; tree < layout.TreeCount; tree++)
            {
                var matrices = layout.InTree(tree).ToArray();
                rows[tree] = matrices.Select(m => Hint(HintChannel.InputRow, m.Width, q, tree, m.IndexInTree)).ToArray();
                int treeLog = matrices.Max(m => m.LogLdeHeight);
                var bits = indexBits[(logMax - treeLog)..];
                int capHeight = InputCapHeight(tree);
                int levels = treeLog - capHeight;
                // Matrices by height, tallest first, stable: the order the tree hashes them in.
                var order = Enumerable.Range(0, matrices.Length).OrderByDescending(i => matrices[i].LogLdeHeight).ToArray();
                int next = 0;
                Felt[] HashGroup(int logHeight)
                {
                    var input = new List<Felt>();
                    while (next < order.Length && matrices[order[next]].LogLdeHeight == logHeight)
                        input.AddRange(rows[tree][order[next++]]);
                    return _hash.HashRow(input);
                }
                var siblings = Hint(HintChannel.InputSiblings, levels * L, q, tree);
                var node = HashGroup(treeLog);
                int height = treeLog;
                for (int level = 0; level < levels; level++)
                {
                    var sibling = siblings[(level * L)..((level + 1) * L)];
                    node = _hash.CompressOrdered(bits[level], node, sibling);
                    height--;
                    if (next < order.Length && matrices[order[next]].LogLdeHeight == height)
                        node = _hash.Compress(node, HashGroup(height));
                }
                var expected = _hash.Choose(caps[tree], bits.AsSpan(levels, capHeight), b.Select);
                _hash.AssertDigest(node, expected, $"opening of commitment {tree} does not verify");
            }
            return rows;
        }

        /// <summary>The DEEP value of every LDE height at the query: Σ over matrices and points of (λ^start·S − Y)/(x − z).</summary>
        private Dictionary<int, Ext> Reduce(Felt[][][] rows, Felt[] indexBits, Ext[] lambdaPowers, (Ext NegZ, Ext Y, Ext Scale)[][] deep)
        {
            var reduced = new Dictionary<int, Ext>();
            var xs = new Dictionary<int, Felt>();
            var inverses = new Dictionary<(int, int), Ext>();
            for (int i = 0; i < layout.Matrices.Count; i++)
            {
                var m = layout.Matrices[i];
                var row = rows[m.Tree][m.IndexInTree];
                int logH = m.LogLdeHeight;
                if (!xs.TryGetValue(logH, out var x))
                {
                    // x = g·ω_h^bitrev(r), r = index >> (logMax − logH): bit i of r is exponent bit logH − 1 − i.
                    var rBits = indexBits[(layout.LogMaxLdeHeight - logH)..].Reverse().ToArray();
                    xs[logH] = x = b.Mul(b.Constant(MontyField31<TParams>.MultiplicativeGenerator), PowerFromBits(MontyField31<TParams>.TwoAdicGenerator(logH), rBits));
                }
                var s = b.ExtZero;
                for (int c = 0; c < m.Width; c++)
                    s = b.MulAdd(s, lambdaPowers[c], row[c]);
                var acc = reduced.TryGetValue(logH, out var a) ? a : b.ExtZero;
                for (int point = 0; point < m.PointCount; point++)
                {
                    var (negZ, y, scale) = deep[i][point];
                    // A point that opens only some columns (ζ·ω: those read on the next row) combines only those, in
                    // their order, with λ^0, λ^1, … before the point's scale (Deep's SelectColumns).
                    var sp = s;
                    if (m.Columns(point) is { } columns)
                    {
                        sp = b.ExtZero;
                        for (int c = 0; c < columns.Count; c++)
                            sp = b.MulAdd(sp, lambdaPowers[c], row[columns[c]]);
                    }
                    if (!inverses.TryGetValue((logH, negZ.Id), out var inv))
                        inverses[(logH, negZ.Id)] = inv = b.Inverse(b.Add(negZ, x));
                    acc = b.MulAdd(acc, b.Sub(b.Mul(scale, sp), y), inv);
                }
                reduced[logH] = acc;
            }
            return reduced;
        }

        /// <summary>The FRI query: per step, the leaf holding the current value, its path, the fold and the roll-in; then the final polynomial.</summary>
        private void Fri(int q, Felt[] indexBits, Dictionary<int, Ext> reduced, Ext[] betas, Felt[][][] friCaps, int[] capHeights, Ext[] finalPolynomial)
        {
            int logN = layout.LogMaxLdeHeight;
            var bits = indexBits;
            var value = reduced[logN];
            var half = b.Constant(MontyField31<TParams>.One.Halve());
            for (int r = 0; r < layout.FriRounds; r++)
            {
                int a = layout.FriLogArities[r], k = 1 << a;
                var slotBits = bits[..a];
                var leafBits = bits[a..];
                var leafFelts = Hint(HintChannel.FriLeaf, k * D, q, r);
                var leaf = Exts(b, leafFelts);
                var own = _hash.Choose(leaf.Select(e => new[] { e }).ToArray(), slotBits, b.Select)[0];
                b.AssertEqual(own, value, $"FRI step {r}: the opened leaf does not hold the query's value");
                int levels = logN - a - capHeights[r];
                var siblings = Hint(HintChannel.FriSiblings, levels * L, q, r);
                var node = _hash.HashRow(leafFelts);
                for (int level = 0; level < levels; level++)
                {
                    var sibling = siblings[(level * L)..((level + 1) * L)];
                    node = _hash.CompressOrdered(leafBits[level], node, sibling);
                }
                var expected = _hash.Choose(friCaps[r], leafBits.AsSpan(levels, capHeights[r]), b.Select);
                _hash.AssertDigest(node, expected, $"FRI step {r} opening does not verify");

                // Fold the leaf: binary folds with β, β², β⁴, …; pair p = j·half + t at level ℓ has
                // 1/(2x), x = ω_(logN−ℓ)^bitrev_(logN−ℓ−1)(p) (Fri.FoldLeaf / HalfInverseX).
                var v = leaf.ToArray();
                var bl = betas[r];
                for (int level = 0; level < a; level++)
                {
                    int pairs = k >> (level + 1);
                    int logPairs = a - level - 1;
                    int m = logN - level - 1;
                    var omegaInv = MontyField31<TParams>.TwoAdicGenerator(logN - level).Inverse();
                    for (int t = 0; t < pairs; t++)
                    {
                        // Bits of p, least significant first: t's low bits (constants), then the leaf index j's bits.
                        var pBits = Enumerable.Range(0, logPairs).Select(i => b.Constant((t >> i) & 1)).Concat(leafBits).ToArray();
                        var xInv = PowerFromBits(omegaInv, pBits.Take(m).Reverse().ToArray());
                        var halfInvX = b.Mul(xInv, half);
                        var sum = b.Mul(b.Add(v[2 * t], v[2 * t + 1]), half);
                        v[t] = b.MulAdd(sum, b.Mul(bl, b.Sub(v[2 * t], v[2 * t + 1])), halfInvX);
                    }
                    bl = b.Mul(bl, bl);
                }
                var folded = v[0];
                logN -= a;
                if (reduced.TryGetValue(logN, out var rollIn))
                    folded = b.MulAdd(folded, bl, rollIn); // bl is β^k after the a squarings
                value = folded;
                bits = leafBits;
            }
            // The last values lie on the final polynomial: x = ω^bitrev(position) over the final codeword.
            int lfc = layout.LogFinalCodewordLength;
            var xFinal = PowerFromBits(MontyField31<TParams>.TwoAdicGenerator(lfc), bits[..lfc].Reverse().ToArray());
            var acc = b.ExtZero;
            for (int i = finalPolynomial.Length - 1; i >= 0; i--)
                acc = b.MulAdd(finalPolynomial[i], acc, xFinal);
            b.AssertEqual(acc, value, "FRI folding does not end on the final polynomial");
        }
    }
}
