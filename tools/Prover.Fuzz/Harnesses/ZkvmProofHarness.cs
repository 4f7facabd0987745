using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// The execution-proof parser: <see cref="ZkvmProof{TDef}.Parse(ReadOnlySpan{byte})"/> (an accepted proof must
/// serialise back to its bytes), then the verifier of the hello guest on the same bytes, which must return a
/// verdict and never throw. Rejection: <see cref="ProofFormatException"/>.
/// </summary>
public sealed class ZkvmProofHarness : FuzzHarness
{
    private static readonly Lazy<ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>> Verifier = new(() => new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ProofSeeds.ZkvmConfig, ProofSeeds.Hello));

    public override string Name => "zkvm-proof";

    public override string Description => "ZkvmProof.Parse + round trip, ZkvmVerifier.Verify (must not throw); rejects with ProofFormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        _ = Verifier.Value.Verify(data);
        var proof = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(data);
        if (!proof.ToBytes().AsSpan().SequenceEqual(data))
            throw new FindingException("an accepted zkVM proof does not serialise back to its bytes");
    }

    protected override bool IsRejection(Exception e) => e is ProofFormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("hello", ProofSeeds.HelloExecutionProof);
    }
}
