namespace Prover.Cluster.Tests;

/// <summary>A fact that needs redis-server on the PATH (Debian package redis-server, listed in .ci/apt-packages); skipped with that reason otherwise.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (Path is null)
            Skip = "redis-server is not installed (Debian package redis-server, listed in .ci/apt-packages)";
    }

    public static string? Path { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(d => d.Length > 0).Select(d => System.IO.Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
}
