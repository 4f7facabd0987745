using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu;

namespace Prover.Cluster.Tests;

/// <summary>
/// Per-device slots: what a worker advertises for the devices it finds (fake device lists, and ILGPU's CPU accelerator as
/// a real device), and that each shard job runs on one slot whose backend is bound to that slot's device.
/// </summary>
public sealed class WorkerSlotTests
{
    private static readonly LocalDevice[] TwoGpus = [new("cuda", 0, "Fake GPU A", 24L << 30), new("cuda", 1, "Fake GPU B", 80L << 30)];

    [Fact]
    public void EveryDeviceIsASlotAndTheCpuIsOneOnlyWithoutDevicesUnlessAsked()
    {
        var slots = WorkerSlots.Plan(new ClusterOptions(), TwoGpus);
        Assert.Equal(["cuda:0", "cuda:1"], slots.Select(s => s.Device));
        Assert.Equal([0, 1], slots.Select(s => s.Index));
        Assert.Equal(80L << 30, slots[1].MemoryBytes);
        Assert.DoesNotContain(slots, s => s.IsCpu);

        Assert.Equal(["cuda:0", "cuda:1", "cpu"], WorkerSlots.Plan(new ClusterOptions { CpuSlot = true }, TwoGpus).Select(s => s.Device));
        Assert.Equal(["cuda:0"], WorkerSlots.Plan(new ClusterOptions { Slots = 1 }, TwoGpus).Select(s => s.Device));
        Assert.Equal(["cpu"], WorkerSlots.Plan(new ClusterOptions(), []).Select(s => s.Device));
        Assert.Equal(["cpu"], WorkerSlots.Plan(new ClusterOptions { CpuSlot = false }, []).Select(s => s.Device)); // never no slot
        Assert.Equal(3, WorkerSlots.Plan(new ClusterOptions { Slots = 3 }, []).Count(s => s.IsCpu));
    }

    [Fact]
    public void AWorkerAdvertisesOneSlotPerDeviceItOpens()
    {
        var inventory = new FakeInventory([.. TwoGpus, new LocalDevice("cuda", 2, "Broken GPU", 1L << 30)]) { Broken = "cuda:2" };
        using (var service = new ShardWorkerService(new ClusterOptions { Backend = "auto", MemoryBytes = 8L << 30 }, inventory: inventory))
        {
            var d = service.Devices;
            Assert.Equal(2, d.Slots);
            Assert.Equal(["cuda:0", "cuda:1"], d.SlotList.Select(s => s.Device)); // the device that did not open is left out
            Assert.Equal(2, d.Gpus.Length);
            Assert.Contains("Fake GPU B", d.Gpus[1], StringComparison.Ordinal);
            Assert.Equal("fake", d.Backend);
            Assert.Equal(Environment.ProcessorCount, d.CpuCores);
            Assert.Equal(8L << 30, d.MemoryBytes);
            Assert.Equal(2, service.FreeSlots);
        }
        Assert.All(inventory.Opened, b => Assert.True(b.Disposed, "a slot's backend was not disposed with the worker"));

        // --backend cpu: no device is asked for, one CPU slot.
        using var cpu = new ShardWorkerService(new ClusterOptions { Backend = "cpu" }, inventory: new FakeInventory(TwoGpus));
        Assert.Equal(["cpu"], cpu.Devices.SlotList.Select(s => s.Device));
        Assert.Empty(cpu.Devices.Gpus);
        Assert.Equal("cpu", cpu.Devices.Backend);
    }

    [Fact]
    public void IlgpusCpuAcceleratorIsADeviceSlot()
    {
        // The real inventory: ILGPU's CPU accelerator stands in for a GPU on a machine without one (two of them, as --slots 2).
        using var service = new ShardWorkerService(new ClusterOptions { Backend = "ilgpu:cpu", Slots = 2 });
        Assert.Equal(["ilgpu:cpu:0", "ilgpu:cpu:1"], service.Devices.SlotList.Select(s => s.Device));
        Assert.Equal("ilgpu-cpu", service.Devices.Backend);
        Assert.Equal(2, service.FreeSlots);

        // --backend ilgpu: each ILGPU GPU of this machine is a slot; without one, the worker proves on one CPU slot.
        int gpus = Prover.Gpu.Ilgpu.IlgpuDevice.EnumerateGpus(out _).Count;
        using var ilgpu = new ShardWorkerService(new ClusterOptions { Backend = "ilgpu" });
        Assert.Equal(gpus == 0 ? ["cpu"] : [.. Enumerable.Range(0, gpus).Select(i => $"ilgpu:{i}")], ilgpu.Devices.SlotList.Select(s => s.Device));
    }

