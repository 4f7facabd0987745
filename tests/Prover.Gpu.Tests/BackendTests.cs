using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Hash;

namespace Prover.Gpu.Tests;

/// <summary>The OpenCL backend gives the same proof bytes as the CPU backend; selection never throws.</summary>
public class BackendTests
{
    [OpenClTheory]
    [InlineData("fibonacci", 6, "development")]
    [InlineData("lookup", 5, "development")]
    [InlineData("poseidon2", 3, "development")]
    [InlineData("fibonacci", 4, "provable-100")]
    [InlineData("fibonacci", 4, "provable-128")] // 12-element digests: the trees are built on the CPU, the LDEs on the device
    public void DemoProofBytesAreIdenticalOnOpenCl(string demo, int logRows, string config) => ProofBytesIdentical(demo, logRows, config, "opencl");

    internal static void ProofBytesIdentical(string demo, int logRows, string config, string api)
    {
        using var backend = new GpuProverBackend<KoalaBearParameters>(GpuDevices.Device(api), ownsDevice: false);
        Assert.Equal(api, backend.Name);
        var (cpuFile, _) = DemoProofs.Prove(demo, logRows, config);
        var (gpuFile, _) = DemoProofs.Prove(demo, logRows, config, backend);
        Assert.True(cpuFile.AsSpan().SequenceEqual(gpuFile), $"{demo} 2^{logRows} ({config}): proof bytes differ between cpu and {api}");
        Assert.True(DemoProofs.Verify(gpuFile, Prover.Core.Stark.VerificationPolicy.Of(DemoProofs.ConfigByName(config))).Result.IsValid);
    }

    [Fact]
    public void CpuRequestGivesTheCpuBackend()
    {
        var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(BackendKind.Cpu, out var report);
        Assert.Same(CpuBackend<KoalaBearParameters>.Instance, backend);
        Assert.Contains("cpu", report, StringComparison.Ordinal);
    }

    [Fact]
    public void SelectionNeverThrowsAndExplainsMissingDrivers()
    {
        // CUDA: no driver on CI machines; wherever one exists this opens it instead. Either way no exception.
        foreach (var kind in new[] { BackendKind.Auto, BackendKind.Cuda, BackendKind.OpenCl })
        {
            var backend = GpuBackend.CreateOrCpu<KoalaBearParameters>(kind, out var report);
            Assert.False(string.IsNullOrWhiteSpace(report));
            if (backend is CpuBackend<KoalaBearParameters>)
                Assert.Contains("not available", report, StringComparison.Ordinal);
            else
                (backend as IDisposable)?.Dispose();
        }
        var lines = GpuBackend.Describe();
        Assert.Contains(lines, l => l.StartsWith("cuda: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("opencl: ", StringComparison.Ordinal));
    }

    [OpenClFact]
    public void DisposeIsIdempotentAndUseAfterDisposeThrows()
    {
        Assert.True(OpenCl.OpenClDevice.TryOpen(out var device, out var reason), reason);
        var buffer = device!.Allocate(16);
        device.Upload(buffer, new uint[16]);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Upload(buffer, new uint[1]));
        device.Dispose();
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Allocate(1));
    }

    [OpenClFact]
    public void DriverErrorsBecomeExceptionsWithTheirNames()
    {
        var device = GpuDevices.OpenCl!;
        lock (device.SyncRoot)
        {
            using var small = device.Allocate(4);
            Assert.Throws<ArgumentOutOfRangeException>(() => device.Upload(small, new uint[8]));
            var bad = KernelSource.Create("ntt.cl", [new("FIELD_P", "syntax error here")]);
            var e = Assert.Throws<GpuException>(() => device.Kernel(bad, "ntt_dif_level"));
            Assert.Contains("CL_BUILD_PROGRAM_FAILURE", e.Message, StringComparison.Ordinal);
            Assert.Contains("error", e.Message, StringComparison.OrdinalIgnoreCase); // the build log
        }
    }
}

/// <summary>Kernels must not assume a work-group size: the same results with small groups.</summary>
public class GroupSizeTests
{
    [OpenClTheory]
    [InlineData(1)]
    [InlineData(32)]
    public void SmallWorkGroupsGiveTheSameResults(int groupSize)
    {
        Assert.True(OpenCl.OpenClDevice.TryOpen(out var device, out var reason, maxGroupSize: groupSize), reason);
        using (device)
        using (var ops = new GpuOperations<KoalaBearParameters>(device!))
        {
            Assert.Equal(groupSize, device!.GroupSize);
            var input = new Core.Matrix.RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(1024 * 3, groupSize), 3);
            var shift = KoalaBear.MultiplicativeGenerator;
            var expected = Core.Dft.Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(input.Clone(), 1, shift);
            var lde = ops.CosetLdeBitReversed(input, 1, shift);
            Assert.True(expected.Values.AsSpan().SequenceEqual(lde.Values), $"LDE differs with work-groups of {groupSize}");
            Assert.Equal(Core.Merkle.MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default.Commit([lde]).Root, ops.Commit([lde]).Root);
        }
    }
}
