using Prover.Core.Zkvm.Proving;
using Xunit;

namespace Prover.Node.Tests;

/// <summary>A node that proves through an engine (a cluster) opens no device of its own.</summary>
public class NodeProverEngineTests
{
    private sealed class NamedEngine : IProofEngine
    {
        public string Name => "test engine";

        public Task<(byte[] File, ZkvmProofReport Report)> ProveAsync(ProverGuest guest, byte[] input, ZkvmProverOptions options, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not called by this test");
    }

    [Fact]
    public void WithAnEngineTheNodeOpensNoDeviceEvenWhenAGpuBackendIsAsked()
    {
        // ilgpu:cpu would open an ILGPU context (and report device counters) if the node opened its own backend.
        using var prover = new NodeProver(new NodeProverOptions { Backend = ProverBackendKind.IlgpuCpu }, engine: new NamedEngine());
        Assert.Equal("test engine", prover.BackendName);
        Assert.Null(prover.DeviceCounters);
    }

    [Fact]
    public void WithoutAnEngineTheAskedBackendIsOpened()
    {
        using var prover = new NodeProver(new NodeProverOptions { Backend = ProverBackendKind.IlgpuCpu });
        Assert.Equal("ilgpu-cpu", prover.BackendName);
        Assert.NotNull(prover.DeviceCounters);
    }
}
