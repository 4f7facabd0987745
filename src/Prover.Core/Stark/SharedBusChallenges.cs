using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>
/// LogUp challenges shared by several proofs whose buses balance only together (the shards of a zkVM
/// execution, docs/design.md "zkVM: sharded proving"). The caller draws γ and β from a transcript that
/// observed every proof's main commitment and public values, so no proof's traces can depend on them.
/// Each proof then observes <see cref="Seed"/> (which binds it to that global transcript and names its
/// place in it) before its own main commitment, uses γ and β instead of drawing its own, and is not
/// required to balance alone: the caller checks that the sums of all proofs (plus any terms it adds for
/// verifier-known tuples) add to zero.
/// </summary>
public sealed record SharedBusChallenges<TExt>(TExt Gamma, TExt Beta, ulong[] Seed) where TExt : struct
{
    /// <summary>
    /// LogUp fractions (interactions × rows) of the whole group: the security report of each proof counts the bus
    /// error over all of them, since one balance over the group is what the shared challenges must catch. Null
    /// counts only the proof's own (an underestimate for a group; callers that know the group set it).
    /// </summary>
    public double? StatementFractions { get; init; }
}
