using System.CommandLine;
using Prover.Core.Recursion.Aggregation;

namespace Prover.Cli;

/// <summary>
/// <c>--key-cache DIR</c> on prove, verify and aggregate: the recursion programs' verifying keys kept on disk between
/// runs (<see cref="ZkvmKeyCache"/>; off by default, so that runs and tests stay hermetic). Entries are authenticated
/// under a per-user secret kept outside the cache (<c>--key-cache-secret</c>, default
/// <c>$XDG_CONFIG_HOME/prover/key-cache.secret</c> or <c>~/.config/prover/key-cache.secret</c>, made on first use,
/// readable by its owner only): a cache copied from elsewhere is rebuilt, never trusted.
/// </summary>
internal static class KeyCacheOption
{
    public static Option<DirectoryInfo?> Directory() => new("--key-cache")
    {
        Description = "keep the recursion programs' verifying keys in this directory between runs (skips their setup next time; entries are checked, a bad one is rebuilt)",
    };

    public static Option<FileInfo?> Secret() => new("--key-cache-secret")
    {
        Description = "the key cache's secret (default: ~/.config/prover/key-cache.secret, made on first use); must lie outside the cache directory",
    };

    /// <summary>The cache the options name, or null; an error message where it cannot be opened.</summary>
    public static (ZkvmKeyCache? Cache, string? Error) Open(DirectoryInfo? directory, FileInfo? secret)
    {
        if (directory is null)
            return (null, secret is null ? null : "--key-cache-secret needs --key-cache");
        string secretFile = secret?.FullName ?? DefaultSecret();
        try
        {
            return (ZkvmKeyCache.Open(directory.FullName, secretFile), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, $"cannot open the key cache {directory.FullName}: {e.Message}");
        }
    }

    private static string DefaultSecret()
    {
        string? config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
            config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "prover", "key-cache.secret");
    }
}
