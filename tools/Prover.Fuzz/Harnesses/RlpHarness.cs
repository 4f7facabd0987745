using System.Text.Json;
using Prover.Witness.Model;
using Prover.Witness.Rlp;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// RLP: the generic reader walks every item (nesting, canonical lengths), then the block, header and
/// transaction decoders run on the same bytes. Rejection: <see cref="FormatException"/> (<see cref="RlpException"/>
/// and the models' semantic errors derive from it).
/// </summary>
public sealed class RlpHarness : FuzzHarness
{
    public override string Name => "rlp";

    public override string Description => "RlpReader walk, Block.Decode, BlockHeader.Decode, Transaction.Decode; rejects with FormatException";

    protected override void Run(ReadOnlySpan<byte> data)
    {
        var reader = new RlpReader(data);
        while (reader.HasMore)
            Walk(ref reader);
        Try(data, static d => Block.Decode(d));
        Try(data, static d => BlockHeader.Decode(d));
        Try(data, static d => Transaction.Decode(d));
    }

    private static void Walk(ref RlpReader reader)
    {
        if (reader.IsList)
        {
            var inner = reader.ReadList();
            while (inner.HasMore)
                Walk(ref inner);
        }
        else
            reader.ReadBytes();
    }

    private delegate void SpanAction(ReadOnlySpan<byte> data);

    private static void Try(ReadOnlySpan<byte> data, SpanAction decode)
    {
        try
        {
            decode(data);
        }
        catch (FormatException)
        {
        }
    }

    protected override bool IsRejection(Exception e) => e is FormatException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("list", Rlp.EncodeList(Rlp.EncodeBytes([1, 2, 3]), Rlp.EncodeBytes(new byte[60]), Rlp.EncodeList()));
        foreach (var (name, bytes) in sources.Fixtures(SeedSources.SmallFixtures))
        {
            using var doc = JsonDocument.Parse(bytes);
            foreach (var test in doc.RootElement.EnumerateObject())
                if (test.Value.TryGetProperty("blocks", out var blocks))
                    foreach (var block in blocks.EnumerateArray())
                        if (block.TryGetProperty("rlp", out var rlp) && rlp.GetString() is { Length: > 2 } hex)
                            yield return ($"{name}:{test.Name}#{blocks.GetArrayLength()}", Convert.FromHexString(hex[2..]));
        }
    }
}
