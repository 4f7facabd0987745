using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Prover.Node.Tests;

namespace Prover.Service.Tests;

/// <summary>A proof service on 127.0.0.1 (a free port) proving the hello guest, with real HTTP clients.</summary>
internal sealed class ServiceHarness : IAsyncDisposable
{
    private ServiceHarness(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public const string ProofType = "cevm-kbstark";

    public static Task<ServiceHarness> StartAsync(string? dataDirectory, TimeSpan? defaultTimeout = null, IWitnessSource? witnessSource = null) =>
        StartWithAsync(new ProofServiceOptions { Prover = TestGuests.Options, DataDirectory = dataDirectory, DefaultTimeout = defaultTimeout, MemoryCacheEntries = 4 },
            witnessSource);

    public static async Task<ServiceHarness> StartWithAsync(ProofServiceOptions options, IWitnessSource? witnessSource = null)
    {
        var app = ProofServiceHost.Build(options, "http://127.0.0.1:0", witnessSource: witnessSource);
        await app.StartAsync();
        var address = ProofServiceHost.BoundAddresses(app).Single();
        return new ServiceHarness(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) });
    }

    /// <summary>Posts the hello input stating <paramref name="root"/>; returns the root the service answered.</summary>
    public async Task<string> RequestAsync(byte[] root, string query = "")
    {
        using var content = new ByteArrayContent(TestGuests.ResultFor(root));
        content.Headers.ContentType = new MediaTypeHeaderValue(ProofApi.GuestInputContentType);
        using var response = await Client.PostAsync($"/v1/execution_proof_requests?proof_types={ProofType}{query}", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("new_payload_request_root").GetString()!;
    }

    /// <summary>An open SSE subscription.</summary>
    public async Task<EventStream> SubscribeAsync(string? root = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/execution_proof_requests" + (root is null ? "" : "?new_payload_request_root=" + root));
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    internal sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        /// <summary>The next event (name, JSON data), skipping keep-alive comments; fails after <paramref name="timeout"/>.</summary>
        public async Task<(string Name, JsonElement Data)> NextAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            string? name = null, data = null;
            while (true)
            {
                var line = await reader.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the event stream ended");
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                    name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    data = line[6..];
                else if (line.Length == 0 && name is not null && data is not null)
                    return (name, JsonDocument.Parse(data).RootElement.Clone());
            }
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
