using Prover.Core.Field;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The verifier's own bus terms (<see cref="ZkvmStatement.PublicBusSum{TDef}"/>: one fraction, the image's tuples made
/// once per program) equal the reference (<see cref="ZkvmStatement.PublicBusSumReference{TDef}"/>: one inversion per
/// tuple) for real guest images, outputs, exit codes and halt timestamps, over both extensions, at random challenges;
/// and a changed public value changes the sum.
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

    private static void SameAsReference<TDef>(string guest, int seed)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var rng = new Random(seed);
        foreach (var output in new byte[][] { [], [1, 2, 3], [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))] })
            foreach (int exit in new[] { 0, 1, -1, 134 })
            {
                var (gamma, beta) = (Random<TDef>(rng), Random<TDef>(rng));
                ulong halt = (ulong)rng.NextInt64(1L << 40);
                var fast = ZkvmStatement.PublicBusSum(program, output, exit, halt, gamma, beta);
                Assert.Equal(ZkvmStatement.PublicBusSumReference(program, output, exit, halt, gamma, beta), fast);
                // The second call reads the program's cached tuples: the same sum.
                Assert.Equal(fast, ZkvmStatement.PublicBusSum(program, output, exit, halt, gamma, beta));
                // Any public value changed: another sum.
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(program, [.. output, 0], exit, halt, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(program, output, exit ^ 2, halt, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(program, output, exit, halt + 1, gamma, beta));
                Assert.NotEqual(fast, ZkvmStatement.PublicBusSum(program, output, exit, halt, gamma + ExtensionField<KoalaBear, TDef>.One, beta));
            }
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("ecrecover")]
    public void PublicBusSumEqualsTheReferenceQuartic(string guest) => SameAsReference<KoalaBearQuartic>(guest, 1);

    [Theory]
    [InlineData("hello")]
    [InlineData("ecrecover")]
    public void PublicBusSumEqualsTheReferenceOctic(string guest) => SameAsReference<KoalaBearOctic>(guest, 2);
}