    [Fact]
    public async Task EachShardJobRunsOnOneSlotBoundToItsDevice()
    {
        var guest = ClusterTestGuests.Hello;
        byte[] input = [.. Enumerable.Range(0, 60).Select(i => (byte)i)]; // three shards of 2^8
        var zkOptions = new ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = 256 };
        var (reference, referenceReport) = ZkvmProofs.Prove(guest.Program, input, zkOptions);
        Assert.Equal(3, referenceReport.Shards);

        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<FakeGpuSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var prover = new ClusterProver(cluster.Client, FakeGpuSilo.Options);
            var (file, _) = await prover.ProveAsync(guest, input, zkOptions, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(reference, file);
            var worker = Assert.Single(prover.Workers);
            Assert.Equal(2, worker.Slots);
            Assert.Equal(["cuda:0", "cuda:1"], worker.SlotList.Select(s => s.Device));

            var service = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services.GetRequiredService<ShardWorkerService>();
            var jobs = service.JobsPerSlot;
            Assert.Equal(6, jobs.Sum()); // three commits and three proofs, each on exactly one slot
            // Binding: a slot's backend (its device) did work exactly when the slot ran jobs.
            var backends = FakeGpuSilo.Inventory.Opened;
            Assert.Equal(2, backends.Count);
            for (int s = 0; s < 2; s++)
                Assert.True(jobs[s] > 0 == backends.Single(b => b.Name == "fake" && b.Device == worker.SlotList[s].Device).Calls > 0,
                    $"slot {s}: {jobs[s]} job(s), its device's backend {backends[s].Calls} call(s)");
            Assert.True(ClusterTestGuests.Verify(guest, file, input).Result.IsValid);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private sealed class FakeGpuSilo : ISiloConfigurator
    {
        public static ClusterOptions Options { get; } = new() { Backend = "auto", WaitForWorkers = TimeSpan.FromSeconds(30) };

        public static FakeInventory Inventory { get; } = new(TwoGpus);

        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddShardWorker(Options);
            siloBuilder.Services.AddSingleton<IDeviceInventory>(Inventory);
        }
    }

    /// <summary>A device list of the test's choosing; each device opens as a <see cref="CountingBackend"/> (the CPU's arithmetic, counted).</summary>
    internal sealed class FakeInventory(IReadOnlyList<LocalDevice> devices) : IDeviceInventory
    {
        private readonly List<CountingBackend> _opened = [];

        public string? Broken { get; init; }

        public IReadOnlyList<CountingBackend> Opened
        {
            get
            {
                lock (_opened)
                    return [.. _opened];
            }
        }

        public IReadOnlyList<LocalDevice> Find(BackendKind kind, int cpuAccelerators, out string report)
        {
            report = kind == BackendKind.Cpu ? "cpu requested" : $"{devices.Count} fake device(s)";
            return kind == BackendKind.Cpu ? [] : devices;
        }

        public IProverBackend<KoalaBearParameters> Open(LocalDevice device)
        {
            if (device.Id == Broken)
                throw new InvalidOperationException("the fake device does not open");
            var backend = new CountingBackend(device.Id);
            lock (_opened)
                _opened.Add(backend);
            return backend;
        }
    }

    /// <summary>The CPU backend's results under another name, counting the calls that reach it.</summary>
    internal sealed class CountingBackend(string device) : IProverBackend<KoalaBearParameters>, IDisposable
    {
        private static readonly CpuBackend<KoalaBearParameters> Cpu = CpuBackend<KoalaBearParameters>.Instance;
        private int _calls;

        public string Device { get; } = device;

        public int Calls => _calls;

        public bool Disposed { get; private set; }

        public string Name => "fake";

        public ITwoAdicSubgroupDft<MontyField31<KoalaBearParameters>> Dft => Cpu.Dft;

        public RowMajorMatrix<MontyField31<KoalaBearParameters>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<KoalaBearParameters>> evaluations, int addedBits,
            MontyField31<KoalaBearParameters> shift)
        {
            Interlocked.Increment(ref _calls);
            return Cpu.CosetLdeBitReversed(evaluations, addedBits, shift);
        }

        public MerkleTree<KoalaBearParameters, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<KoalaBearParameters>>> matrices)
            where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
        {
            Interlocked.Increment(ref _calls);
            return Cpu.Commit<TDigest>(matrices);
        }

        public void Dispose() => Disposed = true;
    }
}
