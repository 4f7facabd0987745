using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Gathering words at given offsets of a device buffer into a small one: the query openings take the opened rows of a committed
/// matrix and the sibling digests of a Merkle tree this way from their device copies, so only the opened words cross the bus.
/// </summary>
public static class GatherKernels
{
    /// <summary>output[i] = source[offsets[i]].</summary>
    public static void Gather(Index1D i, ArrayView<uint> source, ArrayView<int> offsets, ArrayView<uint> output) =>
        output[i] = source[offsets[i]];
}
