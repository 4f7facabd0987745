using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Hash;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// The STARK proof parser: <see cref="ProofSerializer.Deserialize{TParams, TDef}(ReadOnlySpan{byte})"/> (an accepted
/// proof must serialise back to its bytes), then the Fibonacci verifier on the same bytes, which must return a
/// verdict and never throw. Rejection: <see cref="ProofFormatException"/>.
/// </summary>
public sealed class StarkProofHarness : FuzzHarness
{
    private static readonly Lazy<(StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Verifier, Prover.Core.Air.IAir<MontyField31<KoalaBearParameters>>[] Airs)> Fibonacci =
        new(() => (new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(StarkConfig.Development), DemoCatalog.Airs("fibonacci")!));

    public override string Name => "stark-proof";

    public override string Description => "ProofSerializer.Deserialize + round trip, StarkVerifier.Verify (must not throw); rejects with ProofFormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        var (verifier, airs) = Fibonacci.Value;
        _ = verifier.Verify(airs, data);
        var proof = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(data);
        if (!ProofSerializer.Serialize(proof).AsSpan().SequenceEqual(data))
            throw new FindingException("an accepted STARK proof does not serialise back to its bytes");
    }

    protected override bool IsRejection(Exception e) => e is ProofFormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        foreach (var (demo, file) in ProofSeeds.Demos)
            yield return ($"demo-{demo}", ProofEnvelope.Parse(file).Proof);
    }
}
