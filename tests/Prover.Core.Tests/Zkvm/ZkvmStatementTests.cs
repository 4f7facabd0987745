using Prover.Core.Field;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The verifier's own bus terms (<see cref="ZkvmStatement.PublicBusSum{TDef}"/>: output bytes and the halt as one fraction)
/// equal the reference (<see cref="ZkvmStatement.PublicBusSumReference{TDef}"/>: one inversion per tuple) for outputs, exit
/// codes and halt timestamps, over both extensions, at random challenges; and a changed public value changes the sum.
/// </summary>
public sealed class ZkvmStatementTests
{
    private static ExtensionField<KoalaBear, TDef> Random<TDef>(Random rng)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var c = new KoalaBear[TDef.Degree];
        for (int i = 0; i < c.Length; i++)
            c[i] = KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBearParameters.P));
        return ExtensionField<KoalaBear, TDef>.FromCoefficients(c);
    }

    private static void SameAsReference<TDef>(int seed)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var rng = new Random(seed);
        foreach (var output in new byte[][] { [], [1, 2, 3], [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))] })
            foreach (int exit in new[] { 0, 1, -1, 134 })
            {
                var (gamma, beta) = (Random<TDef>(rng), Random<TDef>(rng));
                ulong halt = (ulong)rng.NextInt64(1L << 40);
                var fast = ZkvmStatement.PublicBusSum(output, exit, halt, gamma, beta);
                Assert.Equal(ZkvmStatement.PublicBusSumReference(output, exit, halt, gamma, beta), fast);
                // A second call: the same sum.
                Assert.Equal(fast, ZkvmStatement.PublicBusSum(output, exit, halt, gamma, beta));
                // Any public value changed: another sum.
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum([.. output, 0], exit, halt, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(output, exit ^ 2, halt, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(output, exit, halt + 1, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(output, exit, halt, gamma + ExtensionField<KoalaBear, TDef>.One, beta));
            }
    }

    [Fact]
    public void PublicBusSumEqualsTheReferenceQuartic() => SameAsReference<KoalaBearQuartic>(1);

    [Fact]
    public void PublicBusSumEqualsTheReferenceOctic() => SameAsReference<KoalaBearOctic>(2);
}
