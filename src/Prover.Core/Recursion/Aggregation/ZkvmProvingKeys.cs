using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The proving keys of an aggregation tree's programs, held only while they are used (docs/design.md, "Recursion", a
/// keyed family's keys): a member of a family or a final layer keeps its verifying key (all that the allowed-key set,
/// its parents and the verifier read), and its proving key — the fixed columns, their LDEs at the configuration's
/// blowup and their Merkle tree, megabytes to gigabytes — is made when a proof with it is made and kept in this bounded
/// least-recently-used store. A layer's proofs are made program by program (<see cref="ZkvmAggregateProofs"/> proves the
/// leaves grouped by shape), so <see cref="Capacity"/> keys hold every key a layer uses at a time and the peak holds
/// those, not the family's. A key made again is the same key (the setup is a function of the program and the
/// configuration); <see cref="ZkvmAggregationChild{TDef, TDigest}.ProvingKey"/> checks its root against the verifying
/// key the family was built with.
/// </summary>
public sealed class ZkvmProvingKeys<TDigest>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly LinkedList<(object Owner, ProvingKey<KoalaBearParameters, TDigest> Key)> _recent = new();
    private readonly Lock _lock = new();

    /// <summary>A store of at most <paramref name="capacity"/> keys (at least 1).</summary>
    public ZkvmProvingKeys(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Two: a node layer uses at most two node programs (LL and NL, or NN and NL), and the final chain's layer its own and the one before.</summary>
    public const int DefaultCapacity = 2;

    public int Capacity { get; }

    /// <summary>How many keys were made (the first setup of each program included), for the tests and the report.</summary>
    public int Made { get; private set; }

    /// <summary>The keys held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _recent.Count;
        }
    }

    /// <summary>
    /// <paramref name="owner"/>'s key: the held one (now the most recent), or <paramref name="make"/>'s, held in place of
    /// the least recently used one when the store is full. The lock is not held while a key is made (a setup takes
    /// seconds): two threads may make one key twice, and the second is dropped.
    /// </summary>
    public ProvingKey<KoalaBearParameters, TDigest> Get(object owner, Func<ProvingKey<KoalaBearParameters, TDigest>> make)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(make);
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
                if (ReferenceEquals(node.Value.Owner, owner))
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    return node.Value.Key;
                }
        }
        var key = make();
        Put(owner, key);
        return key;
    }

    /// <summary>Holds <paramref name="owner"/>'s <paramref name="key"/> (made elsewhere: a family's setup) as the most recent.</summary>
    public void Put(object owner, ProvingKey<KoalaBearParameters, TDigest> key)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            Made++;
            for (var node = _recent.First; node is not null; node = node.Next)
                if (ReferenceEquals(node.Value.Owner, owner))
                {
                    _recent.Remove(node);
                    break;
                }
            _recent.AddFirst((owner, key));
            while (_recent.Count > Capacity)
                _recent.RemoveLast();
        }
    }

    /// <summary>Drops every key held.</summary>
    public void Clear()
    {
        lock (_lock)
            _recent.Clear();
    }
}
