using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prover.TestSupport;

/// <summary>
/// A JSON-RPC server on 127.0.0.1 that replays recorded answers by method name (a result, or an error
/// object), for testing clients without a node. Unknown methods get JSON-RPC's "method not found".
/// </summary>
public sealed class ReplayRpcServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, JsonNode?> _results;
    private readonly Dictionary<string, (int Code, string Message)> _errors;
    private readonly Thread _thread;
    private readonly List<string> _calls = [];

    public Uri Endpoint { get; }

    /// <summary>The methods called so far, in order.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
                return [.. _calls];
        }
    }

    public ReplayRpcServer(Dictionary<string, JsonNode?> results, Dictionary<string, (int, string)>? errors = null)
    {
        (_results, _errors) = (results, errors ?? []);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _thread = new Thread(Serve) { IsBackground = true, Name = "replay-rpc" };
        _thread.Start();
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = JsonNode.Parse(reader.ReadToEnd())!;
            string method = request["method"]!.GetValue<string>();
            lock (_calls)
                _calls.Add(method);
            var answer = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]?.DeepClone() };
            if (_results.TryGetValue(method, out var result))
                answer["result"] = result?.DeepClone();
            else
            {
                var (code, message) = _errors.TryGetValue(method, out var e) ? e : (-32601, $"the method {method} does not exist/is not available");
                answer["error"] = new JsonObject { ["code"] = code, ["message"] = message };
            }
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Parses JSON text into a node (test helper).</summary>
    public static JsonNode? Json(string text) => JsonNode.Parse(text);

    /// <summary>A node from an element.</summary>
    public static JsonNode? Json(JsonElement e) => JsonNode.Parse(e.GetRawText());
}
