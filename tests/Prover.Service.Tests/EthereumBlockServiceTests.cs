using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Prover.Node;
using Prover.Node.Eip8025;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Service.Tests;

/// <summary>A fact that runs only with <c>PROVER_PROVE_BLOCKS=1</c> (a block proof takes minutes and ~15 GB on 2 cores); skipped with that reason otherwise.</summary>
public sealed class BlockProofFactAttribute : FactAttribute
{
    public BlockProofFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PROVER_PROVE_BLOCKS") != "1")
            Skip = "proving an Ethereum block takes minutes and ~15 GB: set PROVER_PROVE_BLOCKS=1 to run (figures in docs/benchmarks.md)";
    }
}

/// <summary>
/// <c>prover serve</c> with the real Ethereum guest: the embedded example block posted over HTTP is proved, the
/// EIP-8025 proof names the input's payload root, verification accepts it and refuses a tampered copy, a request
/// past its deadline is reported, and the proof survives a restart. The always-on tests do the same with hello.elf.
/// </summary>
public sealed class EthereumBlockServiceTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("prover-service-block-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [BlockProofFact]
    public async Task ServeProvesAnEthereumBlockWhoseExecutionProofNamesTheInputsRoot()
    {
        byte[] input = EthereumGuest.DefaultInput();
        byte[] root = StatelessInput.Decode(input).NewPayloadRequest.HashTreeRoot();
        string rootHex = "0x" + Convert.ToHexStringLower(root);
        var options = new ProofServiceOptions
        {
            Prover = new NodeProverOptions { Configuration = ProofConfiguration.Development, LogShardSize = 20, AcceptInsecureProofs = true },
            DataDirectory = _dataDir,
        };
        string type = options.Prover.ProofType.Name;
        byte[] stored;
        var sw = Stopwatch.StartNew();
        await using (var service = await ServiceHarness.StartWithAsync(options))
        {
            using var events = await service.SubscribeAsync();
            Assert.Equal(rootHex, await PostAsync(service, input, type, ""));
            // The same block again with a 1 ms deadline waits behind the first proof: reported late, never proved.
            Assert.Equal(rootHex, await PostAsync(service, input, type, "&timeout_ms=1"));
            var seen = new List<(string Name, JsonElement Data)>();
            while (!seen.Any(e => e.Name == "proof_complete") || !seen.Any(e => e.Name == "proof_failure"))
                seen.Add(await events.NextAsync(TimeSpan.FromMinutes(30)));
            Assert.Contains(seen, e => e.Name == "proof_failure" && e.Data.GetProperty("reason").GetString() == "proving_timeout");
            double seconds = sw.Elapsed.TotalSeconds;

            stored = await service.Client.GetByteArrayAsync($"/v1/execution_proofs/{rootHex}/{type}");
            var proof = ExecutionProof.Decode(stored, options.Prover.ProofType.MaxProofSize);
            Assert.Equal(root, proof.PublicInput.NewPayloadRequestRoot);
            Assert.Equal("VALID", await VerifyAsync(service, rootHex, type, stored));
            var tampered = (byte[])stored.Clone();
            tampered[stored.Length / 2] ^= 0x10;
            Assert.Equal("INVALID", await VerifyAsync(service, rootHex, type, tampered));
            Console.WriteLine($"block proof via the service: {seconds:F1} s, ExecutionProof {stored.Length} bytes, root {rootHex} matches, " +
                $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (double)(1L << 30):F1} GiB");
        }
        await using (var restarted = await ServiceHarness.StartWithAsync(options))
        {
            var again = await restarted.Client.GetByteArrayAsync($"/v1/execution_proofs/{rootHex}/{type}");
            Assert.Equal(stored, again);
            Assert.Equal("VALID", await VerifyAsync(restarted, rootHex, type, again));
        }
    }

    private static async Task<string> PostAsync(ServiceHarness service, byte[] input, string type, string query)
    {
        using var content = new ByteArrayContent(input);
        content.Headers.ContentType = new MediaTypeHeaderValue(ProofApi.GuestInputContentType);
        using var response = await service.Client.PostAsync($"/v1/execution_proof_requests?proof_types={type}{query}", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("new_payload_request_root").GetString()!;
    }

    private static async Task<string> VerifyAsync(ServiceHarness service, string rootHex, string type, byte[] proof)
    {
        using var content = new ByteArrayContent(proof);
        using var response = await service.Client.PostAsync($"/v1/execution_proof_verifications?new_payload_request_root={rootHex}&proof_type={type}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!;
    }
}
