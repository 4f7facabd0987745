using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// One quotient for all of a proof's tables (docs/design.md, "STARK"): Q = Σ_t μ^t·A_t/Z_(H_t), split into d = max_t d_t·n_t/N chunks
/// of the tallest height N. Tables of mixed heights and chunk counts (the chunk count set by a shorter table too) and one table
/// prove and verify; a forged trace in any one table, a quotient combined with another μ or without one table's term, and a claimed
/// height other than the proved one are rejected; and the combination step agrees with its definition, each table's quotient
/// interpolated from its values on its own coset at random points.
/// </summary>
public sealed class CombinedQuotientTests(ITestOutputHelper output)
{
    private static StarkConfig Config(int logBlowup) =>
        StarkConfig.Development with { LogBlowup = logBlowup, NumQueries = 16, QueryPowBits = 2, LogFinalPolyLength = 0, AllowInsecure = true };

    private static StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Prover(StarkConfig config, bool check = true,
        Func<KoalaBearExt4[], KoalaBearExt4[]>? weights = null) => new(config) { CheckConstraints = check, ForgeQuotientWeights = weights };

    private static StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Verifier(StarkConfig config) => new(config);

    /// <summary>A Fibonacci table (one chunk) and a Poseidon2 table (two chunks) of their own heights, no bus between them.</summary>
    private static (IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics) FibonacciAndPoseidon2(int logFib, int logPoseidon)
    {
        var (fibAirs, fibTraces, fibPublics) = DemoCatalog.Build("fibonacci", logFib);
        var (posAirs, posTraces, posPublics) = DemoCatalog.Build("poseidon2", logPoseidon);
        return ([fibAirs[0], posAirs[0]], [fibTraces[0], posTraces[0]], [fibPublics[0], posPublics[0]]);
    }

    [Theory]
    [InlineData(4, 4, 1)] // equal heights: Poseidon2's two chunks set d = 2; the quotient travels with table 0
    [InlineData(5, 4, 1)] // Fibonacci taller: 2^5·1 = 2^4·2, d = 1
    [InlineData(3, 5, 1)] // Poseidon2 taller: d = 2, the quotient with table 1
    [InlineData(6, 3, 2)] // heights 8× apart, blowup 4
    public void Tables_of_mixed_heights_prove_and_verify(int logFib, int logPoseidon, int logBlowup)
    {
        var config = Config(logBlowup);
        var (airs, traces, publics) = FibonacciAndPoseidon2(logFib, logPoseidon);
        var proof = Prover(config).Prove(airs, traces, publics);
        var result = Verifier(config).Verify(airs, ProofSerializer.Serialize(proof));
        Assert.True(result.IsValid, result.ToString());
        int logN = Math.Max(logFib, logPoseidon);
        int expectedChunks = Math.Max(1 << logFib, 2 << logPoseidon) >> logN; // Fibonacci has 1 chunk, Poseidon2 2
        int quotientTable = logFib >= logPoseidon ? 0 : 1;
        Assert.Equal(4 * expectedChunks, proof.Openings[quotientTable].Quotient.Length);
        Assert.Empty(proof.Openings[1 - quotientTable].Quotient);
        // One matrix in the quotient tree, at the tallest height.
        Assert.Single(proof.InputOpenings[^1].Rows);
        output.WriteLine($"fib 2^{logFib}, poseidon2 2^{logPoseidon}: {expectedChunks} chunk(s), {ProofSerializer.Serialize(proof).Length} bytes");
    }

    [Theory]
    [InlineData("fibonacci", 5)]
    [InlineData("poseidon2", 4)]
    [InlineData("lookup", 5)]
    public void Demos_prove_and_verify(string demo, int logRows)
    {
        var config = Config(1);
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        var proof = Prover(config).Prove(airs, traces, publics);
        Assert.True(Verifier(config).Verify(airs, proof).IsValid);
        Assert.Equal(1, proof.Openings.Count(o => o.Quotient.Length > 0));
    }

