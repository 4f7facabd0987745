using System.Text.Json;
using Prover.Witness.Formats;

namespace Prover.Witness.Conversion;

/// <summary>What a conversion produced: inputs, and blocks that could not be converted with the reason.</summary>
public sealed record ConversionBatch(List<ConversionResult> Results, List<BlockConversionFailure> Failures);

/// <summary>
/// One entry point for every supported source: an EF benchmark fixture, a BlockchainTests/EEST file,
/// an <c>eth_getProof</c> RPC cache (<see cref="ProofWitnessConverter"/>), or a bare <c>debug_executionWitness</c> with its block (and optionally a chain config; mainnet's
/// schedule otherwise).
/// </summary>
public static class InputConverter
{
    /// <param name="source">the parsed input file</param>
    /// <param name="name">name for a bare witness (fixtures carry their own)</param>
    /// <param name="block">the block, required for a bare witness</param>
    /// <param name="chainConfig">a geth genesis (its <c>config</c>) or a chain config object</param>
    public static ConversionBatch Convert(JsonElement source, string name = "block", JsonElement? block = null, JsonElement? chainConfig = null)
    {
        var batch = new ConversionBatch([], []);
        if (EfBenchmarkFixture.Matches(source))
        {
            batch.Results.Add(EfBenchmarkFixture.Convert(source));
        }
        else if (ProofWitnessConverter.Matches(source))
        {
            var schedule = chainConfig is { } c ? ScheduleOf(c) : null;
            batch.Results.Add(ProofWitnessConverter.Convert(source, name, schedule));
        }
        else if (BlockchainTestConverter.Matches(source))
        {
            foreach (var outcome in BlockchainTestConverter.Convert(source))
            {
                if (outcome.Result is { } r) batch.Results.Add(r);
                else batch.Failures.Add(outcome.Failure!);
            }
        }
        else
        {
            if (block is not { } b)
                throw new FormatException("neither a BlockchainTests/EEST fixture nor an EF benchmark fixture; a bare witness needs its block");
            var schedule = chainConfig is { } c ? ScheduleOf(c) : ForkSchedule.Mainnet;
            batch.Results.Add(StatelessInputBuilder.Build(name, BlockJson.Parse(b), ExecutionWitnessData.Parse(source), schedule));
        }
        return batch;
    }

    private static ForkSchedule ScheduleOf(JsonElement c) =>
        ForkSchedule.FromChainConfig(c.ValueKind == JsonValueKind.Object && c.TryGetProperty("config", out var inner) ? inner : c);
}
