using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>What a keyed node needs per child besides the child's proof data: its key's position in the allowed set and the path's siblings.</summary>
/// <param name="Proof">The child proof's own hint source (its channels 0…14, as for any verifier program).</param>
/// <param name="IndexBits">The key's index in the set, one felt per level (least significant first).</param>
/// <param name="Siblings">The path's siblings, bottom first, L felts each.</param>
public sealed record KeyedChildHints<TParams>(IRecursionHints<TParams> Proof, MontyField31<TParams>[] IndexBits, MontyField31<TParams>[] Siblings)
    where TParams : struct, IMontyParameters;

/// <summary>
/// The hint source of a program of a keyed recursion family (<see cref="KeyedRecursion{TParams, TDef, TDigest}"/>):
/// channel <see cref="KeyedRecursion{TParams, TDef, TDigest}.RootChannel"/> answers the allowed-key root the program
/// states; channel c · stride + k is child c's: k = <see cref="KeyedRecursion{TParams, TDef, TDigest}.IndexBitsChannel"/>
/// and <see cref="KeyedRecursion{TParams, TDef, TDigest}.SiblingsChannel"/> its membership path, any other k its proof's
/// channel k. Untrusted like every hint source: the node checks the root against its children's and the paths up to it.
/// </summary>
public sealed class KeyedRecursionHints<TParams>(MontyField31<TParams>[] root, IReadOnlyList<KeyedChildHints<TParams>> children) : IRecursionHints<TParams>
    where TParams : struct, IMontyParameters
{
    private readonly MontyField31<TParams>[] _root = [.. root ?? throw new ArgumentNullException(nameof(root))];
    private readonly KeyedChildHints<TParams>[] _children = [.. children ?? throw new ArgumentNullException(nameof(children))];

    /// <summary>The root the program is told to state.</summary>
    public IReadOnlyList<MontyField31<TParams>> Root => _root;

    public IReadOnlyList<KeyedChildHints<TParams>> Children => _children;

    public MontyField31<TParams>[] Read(int channel, ReadOnlySpan<MontyField31<TParams>> arguments, int count)
    {
        const int stride = AggregationHints<TParams>.ChannelStride;
        if (channel == KeyedRecursionChannels.Root)
            return Exactly(_root, count, "allowed-key root");
        int child = channel / stride, k = channel % stride;
        if (channel < 0 || child >= _children.Length)
            throw new RecursionHintException($"hint channel {channel} names child {child}, but there are {_children.Length}");
        return k switch
        {
            KeyedRecursionChannels.IndexBits => Exactly(_children[child].IndexBits, count, $"child {child}'s key index bits"),
            KeyedRecursionChannels.Siblings => Exactly(_children[child].Siblings, count, $"child {child}'s key path"),
            _ => _children[child].Proof.Read(k, arguments, count),
        };
    }

    private static MontyField31<TParams>[] Exactly(MontyField31<TParams>[] values, int count, string what) =>
        values.Length == count ? [.. values] : throw new RecursionHintException($"the {what} has {values.Length} elements, the program reads {count}");
}

/// <summary>The hint channels a keyed recursion program adds to its children's (each child's proof uses channels 0…14 of its stride).</summary>
public static class KeyedRecursionChannels
{
    /// <summary>The allowed-key root the program states (child 0's stride, above every proof channel).</summary>
    public const int Root = 31;

    /// <summary>Within child c's stride: its key's index bits.</summary>
    public const int IndexBits = 16;

    /// <summary>Within child c's stride: its key's Merkle path siblings.</summary>
    public const int Siblings = 17;
}
