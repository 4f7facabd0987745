using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The verifier's fast paths (compiled AIRs kept across verifications, batched Poseidon2 in the Merkle multi-openings,
/// DEEP over all queries with one batch inversion) against the reference paths (every AIR compiled afresh, one hash at
/// a time, DEEP per query): the same verdict and the same reason on an honest proof and on every tampered copy, a byte
/// changed at positions spread over the whole serialised proof (header, commitments, out-of-domain values, opened rows,
/// siblings, FRI answers, final polynomial, proof-of-work witness).
/// </summary>
public sealed class VerifierFastPathTests(ITestOutputHelper output)
{
    private static void Agree<TDef>(string demo, StarkConfig config, ITestOutputHelper output) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var (airs, traces, publics) = DemoCatalog.Build(demo, 6);
        var proof = new StarkProver<KoalaBearParameters, TDef, KoalaBearDigest>(config).Prove(airs, traces, publics);
        var bytes = ProofSerializer.Serialize(proof);
        var cache = new CompiledAirCache<KoalaBear>();
        // One fast verifier for every copy: its compiled AIRs are made by the first verification and reused after.
        var fast = new StarkVerifier<KoalaBearParameters, TDef, KoalaBearDigest>(config, compiledAirs: cache);
        var reference = new StarkVerifier<KoalaBearParameters, TDef, KoalaBearDigest>(config);
        VerificationResult Reference(byte[] b)
        {
            using var scope = KernelSelection.UseReference(ReferenceFamily.Verifier);
            return reference.Verify(airs, b);
        }

        Assert.True(fast.Verify(airs, bytes).IsValid);
        Assert.Equal(VerificationResult.Valid, Reference(bytes));
        Assert.Equal(VerificationResult.Valid, fast.Verify(airs, bytes)); // with the cached compilations
        int step = Math.Max(1, bytes.Length / 400);
        var reasons = new Dictionary<string, int>();
        for (int position = 0; position < bytes.Length; position += step)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)(1 << (position % 8));
            var expected = Reference(tampered);
            var actual = fast.Verify(airs, tampered);
            Assert.Equal(expected, actual);
            Assert.False(actual.IsValid, $"byte {position} changed: accepted");
            string kind = actual.Error!.Split(':')[0];
            reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
        }
        foreach (var (kind, count) in reasons.OrderByDescending(p => p.Value))
            output.WriteLine($"{count,4}  {kind}");
        // The tampering reached the Merkle checks of the input trees and of FRI, and the out-of-domain check.
        Assert.Contains(reasons.Keys, k => k.StartsWith("opening of commitment", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, k => k.StartsWith("FRI step", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, k => k.StartsWith("constraints do not match the quotient", StringComparison.Ordinal));
    }

    [Fact]
    public void Quartic_development_proof() =>
        Agree<KoalaBearQuartic>("lookup", StarkConfig.Development with { NumQueries = 20, QueryPowBits = 0, LogFinalPolyLength = 2 }, output);

    [Fact]
    public void Octic_provable_100_shape() =>
        Agree<KoalaBearOctic>("lookup", StarkConfig.Provable100 with { NumQueries = 21, QueryPowBits = 0, LogFinalPolyLength = 2, AllowInsecure = true }, output);

    [Fact]
    public void Horner_fold_equals_the_tabulated_powers()
    {
        // The constraint folding at ζ (StarkVerifier.Fold: Horner from the last value) against the reference (α^k tabulated):
        // the same element for every split of one sequence into the AIR's constraints and the LogUp ones, empty parts included.
        var rng = new Random(14);
        KoalaBearExt8 Random8() => KoalaBearExt8.FromCoefficients([.. Enumerable.Range(0, 8).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next()))]);
        foreach (var (n, m) in new[] { (0, 0), (1, 0), (0, 3), (5, 7), (200, 13) })
        {
            var first = Enumerable.Range(0, n).Select(_ => Random8()).ToArray();
            var second = Enumerable.Range(0, m).Select(_ => Random8()).ToArray();
            var alpha = Random8();
            Assert.Equal(StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>.FoldReference(first, second, alpha),
                StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>.Fold(first, second, alpha));
        }
        // And it is the polynomial in α: a changed value changes the fold.
        var values = Enumerable.Range(0, 9).Select(_ => Random8()).ToArray();
        var a = Random8();
        var folded = StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>.Fold(values, [], a);
        values[4] += KoalaBearExt8.One;
        Assert.NotEqual(folded, StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>.Fold(values, [], a));
    }

    [Fact]
    public void Final_polynomial_at_a_base_point_equals_the_lifted_evaluation()
    {
        var rng = new Random(26);
        KoalaBearExt8 Random8() => KoalaBearExt8.FromCoefficients([.. Enumerable.Range(0, 8).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next()))]);
        foreach (int n in new[] { 0, 1, 4, 256 })
        {
            var coefficients = Enumerable.Range(0, n).Select(_ => Random8()).ToArray();
            foreach (var x in new[] { KoalaBear.Zero, KoalaBear.One, KoalaBear.FromUInt64((ulong)rng.Next()) })
                Assert.Equal(Polynomials.EvaluateCoefficients(coefficients, KoalaBearExt8.FromBase(x)),
                    Polynomials.EvaluateAtBasePoint<KoalaBear, KoalaBearOctic>(coefficients, x));
        }
    }

    [Fact]
    public void Fibonacci_single_table() =>
        Agree<KoalaBearQuartic>("fibonacci", StarkConfig.Development with { NumQueries = 17, QueryPowBits = 0, LogFinalPolyLength = 2 }, output);
}
