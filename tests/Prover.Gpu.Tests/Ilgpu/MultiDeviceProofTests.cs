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
/// proves shards, and a device too small for the shards is given none.
/// </summary>
public class MultiDeviceProofTests(ITestOutputHelper output)
{
    [Fact]
    public void Shards_proved_on_two_ilgpu_devices_at_once_are_the_cpu_bytes()
    {
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "misaligned.elf")));
        var config = StarkConfig.Development with { NumQueries = 8, QueryPowBits = 0 };
        byte[] Prove(IReadOnlyList<IProverBackend<KoalaBearParameters>>? backends) =>
            new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = config, ShardSize = 1 << 9, Backends = backends })
                .Prove(program, []).ToBytes();
        var cpu = Prove(null);
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
            output.WriteLine($"{ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(bytes).Shards.Count} shards on two ILGPU CPU accelerators: {start.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(cpu, bytes);
            Assert.True(devices[0].Traffic.Calls(IlgpuTraffic.Quotient) > 0);
            Assert.True(devices[1].Traffic.Calls(IlgpuTraffic.Quotient) > 0); // the second device proved shards too
            Assert.Equal(0, devices[2].Traffic.Calls(IlgpuTraffic.Quotient));
            Assert.All(devices, d => Assert.Equal(0, d.Operations.ResidentCount));
        }
        finally
        {
            foreach (var d in devices)
                d?.Dispose();
        }
    }
}
