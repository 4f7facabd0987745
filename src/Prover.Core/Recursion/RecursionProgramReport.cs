using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// The size of the verifier program for one proof shape: what the recursion chips will have to prove per verified
/// proof (docs/benchmarks.md, "Recursion"). Extension operations are counted by kind; Poseidon2 permutations by width.
/// </summary>
public sealed record RecursionProgramReport(string Config, int Tables, int[] LogHeights, int Instructions, int Felts, int Exts, long HintFelts,
    IReadOnlyDictionary<RecursionOp, int> Operations, IReadOnlyDictionary<int, int> Permutations, double BuildMilliseconds)
{
    /// <summary>The program for <paramref name="airs"/> at 2^<paramref name="logHeights"/> rows under a preset (its extension and digest).</summary>
    /// <param name="sharedSeedLength">For a proof of a shared-challenge group (a zkVM shard): its seed's length.</param>
    public static RecursionProgramReport For(StarkConfig config, IReadOnlyList<IAir<KoalaBear>> airs, int[] logHeights, int? sharedSeedLength = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => For<KoalaBearQuartic, KoalaBearDigest>(config, airs, logHeights, sharedSeedLength),
            (4, _) => For<KoalaBearQuartic, KoalaBearWideDigest>(config, airs, logHeights, sharedSeedLength),
            (_, KoalaBearDigest.Length) => For<KoalaBearOctic, KoalaBearDigest>(config, airs, logHeights, sharedSeedLength),
            _ => For<KoalaBearOctic, KoalaBearWideDigest>(config, airs, logHeights, sharedSeedLength),
        };
    }

    private static RecursionProgramReport For<TDef, TDigest>(StarkConfig config, IReadOnlyList<IAir<KoalaBear>> airs, int[] logHeights, int? sharedSeedLength)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var program = RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Build(config, airs, logHeights, sharedSeedLength);
        double ms = sw.Elapsed.TotalMilliseconds;
        return new(config.Name, airs.Count, logHeights, program.Instructions.Count, program.FeltCount, program.ExtCount, program.HintFelts,
            program.Counts(), program.Permutations(), ms);
    }

    /// <summary>Extension-field multiplications (ext × ext, plain or fused with an addition), the costliest arithmetic rows.</summary>
    public int ExtMultiplications => Operations.GetValueOrDefault(RecursionOp.EMul) + Operations.GetValueOrDefault(RecursionOp.EMulAdd);

    /// <summary>All extension-field operations (add, sub, mul, mul by a felt, add a felt, inverse, select, the fused multiply-adds).</summary>
    public int ExtOperations => new[] { RecursionOp.EAdd, RecursionOp.ESub, RecursionOp.EMul, RecursionOp.EMulF, RecursionOp.EAddF, RecursionOp.EInv, RecursionOp.ESelect, RecursionOp.EMulFAdd, RecursionOp.EMulAdd }
        .Sum(op => Operations.GetValueOrDefault(op));

    /// <summary>Base-field operations (add, sub, mul, inverse, select).</summary>
    public int BaseOperations => new[] { RecursionOp.FAdd, RecursionOp.FSub, RecursionOp.FMul, RecursionOp.FInv, RecursionOp.FSelect }
        .Sum(op => Operations.GetValueOrDefault(op));
}
