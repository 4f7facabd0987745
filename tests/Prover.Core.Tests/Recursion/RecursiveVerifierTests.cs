using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Matrix;
using Prover.Core.Recursion;
using Prover.Core.Stark;
using Prover.Core.Tests.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// Differential tests: the verifier program, run by the executor on a proof's hints, gives the native
/// <see cref="StarkVerifier{TParams, TDef, TDigest}"/>'s verdict on honest proofs and on proofs tampered in each part
/// (public value, opened value, quotient value, opened row, Merkle sibling, cap, FRI leaf value, FRI sibling, final
/// polynomial, proof-of-work witness, bus sum), over both extensions, both digests, caps, FRI arities, LogUp,
/// preprocessed columns and forged traces.
/// </summary>
public sealed class RecursiveVerifierTests(ITestOutputHelper output)
{
    // No proof-of-work grinding, so that a tampered value reaches the check it is meant for instead of failing the
    // proof of work (the transcript changes with it); the provable presets' cases keep 8 bits to exercise that check.
    private static readonly StarkConfig Small = StarkConfig.Development with { NumQueries = 12, QueryPowBits = 0, LogFinalPolyLength = 0 };

    private sealed record Case<TDef, TDigest>(string Name, StarkConfig Config, IAir<KoalaBear>[] Airs, byte[] Bytes, VerifyingKey<KoalaBearParameters, TDigest>? Key)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        public StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> Fresh() =>
            ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(Bytes);
    }

    private static Case<TDef, TDigest> Prove<TDef, TDigest>(string name, StarkConfig config, IAir<KoalaBear>[] airs, RowMajorMatrix<KoalaBear>[] traces,
        KoalaBear[][] publics, bool preprocessed = false, bool check = true,
        Func<ExtensionField<KoalaBear, TDef>[], ExtensionField<KoalaBear, TDef>[]>? quotientWeights = null)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var pk = preprocessed ? StarkSetup.Preprocess<KoalaBearParameters, TDigest>(airs, traces.Select(t => int.Log2(t.Height)).ToArray(), config.LogBlowup) : null;
        var proof = new StarkProver<KoalaBearParameters, TDef, TDigest>(config) { CheckConstraints = check, ForgeQuotientWeights = quotientWeights }
            .Prove(airs, traces, publics, pk);
        return new(name, config, airs, ProofSerializer.Serialize(proof), pk?.VerifyingKey);
    }

    private static Case<TDef, TDigest> Demo<TDef, TDigest>(string demo, int logRows, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        return Prove<TDef, TDigest>($"{demo} 2^{logRows} {config.Name}", config, airs, traces, publics);
    }

    /// <summary>Both verdicts on one proof; returns the program's run.</summary>
    private RecursionRun Compare<TDef, TDigest>(Case<TDef, TDigest> c, StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest> proof, bool expected, string what)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var native = new StarkVerifier<KoalaBearParameters, TDef, TDigest>(c.Config).Verify(c.Airs, proof, c.Key);
        var (run, program) = RecursiveVerification<KoalaBearParameters, TDef, TDigest>.Verify(c.Config, c.Airs, proof, c.Key);
        output.WriteLine($"{c.Name}, {what}: native {native}; program {run}" + (program is null ? "" : $" ({program.Instructions.Count} instructions)"));
        Assert.Equal(expected, native.IsValid);
        Assert.Equal(expected, run.Accepted);
        return run;
    }

    private static KoalaBear One => KoalaBear.One;

    private static TDigest Bump<TDigest>(TDigest d) where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var e = d.Elements.ToArray();
        e[0] += One;
        return TDigest.FromElements(e);
    }

    private static StarkProof<KoalaBearParameters, TExt, TDigest> WithPow<TExt, TDigest>(StarkProof<KoalaBearParameters, TExt, TDigest> p, KoalaBear witness)
        where TExt : struct, IExtensionField<TExt, KoalaBear>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        p with { PowWitness = witness };

    /// <summary>The honest proof is accepted by both; every tampering is rejected by both.</summary>
    private void HonestAndTampered<TDef, TDigest>(Case<TDef, TDigest> c)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        Compare(c, c.Fresh(), true, "honest");
        var e1 = ExtensionField<KoalaBear, TDef>.One;
        var tamperings = new List<(string, Func<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>, StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>>)>
        {
            ("opened main value", p => { p.Openings[0].MainLocal[0] += e1; return p; }),
            // The proof's one quotient is opened with the first tallest table.
            ("opened quotient value", p => { p.Openings.First(o => o.Quotient.Length > 0).Quotient[1] += e1; return p; }),
            ("opened row of the main tree", p => { p.InputOpenings[c.Key is null ? 0 : 1].Rows[0][0] += One; return p; }),
            ("Merkle sibling of the quotient tree", p => { var s = (TDigest[])p.InputOpenings[^1].Siblings; s[s.Length / 2] = Bump(s[s.Length / 2]); return p; }),
            ("main commitment", p => { var d = p.MainCommitment.Digests.ToArray(); d[0] = Bump(d[0]); return WithCap(p, new MerkleCap<KoalaBearParameters, TDigest>(d)); }),
            ("final polynomial", p => { p.FinalPolynomial[0] += e1; return p; }),
            ("proof-of-work witness", p => WithPow(p, p.PowWitness + One)),
        };
        // FRI data exists only where FRI folds (and siblings only where the queries leave some node unknown).
        var shape = c.Fresh();
        if (shape.FriOpenings.Any(o => o.Values.Length > 0))
        {
            tamperings.Add(("FRI leaf value of the first step that sends one", p => { p.FriOpenings.First(o => o.Values.Length > 0).Values[0] += e1; return p; }));
            tamperings.Add(("FRI leaf value of the last step that sends one", p => { p.FriOpenings.Last(o => o.Values.Length > 0).Values[^1] += e1; return p; }));
        }
        if (shape.FriOpenings.Any(o => o.Siblings.Length > 0))
            tamperings.Add(("FRI sibling", p => { var s = p.FriOpenings.First(o => o.Siblings.Length > 0).Siblings; s[^1] = Bump(s[^1]); return p; }));
        Assert.True(shape.FriOpenings.Length == 0 || tamperings.Count > 7, "a case with FRI steps tampers with their data");
        // Only the main columns read on the next row are opened at ζ·ω (format 5); an AIR that reads none has no such value.
        if (shape.Openings.Any(o => o.MainNext.Length > 0))
            tamperings.Add(("opened next-row value", p => { p.Openings.Last(o => o.MainNext.Length > 0).MainNext[^1] += e1; return p; }));
        if (shape.Openings.Any(o => o.PreprocessedNext.Length > 0))
            tamperings.Add(("opened next-row preprocessed value", p => { p.Openings.First(o => o.PreprocessedNext.Length > 0).PreprocessedNext[0] += e1; return p; }));
        if (c.Airs[0].PublicValueCount > 0)
            tamperings.Add(("public value", p => { p.PublicValues[0][0] += One; return p; }));
        if (c.Airs.Any(a => new CompiledAir<KoalaBear>(a).LogUpColumns > 0))
        {
            tamperings.Add(("bus sum moved between tables", p => { p.CumulativeSums[0] += e1; p.CumulativeSums[1] -= e1; return p; }));
            tamperings.Add(("opened LogUp value", p => { p.Openings[0].LogUpLocal[0] += e1; return p; }));
            // The running sum at ζ·ω (the only LogUp column opened there): it stands in for the last group's column (format 7).
            tamperings.Add(("opened next-row running sum", p => { p.Openings.Last(o => o.LogUpNext.Length > 0).LogUpNext[^1] += e1; return p; }));
        }
        foreach (var (what, tamper) in tamperings)
            Compare(c, tamper(c.Fresh()), false, what);
    }

    private static StarkProof<KoalaBearParameters, TExt, TDigest> WithCap<TExt, TDigest>(StarkProof<KoalaBearParameters, TExt, TDigest> p, MerkleCap<KoalaBearParameters, TDigest> main)
        where TExt : struct, IExtensionField<TExt, KoalaBear>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        p with { MainCommitment = main };

    [Fact]
    public void Fibonacci_quartic_arity_8() => HonestAndTampered(Demo<KoalaBearQuartic, KoalaBearDigest>("fibonacci", 6, Small));

    [Fact]
    public void Fibonacci_arity_2_and_4_with_merkle_caps() 
    {
        HonestAndTampered(Demo<KoalaBearQuartic, KoalaBearDigest>("fibonacci", 7, Small with { FoldingArity = 2, MerkleCapHeight = 2 }));
        HonestAndTampered(Demo<KoalaBearQuartic, KoalaBearDigest>("fibonacci", 7, Small with { FoldingArity = 4, MerkleCapHeight = 3, LogFinalPolyLength = 2 }));
    }

    [Fact]
    public void Lookup_with_logup_and_two_heights() => HonestAndTampered(Demo<KoalaBearQuartic, KoalaBearDigest>("lookup", 6, Small));

    [Fact]
    public void Poseidon2_demo() => HonestAndTampered(Demo<KoalaBearQuartic, KoalaBearDigest>("poseidon2", 3, Small));

    [Fact]
    public void Octic_extension_with_provable100_openings() =>
        HonestAndTampered(Demo<KoalaBearOctic, KoalaBearDigest>("lookup", 5, StarkConfig.Provable100 with { NumQueries = 8, QueryPowBits = 8, AllowInsecure = true }));

    [Fact]
    public void Wide_digest_with_provable128_openings() =>
        HonestAndTampered(Demo<KoalaBearOctic, KoalaBearWideDigest>("fibonacci", 7, StarkConfig.Provable128 with { NumQueries = 8, QueryPowBits = 8, AllowInsecure = true }));

    /// <summary>Sends v_0..v_7 on the range bus on every selected row: eight linear interactions whose grouping may raise the quotient.</summary>
    private sealed class EightSenderAir : IAir<KoalaBear>
    {
        public string Name => "eight-sender";

        public int Width => 9;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var sel = builder.Local[0];
            builder.AssertBool(sel);
            for (int i = 0; i < 8; i++)
                builder.Send(LookupDemo.Bus, [builder.Local[1 + i]], sel);
        }
    }

    [Fact]
    public void Raised_logup_quotient_and_its_header_byte()
    {
        // Format 5: LogUp groups may raise a table's quotient; the program takes each table's grouping and chunk count
        // from the native function (StarkConfig.LogUpBatchingFor) and binds the bound in its header.
        var config = Small with { LogBlowup = 2, LogUpMaxLogQuotientChunks = 2 };
        IAir<KoalaBear>[] airs = [new EightSenderAir(), new RangeTableAir<KoalaBear>()];
        var rng = new Random(5);
        var sender = new RowMajorMatrix<KoalaBear>(16, 9);
        var counts = new long[256];
        for (int r = 0; r < 16; r++)
        {
            sender[r, 0] = One;
            for (int i = 0; i < 8; i++)
            {
                int v = rng.Next(255);
                sender[r, 1 + i] = KoalaBear.FromUInt64((ulong)v);
                counts[v]++;
            }
        }
        var table = new RowMajorMatrix<KoalaBear>(256, 2);
        for (int r = 0; r < 256; r++)
            (table[r, 0], table[r, 1]) = (KoalaBear.FromUInt64((ulong)r), KoalaBear.FromUInt64((ulong)counts[r]));
        var c = Prove<KoalaBearQuartic, KoalaBearDigest>("eight senders, raised", config, airs, [sender, table], [[], []]);
        var proof = c.Fresh();
        // The case exercises the raise: the sender's quotient has more chunks than its unbatched constraints need.
        Assert.True(new CompiledAir<KoalaBear>(airs[0], config.LogUpBatchingFor(proof.LogHeights[0])).LogQuotientChunks > new CompiledAir<KoalaBear>(airs[0]).LogQuotientChunks);
        HonestAndTampered(c);

        // The bound is in the transcript: a program for the same shape under another bound (AIRs without a bus, so
        // the shape is the same) rejects the proof; RecursiveVerification refuses it before running, as the native verifier.
        var fib = Demo<KoalaBearQuartic, KoalaBearDigest>("fibonacci", 6, config);
        var lower = config with { LogUpMaxLogQuotientChunks = 1 };
        var program = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(lower, fib.Airs, fib.Fresh().LogHeights);
        Assert.Equal(program.Instructions.Count, RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(config, fib.Airs, fib.Fresh().LogHeights).Instructions.Count);
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(lower, fib.Airs, fib.Fresh()));
        output.WriteLine($"program with bound 1, proof made under 2: {run}");
        Assert.False(run.Accepted);
        Assert.False(RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(lower, fib.Airs, fib.Fresh()).Run.Accepted);
        Compare(fib, fib.Fresh(), true, "honest, same bound");
    }

    [Theory]
    [InlineData(4, 5)] // the quotient with table 1 (the taller), two chunks
    [InlineData(5, 3)] // with table 0, one chunk
    public void Combined_quotient_of_mixed_heights_and_its_forgeries(int logFib, int logPoseidon)
    {
        // One quotient for all tables: the program checks Σ_t μ^t·A_t(ζ)/Z_(H_t)(ζ) = Q(ζ) as the native verifier does, so both
        // accept the honest proof and reject a forged trace in either table and a quotient combined with another μ or without
        // one table's term.
        var (fibAirs, fibTraces, fibPublics) = DemoCatalog.Build("fibonacci", logFib);
        var (posAirs, posTraces, posPublics) = DemoCatalog.Build("poseidon2", logPoseidon);
        IAir<KoalaBear>[] airs = [fibAirs[0], posAirs[0]];
        RowMajorMatrix<KoalaBear>[] Traces() => [fibTraces[0].Clone(), posTraces[0].Clone()];
        KoalaBear[][] publics = [fibPublics[0], posPublics[0]];
        var honest = Prove<KoalaBearQuartic, KoalaBearDigest>($"fibonacci 2^{logFib} + poseidon2 2^{logPoseidon}", Small, airs, Traces(), publics);
        HonestAndTampered(honest);
        for (int t = 0; t < 2; t++)
        {
            var forged = Traces();
            forged[t][forged[t].Height / 2, forged[t].Width - 1] += One;
            var c = Prove<KoalaBearQuartic, KoalaBearDigest>("forged", Small, airs, forged, publics, check: false);
            Compare(c, c.Fresh(), false, $"table {t}'s trace violates a constraint on one row");
        }
        var forgeries = new (string Name, Func<KoalaBearExt4[], KoalaBearExt4[]> Weights)[]
        {
            ("quotient combined with another μ", w => (w[1] + KoalaBearExt4.One).Powers(w.Length)),
            ("quotient without table 0's term", w => [KoalaBearExt4.Zero, w[1]]),
            ("quotient without table 1's term", w => [w[0], KoalaBearExt4.Zero]),
        };
        foreach (var (name, weights) in forgeries)
        {
            var c = Prove<KoalaBearQuartic, KoalaBearDigest>(name, Small, airs, Traces(), publics, quotientWeights: weights);
            Compare(c, c.Fresh(), false, name);
        }
        // The quotient's opening moved to the other table, duplicated there, or of another chunk count: the program's layout fixes
        // both (the native shape check's counterpart), so its hints cannot be answered from such a proof.
        foreach (var (name, tamper) in CombinedQuotientTests.QuotientPlacementTamperings(logFib >= logPoseidon ? 0 : 1))
        {
            var proof = honest.Fresh();
            tamper(proof.Openings);
            Compare(honest, proof, false, name);
        }
    }

    [Fact]
    public void Combined_quotient_whose_chunk_count_a_shorter_table_sets()
    {
        // The shorter, degree-5 table sets d = 2 while the taller one (which carries the opening) needs one chunk: the program
        // takes d from its layout as the native verifier does, and both reject a forged trace in either table.
        var config = Small with { LogBlowup = 2 };
        var (airs, traces, publics) = CombinedQuotientTests.ShorterTableSetsTheChunks();
        var honest = Prove<KoalaBearQuartic, KoalaBearDigest>("fibonacci 2^5 + fifth power 2^4", config, airs, traces, publics);
        Assert.Equal(8, honest.Fresh().Openings[0].Quotient.Length);
        HonestAndTampered(honest);
        for (int t = 0; t < 2; t++)
        {
            var forged = traces.Select(m => m.Clone()).ToArray();
            forged[t][3, forged[t].Width - 1] += One;
            var c = Prove<KoalaBearQuartic, KoalaBearDigest>("forged", config, airs, forged, publics, check: false);
            Compare(c, c.Fresh(), false, $"table {t}'s trace violates a constraint on one row");
        }
        foreach (var (name, tamper) in CombinedQuotientTests.QuotientPlacementTamperings(0))
        {
            var proof = honest.Fresh();
            tamper(proof.Openings);
            Compare(honest, proof, false, name);
        }
    }

    /// <summary>
    /// The program's counterpart of the native "ζ lies on the trace domain": the selectors at ζ divide by Z_H(ζ) (and by ζ − 1,
    /// ω·ζ − 1), each an inverse the program fails on where it is zero. The recursive verifier evaluates them for every table
    /// (RecursiveStarkVerifier.Constraints, whether or not the table's constraints use them), so it rejects every ζ the native
    /// verifier rejects. ζ comes from the transcript, so it is hinted here directly.
    /// </summary>
    [Fact]
    public void Selectors_at_a_point_of_the_trace_domain_fail_the_program()
    {
        const int logN = 4;
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        using (SymbolicExt<KoalaBearParameters, KoalaBearQuartic>.Scope(b))
        {
            var zeta = SymbolicExt<KoalaBearParameters, KoalaBearQuartic>.Of(b.HintExt(0, 1)[0]);
            _ = Polynomials.Selectors<KoalaBear, SymbolicExt<KoalaBearParameters, KoalaBearQuartic>>(logN, zeta);
        }
        var program = b.Build();
        RecursionRun Run(KoalaBearExt4 zeta) => RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(program, new ListHints(zeta.Coefficients.ToArray()));
        var omega = KoalaBear.TwoAdicGenerator(logN);
        foreach (ulong k in new ulong[] { 0, 1, 5, (1UL << logN) - 1 })
        {
            var run = Run(KoalaBearExt4.FromBase(omega.Pow(k)));
            Assert.False(run.Accepted, $"ζ = ω^{k}");
            Assert.Contains("inverse of zero", run.Failure);
        }
        // A point of a larger domain (ω_(2N)) is not on H: accepted, as natively.
        Assert.True(Run(KoalaBearExt4.FromBase(KoalaBear.TwoAdicGenerator(logN + 1))).Accepted);
        Assert.True(Run(KoalaBearExt4.FromCoefficients([KoalaBear.FromUInt64(3), KoalaBear.FromUInt64(5), KoalaBear.One, KoalaBear.FromUInt64(7)])).Accepted);
    }

    [Fact]
    public void Preprocessed_columns_and_another_key()
    {
        var values = Enumerable.Range(0, 64).Select(i => (uint)(i * 3 % 16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        var multiplicities = new RowMajorMatrix<KoalaBear>(16, 1);
        for (int r = 0; r < 16; r++)
            multiplicities[r, 0] = t[r, 1];
        var c = Prove<KoalaBearQuartic, KoalaBearDigest>("fixed range", Small, [new ValuesAir<KoalaBear>(), new FixedRangeTableAir()], [v, multiplicities], [[], []], preprocessed: true);
        HonestAndTampered(c);
        var otherKey = StarkSetup.Preprocess<KoalaBearParameters, KoalaBearDigest>([new ValuesAir<KoalaBear>(), new FixedRangeTableAir(offset: 1)], [6, 4], Small.LogBlowup)!.VerifyingKey;
        Compare(c with { Key = otherKey }, c.Fresh(), false, "another verifying key");
    }

    [Fact]
    public void Forged_traces_are_rejected_by_both()
    {
        var air = new FibonacciAir<KoalaBear>();
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(32, KoalaBear.Zero, KoalaBear.One);
        KoalaBear[] publics = [trace[0, 0], trace[0, 1], trace[31, 1]];
        trace[10, 1] += One;
        var run = Compare(Prove<KoalaBearQuartic, KoalaBearDigest>("forged fibonacci", Small, [air], [trace], [publics], check: false), ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(
            ProofSerializer.Serialize(new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small) { CheckConstraints = false }.Prove([air], [trace], [publics]))), false, "forged trace");
        Assert.Contains("constraints do not match", run.Failure);

        var values = Enumerable.Range(0, 32).Select(i => (uint)(i % 16)).ToArray();
        values[7] = 20; // outside the table: the bus cannot balance
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        var lookup = Prove<KoalaBearQuartic, KoalaBearDigest>("unbalanced lookup", Small, [new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()], [v, t], [[], []], check: false);
        Assert.Contains("balance", Compare(lookup, lookup.Fresh(), false, "unbalanced bus").Failure);
    }

    /// <summary>
    /// The cyclic LogUp running sum (format 7) in both verifiers: it stands in for each table's last group and wraps from row N − 1
    /// to row 0, with T/N (the claimed sum over the claimed height, a constant of the program) subtracted on every row. Claims moved
    /// between the two tables (still adding to zero) with each running sum re-spread for its new claim break only the wrap row's
    /// identity; a running sum changed on one row breaks two rows'. The lookup's range table has one group, so its constraint is
    /// the implicit group's alone. Both verifiers accept the unforged proof and reject each forgery.
    /// </summary>
    [Fact]
    public void Cyclic_running_sum_forgeries_are_rejected_by_both()
    {
        var values = Enumerable.Range(0, 32).Select(i => (uint)(i * 5 % 16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        IAir<KoalaBear>[] airs = [new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()];
        Case<KoalaBearQuartic, KoalaBearDigest> Forged(string name,
            Func<StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.LogUpForgery, (RowMajorMatrix<KoalaBear>, KoalaBearExt4)> forge)
        {
            var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small) { CheckConstraints = false, ForgeLogUp = forge }
                .Prove(airs, [v.Clone(), t.Clone()], [[], []]);
            Assert.Equal(KoalaBearExt4.Zero, proof.CumulativeSums[0] + proof.CumulativeSums[1]);
            return new(name, Small, airs, ProofSerializer.Serialize(proof), null);
        }
        // The running sum is the trace's last extension column (4 base columns).
        static Span<KoalaBear> RunningSum(RowMajorMatrix<KoalaBear> m, int row) => m.Row(row).Slice(m.Width - 4, 4);
        var honest = Forged("lookup, the hook changing nothing", f => (f.LogUp, f.Sum));
        Compare(honest, honest.Fresh(), true, "honest");
        var moved = Forged("claims moved between tables, running sums re-spread", f =>
        {
            var delta = f.Table == 0 ? f.Beta : -f.Beta;
            var forged = f.LogUp.Clone();
            var perRow = delta * KoalaBear.FromUInt64((ulong)forged.Height).Inverse();
            for (int r = 0; r < forged.Height; r++)
                (KoalaBearExt4.FromCoefficients(RunningSum(forged, r)) - perRow * KoalaBear.FromUInt64((ulong)r)).Coefficients.CopyTo(RunningSum(forged, r));
            return (forged, f.Sum + delta);
        });
        Compare(moved, moved.Fresh(), false, moved.Name);
        foreach (int table in new[] { 0, 1 })
        {
            var changed = Forged($"table {table}'s running sum changed on row 3", f =>
            {
                if (f.Table != table)
                    return (f.LogUp, f.Sum);
                var forged = f.LogUp.Clone();
                (KoalaBearExt4.FromCoefficients(RunningSum(forged, 3)) + f.Gamma).Coefficients.CopyTo(RunningSum(forged, 3));
                return (forged, f.Sum);
            });
            Compare(changed, changed.Fresh(), false, changed.Name);
        }
    }

    [Fact]
    public void Program_depends_on_the_shape_only()
    {
        // Two proofs of the same shape (different witnesses) are checked by the same instruction list.
        var a = Demo<KoalaBearQuartic, KoalaBearDigest>("poseidon2", 3, Small);
        var (airs, traces, publics) = DemoCatalog.Build("poseidon2", 3, seed: 2);
        var b = Prove<KoalaBearQuartic, KoalaBearDigest>("poseidon2 seed 2", Small, airs, traces, publics);
        var pa = RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small, a.Airs, a.Fresh());
        var pb = RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small, b.Airs, b.Fresh());
        Assert.True(pa.Run.Accepted && pb.Run.Accepted);
        Assert.Equal(pa.Program!.Instructions.Count, pb.Program!.Instructions.Count);
        Assert.True(pa.Program.Instructions.Zip(pb.Program.Instructions).All(x => x.First.Op == x.Second.Op && x.First.Dst == x.Second.Dst && x.First.A == x.Second.A && x.First.B == x.Second.B));
        // Under another configuration the program refuses the proof before running.
        var other = RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small with { NumQueries = 13 }, a.Airs, a.Fresh());
        Assert.False(other.Run.Accepted);
    }
    /// <summary>Passes every hint through, except that the felt at one position of the whole hint stream is changed.</summary>
    private sealed class OneWrongHint(IRecursionHints<KoalaBearParameters> inner, long position) : IRecursionHints<KoalaBearParameters>
    {
        private long _read;

        public KoalaBear[] Read(int channel, ReadOnlySpan<KoalaBear> arguments, int count)
        {
            var data = inner.Read(channel, arguments, count);
            if (position >= _read && position < _read + data.Length)
                data[position - _read] += KoalaBear.One;
            _read += data.Length;
            return data;
        }
    }

    /// <summary>Changes each of <paramref name="samples"/> sampled felts of the hint stream of an honest proof: every run must fail.</summary>
    private void EveryHintMatters<TDef, TDigest>(Case<TDef, TDigest> c, int samples)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var proof = c.Fresh();
        var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Build(c.Config, c.Airs, proof.LogHeights);
        StarkProofHints<KoalaBearParameters, TDef, TDigest> Hints() => new(c.Config, c.Airs, proof, c.Key);
        Assert.True(RecursionExecutor<KoalaBearParameters, TDef>.Run(program, Hints()).Accepted);
        var rng = new Random(99);
        var positions = Enumerable.Range(0, samples).Select(_ => rng.NextInt64(program.HintFelts)).Append(0).Append(program.HintFelts - 1);
        var failures = new Dictionary<string, int>();
        foreach (long position in positions)
        {
            var run = RecursionExecutor<KoalaBearParameters, TDef>.Run(program, new OneWrongHint(Hints(), position));
            Assert.False(run.Accepted, $"{c.Name}: hinted felt {position} of {program.HintFelts} changed, the run still accepts");
            failures[run.Failure!] = failures.GetValueOrDefault(run.Failure!) + 1;
        }
        output.WriteLine($"{c.Name}: {samples + 2} of {program.HintFelts} hinted felts changed, all rejected: " + string.Join("; ", failures.Select(f => $"{f.Value}× {f.Key}")));
    }

    [Fact]
    public void Every_hinted_felt_is_checked()
    {
        // The hints are untrusted: changing any one felt of them — a proof value, or a per-query row, sibling or FRI
        // leaf value the hint source derived from the multi-openings — makes the run of an honest proof fail.
        EveryHintMatters(Demo<KoalaBearQuartic, KoalaBearDigest>("lookup", 5, Small with { FoldingArity = 4, MerkleCapHeight = 1 }), 150);
        EveryHintMatters(Demo<KoalaBearOctic, KoalaBearWideDigest>("fibonacci", 7, StarkConfig.Provable128 with { NumQueries = 8, QueryPowBits = 8, AllowInsecure = true }), 100);
    }
    [Fact]
    public void Shared_challenge_group_states_its_bus_sums_and_they_cancel()
    {
        // The lookup demo's two tables proved as two proofs of one group with shared challenges (as zkVM shards are):
        // each program run states the proof's bus sum as outputs; the native verifier's sums equal them and cancel.
        var values = Enumerable.Range(0, 64).Select(i => (uint)(i * 5 % 16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        var rng = new Random(4);
        KoalaBearExt4 R() => KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        var (gamma, beta) = (R(), R());
        IAir<KoalaBear>[][] airs = [[new ValuesAir<KoalaBear>()], [new RangeTableAir<KoalaBear>()]];
        RowMajorMatrix<KoalaBear>[][] traces = [[v], [t]];
        var total = KoalaBearExt4.Zero;
        for (int k = 0; k < 2; k++)
        {
            var shared = new SharedBusChallenges<KoalaBearExt4>(gamma, beta, [7, (ulong)k]);
            var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small).Prove(airs[k], traces[k], [[]], null, shared);
            var native = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small).Verify(airs[k], proof, null, shared, out var busSum);
            var (run, program) = RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small, airs[k], proof, null, shared);
            output.WriteLine($"shard {k}: native {native}, sum {busSum}; program {run}, {program!.Instructions.Count} instructions, {run.Outputs.Count} outputs");
            Assert.True(native.IsValid);
            Assert.True(run.Accepted);
            Assert.False(busSum.IsZero);
            // Outputs: seed (2), main cap (8), γ, β, bus sum (4 each).
            Assert.Equal(2 + 8 + 3 * 4, run.Outputs.Count);
            Assert.Equal([7u, (uint)k], run.Outputs.Take(2));
            Assert.Equal(proof.MainCommitment[0].ToCanonical(), run.Outputs.Skip(2).Take(8));
            Assert.Equal(gamma.Coefficients.ToArray().Select(c => c.ToCanonical()), run.Outputs.Skip(10).Take(4));
            Assert.Equal(busSum.Coefficients.ToArray().Select(c => c.ToCanonical()), run.Outputs.Skip(18));
            total += busSum;

            // Other challenges than the proof was made with, or a moved bus sum: both reject.
            var wrong = shared with { Beta = beta + KoalaBearExt4.One };
            Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small).Verify(airs[k], proof, null, wrong, out _).IsValid);
            Assert.False(RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small, airs[k], proof, null, wrong).Run.Accepted);
            var moved = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(proof));
            moved.CumulativeSums[0] += KoalaBearExt4.One;
            Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Small).Verify(airs[k], moved, null, shared, out _).IsValid);
            Assert.False(RecursiveVerification<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Verify(Small, airs[k], moved, null, shared).Run.Accepted);
        }
        Assert.True(total.IsZero);
    }
    [Fact]
    public void Hint_requests_the_proof_cannot_answer_are_rejections_not_crashes()
    {
        var c = Demo<KoalaBearQuartic, KoalaBearDigest>("fibonacci", 5, Small);
        foreach (var (channel, args) in new (HintChannel, int[])[] { (HintChannel.InputRow, [0, 0, 0]), (HintChannel.PublicValues, [5]), (HintChannel.FriCap, [40]), ((HintChannel)99, []) })
        {
            var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
            b.Hint((int)channel, 2, [.. args.Select(a => b.Constant(a))]);
            var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(b.Build(), new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(c.Config, c.Airs, c.Fresh()));
            Assert.False(run.Accepted);
            Assert.Contains("does not fit", run.Failure);
        }
    }
}
