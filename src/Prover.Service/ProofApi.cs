using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prover.Node;
using Prover.Node.Eip8025;
using Prover.Witness.Ssz;

namespace Prover.Service;

/// <summary>
/// The HTTP API, following zkboost's v1 (eth-act/zkboost <c>openapi.json</c>), so a consensus client configured
/// for zkboost can use this service (docs/design.md, "Proof service"):
/// <list type="bullet">
/// <item><c>POST /v1/execution_proof_requests?proof_types=a,b</c> with an SSZ <c>NewPayloadRequest</c> → <c>{new_payload_request_root}</c>;
/// our extensions: Content-Type <see cref="GuestInputContentType"/> posts the guest input itself (the canonical
/// <c>StatelessInput</c>), and <c>priority</c> (higher first) and <c>timeout_ms</c> (deadline) query parameters.</item>
/// <item><c>GET /v1/execution_proof_requests[?new_payload_request_root=]</c>: SSE, <c>proof_complete</c> / <c>proof_failure</c>.</item>
/// <item><c>GET /v1/execution_proofs/{root}/{proof_type}</c>: the proof, as the SSZ bytes of an EIP-8025 <c>ExecutionProof</c>.</item>
/// <item><c>POST /v1/execution_proof_verifications?new_payload_request_root=&amp;proof_type=</c> with those bytes → <c>{status: VALID|INVALID}</c>.</item>
/// <item><c>GET /v1/proof_types</c>, <c>GET /health</c>, <c>GET /metrics</c> (Prometheus), and our
/// <c>GET /v1/blocks/{block_hash}/execution_proofs/{proof_type}</c>.</item>
/// </list>
/// Errors are <c>{code, message}</c> JSON as zkboost's <c>ErrorResponse</c>.
/// </summary>
public static class ProofApi
{
    /// <summary>Content type of a request body holding the guest input as is (for the Ethereum guest: schema id + SSZ StatelessInput).</summary>
    public const string GuestInputContentType = "application/vnd.prover.guest-input";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/execution_proof_requests", RequestProof);
        app.MapGet("/v1/execution_proof_requests", StreamEvents);
        app.MapGet("/v1/execution_proofs/{root}/{proofType}", GetProof);
        app.MapGet("/v1/blocks/{blockHash}/execution_proofs/{proofType}", GetProofOfBlock);
        app.MapPost("/v1/execution_proof_verifications", VerifyProof);
        app.MapGet("/v1/proof_types", (NodeProver prover) => Results.Json(new
        {
            proof_types = new[] { new { proof_type = prover.Options.ProofType.Name, kind = "ere", can_prove = true, can_verify = true } },
        }));
        app.MapGet("/health", (ProofQueue queue) => Results.Json(new { status = "ok", queued = queue.Count }));
    }

    private static async Task<IResult> RequestProof(HttpRequest request, NodeProver prover, ProofQueue queue, ProofServiceOptions options,
        ProofServiceMetrics metrics)
    {
        var proofType = prover.Options.ProofType.Name;
        var types = ((string?)request.Query["proof_types"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (types.Length == 0)
            return Error(400, "proof_types must contain at least one valid value");
        if (types.Length > ExecutionProof.MaxExecutionProofsPerPayload || types.Distinct(StringComparer.Ordinal).Count() != types.Length)
            return Error(400, $"proof_types must hold at most {ExecutionProof.MaxExecutionProofsPerPayload} distinct values");
        if (types.FirstOrDefault(t => t != proofType) is { } unknown)
            return Error(400, $"no zkVM configured for proof type '{unknown}'");
        if (!TryInt(request.Query["priority"], 0, out int priority) || !TryInt(request.Query["timeout_ms"], -1, out int timeoutMs) || timeoutMs == 0)
            return Error(400, "priority and timeout_ms must be integers (timeout_ms > 0)");
        var body = await ReadBodyAsync(request, options.MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return Error(413, $"the body exceeds {options.MaxRequestBytes} bytes");

        byte[] root;
        byte[]? input = null, blockHash = null;
        NewPayloadRequest? payload = null;
        try
        {
            if (IsGuestInput(request.ContentType))
            {
                input = body;
                root = prover.Options.Guest.InputRoot(body);
                blockHash = TryBlockHash(prover, body);
            }
            else
            {
                payload = PayloadRequests.Decode(body);
                root = payload.HashTreeRoot();
                blockHash = payload.ExecutionPayload.BlockHash;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Error(400, "invalid SSZ body: " + e.Message);
        }
        DateTimeOffset? deadline = timeoutMs > 0 ? DateTimeOffset.UtcNow.AddMilliseconds(timeoutMs)
            : options.DefaultTimeout is { } t ? DateTimeOffset.UtcNow + t : null;
        foreach (var type in types)
        {
            if (!queue.TryEnqueue(new ProofJob(root, type, input, payload, blockHash, priority, deadline, queue.NextSequence())))
                return Error(503, "the proof queue is full");
            metrics.Requests.Add(1);
        }
        return Results.Json(new { new_payload_request_root = Hex(root) });
    }

    private static async Task StreamEvents(HttpContext context, ProofEventHub hub, ProofStore store, NodeProver prover, ProofServiceOptions options)
    {
        string? filter = context.Request.Query["new_payload_request_root"];
        if (filter is not null)
        {
            if (!TryParseRoot(filter, out var f))
            {
                await Error(400, "new_payload_request_root must be 0x and 64 lowercase hex digits").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            filter = Hex(f);
        }
        var ct = context.RequestAborted;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var channel = hub.Subscribe();
        try
        {
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            // Catch-up: a proof finished before the subscription is announced first.
            if (filter is not null && store.TryGet(filter, prover.Options.ProofType.Name) is not null)
                await WriteEvent(response, new ProofEvent(filter, prover.Options.ProofType.Name, null, null), ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(options.KeepAliveInterval);
                try
                {
                    var e = await channel.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    if (filter is null || e.RootHex == filter)
                        await WriteEvent(response, e, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            hub.Unsubscribe(channel);
        }
    }

    private static async Task WriteEvent(HttpResponse response, ProofEvent e, CancellationToken ct)
    {
        string data = e.Reason is null
            ? JsonSerializer.Serialize(new { new_payload_request_root = e.RootHex, proof_type = e.ProofType })
            : JsonSerializer.Serialize(new { new_payload_request_root = e.RootHex, proof_type = e.ProofType, reason = e.Reason, error = e.Error });
        await response.WriteAsync($"event: {e.Name}\ndata: {data}\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static IResult GetProof(string root, string proofType, ProofStore store)
    {
        if (!TryParseRoot(root, out _))
            return Error(400, "the root must be 0x and 64 lowercase hex digits");
        if (!IsValidProofTypeName(proofType))
            return Error(400, "invalid proof type");
        return store.TryGet(root, proofType) is { } bytes
            ? Results.Bytes(bytes, "application/octet-stream")
            : Error(404, $"proof not found for root {root} and type {proofType}");
    }

    private static IResult GetProofOfBlock(string blockHash, string proofType, ProofStore store)
    {
        if (!TryParseRoot(blockHash, out var hash))
            return Error(400, "the block hash must be 0x and 64 lowercase hex digits");
        if (!IsValidProofTypeName(proofType))
            return Error(400, "invalid proof type");
        return store.RootOfBlock(hash) is { } root && store.TryGet(root, proofType) is { } bytes
            ? Results.Bytes(bytes, "application/octet-stream")
            : Error(404, $"no proof for block {blockHash} and type {proofType}");
    }

    private static async Task<IResult> VerifyProof(HttpRequest request, NodeProver prover, ProofServiceOptions options, ProofServiceMetrics metrics)
    {
        if (!TryParseRoot(request.Query["new_payload_request_root"], out var root))
            return Error(400, "new_payload_request_root must be 0x and 64 lowercase hex digits");
        string? type = request.Query["proof_type"];
        if (type != prover.Options.ProofType.Name)
            return Error(404, $"unknown proof_type: {type}");
        var body = await ReadBodyAsync(request, options.MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return Error(413, $"the body exceeds {options.MaxRequestBytes} bytes");
        ExecutionProof proof;
        try
        {
            proof = ExecutionProof.Decode(body, prover.Options.ProofType.MaxProofSize);
        }
        catch (FormatException e)
        {
            return Error(400, "invalid SSZ body: " + e.Message);
        }
        var verdict = await prover.VerifyExecutionProofAsync(proof, root, request.HttpContext.RequestAborted).ConfigureAwait(false);
        string status = verdict.IsValid ? "VALID" : "INVALID";
        metrics.Verifications.Add(1, new KeyValuePair<string, object?>("status", status));
        return Results.Json(new { status, reason = verdict.Reason });
    }

    /// <summary>0x followed by 64 hex digits (zkboost's <c>Hash256</c>; upper case is accepted too).</summary>
    public static bool TryParseRoot(string? text, out byte[] root)
    {
        root = [];
        if (text is null || text.Length != 66 || !text.StartsWith("0x", StringComparison.Ordinal))
            return false;
        try
        {
            root = Convert.FromHexString(text.AsSpan(2));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Proof type names: 1 to 64 of [a-z0-9-] (so a name is always a safe file name part).</summary>
    public static bool IsValidProofTypeName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');

    private static bool IsGuestInput(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(GuestInputContentType, StringComparison.OrdinalIgnoreCase);

    private static byte[]? TryBlockHash(NodeProver prover, byte[] input)
    {
        if (!ReferenceEquals(prover.Options.Guest, ProverGuest.Ethereum))
            return null;
        return StatelessInput.Decode(input).NewPayloadRequest.ExecutionPayload.BlockHash;
    }

    private static bool TryInt(string? text, int fallback, out int value)
    {
        value = fallback;
        return text is null || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit)
                return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static IResult Error(int code, string message) => Results.Json(new { code, message }, statusCode: code);
}
