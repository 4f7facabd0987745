using Prover.Witness.Ssz;

namespace Prover.Service;

/// <summary>
/// Supplies the guest input (the canonical <c>StatelessInput</c>) of a bare <c>NewPayloadRequest</c>: zkboost
/// fetches the block's witness from the execution node (<c>debug_executionWitness</c>). No implementation ships
/// yet; without one, such requests fail with <c>witness_timeout</c> and clients post the whole input instead
/// (<see cref="ProofApi.GuestInputContentType"/>).
/// </summary>
public interface IWitnessSource
{
    Task<byte[]> GetGuestInputAsync(NewPayloadRequest request, CancellationToken cancellationToken);
}
