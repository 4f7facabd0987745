using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The verifying key of a guest's final proofs under the budget policy with shards of 2^<see cref="LogShardSize"/> cycles
/// (issue 14; docs/design.md, "The shard catalog"): the family over the guest's shard catalog (a leaf per catalog shape,
/// <see cref="CatalogShapes"/> of them), its allowed-key root <see cref="AllowedKeys"/> (R) and the final program's key
/// <see cref="FinalKey"/> — what a verifier of that guest's final proofs needs besides the claimed public values, the same
/// for every execution (<c>prover key</c> prints it; <c>prover verify</c> prints the key a final proof was checked against).
/// </summary>
public sealed record ZkvmCatalogKey(string Config, int LogShardSize, int CatalogShapes, uint[] AllowedKeys, uint[] FinalKey)
{
    /// <summary>
    /// The key of <paramref name="program"/>'s final proofs of executions proved under <paramref name="config"/> (a preset:
    /// its recursion layers are <see cref="ZkvmRecursionLayers.For"/>'s) with the budget policy at 2^<paramref name="logShardSize"/>
    /// cycles per shard. Builds the whole family: a leaf program and key per catalog shape (minutes at provable presets;
    /// the verifying keys kept in <paramref name="keyCache"/> where given).
    /// </summary>
    public static ZkvmCatalogKey Of(ZkvmProgram program, StarkConfig config, int logShardSize, ZkvmKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(config);
        var layers = ZkvmRecursionLayers.For(config);
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Of(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>.For(layers, program, keyCache), logShardSize),
            (4, _) => Of(ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>.For(layers, program, keyCache), logShardSize),
            (_, KoalaBearDigest.Length) => Of(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program, keyCache), logShardSize),
            _ => Of(ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>.For(layers, program, keyCache), logShardSize),
        };
    }

    /// <summary>The same with the tree's programs and keys <paramref name="keys"/> (made once, shared with a prover or verifier).</summary>
    public static ZkvmCatalogKey Of<TDef, TDigest>(ZkvmAggregationKeys<TDef, TDigest> keys, int logShardSize)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(keys);
        var catalog = ShardCatalog.For(keys.Program, logShardSize);
        // What a verifier derives from a catalog-mode summary: the statement's shape and bus fractions (those of one shard:
        // the fractions only enter the leaves' security check at build time, not their programs, so the key is the one of
        // every shard count) and the family over the catalog's shapes.
        var claim = new ZkvmClaim(0, new KoalaBear[TDigest.Length], [], 0, 1);
        var (error, statement) = Zkvm.Proving.ZkvmVerifier<TDef, TDigest>.CheckShapeSet(keys.ShardConfig, keys.Program, claim, catalog.Shapes, 1, catalog: true);
        if (error is not null)
            throw new InvalidOperationException("the catalog does not check: " + error);
        var family = keys.Family(statement!.Config, catalog.Shapes, statement.Fractions);
        var final = keys.FinalChain(family)[^1];
        return new ZkvmCatalogKey(keys.ShardConfig.Name, logShardSize, catalog.Shapes.Count, family.AllowedKeys.ToCanonical(), final.Key.PreprocessedRoot.ToCanonical());
    }
}
