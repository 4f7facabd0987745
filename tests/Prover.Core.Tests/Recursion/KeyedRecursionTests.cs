using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest>;
using RProof = RecursionProof<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Keyed = KeyedRecursion<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Verifier = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Executor = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>;
using Hints = StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Machine = RecursionMachine<KoalaBearParameters, KoalaBearQuartic>;
using KeySet = RecursionKeySet<KoalaBearParameters, KoalaBearDigest>;

/// <summary>
/// Verifying keys as data (<see cref="KeyedRecursion{TParams, TDef, TDigest}"/>): two different leaf programs (verifiers
/// of Fibonacci proofs of 16 and 32 rows) padded to one shape, a set of allowed keys {leaf A, leaf B, node}, and ONE node
/// program that verifies (leaf A, leaf B) and then (node, leaf A) — one key at both levels. Rejected: a child under a key
/// outside the set (a third program of the same shape), a wrong membership path, a child stating another root, a
/// tampered child, and the top checked against another expected root.
/// </summary>
public sealed class KeyedRecursionTests(ITestOutputHelper output)
{
    // Every proof of the family, the base Fibonacci proofs included, under one small configuration (few queries).
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly IAir<KoalaBear>[] FibAirs = DemoCatalog.Airs("fibonacci")!;

    private sealed record Member(RecursionProgram Program, ProvingKey<KoalaBearParameters, KoalaBearDigest> Key)
    {
        public KoalaBearDigest Root => Key.VerifyingKey.PreprocessedRoot;
    }

    private sealed record Family(RecursionShape Shape, IAir<KoalaBear>[] ShapeAirs, Member LeafA, Member LeafB, Member Outsider, Member Node, KeySet Set,
        Proof FibA, Proof FibB, Proof FibX, RProof ProofA, RProof ProofB, RProof ProofX, int Rounds, RecursionProgram[] Unpadded)
    {
        public Hints HintsOf(RProof proof, Member member) => new(Config, ShapeAirs, proof.Stark, member.Key.VerifyingKey);

        public KoalaBearDigest PayloadOf(RProof proof) => KoalaBearDigest.FromCanonical(proof.Outputs.Skip(KoalaBearDigest.Length).ToArray());
    }

