using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Tests.Air;

public sealed class AirFrameworkTests
{
    private static (AirBuilder<KoalaBear> Builder, ConstraintProgram<KoalaBear> Program) Analyze(IAir<KoalaBear> air)
    {
        var builder = new AirBuilder<KoalaBear>(air.Width, air.PreprocessedWidth, air.PublicValueCount);
        air.Eval(builder);
        return (builder, new ConstraintProgram<KoalaBear>(builder.Constraints));
    }

    private static KoalaBear[] FibPublics(RowMajorMatrix<KoalaBear> trace) =>
        [trace[0, 0], trace[0, 1], trace[trace.Height - 1, 1]];

    [Fact]
    public void Fibonacci_symbolic_analysis_counts_constraints_and_degree()
    {
        var (builder, program) = Analyze(new FibonacciAir<KoalaBear>());
        Assert.Equal(5, builder.Constraints.Count);
        Assert.Equal(5, program.ConstraintCount);
        Assert.Equal(2, program.MaxDegree); // selector × linear
        Assert.Empty(builder.Interactions);
    }

    [Fact]
    public void Valid_fibonacci_trace_satisfies_all_constraints()
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(64, KoalaBear.Zero, KoalaBear.One);
        Assert.Null(AirChecker.FindViolation(new FibonacciAir<KoalaBear>(), trace, FibPublics(trace)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(17, 1)]
    [InlineData(63, 1)]
    public void One_wrong_cell_is_found(int row, int column)
    {
        var air = new FibonacciAir<KoalaBear>();
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(64, KoalaBear.Zero, KoalaBear.One);
        var publics = FibPublics(trace);
        trace[row, column] += KoalaBear.One;
        var violation = AirChecker.FindViolation(air, trace, publics);
        Assert.NotNull(violation);
        // The cell is read by the row itself (first/last-row and transition constraints) or by the row before.
        Assert.True(violation.Row == row || violation.Row == row - 1, violation.ToString());
    }

    [Fact]
    public void Wrong_public_value_is_found()
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(16, KoalaBear.Zero, KoalaBear.One);
        var publics = FibPublics(trace);
        publics[2] += KoalaBear.One;
        var violation = AirChecker.FindViolation(new FibonacciAir<KoalaBear>(), trace, publics);
        Assert.NotNull(violation);
        Assert.Equal(15, violation.Row);
    }

    [Fact]
    public void Compiled_program_matches_direct_tree_evaluation_in_the_extension_field()
    {
        // A deliberately shared and nested expression set exercises CSE and every node kind.
        var b = new AirBuilder<KoalaBear>(4, 1, 2);
        var x = b.Local;
        var shared = x[0] * x[1] - x[2];
        b.AssertZero(shared * shared + b.Next[3] * KoalaBear.FromCanonical(7));
        b.WhenTransition().AssertEq(shared, -b.PreprocessedLocal[0] + b.PublicValues[1]);
        b.WhenFirstRow().AssertBool(x[3]);
        b.WhenLastRow().AssertZero(b.PreprocessedNext[0] - b.PublicValues[0] * KoalaBear.FromCanonical(3));
        var program = new ConstraintProgram<KoalaBear>(b.Constraints);

        var rng = new Random(99);
        var values = new Dictionary<Variable, KoalaBearExt4>();
        KoalaBearExt4 R() => KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        foreach (var v in program.Variables)
            values[v] = R();
        var inputs = new ExtInputs(values, R(), R(), R());
        var registers = new KoalaBearExt4[program.InstructionCount];
        var outputs = new KoalaBearExt4[program.ConstraintCount];
        program.Evaluate<KoalaBearExt4, ExtInputs>(ref inputs, registers, outputs);
        Assert.True(program.InstructionCount < CountNodes(b.Constraints), "common subexpressions should be shared");
        for (int i = 0; i < b.Constraints.Count; i++)
            Assert.Equal(Direct(b.Constraints[i], inputs), outputs[i]);
    }

    private static int CountNodes(IEnumerable<SymbolicExpression<KoalaBear>> roots)
    {
        int count = 0;
        var stack = new Stack<SymbolicExpression<KoalaBear>>(roots);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            count++;
            if (e.Left is not null) stack.Push(e.Left);
            if (e.Right is not null) stack.Push(e.Right);
        }
        return count;
    }

    private static KoalaBearExt4 Direct(SymbolicExpression<KoalaBear> e, ExtInputs inputs) => e.Kind switch
    {
        ExpressionKind.Constant => KoalaBearExt4.FromBase(e.Constant),
        ExpressionKind.Variable => inputs.Load(e.Variable),
        ExpressionKind.IsFirstRow => inputs.IsFirstRow,
        ExpressionKind.IsLastRow => inputs.IsLastRow,
        ExpressionKind.IsTransition => inputs.IsTransition,
        ExpressionKind.Add => Direct(e.Left!, inputs) + Direct(e.Right!, inputs),
        ExpressionKind.Sub => Direct(e.Left!, inputs) - Direct(e.Right!, inputs),
        ExpressionKind.Mul => Direct(e.Left!, inputs) * Direct(e.Right!, inputs),
        ExpressionKind.Neg => -Direct(e.Left!, inputs),
        _ => throw new InvalidOperationException(),
    };

    private readonly struct ExtInputs(Dictionary<Variable, KoalaBearExt4> values, KoalaBearExt4 first, KoalaBearExt4 last, KoalaBearExt4 transition)
        : IConstraintInputs<KoalaBear, KoalaBearExt4>
    {
        public KoalaBearExt4 Load(Variable variable) => values[variable];
        public KoalaBearExt4 IsFirstRow => first;
        public KoalaBearExt4 IsLastRow => last;
        public KoalaBearExt4 IsTransition => transition;
        public KoalaBearExt4 Lift(KoalaBear constant) => KoalaBearExt4.FromBase(constant);
    }

    [Fact]
    public void Interactions_under_a_condition_are_refused()
    {
        var b = new AirBuilder<KoalaBear>(2);
        Assert.Throws<InvalidOperationException>(() => b.WhenFirstRow().Send(0, [b.Local[0]], SymbolicExpression<KoalaBear>.One));
        b.Send(0, [b.Local[0], b.Local[1]], b.Local[1]);
        Assert.Single(b.Interactions);
    }
}
