using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Merkle;

/// <summary>Bounds on caps that hold for every field.</summary>
public static class MerkleCap
{
    /// <summary>Largest cap height a configuration may ask for (a cap of 2^10 digests).</summary>
    public const int MaxHeight = 10;
}

/// <summary>
/// The commitment to a Merkle tree: its 2^c nodes at height c below the root, left to right (c = 0: the root
/// alone). Sending 2^c digests once lets every opening stop c levels early; with deduplicated multi-openings
/// (<see cref="MultiOpening{TParams, TDigest}"/>) the top levels are mostly derivable anyway, so the best c is measured,
/// not assumed (docs/design.md, "Openings"). Value equality over the digests.
/// </summary>
public sealed class MerkleCap<TParams, TDigest> : IEquatable<MerkleCap<TParams, TDigest>>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private readonly TDigest[] _digests;

    /// <summary>A cap of <paramref name="digests"/> (a power of two of them, copied).</summary>
    public MerkleCap(ReadOnlySpan<TDigest> digests)
    {
        if (digests.Length == 0 || !BitOperations.IsPow2(digests.Length))
            throw new ArgumentException($"a cap has a power-of-two number of digests, got {digests.Length}", nameof(digests));
        _digests = digests.ToArray();
    }

    /// <summary>The cap of height 0: the root.</summary>
    public static MerkleCap<TParams, TDigest> FromRoot(TDigest root) => new([root]);

    /// <summary>Number of digests (2^<see cref="Height"/>).</summary>
    public int Count => _digests.Length;

    /// <summary>Levels below the root at which the cap sits.</summary>
    public int Height => BitOperations.Log2((uint)_digests.Length);

    public TDigest this[int index] => _digests[index];

    public ReadOnlySpan<TDigest> Digests => _digests;

    public bool Equals(MerkleCap<TParams, TDigest>? other) => other is not null && _digests.AsSpan().SequenceEqual(other._digests);

    public override bool Equals(object? obj) => obj is MerkleCap<TParams, TDigest> other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _digests)
            h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(MerkleCap<TParams, TDigest>? left, MerkleCap<TParams, TDigest>? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(MerkleCap<TParams, TDigest>? left, MerkleCap<TParams, TDigest>? right) => !(left == right);

    public override string ToString() => Count == 1 ? $"{_digests[0]}" : $"cap of {Count} digests";
}