    private static Proof Fib(int rows, uint a, uint b)
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(rows, KoalaBear.FromUInt64(a), KoalaBear.FromUInt64(b));
        return new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Config).Prove(FibAirs, [trace], [[trace[0, 0], trace[0, 1], trace[rows - 1, 1]]]);
    }

    private static RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Prover(bool check = false) => new(Config) { CheckConstraints = check };

    private static RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> NewVerifier() => new(Config);

    private static Member MemberOf(RecursionProgram padded) => new(padded, new Machine(padded).Setup<KoalaBearDigest>(Config));

    private static readonly Lazy<Family> Built = new(() =>
    {
        var (fa, fb, fx) = (Fib(16, 0, 1), Fib(32, 2, 3), Fib(64, 5, 8));
        var leaves = new[] { fa, fb, fx }.Select(f => Keyed.BuildLeaf(Config, FibAirs, f.LogHeights)).ToArray();
        // The set will hold leaf A, leaf B and the node: 3 keys, depth 2 (the outsider is of the same shape, not allowed).
        var (shape, node, rounds) = Keyed.FitFamily(Config, leaves, childCount: 2, setDepth: 2);
        var (a, b, x) = (MemberOf(leaves[0].PaddedTo(shape)), MemberOf(leaves[1].PaddedTo(shape)), MemberOf(leaves[2].PaddedTo(shape)));
        var n = MemberOf(node);
        var set = new KeySet([a.Root, b.Root, n.Root]);
        var prover = Prover();
        RProof Leaf(Member m, Proof fib) => prover.Prove(m.Program, Keyed.LeafHints(set.Root, new Hints(Config, FibAirs, fib)));
        return new Family(shape, Machine.AirsOf(shape), a, b, x, n, set, fa, fb, fx, Leaf(a, fa), Leaf(b, fb), Leaf(x, fx), rounds, leaves);
    });

    // The node over (leaf A, leaf B), proved once.
    private static readonly Lazy<RProof> Level1 = new(() =>
    {
        var f = Built.Value;
        return Prover(check: true).Prove(f.Node.Program, Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(f.ProofB, f.LeafB), f.LeafB.Root)]));
    });

    private static KoalaBearDigest Changed(KoalaBearDigest d, int element)
    {
        var e = d.Elements.ToArray();
        e[element] += KoalaBear.One;
        return KoalaBearDigest.FromElements(e);
    }

    [Fact]
    public void OneNodeKeyVerifiesTwoLeafProgramsAndItsOwnProofs()
    {
        var f = Built.Value;
        output.WriteLine($"shape after {f.Rounds} round(s): {f.Shape} ({f.Shape.Rows} rows)");
        foreach (var (name, program) in new[] { ("leaf A (fib 16)", f.Unpadded[0]), ("leaf B (fib 32)", f.Unpadded[1]), ("outsider (fib 64)", f.Unpadded[2]) })
            output.WriteLine($"{name}: {program.Instructions.Count} instructions, own shape {Machine.NaturalShape(program).Rows} rows");
        output.WriteLine($"node: {f.Node.Program.Instructions.Count} instructions, own shape {Machine.NaturalShape(f.Node.Program)}");
        // The leaves are different programs with different keys; the node's key is a third.
        Assert.NotEqual(f.Unpadded[0].Instructions.Count, f.Unpadded[1].Instructions.Count);
        Assert.Equal(3, new[] { f.LeafA.Root, f.LeafB.Root, f.Node.Root }.Distinct().Count());
        // The node is one function of (configuration, shape, k, depth): rebuilt, it is the same program.
        RecursionShapeTests.AssertSameProgram(f.Node.Program, Keyed.BuildNode(Config, f.Shape, 2, 2));
        Assert.Equal(f.Shape, new Machine(f.Node.Program).TableShape);

        // Level 1: node over (leaf A, leaf B). The statement: R, then compress(payload A, payload B), each leaf's payload
        // the sponge of the Fibonacci statement it verified.
        var root = f.Set.Root;
        var payloadA = Keyed.LeafPayload([0, 1, 987]);
        var payloadB = Keyed.LeafPayload([.. f.FibB.PublicValues[0].Select(v => v.ToCanonical())]);
        Assert.Equal(new uint[] { 2, 3, 9227465 }, f.FibB.PublicValues[0].Select(v => v.ToCanonical()));
        Assert.Equal([.. root.ToCanonical(), .. payloadA.ToCanonical()], f.ProofA.Outputs);
        Assert.Equal([.. root.ToCanonical(), .. payloadB.ToCanonical()], f.ProofB.Outputs);
        var level1 = Level1.Value;
        var payload1 = Keyed.NodePayload([(f.LeafA.Root, payloadA), (f.LeafB.Root, payloadB)]);
        Assert.Equal([.. root.ToCanonical(), .. payload1.ToCanonical()], level1.Outputs);
        var verifier = NewVerifier();
        Assert.True(verifier.Verify(f.Node.Program, level1.Outputs, level1.Stark).IsValid);
        Assert.True(Keyed.VerifyTop(verifier, f.Node.Program, root, payload1, level1.Stark).IsValid);
        // The payload binds each child's program, not only its statement: the same statements under swapped keys, or
        // without the keys, are another payload.
        Assert.False(Keyed.VerifyTop(verifier, f.Node.Program, root, Keyed.NodePayload([(f.LeafB.Root, payloadA), (f.LeafA.Root, payloadB)]), level1.Stark).IsValid);
        Assert.NotEqual(payload1, TruncatedPermutation<KoalaBearParameters, KoalaBearDigest>.Default.Compress(payloadA, payloadB));
        Assert.Equal(f.Shape.LogHeights, level1.Stark.LogHeights);

        // Level 2: the SAME node program over (node proof, leaf A): its key is in the set like the leaves'.
        var prover = Prover();
        var level2 = prover.Prove(f.Node.Program, Keyed.NodeHints(f.Set, [(f.HintsOf(level1, f.Node), f.Node.Root), (f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root)]));
        var payload2 = Keyed.NodePayload([(f.Node.Root, payload1), (f.LeafA.Root, payloadA)]);
        Assert.Equal([.. root.ToCanonical(), .. payload2.ToCanonical()], level2.Outputs);
        Assert.True(Keyed.VerifyTop(verifier, f.Node.Program, root, payload2, level2.Stark).IsValid);
        output.WriteLine($"level 2: {string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms"))}; proof {ProofSerializer.Serialize(level2.Stark).Length} B");

        // The verifier's side: the top against another expected root, or another payload, is rejected.
        var verdict = Keyed.VerifyTop(verifier, f.Node.Program, Changed(root, 5), payload2, level2.Stark);
        output.WriteLine($"another expected root: {verdict}");
        Assert.False(verdict.IsValid);
        Assert.False(Keyed.VerifyTop(verifier, f.Node.Program, root, payload1, level2.Stark).IsValid);
        // A leaf's proof is not a node's proof (another key), though it states the same root.
        Assert.False(Keyed.VerifyTop(verifier, f.Node.Program, root, payloadA, f.ProofA.Stark).IsValid);
    }

    [Fact]
    public void KeyedChannelsAvoidTheProofChannels()
    {
        // A child's proof reads channels 0…max(HintChannel) of its stride; the root and the path use others of the stride.
        int proofChannels = Enum.GetValues<HintChannel>().Max(c => (int)c);
        Assert.All(new[] { KeyedRecursionChannels.Root, KeyedRecursionChannels.IndexBits, KeyedRecursionChannels.Siblings },
            c => Assert.InRange(c, proofChannels + 1, Verifier.ChannelStride - 1));
        Assert.NotEqual(KeyedRecursionChannels.IndexBits, KeyedRecursionChannels.Siblings);
    }

    [Fact]
    public void NodeOfThreeChildrenStatesTheSpongeOfTheirEntries()
    {
        // k is a parameter: a 3-to-1 node (its own, larger program; run only) over (leaf A, leaf B, leaf A).
        var f = Built.Value;
        var node3 = Keyed.BuildNode(Config, f.Shape, 3, f.Set.Depth);
        var children = new[] { (f.ProofA, f.LeafA), (f.ProofB, f.LeafB), (f.ProofA, f.LeafA) };
        var run = Executor.Run(node3, Keyed.NodeHints(f.Set, [.. children.Select(c => ((IRecursionHints<KoalaBearParameters>)f.HintsOf(c.Item1, c.Item2), c.Item2.Root))]));
        Assert.True(run.Accepted, run.ToString());
        var payload = Keyed.NodePayload([.. children.Select(c => (c.Item2.Root, f.PayloadOf(c.Item1)))]);
        Assert.Equal([.. f.Set.Root.ToCanonical(), .. payload.ToCanonical()], run.Outputs);
        output.WriteLine($"3-to-1 node: {node3.Instructions.Count} instructions, own shape {Machine.NaturalShape(node3).Rows} rows");
    }

    [Fact]
    public void ChildUnderAKeyOutsideTheSetIsRefused()
    {
        var f = Built.Value;
        Assert.False(f.Set.Contains(f.Outsider.Root));
        var a = Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(f.ProofB, f.LeafB), f.LeafB.Root)]);
        Assert.Throws<ArgumentException>(() => Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofX, f.Outsider), f.Outsider.Root)]));
        // The outsider's proof (an honest proof of a program of the shape, stating the set's root) with each allowed
        // key's path: the path from its key does not reach the root.
        for (int index = 0; index < 3; index++)
        {
            var hints = WithChild(a, 1, new KeyedChildHints<KoalaBearParameters>(f.HintsOf(f.ProofX, f.Outsider), Bits(index, f.Set.Depth), Flatten(f.Set.Path(index))));
            var run = Executor.Run(f.Node.Program, hints);
            output.WriteLine($"outsider with key {index}'s path: {run}");
            Assert.False(run.Accepted);
            Assert.Contains("not in the allowed set", run.ToString());
        }
        var outsider = WithChild(a, 1, new KeyedChildHints<KoalaBearParameters>(f.HintsOf(f.ProofX, f.Outsider), Bits(1, f.Set.Depth), Flatten(f.Set.Path(1))));
        Assert.Throws<RecursionRejectedException>(() => Prover().Prove(f.Node.Program, outsider));
        RejectsForcedTrace("a child outside the set", f.Node.Program, outsider);
        // A set that admits the outsider accepts it: the check is membership, nothing else.
        var wider = new KeySet([f.LeafA.Root, f.LeafB.Root, f.Node.Root, f.Outsider.Root]);
        var admitted = Executor.Run(f.Node.Program, Keyed.NodeHints(wider, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(f.ProofX, f.Outsider), f.Outsider.Root)]));
        // ...except that the outsider's proof states the first set's root, not the wider set's.
        Assert.False(admitted.Accepted);
        Assert.Contains("another allowed-key root", admitted.ToString());
    }

    [Fact]
    public void WrongMembershipPathIsRefused()
    {
        var f = Built.Value;
        var honest = Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(f.ProofB, f.LeafB), f.LeafB.Root)]);
        Assert.True(Executor.Run(f.Node.Program, honest).Accepted);
        // Leaf B sits at index 1 (bits 1, 0). A sibling changed, either index bit flipped, or a non-bit.
        var path = Flatten(f.Set.Path(1));
        var bent = path.ToArray();
        bent[KoalaBearDigest.Length + 2] += KoalaBear.One;
        var cases = new (string What, KeyedChildHints<KoalaBearParameters> Child)[]
        {
            ("a sibling changed", new(f.HintsOf(f.ProofB, f.LeafB), Bits(1, 2), bent)),
            ("index bit 0 flipped", new(f.HintsOf(f.ProofB, f.LeafB), Bits(0, 2), path)),
            ("index bit 1 flipped", new(f.HintsOf(f.ProofB, f.LeafB), Bits(3, 2), path)),
            ("a non-bit index", new(f.HintsOf(f.ProofB, f.LeafB), [KoalaBear.FromUInt64(2), KoalaBear.Zero], path)),
            ("leaf A's path", new(f.HintsOf(f.ProofB, f.LeafB), Bits(0, 2), Flatten(f.Set.Path(0)))),
        };
        foreach (var (what, child) in cases)
        {
            var run = Executor.Run(f.Node.Program, WithChild(honest, 1, child));
            output.WriteLine($"{what}: {run}");
            Assert.False(run.Accepted);
        }
        Assert.Throws<RecursionRejectedException>(() => Prover().Prove(f.Node.Program, WithChild(honest, 1, cases[0].Child)));
        RejectsForcedTrace("a changed sibling", f.Node.Program, WithChild(honest, 1, cases[0].Child));
    }

    [Fact]
    public void ChildStatingAnotherRootOrTamperedIsRefused()
    {
        var f = Built.Value;
        // Leaf B proved honestly (its Fibonacci proof verifies) but stating another root.
        var otherRoot = Changed(f.Set.Root, 0);
        var stray = Prover().Prove(f.LeafB.Program, Keyed.LeafHints(otherRoot, new Hints(Config, FibAirs, f.FibB)));
        Assert.True(NewVerifier().Verify(f.LeafB.Program, stray.Outputs, stray.Stark).IsValid);
        var hints = Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(stray, f.LeafB), f.LeafB.Root)]);
        var run = Executor.Run(f.Node.Program, hints);
        output.WriteLine($"child stating another root: {run}");
        Assert.False(run.Accepted);
        Assert.Contains("child 1 states another allowed-key root", run.ToString());
        Assert.Throws<RecursionRejectedException>(() => Prover().Prove(f.Node.Program, hints));
        RejectsForcedTrace("a child stating another root", f.Node.Program, hints);
        // The node itself given another root to state (the children state the set's): refused at child 0.
        var honest = Keyed.NodeHints(f.Set, [(f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root), (f.HintsOf(f.ProofB, f.LeafB), f.LeafB.Root)]);
        var otherTop = new KeyedRecursionHints<KoalaBearParameters>([.. otherRoot.Elements.ToArray()], ChildrenOf(honest));
        run = Executor.Run(f.Node.Program, otherTop);
        Assert.False(run.Accepted);
        Assert.Contains("child 0 states another allowed-key root", run.ToString());

        // A tampered child proof: its stated payload, or its final polynomial.
        var payload = Read(f.ProofA);
        payload.PublicValues[^1][KoalaBearDigest.Length] += KoalaBear.One;
        var final = Read(f.ProofB);
        final.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        var tamperedA = WithChild(honest, 0, new KeyedChildHints<KoalaBearParameters>(new Hints(Config, f.ShapeAirs, payload, f.LeafA.Key.VerifyingKey), Bits(0, 2), Flatten(f.Set.Path(0))));
        var tamperedB = WithChild(honest, 1, new KeyedChildHints<KoalaBearParameters>(new Hints(Config, f.ShapeAirs, final, f.LeafB.Key.VerifyingKey), Bits(1, 2), Flatten(f.Set.Path(1))));
        foreach (var (what, h) in new[] { ("child 0's payload changed", tamperedA), ("child 1's final polynomial changed", tamperedB) })
        {
            var r = Executor.Run(f.Node.Program, h);
            output.WriteLine($"{what}: {r}");
            Assert.False(r.Accepted);
        }
        Assert.Throws<RecursionRejectedException>(() => Prover().Prove(f.Node.Program, tamperedA));
        RejectsForcedTrace("a child with a changed payload", f.Node.Program, tamperedA);
    }

    [Fact]
    public void KeyedNodeAgainstPinnedNodeSizes()
    {
        // What verifying keys as data cost against a pinned 2-to-1 node over the same children (two proofs of leaf A
        // padded to the shape), and against today's pinned node over the unpadded leaf (its own, smaller shape).
        var f = Built.Value;
        var pinned = Verifier.BuildAggregation(Config, f.ShapeAirs, [f.Shape.LogHeights, f.Shape.LogHeights], f.LeafA.Root);
        var unpaddedLeaf = f.Unpadded[0];
        var unpaddedMachine = new Machine(unpaddedLeaf);
        var pinnedUnpadded = Verifier.BuildAggregation(Config, unpaddedMachine.Airs, [unpaddedMachine.LogHeights, unpaddedMachine.LogHeights],
            unpaddedMachine.Setup<KoalaBearDigest>(Config).VerifyingKey.PreprocessedRoot);
        var depth0 = Keyed.BuildNode(Config, f.Shape, 2, 0);
        void Report(string name, RecursionProgram p)
        {
            var m = new Machine(p);
            output.WriteLine($"{name}: {p.Instructions.Count} instructions, {p.HintFelts} hinted felts, {p.Outputs.Count} outputs; "
                + string.Join(", ", m.Shape().Select(t => $"{t.Table} {t.Rows} (2^{t.LogHeight})")));
        }
        Report("pinned node over padded leaf A ×2", pinned);
        Report("pinned node over unpadded leaf A ×2", pinnedUnpadded);
        Report("keyed node (set depth 2)", Keyed.BuildNode(Config, f.Shape, 2, 2));
        Report("keyed node (set depth 0)", depth0);
        // One more set level: per child one Merkle-step row (Poseidon2) and 1 + L hinted felts (the index bit, the sibling).
        var (d2, d3) = (Keyed.BuildNode(Config, f.Shape, 2, 2), Keyed.BuildNode(Config, f.Shape, 2, 3));
        var (perms2, perms3) = (d2.Permutations().Values.Sum(), d3.Permutations().Values.Sum());
        output.WriteLine($"membership per child per set level: {(d3.Instructions.Count - d2.Instructions.Count) / 2.0} instructions, "
            + $"{(perms3 - perms2) / 2.0} Poseidon2 rows, {(d3.HintFelts - d2.HintFelts) / 2.0} hinted felts");
        Assert.Equal(2, perms3 - perms2);
        Assert.Equal(2 * (1 + KoalaBearDigest.Length), d3.HintFelts - d2.HintFelts);
        foreach (var (name, program) in new[] { ("leaf A", f.Unpadded[0]), ("leaf B", f.Unpadded[1]), ("node", Keyed.BuildNode(Config, f.Shape, 2, 2)) })
            output.WriteLine($"padding {name}: {Machine.NaturalShape(program).Rows} rows → {f.Shape.Rows}");

        // Both nodes prove and verify over the same children; sizes and times printed for docs/benchmarks.md.
        var prover = Prover();
        var hintsA = f.HintsOf(f.ProofA, f.LeafA);
        var p = prover.Prove(pinned, new AggregationHints<KoalaBearParameters>([hintsA, f.HintsOf(f.ProofA, f.LeafA)]));
        output.WriteLine($"pinned node proof: {ProofSerializer.Serialize(p.Stark).Length} B; {string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms"))}");
        Assert.True(NewVerifier().Verify(pinned, p.Outputs, p.Stark).IsValid);
        var k = prover.Prove(f.Node.Program, Keyed.NodeHints(f.Set, [(hintsA, f.LeafA.Root), (f.HintsOf(f.ProofA, f.LeafA), f.LeafA.Root)]));
        output.WriteLine($"keyed node proof: {ProofSerializer.Serialize(k.Stark).Length} B; {string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms"))}");
        Assert.True(NewVerifier().Verify(f.Node.Program, k.Outputs, k.Stark).IsValid);
        Assert.True(depth0.Instructions.Count < f.Node.Program.Instructions.Count);
    }

    private static Proof Read(RProof proof) =>
        ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(proof.Stark));

    private static KoalaBear[] Bits(int index, int depth) => [.. Enumerable.Range(0, depth).Select(d => KoalaBear.FromUInt64((ulong)((index >> d) & 1)))];

    private static KoalaBear[] Flatten(KoalaBearDigest[] path) => [.. path.SelectMany(d => d.Elements.ToArray())];

    private static KeyedChildHints<KoalaBearParameters>[] ChildrenOf(KeyedRecursionHints<KoalaBearParameters> hints) => [.. hints.Children];

    private static KeyedRecursionHints<KoalaBearParameters> WithChild(KeyedRecursionHints<KoalaBearParameters> hints, int child, KeyedChildHints<KoalaBearParameters> replacement)
    {
        var children = ChildrenOf(hints);
        children[child] = replacement;
        return new KeyedRecursionHints<KoalaBearParameters>([.. hints.Root], children);
    }

    /// <summary>Completes the rejected run as a cheating prover would, proves its trace without checks and expects the verifier to reject.</summary>
    private void RejectsForcedTrace(string what, RecursionProgram program, IRecursionHints<KoalaBearParameters> hints)
    {
        var run = Executor.RunPastFailures(program, hints, out var memory);
        Assert.False(run.Accepted);
        var machine = new Machine(program);
        var key = machine.Setup<KoalaBearDigest>(Config);
        var outputs = program.Outputs.Select(o => memory.Felts[o].ToCanonical()).ToArray();
        var proof = Prover().ProveTraces(machine, key, machine.GenerateTraces(memory), outputs, check: false);
        var verdict = NewVerifier().Verify(machine, key.VerifyingKey, outputs, proof);
        output.WriteLine($"{what}: {verdict}");
        Assert.False(verdict.IsValid);
    }
}
