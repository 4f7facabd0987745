using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof128 = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearOctic>, KoalaBearWideDigest>;
using Keys128 = ZkvmAggregationKeys<KoalaBearOctic, KoalaBearWideDigest>;
using Aggregator128 = ZkvmAggregator<KoalaBearOctic, KoalaBearWideDigest>;
using Item128 = ZkvmAggregationItem<KoalaBearOctic, KoalaBearWideDigest>;
using Aggregate128 = ZkvmAggregateProof<KoalaBearOctic, KoalaBearWideDigest>;
using Verifier128 = ZkvmAggregateVerifier<KoalaBearOctic, KoalaBearWideDigest>;

/// <summary>
/// The zkVM aggregation tree and final layer over executions with provable-128's hash (docs/design.md, "Recursion",
/// aggregation tree): shard proofs with the octic extension and 12-element digests (width-24 Poseidon2 for their Merkle
/// trees and transcripts) are verified by leaves, chained by a node and restated by the final layers, every program
/// hashing with width 24 and every recursion proof committing with 12-element digests. hello.elf in two shards (leaf,
/// leaf, node = root, then a wrap and the final proof). The honest tree and final proof verify and state 12-element
/// key roots and commitment digests; a tampered child is refused at the node; a changed public value is rejected; a
/// 12-element-digest final proof labelled with an 8-element-digest configuration (and the reverse) is rejected. Small
/// query counts keep these fast (the statement and the digest plumbing are under test, not FRI).
/// </summary>
public sealed class WideZkvmAggregationTests(ITestOutputHelper output)
{
    // provable-128's shape (octic extension, 12-element digests) at development rates and few queries.
    private static readonly StarkConfig Small128 = StarkConfig.Development with { ExtensionDegree = 8, DigestElements = KoalaBearWideDigest.Length, QueryPowBits = 0 };

