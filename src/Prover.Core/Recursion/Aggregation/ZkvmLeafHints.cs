using Prover.Core.Field;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The hint source of a zkVM aggregation leaf (<see cref="ZkvmAggregationPrograms{TDef, TDigest}.Leaf"/>): the allowed-key
/// root R it states (<see cref="KeyedRecursionChannels.Root"/>), for an accelerator shard its pass-through CPU point and
/// input size (<see cref="ZkvmAggregationPrograms{TDef, TDigest}.PassThroughChannel"/>), and every other channel its shard
/// proof's. Untrusted like every hint source: the node above checks R and binds the pass-through to the neighbours.
/// </summary>
public sealed class ZkvmLeafHints(KoalaBear[] root, KoalaBear[] passThrough, IRecursionHints<KoalaBearParameters> proof) : IRecursionHints<KoalaBearParameters>
{
    /// <summary>The channel of the pass-through values (the programs' constant, for every extension and digest).</summary>
    internal const int PassThroughChannel = 20;

    private readonly KoalaBear[] _root = [.. root ?? throw new ArgumentNullException(nameof(root))];
    private readonly KoalaBear[] _passThrough = [.. passThrough ?? throw new ArgumentNullException(nameof(passThrough))];
    private readonly IRecursionHints<KoalaBearParameters> _proof = proof ?? throw new ArgumentNullException(nameof(proof));

    public KoalaBear[] Read(int channel, ReadOnlySpan<KoalaBear> arguments, int count) => channel switch
    {
        KeyedRecursionChannels.Root => Exactly(_root, count, "allowed-key root"),
        PassThroughChannel => Exactly(_passThrough, count, "pass-through point and input size"),
        _ => _proof.Read(channel, arguments, count),
    };

    private static KoalaBear[] Exactly(KoalaBear[] values, int count, string what) =>
        values.Length == count ? [.. values] : throw new RecursionHintException($"the {what} has {values.Length} elements, the program reads {count}");
}
