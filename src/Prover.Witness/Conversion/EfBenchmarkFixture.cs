using System.Text.Json;
using Prover.Witness.Formats;

namespace Prover.Witness.Conversion;

/// <summary>
/// The EF benchmark fixture shape: <c>{"name", "block_and_witness": {"block": {"header", "body"},
/// "witness": {...}, "chain_config": {...}}, "success": bool}</c> (shared/fixtures/ethereum/prague_witness).
/// </summary>
public static class EfBenchmarkFixture
{
    public static bool Matches(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.Find("block_and_witness") is not null;

    public static ConversionResult Convert(JsonElement root)
    {
        var bw = root.Require("fixture", "block_and_witness");
        string name = root.Find("name") is { } n ? n.Text("name") : "block";
        var block = BlockJson.Parse(bw.Require("block_and_witness", "block"), "block_and_witness.block");
        var witness = ExecutionWitnessData.Parse(bw.Require("block_and_witness", "witness"), "block_and_witness.witness");
        var config = bw.Find("chain_config") ?? root.Find("chain_config");
        var schedule = config is { } c ? ForkSchedule.FromChainConfig(c) : ForkSchedule.Mainnet;
        bool success = root.Find("success") is not { } s || s.ValueKind != JsonValueKind.False;
        return StatelessInputBuilder.Build(name, block, witness, schedule, success, success ? null : "fixture success = false");
    }
}
