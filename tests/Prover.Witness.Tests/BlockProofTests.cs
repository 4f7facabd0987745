using System.Text.Json;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Conversion;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;
using Xunit.Abstractions;

namespace Prover.Witness.Tests;

/// <summary>A fact that runs only with <c>PROVER_PROVE_BLOCKS=1</c> (each proof takes minutes and ~15 GB on 2 cores); skipped with that reason otherwise.</summary>
public sealed class BlockProofFactAttribute : FactAttribute
{
    public BlockProofFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PROVER_PROVE_BLOCKS") != "1")
            Skip = "proving whole Ethereum blocks takes minutes and ~15 GB: set PROVER_PROVE_BLOCKS=1 to run (figures in docs/benchmarks.md)";
        else if (!SharedData.Exists)
            Skip = SharedData.MissingMessage;
    }
}

/// <summary>
/// Ethereum blocks from ../shared converted at test time, executed by the embedded guest and proved end to end
/// (development configuration, 2^20-cycle shards); the verified proof must carry the fixture's verdict.
/// </summary>
public sealed class BlockProofTests(ITestOutputHelper output)
{
    [BlockProofFact]
    public void Fixture_block_proves_and_verifies_with_its_verdict()
    {
        string path = SharedData.PathOf("fixtures/ethereum/blockchain_tests/ValidBlocks/bcValidBlockTest/SimpleTx.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var batch = InputConverter.Convert(doc.RootElement, "SimpleTx");
        var block = batch.Results.First(r => r.ExpectedValid == true);
        var program = new ZkvmProgram(EthereumGuest.Program);
        var (file, report) = ZkvmProofs.Prove(program, block.Bytes, StarkConfig.Development.Name, 1 << 20);
        var check = ZkvmProofs.Verify(program, file, block.Bytes, VerificationPolicy.Of(StarkConfig.Development));
        Assert.True(check.Result.ProvesSuccess, check.Result.Error);
        var result = StatelessValidationResult.Decode(check.Result.Output!);
        Assert.True(result.SuccessfulValidation);
        output.WriteLine($"{block.Name} block {block.BlockNumber}: {report.Cycles:N0} cycles, {report.Shards} shards, proof {file.Length:N0} bytes, verified in {check.VerificationMilliseconds:F0} ms");
    }
}
