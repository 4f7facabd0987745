using Microsoft.Extensions.DependencyInjection;
using Prover.Cluster;

namespace Prover.Cli.Tests;

/// <summary>
/// <c>prove --cluster local</c>: the in-process silo gives the direct proof's bytes and proves on the command's
/// <c>--backend</c> (it used to ignore it). Part of <see cref="CliTests"/> (one class: the tests redirect the console).
/// </summary>
public sealed partial class CliTests
{
    [Fact]
    public void Prove_on_the_local_cluster_gives_the_direct_bytes_on_the_same_backend()
    {
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        string direct = Path.Combine(_dir, "hello-direct.bin"), viaCluster = Path.Combine(_dir, "hello-cluster.bin");
        // cuda: the CUDA backend where there is a CUDA device, else both paths fall back to the CPU backend; either way both name the same one.
        var d = Run("prove", "--elf", elf, "--config", "development", "--log-shard-size", "10", "--backend", "cuda", "--out", direct, "--json");
        Assert.True(d.Exit == 0, d.Err);
        var c = Run("prove", "--elf", elf, "--config", "development", "--log-shard-size", "10", "--backend", "cuda", "--cluster", "local", "--out", viaCluster, "--json");
        Assert.True(c.Exit == 0, c.Err);
        string Backend(string json)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("backend").GetString()!;
        }
        Assert.Equal($"cluster (in-process: {Backend(d.Out)})", Backend(c.Out));
        Assert.Equal(File.ReadAllBytes(direct), File.ReadAllBytes(viaCluster));
    }

    [Fact]
    public async Task The_local_cluster_worker_proves_on_the_backend_option()
    {
        // An explicit --backend reaches the in-process worker: ILGPU's CPU accelerator is a device slot on every machine.
        var settings = WorkerCommand.CoordinatorSettings("local", "ilgpu:cpu");
        Assert.Equal("ilgpu:cpu", settings.Backend);
        await using (var cluster = await ClusterHosting.OpenAsync("local", settings))
        {
            var worker = cluster.Services.GetRequiredService<ShardWorkerService>();
            Assert.Equal("ilgpu-cpu", worker.Devices.Backend);
            Assert.Equal(["ilgpu:cpu:0"], worker.Devices.SlotList.Select(s => s.Device));
        }
        // Without --backend the in-process worker proves on the CPU, as direct proving does.
        Assert.Equal("cpu", WorkerCommand.CoordinatorSettings("local", null).Backend);
        // A Redis cluster's workers keep their own --backend: the coordinator's option does not travel.
        Assert.Equal(WorkerCommand.Settings("127.0.0.1:6379").Backend, WorkerCommand.CoordinatorSettings("127.0.0.1:6379", "ilgpu:cpu").Backend);
    }
}
