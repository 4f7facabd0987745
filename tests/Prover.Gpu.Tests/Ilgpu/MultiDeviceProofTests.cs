using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// Multi-GPU in the direct prover (issue 13 item 3): a zkVM proof whose shard proofs run on several ILGPU devices at once (here
/// ILGPU CPU accelerators, one slot each; <see cref="ZkvmProverOptions.Backends"/>) is the CPU backend's bytes, every device
/// proves shards, each device proves more shards than one in turn (its buffers and the key's retained copies reused), and a device
/// too small for the shards is given none. hello.elf in shards of 2^6 cycles: 4 small shards, so the test takes seconds on the
/// CPU accelerator (misaligned.elf in 3 shards of 2^9, as before, took about 3 minutes).
/// </summary>
public class MultiDeviceProofTests(ITestOutputHelper output)
{
    [Fact]
    public void Shards_proved_on_two_ilgpu_devices_at_once_are_the_cpu_bytes()
    {
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf")));
        var config = StarkConfig.Development with { NumQueries = 8, QueryPowBits = 0 };
        byte[] Prove(IReadOnlyList<IProverBackend<KoalaBearParameters>>? backends) =>
            new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, ShardSize = 1 << 6, Backends = backends })
                .Prove(program, []).ToBytes();
        var cpu = Prove(null);
        int shards = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(cpu).Shards.Count;
        Assert.True(shards >= 4, $"{shards} shards: the test needs at least two per device");
        var devices = new IlgpuProverBackend<KoalaBearParameters>[3];
        try
        {
            for (int i = 0; i < devices.Length; i++)
            {
                Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var device, out string report), report);
                devices[i] = new IlgpuProverBackend<KoalaBearParameters>(device!);
            }
            // The third device holds no shard: it is given none (the others prove them all).
            devices[2].DeviceMemoryLimit = 1;
            var start = System.Diagnostics.Stopwatch.StartNew();
            var bytes = Prove(devices);
            output.WriteLine($"{shards} shards on two ILGPU CPU accelerators: {start.Elapsed.TotalSeconds:F1} s; quotient calls per device: " +
                string.Join(", ", devices.Select(d => d.Traffic.Calls(IlgpuTraffic.Quotient))));
            Assert.Equal(cpu, bytes);
            Assert.True(devices[0].Traffic.Calls(IlgpuTraffic.Quotient) > 0);
            Assert.True(devices[1].Traffic.Calls(IlgpuTraffic.Quotient) > 0); // the second device proved shards too
            Assert.Equal(0, devices[2].Traffic.Calls(IlgpuTraffic.Quotient));
            // A slot proves one shard at a time: every shard ran its FRI final polynomial on exactly one device, and the two devices
            // together ran one per shard (so at least one device proved several shards in turn).
            Assert.Equal(shards, devices[0].Traffic.Calls(IlgpuTraffic.FriFinal) + devices[1].Traffic.Calls(IlgpuTraffic.FriFinal));
            Assert.All(devices, d => Assert.Equal(0, d.Operations.ResidentCount));
            Assert.All(devices, d => Assert.Equal(0, d.Operations.RetainedCount)); // the proof's key went with it
        }
        finally
        {
            foreach (var d in devices)
                d?.Dispose();
        }
    }
}
