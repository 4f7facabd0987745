using System.Text.Json;
using Prover.Witness.Formats;
using Prover.Witness.Ssz;

namespace Prover.Witness.Conversion;

/// <summary>Blob parameters of a fork (EIP-4844, EIP-7691, EIP-7892 blob-parameter-only forks).</summary>
public readonly record struct BlobParameters(int Target, int Max, ulong BaseFeeUpdateFraction)
{
    public static BlobParameters For(Fork fork) => fork switch
    {
        Fork.Cancun => new(3, 6, 3338477),
        Fork.Prague or Fork.Osaka => new(6, 9, 5007716),
        Fork.Bpo1 => new(10, 15, 8346193),
        Fork.Bpo2 => new(14, 21, 11684671),
        _ => new(0, 0, 0),
    };
}

/// <summary>
/// Which fork's rules apply to a block: activation timestamps from a chain config (EF
/// <c>chain_config</c> snake_case, geth genesis camelCase), a BlockchainTests network name
/// (including transition networks such as <c>CancunToPragueAtTime15k</c>), or mainnet's schedule.
/// </summary>
public sealed class ForkSchedule
{
    private readonly List<(Fork Fork, ulong Time)> _activations; // ascending by fork

    public ulong ChainId { get; }

    private ForkSchedule(ulong chainId, List<(Fork, ulong)> activations)
    {
        ChainId = chainId;
        _activations = activations;
    }

    /// <summary>Mainnet (chain id 1) timestamps from shared/docs/ETHEREUM.md.</summary>
    public static ForkSchedule Mainnet { get; } = new(1, [
        (Fork.Shanghai, 1681338455), (Fork.Cancun, 1710338135), (Fork.Prague, 1746612311),
        (Fork.Osaka, 1764798551), (Fork.Bpo1, 1765290071), (Fork.Bpo2, 1767747671)]);

    /// <summary>One fork from genesis on (a BlockchainTests network such as "Cancun").</summary>
    public static ForkSchedule Fixed(Fork fork, ulong chainId = 1) => new(chainId, [(fork, 0)]);

    /// <summary>
    /// A BlockchainTests network name: a fork name, or <c>{A}To{B}AtTime15k</c> (B from timestamp
    /// 15000). Pre-merge networks (Berlin, London, ...) have proof-of-work headers and no Engine API
    /// payload, so no canonical input: they fail here with <see cref="NotSupportedException"/>.
    /// </summary>
    public static ForkSchedule FromNetwork(string network, ulong chainId = 1)
    {
        if (ForkExtensions.TryParse(network, out var fork))
            return Fixed(fork, chainId);
        int to = network.IndexOf("To", StringComparison.Ordinal);
        int at = network.IndexOf("AtTime", StringComparison.Ordinal);
        if (to > 0 && at > to && ForkExtensions.TryParse(network[..to], out var before)
            && ForkExtensions.TryParse(network[(to + 2)..at], out var after))
        {
            string t = network[(at + 6)..];
            ulong time = t.EndsWith('k') && ulong.TryParse(t[..^1], out var k) ? k * 1000
                : ulong.TryParse(t, out var plain) ? plain : throw new FormatException($"network '{network}': bad transition time");
            return new(chainId, [(before, 0), (after, time)]);
        }
        throw new NotSupportedException(IsPreMerge(network)
            ? $"network '{network}': pre-merge block: no engine-API payload exists"
            : $"network '{network}' is not a post-merge fork with a canonical input (Paris, Shanghai, Cancun, Prague, Osaka, BPO1, BPO2)");
    }

    private static readonly string[] PreMergeForks =
        ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix", "Petersburg",
         "Istanbul", "MuirGlacier", "Berlin", "London", "ArrowGlacier", "GrayGlacier"];

    /// <summary>Whether a network name is a proof-of-work fork or a transition between such forks (e.g. BerlinToLondonAt5).</summary>
    private static bool IsPreMerge(string network)
    {
        int to = network.IndexOf("To", StringComparison.Ordinal);
        string first = to > 0 ? network[..to] : network;
        return PreMergeForks.Contains(first, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A chain config object: EF benchmark <c>chain_config</c> (<c>cancun_time</c>, ...) or a geth
    /// genesis <c>config</c> (<c>cancunTime</c>, ...). Null times mean "not scheduled".
    /// </summary>
    public static ForkSchedule FromChainConfig(JsonElement config)
    {
        ulong chainId = config.Find("chain_id", "chainId", "chainid") is { } id ? id.UInt64("chain_config.chain_id") : 1;
        var list = new List<(Fork, ulong)>();
        void Add(Fork f, string snake, string camel)
        {
            if (config.Find(snake, camel) is { } v)
                list.Add((f, v.UInt64($"chain_config.{snake}")));
        }
        Add(Fork.Shanghai, "shanghai_time", "shanghaiTime");
        Add(Fork.Cancun, "cancun_time", "cancunTime");
        Add(Fork.Prague, "prague_time", "pragueTime");
        Add(Fork.Osaka, "osaka_time", "osakaTime");
        Add(Fork.Bpo1, "bpo1_time", "bpo1Time");
        Add(Fork.Bpo2, "bpo2_time", "bpo2Time");
        Add(Fork.Amsterdam, "amsterdam_time", "amsterdamTime");
        if (list.Count == 0)
            list.Add((Fork.Paris, 0));
        return new(chainId, list);
    }

    /// <summary>The fork whose rules apply at <paramref name="timestamp"/>: the latest one activated.</summary>
    public Fork ForkAt(ulong timestamp)
    {
        Fork? current = null;
        foreach (var (fork, time) in _activations)
            if (time <= timestamp && (current is null || fork > current))
                current = fork;
        return current ?? Fork.Paris;
    }
}
