using System.Net.Http.Json;
using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Ssz;

namespace Prover.Service;

/// <summary>
/// Builds the guest input of a consensus client's <c>NewPayloadRequest</c> from an execution node over JSON-RPC, as
/// zkboost does: <c>eth_getBlockByHash(block_hash, true)</c> for the block and <c>debug_executionWitness(number)</c>
/// for the witness (reth and geth), converted with <see cref="InputConverter"/> under the given chain config
/// (mainnet's fork schedule without one). The CL's request replaces the converted one in the input, so the proof is
/// about exactly the payload the CL asked for (its versioned hashes, beacon root and execution requests); the node's
/// block must have the same hash, or the request fails.
/// </summary>
public sealed class RpcWitnessSource : IWitnessSource, IDisposable
{
    private readonly HttpClient _http;
    private readonly JsonElement? _chainConfig;
    private long _id;

    /// <param name="endpoint">The execution node's JSON-RPC URL.</param>
    /// <param name="chainConfig">A geth genesis or chain config object; null: mainnet.</param>
    /// <param name="timeout">Per-call timeout.</param>
    public RpcWitnessSource(Uri endpoint, JsonElement? chainConfig = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = new HttpClient { BaseAddress = endpoint, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        _chainConfig = chainConfig?.Clone();
    }

    public async Task<byte[]> GetGuestInputAsync(NewPayloadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var payload = request.ExecutionPayload;
        string hash = "0x" + Convert.ToHexStringLower(payload.BlockHash);
        using var block = await CallAsync("eth_getBlockByHash", [hash, true], cancellationToken).ConfigureAwait(false);
        using var witness = await CallAsync("debug_executionWitness", [$"0x{payload.BlockNumber:x}"], cancellationToken).ConfigureAwait(false);
        var batch = InputConverter.Convert(witness.RootElement, $"block {payload.BlockNumber}", block.RootElement, _chainConfig);
        if (batch.Results.Count != 1)
            throw new InvalidOperationException($"the execution node's block {hash} could not be converted: {string.Join("; ", batch.Failures)}");
        var converted = batch.Results[0];
        if (!converted.BlockHash.AsSpan().SequenceEqual(payload.BlockHash))
            throw new InvalidOperationException($"the execution node answered block 0x{Convert.ToHexStringLower(converted.BlockHash)}, not {hash}");
        return (converted.Input with { NewPayloadRequest = request }).Encode();
    }

    /// <summary>One JSON-RPC call; the whole response document (the converters accept the envelope). Errors become exceptions.</summary>
    private async Task<JsonDocument> CallAsync(string method, object[] parameters, CancellationToken cancellationToken)
    {
        var body = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _id), method, @params = parameters };
        using var response = await _http.PostAsJsonAsync("", body, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var doc = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { MaxDepth = 256 }, cancellationToken).ConfigureAwait(false);
            if (doc.RootElement.TryGetProperty("error", out var error))
            {
                string message = error.GetRawText(); // before the document goes
                doc.Dispose();
                throw new InvalidOperationException($"{method}: {message}");
            }
            if (!doc.RootElement.TryGetProperty("result", out var result) || result.ValueKind == JsonValueKind.Null)
            {
                doc.Dispose();
                throw new InvalidOperationException($"{method}: no result");
            }
            return doc;
        }
    }

    public void Dispose() => _http.Dispose();
}
