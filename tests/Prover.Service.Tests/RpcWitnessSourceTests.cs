using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Prover.Witness.Conversion;
using Prover.Witness.Ssz;

namespace Prover.Service.Tests;

/// <summary>
/// The execution-node witness source against a fake node on 127.0.0.1 that answers <c>eth_getBlockByHash</c> and
/// <c>debug_executionWitness</c> from an EF benchmark fixture: the input it builds is the one the converter makes of
/// the whole fixture.
/// </summary>
public sealed class RpcWitnessSourceTests
{
    private const string Fixture = "fixtures/ethereum/prague_witness/test_worst_precompile_fixed_cost-ecrecover.json";

    [SharedFact]
    public async Task BuildsTheFixturesInputFromTheNodesAnswers()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf(Fixture)));
        var expected = EfBenchmarkFixture.Convert(doc.RootElement);
        var bw = doc.RootElement.GetProperty("block_and_witness");
        var calls = new List<string>();
        await using var node = await FakeNodeAsync(bw.GetProperty("block"), bw.GetProperty("witness"), calls);
        using var source = new RpcWitnessSource(new Uri(ProofServiceHost.BoundAddresses(node)[0]), bw.GetProperty("chain_config"));

        var request = expected.Input.NewPayloadRequest;
        var input = await source.GetGuestInputAsync(request, CancellationToken.None);
        Assert.Equal(expected.Bytes, input);
        Assert.Equal(request.HashTreeRoot(), StatelessInput.Decode(input).NewPayloadRequest.HashTreeRoot());
        Assert.Equal(["eth_getBlockByHash", "debug_executionWitness"], calls);

        // A request for another block (the node answers with this one) is refused.
        var other = request with { ExecutionPayload = request.ExecutionPayload with { BlockHash = new byte[32] } };
        await Assert.ThrowsAsync<InvalidOperationException>(() => source.GetGuestInputAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task ANodeErrorIsAnException()
    {
        await using var node = await FakeNodeAsync(default, default, [], error: true);
        using var source = new RpcWitnessSource(new Uri(ProofServiceHost.BoundAddresses(node)[0]));
        var request = StatelessInput.Decode(Prover.Witness.Guest.EthereumGuest.DefaultInput()).NewPayloadRequest;
        var e = await Assert.ThrowsAsync<Prover.Witness.Rpc.JsonRpcException>(() => source.GetGuestInputAsync(request, CancellationToken.None));
        Assert.Equal("eth_getBlockByHash", e.Method);
    }

    private static async Task<WebApplication> FakeNodeAsync(JsonElement block, JsonElement witness, List<string> calls, bool error = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var blockJson = error ? "null" : block.GetRawText();
        var witnessJson = error ? "null" : witness.GetRawText();
        app.MapPost("/", async (HttpContext context) =>
        {
            using var call = await JsonDocument.ParseAsync(context.Request.Body);
            string method = call.RootElement.GetProperty("method").GetString()!;
            calls.Add(method);
            string id = call.RootElement.GetProperty("id").GetRawText();
            string body = error
                ? $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":-32000,\"message\":\"no such block\"}}}}"
                : $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{(method == "eth_getBlockByHash" ? blockJson : witnessJson)}}}";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        return app;
    }
}