    [Theory]
    [InlineData(0, 4, 4)]
    [InlineData(1, 4, 4)]
    [InlineData(0, 5, 3)] // the shorter table's violation
    [InlineData(1, 5, 3)]
    [InlineData(1, 3, 5)]
    public void Trace_violating_a_constraint_in_one_table_is_rejected(int forgedTable, int logFib, int logPoseidon)
    {
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(logFib, logPoseidon);
        var trace = traces[forgedTable];
        trace[trace.Height / 2, trace.Width - 1] += KoalaBear.One; // one cell on one row
        Assert.NotNull(AirChecker.FindViolation(airs[forgedTable], trace, publics[forgedTable]));
        var proof = Prover(config, check: false).Prove(airs, traces, publics);
        var result = Verifier(config).Verify(airs, proof);
        output.WriteLine($"table {forgedTable} forged: {result}");
        Assert.False(result.IsValid);
        Assert.Equal("constraints do not match the quotient at the out-of-domain point", result.Error);
    }

    [Fact]
    public void Quotient_combined_with_another_mu_or_without_a_table_is_rejected()
    {
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(4, 5);
        // The hook itself changes nothing when it returns the weights it was given.
        Assert.True(Verifier(config).Verify(airs, Prover(config, weights: w => w).Prove(airs, traces, publics)).IsValid);
        var forgeries = new (string Name, Func<KoalaBearExt4[], KoalaBearExt4[]> Weights)[]
        {
            ("another μ", w => (w[1] + KoalaBearExt4.One).Powers(w.Length)),
            ("table 0 left out", w => [KoalaBearExt4.Zero, w[1]]),
            ("table 1 left out", w => [w[0], KoalaBearExt4.Zero]),
            ("weights swapped", w => [w[1], w[0]]),
        };
        foreach (var (name, weights) in forgeries)
        {
            var proof = Prover(config, weights: weights).Prove(airs, traces, publics);
            var result = Verifier(config).Verify(airs, proof);
            output.WriteLine($"{name}: {result}");
            Assert.False(result.IsValid, name);
            Assert.Equal("constraints do not match the quotient at the out-of-domain point", result.Error);
        }
    }

    /// <summary>b = a⁵ on every row: constraint degree 5, so its quotient needs 4 chunks of its own height (log blowup ≥ 2).</summary>
    internal sealed class FifthPowerAir : IAir<KoalaBear>
    {
        public string Name => "fifth-power";

        public int Width => 2;

        public void Eval(AirBuilder<KoalaBear> builder)
        {
            var (a, b) = (builder.Local[0], builder.Local[1]);
            builder.AssertEq(b, a * a * a * a * a);
        }

        /// <summary>An honest trace of 2^<paramref name="logRows"/> rows.</summary>
        public static RowMajorMatrix<KoalaBear> Trace(int logRows)
        {
            var m = new RowMajorMatrix<KoalaBear>(1 << logRows, 2);
            for (int r = 0; r < m.Height; r++)
            {
                var a = KoalaBear.FromUInt64((ulong)(r * 7 + 3));
                (m[r, 0], m[r, 1]) = (a, a * a * a * a * a);
            }
            return m;
        }
    }

    /// <summary>
    /// Fibonacci 2^5 (one chunk: 2^5 coefficients) and the fifth-power table 2^4 (four chunks: 2^6): the shorter table alone sets
    /// d = 2^6 / 2^5 = 2, and the quotient travels with the taller Fibonacci table, which needs one chunk.
    /// </summary>
    internal static (IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics) ShorterTableSetsTheChunks()
    {
        var (fibAirs, fibTraces, fibPublics) = DemoCatalog.Build("fibonacci", 5);
        return ([fibAirs[0], new FifthPowerAir()], [fibTraces[0], FifthPowerAir.Trace(4)], [fibPublics[0], []]);
    }

