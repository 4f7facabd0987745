using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// Recursion verifiers that share one compiled-AIR cache (<see cref="RecursionVerifier{TParams, TDef, TDigest}"/>'s
/// compiledAirs: what <c>ZkvmAggregateVerifier</c> keeps across proofs) against verifiers that compile every AIR afresh:
/// the same verdict and reason on honest proofs and on one-byte tamperings, with the cache warmed by another program and
/// another configuration (another LogUp batching of the same AIR objects) in between — a compilation reused for another
/// AIR or batching would show as a wrong verdict here.
/// </summary>
public sealed class RecursionVerifierCacheTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Inner = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 };

    // Two outer configurations whose LogUp batching of the recursion chips differs (none; a raised quotient at blowup 4).
    private static readonly StarkConfig Plain = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 4 };

    private static readonly StarkConfig Raised = StarkConfig.Development with { Name = "development-raised", LogBlowup = 2, LogUpMaxLogQuotientChunks = 2, NumQueries = 20, QueryPowBits = 4 };

    private sealed record Run(RecursionMachine<KoalaBearParameters, KoalaBearQuartic> Machine, VerifyingKey<KoalaBearParameters, KoalaBearDigest> Key,
        IReadOnlyList<uint> Outputs, byte[] Proof, StarkConfig Config);

    /// <summary>The recursion proof, under <paramref name="config"/>, of the verification of a Fibonacci proof of 2^<paramref name="log"/> rows.</summary>
    private static Run Prove(int log, StarkConfig config, RecursionMachine<KoalaBearParameters, KoalaBearQuartic>? machine = null)
    {
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", log);
        var inner = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Prove(airs, traces, publics);
        var program = machine?.Program ?? RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(Inner, airs, inner.LogHeights);
        machine ??= new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(program);
        var key = machine.Setup<KoalaBearDigest>(config);
        var proof = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(config).Prove(program,
            new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner, airs, inner));
        return new Run(machine, key.VerifyingKey, proof.Outputs, ProofSerializer.Serialize(proof.Stark), config);
    }

    private static VerificationResult Verify(RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> verifier, Run program, byte[] proof,
        IReadOnlyList<uint>? outputs = null)
    {
        StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest> parsed;
        try
        {
            parsed = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(proof);
        }
        catch (ProofFormatException e)
        {
            return VerificationResult.Reject(e.Message);
        }
        return verifier.Verify(program.Machine, program.Key, outputs ?? program.Outputs, parsed);
    }

    [Fact]
    public void SharedCompiledAirsGiveTheFreshVerdictsAcrossProgramsAndConfigurations()
    {
        var small = Prove(4, Plain);
        var smallRaised = Prove(4, Raised, small.Machine); // the same AIR objects, another batching
        var bigger = Prove(5, Plain);                       // another program (another shape), its own AIR objects
        var cache = new CompiledAirCache<KoalaBear>();
        var shared = new Dictionary<StarkConfig, RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>>
        {
            [Plain] = new(Plain, cache),
            [Raised] = new(Raised, cache),
        };
        // Fresh: a new verifier (its own empty cache) for every verification.
        VerificationResult Fresh(Run program, byte[] proof, StarkConfig config, IReadOnlyList<uint>? outputs = null) =>
            Verify(new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(config), program, proof, outputs);
        void Agree(Run program, byte[] proof, StarkConfig config, bool valid, IReadOnlyList<uint>? outputs = null)
        {
            var expected = Fresh(program, proof, config, outputs);
            var actual = Verify(shared[config], program, proof, outputs);
            Assert.Equal(expected, actual);
            Assert.Equal(valid, actual.IsValid);
        }

        // Honest proofs, in an order that warms the cache with each program and batching before the others.
        foreach (var run in new[] { small, smallRaised, bigger, small, smallRaised, bigger })
            Agree(run, run.Proof, run.Config, valid: true);
        // Across programs and configurations: a proof is not accepted under another program's key or another configuration.
        Agree(bigger, small.Proof, Plain, valid: false, small.Outputs);
        Agree(small, bigger.Proof, Plain, valid: false, bigger.Outputs);
        Agree(small, small.Proof, Raised, valid: false);
        Agree(small, smallRaised.Proof, Plain, valid: false);
        // One-byte tamperings spread over each proof, with the cache warm for every program and batching.
        var reasons = new Dictionary<string, int>();
        foreach (var run in new[] { small, smallRaised, bigger })
        {
            int step = Math.Max(1, run.Proof.Length / 60);
            for (int position = 0; position < run.Proof.Length; position += step)
            {
                var tampered = (byte[])run.Proof.Clone();
                tampered[position] ^= (byte)(1 << (position % 8));
                var expected = Fresh(run, tampered, run.Config);
                var actual = Verify(shared[run.Config], run, tampered);
                Assert.Equal(expected, actual);
                Assert.False(actual.IsValid, $"byte {position} changed: accepted");
                string kind = actual.Error!.Split(':')[0];
                reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
            }
        }
        foreach (var (kind, count) in reasons.OrderByDescending(p => p.Value))
            output.WriteLine($"{count,4}  {kind}");
        // The tamperings reached the constraint check at ζ (which uses the compiled AIRs) and the openings.
        Assert.Contains(reasons.Keys, k => k.StartsWith("constraints do not match the quotient", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, k => k.StartsWith("opening of commitment", StringComparison.Ordinal) || k.StartsWith("FRI step", StringComparison.Ordinal));
    }
}
