using System.CommandLine;
using System.Text.Json;
using Prover.Gpu.Ilgpu;

namespace Prover.Cli;

/// <summary>
/// <c>prover gpu-bench --device gpu|cpu --log-n 24 [--json]</c>: the ILGPU kernel benchmarks
/// (coset LDE, Poseidon2, Merkle commit, FRI fold) on a GPU or on ILGPU's CPU accelerator.
/// </summary>
internal static class GpuBenchCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "gpu (CUDA or OpenCL through ILGPU) or cpu (ILGPU's CPU accelerator)", DefaultValueFactory = _ => "gpu" };
        device.AcceptOnlyFromAmong("gpu", "cpu");
        var logN = new Option<int>("--log-n") { Description = "log2 of the size (elements, states, leaves): 4..26", DefaultValueFactory = _ => 20 };
        var repeats = new Option<int>("--repeats") { Description = "timed runs per kernel (best reported)", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var command = new Command("gpu-bench", "measure the ILGPU kernels (LDE, Poseidon2, Merkle, FRI fold) host to host") { device, logN, repeats, json };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(logN), r = parse.GetValue(repeats);
            if (n is < 4 or > 26 || r < 1)
            {
                Console.Error.WriteLine("error: --log-n must be 4..26 and --repeats at least 1");
                return 2;
            }
            var kind = parse.GetValue(device) == "cpu" ? IlgpuDeviceKind.Cpu : IlgpuDeviceKind.Gpu;
            if (!IlgpuDevice.TryOpen(kind, out var dev, out var report))
            {
                Console.Error.WriteLine("error: no ILGPU device: " + report);
                return 1;
            }
            using (dev)
            {
                bool asJson = parse.GetValue(json);
                if (!asJson)
                    Console.WriteLine($"device: {dev!.Description}");
                var results = IlgpuKernelBenchmarks.Run(dev!, n, r, asJson ? null : x =>
                    Console.WriteLine($"{x.Name,-44} {x.Milliseconds,10:F2} ms {x.Rate,10:F2} {x.RateUnit}  ({x.BytesMoved >> 10} KiB host<->device)"));
                if (asJson)
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        device = dev!.Description,
                        log_n = n,
                        peak_device_bytes = dev!.PeakDeviceBytes,
                        results = results.Select(x => new { name = x.Name, ms = Math.Round(x.Milliseconds, 3), rate = Math.Round(x.Rate, 3), unit = x.RateUnit, bytes_moved = x.BytesMoved }),
                    }));
                else
                    Console.WriteLine($"peak device memory held: {dev!.PeakDeviceBytes >> 20} MiB");
            }
            return 0;
        });
        return command;
    }
}
