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
        Assert.Contains(e.Aggregator.Phases, p => p.Layer == "leaf 0" && p.Phase == "setup (program columns)");
        Assert.Equal(e.Aggregator.Phases.Count(p => p.Phase == "build (verifier program)"), e.Aggregator.Phases.Count(p => p.Phase == "setup (program columns)"));
        output.WriteLine($"aggregated proof {bytes.Length} B (root STARK {ProofSerializer.Serialize(aggregate.Root).Length} B); zkVM proof {e.Proof.ToBytes().Length} B");
        var result = Verifier.Verify(bytes);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(e.Proof.ExitCode, result.ExitCode);
        Assert.Equal(e.Proof.Output, result.Output);
        Assert.Equal(e.Proof.Cycles, result.Cycles);
        // The native verifier agrees on the execution.
        Assert.True(new ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>(ShardConfig, e.Program).Verify(e.Proof.ToBytes()).IsValid);
        // The whole tree (Root) is the tree assembled here, with the same statement.
        var statement = ZkvmAggregateStatement.Expected(aggregate.Shards,
            ZkvmVerifierStatement(e), e.Proof.InputSize);
        var root = e.Aggregator.Node(Honest.Value.Node01, e.Leaves[2]);
        Assert.Equal(statement, root.Proof.Outputs);
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
            Assert.Equal(ZkvmAggregateStatement.ShardDigest<KoalaBearDigest>(c).ToCanonical(), o.Skip(ZkvmAggregateStatement.Digest(d, 8)).Take(8));
        }
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
        // hello.elf at 2^7-cycle shards: two shards; its shard 1 has index 1 but another count, seed, γ, β and key.
        var other = Prove("hello", 1 << 7);
        string why = Refusal(() => e.Aggregator.Node(e.Leaves[0], other.Leaves[1]));
        output.WriteLine(why);
        Assert.Contains("different", why);
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
            var result = Verifier.Verify(new ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest> { ProgramDigest = honest.ProgramDigest, Claim = claim, Shards = honest.Shards, Root = honest.Root });
            output.WriteLine(result.Error);
            Assert.False(result.IsValid);
        }
    }

    [Fact]
    public void ChangedCommitmentsOrAnotherTreeAreRejectedAtTheRoot()
    {
        var e = Misaligned.Value;
        var honest = Honest.Value.Aggregate;
        // Shard 0's main commitment changed in the clear: the shared challenges and the tree digest move, and the root's
        // statement no longer matches.
        var changed = honest.Shards.ToArray();
        changed[0] = changed[0] with { MainCommitment = [.. changed[0].MainCommitment.Select(d => d.ToArray())] };
        changed[0].MainCommitment[0][0] += KoalaBear.One;
        var result = Verifier.Verify(new ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest> { ProgramDigest = honest.ProgramDigest, Claim = honest.Claim, Shards = changed, Root = honest.Root });
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        Assert.Contains("root proof", result.Error);
        // Another tree shape over the same shards: (0, (1, 2)) states the same execution (only the commitment digest,
        // hashed along the tree, differs), but it is not the verifier's tree.
        var other = e.Aggregator.Node(e.Leaves[0], e.Aggregator.Node(e.Leaves[1], e.Leaves[2]));
        var standard = e.Aggregator.Node(Honest.Value.Node01, e.Leaves[2]).Proof.Outputs;
        int digest = ZkvmAggregateStatement.Digest(4, 8);
        Assert.Equal(standard.Take(digest), other.Proof.Outputs.Take(digest));
        Assert.NotEqual(standard.Skip(digest), other.Proof.Outputs.Skip(digest));
        result = Verifier.Verify(e.Aggregator.FromRoot(other).ToBytes());
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        // Truncated proofs and trailing bytes are rejections, not exceptions (every cut through the claim and commitments,
        // and some through the root proof).
        var bytes = honest.ToBytes();
        var verifier = Verifier;
        for (int cut = 0; cut < bytes.Length; cut += cut < 2048 ? 3 : 997)
            Assert.False(verifier.Verify(bytes.AsSpan(0, cut)).IsValid);
        Assert.False(verifier.Verify([.. bytes, 0]).IsValid);
    }

    [Fact]
    public void SingleShardExecutionsRootIsItsLeaf()
    {
        var hello = Prove("hello", 1 << 22);
        Assert.Single(hello.Proof.Shards);
        var aggregate = hello.Aggregator.Aggregate();
        var result = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(hello.Keys).Verify(aggregate.ToBytes());
        Assert.True(result.IsValid, result.Error);
        // Against another program's verifier (misaligned's), it is rejected before any proof is read.
        Assert.Contains("another program", Verifier.Verify(aggregate.ToBytes()).Error);
    }
}
