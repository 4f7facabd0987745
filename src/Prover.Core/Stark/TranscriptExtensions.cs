using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>How the STARK's transcript observes its commitments.</summary>
internal static class TranscriptExtensions
{
    /// <summary>
    /// Observes a Merkle cap: its size, then every digest. The size already follows from the observed header (cap height,
    /// table heights); observing it too keeps caps of different sizes from ever sharing a transcript.
    /// </summary>
    public static void Observe<TParams, TDigest>(this DuplexChallenger<TParams, TDigest> challenger, MerkleCap<TParams, TDigest> cap)
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        challenger.Observe(MontyField31<TParams>.FromUInt64((ulong)cap.Count));
        foreach (var digest in cap.Digests)
            challenger.Observe(digest);
    }
}
