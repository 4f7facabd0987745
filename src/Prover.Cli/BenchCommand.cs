using System.CommandLine;
using System.Diagnostics;
using Prover.Core.Field;

namespace Prover.Cli;

/// <summary>
/// <c>prover bench</c>: quick throughput figures for the primitives on this machine. For careful
/// numbers use the BenchmarkDotNet suite in benchmarks/Prover.Benchmarks.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "time spent per measurement", DefaultValueFactory = _ => 0.5 };
        var command = new Command("bench", "measure primitive throughput on this machine (field, NTT, Poseidon2, Merkle)") { seconds };
        command.SetAction(parse =>
        {
            double s = parse.GetValue(seconds);
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            Report("KoalaBear mul (scalar, dependent chain)", "M mul/s", Measure(s, FieldMulChain<KoalaBearParameters>));
            Report("BabyBear mul (scalar, dependent chain)", "M mul/s", Measure(s, FieldMulChain<BabyBearParameters>));
            return 0;
        });
        return command;
    }

    private static void Report(string name, string unit, double perSecond) =>
        Console.WriteLine($"{name,-48} {perSecond / 1e6,10:F1} {unit}");

    /// <summary>Runs <paramref name="work"/> (returning its operation count) until the time budget is spent.</summary>
    private static double Measure(double seconds, Func<long> work)
    {
        work(); // warm-up and JIT
        long ops = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
            ops += work();
        return ops / sw.Elapsed.TotalSeconds;
    }

    private static long FieldMulChain<TParams>() where TParams : struct, IMontyParameters
    {
        const int n = 1 << 20;
        var x = MontyField31<TParams>.FromCanonical(12345);
        var y = MontyField31<TParams>.FromCanonical(67890);
        for (int i = 0; i < n; i++)
            x *= y;
        GC.KeepAlive(x.ToCanonical());
        return n;
    }
}