    [Fact]
    public void Shorter_table_of_higher_degree_sets_the_chunk_count_and_its_forgery_is_rejected()
    {
        var config = Config(2);
        var (airs, traces, publics) = ShorterTableSetsTheChunks();
        var proof = Prover(config).Prove(airs, traces, publics);
        Assert.Equal(2, new CompiledAir<KoalaBear>(airs[1], config.LogUpBatchingFor(4)).LogQuotientChunks);
        Assert.Equal(0, new CompiledAir<KoalaBear>(airs[0], config.LogUpBatchingFor(5)).LogQuotientChunks);
        Assert.Equal(4 * 2, proof.Openings[0].Quotient.Length); // d = 2, with the taller table 0
        Assert.Empty(proof.Openings[1].Quotient);
        Assert.True(Verifier(config).Verify(airs, ProofSerializer.Serialize(proof)).IsValid);
        for (int t = 0; t < 2; t++)
        {
            var forged = traces.Select(m => m.Clone()).ToArray();
            forged[t][3, forged[t].Width - 1] += KoalaBear.One;
            Assert.NotNull(AirChecker.FindViolation(airs[t], forged[t], publics[t]));
            var result = Verifier(config).Verify(airs, Prover(config, check: false).Prove(airs, forged, publics));
            output.WriteLine($"table {t} forged: {result}");
            Assert.False(result.IsValid);
            Assert.Equal("constraints do not match the quotient at the out-of-domain point", result.Error);
        }
    }

    /// <summary>
    /// The quotient's opening at ζ with another placement or length than the layout's (StarkLayout.QuotientTable, LogQuotientChunks):
    /// the verifier, not the proof, decides which table carries it (the first tallest) and how many chunks it has (max_t d_t·n_t / N,
    /// from the claimed heights and the AIRs), so each of these is a shape error before any value is read. Shared with the recursion
    /// verifier's test (RecursiveVerifierTests), which must refuse the same proofs.
    /// </summary>
    internal static (string Name, Action<TableOpenings<KoalaBearExt4>[]> Tamper)[] QuotientPlacementTamperings(int quotientTable)
    {
        int q = quotientTable, other = 1 - quotientTable;
        static TableOpenings<KoalaBearExt4> With(TableOpenings<KoalaBearExt4> o, KoalaBearExt4[] quotient) => new()
        {
            PreprocessedLocal = o.PreprocessedLocal, PreprocessedNext = o.PreprocessedNext, MainLocal = o.MainLocal, MainNext = o.MainNext,
            LogUpLocal = o.LogUpLocal, LogUpNext = o.LogUpNext, Quotient = quotient,
        };
        return
        [
            ("quotient opening moved to the other table", o => (o[other], o[q]) = (With(o[other], o[q].Quotient), With(o[q], []))),
            ("quotient opening duplicated in the other table", o => o[other] = With(o[other], [.. o[q].Quotient])),
            ("quotient opening of half the chunks", o => o[q] = With(o[q], o[q].Quotient[..(o[q].Quotient.Length / 2)])),
            ("quotient opening of twice the chunks", o => o[q] = With(o[q], [.. o[q].Quotient, .. o[q].Quotient])),
            ("quotient opening of one chunk more", o => o[q] = With(o[q], [.. o[q].Quotient, .. o[q].Quotient[..4]])),
            ("quotient opening without its last chunk", o => o[q] = With(o[q], o[q].Quotient[..^4])),
        ];
    }

