using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Witness.Tests;

/// <summary>The embedded guest on the emulator: the main job's default input and the EEST Prague fixtures.</summary>
public sealed class EthereumGuestTests
{
    [Fact]
    public void Default_input_is_a_valid_block()
    {
        var input = EthereumGuest.DefaultInput();
        var run = EthereumGuest.Execute(input);
        Assert.True(run.Result.Success, $"exit code {run.Result.ExitCode}");
        Assert.NotNull(run.Validation);
        Assert.True(run.Validation.SuccessfulValidation);
        var decoded = StatelessInput.Decode(input);
        Assert.Equal(decoded.ChainId, run.Validation.ChainId);
        Assert.Equal(decoded.SchemaId, run.Validation.SchemaId);
        Assert.Equal(decoded.NewPayloadRequest.HashTreeRoot(), run.Validation.NewPayloadRequestRoot);
        Assert.True(run.Result.Cycles > 100_000);
    }

    [SharedFact]
    public void Default_input_is_the_converted_EEST_empty_block()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/eest_prague/empty_block.json")));
        var batch = InputConverter.Convert(doc.RootElement, "empty_block");
        Assert.Single(batch.Results);
        Assert.Equal(batch.Results[0].Bytes, EthereumGuest.DefaultInput());
    }

    [SharedFact]
    public void Invalid_EEST_block_is_rejected_by_the_guest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/eest_prague/invalid_negative_excess_blob_gas.json")));
        var result = Assert.Single(InputConverter.Convert(doc.RootElement, "invalid").Results);
        Assert.False(result.ExpectedValid);
        var run = EthereumGuest.Execute(result.Bytes);
        Assert.True(run.Result.Success, "an invalid block is a successful execution with a negative verdict");
        Assert.NotNull(run.Validation);
        Assert.False(run.Validation.SuccessfulValidation);
    }

    [Fact]
    public void Malformed_input_is_a_failed_execution_not_a_verdict()
    {
        var input = EthereumGuest.DefaultInput();
        var run = EthereumGuest.Execute(input.AsSpan(0, input.Length / 2));
        Assert.False(run.Result.Success);
        Assert.Null(run.Validation);
    }
}
