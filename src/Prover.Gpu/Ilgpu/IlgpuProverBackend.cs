using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// <see cref="IProverBackend{TParams}"/> on an ILGPU accelerator (CUDA, OpenCL or ILGPU's CPU
/// accelerator): the trace and quotient LDEs and the Merkle commitments run as C# ILGPU kernels. Results
/// are word-for-word those of <see cref="CpuBackend{TParams}"/>, so proofs are the same bytes.
/// </summary>
public sealed class IlgpuProverBackend<TParams> : IProverBackend<TParams>, IDisposable where TParams : struct, IMontyParameters
{
    private readonly bool _ownsDevice;

    public IlgpuProverBackend(IlgpuDevice device, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _ownsDevice = ownsDevice;
        Operations = new IlgpuOperations<TParams>(device);
    }

    public IlgpuDevice Device { get; }

    public IlgpuOperations<TParams> Operations { get; }

    /// <summary>"ilgpu-cuda", "ilgpu-opencl" or "ilgpu-cpu".</summary>
    public string Name => "ilgpu-" + Device.Api;

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    public MerkleTreeMmcs<TParams> Mmcs => MerkleTreeMmcs<TParams>.Default;

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Operations.CosetLdeBitReversed(evaluations, addedBits, shift);

    public MerkleTree<TParams> Commit(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices) => Operations.Commit(matrices);

    public void Dispose()
    {
        Operations.Dispose();
        if (_ownsDevice)
            Device.Dispose();
    }
}
