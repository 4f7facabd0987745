using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// The seam between the STARK protocol and the hardware that runs its heavy kernels (LDEs and Merkle
/// trees). Prover.Core ships the CPU implementation; GPU backends (Prover.Gpu) implement the same
/// interface and must return bit-identical results, so proofs are the same bytes on every backend.
/// </summary>
public interface IProverBackend<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>Backend name for reports ("cpu", "cuda", "opencl").</summary>
    string Name { get; }

    /// <summary>DFTs used on small matrices (quotient chunks, final polynomial).</summary>
    ITwoAdicSubgroupDft<MontyField31<TParams>> Dft { get; }

    /// <summary>Coset LDE of each column (evaluations on H in natural order) onto shift·H', rows bit-reversed.</summary>
    RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift);

    /// <summary>
    /// Commits to matrices of power-of-two heights (mixed heights allowed) with the digest of the proof's
    /// configuration: the same tree as <see cref="MerkleTreeMmcs{TParams, TDigest}.Default"/>, whose openings
    /// the prover then takes. A backend whose kernels hash only some digests commits the others on the CPU.
    /// </summary>
    MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams>;
}

/// <summary>The CPU backend: radix-2 DFT and the Poseidon2 Merkle MMCS, multi-threaded.</summary>
public sealed class CpuBackend<TParams> : IProverBackend<TParams> where TParams : struct, IMontyParameters
{
    public static CpuBackend<TParams> Instance { get; } = new();

    public string Name => "cpu";

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Dft.CosetLdeBitReversed(evaluations, addedBits, shift);

    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams> => MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);
}
