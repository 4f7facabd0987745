using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Proof = Prover.Core.Stark.StarkProof<Prover.Core.Field.KoalaBearParameters, Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearQuartic>, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// The final layer over an aggregation tree's root (docs/design.md, "Recursion", the final layer): hello.elf in two
/// shards (leaf, leaf, node = root) and in one (the leaf's lift is the root), each ending in one final proof. The final proof
/// verifies and states the execution's claim; a changed output, exit code, input commitment or program digest is
/// rejected; a final proof over a tampered root is refused by its prover; a final proof of another program, or a final
/// proof presented as another execution's, is rejected. Small query counts keep these fast (the statement is under
/// test, not FRI).
/// </summary>
public sealed class ZkvmFinalProofTests(ITestOutputHelper output)
{
    private static readonly StarkConfig ShardConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = StarkConfig.Development with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2 };

    /// <summary>The final layers in other shapes than the tree's, as provable-100's wrap (recursion-100) and final-100 differ from it.</summary>
    private static readonly StarkConfig WrapConfig = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 1 };

    private static readonly StarkConfig FinalConfig = StarkConfig.Development with { LogBlowup = 2, NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private sealed record Execution(ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, KoalaBearDigest> Proof, ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest> Keys,
        ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest> Aggregator, ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> Root, ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> Final)
    {
        public ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest> FinalProof => Aggregator.FromFinal(Final);

        public ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest> Verifier => new(Keys);
    }

    private static Execution Prove(string guest, long shardSize)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = shardSize }).Prove(program, []);
        var keys = new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, RecursionConfig, program, [WrapConfig, FinalConfig]);
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, proof);
        var root = aggregator.Root();
        return new Execution(program, proof, keys, aggregator, root, aggregator.Final(root));
    }

    private static readonly Lazy<Execution> Hello2 = new(() => Prove("hello", 1 << 7));

    private static readonly Lazy<Execution> Hello1 = new(() => Prove("hello", 1 << 22));

    private static Proof Copy(Proof p) => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(p));

    [Fact]
    public void FinalProofOverTheRootVerifiesAndStatesTheClaim()
    {
        foreach (var e in new[] { Hello2.Value, Hello1.Value })
        {
            var final = e.FinalProof;
            var bytes = final.ToBytes();
            foreach (var (layer, ms, size) in e.Aggregator.Timings)
                output.WriteLine($"{e.Proof.Shards.Count} shard(s): {layer}: {size} B in {ms:F0} ms");
            Assert.Equal(ZkvmAggregateKind.Final, ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.KindOf(bytes));
            // One wrap layer, then the final proof, each once.
            Assert.Equal(["wrap 0", "final"], e.Aggregator.Timings.Select(t => t.Layer).Where(l => l is "wrap 0" or "final"));
            // Its recursion proof is under the final configuration, and states the root's statement unchanged.
            Assert.Equal(FinalConfig.LogBlowup, final.Root.Config!.LogBlowup);
            Assert.Equal(e.Root.Proof.Outputs, e.Final.Proof.Outputs);
            var verifier = e.Verifier;
            var result = verifier.Verify(bytes);
            Assert.True(result.IsValid, result.Error);
            Assert.Equal(e.Proof.ExitCode, result.ExitCode);
            Assert.Equal(e.Proof.Output, result.Output);
            Assert.Equal(e.Proof.Cycles, result.Cycles);
            Assert.Equal(e.Proof.InputCommitment, result.InputCommitment);
            Assert.NotNull(result.Security);
            // The key it was checked against is the final program's over the root, not the root's.
            Assert.Equal(e.Final.Child.Key.PreprocessedRoot, verifier.LastKey);
            Assert.NotEqual(e.Root.Child.Key.PreprocessedRoot, verifier.LastKey);
            // The root alone, labelled as final (its kind changed), is not a final proof: another key and configuration.
            Assert.False(verifier.Verify(e.Aggregator.FromFinal(e.Root)).IsValid);
            // And the final proof labelled as a root is rejected by the root's check.
            Assert.False(verifier.Verify(e.Aggregator.FromRoot(e.Final)).IsValid);
        }
        Assert.Equal(2, Hello2.Value.Proof.Shards.Count);
        Assert.Single(Hello1.Value.Proof.Shards);
    }

    [Fact]
    public void LayersFollowTheShardsShapeNotTheirName()
    {
        var layers = ZkvmRecursionLayers.For(StarkConfig.Provable100);
        Assert.True(StarkConfig.SameShape(layers.Layer, StarkConfig.Provable100));
        Assert.Equal(2, layers.Finals.Count);
        Assert.True(StarkConfig.SameShape(layers.Finals[0], StarkConfig.Recursion100));
        Assert.True(StarkConfig.SameShape(layers.Final, StarkConfig.Final100));
        // The policy fields follow the shards'.
        var lenient = ZkvmRecursionLayers.For(StarkConfig.Provable100 with { MinimumProvableBits = 80, AllowInsecure = true });
        Assert.Equal((80, true), (lenient.Finals[0].MinimumProvableBits, lenient.Finals[0].AllowInsecure));
        Assert.Equal((80, true), (lenient.Final.MinimumProvableBits, lenient.Final.AllowInsecure));
        // Another shape named "provable-100" is not provable-100: its layers are its own.
        var renamed = StarkConfig.Provable100 with { NumQueries = 60 };
        Assert.Equal(renamed, ZkvmRecursionLayers.For(renamed).Final);
        Assert.Equal(StarkConfig.Development, ZkvmRecursionLayers.For(StarkConfig.Development).Layer);
        Assert.Equal([StarkConfig.Development], ZkvmRecursionLayers.For(StarkConfig.Development).Finals);
    }

    [Fact]
    public void ChangedPublicValueIsRejected()
    {
        var e = Hello2.Value;
        var honest = e.FinalProof;
        var commitment = honest.Claim.InputCommitment.ToArray();
        commitment[0] += KoalaBear.One;
        var digest = honest.ProgramDigest.ToArray();
        digest[0] ^= 1;
        foreach (var (what, proof) in new (string, ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>)[]
        {
            ("output", honest with { Claim = honest.Claim with { Output = [.. honest.Claim.Output, 7] } }),
            ("changed output byte", honest with { Claim = honest.Claim with { Output = [.. honest.Claim.Output.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b)] } }),
            ("exit code", honest with { Claim = honest.Claim with { ExitCode = honest.Claim.ExitCode ^ 1 } }),
            ("input commitment", honest with { Claim = honest.Claim with { InputCommitment = commitment } }),
            ("input size", honest with { Claim = honest.Claim with { InputSize = honest.Claim.InputSize + 4 } }),
            ("cycles", honest with { Claim = honest.Claim with { Cycles = honest.Claim.Cycles + 1 } }),
            ("program digest", honest with { ProgramDigest = digest }),
        })
        {
            var result = e.Verifier.Verify(proof.ToBytes());
            output.WriteLine($"{what}: {result.Error}");
            Assert.False(result.IsValid, what);
        }
    }

    [Fact]
    public void FinalProofOverATamperedRootIsRefused()
    {
        var e = Hello2.Value;
        var bad = Copy(e.Root.Proof.Stark);
        bad.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        string why = Assert.Throws<RecursionRejectedException>(() => e.Aggregator.Final(e.Root with { Proof = e.Root.Proof with { Stark = bad } })).Message;
        output.WriteLine(why);
        // A tampered child below the root already fails at the root's node (ZkvmAggregationTests). A final proof over a
        // proof of the tree that is not its root (leaf 0's lift: an allowed program of the node shape) is provable, but
        // its statement covers shard 0 alone: the verifier, which derives the root's, rejects it.
        var overLeaf = e.Aggregator.FromFinal(e.Aggregator.Final(e.Aggregator.Lift(e.Aggregator.Leaf(0))));
        var rejected = e.Verifier.Verify(overLeaf.ToBytes());
        output.WriteLine(rejected.Error);
        Assert.False(rejected.IsValid);
        // A final proof whose own proof was tampered with is rejected by the verifier.
        var honest = e.FinalProof;
        var tampered = Copy(honest.Root);
        tampered.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        var result = e.Verifier.Verify(honest with { Root = tampered });
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void FirstFinalLayerChecksTheRootsAllowedKeyRootAndMembership()
    {
        // The first final layer holds R as a constant: a root of another family (hello's one-shard root, a leaf of another
        // shape, stating its own family's R) fails both checks, run past failures; the honest root passes them.
        var two = Hello2.Value;
        var first = two.Keys.FinalChain(two.Aggregator.Family)[0];
        List<string> Failures(ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> root)
        {
            var failures = new List<string>();
            var hints = new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(RecursionConfig, root.Child.Machine.Airs, root.Proof.Stark, root.Child.Key);
            RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(first.Program,
                two.Aggregator.Family.Hints([(hints, root.Child.Key.PreprocessedRoot)]), failures);
            return failures;
        }
        Assert.Empty(Failures(two.Root));
        var other = Failures(Hello1.Value.Root);
        output.WriteLine(string.Join(" | ", other.Distinct()));
        Assert.Contains("the root states another allowed-key root", other);
        Assert.Contains("the root's verifying key is not in the allowed set", other);
        Assert.NotEqual(Hello1.Value.Aggregator.Family.AllowedKeys, two.Aggregator.Family.AllowedKeys);
    }

    [Fact]
    public void FinalKeyDependsOnTheAllowedShapesNotTheShardCount()
    {
        // The verifier derives the top key from the family of the allowed shapes: the same for any shard count (the node
        // verifies any member, the final layer any member under R), another for another set of shapes.
        var two = Hello2.Value;
        var summary = two.FinalProof.Summary;
        var (error, statement) = ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>.CheckSummary(ShardConfig, two.Program, summary.Claim, summary.Shapes,
            summary.ShardCount, summary.Digest<KoalaBearDigest>());
        Assert.Null(error);
        var verifier = two.Verifier;
        var key = verifier.TopProgram(ZkvmAggregateKind.Final, statement!, summary.Shapes, 2).Key.PreprocessedRoot;
        Assert.Equal(key, verifier.TopProgram(ZkvmAggregateKind.Final, statement!, summary.Shapes, 7).Key.PreprocessedRoot);
        // A root's own program follows the tree (two shards: a node over two leaves; five: a node over a node and the
        // carried-up leaf; one: the lift), each a member of the one set the final layer checks against.
        var family = two.Keys.Family(statement!.Config, summary.Shapes, statement.Fractions);
        Assert.Same(family.Node(true, true), verifier.TopProgram(ZkvmAggregateKind.Aggregated, statement!, summary.Shapes, 2));
        Assert.Same(family.Node(false, true), verifier.TopProgram(ZkvmAggregateKind.Aggregated, statement!, summary.Shapes, 5));
        Assert.Same(family.Node(false, false), verifier.TopProgram(ZkvmAggregateKind.Aggregated, statement!, summary.Shapes, 4));
        Assert.Same(family.Lift, verifier.TopProgram(ZkvmAggregateKind.Aggregated, statement!, summary.Shapes, 1));
        var one = Hello1.Value.FinalProof.Summary;
        Assert.NotEqual(key, verifier.TopProgram(ZkvmAggregateKind.Final, statement!, one.Shapes, 1).Key.PreprocessedRoot);
        // The honest final proof verifies against exactly that key.
        Assert.True(verifier.Verify(two.FinalProof.ToBytes()).IsValid);
        Assert.Equal(key, verifier.LastKey);
    }

    [Fact]
    public void FinalProofOfAnotherProgramOrExecutionIsRejected()
    {
        var two = Hello2.Value;
        var misaligned = Prove("misaligned", 1 << 22);
        // misaligned.elf's final proof against hello's verifier: another program.
        var result = two.Verifier.Verify(misaligned.FinalProof.ToBytes());
        output.WriteLine(result.Error);
        Assert.Contains("another program", result.Error);
        // Its final proof presented with hello's claim and commitments: the key and statement are hello's.
        result = two.Verifier.Verify(two.FinalProof with { Root = misaligned.FinalProof.Root });
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        // hello's one-shard final proof presented as the two-shard execution's (another shard shape, another key).
        result = two.Verifier.Verify(two.FinalProof with { Root = Hello1.Value.FinalProof.Root });
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void EightElementDigestFinalProofPresentedAsAWideOneIsRejected()
    {
        // The reverse of WideZkvmAggregationTests.WideFinalProofPresentedAsAnEightElementDigestProofIsRejected: this
        // execution's final proof (8-element digests) read by the verifier of the same extension with 12-element digests
        // (provable-128's hash): its 8-element cap digests and recursion proof are not that format — a rejection, not an exception.
        var e = Hello2.Value;
        var bytes = e.FinalProof.ToBytes();
        var wideConfig = StarkConfig.Development with { DigestElements = KoalaBearWideDigest.Length, NumQueries = 2, QueryPowBits = 0 };
        var wide = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearWideDigest>(
            new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearWideDigest>(wideConfig, wideConfig, e.Program, [wideConfig]));
        var result = wide.Verify(bytes);
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        Assert.Contains("12", result.Error);
        // In a file labelled provable-128 (the 128-bit preset): rejected.
        foreach (string statement in new[] { ZkvmAggregateProofs.FinalStatement, ZkvmAggregateProofs.Statement })
        {
            var check = ZkvmAggregateProofs.Verify(e.Program, new ProofEnvelope(statement, StarkConfig.Provable128.Name, bytes).ToBytes());
            output.WriteLine($"{statement} as provable-128: {check.Result.Error}");
            Assert.False(check.Result.IsValid);
        }
    }

    [Fact]
    public void WarmVerifierGivesTheSameVerdictsAgain()
    {
        // One verifier kept across proofs (what caches it holds: keys, shape securities, the program's image tuples)
        // judges a tampered file the same way cold and warm, and still accepts the honest one in between.
        var e = Hello2.Value;
        var honest = e.FinalProof.ToBytes();
        var changedOutput = e.FinalProof with { Claim = e.FinalProof.Claim with { Output = [.. e.FinalProof.Claim.Output.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b)] } };
        var flipped = honest.ToArray();
        flipped[^40] ^= 1; // a byte of the final STARK's query openings
        var verifier = e.Verifier;
        foreach (var tampered in new[] { changedOutput.ToBytes(), flipped })
        {
            var cold = verifier.Verify(tampered);
            Assert.False(cold.IsValid);
            Assert.True(verifier.Verify(honest).IsValid);
            var warm = verifier.Verify(tampered);
            output.WriteLine($"cold: {cold.Error}; warm: {warm.Error}");
            Assert.False(warm.IsValid);
            Assert.Equal(cold.Error, warm.Error);
            // A fresh verifier agrees.
            Assert.Equal(cold.Error, e.Verifier.Verify(tampered).Error);
        }
        Assert.True(verifier.Verify(honest).IsValid);
        // One-byte tamperings spread over the final STARK's bytes (the end of the file), judged by the warm verifier (its
        // compiled AIRs of the final program kept since the first proof) and by a fresh one: the same rejection each time.
        int stark = honest.Length - ProofSerializer.Serialize(e.FinalProof.Root).Length;
        int step = Math.Max(1, (honest.Length - stark) / 40);
        for (int position = stark; position < honest.Length; position += step)
        {
            var tampered = honest.ToArray();
            tampered[position] ^= (byte)(1 << (position % 8));
            var warm = verifier.Verify(tampered);
            Assert.False(warm.IsValid, $"byte {position} changed: accepted");
            Assert.Equal(e.Verifier.Verify(tampered).Error, warm.Error);
        }
        // The warm verifier, having compiled the final program's AIRs of the two-shard tree, still rejects the one-shard
        // execution's final proof presented as this one (another final program: its AIRs are other objects).
        var other = verifier.Verify(e.FinalProof with { Root = Hello1.Value.FinalProof.Root });
        Assert.False(other.IsValid);
        Assert.Equal(e.Verifier.Verify(e.FinalProof with { Root = Hello1.Value.FinalProof.Root }).Error, other.Error);
        Assert.True(verifier.Verify(honest).IsValid);
    }

    [Fact]
    public void WarmVerifierReportsItsSteps()
    {
        var e = Hello2.Value;
        var verifier = e.Verifier;
        Assert.True(verifier.Verify(e.FinalProof.ToBytes()).IsValid);
        var steps = verifier.LastTimings.Select(t => t.Step).ToArray();
        output.WriteLine(string.Join(", ", verifier.LastTimings.Select(t => $"{t.Step} {t.Milliseconds:F2} ms")));
        Assert.Equal(["parse", "statement checks, challenges, public bus terms", "tree and chain lookups, expected statement", "final STARK", "security of the chain"], steps);
        Assert.Contains(verifier.LastStarkTimings, t => t.Phase.StartsWith("DEEP", StringComparison.Ordinal));
    }
}
