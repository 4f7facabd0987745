using Prover.Core.Field;

namespace Prover.Gpu.Tests;

/// <summary>
/// The same checks as the OpenCL tests, through the CUDA driver and NVRTC: they run on a machine with
/// an NVIDIA GPU and skip elsewhere (CI has no GPU; there NVRTC still compiles every kernel, see
/// <see cref="NvrtcCompileTests"/>).
/// </summary>
public class CudaKernelTests
{
    [CudaTheory]
    [MemberData(nameof(NttTests.LdeCases), MemberType = typeof(NttTests))]
    [InlineData(18, 8, 2)]
    public void CosetLdeMatchesCpu(int log, int width, int added)
    {
        NttTests.Lde<KoalaBearParameters>(log, width, added, "cuda");
        NttTests.Lde<BabyBearParameters>(log, width, added, "cuda");
    }

    [CudaTheory]
    [InlineData(1)]
    [InlineData(1000)]
    public void PermutationMatchesCpu(int states)
    {
        MerkleTests.Permutation<KoalaBearParameters>(states, "cuda");
        MerkleTests.Permutation<BabyBearParameters>(states, "cuda");
    }

    [CudaTheory]
    [MemberData(nameof(MerkleTests.CommitCases), MemberType = typeof(MerkleTests))]
    public void CommitMatchesCpu(int[] logHeights, int[] widths)
    {
        MerkleTests.Commit<KoalaBearParameters>(logHeights, widths, "cuda");
        MerkleTests.Commit<BabyBearParameters>(logHeights, widths, "cuda");
    }

    [CudaTheory]
    [InlineData(1)]
    [InlineData(16)]
    public void FriFoldMatchesCpu(int logN)
    {
        FriTests.Fold<KoalaBearQuartic>(logN, "cuda");
        FriTests.Fold<KoalaBearOctic>(logN, "cuda");
    }

    [CudaTheory]
    [InlineData(70000, 11)]
    public void CombineColumnsMatchesCpu(int rows, int width)
    {
        CombineTests.Combine<KoalaBearQuartic>(rows, width, "cuda");
        CombineTests.Combine<KoalaBearOctic>(rows, width, "cuda");
    }

    [CudaTheory]
    [InlineData("fibonacci", 10, "development")]
    [InlineData("lookup", 8, "development")]
    [InlineData("poseidon2", 6, "provable-100")]
    [InlineData("fibonacci", 8, "provable-128")]
    public void DemoProofBytesAreIdentical(string demo, int logRows, string config) =>
        BackendTests.ProofBytesIdentical(demo, logRows, config, "cuda");
}
