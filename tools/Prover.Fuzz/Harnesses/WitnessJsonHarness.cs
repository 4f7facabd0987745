using Prover.Witness.Conversion;
using Prover.Witness.Formats;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// Witness and fixture JSON (BlockchainTests, EEST, EF benchmark fixtures, debug_executionWitness): parsed by
/// <see cref="JsonInput.Parse"/> and converted to StatelessInputs, as <c>prover convert</c> and <c>prover
/// execute fixture.json</c> do. Rejection: <see cref="FormatException"/> (not UTF-8 or JSON, bad fields: hex,
/// RLP, SSZ, witness checks) and <see cref="NotSupportedException"/> (a fork the converter does not handle), the
/// two the CLI reports as errors.
/// </summary>
public sealed class WitnessJsonHarness : FuzzHarness
{
    public override string Name => "witness-json";

    public override string Description => "JsonInput.Parse + InputConverter.Convert; rejects with FormatException, NotSupportedException (an unsupported fork)";

    public override int MaxInputBytes => 1 << 18;

    protected override void Run(ReadOnlySpan<byte> data)
    {
        using var doc = JsonInput.Parse(data.ToArray());
        InputConverter.Convert(doc.RootElement, "fuzz");
    }

    protected override bool IsRejection(Exception e) => e is FormatException or NotSupportedException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("empty-object", "{}"u8.ToArray());
        foreach (var seed in sources.Fixtures(SeedSources.SmallFixtures))
            yield return seed;
    }
}
