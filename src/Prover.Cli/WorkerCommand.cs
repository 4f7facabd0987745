using System.CommandLine;
using Microsoft.Extensions.Logging;
using Prover.Cluster;

namespace Prover.Cli;

/// <summary>
/// <c>prover worker --cluster host:port</c>: a shard worker of a proving cluster (an Orleans silo in the Redis
/// membership at host:port) until SIGTERM or Ctrl+C. Settings also come from appsettings.json (section
/// <c>Prover:Cluster</c>) and environment variables (<c>Prover__Cluster__Redis</c>, …); options given here win.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var cluster = ClusterOption();
        var slots = new Option<int?>("--slots")
        {
            Description = "shard jobs run at once (default: one per GPU, each bound to its device; one CPU slot without GPUs); with GPUs at most this many of them",
        };
        var cpuSlot = new Option<bool?>("--cpu-slot") { Description = "also prove on the CPU beside the GPUs (default: the CPU is a slot only without GPUs)" };
        var memory = new Option<double?>("--memory") { Description = "GiB this worker advertises (default: the memory available to the process)" };
        var advertise = new Option<string?>("--advertise") { Description = "the address other members reach this worker at (default 127.0.0.1)" };
        var siloPort = new Option<int?>("--silo-port") { Description = "silo-to-silo port (default: a free one)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "client gateway port (default: a free one)" };
        // Every local GPU (each a slot) and the CPU: a worker without GPUs proves on the CPU.
        var backendOption = BackendChoice.Option("auto");
        var command = new Command("worker", "run a shard worker of a proving cluster (Orleans silo; Redis membership) until SIGTERM")
        {
            cluster, slots, cpuSlot, memory, advertise, siloPort, gatewayPort, backendOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = Settings(parse.GetValue(cluster));
            options = options with
            {
                Slots = parse.GetValue(slots) ?? options.Slots,
                CpuSlot = parse.GetValue(cpuSlot) ?? options.CpuSlot,
                MemoryBytes = parse.GetValue(memory) is { } gib ? (long)(gib * (1L << 30)) : options.MemoryBytes,
                AdvertisedAddress = parse.GetValue(advertise) ?? options.AdvertisedAddress,
                SiloPort = parse.GetValue(siloPort) ?? options.SiloPort,
                GatewayPort = parse.GetValue(gatewayPort) ?? options.GatewayPort,
                Backend = parse.GetResult(backendOption) is { Implicit: false } ? parse.GetValue(backendOption)!
                    : ClusterHosting.LoadConfiguration()[ClusterOptions.Section + ":Backend"] ?? "auto",
            };
            if (options.Redis is null)
            {
                Console.Error.WriteLine("error: --cluster host:port (or Prover:Cluster:Redis in appsettings.json / Prover__Cluster__Redis) names the Redis membership");
                return 2;
            }
            if (options.Slots < 0 || options.MemoryBytes < 0 || !System.Net.IPAddress.TryParse(options.AdvertisedAddress, out _))
            {
                Console.Error.WriteLine("error: --slots and --memory must not be negative, --advertise must be an IP address");
                return 2;
            }
            try
            {
                await ClusterHosting.RunWorkerAsync(options, Logging,
                    d => Console.Error.WriteLine($"worker ready: {d.Name}, {d.CpuCores} cores, {d.MemoryBytes / (double)(1L << 30):F1} GiB, {d.Slots} slot(s), " +
                        $"backend {d.Backend}, slots [{string.Join("; ", d.SlotList.Select(s => s.ToString()))}], cluster {options.Redis}"), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: the worker could not join or run in the cluster at {options.Redis}: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--cluster</c> option of worker, prove and serve.</summary>
    public static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = "prove on a cluster: the Redis endpoint host:port of `prover worker` processes, or 'local' for an in-process silo",
    };

    /// <summary>Cluster settings from appsettings.json and environment variables, with the Redis endpoint from <paramref name="cluster"/> when given.</summary>
    public static ClusterOptions Settings(string? cluster)
    {
        var options = ClusterHosting.Bind(ClusterHosting.LoadConfiguration());
        return cluster is null ? options : options with { Redis = cluster == "local" ? null : cluster };
    }

    /// <summary>
    /// A coordinator's cluster settings (<c>prove --cluster</c>, <c>serve --cluster</c>): <see cref="Settings"/>, and for
    /// <c>--cluster local</c> the in-process worker proves on <paramref name="backend"/> (the command's explicit <c>--backend</c>;
    /// null: the configuration's <c>Prover:Cluster:Backend</c>, else the CPU, as direct proving). A Redis cluster's workers keep
    /// their own <c>prover worker --backend</c>: the coordinator proves nothing itself.
    /// </summary>
    public static ClusterOptions CoordinatorSettings(string cluster, string? backend)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var options = Settings(cluster);
        if (backend is null)
            return options;
        if (options.Redis is null)
            return options with { Backend = backend };
        Console.Error.WriteLine($"note: --backend {backend} is ignored with --cluster {cluster}: each worker proves on its own `prover worker --backend`");
        return options;
    }

    /// <summary>The <c>--backend</c> value when given on the command line (null when it is the default).</summary>
    public static string? ExplicitBackend(ParseResult parse, Option<string> backend) =>
        parse.GetResult(backend) is { Implicit: false } ? parse.GetValue(backend) : null;

    /// <summary>Worker and coordinator logs on stderr: the cluster's own at Information, Orleans' at Warning.</summary>
    public static void Logging(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(c =>
        {
            c.SingleLine = true;
            c.TimestampFormat = "HH:mm:ss ";
        });
        logging.AddFilter((category, level) => level >= (category?.StartsWith("Prover", StringComparison.Ordinal) == true ? LogLevel.Information : LogLevel.Warning));
        Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            logging.Services, o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
