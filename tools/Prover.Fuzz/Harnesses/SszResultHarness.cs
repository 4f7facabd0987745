using Prover.Witness.Ssz;

namespace Prover.Fuzz.Harnesses;

/// <summary>The guest's public output: <see cref="StatelessValidationResult.Decode"/> and its round trip. Rejection: <see cref="FormatException"/>.</summary>
public sealed class SszResultHarness : FuzzHarness
{
    public override string Name => "ssz-result";

    public override string Description => "StatelessValidationResult.Decode and Encode round trip; rejects with FormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        var result = StatelessValidationResult.Decode(data);
        if (!result.Encode().AsSpan().SequenceEqual(data))
            throw new FindingException("an accepted StatelessValidationResult does not re-encode to its bytes");
    }

    protected override bool IsRejection(Exception e) => e is FormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        var root = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        yield return ("valid-mainnet", new StatelessValidationResult(root, true, 1, 0).Encode());
        yield return ("invalid-chain", new StatelessValidationResult(new byte[32], false, 0x1234_5678_9abc, 1).Encode());
    }
}
