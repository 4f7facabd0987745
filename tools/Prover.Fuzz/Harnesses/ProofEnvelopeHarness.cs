using Prover.Core.Air.Demo;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// A proof file as <c>prover verify</c> reads it: <see cref="ProofEnvelope.Parse"/> (an accepted envelope must
/// re-encode to its bytes), then the verification dispatch of the CLI, which never throws on bad bytes: an
/// execution proof goes to <see cref="ZkvmProofs.Verify"/>, anything else to <see cref="DemoProofs.Verify"/>, both
/// with <see cref="VerificationPolicy.Insecure"/> so that development-preset seeds reach the whole verifier.
/// Rejection: <see cref="ProofFormatException"/> from the envelope.
/// </summary>
public sealed class ProofEnvelopeHarness : FuzzHarness
{
    public override string Name => "proof-file";

    public override string Description => "ProofEnvelope.Parse + round trip, then ZkvmProofs.Verify / DemoProofs.Verify (must not throw); rejects with ProofFormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        var envelope = ProofEnvelope.Parse(data);
        if (!envelope.ToBytes().AsSpan().SequenceEqual(data))
            throw new FindingException("an accepted proof envelope does not re-encode to its bytes");
        if (ZkvmProofs.IsExecutionProof(data))
            _ = ZkvmProofs.ProgramDigest(data) is not null ? ZkvmProofs.Verify(ProofSeeds.Hello, data, policy: VerificationPolicy.Insecure) : null;
        else
            _ = DemoProofs.Verify(data, VerificationPolicy.Insecure);
    }

    protected override bool IsRejection(Exception e) => e is ProofFormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        foreach (var (demo, file) in ProofSeeds.Demos)
            yield return ($"demo-{demo}", file);
        yield return ("zkvm-envelope", new ProofEnvelope(ZkvmProofs.Statement, StarkConfig.Development.Name, ProofSeeds.HelloExecutionProof).ToBytes());
    }
}
