using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Merkle;
using Prover.Core.Security;
using Prover.Core.Stark;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// FRI folding arity 2/4/8 and Merkle caps: folding against its definition and against repeated arity-2 folds, the
/// step schedule, honest proofs under every arity and cap height, and rejection of tampered FRI answers and openings.
/// </summary>
public sealed class FriArityTests(ITestOutputHelper output)
{
    private const int Seed = 8088;

    private static KoalaBearExt4 RandomExt(Random rng) =>
        KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromCanonical((uint)rng.NextInt64(KoalaBearParameters.P)))]);

    [Fact]
    public void Half_inverse_x_equals_the_inverted_point()
    {
        var rng = new Random(Seed);
        for (int logN = 1; logN <= KoalaBearParameters.TwoAdicity; logN++)
            for (int trial = 0; trial < 8; trial++)
            {
                int j = rng.Next(1 << (logN - 1));
                Assert.Equal(Fri<KoalaBearParameters, KoalaBearQuartic>.HalfInverseXReference(logN, j), Fri<KoalaBearParameters, KoalaBearQuartic>.HalfInverseX(logN, j));
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Leaf_fold_equals_its_definition(int logArity)
    {
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed + logArity);
        for (int trial = 0; trial < 20; trial++)
        {
            int logN = logArity + rng.Next(0, 8);
            int j = rng.Next(1 << (logN - logArity));
            var values = Enumerable.Range(0, 1 << logArity).Select(_ => RandomExt(rng)).ToArray();
            var beta = RandomExt(rng);
            Assert.Equal(Fri<KoalaBearParameters, KoalaBearQuartic>.FoldLeafReference(values, logN, j, logArity, beta),
                Fri<KoalaBearParameters, KoalaBearQuartic>.FoldLeaf(values, logN, j, logArity, beta));
        }
    }

    /// <summary>
    /// A random polynomial f of degree &lt; 2^7 evaluated on H_(2^9) (bit-reversed): folding it with arity 4 leaf by leaf
    /// equals two arity-2 folds (β, then β²) of the whole codeword, and both equal the evaluations of
    /// f' = Σ_t β^t·f_t (f = Σ_t x^t·f_t(x^4)) computed from the coefficients; arity 8 likewise equals three arity-2 folds.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Arity_k_folding_equals_repeated_arity_2_folding_and_the_folded_polynomial(int logArity)
    {
        var rng = new Random(Seed);
        const int LogN = 9, LogDegree = 7;
        int k = 1 << logArity;
        var coefficients = Enumerable.Range(0, 1 << LogDegree).Select(_ => RandomExt(rng)).ToArray();
        var omega = KoalaBear.TwoAdicGenerator(LogN);
        var codeword = new KoalaBearExt4[1 << LogN];
        for (int r = 0; r < codeword.Length; r++)
            codeword[r] = Polynomials.EvaluateCoefficients(coefficients, KoalaBearExt4.FromBase(omega.Pow((ulong)BitReversal.ReverseBits(r, LogN))));
        var beta = RandomExt(rng);

        var byLeaf = new KoalaBearExt4[codeword.Length / k];
        for (int j = 0; j < byLeaf.Length; j++)
            byLeaf[j] = Fri<KoalaBearParameters, KoalaBearQuartic>.FoldLeaf(codeword.AsSpan(j * k, k), LogN, j, logArity, beta);
        var repeated = codeword;
        var power = beta;
        for (int level = 0; level < logArity; level++)
        {
            repeated = Fri<KoalaBearParameters, KoalaBearQuartic>.FoldCodeword(repeated, LogN - level, power);
            power = power.Square();
        }
        Assert.Equal(repeated, byLeaf);

        // f'(y) = Σ_t β^t·f_t(y) with f_t's coefficients c_(k·i + t).
        var folded = new KoalaBearExt4[coefficients.Length / k];
        var betaPower = KoalaBearExt4.One;
        for (int t = 0; t < k; t++)
        {
            for (int i = 0; i < folded.Length; i++)
                folded[i] += betaPower * coefficients[k * i + t];
            betaPower *= beta;
        }
        var omegaFolded = KoalaBear.TwoAdicGenerator(LogN - logArity);
        for (int j = 0; j < byLeaf.Length; j++)
            Assert.Equal(Polynomials.EvaluateCoefficients(folded, KoalaBearExt4.FromBase(omegaFolded.Pow((ulong)BitReversal.ReverseBits(j, LogN - logArity)))), byLeaf[j]);
    }

    [Fact]
    public void Schedule_folds_at_most_the_arity_and_stops_at_every_roll_in_height()
    {
        Assert.Equal([1, 1, 1, 1], FoldingSchedule.LogArities(10, 6, 1));
        Assert.Equal([3, 3, 1], FoldingSchedule.LogArities(10, 3, 3));
        Assert.Equal([2, 2], FoldingSchedule.LogArities(10, 6, 2, [10, 6, 3, 12]));   // heights at the ends are no cuts
        Assert.Equal([1, 3, 1, 2], FoldingSchedule.LogArities(12, 5, 3, [11, 7, 8]));
        Assert.Empty(FoldingSchedule.LogArities(5, 5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => FoldingSchedule.LogArities(5, 6, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => FoldingSchedule.LogArities(5, 2, 0));

        // The calculator and the prover's layout build the same schedule (in trace heights and LDE heights).
        var airs = new[] { new CompiledAir<KoalaBear>(new FibonacciAir<KoalaBear>()), new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>()),
            new CompiledAir<KoalaBear>(new RangeTableAir<KoalaBear>()) };
        int[] heights = [14, 9, 4];
        foreach (int arity in new[] { 2, 4, 8 })
        {
            var config = StarkConfig.Development with { FoldingArity = arity, LogFinalPolyLength = 2 };
            var layout = new StarkLayout<KoalaBear>(airs, heights, 4, config.LogBlowup, config.LogFinalPolyLength, arity);
            var parameters = config.SecurityParameters(KoalaBearParameters.P, 4, 14, 3, 10, 10, 10, 0, 1) with
            {
                LogFinalPolyLength = layout.LogFinalPolyLength,
                Tables = [(14, 2), (9, 2), (4, 2)],
            };
            Assert.Equal(layout.FriLogArities, SecurityCalculator.Schedule(parameters));
            Assert.Equal(layout.FriRounds, SecurityCalculator.Compute(parameters).JohnsonBound.Terms.Count(t => t.Key.StartsWith("commit round", StringComparison.Ordinal)));
            Assert.Equal(14 - 2, layout.FriLogArities.Sum());
            output.WriteLine($"arity {arity}: steps {string.Join(',', layout.FriLogArities)}");
        }
    }

    [Fact]
    public void Calculator_counts_the_arity_in_each_commit_round()
    {
        var p = StarkConfig.Provable100.SecurityParameters(KoalaBearParameters.P, 8, 20, 3, 500, 500, 1000, 0, 1) with { LogFinalPolyLength = 2 };
        var binary = SecurityCalculator.Compute(p with { FoldingArity = 2 });
        var octic = SecurityCalculator.Compute(p with { FoldingArity = 8 });
        foreach (var (two, eight) in new[] { (binary.UniqueDecoding, octic.UniqueDecoding), (binary.JohnsonBound, octic.JohnsonBound) })
        {
            // Step i of arity 8 folds to the dimension of binary round 3i and combines 8 functions (7 powers): log2(7) ≈ 2.8 bits less.
            for (int i = 1; i <= 6; i++)
            {
                int b2 = two.Terms[$"commit round {3 * i}"], b8 = eight.Terms[$"commit round {i}"];
                Assert.InRange(b2 - b8, 2, 3);
            }
            Assert.Equal(6, eight.Terms.Count(t => t.Key.StartsWith("commit round", StringComparison.Ordinal))); // 18 levels: 3·6
            Assert.Equal(two.Terms["query phase"], eight.Terms["query phase"]);
        }
    }

    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 24, QueryPowBits = 2, LogFinalPolyLength = 1 };

    private static (IAir<KoalaBear>[] Airs, StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> Proof) ProveMixed(StarkConfig config)
    {
        // Three tables of different heights (2^7, 2^5, 2^3) so that steps are cut at the roll-ins, and a bus.
        var fib = FibonacciAir<KoalaBear>.GenerateTrace(128, KoalaBear.One, KoalaBear.One);
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>([.. Enumerable.Range(0, 32).Select(i => (uint)(i % 8))], 8);
        IAir<KoalaBear>[] airs = [new FibonacciAir<KoalaBear>(), new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()];
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config).Prove(airs, [fib, v, t], [[fib[0, 0], fib[0, 1], fib[127, 1]], [], []]);
        return (airs, proof);
    }

    public static TheoryData<int, int> AritiesAndCaps => new() { { 2, 0 }, { 4, 0 }, { 8, 0 }, { 2, 3 }, { 4, 2 }, { 8, 4 } };

    [Theory]
    [MemberData(nameof(AritiesAndCaps))]
    public void Honest_proofs_verify_and_are_deterministic(int arity, int capHeight)
    {
        var config = Config with { FoldingArity = arity, MerkleCapHeight = capHeight };
        var (airs, proof) = ProveMixed(config);
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config);
        Assert.True(verifier.Verify(airs, proof).IsValid, verifier.Verify(airs, proof).ToString());
        var bytes = ProofSerializer.Serialize(proof, out var sizes);
        output.WriteLine($"arity {arity}, cap {capHeight}: {bytes.Length} bytes ({sizes}); steps {proof.FriCommitments.Length}, main cap {proof.MainCommitment.Count}");
        Assert.True(verifier.Verify(airs, bytes).IsValid);
        Assert.Equal(bytes, ProofSerializer.Serialize(ProveMixed(config).Proof));
        Assert.Equal(bytes, ProofSerializer.Serialize(ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes)));
        // Another arity or cap height is another configuration.
        var other = config with { FoldingArity = arity == 8 ? 4 : 8 };
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(other).Verify(airs, bytes).IsValid);
        Assert.False(new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config with { MerkleCapHeight = capHeight + 1 }).Verify(airs, bytes).IsValid);
    }

    private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> WithMainCommitment(StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> p, MerkleCap<KoalaBearParameters, Digest<KoalaBearParameters>> cap) => p with { MainCommitment = cap };

    /// <summary>Each case changes one part of a parsed honest proof; the verifier must reject it with a reason (and not throw).</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Tampered_fri_answers_and_openings_are_rejected(int arity)
    {
        var config = Config with { FoldingArity = arity, MerkleCapHeight = 1 };
        var (airs, honest) = ProveMixed(config);
        var bytes = ProofSerializer.Serialize(honest);
        var verifier = new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(config);
        StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> Fresh() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);

        void Rejected(string what, Action<StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>>> tamper, string? reason = null)
        {
            var proof = Fresh();
            tamper(proof);
            var result = verifier.Verify(airs, proof);
            output.WriteLine($"arity {arity}, {what}: {result}");
            Assert.False(result.IsValid, $"{what} accepted");
            if (reason is not null)
                Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        }

        var first = honest.FriOpenings[0];
        Assert.NotEmpty(first.Values);
        Rejected("FRI leaf value changed", p => p.FriOpenings[0].Values[0] += KoalaBearExt4.One, "FRI step 0 opening does not verify");
        int last = Array.FindLastIndex(honest.FriOpenings, o => o.Values.Length > 0);
        Assert.True(last > 0);
        Rejected("a later FRI step's value changed", p => p.FriOpenings[last].Values[^1] += KoalaBearExt4.One, $"FRI step {last} opening does not verify");
        Rejected("FRI leaf value dropped", p => p.FriOpenings[0] = new() { Values = first.Values[1..], Siblings = first.Siblings }, "leaf values sent");
        Rejected("FRI leaf value added", p => p.FriOpenings[0] = new() { Values = [.. first.Values, first.Values[0]], Siblings = first.Siblings }, "leaf values sent");
        Rejected("FRI leaf values swapped", p =>
        {
            var v = first.Values.ToArray();
            int other = Array.FindIndex(v, x => x != v[0]);
            (v[0], v[other]) = (v[other], v[0]);
            p.FriOpenings[0] = new() { Values = v, Siblings = first.Siblings };
        }, "FRI step 0 opening does not verify");
        if (first.Siblings.Length > 0)
        {
            Rejected("FRI sibling dropped", p => p.FriOpenings[0] = new() { Values = first.Values, Siblings = first.Siblings[1..] }, "missing siblings");
            Rejected("FRI sibling added", p => p.FriOpenings[0] = new() { Values = first.Values, Siblings = [.. first.Siblings, first.Siblings[0]] }, "beyond");
        }
        Rejected("final polynomial changed", p => p.FinalPolynomial[0] += KoalaBearExt4.One);
        Rejected("FRI cap changed", p =>
        {
            var digests = p.FriCommitments[0].Digests.ToArray();
            var e = digests[0].Elements.ToArray();
            e[0] += KoalaBear.One;
            digests[0] = Prover.Core.Hash.Digest<KoalaBearParameters>.FromElements(e);
            p.FriCommitments[0] = new MerkleCap<KoalaBearParameters, Digest<KoalaBearParameters>>(digests);
        });
        Rejected("FRI cap of the wrong size", p => p.FriCommitments[0] = MerkleCap<KoalaBearParameters, Digest<KoalaBearParameters>>.FromRoot(p.FriCommitments[0][0]), "digests, 2 expected");
        var wrongCap = WithMainCommitment(Fresh(), MerkleCap<KoalaBearParameters, Digest<KoalaBearParameters>>.FromRoot(honest.MainCommitment[0]));
        Assert.Contains("the main commitment has 1 digests, 2 expected", verifier.Verify(airs, wrongCap).Error, StringComparison.Ordinal);
        var otherCap = honest.MainCommitment.Digests.ToArray();
        (otherCap[0], otherCap[1]) = (otherCap[1], otherCap[0]);
        Assert.False(verifier.Verify(airs, WithMainCommitment(Fresh(), new MerkleCap<KoalaBearParameters, Digest<KoalaBearParameters>>(otherCap))).IsValid);
        Assert.True(verifier.Verify(airs, WithMainCommitment(Fresh(), honest.MainCommitment)).IsValid); // the copy itself is fine
        var main = honest.InputOpenings[0];
        Rejected("main sibling dropped", p => p.InputOpenings[0] = new(main.Rows, main.Siblings.Skip(1).ToArray()), "missing siblings");
        Rejected("main sibling added", p => p.InputOpenings[0] = new(main.Rows, [.. main.Siblings, main.Siblings[0]]), "beyond");
        Rejected("main siblings swapped", p =>
        {
            var s = main.Siblings.ToArray();
            (s[0], s[^1]) = (s[^1], s[0]);
            p.InputOpenings[0] = new(main.Rows, s);
        }, "differs from the cap");
        Rejected("main row value changed", p => p.InputOpenings[0].Rows[1][0] += KoalaBear.One);
        Rejected("LogUp opening dropped", p => p.InputOpenings[1] = new(p.InputOpenings[1].Rows.Take(1).ToArray(), p.InputOpenings[1].Siblings), "expected rows of 2 matrices");
    }
}
