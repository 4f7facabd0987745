using Prover.Core.Zkvm.Proving;

namespace Prover.Node;

/// <summary>
/// Where a <see cref="NodeProver"/>'s proofs are made. Without one, in its own process
/// (<see cref="ZkvmProofs.Prove(ZkvmProgram, byte[], ZkvmProverOptions)"/>); the Prover.Cluster package supplies one that
/// spreads the shards over a cluster of workers. An engine must give the same proof file as the local prover for the
/// same guest, input and options (configuration and shard size), so verification and proof stores cannot tell them apart.
/// </summary>
public interface IProofEngine
{
    /// <summary>A short name for logs and reports (e.g. "cluster (3 workers)").</summary>
    string Name { get; }

    /// <summary>Proves <paramref name="guest"/> on <paramref name="input"/>; the proof file and its report. Guest faults surface as <see cref="Core.Machine.MachineException"/>.</summary>
    Task<(byte[] File, ZkvmProofReport Report)> ProveAsync(ProverGuest guest, byte[] input, ZkvmProverOptions options, CancellationToken cancellationToken);
}
