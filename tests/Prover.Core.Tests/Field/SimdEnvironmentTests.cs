using Prover.Core.Field;

namespace Prover.Core.Tests.Field;

/// <summary>
/// Guards the CI passes that switch instruction sets off: .ci/run sets PROVER_EXPECT_SIMD to the path a
/// pass is meant to test, and this test fails if the runtime ignored the switch (for example, .NET 10
/// ignores DOTNET_EnableAVX512F and honours DOTNET_EnableAVX512), so a pass cannot silently test the
/// wrong path.
/// </summary>
public sealed class SimdEnvironmentTests
{
    private const string Variable = "PROVER_EXPECT_SIMD";

    public sealed class ExpectedPathFactAttribute : FactAttribute
    {
        public ExpectedPathFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
                Skip = $"{Variable} is not set: only the CI passes that switch instruction sets off say which path to expect";
        }
    }

    [ExpectedPathFact]
    public void Best_path_is_the_one_this_pass_expects()
    {
        string expected = Environment.GetEnvironmentVariable(Variable)!;
        Assert.True(Enum.TryParse<SimdPath>(expected, out var path), $"{Variable}={expected} is not a SimdPath ({string.Join(", ", Enum.GetNames<SimdPath>())})");
        Assert.Equal(path, SimdSupport.Best);
    }
}
