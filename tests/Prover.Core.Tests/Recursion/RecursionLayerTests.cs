using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest>;
using RProof = RecursionProof<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Verifier = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Executor = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>;
using Hints = StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;

/// <summary>
/// The layers above the first recursion proof: a Fibonacci proof → its recursion proof → a recursion proof of that
/// recursion proof (the inner program's verifying key pinned as constants, its outputs carried up), and a 2-to-1
/// aggregation node that verifies two Fibonacci recursion proofs of one program and states both children's outputs.
/// A tampered child is refused by the prover and its forced trace is rejected by the verifier.
/// </summary>
public sealed class RecursionLayerTests(ITestOutputHelper output)
{
    // The base proof and the first recursion layer: few queries, no grinding, so the programs stay small (a test).
    private static readonly StarkConfig Inner = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 };

    // The top recursion proof (the outer STARK), as in RecursionChipTests.
    private static readonly StarkConfig Outer = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 4 };

    private sealed record Layer1(IAir<KoalaBear>[] FibAirs, RecursionProgram Program, RecursionMachine<KoalaBearParameters, KoalaBearQuartic> Machine,
        ProvingKey<KoalaBearParameters, KoalaBearDigest> Key, byte[] ProofA, uint[] OutputsA, byte[] ProofB, uint[] OutputsB)
    {
        public IAir<KoalaBear>[] Airs => Machine.Airs;

        public static Proof Read(byte[] bytes) => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(bytes);

        public Hints Hints(Proof proof) => new(Inner, Airs, proof, Key.VerifyingKey);
    }

    // Two Fibonacci proofs (from 0, 1 and from 2, 3: one shape, other statements) and their recursion proofs under Inner.
    private static readonly Lazy<Layer1> First = new(() =>
    {
        var airs = DemoCatalog.Airs("fibonacci")!;
        Proof Fib(uint a, uint b)
        {
            var trace = FibonacciAir<KoalaBear>.GenerateTrace(16, KoalaBear.FromUInt64(a), KoalaBear.FromUInt64(b));
            return new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Prove(airs, [trace], [[trace[0, 0], trace[0, 1], trace[15, 1]]]);
        }
        var fa = Fib(0, 1);
        var fb = Fib(2, 3);
        var program = Verifier.Build(Inner, airs, fa.LogHeights);
        var machine = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(program);
        var key = machine.Setup<KoalaBearDigest>(Inner);
        var prover = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner);
        var ra = prover.Prove(program, new Hints(Inner, airs, fa));
        var rb = prover.Prove(program, new Hints(Inner, airs, fb));
        return new Layer1(airs, program, machine, key, ProofSerializer.Serialize(ra.Stark), [.. ra.Outputs], ProofSerializer.Serialize(rb.Stark), [.. rb.Outputs]);
    });

    private static RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Prover(bool check = false) => new(Outer) { CheckConstraints = check };

    private static RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> OuterVerifier => new(Outer);

    [Fact]
    public void ChildChannelsFitTheStride() =>
        Assert.True(Enum.GetValues<HintChannel>().Max(c => (int)c) < Verifier.ChannelStride);

    [Fact]
    public void RecursionProofOfARecursionProofVerifiesAndCarriesTheStatement()
    {
        var l = First.Value;
        var inner = Layer1.Read(l.ProofA);
        // The first recursion proof is an ordinary STARK of the recursion chips, accepted natively.
        Assert.True(new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Verify(l.Machine, l.Key.VerifyingKey, l.OutputsA, inner).IsValid);
        var program = Verifier.BuildPinned(Inner, l.Airs, inner.LogHeights, l.Key.VerifyingKey.PreprocessedRoot);
        output.WriteLine($"first layer: {l.Program.Instructions.Count} instructions; second layer (verifies the first's proof): {program.Instructions.Count} instructions");
        var prover = Prover(check: true);
        var proof = prover.Prove(program, l.Hints(inner));
        output.WriteLine(string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms")) + $"; proof {ProofSerializer.Serialize(proof.Stark).Length} B");
        // proof → recursion proof → recursion proof: the top proof states the Fibonacci statement (0, 1, fib(15)).
        Assert.Equal(l.OutputsA, proof.Outputs);
        Assert.Equal(new uint[] { 0, 1, 987 }, proof.Outputs);
        Assert.True(OuterVerifier.Verify(program, proof.Outputs, proof.Stark).IsValid);
        var other = proof.Outputs.ToArray();
        other[2]++;
        Assert.False(OuterVerifier.Verify(program, other, proof.Stark).IsValid);

        // Without the pin the root is an output (the statement names the inner program); with another pinned key the
        // run fails: a recursion proof of any other program of this shape is refused.
        var unpinned = Executor.Run(Verifier.Build(Inner, l.Airs, inner.LogHeights), l.Hints(inner));
        Assert.True(unpinned.Accepted, unpinned.ToString());
        Assert.Equal(l.OutputsA.Concat(l.Key.VerifyingKey.PreprocessedRoot.Elements.ToArray().Select(e => e.ToCanonical())), unpinned.Outputs);
        var root = l.Key.VerifyingKey.PreprocessedRoot.Elements.ToArray();
        root[3] += KoalaBear.One;
        var wrongPin = Verifier.BuildPinned(Inner, l.Airs, inner.LogHeights, KoalaBearDigest.FromElements(root));
        var refused = Executor.Run(wrongPin, l.Hints(inner));
        output.WriteLine($"another pinned key: {refused}");
        Assert.False(refused.Accepted);
    }

    [Fact]
    public void TamperedInnerRecursionProofIsRefusedAndItsForcedTraceRejected()
    {
        var l = First.Value;
        var honest = Layer1.Read(l.ProofA);
        var program = Verifier.BuildPinned(Inner, l.Airs, honest.LogHeights, l.Key.VerifyingKey.PreprocessedRoot);
        // The inner recursion proof claims another Fibonacci result (its output table's public value).
        var tampered = Layer1.Read(l.ProofA);
        tampered.PublicValues[^1][2] += KoalaBear.One;
        Assert.False(new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Verify(l.Machine, l.Key.VerifyingKey, [0, 1, 988], tampered).IsValid);
        var e = Assert.Throws<RecursionRejectedException>(() => Prover().Prove(program, l.Hints(tampered)));
        output.WriteLine(e.Message);
        RejectsForcedTrace("inner recursion proof with another output", program, l.Hints(tampered));
        // An opened value of the inner recursion proof changed.
        var opened = Layer1.Read(l.ProofA);
        opened.Openings[1].MainLocal[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        Assert.False(Executor.Run(program, l.Hints(opened)).Accepted);
    }

    [Fact]
    public void AggregationNodeVerifiesTwoChildrenAndStatesBothOutputs()
    {
        var l = First.Value;
        var (a, b) = (Layer1.Read(l.ProofA), Layer1.Read(l.ProofB));
        var program = Verifier.BuildAggregation(Inner, l.Airs, [a.LogHeights, b.LogHeights], l.Key.VerifyingKey.PreprocessedRoot);
        output.WriteLine($"2-to-1 node: {program.Instructions.Count} instructions, {program.Outputs.Count} outputs");
        foreach (var (table, rows, logHeight, width, pre) in new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(program).Shape())
            output.WriteLine($"  {table}: {rows} rows, 2^{logHeight}, {width} main + {pre} fixed columns");
        IRecursionHints<KoalaBearParameters> Both(Proof x, Proof y) => new AggregationHints<KoalaBearParameters>([l.Hints(x), l.Hints(y)]);
        var prover = Prover(check: true);
        var proof = prover.Prove(program, Both(a, b));
        output.WriteLine(string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms")) + $"; proof {ProofSerializer.Serialize(proof.Stark).Length} B");
        Assert.Equal(l.OutputsA.Concat(l.OutputsB), proof.Outputs);
        Assert.Equal(new uint[] { 0, 1, 987, 2, 3, 4181 }, proof.Outputs);
        Assert.True(OuterVerifier.Verify(program, proof.Outputs, proof.Stark).IsValid);
        // The children's statements in the other order, or one child's output changed, are not what the proof states.
        Assert.False(OuterVerifier.Verify(program, [.. l.OutputsB, .. l.OutputsA], proof.Stark).IsValid);
        var other = proof.Outputs.ToArray();
        other[5]++;
        Assert.False(OuterVerifier.Verify(program, other, proof.Stark).IsValid);

        // Either child tampered: the run fails, the prover refuses, and the forced trace (child 1's) gives a rejected proof.
        var badA = Layer1.Read(l.ProofA);
        badA.PublicValues[^1][2] += KoalaBear.One;
        var badB = Layer1.Read(l.ProofB);
        badB.PublicValues[^1][0] += KoalaBear.One;
        var badFinal = Layer1.Read(l.ProofB);
        badFinal.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        var runA = Executor.Run(program, Both(badA, b));
        var runB = Executor.Run(program, Both(a, badB));
        var runFinal = Executor.Run(program, Both(a, badFinal));
        output.WriteLine($"child 0 tampered: {runA}; child 1 tampered: {runB}; child 1's final polynomial changed: {runFinal}");
        Assert.False(runA.Accepted);
        Assert.False(runB.Accepted);
        Assert.False(runFinal.Accepted);
        Assert.Throws<RecursionRejectedException>(() => Prover().Prove(program, Both(a, badB)));
        RejectsForcedTrace("aggregation with a tampered second child", program, Both(a, badB));
        // The children in the other order are accepted too (both are proofs of the pinned program), stating their outputs in that order.
        var swapped = Executor.Run(program, Both(b, a));
        Assert.True(swapped.Accepted);
        Assert.Equal(l.OutputsB.Concat(l.OutputsA), swapped.Outputs);
    }

    /// <summary>Completes the rejected run as a cheating prover would, proves its trace without checks and expects the verifier to reject.</summary>
    private void RejectsForcedTrace(string what, RecursionProgram program, IRecursionHints<KoalaBearParameters> hints)
    {
        var run = Executor.RunPastFailures(program, hints, out var memory);
        Assert.False(run.Accepted);
        var machine = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(program);
        var key = machine.Setup<KoalaBearDigest>(Outer);
        var outputs = program.Outputs.Select(o => memory.Felts[o].ToCanonical()).ToArray();
        var proof = Prover().ProveTraces(machine, key, machine.GenerateTraces(memory), outputs, check: false);
        var verdict = OuterVerifier.Verify(machine, key.VerifyingKey, outputs, proof);
        output.WriteLine($"{what}: {verdict}");
        Assert.False(verdict.IsValid);
    }
}
