using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// Every AIR's constraint program, and the LogUp constraints, run on <see cref="SymbolicExt{TParams, TDef}"/> compile
/// into IR that computes exactly what the native evaluation computes at random points: the recursion program's
/// constraint check is the AIRs' own, for the demos and for every zkVM chip.
/// </summary>
public sealed class SymbolicConstraintTests
{
    private readonly struct Inputs<T>(T[] main, T[] mainNext, T[] pre, T[] preNext, T[] publics, T first, T last, T transition, Func<KoalaBear, T> lift)
        : IConstraintInputs<KoalaBear, T> where T : struct, IField<T>
    {
        public T Load(Variable v) => v.Source switch
        {
            VariableSource.Main => v.Offset == 0 ? main[v.Index] : mainNext[v.Index],
            VariableSource.Preprocessed => v.Offset == 0 ? pre[v.Index] : preNext[v.Index],
            _ => publics[v.Index],
        };

        public T IsFirstRow => first;

        public T IsLastRow => last;

        public T IsTransition => transition;

        public T Lift(KoalaBear constant) => lift(constant);
    }

    private static void Check(IAir<KoalaBear> air, int seed)
    {
        var rng = new Random(seed);
        var compiled = new CompiledAir<KoalaBear>(air);
        KoalaBearExt4 R() => KoalaBearExt4.FromCoefficients([.. Enumerable.Range(0, 4).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);
        KoalaBearExt4[] Rs(int n) => [.. Enumerable.Range(0, n).Select(_ => R())];
        var main = Rs(air.Width);
        var mainNext = Rs(air.Width);
        var pre = Rs(air.PreprocessedWidth);
        var preNext = Rs(air.PreprocessedWidth);
        var publics = Rs(air.PublicValueCount);
        var sel = Rs(3);
        var logUpLocal = Rs(compiled.LogUpColumns);
        var logUpNext = Rs(compiled.LogUpColumns);
        var (gamma, beta, sum) = (R(), R(), R());

        // Native values.
        var native = new Inputs<KoalaBearExt4>(main, mainNext, pre, preNext, publics, sel[0], sel[1], sel[2], KoalaBearExt4.FromBase);
        var program = compiled.Program;
        var outputs = new KoalaBearExt4[program.ConstraintCount];
        program.Evaluate<KoalaBearExt4, Inputs<KoalaBearExt4>>(ref native, new KoalaBearExt4[program.InstructionCount], outputs);
        var logUp = new KoalaBearExt4[LogUp.ConstraintCount(compiled)];
        if (logUp.Length > 0)
            LogUp.EvaluateConstraints<KoalaBear, KoalaBearExt4>(compiled, outputs, logUpLocal, logUpNext, gamma, beta, sum, logUp);

        // The same code on symbolic values, inputs hinted in the same order.
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var hints = new List<KoalaBear>();
        using (SymbolicExt<KoalaBearParameters, KoalaBearQuartic>.Scope(b))
        {
            SymbolicExt<KoalaBearParameters, KoalaBearQuartic>[] H(KoalaBearExt4[] values)
            {
                foreach (var v in values)
                    hints.AddRange(v.Coefficients.ToArray());
                return [.. b.HintExt(0, values.Length).Select(SymbolicExt<KoalaBearParameters, KoalaBearQuartic>.Of)];
            }
            var (sm, smn, sp, spn, spub, ss) = (H(main), H(mainNext), H(pre), H(preNext), H(publics), H(sel));
            var (sll, sln, sg) = (H(logUpLocal), H(logUpNext), H([gamma, beta, sum]));
            var symbolic = new Inputs<SymbolicExt<KoalaBearParameters, KoalaBearQuartic>>(sm, smn, sp, spn, spub, ss[0], ss[1], ss[2],
                SymbolicExt<KoalaBearParameters, KoalaBearQuartic>.FromBase);
            var symOutputs = new SymbolicExt<KoalaBearParameters, KoalaBearQuartic>[program.ConstraintCount];
            program.Evaluate<SymbolicExt<KoalaBearParameters, KoalaBearQuartic>, Inputs<SymbolicExt<KoalaBearParameters, KoalaBearQuartic>>>(
                ref symbolic, new SymbolicExt<KoalaBearParameters, KoalaBearQuartic>[program.InstructionCount], symOutputs);
            var symLogUp = new SymbolicExt<KoalaBearParameters, KoalaBearQuartic>[logUp.Length];
            if (logUp.Length > 0)
                LogUp.EvaluateConstraints<KoalaBear, SymbolicExt<KoalaBearParameters, KoalaBearQuartic>>(compiled, symOutputs, sll, sln, sg[0], sg[1], sg[2], symLogUp);
            var expected = H([.. outputs, .. logUp]);
            var computed = symOutputs.Concat(symLogUp).ToArray();
            for (int k = 0; k < computed.Length; k++)
                b.AssertEqual(computed[k].Variable, expected[k].Variable, $"{air.Name}: output {k}");
        }
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(b.Build(), new ListHints(hints));
        Assert.True(run.Accepted, run.ToString());
        // The comparison can fail: a changed expected output is caught.
        hints[^1] += KoalaBear.One;
        Assert.False(RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(b.Build(), new ListHints(hints)).Accepted);
    }

    [Fact]
    public void Demo_airs_evaluate_symbolically_as_natively()
    {
        foreach (var name in DemoCatalog.Names)
            foreach (var air in DemoCatalog.Airs(name)!)
                Check(air, name.Length);
    }

    [Fact]
    public void Every_zkvm_chip_evaluates_symbolically_as_natively()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("bigmul"));
        int seed = 0;
        foreach (var air in program.LastShardAirs)
            Check(air, seed++);
    }
}
