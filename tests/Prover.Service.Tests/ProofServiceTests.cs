using System.Net;
using System.Text.Json;
using Prover.Node.Eip8025;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Service.Tests;

/// <summary>The proof service over real HTTP on 127.0.0.1: zkboost v1 endpoints, deadlines, durable store, health and metrics.</summary>
public sealed class ProofServiceTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("prover-service-test-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static byte[] RootOf(byte seed) => [.. Enumerable.Range(0, 32).Select(i => (byte)(seed + i))];

    [Fact]
    public async Task ProvesServesVerifiesAndKeepsProofsAcrossARestart()
    {
        var root = RootOf(0x10);
        string rootHex = "0x" + Convert.ToHexStringLower(root);
        byte[] stored;
        await using (var service = await ServiceHarness.StartAsync(_dataDir))
        {
            using var events = await service.SubscribeAsync(rootHex);
            Assert.Equal(rootHex, await service.RequestAsync(root));
            var (name, data) = await events.NextAsync(TimeSpan.FromMinutes(2));
            Assert.Equal("proof_complete", name);
            Assert.Equal(rootHex, data.GetProperty("new_payload_request_root").GetString());
            Assert.Equal(ServiceHarness.ProofType, data.GetProperty("proof_type").GetString());

            stored = await service.Client.GetByteArrayAsync($"/v1/execution_proofs/{rootHex}/{ServiceHarness.ProofType}");
            var proof = ExecutionProof.Decode(stored, ProofTypeDescriptor.Default.MaxProofSize);
            Assert.Equal(root, proof.PublicInput.NewPayloadRequestRoot);
            Assert.Equal(ProofTypeDescriptor.Default.Id, proof.ProofType);

            Assert.Equal("VALID", await VerifyAsync(service, rootHex, stored));
            var tampered = (byte[])stored.Clone();
            tampered[^1000] ^= 0x04;
            Assert.Equal("INVALID", await VerifyAsync(service, rootHex, tampered));
            Assert.Equal("INVALID", await VerifyAsync(service, "0x" + Convert.ToHexStringLower(RootOf(0x11)), stored));

            // A subscriber arriving after the proof finished gets it as catch-up.
            using var late = await service.SubscribeAsync(rootHex);
            Assert.Equal("proof_complete", (await late.NextAsync(TimeSpan.FromSeconds(30))).Name);

            var health = JsonDocument.Parse(await service.Client.GetStringAsync("/health")).RootElement;
            Assert.Equal("ok", health.GetProperty("status").GetString());
            var types = JsonDocument.Parse(await service.Client.GetStringAsync("/v1/proof_types")).RootElement.GetProperty("proof_types");
            Assert.Equal(ServiceHarness.ProofType, types[0].GetProperty("proof_type").GetString());
            var metrics = await service.Client.GetStringAsync("/metrics");
            Assert.Contains("prover_proofs_completed", metrics, StringComparison.Ordinal);
            Assert.Contains("prover_verifications", metrics, StringComparison.Ordinal);
        }

        // A new service on the same data directory serves the proof from disk.
        await using (var restarted = await ServiceHarness.StartAsync(_dataDir))
        {
            var again = await restarted.Client.GetByteArrayAsync($"/v1/execution_proofs/{rootHex}/{ServiceHarness.ProofType}");
            Assert.Equal(stored, again);
            Assert.Equal("VALID", await VerifyAsync(restarted, rootHex, again));
        }
    }

    [Fact]
    public async Task ALateRequestIsReportedAndDoesNotHoldTheQueueUp()
    {
        await using var service = await ServiceHarness.StartAsync(null);
        using var events = await service.SubscribeAsync();
        string first = await service.RequestAsync(RootOf(0x20));
        // Queued behind the first proof (seconds) with a 1 ms deadline: it is late when its turn comes.
        string late = await service.RequestAsync(RootOf(0x30), "&timeout_ms=1");
        string third = await service.RequestAsync(RootOf(0x40));
        var seen = new Dictionary<string, (string Name, JsonElement Data)>();
        while (seen.Count < 3)
        {
            var e = await events.NextAsync(TimeSpan.FromMinutes(3));
            seen[e.Data.GetProperty("new_payload_request_root").GetString()!] = e;
        }
        Assert.Equal("proof_complete", seen[first].Name);
        Assert.Equal("proof_complete", seen[third].Name);
        Assert.Equal("proof_failure", seen[late].Name);
        Assert.Equal("proving_timeout", seen[late].Data.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync($"/v1/execution_proofs/{late}/{ServiceHarness.ProofType}")).StatusCode);
    }

    [Fact]
    public async Task AZkboostNewPayloadRequestIsRootedAndReportsTheMissingWitnessSource()
    {
        await using var service = await ServiceHarness.StartAsync(null);
        var request = StatelessInput.Decode(EthereumGuest.DefaultInput()).NewPayloadRequest;
        var w = new SszWriter();
        request.Write(w);
        string expected = "0x" + Convert.ToHexStringLower(request.HashTreeRoot());
        using var events = await service.SubscribeAsync(expected);
        using var content = new ByteArrayContent(w.ToArray());
        using var response = await service.Client.PostAsync($"/v1/execution_proof_requests?proof_types={ServiceHarness.ProofType}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("new_payload_request_root").GetString());
        var (name, data) = await events.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("proof_failure", name);
        Assert.Equal("witness_timeout", data.GetProperty("reason").GetString());
    }

    /// <summary>Stands in for the execution node: gives hello the validation result of the requested payload.</summary>
    private sealed class HelloWitnesses : IWitnessSource
    {
        public Task<byte[]> GetGuestInputAsync(NewPayloadRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(Prover.Node.Tests.TestGuests.ResultFor(request.HashTreeRoot()));
    }

    [Fact]
    public async Task ABareNewPayloadRequestIsProvedWithTheWitnessSourcesInput()
    {
        await using var service = await ServiceHarness.StartAsync(null, witnessSource: new HelloWitnesses());
        var request = StatelessInput.Decode(EthereumGuest.DefaultInput()).NewPayloadRequest;
        var w = new SszWriter();
        request.Write(w);
        string root = "0x" + Convert.ToHexStringLower(request.HashTreeRoot());
        using var events = await service.SubscribeAsync(root);
        using var content = new ByteArrayContent(w.ToArray());
        using var response = await service.Client.PostAsync($"/v1/execution_proof_requests?proof_types={ServiceHarness.ProofType}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("proof_complete", (await events.NextAsync(TimeSpan.FromMinutes(2))).Name);
        var proof = await service.Client.GetByteArrayAsync($"/v1/execution_proofs/{root}/{ServiceHarness.ProofType}");
        Assert.Equal("VALID", await VerifyAsync(service, root, proof));
        // The block hash index finds it too.
        var byBlock = await service.Client.GetByteArrayAsync(
            $"/v1/blocks/0x{Convert.ToHexStringLower(request.ExecutionPayload.BlockHash)}/execution_proofs/{ServiceHarness.ProofType}");
        Assert.Equal(proof, byBlock);
    }

    [Fact]
    public async Task BadRequestsGetZkboostErrorResponses()
    {
        await using var service = await ServiceHarness.StartAsync(null);
        async Task Expect(HttpStatusCode code, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            Assert.Equal(code, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal((int)code, error.GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
        var garbage = new ByteArrayContent([1, 2, 3, 4, 5]);
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync("/v1/execution_proof_requests?proof_types=", garbage));
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync("/v1/execution_proof_requests?proof_types=reth-sp1", garbage));
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync($"/v1/execution_proof_requests?proof_types={ServiceHarness.ProofType}", garbage));
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync($"/v1/execution_proof_requests?proof_types={ServiceHarness.ProofType}&timeout_ms=x", garbage));
        string root = "0x" + new string('0', 64);
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root=0x12&proof_type={ServiceHarness.ProofType}", garbage));
        await Expect(HttpStatusCode.NotFound, service.Client.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root={root}&proof_type=reth-sp1", garbage));
        await Expect(HttpStatusCode.BadRequest, service.Client.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root={root}&proof_type={ServiceHarness.ProofType}", garbage));
        await Expect(HttpStatusCode.NotFound, service.Client.GetAsync($"/v1/execution_proofs/{root}/{ServiceHarness.ProofType}"));
        await Expect(HttpStatusCode.BadRequest, service.Client.GetAsync($"/v1/execution_proofs/{root}/..%2Fetc"));
    }

    private static async Task<string> VerifyAsync(ServiceHarness service, string rootHex, byte[] proof)
    {
        using var content = new ByteArrayContent(proof);
        using var response = await service.Client.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root={rootHex}&proof_type={ServiceHarness.ProofType}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!;
    }
}
