using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace Prover.Cluster;

/// <summary>
/// How the processes of a proving cluster are put together (docs/design.md, "Distributed proving"): a worker is an
/// Orleans silo hosting a <see cref="ShardWorkerService"/>; a coordinator (<c>prover prove --cluster</c>,
/// <c>prover serve --cluster</c>) is an Orleans client; both find each other through the Redis membership table.
/// Without Redis, <see cref="StartInProcessAsync"/> hosts one silo in this process (the embedded default).
/// </summary>
public static class ClusterHosting
{
    /// <summary>Messages carry shard jobs and proofs: far above Orleans' default body limit.</summary>
    private const int MaxMessageBytes = 1 << 30;

    /// <summary>Reads <see cref="ClusterOptions"/> from a configuration (section <see cref="ClusterOptions.Section"/>).</summary>
    public static ClusterOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
    }

    /// <summary>The usual configuration sources: appsettings.json beside the working directory, then environment variables (<c>Prover__Cluster__Redis</c>, …).</summary>
    public static IConfiguration LoadConfiguration(string? directory = null) =>
        new ConfigurationBuilder()
            .SetBasePath(directory ?? Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();

    /// <summary>Makes <paramref name="silo"/> a shard worker of the cluster <paramref name="options"/> names.</summary>
    public static ISiloBuilder AddShardWorker(this ISiloBuilder silo, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.AddPlacementDirector<WorkerPlacement, WorkerPlacementDirector>();
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<ShardWorkerService>();
        silo.Configure<SiloMessagingOptions>(m =>
        {
            m.MaxMessageBodySize = MaxMessageBytes;
            m.ResponseTimeout = TimeSpan.FromSeconds(120);
        });
        return silo;
    }

    /// <summary>Joins <paramref name="silo"/> to the Redis membership of <paramref name="options"/> on free (or the given) ports.</summary>
    public static ISiloBuilder UseProverCluster(this ISiloBuilder silo, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        string redis = options.Redis ?? throw new ArgumentException("a cluster worker needs the Redis endpoint (--cluster host:port)");
        silo.UseRedisClustering(redis);
        silo.Configure<OrleansClusterOptions>(c =>
        {
            c.ClusterId = options.ClusterId;
            c.ServiceId = options.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort > 0 ? options.SiloPort : FreePort(),
            options.GatewayPort > 0 ? options.GatewayPort : FreePort(), listenOnAnyHostAddress: options.AdvertisedAddress != "127.0.0.1");
        return silo;
    }

    /// <summary>Makes <paramref name="client"/> a coordinator of the Redis cluster <paramref name="options"/> names (retrying the first connection for up to <see cref="ClusterOptions.WaitForWorkers"/>).</summary>
    public static IClientBuilder UseProverCluster(this IClientBuilder client, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        string redis = options.Redis ?? throw new ArgumentException("a cluster client needs the Redis endpoint (--cluster host:port)");
        client.UseRedisClustering(redis);
        client.Configure<OrleansClusterOptions>(c =>
        {
            c.ClusterId = options.ClusterId;
            c.ServiceId = options.ServiceId;
        });
        client.Configure<ClientMessagingOptions>(m =>
        {
            m.MaxMessageBodySize = MaxMessageBytes;
            m.ResponseTimeout = TimeSpan.FromSeconds(120);
        });
        var until = DateTime.UtcNow + options.WaitForWorkers;
        client.UseConnectionRetryFilter(async (_, ct) =>
        {
            if (DateTime.UtcNow > until)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            return true;
        });
        return client;
    }

    /// <summary>
    /// A worker process until <paramref name="cancellationToken"/> fires or SIGTERM/Ctrl+C (graceful: running jobs are
    /// given up, the silo leaves the membership so coordinators re-dispatch at once). <paramref name="ready"/> gets the
    /// worker's advertised devices once it is a member.
    /// </summary>
    public static async Task RunWorkerAsync(ClusterOptions options, Action<ILoggingBuilder>? logging = null, Action<WorkerDevices>? ready = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.UseOrleans(silo => silo.UseProverCluster(options).AddShardWorker(options));
        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        ready?.Invoke(host.Services.GetRequiredService<ShardWorkerService>().Devices);
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A coordinator's cluster: <c>local</c> (or empty) starts the in-process silo, anything else is the Redis endpoint
    /// (host:port) of a cluster of <c>prover worker</c> processes.
    /// </summary>
    public static Task<ClusterConnection> OpenAsync(string cluster, ClusterOptions? options = null, ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        options ??= new ClusterOptions();
        return cluster is "" or "local"
            ? StartInProcessAsync(options, loggers, cancellationToken)
            : ConnectAsync(options with { Redis = cluster }, loggers, cancellationToken);
    }

    /// <summary>Connects to the Redis cluster <paramref name="options"/> names as a coordinator.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterOptions options, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseProverCluster(options));
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var grains = host.Services.GetRequiredService<IClusterClient>();
        return new ClusterConnection(host, new ClusterProver(grains, options, loggers?.CreateLogger<ClusterProver>()));
    }

    /// <summary>
    /// The embedded default: one silo in this process (localhost membership, free ports) that is both the only worker
    /// and the coordinator's gateway; nothing to install. More machines need Redis (<see cref="ConnectAsync"/>).
    /// </summary>
    public static async Task<ClusterConnection> StartInProcessAsync(ClusterOptions? options = null, ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        options = (options ?? new ClusterOptions()) with { Redis = null };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        string id = "prover-local-" + Guid.NewGuid().ToString("N")[..8];
        var local = options;
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: id, clusterId: id).AddShardWorker(local));
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var grains = host.Services.GetRequiredService<IClusterClient>();
        return new ClusterConnection(host, new ClusterProver(grains, options, loggers?.CreateLogger<ClusterProver>()));
    }

    /// <summary>A free TCP port on the loopback interface (released before the silo binds it).</summary>
    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>A coordinator's link to a cluster (an Orleans client, or the in-process silo) and its <see cref="ClusterProver"/>; dispose to leave.</summary>
public sealed class ClusterConnection(IHost host, ClusterProver prover) : IAsyncDisposable
{
    public ClusterProver Prover { get; } = prover;

    public IServiceProvider Services => host.Services;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        finally
        {
            host.Dispose();
        }
    }
}
