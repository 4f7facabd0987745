using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// The device kernels hash 8-element digests only; a configuration with 12-element digests (provable-128) has its
/// trees built by the CPU MMCS on every GPU backend, so its proofs are the CPU's bytes, never a tree of the wrong hash.
/// </summary>
public class WideDigestBackendTests
{
    [Fact]
    public void Wide_digest_trees_come_from_the_cpu_and_narrow_ones_from_the_device()
    {
        Assert.True(IlgpuProverBackend<KoalaBearParameters>.HashesOnDevice<Digest<KoalaBearParameters>>());
        Assert.False(IlgpuProverBackend<KoalaBearParameters>.HashesOnDevice<WideDigest<KoalaBearParameters>>());
        Assert.True(GpuProverBackend<KoalaBearParameters>.HashesOnDevice<Digest<KoalaBearParameters>>());
        Assert.False(GpuProverBackend<KoalaBearParameters>.HashesOnDevice<WideDigest<KoalaBearParameters>>());

        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var big = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(64 * 5, 3), 5);
        var small = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(16 * 3, 4), 3);
        var wide = backend.Commit<WideDigest<KoalaBearParameters>>([big, small]);
        var expected = MerkleTreeMmcs<KoalaBearParameters, WideDigest<KoalaBearParameters>>.Default.Commit([big, small]);
        Assert.Equal(expected.Root, wide.Root);
        for (int level = 0; level < expected.LayerCount; level++)
            Assert.True(expected.Layer(level).SequenceEqual(wide.Layer(level)), $"layer {level}");
        var narrow = backend.Commit<Digest<KoalaBearParameters>>([big, small]);
        Assert.Equal(MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default.Commit([big, small]).Root, narrow.Root);
    }

    [Fact]
    public void Provable_128_proof_bytes_are_identical_on_the_ilgpu_cpu_accelerator()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        var (cpuFile, _) = DemoProofs.Prove("fibonacci", 4, "provable-128");
        var (gpuFile, report) = DemoProofs.Prove("fibonacci", 4, "provable-128", backend);
        Assert.True(cpuFile.AsSpan().SequenceEqual(gpuFile), "provable-128 proof bytes differ between cpu and ilgpu-cpu");
        Assert.True(report.Security.Provable >= 128);
        Assert.True(DemoProofs.Verify(gpuFile, VerificationPolicy.Of(StarkConfig.Provable128)).Result.IsValid);
    }
}
