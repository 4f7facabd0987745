using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
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

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Operations.CosetLdeBitReversed(evaluations, addedBits, shift);

    /// <summary>
    /// The device kernels hash 8-element digests (Poseidon2 width 16): those trees are built on the device. A
    /// configuration with wider digests (provable-128: 12 elements, width 24) is committed by the CPU MMCS instead —
    /// the same tree any backend must produce, so the proof stays correct and identical; only the LDEs run on the device.
    /// </summary>
    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams> =>
        typeof(TDigest) == typeof(Digest<TParams>)
            ? (MerkleTree<TParams, TDigest>)(object)Operations.Commit(matrices)
            : MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);

    /// <summary>Whether trees of <typeparamref name="TDigest"/> are hashed on the device (else on the CPU).</summary>
    public static bool HashesOnDevice<TDigest>() where TDigest : struct, IDigest<TDigest, TParams> => typeof(TDigest) == typeof(Digest<TParams>);

    public void Dispose()
    {
        Operations.Dispose();
        if (_ownsDevice)
            Device.Dispose();
    }
}
