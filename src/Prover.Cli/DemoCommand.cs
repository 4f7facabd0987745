using System.CommandLine;
using System.Text.Json;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Gpu;

namespace Prover.Cli;

/// <summary><c>prover demo &lt;air&gt; --log-rows N --out proof.bin</c>: proves one of the demo AIRs.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var air = new Argument<string>("air") { Description = "fibonacci, poseidon2 or lookup" };
        air.AcceptOnlyFromAmong([.. DemoCatalog.Names]);
        var logRows = new Option<int>("--log-rows") { Description = "log2 of the trace height (2..22)", DefaultValueFactory = _ => 10 };
        var output = new Option<FileInfo>("--out") { Description = "where to write the proof", Required = true };
        var config = new Option<string>("--config") { Description = "development, provable-100 or provable-128", DefaultValueFactory = _ => "provable-100" };
        config.AcceptOnlyFromAmong([.. StarkConfig.Presets.Select(p => p.Name)]);
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var backendOption = BackendChoice.Option("auto");
        var command = new Command("demo", "prove a demo AIR (fibonacci, poseidon2, two-table lookup)") { air, logRows, output, config, json, backendOption };
        command.SetAction(parse =>
        {
            int rows = parse.GetValue(logRows);
            if (rows < 2 || rows > 22)
            {
                Console.Error.WriteLine("error: --log-rows must be between 2 and 22");
                return 2;
            }
            var backend = BackendChoice.Create(parse.GetValue(backendOption), out var backendReport);
            if (backend is not CpuBackend<KoalaBearParameters> && StarkConfig.ByName(parse.GetValue(config)!).DigestElements != 8)
                backendReport += "; Merkle trees of 12-element digests on the CPU (the device kernels hash 8-element digests)";
            (byte[] file, DemoProofReport report) result;
            try
            {
                result = DemoProofs.Prove(parse.GetValue(air)!, rows, parse.GetValue(config)!, backend);
            }
            finally
            {
                (backend as IDisposable)?.Dispose();
            }
            var (file, report) = result;
            File.WriteAllBytes(parse.GetValue(output)!.FullName, file);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    statement = report.Statement,
                    backend = backend.Name,
                    backend_detail = backendReport,
                    config = report.Config,
                    log_rows = report.LogRows,
                    proving_time_ms = Math.Round(report.ProvingMilliseconds, 2),
                    proof_size = report.ProofBytes,
                    provable_bits = report.Security.Provable,
                    conjectured_bits = report.Security.Conjectured,
                    phases_ms = report.Phases.ToDictionary(p => p.Phase, p => Math.Round(p.Milliseconds, 2)),
                }));
            else
            {
                Console.WriteLine($"{report.Statement}: 2^{report.LogRows} rows, config {report.Config}, backend {backendReport}");
                Console.WriteLine($"proved in {report.ProvingMilliseconds:F1} ms, proof {report.ProofBytes} bytes ({report.ProofBytes / 1024.0:F1} KiB)");
                Console.WriteLine($"security: {report.Security}");
                foreach (var (phase, ms) in report.Phases)
                    Console.WriteLine($"  {phase,-32} {ms,10:F1} ms");
            }
            return 0;
        });
        return command;
    }
}
