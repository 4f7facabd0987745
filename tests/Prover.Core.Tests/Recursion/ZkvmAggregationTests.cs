using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Proof = Prover.Core.Stark.StarkProof<Prover.Core.Field.KoalaBearParameters, Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearQuartic>, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;
using ZkProof = Prover.Core.Zkvm.Proving.ZkvmProof<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// An execution of three shards (misaligned.elf at 2^9-cycle shards) aggregated into one root proof: a leaf per shard,
/// a node over shards 0 and 1, the root over that node and shard 2 (carried up). The root verifies against the program
/// and claim; trees that break the execution (a tampered child, swapped or dropped shards, a child of another program,
/// a forged bus sum, another tree shape, changed commitments or claim) are refused at a node or rejected at the root.
/// Small query counts keep these fast: they test the statement, not FRI.
/// </summary>
public sealed class ZkvmAggregationTests(ITestOutputHelper output)
{
    private static readonly StarkConfig ShardConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = StarkConfig.Development with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private sealed record Execution(ZkvmProgram Program, ZkProof Proof, ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest> Keys, ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest> Aggregator,
        ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest>[] Leaves);

    private static Execution Prove(string guest, long shardSize)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = shardSize }).Prove(program, []);
        var keys = new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, RecursionConfig, program);
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, proof);
        return new Execution(program, proof, keys, aggregator, [.. Enumerable.Range(0, proof.Shards.Count).Select(aggregator.Leaf)]);
    }

    private static readonly Lazy<Execution> Misaligned = new(() => Prove("misaligned", 1 << 9));

    private static readonly Lazy<(ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> Node01, ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest> Aggregate)> Honest = new(() =>
    {
        var e = Misaligned.Value;
        var node = e.Aggregator.Node(e.Leaves[0], e.Leaves[1]);
        return (node, e.Aggregator.FromRoot(e.Aggregator.Node(node, e.Leaves[2])));
    });

    private static ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest> Verifier => new(Misaligned.Value.Keys);

    private static Proof Copy(Proof p) => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(p));

    private static string Refusal(Func<object> prove) => Assert.Throws<RecursionRejectedException>(prove).Message;

    private static StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Hints(ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> item) =>
        new(RecursionConfig, item.Child.Machine.Airs, item.Proof.Stark, item.Child.Key);

    [Fact]
    public void HonestThreeShardAggregateVerifies()
    {
        var e = Misaligned.Value;
        Assert.Equal(3, e.Proof.Shards.Count);
        var aggregate = Honest.Value.Aggregate;
        var bytes = aggregate.ToBytes();
        foreach (var (layer, ms, size) in e.Aggregator.Timings)
            output.WriteLine($"{layer}: {size} B in {ms:F0} ms");
        // Every proof's steps are reported by layer: its execution, traces and STARK phases; a leaf's or node's hints;
        // the program, machine and key where the layer made them (programs found in the cache add none).
        foreach (var (layer, _, _) in e.Aggregator.Timings)
        {
            var steps = e.Aggregator.Phases.Where(p => p.Layer == layer).Select(p => p.Phase).ToArray();
            output.WriteLine($"  {layer}: {string.Join(", ", steps.Distinct())}");
            foreach (string step in (string[])["hints", "execute", "traces", "STARK: main commit", "STARK: grinding and queries"])
                Assert.Contains(step, steps);
        }
        // The family's programs (a leaf per allowed shape, three nodes, the lift) are built and set up once, before any proof.
        Assert.Contains(e.Aggregator.Phases, p => p.Layer == "family" && p.Phase == "build (verifier programs)");
        Assert.Equal(e.Aggregator.Family.Leaves.Count + 4, e.Aggregator.Phases.Count(p => p.Layer == "family" && p.Phase == "setup (program columns)"));
        Assert.Equal(3, e.Aggregator.Family.Leaves.Count);
        // Leaves at the leaf shape, nodes at the node shape; the root (NL: node (0, 1) and the carried-up leaf 2) is the
        // program the verifier derives from the shard count.
        Assert.All(e.Leaves, l => Assert.Equal(e.Aggregator.Family.LeafShape.LogHeights, l.Child.Machine.LogHeights));
        Assert.Same(e.Aggregator.Family.Node(false, true), e.Aggregator.Family.Top(3));
        output.WriteLine($"leaf shape {e.Aggregator.Family.LeafShape}; node shape {e.Aggregator.Family.NodeShape} ({e.Aggregator.Family.Rounds} rounds)");
        output.WriteLine($"aggregated proof {bytes.Length} B (root STARK {ProofSerializer.Serialize(aggregate.Root).Length} B); zkVM proof {e.Proof.ToBytes().Length} B");
        var result = Verifier.Verify(bytes);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(e.Proof.ExitCode, result.ExitCode);
        Assert.Equal(e.Proof.Output, result.Output);
        Assert.Equal(e.Proof.Cycles, result.Cycles);
        // The native verifier agrees on the execution.
        Assert.True(new ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, e.Program).Verify(e.Proof.ToBytes()).IsValid);
        // The whole tree (Root) is the tree assembled here, with the statement the verifier derives from the file's summary.
        var summary = aggregate.Summary;
        var (error, fromSummary) = ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>.CheckSummary(ShardConfig, e.Program, summary.Claim, summary.Shapes,
            summary.ShardCount, summary.Digest<KoalaBearDigest>());
        Assert.Null(error);
        var statement = ZkvmAggregateStatement.Expected(e.Program, summary, fromSummary!, e.Aggregator.Family.AllowedKeys);
        var root = e.Aggregator.Node(Honest.Value.Node01, e.Leaves[2]);
        Assert.Equal(statement, root.Proof.Outputs);
        // The summary's statement is the shard verifier's (from every commitment in the clear): the same shape, challenges,
        // seeds and public bus terms, from the tree digest alone.
        var fromCommitments = ZkvmVerifierStatement(e);
        Assert.Equal(fromCommitments.Config, fromSummary!.Config);
        Assert.Equal(fromCommitments.Gamma, fromSummary.Gamma);
        Assert.Equal(fromCommitments.Beta, fromSummary.Beta);
        Assert.Equal(fromCommitments.PublicBusSum, fromSummary.PublicBusSum);
        // The summary's bus fractions bound every assignment of its shapes to the shards: at least the statement's own.
        Assert.True(fromSummary.Fractions >= fromCommitments.Fractions, $"{fromSummary.Fractions} < {fromCommitments.Fractions}");
        Assert.Equal(fromCommitments.Seeds.Select(x => x.Seed), fromSummary.Seeds.Select(x => x.Seed));
    }

    private static ZkvmCheckedStatement<KoalaBearQuartic, KoalaBearDigest> ZkvmVerifierStatement(Execution e)
    {
        var commitments = e.Proof.Shards.Select((p, s) => ShardCommitment.Of(e.Proof.ShardChips[s], p.LogHeights, p.PublicValues, p.MainCommitment)).ToArray();
        var claim = new ZkvmClaim(e.Proof.InputSize, e.Proof.InputCommitment, e.Proof.Output, e.Proof.ExitCode, e.Proof.Cycles);
        var (error, statement) = ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>.CheckStatement(ShardConfig, e.Program, claim, commitments, e.Proof.Shards[0].Config);
        Assert.Null(error);
        return statement!;
    }

    [Fact]
    public void LeafStatesTheShardsChainingFields()
    {
        var e = Misaligned.Value;
        const int d = 4;
        for (int s = 0; s < 3; s++)
        {
            var o = e.Leaves[s].Proof.Outputs;
            Assert.Equal(ZkvmAggregateStatement.Length(d, 8), o.Count);
            Assert.Equal([(uint)s, (uint)s, 3u], o.Take(3));
            var cpu = e.Proof.Shards[s].PublicValues[e.Proof.ShardChips[s].Position(ZkvmTable.Cpu)].Select(v => v.ToCanonical()).ToArray();
            Assert.Equal(cpu, o.Skip(ZkvmAggregateStatement.Start(d, 8)).Take(8));
            var c = ShardCommitment.Of(e.Proof.ShardChips[s], e.Proof.Shards[s].LogHeights, e.Proof.Shards[s].PublicValues, e.Proof.Shards[s].MainCommitment);
            Assert.Equal(ShardCommitmentTree.ShardDigest<KoalaBearDigest>(c).ToCanonical(), o.Skip(ZkvmAggregateStatement.Digest(d, 8)).Take(8));
            // The last shard's leaf states the input commitment its chip states; the others a zero commitment.
            var commitment = s == 2 ? e.Proof.InputCommitment.Select(v => v.ToCanonical()) : Enumerable.Repeat(0u, 8);
            Assert.Equal(commitment, o.Skip(ZkvmAggregateStatement.InputCommitment(d, 8)).Take(8));
        }
    }

    /// <summary>
    /// The failed checks of shard <paramref name="shard"/>'s leaf program run past failures on its proof with
    /// <paramref name="tamper"/> applied to the proof's public values (by table, in the chips' order) and the seed of shard
    /// <paramref name="seedOf"/> (the shard's own by default).
    /// </summary>
    private static List<string> LeafFailures(Execution e, int shard, Action<ChipSet, KoalaBear[][]>? tamper = null, int? seedOf = null)
    {
        var statement = ZkvmVerifierStatement(e);
        var forged = ZkProof.Parse(e.Proof.ToBytes());
        var chips = e.Proof.ShardChips[shard];
        tamper?.Invoke(chips, forged.Shards[shard].PublicValues);
        var leaf = e.Aggregator.Family.Leaf(new ShardShape(chips, forged.Shards[shard].LogHeights));
        var hints = new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(statement.Config, e.Keys.Program.AirsOf(chips),
            forged.Shards[shard], statement.FullKey.Subset(e.Keys.Program.Airs, chips.Indices()),
            statement.Seeds[seedOf ?? shard] with { StatementFractions = statement.Fractions });
        var failures = new List<string>();
        RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(leaf.Program,
            KeyedRecursion<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.LeafHints(e.Aggregator.Family.AllowedKeys, hints), failures);
        return failures;
    }

    [Fact]
    public void LeafMakesThePerShardChecksOnPublicValues()
    {
        // What the native verifier checks on each shard's public values, the leaf checks in-circuit (the final proof's
        // verifier sees none of them). A tampered public value also breaks the shard's transcript (its STARK checks fail
        // too); run past failures, the leaf's own check is among the failures.
        var e = Misaligned.Value;
        Assert.Empty(LeafFailures(e, 0));
        Assert.Empty(LeafFailures(e, 2));
        const string image = "the image table must send the initial memory in the last shard only";
        var failures = LeafFailures(e, 0, (c, p) => p[c.Position(ZkvmTable.Image)][0] = KoalaBear.One);
        output.WriteLine(string.Join(" | ", failures.Distinct()));
        Assert.Contains(image, failures);
        Assert.Contains(image, LeafFailures(e, 2, (c, p) => p[c.Position(ZkvmTable.Image)][0] = KoalaBear.Zero));
        // A clock piece out of range (the same clock written with a non-canonical q): equal pieces would not be equal clocks.
        Assert.Contains("the shard's end clk_q is not below 2^14", LeafFailures(e, 1, (c, p) => p[c.Position(ZkvmTable.Cpu)][6] += KoalaBear.FromUInt64(1 << 14)));
        Assert.Contains("the shard's end clk_hi is not below 2^24", LeafFailures(e, 1, (c, p) => p[c.Position(ZkvmTable.Cpu)][7] += KoalaBear.FromUInt64(1 << 24)));
        // The last shard's input-commitment chip must state the shard's input size.
        Assert.Contains("the input-commitment chip's input size is not the syscall chip's",
            LeafFailures(e, 2, (c, p) => p[c.Position(ZkvmTable.InputCommit)][0] += KoalaBear.One));
        // A last-kind leaf at another index, and a non-last one at the last index: the seed's index is the transcript's.
        Assert.Contains("a shard with the last-shard tables is not the last shard", LeafFailures(e, 2, seedOf: 1));
        Assert.Contains("inverse of zero", LeafFailures(e, 0, seedOf: 2));
    }

    [Fact]
    public void TamperedChildIsRefusedAtTheNode()
    {
        var e = Misaligned.Value;
        var bad = Copy(e.Leaves[1].Proof.Stark);
        bad.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        string why = Refusal(() => e.Aggregator.Node(e.Leaves[0], e.Leaves[1] with { Proof = e.Leaves[1].Proof with { Stark = bad } }));
        output.WriteLine(why);
        // A child stating another statement than its proof's (its outputs are the proof's public values).
        var outputs = e.Leaves[1].Proof.Outputs.ToArray();
        outputs[ZkvmAggregateStatement.BusSum(4)] ^= 1;
        var lying = e.Leaves[1] with { Proof = e.Leaves[1].Proof with { Stark = Restate(e.Leaves[1].Proof.Stark, outputs) } };
        output.WriteLine(Refusal(() => e.Aggregator.Node(e.Leaves[0], lying)));
    }

    /// <summary>The proof with its output table's public values replaced (the statement a cheating child claims).</summary>
    private static Proof Restate(Proof p, uint[] outputs)
    {
        var copy = Copy(p);
        var table = Array.FindIndex(copy.PublicValues, v => v.Length == outputs.Length);
        copy.PublicValues[table] = [.. outputs.Select(o => KoalaBear.FromUInt64(o))];
        return copy;
    }

    [Fact]
    public void SwappedOrDroppedShardsAreRefusedAtTheNode()
    {
        var e = Misaligned.Value;
        string swapped = Refusal(() => e.Aggregator.Node(e.Leaves[1], e.Leaves[0]));
        output.WriteLine(swapped);
        Assert.Contains("shard after", swapped);
        string dropped = Refusal(() => e.Aggregator.Node(e.Leaves[0], e.Leaves[2]));
        output.WriteLine(dropped);
        Assert.Contains("shard after", dropped);
        // The same shard twice does not chain either.
        Assert.Contains("shard after", Refusal(() => e.Aggregator.Node(e.Leaves[0], e.Leaves[0])));
    }

    [Fact]
    public void ChildOfAnotherExecutionIsRefusedAtTheNode()
    {
        var e = Misaligned.Value;
        // hello.elf at 2^7-cycle shards: two shards; its shard 1 has index 1 but another count, seed, γ, β and key, and its
        // leaf is not an allowed program of this execution (another program's shard shape) and states its own family's R.
        var other = Prove("hello", 1 << 7);
        string why = Refusal(() => e.Aggregator.Node(e.Leaves[0], other.Leaves[1]));
        output.WriteLine(why);
        // Run past failures: every check that holds it off fails — the R, the key's membership, the cross-child ones.
        var failures = new List<string>();
        var family = e.Aggregator.Family;
        RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(family.Node(true, true).Program, family.Hints([
            (Hints(e.Leaves[0]), e.Leaves[0].Child.Key.PreprocessedRoot), (Hints(other.Leaves[1]), other.Leaves[1].Child.Key.PreprocessedRoot)]), failures);
        output.WriteLine(string.Join(" | ", failures.Distinct()));
        Assert.Contains("child 1's verifying key is not in the allowed set", failures);
        Assert.Contains("the children have different shard counts", failures);
        Assert.DoesNotContain(failures, f => f.StartsWith("child 0", StringComparison.Ordinal));
        // Its whole root, presented as the misaligned execution's, is rejected by the root's verifier.
        var otherRoot = other.Aggregator.Root();
        var forged = e.Aggregator.FromRoot(otherRoot);
        var result = Verifier.Verify(forged.ToBytes());
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ForgedBusSumIsRefusedAtTheLeafAndAtTheRoot()
    {
        var e = Misaligned.Value;
        // A shard proof whose bus sum was changed: its leaf refuses it (the sum is in the shard's transcript).
        var forged = ZkProof.Parse(e.Proof.ToBytes());
        int t = Array.FindIndex(forged.Shards[1].CumulativeSums, v => !v.IsZero);
        forged.Shards[1].CumulativeSums[t] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(e.Keys, forged);
        output.WriteLine(Refusal(() => aggregator.Leaf(1)));
        // A claim whose public bus terms differ (another exit code, another output): the root's sum does not cancel them.
        var honest = Honest.Value.Aggregate;
        foreach (var claim in new[] { honest.Claim with { ExitCode = honest.Claim.ExitCode ^ 1 }, honest.Claim with { Output = [.. honest.Claim.Output, 7] } })
        {
            var result = Verifier.Verify(honest with { Claim = claim });
            output.WriteLine(result.Error);
            Assert.False(result.IsValid);
        }
    }

    [Fact]
    public void ChangedCommitmentsOrAnotherTreeAreRejectedAtTheRoot()
    {
        var e = Misaligned.Value;
        var honest = Honest.Value.Aggregate;
        // The tree digest changed in the file (each element): the shared challenges move with it, and the root's statement
        // no longer matches; so does another end pc.
        ZkvmVerification result;
        for (int i = 0; i < honest.CommitmentDigest.Length; i++)
        {
            var tree = honest.CommitmentDigest.ToArray();
            tree[i] += KoalaBear.One;
            result = Verifier.Verify(honest with { CommitmentDigest = tree });
            Assert.False(result.IsValid);
            Assert.Contains("root proof", result.Error);
        }
        foreach (var pc in (KoalaBear[][])[[honest.EndPc[0] + KoalaBear.One, honest.EndPc[1]], [honest.EndPc[0], honest.EndPc[1] + KoalaBear.One]])
        {
            result = Verifier.Verify(honest with { EndPc = pc });
            output.WriteLine(result.Error);
            Assert.False(result.IsValid);
            Assert.Contains("root proof", result.Error);
        }
        // An allowed shape changed (a table one level taller): another leaf program, so another allowed-key root R than
        // the one the root states. Every shape, in turn.
        for (int i = 0; i < honest.Shapes.Count; i++)
        {
            var shapes = honest.Shapes.ToArray();
            shapes[i] = shapes[i] with { LogHeights = [.. shapes[i].LogHeights.Select((h, t) => t == 2 ? h + 1 : h)] };
            result = Verifier.Verify(honest with { Shapes = [.. ZkvmExecutionSummary.Distinct(shapes)] });
            output.WriteLine(result.Error);
            Assert.False(result.IsValid);
        }
        // Shapes dropped (R without that leaf), repeated or out of order (one encoding per set), another shard count (the
        // challenges and the root's count).
        if (honest.Shapes.Count > 1)
        {
            Assert.False(Verifier.Verify(honest with { Shapes = [.. honest.Shapes.Skip(1)] }).IsValid);
            Assert.False(Verifier.Verify(honest with { Shapes = [.. honest.Shapes.Reverse()] }).IsValid);
        }
        Assert.False(Verifier.Verify(honest with { Shapes = [honest.Shapes[0], .. honest.Shapes] }).IsValid);
        foreach (int count in (int[])[2, 4])
        {
            result = Verifier.Verify(honest with { ShardCount = count });
            output.WriteLine(result.Error);
            Assert.False(result.IsValid);
        }
        // Another tree shape over the same shards: (0, (1, 2)) — leaf 0 lifted to sit left of a node — states the same
        // execution (only the commitment digest, hashed along the tree, differs), but it is not the verifier's tree.
        Assert.Throws<ArgumentException>(() => e.Aggregator.Node(e.Leaves[0], e.Aggregator.Node(e.Leaves[1], e.Leaves[2])));
        var other = e.Aggregator.Node(e.Aggregator.Lift(e.Leaves[0]), e.Aggregator.Node(e.Leaves[1], e.Leaves[2]));
        var standard = e.Aggregator.Node(Honest.Value.Node01, e.Leaves[2]).Proof.Outputs;
        int digest = ZkvmAggregateStatement.Digest(4, 8);
        Assert.Equal(standard.Take(digest), other.Proof.Outputs.Take(digest));
        Assert.NotEqual(standard.Skip(digest), other.Proof.Outputs.Skip(digest));
        result = Verifier.Verify(e.Aggregator.FromRoot(other).ToBytes());
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        // Truncated proofs and trailing bytes are rejections, not exceptions (every cut through the claim and summary,
        // and some through the root proof).
        var bytes = honest.ToBytes();
        var verifier = Verifier;
        for (int cut = 0; cut < bytes.Length; cut += cut < 2048 ? 3 : 997)
            Assert.False(verifier.Verify(bytes.AsSpan(0, cut)).IsValid);
        Assert.False(verifier.Verify([.. bytes, 0]).IsValid);
    }

    [Fact]
    public void BudgetProofWithAcceleratorShardsAggregatesAndItsPassThroughIsBound()
    {
        // keccak.elf under the budget policy: its Keccak-f calls in an accelerator shard (no CPU) just before the last shard.
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        byte[] input = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 13))];
        // At 2^12-cycle shards the last shard is the only CPU shard: the accelerator shard leads, its pass-through point is
        // the entry with clk 1, which the verifier compares at the root.
        var leading = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << 12, ShapePolicy = ShardShapePolicy.Budget })
            .Prove(program, input);
        Assert.True(ZkvmChips.IsAcceleratorShard(leading.ShardChips[0]));
        var leadingKeys = new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, RecursionConfig, program);
        var leadingResult = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(leadingKeys)
            .Verify(new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(leadingKeys, leading).Aggregate().ToBytes());
        Assert.True(leadingResult.IsValid, leadingResult.Error);
        var proof = new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << 10, ShapePolicy = ShardShapePolicy.Budget })
            .Prove(program, input);
        int accel = Enumerable.Range(0, proof.Shards.Count).Single(s => ZkvmChips.IsAcceleratorShard(proof.ShardChips[s]));
        Assert.True(accel > 0, "a CPU shard before the accelerator shard");
        var keys = new ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, RecursionConfig, program);
        var aggregator = new ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, proof);
        var aggregate = aggregator.Aggregate();
        var result = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(keys).Verify(aggregate.ToBytes());
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(proof.Output, result.Output);
        // The accelerator shard's leaf states the previous CPU shard's end as its start and end.
        var leaf = aggregator.Leaf(accel);
        var previousEnd = proof.Shards[accel - 1].PublicValues[proof.ShardChips[accel - 1].Position(ZkvmTable.Cpu)][4..8].Select(v => v.ToCanonical());
        Assert.Equal(previousEnd, leaf.Proof.Outputs.Skip(ZkvmAggregateStatement.Start(4, 8)).Take(4));
        Assert.Equal(previousEnd, leaf.Proof.Outputs.Skip(ZkvmAggregateStatement.End(4, 8)).Take(4));
        // Another pass-through point (a clock one step later) makes a leaf proof whose node refuses it: the chain binds it.
        var statement = ZkvmVerifierStatementOf(ShardConfig, program, proof);
        var chips = proof.ShardChips[accel];
        var shardHints = new StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(statement.Config, keys.Program.AirsOf(chips), proof.Shards[accel],
            statement.FullKey.Subset(keys.Program.Airs, chips.Indices()), statement.Seeds[accel] with { StatementFractions = statement.Fractions });
        var through = aggregator.Family.Leaf(new ShardShape(chips, proof.Shards[accel].LogHeights));
        var shifted = previousEnd.Select((v, i) => KoalaBear.FromUInt64(i == 2 ? v + 1 : v)).ToArray();
        var bad = ZkvmAggregator<KoalaBearQuartic, KoalaBearDigest>.ProveRun("bad leaf", through,
            new ZkvmLeafHints([.. aggregator.Family.AllowedKeys.Elements.ToArray()], [.. shifted, KoalaBear.FromUInt64((ulong)input.Length), KoalaBear.Zero], shardHints),
            System.Diagnostics.Stopwatch.StartNew(), RecursionConfig, []);
        string why = Refusal(() => aggregator.Node(aggregator.Leaf(accel - 1), bad));
        output.WriteLine(why);
        Assert.Contains("does not start where the left child ended", why);
    }

    private static ZkvmCheckedStatement<KoalaBearQuartic, KoalaBearDigest> ZkvmVerifierStatementOf(StarkConfig config, ZkvmProgram program, ZkProof proof)
    {
        var commitments = proof.Shards.Select((p, s) => ShardCommitment.Of(proof.ShardChips[s], p.LogHeights, p.PublicValues, p.MainCommitment)).ToArray();
        var claim = new ZkvmClaim(proof.InputSize, proof.InputCommitment, proof.Output, proof.ExitCode, proof.Cycles);
        var (error, statement) = ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>.CheckStatement(config, program, claim, commitments, proof.Shards[0].Config);
        Assert.Null(error);
        return statement!;
    }

    [Fact]
    public void SingleShardExecutionsRootIsItsLeafsLift()
    {
        var hello = Prove("hello", 1 << 22);
        Assert.Single(hello.Proof.Shards);
        var root = hello.Aggregator.Root();
        Assert.Same(hello.Aggregator.Family.Lift, root.Child);
        // The lift restates its leaf's statement in the node shape.
        Assert.Equal(hello.Leaves[0].Proof.Outputs, root.Proof.Outputs);
        Assert.Equal(hello.Aggregator.Family.NodeShape.LogHeights, root.Child.Machine.LogHeights);
        var aggregate = hello.Aggregator.FromRoot(root);
        var result = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(hello.Keys).Verify(aggregate.ToBytes());
        Assert.True(result.IsValid, result.Error);
        // Against another program's verifier (misaligned's), it is rejected before any proof is read.
        Assert.Contains("another program", Verifier.Verify(aggregate.ToBytes()).Error);
    }
}
