using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Ssz;

namespace Prover.Witness.Conversion;

/// <summary>One converted block: the canonical input, its wire bytes, and what is known about it.</summary>
public sealed record ConversionResult(
    string Name,
    ulong BlockNumber,
    byte[] BlockHash,
    Fork Fork,
    bool ExpectedValid,
    string? ExpectedException,
    StatelessInput Input,
    byte[] Bytes,
    bool HeaderHashMatches,
    WitnessReport Witness,
    IReadOnlyList<string> Notes);

/// <summary>Builds the canonical <see cref="StatelessInput"/> from a block and its witness.</summary>
public static class StatelessInputBuilder
{
    /// <summary>
    /// Converts one block. The witness is checked against the block (<see cref="WitnessChecks"/>);
    /// sender keys are recovered from the signatures and, where <paramref name="expectedSenders"/>
    /// gives an address, compared with it (a mismatch is an error for a block expected to be valid).
    /// </summary>
    public static ConversionResult Build(string name, Block block, ExecutionWitnessData witness, ForkSchedule schedule,
        bool expectedValid = true, string? expectedException = null, IReadOnlyList<byte[]?>? expectedSenders = null)
    {
        var fork = schedule.ForkAt(block.Header.Timestamp);
        var mapped = PayloadMapper.FromBlock(block, fork);
        var notes = mapped.Notes;
        var (state, report) = WitnessChecks.Check(witness, block.Header.ParentHash);

        if (expectedSenders is not null)
        {
            for (int i = 0; i < Math.Min(expectedSenders.Count, mapped.PublicKeys.Length); i++)
            {
                if (expectedSenders[i] is not { } sender || mapped.PublicKeys[i].All(b => b == 0))
                    continue;
                var recovered = Transaction.AddressOf(mapped.PublicKeys[i]);
                if (!recovered.AsSpan().SequenceEqual(sender))
                {
                    string message = $"transaction {i}: recovered sender {Hex.ToHex(recovered)} differs from the fixture's {Hex.ToHex(sender)}";
                    if (expectedValid)
                        throw new FormatException(message);
                    notes.Add(message);
                }
            }
        }

        var codes = new List<byte[]>();
        var seenCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in witness.Codes)
            if (seenCodes.Add(Convert.ToHexString(code)))
                codes.Add(code);
        var headers = witness.Headers.Count > SszLimits.MaxWitnessHeaders
            ? witness.Headers.GetRange(witness.Headers.Count - SszLimits.MaxWitnessHeaders, SszLimits.MaxWitnessHeaders)
            : witness.Headers;
        if (headers.Count < witness.Headers.Count)
            notes.Add($"kept the last {headers.Count} of {witness.Headers.Count} ancestor headers (BLOCKHASH reaches 256 back)");

        var input = new StatelessInput(mapped.Request, new ExecutionWitness([.. state], [.. codes], [.. headers]), schedule.ChainId, mapped.PublicKeys);
        var bytes = input.Encode();
        bool matches = HeaderReconstruction.Matches(mapped.Request);
        if (!matches && expectedValid)
            notes.Add("the header rebuilt from the payload does not hash to the block hash");
        return new ConversionResult(name, block.Header.Number, mapped.Request.ExecutionPayload.BlockHash, fork, expectedValid,
            expectedException, input, bytes, matches, report, notes);
    }
}
