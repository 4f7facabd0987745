using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air.Demo;

/// <summary>The demo statements (`prover demo`): their AIRs, and witnesses of a chosen size.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["fibonacci", "poseidon2", "lookup"];

    /// <summary>The AIRs of a demo (what a verifier needs), or null for an unknown name.</summary>
    public static IAir<KoalaBear>[]? Airs(string name) => name switch
    {
        "fibonacci" => [new FibonacciAir<KoalaBear>()],
        "poseidon2" => [new Poseidon2Air<KoalaBearParameters>()],
        "lookup" => [new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()],
        _ => null,
    };

    /// <summary>Traces and public values of a demo with 2^logRows rows (the lookup table has 2^(logRows−2) entries).</summary>
    public static (IAir<KoalaBear>[] Airs, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] PublicValues) Build(string name, int logRows, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logRows, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logRows, 22);
        var airs = Airs(name) ?? throw new ArgumentException($"unknown demo '{name}' (known: {string.Join(", ", Names)})", nameof(name));
        var rng = new Random(seed);
        int rows = 1 << logRows;
        switch (name)
        {
            case "fibonacci":
                var fib = FibonacciAir<KoalaBear>.GenerateTrace(rows, KoalaBear.Zero, KoalaBear.One);
                return (airs, [fib], [[fib[0, 0], fib[0, 1], fib[rows - 1, 1]]]);
            case "poseidon2":
                var inputs = Enumerable.Range(0, rows)
                    .Select(_ => Enumerable.Range(0, 16).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus))).ToArray()).ToArray();
                return (airs, [((Poseidon2Air<KoalaBearParameters>)airs[0]).GenerateTrace(inputs)], [[]]);
            default:
                int table = 1 << (logRows - 2);
                var values = Enumerable.Range(0, rows).Select(_ => (uint)rng.Next(table)).ToArray();
                var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, table);
                return (airs, [v, t], [[], []]);
        }
    }
}
