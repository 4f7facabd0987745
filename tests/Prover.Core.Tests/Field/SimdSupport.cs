using System.Reflection;
using Prover.Core.Field;
using Xunit.Sdk;

namespace Prover.Core.Tests.Field;

/// <summary>
/// Which SIMD paths this process may run. The answer comes from the runtime's instruction-set checks
/// (<see cref="PackedMontyField31{TParams}.BestPath"/>), so it follows both the CPU and the runtime's
/// switches (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>); no test assumes a CPU.
/// </summary>
public static class SimdSupport
{
    /// <summary>The widest path available here (the same for every 31-bit Montgomery field).</summary>
    public static SimdPath Best => PackedMontyField31<KoalaBearParameters>.BestPath;

    /// <summary>Null when <paramref name="path"/> runs here; otherwise why a test of it is skipped.</summary>
    public static string? SkipReason(SimdPath path) => path <= Best
        ? null
        : $"{Describe(path)} is not available in this process (best path here: {Best}; the CPU lacks it or the runtime has it switched off)";

    private static string Describe(SimdPath path) => path switch
    {
        SimdPath.Vector512 => "AVX-512F (the Vector512 path)",
        SimdPath.Vector256 => "AVX2 (the Vector256 path)",
        _ => "the scalar path",
    };
}

/// <summary>A fact for one SIMD path; skipped with a reason where that path is unavailable.</summary>
public sealed class SimdFactAttribute : FactAttribute
{
    public SimdFactAttribute(SimdPath path)
    {
        if (SimdSupport.SkipReason(path) is { } reason)
            Skip = reason;
    }
}

/// <summary>One theory row per SIMD path: the path is the first argument (then any others); the row is
/// skipped with a reason where the path is unavailable.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class SimdPathDataAttribute : DataAttribute
{
    private readonly object[] _row;

    public SimdPathDataAttribute(SimdPath path, params object[] more)
    {
        _row = [path, .. more];
        if (SimdSupport.SkipReason(path) is { } reason)
            Skip = reason;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [_row];
}