    [Theory]
    [InlineData(4, 5)] // with table 1 (the taller), two chunks
    [InlineData(4, 4)] // equal heights: with table 0 (the first tallest), though table 1 is as tall; two chunks
    [InlineData(5, 3)] // with table 0, one chunk
    public void Quotient_opening_moved_duplicated_or_of_another_chunk_count_is_rejected(int logFib, int logPoseidon)
    {
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(logFib, logPoseidon);
        var bytes = ProofSerializer.Serialize(Prover(config).Prove(airs, traces, publics));
        Assert.True(Verifier(config).Verify(airs, bytes).IsValid);
        int quotientTable = logFib >= logPoseidon ? 0 : 1;
        foreach (var (name, tamper) in QuotientPlacementTamperings(quotientTable))
        {
            var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);
            Assert.NotEmpty(proof.Openings[quotientTable].Quotient);
            tamper(proof.Openings);
            var result = Verifier(config).Verify(airs, proof);
            output.WriteLine($"{name}: {result}");
            Assert.False(result.IsValid, name);
            Assert.Contains("opened values have the wrong shape", result.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// ζ on a table's trace domain: Z_(H_t)(ζ) = 0 leaves A_t(ζ)/Z_(H_t)(ζ) undefined, and the check refuses it rather than dividing
    /// (the recursion program's counterpart: RecursiveVerifierTests.Selectors_at_a_point_of_the_trace_domain_fail_the_program). ζ is
    /// drawn from the transcript, so no proof reaches this (probability ≤ N/|F|); the check itself is called here with points of H_t,
    /// of the tallest table's larger domain only, and off both.
    /// </summary>
    [Fact]
    public void Zeta_on_a_trace_domain_is_refused_by_the_constraint_check()
    {
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(3, 5);
        var proof = Prover(config).Prove(airs, traces, publics);
        var rng = new Random(7);
        KoalaBearExt4 E() => KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        var (alpha, gamma, beta) = (E(), E(), E());
        string? Error(int t, KoalaBearExt4 zeta) =>
            StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>.ConstraintError(
                new CompiledAir<KoalaBear>(airs[t], config.LogUpBatchingFor(proof.LogHeights[t])), proof.LogHeights[t], proof.Openings[t],
                proof.PublicValues[t], alpha, gamma, beta, proof.CumulativeSums[t], zeta, out _);
        for (int t = 0; t < 2; t++)
        {
            int logN = proof.LogHeights[t];
            var omega = KoalaBear.TwoAdicGenerator(logN);
            foreach (ulong k in new ulong[] { 0, 1, 3, (1UL << logN) - 1 })
                Assert.Equal("ζ lies on the trace domain", Error(t, KoalaBearExt4.FromBase(omega.Pow(k))));
            Assert.Null(Error(t, E()));
        }
        // A point of the tallest table's domain H_(2^5) outside the shorter one's H_(2^3): only the tallest refuses it, and every
        // table is checked, so the verifier does.
        var zeta = KoalaBearExt4.FromBase(KoalaBear.TwoAdicGenerator(5));
        Assert.Null(Error(0, zeta));
        Assert.Equal("ζ lies on the trace domain", Error(1, zeta));
    }

    [Fact]
    public void Claimed_height_other_than_the_proved_one_is_rejected()
    {
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(5, 4);
        var bytes = ProofSerializer.Serialize(Prover(config).Prove(airs, traces, publics));
        Assert.True(Verifier(config).Verify(airs, bytes).IsValid);
        foreach (var (table, delta) in new[] { (0, 1), (0, -1), (1, 1), (1, -1), (1, 2) })
        {
            var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);
            proof.LogHeights[table] += delta;
            var result = Verifier(config).Verify(airs, proof);
            output.WriteLine($"table {table} claimed 2^{proof.LogHeights[table]}: {result}");
            Assert.False(result.IsValid);
        }
    }

    [Fact]
    public void Proof_of_the_per_table_quotient_format_is_refused_by_version()
    {
        // Formats 7 and 8 (one quotient per table, 8- and 12-element digests) had the layout's lists but another transcript and
        // shape: their versions are refused by name.
        var config = Config(1);
        var (airs, traces, publics) = FibonacciAndPoseidon2(4, 4);
        var bytes = ProofSerializer.Serialize(Prover(config).Prove(airs, traces, publics));
        Assert.True(StarkProofFormat.Version >= 9 && StarkProofFormat.WideDigestVersion >= 10);
        Assert.Equal(StarkProofFormat.Version, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        foreach (ushort old in new ushort[] { 7, 8 })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), old);
            var result = Verifier(config).Verify(airs, bytes);
            Assert.False(result.IsValid);
            Assert.Contains($"proof format version {old} is retired (a quotient per table)", result.Error);
        }
    }

    [Theory]
    [InlineData(new[] { 4 }, new[] { 1 }, 1)]
    [InlineData(new[] { 4, 3, 4 }, new[] { 0, 1, 1 }, 2)]
    [InlineData(new[] { 2, 4, 3 }, new[] { 2, 0, 3 }, 3)] // the chunk count (4) set by a shorter table
    [InlineData(new[] { 1, 1 }, new[] { 0, 0 }, 1)]
    [InlineData(new[] { 13, 12 }, new[] { 1, 1 }, 1)] // several parallel chunks of coefficients in the combination
    public void Combined_chunks_are_the_weighted_sum_of_the_tables_quotients(int[] logHeights, int[] logChunks, int logBlowup)
    {
        var rng = new Random(logHeights.Sum() * 31 + logChunks.Sum());
        KoalaBear F() => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        KoalaBearExt4 E() => KoalaBearExt4.FromCoefficients([F(), F(), F(), F()]);
        var dft = Radix2Dft<KoalaBearParameters>.Instance;
        int tables = logHeights.Length, logN = logHeights.Max();
        int logD = Enumerable.Range(0, tables).Max(t => logHeights[t] + logChunks[t]) - logN;
        // Random values on each table's quotient coset g·H_(n_t·d_t) (a wrong trace's quotient is no polynomial of lower degree).
        var values = Enumerable.Range(0, tables).Select(t => Enumerable.Range(0, 1 << (logHeights[t] + logChunks[t])).Select(_ => E()).ToArray()).ToArray();
        var weights = Enumerable.Range(0, tables).Select(_ => E()).ToArray();
        var coefficients = values.Select(v => QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.Coefficients(dft, (KoalaBearExt4[])v.Clone())).ToArray();
        var (chunks, lde) = QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.SplitCoefficients(dft,
            QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.Combine(coefficients, weights, logN, logD), logN, logD, logBlowup);
        Assert.Equal((1 << logN, 4 << logD), (chunks.Height, chunks.Width));
        Assert.Equal((1 << (logN + logBlowup), 4 << logD), (lde.Height, lde.Width));
        var g = KoalaBear.MultiplicativeGenerator;
        for (int trial = 0; trial < 4; trial++)
        {
            var x = E();
            // The reference: Σ_t w_t·Q_t(x), Q_t interpolated from its values (barycentric, on H of its size at x/g: Q_t(g·y) has the values on H).
            var expected = default(KoalaBearExt4);
            for (int t = 0; t < tables; t++)
            {
                int logQ = logHeights[t] + logChunks[t];
                var components = new RowMajorMatrix<KoalaBear>(values[t].SelectMany(v => v.Coefficients.ToArray()).ToArray(), 4);
                var atY = OutOfDomain<KoalaBearParameters, KoalaBearQuartic>.Evaluate(logQ, [components], [x * g.Inverse()])[0][0];
                var q = default(KoalaBearExt4);
                for (int c = 3; c >= 0; c--)
                    q = q * KoalaBearExt4.X + atY[c];
                expected += weights[t] * q;
            }
            // The committed chunks recombined: Σ_j x^(j·N)·q_j(x), q_j from its 4 base columns (Horner per column).
            var atX = QuotientChunks<KoalaBearParameters, KoalaBearQuartic>.EvaluateColumnsReference(chunks, x);
            var actual = default(KoalaBearExt4);
            for (int j = (1 << logD) - 1; j >= 0; j--)
            {
                var chunk = default(KoalaBearExt4);
                for (int c = 3; c >= 0; c--)
                    chunk = chunk * KoalaBearExt4.X + atX[4 * j + c];
                actual = actual * x.Pow(1UL << logN) + chunk;
            }
            Assert.True(expected == actual, $"point {trial}: the combined chunks differ from Σ_t w_t·Q_t");
        }
        // The LDE holds the chunks' values on the large coset (row r at g·ω^bitrev(r)).
        var omega = KoalaBear.TwoAdicGenerator(logN + logBlowup);
        for (int r = 0; r < lde.Height; r += Math.Max(1, lde.Height / 8))
        {
            var at = g * omega.Pow((ulong)BitReversal.ReverseBits(r, logN + logBlowup));
            for (int col = 0; col < lde.Width; col++)
                Assert.True(lde[r, col] == Polynomials.EvaluateCoefficients<KoalaBear>(chunks.Column(col), at), $"LDE row {r} column {col}");
        }
    }
}
