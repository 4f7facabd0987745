using Xunit.Abstractions;

namespace Prover.Witness.Tests;

/// <summary>Seeded randomness for property and fuzz tests: the seed is printed so a failure can be replayed.</summary>
internal static class TestRandom
{
    /// <summary>
    /// A generator seeded from <c>PROVER_TEST_SEED</c> when set, else from <paramref name="defaultSeed"/>;
    /// the seed goes to the test output.
    /// </summary>
    public static Random Create(ITestOutputHelper output, int defaultSeed)
    {
        string? env = Environment.GetEnvironmentVariable("PROVER_TEST_SEED");
        int seed = int.TryParse(env, System.Globalization.CultureInfo.InvariantCulture, out int parsed) ? parsed : defaultSeed;
        output.WriteLine($"seed = {seed} (set PROVER_TEST_SEED to replay another)");
        return new Random(seed);
    }

    public static byte[] Bytes(this Random random, int length)
    {
        var result = new byte[length];
        random.NextBytes(result);
        return result;
    }
}
