using System.CommandLine;
using Prover.Node;
using Prover.Node.Eip8025;
using Prover.Service;

namespace Prover.Cli;

/// <summary>
/// <c>prover serve</c>: the proof service (zkboost v1 HTTP API, docs/design.md "Proof service") until SIGTERM or
/// Ctrl+C. Logging and Kestrel settings also come from appsettings.json and <c>ASPNETCORE_</c>/<c>DOTNET_</c>
/// environment variables, as in any ASP.NET Core host.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "where to listen", DefaultValueFactory = _ => "http://127.0.0.1:3000" };
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = "where proofs persist across restarts (default: memory only)" };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. ProofConfiguration.All.Select(p => p.Name)]);
        var shard = new Option<int>("--log-shard-size") { Description = "log2 of the cycles per shard (10..22)", DefaultValueFactory = _ => 20 };
        var timeout = new Option<int?>("--timeout-ms") { Description = "deadline of a request that names none (default: none)" };
        var typeName = new Option<string>("--proof-type") { Description = "the proof type name the API uses", DefaultValueFactory = _ => ProofTypeDescriptor.Default.Name };
        var typeId = new Option<byte>("--proof-type-id") { Description = "the EIP-8025 ProofType (uint8) written into ExecutionProofs", DefaultValueFactory = _ => ProofTypeDescriptor.Default.Id };
        var allowInsecure = new Option<bool>("--allow-insecure") { Description = "verification accepts proofs below 100 provable bits (needed to verify development-configuration proofs)" };
        var elRpc = new Option<Uri?>("--el-rpc") { Description = "execution node JSON-RPC URL: bare NewPayloadRequests get their witness from it (debug_executionWitness)" };
        var chainConfig = new Option<FileInfo?>("--chain-config") { Description = "geth genesis or chain config JSON for --el-rpc (default: mainnet)" };
        var backendOption = BackendChoice.Option("cpu");
        var cluster = WorkerCommand.ClusterOption();
        var command = new Command("serve", "run the proof service (zkboost v1 HTTP API: proof requests, SSE results, proofs, verification, health, metrics)")
        {
            urls, dataDir, config, shard, timeout, typeName, typeId, allowInsecure, elRpc, chainConfig, backendOption, cluster,
        };
        command.SetAction(async (parse, ct) =>
        {
            int logShard = parse.GetValue(shard);
            string name = parse.GetValue(typeName)!;
            if (logShard is < 10 or > 22 || !ProofApi.IsValidProofTypeName(name) || parse.GetValue(timeout) is <= 0)
            {
                Console.Error.WriteLine("error: --log-shard-size must be 10..22, --proof-type 1..64 of [a-z0-9-], --timeout-ms positive");
                return 2;
            }
            using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(WorkerCommand.Logging);
            Prover.Cluster.ClusterConnection? connection = null;
            if (parse.GetValue(cluster) is { } endpoint)
            {
                try
                {
                    connection = await Prover.Cluster.ClusterHosting.OpenAsync(endpoint, WorkerCommand.CoordinatorSettings(endpoint, WorkerCommand.ExplicitBackend(parse, backendOption)),
                        loggers, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Console.Error.WriteLine($"error: cannot join the cluster at {endpoint}: {e.Message}");
                    return 2;
                }
            }
            await using var clusterConnection = connection;
            var options = new ProofServiceOptions
            {
                Engine = connection?.Prover,
                Prover = new NodeProverOptions
                {
                    Configuration = ProofConfiguration.FromName(parse.GetValue(config)!)!,
                    LogShardSize = logShard,
                    Backend = BackendChoice.Kind(parse.GetValue(backendOption)),
                    ProofType = ProofTypeDescriptor.Default with { Name = name, Id = parse.GetValue(typeId) },
                    AcceptInsecureProofs = parse.GetValue(allowInsecure),
                },
                DataDirectory = parse.GetValue(dataDir)?.FullName,
                DefaultTimeout = parse.GetValue(timeout) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            };
            System.Text.Json.JsonDocument? chain = null;
            try
            {
                if (parse.GetValue(chainConfig) is { } file)
                    chain = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file.FullName));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine("error: --chain-config: " + e.Message);
                return 2;
            }
            using var _ = chain;
            using var witnesses = parse.GetValue(elRpc) is { } rpc ? new RpcWitnessSource(rpc, chain?.RootElement) : null;
            await ProofServiceHost.RunAsync(options, parse.GetValue(urls)!, a => Console.Error.WriteLine($"listening on {string.Join(", ", a)}"), witnesses, ct);
            return 0;
        });
        return command;
    }
}
