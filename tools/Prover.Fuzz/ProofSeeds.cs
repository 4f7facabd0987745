using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Fuzz;

/// <summary>
/// Proofs made on the spot for the proof-parser seeds (cached per process): a demo proof file (envelope around a
/// STARK proof, development configuration, as <c>prover demo</c> writes it), and an execution proof of the
/// committed <c>hello</c> guest under <see cref="ZkvmConfig"/> (few queries, so that the seed stays small).
/// </summary>
public static class ProofSeeds
{
    /// <summary>The configuration of the zkVM-proof harness: the development parameters with 2 queries and no grinding.</summary>
    public static readonly StarkConfig ZkvmConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0 };

    private static readonly Lazy<(string Demo, byte[] File)[]> DemoFiles = new(() =>
        [.. new[] { ("fibonacci", 3), ("lookup", 4) }.Select(d => (d.Item1, DemoProofs.Prove(d.Item1, d.Item2, StarkConfig.Development.Name).File))]);

    private static readonly Lazy<ZkvmProgram> HelloProgram = new(() => ZkvmProgram.FromElf(SeedSources.Locate().TestElf("hello")));

    private static readonly Lazy<byte[]> HelloProof = new(() =>
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmConfig, ShardSize = 1 << 10 }).Prove(HelloProgram.Value, []).ToBytes());

    /// <summary>Demo proof files (envelopes), by demo name.</summary>
    public static IReadOnlyList<(string Demo, byte[] File)> Demos => DemoFiles.Value;

    /// <summary>The program the zkVM harnesses verify against.</summary>
    public static ZkvmProgram Hello => HelloProgram.Value;

    /// <summary>A valid execution proof (raw <see cref="ZkvmProof{TDef}"/> bytes, several shards) of hello under <see cref="ZkvmConfig"/>.</summary>
    public static byte[] HelloExecutionProof => HelloProof.Value;
}
