using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>
/// The hint source of a program that verifies several proofs (<see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}.BuildAggregation"/>):
/// channel <c>c · ChannelStride + k</c> is child c's channel k, answered by that child's own source. Like every hint
/// source it is untrusted: each child's data is checked by that child's part of the program.
/// </summary>
public sealed class AggregationHints<TParams>(IReadOnlyList<IRecursionHints<TParams>> children) : IRecursionHints<TParams>
    where TParams : struct, IMontyParameters
{
    /// <summary>The stride between children's channels (the same for every instantiation of the verifier program).</summary>
    public const int ChannelStride = 32;

    private readonly IRecursionHints<TParams>[] _children = [.. children ?? throw new ArgumentNullException(nameof(children))];

    public MontyField31<TParams>[] Read(int channel, ReadOnlySpan<MontyField31<TParams>> arguments, int count)
    {
        int child = channel / ChannelStride;
        if (channel < 0 || child >= _children.Length)
            throw new RecursionHintException($"hint channel {channel} names child {child}, but there are {_children.Length}");
        return _children[child].Read(channel % ChannelStride, arguments, count);
    }
}
