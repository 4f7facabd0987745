using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// The canonical guest input: <see cref="StatelessInput.Decode"/>; an accepted input must re-encode to the
/// same bytes (the decoder's canonical checks leave one encoding per value). Rejection: <see cref="FormatException"/>
/// (<see cref="SszException"/>, and RLP errors of the headers inside).
/// </summary>
public sealed class SszInputHarness : FuzzHarness
{
    public override string Name => "ssz-input";

    public override string Description => "StatelessInput.Decode and Encode round trip; rejects with FormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        var input = StatelessInput.Decode(data);
        if (!input.Encode().AsSpan().SequenceEqual(data))
            throw new FindingException("an accepted StatelessInput does not re-encode to its bytes");
    }

    protected override bool IsRejection(Exception e) => e is FormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("default-input", EthereumGuest.DefaultInput());
        foreach (var seed in sources.ConvertedInputs())
            yield return seed;
    }
}
