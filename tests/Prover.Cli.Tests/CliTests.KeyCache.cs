namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    [Fact]
    public void Key_cache_options_are_checked_before_any_work()
    {
        string proof = Path.Combine(_dir, "none.bin");
        File.WriteAllBytes(proof, [1, 2, 3]);
        string cache = Path.Combine(_dir, "kc");
        // A secret without a cache, and a secret inside the cache (a copied cache would bring it along), are refused.
        var (exit, _, error) = Run("verify", proof, "--key-cache-secret", Path.Combine(_dir, "s"));
        Assert.Equal(2, exit);
        Assert.Contains("--key-cache-secret needs --key-cache", error);
        (exit, _, error) = Run("verify", proof, "--key-cache", cache, "--key-cache-secret", Path.Combine(cache, "s"));
        Assert.Equal(2, exit);
        Assert.Contains("must not be inside the cache directory", error);
        (exit, _, error) = Run("aggregate", "--proof", proof, "--out", Path.Combine(_dir, "a.bin"), "--key-cache-secret", Path.Combine(_dir, "s"));
        Assert.Equal(2, exit);
        Assert.Contains("--key-cache-secret needs --key-cache", error);
    }

    [ProveBlocksFact]
    public void Aggregate_with_a_key_cache_gives_the_same_file_cold_and_warm_and_verify_uses_it()
    {
        string a = ProveHello("kc", "ab");
        string cache = Path.Combine(_dir, "kc"), secret = Path.Combine(_dir, "kc.secret");
        string plain = Path.Combine(_dir, "plain.agg"), cold = Path.Combine(_dir, "cold.agg"), warm = Path.Combine(_dir, "warm.agg");
        var (exit, _, error) = Run("aggregate", "--proof", a, "--out", plain, "--elf", HelloElf);
        Assert.True(exit == 0, error);
        (exit, _, error) = Run("aggregate", "--proof", a, "--out", cold, "--elf", HelloElf, "--key-cache", cache, "--key-cache-secret", secret);
        Assert.True(exit == 0, error);
        int entries = Directory.GetFiles(cache, "*.key").Length;
        Assert.True(entries > 0);
        (exit, _, error) = Run("aggregate", "--proof", a, "--out", warm, "--elf", HelloElf, "--key-cache", cache, "--key-cache-secret", secret);
        Assert.True(exit == 0, error);
        Assert.Equal(entries, Directory.GetFiles(cache, "*.key").Length);
        Assert.Equal(File.ReadAllBytes(plain), File.ReadAllBytes(cold));
        Assert.Equal(File.ReadAllBytes(plain), File.ReadAllBytes(warm));
        var verified = Run("verify", warm, "--elf", HelloElf, "--allow-insecure", "--runs", "2", "--key-cache", cache, "--key-cache-secret", secret);
        Assert.True(verified.Exit == 0, verified.Err + verified.Out);
    }
}
