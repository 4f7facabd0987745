using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Tests.Air;

public sealed class LogUpTests
{
    private static readonly KoalaBearExt4 Gamma = KoalaBearExt4.FromCoefficients([KoalaBear.FromCanonical(123456), KoalaBear.FromCanonical(7), KoalaBear.FromCanonical(99), KoalaBear.FromCanonical(5)]);
    private static readonly KoalaBearExt4 Beta = KoalaBearExt4.FromCoefficients([KoalaBear.FromCanonical(42), KoalaBear.FromCanonical(1), KoalaBear.FromCanonical(2), KoalaBear.FromCanonical(3)]);

    private static (KoalaBearExt4 Values, KoalaBearExt4 Table) Sums(IReadOnlyList<uint> values, int tableHeight, out RowMajorMatrix<KoalaBear>[] traces, out RowMajorMatrix<KoalaBear>[] logUp)
    {
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, tableHeight);
        var va = new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>());
        var ta = new CompiledAir<KoalaBear>(new RangeTableAir<KoalaBear>());
        var (vTrace, vSum) = LogUp.GenerateTrace(va, v, null, [], Gamma, Beta);
        var (tTrace, tSum) = LogUp.GenerateTrace(ta, t, null, [], Gamma, Beta);
        traces = [v, t];
        logUp = [vTrace, tTrace];
        return (vSum, tSum);
    }

    [Fact]
    public void Honest_range_check_balances()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 64).Select(_ => (uint)rng.Next(16)).ToArray();
        var (a, b) = Sums(values, 16, out _, out _);
        Assert.Equal(KoalaBearExt4.Zero, a + b);
        Assert.NotEqual(KoalaBearExt4.Zero, a);
    }

    [Fact]
    public void Out_of_range_value_unbalances_the_bus()
    {
        var values = Enumerable.Range(0, 32).Select(i => (uint)(i % 16)).ToArray();
        values[9] = 16; // not in the table
        var (a, b) = Sums(values, 16, out _, out _);
        Assert.NotEqual(KoalaBearExt4.Zero, a + b);
    }

    [Fact]
    public void Wrong_multiplicity_unbalances_the_bus()
    {
        var values = Enumerable.Range(0, 32).Select(i => (uint)(i % 16)).ToArray();
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        t[3, 1] += KoalaBear.One;
        var (_, vSum) = LogUp.GenerateTrace(new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>()), v, null, [], Gamma, Beta);
        var (_, tSum) = LogUp.GenerateTrace(new CompiledAir<KoalaBear>(new RangeTableAir<KoalaBear>()), t, null, [], Gamma, Beta);
        Assert.NotEqual(KoalaBearExt4.Zero, vSum + tSum);
    }

    [Fact]
    public void LogUp_constraints_vanish_on_every_row_of_an_honest_trace_and_not_on_a_tampered_one()
    {
        var values = Enumerable.Range(0, 32).Select(i => (uint)(i * 7 % 16)).ToArray();
        var (vSum, _) = Sums(values, 16, out var traces, out var logUp);
        var air = new CompiledAir<KoalaBear>(new ValuesAir<KoalaBear>());
        Assert.Equal(0, CountFailingRows(air, traces[0], logUp[0], vSum));
        logUp[0][5, 0] += KoalaBear.One; // tamper with h on row 5
        Assert.True(CountFailingRows(air, traces[0], logUp[0], vSum) > 0);
    }

    private static int CountFailingRows(CompiledAir<KoalaBear> air, RowMajorMatrix<KoalaBear> main, RowMajorMatrix<KoalaBear> logUp, KoalaBearExt4 sum)
    {
        int n = main.Height, k = air.LogUpColumns, failing = 0;
        var registers = new KoalaBear[air.Program.InstructionCount];
        var outputs = new KoalaBear[air.Program.ConstraintCount];
        var result = new KoalaBearExt4[LogUp.ConstraintCount(air)];
        KoalaBearExt4 Ext(int row, int c) => KoalaBearExt4.FromCoefficients(logUp.Row(row).Slice(4 * c, 4));
        for (int row = 0; row < n; row++)
        {
            var inputs = new SingleRow(main.Row(row).ToArray());
            air.Program.Evaluate<KoalaBear, SingleRow>(ref inputs, registers, outputs);
            var lifted = outputs.Select(KoalaBearExt4.FromBase).ToArray();
            var local = Enumerable.Range(0, k).Select(c => Ext(row, c)).ToArray();
            var next = Enumerable.Range(0, k).Select(c => Ext((row + 1) % n, c)).ToArray();
            LogUp.EvaluateConstraints(air, lifted, local, next, Gamma, Beta, LogUp.SumPerRow<KoalaBear, KoalaBearExt4>(sum, n), result);
            if (result.Any(r => !r.IsZero))
                failing++;
        }
        return failing;
    }

    private readonly struct SingleRow(KoalaBear[] row) : IConstraintInputs<KoalaBear, KoalaBear>
    {
        public KoalaBear Load(Variable v) => v.Offset == 0 && v.Source == VariableSource.Main ? row[v.Index] : throw new InvalidOperationException();
        public KoalaBear IsFirstRow => default;
        public KoalaBear IsLastRow => default;
        public KoalaBear IsTransition => default;
        public KoalaBear Lift(KoalaBear constant) => constant;
    }

    [Fact]
    public void Range_table_constraints_pin_the_table_contents()
    {
        var (_, t) = LookupDemo.GenerateTraces<KoalaBear>([1, 2, 3], 8);
        var air = new RangeTableAir<KoalaBear>();
        Assert.Null(AirChecker.FindViolation(air, t, []));
        t[4, 0] = KoalaBear.FromCanonical(40);
        Assert.NotNull(AirChecker.FindViolation(air, t, []));
    }
}
