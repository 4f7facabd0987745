using System.Net.Http.Headers;
using System.Text.Json;
using Prover.Node.Eip8025;
using Prover.Node.Tests;
using Prover.Service;

namespace Prover.Cluster.Tests;

/// <summary><c>prover serve --cluster</c>: the proof service with the cluster as its engine, over real HTTP on 127.0.0.1.</summary>
public sealed class ServiceOnClusterTests
{
    [Fact]
    public async Task TheServiceProvesOnTheClusterAndItsProofVerifies()
    {
        await using var cluster = await ClusterHosting.StartInProcessAsync();
        var options = new ProofServiceOptions { Prover = TestGuests.Options, Engine = cluster.Prover };
        var app = ProofServiceHost.Build(options, "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(ProofServiceHost.BoundAddresses(app)[0]), Timeout = TimeSpan.FromMinutes(3) };
            byte[] root = [.. Enumerable.Range(0, 32).Select(i => (byte)(0x60 + i))];
            string rootHex = "0x" + Convert.ToHexStringLower(root);
            string type = options.Prover.ProofType.Name;
            using var events = await http.GetStreamAsync("/v1/execution_proof_requests?new_payload_request_root=" + rootHex);
            using var reader = new StreamReader(events);
            using (var content = new ByteArrayContent(TestGuests.ResultFor(root)))
            {
                content.Headers.ContentType = new MediaTypeHeaderValue(ProofApi.GuestInputContentType);
                (await http.PostAsync($"/v1/execution_proof_requests?proof_types={type}", content)).EnsureSuccessStatusCode();
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            string? name = null;
            while (await reader.ReadLineAsync(wait.Token) is { } line)
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                    break;
                }
            Assert.Equal("proof_complete", name);
            var stored = await http.GetByteArrayAsync($"/v1/execution_proofs/{rootHex}/{type}");
            Assert.Equal(root, ExecutionProof.Decode(stored, options.Prover.ProofType.MaxProofSize).PublicInput.NewPayloadRequestRoot);
            using var body = new ByteArrayContent(stored);
            using var verdict = await http.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root={rootHex}&proof_type={type}", body);
            Assert.Equal("VALID", JsonDocument.Parse(await verdict.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
            Assert.Single(cluster.Prover.Workers);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
