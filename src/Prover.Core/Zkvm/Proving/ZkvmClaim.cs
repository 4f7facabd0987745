using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// What an execution proof claims besides its shards: the private input's size and commitment, the committed output,
/// the exit code and the cycle count (the header of <see cref="ZkvmProof{TDef, TDigest}"/>, and of an aggregated proof).
/// </summary>
public sealed record ZkvmClaim(ulong InputSize, KoalaBear[] InputCommitment, byte[] Output, int ExitCode, long Cycles);

/// <summary>
/// An execution's statement checked by <see cref="ZkvmVerifier{TDef, TDigest}.CheckStatement"/>: the shape every shard proof
/// has (the configuration, or its small-statement shape), each shard's shared
/// challenges and seed, γ and β, the bus fractions of the whole statement (for the security bound), the preprocessed key
/// over all chips, and the bus sum of the verifier's own tuples (which every shard's sum must cancel with).
/// </summary>
public sealed record ZkvmCheckedStatement<TDef, TDigest>(StarkConfig Config, SharedBusChallenges<ExtensionField<KoalaBear, TDef>>[] Seeds, ExtensionField<KoalaBear, TDef> Gamma,
    ExtensionField<KoalaBear, TDef> Beta, double Fractions, VerifyingKey<KoalaBearParameters, TDigest> FullKey, ExtensionField<KoalaBear, TDef> PublicBusSum)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>;
