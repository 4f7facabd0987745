using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Prover.Node;

namespace Prover.Service;

/// <summary>Builds the proof service: Kestrel, the API, the queue and its worker, the store, metrics. Dispose the app to stop it.</summary>
public static class ProofServiceHost
{
    /// <summary>
    /// A service listening on <paramref name="urls"/> (e.g. <c>http://127.0.0.1:3000</c>; port 0 picks a free one,
    /// read it back with <see cref="BoundAddresses"/> after start). <paramref name="args"/> feed the usual
    /// configuration (appsettings.json, environment variables, command line) for logging and Kestrel.
    /// </summary>
    public static WebApplication Build(ProofServiceOptions options, string urls, string[]? args = null, IWitnessSource? witnessSource = null,
        Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueuedJobs, 1);
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        logging?.Invoke(builder.Logging);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(sp => new NodeProver(options.Prover, sp.GetRequiredService<ILogger<NodeProver>>(), options.Engine));
        services.AddSingleton(new ProofQueue(options.MaxQueuedJobs));
        services.AddSingleton(new ProofStore(options.DataDirectory, options.MemoryCacheEntries));
        services.AddSingleton<ProofEventHub>();
        services.AddSingleton<ProofServiceMetrics>();
        if (witnessSource is not null)
            services.AddSingleton(witnessSource);
        services.AddHostedService<ProofWorker>();
        services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ProofServiceMetrics.MeterName).AddPrometheusExporter());
        var app = builder.Build();
        ProofApi.Map(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// Runs a service until <paramref name="cancellationToken"/> fires or the process gets SIGTERM/Ctrl+C (graceful:
    /// the running proof is abandoned, the queue dropped, stored proofs stay). <paramref name="listening"/> gets the bound addresses.
    /// </summary>
    public static async Task RunAsync(ProofServiceOptions options, string urls, Action<IReadOnlyList<string>>? listening = null,
        IWitnessSource? witnessSource = null, CancellationToken cancellationToken = default)
    {
        var app = Build(options, urls, witnessSource: witnessSource);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            listening?.Invoke(BoundAddresses(app));
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The addresses the server listens on (after <c>StartAsync</c>).</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
    }
}