    private static readonly StarkConfig ShardConfig = Small128 with { NumQueries = 2, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = Small128 with { NumQueries = 3, LogFinalPolyLength = 2 };

    private static readonly StarkConfig WrapConfig = Small128 with { NumQueries = 4, LogFinalPolyLength = 1 };

    private static readonly StarkConfig FinalConfig = Small128 with { LogBlowup = 2, NumQueries = 2, LogFinalPolyLength = 2 };

    private const int D = 8, W = 12;

    private sealed record Execution(ZkvmProgram Program, ZkvmProof<KoalaBearOctic, KoalaBearWideDigest> Proof, Keys128 Keys, Aggregator128 Aggregator,
        Item128[] Leaves, Item128 Root, Item128 Final)
    {
        public Aggregate128 FinalProof => Aggregator.FromFinal(Final);

        public Verifier128 Verifier => new(Keys);
    }

    private static readonly Lazy<Execution> Hello2 = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearOctic, KoalaBearWideDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << 7 }).Prove(program, []);
        var keys = new Keys128(ShardConfig, RecursionConfig, program, [WrapConfig, FinalConfig]);
        var aggregator = new Aggregator128(keys, proof);
        Item128[] leaves = [.. Enumerable.Range(0, proof.Shards.Count).Select(aggregator.Leaf)];
        var root = aggregator.Node(leaves[0], leaves[1]);
        return new Execution(program, proof, keys, aggregator, leaves, root, aggregator.Final(root));
    });

    private static Proof128 Copy(Proof128 p) => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(ProofSerializer.Serialize(p));

    private static string Refusal(Func<object> prove) => Assert.Throws<RecursionRejectedException>(prove).Message;

    [Fact]
    public void HonestWideTreeAndFinalProofVerifyWithTwelveElementDigests()
    {
        var e = Hello2.Value;
        Assert.Equal(2, e.Proof.Shards.Count);
        foreach (var (layer, ms, size) in e.Aggregator.Timings)
            output.WriteLine($"{layer}: {size} B in {ms:F0} ms");
        // Every program of the tree and of the final chain hashes with width 24 only: one Poseidon2 table, of width 24.
        foreach (var item in e.Leaves.Append(e.Root).Append(e.Final))
        {
            Assert.All(item.Child.Program.Instructions.Where(i => i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap), i => Assert.Equal(24, i.Operands!.Length));
            var perms = item.Child.Machine.Chips.OfType<Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>>().ToList();
            Assert.Equal([24], perms.Select(p => p.StateWidth));
            Assert.Equal(W, item.Child.Key.PreprocessedRoot.Elements.Length);
        }
        // Each leaf states its shard's fields with 12-element key root and commitment digest.
        for (int s = 0; s < 2; s++)
        {
            var o = e.Leaves[s].Proof.Outputs;
            Assert.Equal(ZkvmAggregateStatement.Length(D, W), o.Count);
            Assert.Equal([(uint)s, (uint)s, 2u], o.Take(3));
            var cpu = e.Proof.Shards[s].PublicValues[e.Proof.ShardChips[s].Position(ZkvmTable.Cpu)].Select(v => v.ToCanonical()).ToArray();
            Assert.Equal(cpu, o.Skip(ZkvmAggregateStatement.Start(D, W)).Take(8));
            var c = ShardCommitment.Of(e.Proof.ShardChips[s], e.Proof.Shards[s].LogHeights, e.Proof.Shards[s].PublicValues, e.Proof.Shards[s].MainCommitment);
            Assert.Equal(ShardCommitmentTree.ShardDigest<KoalaBearWideDigest>(c).ToCanonical(), o.Skip(ZkvmAggregateStatement.Digest(D, W)).Take(W));
            // The last shard's leaf states the 12-element input commitment; the other a zero one.
            var commitment = s == 1 ? e.Proof.InputCommitment.Select(v => v.ToCanonical()) : Enumerable.Repeat(0u, W);
            Assert.Equal(commitment, o.Skip(ZkvmAggregateStatement.InputCommitment(D, W)).Take(W));
        }
        var verifier = e.Verifier;
        // The root verifies, and states what the verifier derives natively (the 12-element tree digest included).
        var aggregate = e.Aggregator.FromRoot(e.Root);
        var rootResult = verifier.Verify(aggregate.ToBytes());
        Assert.True(rootResult.IsValid, rootResult.Error);
        // The final proof verifies, under the final configuration, stating the root's statement unchanged.
        var final = e.FinalProof;
        var bytes = final.ToBytes();
        output.WriteLine($"final file {bytes.Length} B; root file {aggregate.ToBytes().Length} B");
        Assert.Equal(e.Root.Proof.Outputs, e.Final.Proof.Outputs);
        Assert.Equal(FinalConfig.LogBlowup, final.Root.Config!.LogBlowup);
        var result = verifier.Verify(bytes);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(e.Proof.ExitCode, result.ExitCode);
        Assert.Equal(e.Proof.Output, result.Output);
        Assert.Equal(e.Proof.Cycles, result.Cycles);
        Assert.Equal(e.Final.Child.Key.PreprocessedRoot, verifier.LastKey);
        // The native verifier agrees on the execution.
        Assert.True(new ZkvmVerifier<KoalaBearOctic, KoalaBearWideDigest>(ShardConfig, e.Program).Verify(e.Proof.ToBytes()).IsValid);
    }

    [Fact]
    public void TamperedOrMisorderedChildIsRefusedAtTheWideNode()
    {
        var e = Hello2.Value;
        var bad = Copy(e.Leaves[1].Proof.Stark);
        bad.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearOctic>.One;
        output.WriteLine(Refusal(() => e.Aggregator.Node(e.Leaves[0], e.Leaves[1] with { Proof = e.Leaves[1].Proof with { Stark = bad } })));
        // A child claiming another commitment digest than its proof states (the last of its 12 elements: a node that read
        // only 8 would not see it).
        var outputs = e.Leaves[1].Proof.Outputs.ToArray();
        outputs[ZkvmAggregateStatement.Length(D, W) - 1] ^= 1;
        var restated = Copy(e.Leaves[1].Proof.Stark);
        int table = Array.FindIndex(restated.PublicValues, v => v.Length == outputs.Length);
        restated.PublicValues[table] = [.. outputs.Select(o => KoalaBear.FromUInt64(o))];
        output.WriteLine(Refusal(() => e.Aggregator.Node(e.Leaves[0], e.Leaves[1] with { Proof = e.Leaves[1].Proof with { Stark = restated } })));
        // Swapped shards do not chain.
        Assert.Contains("shard after", Refusal(() => e.Aggregator.Node(e.Leaves[1], e.Leaves[0])));
        // A final proof over a tampered root is refused by its prover.
        var badRoot = Copy(e.Root.Proof.Stark);
        badRoot.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearOctic>.One;
        output.WriteLine(Refusal(() => e.Aggregator.Final(e.Root with { Proof = e.Root.Proof with { Stark = badRoot } })));
    }

    [Fact]
    public void ChangedPublicValueOfAWideFinalProofIsRejected()
    {
        var e = Hello2.Value;
        var honest = e.FinalProof;
        var commitment = honest.Claim.InputCommitment.ToArray();
        commitment[^1] += KoalaBear.One;
        var digest = honest.ProgramDigest.ToArray();
        digest[0] ^= 1;
        var treeDigest = honest.CommitmentDigest.ToArray();
        treeDigest[W - 1] += KoalaBear.One; // the last element of a 12-element digest
        var tampered = Copy(honest.Root);
        tampered.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearOctic>.One;
        foreach (var (what, proof) in new (string, Aggregate128)[]
        {
            ("output", honest with { Claim = honest.Claim with { Output = [.. honest.Claim.Output, 7] } }),
            ("exit code", honest with { Claim = honest.Claim with { ExitCode = honest.Claim.ExitCode ^ 1 } }),
            ("input commitment", honest with { Claim = honest.Claim with { InputCommitment = commitment } }),
            ("input size", honest with { Claim = honest.Claim with { InputSize = honest.Claim.InputSize + 4 } }),
            ("cycles", honest with { Claim = honest.Claim with { Cycles = honest.Claim.Cycles + 1 } }),
            ("program digest", honest with { ProgramDigest = digest }),
            ("the tree digest's last element", honest with { CommitmentDigest = treeDigest }),
            ("the end pc", honest with { EndPc = [honest.EndPc[0] + KoalaBear.One, honest.EndPc[1]] }),
            ("the final STARK", honest with { Root = tampered }),
            ("the root labelled final", e.Aggregator.FromFinal(e.Root)),
            ("a leaf's final proof", e.Aggregator.FromFinal(e.Aggregator.Final(e.Aggregator.Lift(e.Leaves[0])))),
        })
        {
            var result = e.Verifier.Verify(proof.ToBytes());
            output.WriteLine($"{what}: {result.Error}");
            Assert.False(result.IsValid, what);
        }
    }

    [Fact]
    public void TwelfthInputCommitmentElementIsBoundByTheShardAndAggregateVerifiers()
    {
        // Under 12-element digests the input-commitment chip hashes with width 24 and commits to 12 elements (the claim,
        // the shard proofs' public values and the aggregate files carry all 12); changing only the last one is rejected by
        // the shard verifier, the root verifier and the final verifier.
        var e = Hello2.Value;
        Assert.Equal(Prover.Core.Zkvm.Input.InputCommitment.Compute([], W), e.Proof.InputCommitment);
        var commitment = e.Proof.InputCommitment.ToArray();
        commitment[W - 1] += KoalaBear.One;
        var shardProof = new ZkvmProof<KoalaBearOctic, KoalaBearWideDigest>
        {
            ProgramDigest = e.Proof.ProgramDigest, ExitCode = e.Proof.ExitCode, Cycles = e.Proof.Cycles, InputSize = e.Proof.InputSize,
            InputCommitment = commitment, Output = e.Proof.Output, ShardChips = e.Proof.ShardChips, Shards = e.Proof.Shards,
        };
        var shards = new ZkvmVerifier<KoalaBearOctic, KoalaBearWideDigest>(ShardConfig, e.Program);
        Assert.True(shards.Verify(e.Proof.ToBytes()).IsValid);
        var shardResult = shards.Verify(shardProof.ToBytes());
        output.WriteLine($"shard verifier: {shardResult.Error}");
        Assert.False(shardResult.IsValid);
        var root = e.Aggregator.FromRoot(e.Root);
        var final = e.FinalProof;
        Assert.Equal(W, final.Claim.InputCommitment.Length);
        foreach (var (what, proof) in new (string, Aggregate128)[] { ("root", root), ("final", final) })
        {
            Assert.True(e.Verifier.Verify(proof.ToBytes()).IsValid, what);
            var result = e.Verifier.Verify((proof with { Claim = proof.Claim with { InputCommitment = commitment } }).ToBytes());
            output.WriteLine($"{what} verifier: {result.Error}");
            Assert.False(result.IsValid, what);
        }
        // An 8-element commitment in the 12-element file is a format error, not an exception.
        var shortened = final with { Claim = final.Claim with { InputCommitment = final.Claim.InputCommitment[..8] } };
        var parsed = e.Verifier.Verify(shortened.ToBytes());
        output.WriteLine($"8 elements: {parsed.Error}");
        Assert.False(parsed.IsValid);
    }

    [Fact]
    public void WideFinalProofPresentedAsAnEightElementDigestProofIsRejected()
    {
        var e = Hello2.Value;
        var bytes = e.FinalProof.ToBytes();
        // The verifier of the same extension with 8-element digests (what provable-100's trees use): the 12-element cap
        // digests and recursion proof are not its format — a rejection, not an exception.
        var narrowConfig = StarkConfig.Development with { ExtensionDegree = 8, QueryPowBits = 0, NumQueries = 2 };
        var narrow = new ZkvmAggregateVerifier<KoalaBearOctic, KoalaBearDigest>(
            new ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>(narrowConfig, narrowConfig, e.Program, [narrowConfig]));
        var result = narrow.Verify(bytes);
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        // In a file, labelled provable-100 (the 100-bit preset, 8-element digests): rejected.
        foreach (string statement in new[] { ZkvmAggregateProofs.FinalStatement, ZkvmAggregateProofs.Statement })
        {
            var file = new ProofEnvelope(statement, StarkConfig.Provable100.Name, bytes).ToBytes();
            var check = ZkvmAggregateProofs.Verify(e.Program, file);
            output.WriteLine($"{statement} as provable-100: {check.Result.Error}");
            Assert.False(check.Result.IsValid);
        }
        // A tree whose configurations disagree with its digest type is refused when it is made.
        Assert.Throws<ArgumentException>(() => new ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>(narrowConfig, ShardConfig, e.Program));
        Assert.Throws<ArgumentException>(() => new Keys128(ShardConfig, RecursionConfig, e.Program, [narrowConfig]));
    }

    [Fact]
    public void Provable128ShardsGetWideLayersChosenByShape()
    {
        var layers = ZkvmRecursionLayers.For(StarkConfig.Provable128);
        Assert.True(StarkConfig.SameShape(layers.Layer, StarkConfig.Provable128));
        Assert.Equal(2, layers.Finals.Count);
        Assert.True(StarkConfig.SameShape(layers.Finals[0], StarkConfig.Recursion128));
        Assert.True(StarkConfig.SameShape(layers.Final, StarkConfig.Final128));
        // Every layer keeps provable-128's extension and 12-element digests, and its minimum of 128 bits.
        Assert.All(layers.Finals.Prepend(layers.Layer), c => Assert.Equal((8, 12, 128), (c.ExtensionDegree, c.DigestElements, c.MinimumProvableBits)));
        // The policy fields follow the shards'.
        var lenient = ZkvmRecursionLayers.For(StarkConfig.Provable128 with { MinimumProvableBits = 90, AllowInsecure = true });
        Assert.Equal((90, true), (lenient.Final.MinimumProvableBits, lenient.Final.AllowInsecure));
        // Another shape named "provable-128" is not provable-128: its layers are its own.
        var renamed = StarkConfig.Provable128 with { NumQueries = 80 };
        Assert.Equal([renamed], ZkvmRecursionLayers.For(renamed).Finals);
        // And the keys of a provable-128 tree take the wide digest (the narrow one is refused).
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        Assert.Equal(StarkConfig.Final128, Keys128.For(layers, program).FinalConfig);
        Assert.Throws<ArgumentException>(() => ZkvmAggregationKeys<KoalaBearOctic, KoalaBearDigest>.For(layers, program));
    }

    [Fact]
    public void EpochOfTwoWideExecutionsHashesWithWidthTwentyFour()
    {
        // Blocks to epochs over provable-128's hash: the epoch node hashes each block's 69-element statement with the
        // width-24 sponge and compresses with width 24; every epoch program has the width-24 table only, and the epoch
        // states 1 + 12 elements.
        var e = Hello2.Value;
        var second = ZkvmEpochAggregator<KoalaBearOctic, KoalaBearWideDigest>.BlockOf(e.Keys,
            new ZkvmProver<KoalaBearOctic, KoalaBearWideDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = 1 << 22 }).Prove(e.Program, [1, 2]));
        var first = new ZkvmEpochBlock<KoalaBearOctic, KoalaBearWideDigest>(e.Aggregator.Summary, e.Root);
        var epoch = new ZkvmEpochAggregator<KoalaBearOctic, KoalaBearWideDigest>(e.Keys, [first, second]);
        var root = epoch.Root();
        var final = epoch.Final(root);
        Assert.Equal(1 + W, root.Item.Proof.Outputs.Count);
        Assert.Equal(root.Item.Proof.Outputs, final.Proof.Outputs);
        foreach (var item in new[] { root.Item, final })
            Assert.Equal([24], item.Child.Machine.Chips.OfType<Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>>().Select(p => p.StateWidth));
        var verifier = new ZkvmEpochVerifier<KoalaBearOctic, KoalaBearWideDigest>(e.Keys);
        var result = verifier.Verify(epoch.FromFinal(final).ToBytes());
        Assert.True(result.IsValid, result.Error);
        Assert.Equal([e.Proof.Output, second.Claim.Output], result.Blocks.Select(b => b.Output));
        Assert.Equal(W, verifier.LastKey!.Value.Elements.Length);
        var proof = epoch.FromFinal(final);
        var swapped = verifier.Verify(proof with { Blocks = [proof.Blocks[1], proof.Blocks[0]] });
        output.WriteLine(swapped.Error);
        Assert.False(swapped.IsValid);
        var changed = proof.Blocks.ToArray();
        changed[1] = changed[1] with { Claim = changed[1].Claim with { ExitCode = 1 } };
        Assert.False(verifier.Verify(proof with { Blocks = changed }).IsValid);
    }
}
