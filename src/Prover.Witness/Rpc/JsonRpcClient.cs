using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prover.Witness.Rpc;

/// <summary>An error answered by a JSON-RPC server (<c>{"error": {"code", "message"}}</c>).</summary>
public sealed class JsonRpcException(string method, int code, string message)
    : Exception($"{method}: the node answered error {code}: {message}")
{
    public string Method { get; } = method;
    public int Code { get; } = code;

    /// <summary>JSON-RPC's "method not found".</summary>
    public bool MethodNotFound => Code == -32601;
}

/// <summary>
/// A minimal JSON-RPC 2.0 client over HTTP(S) POST. Answers are bounded (<see cref="MaxResponseBytes"/>)
/// and timed out; transport failures, non-2xx statuses and malformed answers become <see cref="IOException"/>
/// or <see cref="FormatException"/> with the method named.
/// </summary>
public sealed class JsonRpcClient : IDisposable
{
    /// <summary>The largest answer read (a mainnet block's execution witness is tens of MB).</summary>
    public const long MaxResponseBytes = 1L << 30;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private int _id;

    public JsonRpcClient(Uri endpoint, TimeSpan? timeout = null, HttpMessageHandler? handler = null)
    {
        if (endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"{endpoint}: only http and https RPC endpoints are supported", nameof(endpoint));
        _endpoint = endpoint;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = timeout ?? TimeSpan.FromMinutes(5);
        _http.MaxResponseContentBufferSize = MaxResponseBytes;
    }

    /// <summary>Calls <paramref name="method"/> and returns its <c>result</c> (a clone, independent of the answer's buffer).</summary>
    public JsonElement Call(string method, params JsonNode?[] parameters)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id),
            ["method"] = method,
            ["params"] = new JsonArray(parameters),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        byte[] body;
        try
        {
            using var response = _http.PostAsync(_endpoint, content).GetAwaiter().GetResult();
            body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode && body.Length == 0)
                throw new IOException($"{method}: HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {_endpoint}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            throw new IOException($"{method}: no answer from {_endpoint} ({e.Message})", e);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{method}: the answer is not JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{method}: the answer is not a JSON-RPC object");
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                int code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out int ci) ? ci : 0;
                string message = error.TryGetProperty("message", out var m) ? m.ToString() : "(no message)";
                throw new JsonRpcException(method, code, message);
            }
            if (!root.TryGetProperty("result", out var result))
                throw new FormatException($"{method}: the answer has neither result nor error");
            return result.Clone();
        }
    }

    public void Dispose() => _http.Dispose();
}
