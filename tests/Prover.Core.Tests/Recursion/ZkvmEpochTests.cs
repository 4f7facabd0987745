using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Block = Prover.Core.Recursion.Aggregation.ZkvmEpochBlock<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;
using EpochProof = Prover.Core.Recursion.Aggregation.ZkvmEpochProof<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;
using Item = Prover.Core.Recursion.Aggregation.ZkvmEpochItem<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;
using Proof = Prover.Core.Stark.StarkProof<Prover.Core.Field.KoalaBearParameters, Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearQuartic>, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// Blocks to epochs (docs/design.md, "Recursion", blocks to epochs): three executions of hello.elf (inputs "ab" and "cd"
/// in one shard each — the same shapes, so only their statements tell them apart — and "ef" in two shards, whose root
/// is a node) aggregated into epochs of two and three blocks, as roots and final proofs. The epoch states each block's
/// statement in order; swapped, dropped or repeated blocks, a changed public value of any block, a tampered child, an
/// execution of another program or key under a block's claim, and an epoch presented as one execution's proof (and the
/// reverse) are refused by the prover or rejected by the verifier. Small query counts keep these fast (the statement is
/// under test, not FRI).
/// </summary>
public sealed class ZkvmEpochTests(ITestOutputHelper output)
{
    private static readonly StarkConfig ShardConfig = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig RecursionConfig = StarkConfig.Development with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly StarkConfig WrapConfig = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 1 };

    private static readonly StarkConfig FinalConfig = StarkConfig.Development with { LogBlowup = 2, NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest> KeysOf(ZkvmProgram program) => new(ShardConfig, RecursionConfig, program, [WrapConfig, FinalConfig]);

    private static ZkvmProof<KoalaBearQuartic, KoalaBearDigest> Execute(ZkvmProgram program, string input, long shardSize) =>
        new ZkvmProver<KoalaBearQuartic, KoalaBearDigest>(new ZkvmProverOptions { Config = ShardConfig, ShardSize = shardSize }).Prove(program, System.Text.Encoding.ASCII.GetBytes(input));

    private sealed record Fixture(ZkvmProgram Program, ZkvmAggregationKeys<KoalaBearQuartic, KoalaBearDigest> Keys, Block[] Blocks,
        ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest> Three, Item Node01, Item Root3, ZkvmAggregationItem<KoalaBearQuartic, KoalaBearDigest> Final3,
        ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest> Two, Item Root2)
    {
        public EpochProof FinalProof3 => Three.FromFinal(Final3);

        public EpochProof RootProof3 => Three.FromRoot(Root3.Item);

        public EpochProof RootProof2 => Two.FromRoot(Root2.Item);

        public ZkvmEpochVerifier<KoalaBearQuartic, KoalaBearDigest> Verifier => new(Keys);
    }

    private static readonly Lazy<Fixture> Hello = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var keys = KeysOf(program);
        Block[] blocks = [.. new[] { ("ab", 1L << 22), ("cd", 1L << 22), ("ef", 1L << 7) }.Select(b => ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(keys, Execute(program, b.Item1, b.Item2)))];
        var three = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, blocks);
        var node01 = three.Node(three.Block(0), three.Block(1));
        var root3 = three.Node(node01, three.Block(2));
        var two = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(keys, blocks[..2]);
        return new Fixture(program, keys, blocks, three, node01, root3, three.Final(root3), two, two.Root());
    });

    private static Proof Copy(Proof p) => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(p));

    private static string Refusal(Func<object> prove) => Assert.Throws<RecursionRejectedException>(prove).Message;

    private static uint[] StatementOf(Block b)
    {
        var (_, statement) = ZkvmVerifier<KoalaBearQuartic, KoalaBearDigest>.CheckSummary(ShardConfig, Hello.Value.Program, b.Claim, b.Summary.Shapes,
            b.Summary.ShardCount, b.Summary.Digest<KoalaBearDigest>());
        var family = Hello.Value.Keys.Family(statement!.Config, b.Summary.Shapes, statement.Fractions);
        return ZkvmAggregateStatement.Expected(Hello.Value.Program, b.Summary, statement!, family.AllowedKeys);
    }

    private void AssertBlocks(ZkvmEpochVerification result, IReadOnlyList<Block> blocks)
    {
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(blocks.Count, result.Blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            var (stated, claim) = (result.Blocks[i], blocks[i].Claim);
            output.WriteLine($"block {i}: exit {stated.ExitCode}, {stated.Cycles} cycles, output {System.Text.Encoding.ASCII.GetString(stated.Output!).Replace("\n", "\\n", StringComparison.Ordinal)}");
            Assert.Equal((claim.ExitCode, claim.Cycles, claim.InputSize), (stated.ExitCode, stated.Cycles, stated.InputSize));
            Assert.Equal(claim.Output, stated.Output);
            Assert.Equal(claim.InputCommitment, stated.InputCommitment);
        }
    }

    [Fact]
    public void TwoAndThreeBlockEpochsVerifyAndStateEachBlockInOrder()
    {
        var f = Hello.Value;
        Assert.Equal([1, 1, 2], f.Blocks.Select(b => b.Summary.Shapes.Count));
        foreach (var (layer, ms, size) in f.Three.Timings)
            output.WriteLine($"{layer}: {size} B in {ms:F0} ms");
        // The epoch root states the count and the digest of the blocks' statements in order, each as its execution's root states it.
        uint[][] statements = [.. f.Blocks.Select(StatementOf)];
        for (int i = 0; i < 3; i++)
            Assert.Equal(statements[i], f.Blocks[i].Root.Proof.Outputs);
        Assert.Equal(ZkvmEpochStatement.Expected<KoalaBearDigest>(statements), f.Root3.Item.Proof.Outputs);
        Assert.Equal(3u, f.Root3.Item.Proof.Outputs[ZkvmEpochStatement.BlockCount]);
        Assert.Equal(ZkvmEpochStatement.Expected<KoalaBearDigest>(statements[..2]), f.Root2.Item.Proof.Outputs);
        // The final proof restates it unchanged, under the final configuration.
        Assert.Equal(f.Root3.Item.Proof.Outputs, f.Final3.Proof.Outputs);
        Assert.Equal(FinalConfig.LogBlowup, f.FinalProof3.Top.Config!.LogBlowup);

        var verifier = f.Verifier;
        foreach (var (what, proof, blocks) in new (string, EpochProof, Block[])[]
        {
            ("two blocks, root", f.RootProof2, f.Blocks[..2]),
            ("three blocks, root", f.RootProof3, f.Blocks),
            ("three blocks, final", f.FinalProof3, f.Blocks),
        })
        {
            var bytes = proof.ToBytes();
            output.WriteLine($"{what}: {bytes.Length} B");
            Assert.Equal(proof.Kind, ZkvmEpochProof<KoalaBearQuartic, KoalaBearDigest>.KindOf(bytes));
            var result = verifier.Verify(bytes);
            AssertBlocks(result, blocks);
            Assert.NotNull(result.Security);
        }
        // The final proof was checked against the final program over the epoch root.
        Assert.Equal(f.Final3.Child.Key.PreprocessedRoot, verifier.LastKey);
        Assert.Equal(["parse", "statement checks, challenges, public bus terms", "trees and chain lookups, expected statement", "final STARK", "security of the chain"],
            verifier.LastTimings.Select(t => t.Step));
        // Inputs "ab" and "cd": the outputs differ in the echoed input, in order.
        Assert.EndsWith("ab", System.Text.Encoding.ASCII.GetString(verifier.Verify(f.FinalProof3).Blocks[0].Output!), StringComparison.Ordinal);
        Assert.EndsWith("cd", System.Text.Encoding.ASCII.GetString(verifier.Verify(f.FinalProof3).Blocks[1].Output!), StringComparison.Ordinal);
    }

    [Fact]
    public void BlocksSwappedDroppedOrRepeatedAreRejected()
    {
        var f = Hello.Value;
        var honest = f.FinalProof3;
        var b = honest.Blocks;
        var verifier = f.Verifier;
        foreach (var (what, blocks) in new (string, ZkvmExecutionSummary[])[]
        {
            ("blocks 0 and 1 swapped (the same shapes)", [b[1], b[0], b[2]]),
            ("blocks 1 and 2 swapped (other shapes)", [b[0], b[2], b[1]]),
            ("block 2 dropped", [b[0], b[1]]),
            ("block 0 dropped", [b[1], b[2]]),
            ("block 0 repeated", [b[0], b[0], b[2]]),
            ("block 2 repeated", [b[0], b[1], b[2], b[2]]),
        })
        {
            var result = verifier.Verify((honest with { Blocks = blocks }).ToBytes());
            output.WriteLine($"{what}: {result.Error}");
            Assert.False(result.IsValid, what);
        }
        // The epoch proved over the swapped blocks (an honest proof of the other order) is rejected under this order, and
        // accepted under its own: the order is bound by the digest, not by the shapes (blocks 0 and 1 have the same).
        var swapped = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(f.Keys, [f.Blocks[1], f.Blocks[0]]);
        var swappedRoot = swapped.Root();
        Assert.Equal(f.Root2.Item.Child.Key.PreprocessedRoot, swappedRoot.Item.Child.Key.PreprocessedRoot);
        var result2 = verifier.Verify(f.RootProof2 with { Top = swappedRoot.Item.Proof.Stark });
        output.WriteLine($"the swapped epoch's proof under the honest order: {result2.Error}");
        Assert.False(result2.IsValid);
        AssertBlocks(verifier.Verify(swapped.FromRoot(swappedRoot.Item)), [f.Blocks[1], f.Blocks[0]]);
        // An epoch with a block repeated, proved honestly ([0, 0]), is not the epoch [0, 1].
        var repeated = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(f.Keys, [f.Blocks[0], f.Blocks[0]]).Root();
        Assert.False(verifier.Verify(f.RootProof2 with { Top = repeated.Item.Proof.Stark }).IsValid);
        // The two-block epoch's root presented as the three-block one's, and the reverse.
        Assert.False(verifier.Verify(f.RootProof3 with { Top = f.Root2.Item.Proof.Stark }).IsValid);
        Assert.False(verifier.Verify(f.RootProof2 with { Top = f.Root3.Item.Proof.Stark }).IsValid);
        // A one-block epoch does not exist (a block's own file is its proof).
        Assert.Throws<ArgumentException>(() => new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(f.Keys, f.Blocks[..1]));
    }

    [Fact]
    public void ChangedPublicValueOfAnyBlockIsRejected()
    {
        var f = Hello.Value;
        var honest = f.FinalProof3;
        var verifier = f.Verifier;
        Assert.True(verifier.Verify(honest).IsValid);
        for (int i = 0; i < honest.Blocks.Count; i++)
        {
            var claim = honest.Blocks[i].Claim;
            var commitment = claim.InputCommitment.ToArray();
            commitment[^1] += KoalaBear.One;
            foreach (var (what, changed) in new (string, ZkvmClaim)[]
            {
                ("output byte", claim with { Output = [.. claim.Output.Select((v, k) => k == claim.Output.Length - 1 ? (byte)(v ^ 1) : v)] }),
                ("output longer", claim with { Output = [.. claim.Output, 7] }),
                ("exit code", claim with { ExitCode = claim.ExitCode ^ 1 }),
                ("input commitment", claim with { InputCommitment = commitment }),
                ("input size", claim with { InputSize = claim.InputSize + 1 }),
                ("cycles", claim with { Cycles = claim.Cycles + 1 }),
            })
            {
                var blocks = honest.Blocks.ToArray();
                blocks[i] = blocks[i] with { Claim = changed };
                var result = verifier.Verify((honest with { Blocks = blocks }).ToBytes());
                output.WriteLine($"block {i}, {what}: {result.Error}");
                Assert.False(result.IsValid, $"block {i}: {what}");
            }
        }
        var digest = honest.ProgramDigest.ToArray();
        digest[0] ^= 1;
        Assert.Contains("another program", verifier.Verify((honest with { ProgramDigest = digest }).ToBytes()).Error);
        // A changed tree digest or end pc of a block is rejected too.
        var summaries = honest.Blocks.ToArray();
        summaries[2] = summaries[2] with { CommitmentDigest = [.. summaries[2].CommitmentDigest.Select((v, i) => i == 0 ? v + KoalaBear.One : v)] };
        Assert.False(verifier.Verify(honest with { Blocks = summaries }).IsValid);
        summaries[2] = honest.Blocks[2] with { EndPc = [honest.Blocks[2].EndPc[0], honest.Blocks[2].EndPc[1] + KoalaBear.One] };
        Assert.False(verifier.Verify(honest with { Blocks = summaries }).IsValid);
    }

    [Fact]
    public void TamperedChildIsRefusedAtTheNode()
    {
        var f = Hello.Value;
        var bad = Copy(f.Blocks[1].Root.Proof.Stark);
        bad.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        var tampered = new Item(f.Blocks[1].Root with { Proof = f.Blocks[1].Root.Proof with { Stark = bad } }, true);
        output.WriteLine(Refusal(() => f.Three.Node(f.Three.Block(0), tampered)));
        // A tampered epoch node below the root.
        var badNode = Copy(f.Node01.Item.Proof.Stark);
        badNode.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        output.WriteLine(Refusal(() => f.Three.Node(f.Node01 with { Item = f.Node01.Item with { Proof = f.Node01.Item.Proof with { Stark = badNode } } }, f.Three.Block(2))));
        // A tampered epoch root under the final chain.
        var badRoot = Copy(f.Root3.Item.Proof.Stark);
        badRoot.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        output.WriteLine(Refusal(() => f.Three.Final(f.Root3 with { Item = f.Root3.Item with { Proof = f.Root3.Item.Proof with { Stark = badRoot } } })));
        // A tampered block aggregate is refused before any node.
        var aggregate = ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.Of(f.Program.Digest, f.Blocks[1].Summary, bad);
        Assert.Contains("does not verify", Assert.Throws<ArgumentException>(() => ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(f.Keys, aggregate)).Message);
        // The honest aggregate of the same block is accepted as a block, with the same root statement.
        var block = ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(f.Keys, aggregate with { Root = f.Blocks[1].Root.Proof.Stark });
        Assert.Equal(f.Blocks[1].Root.Proof.Outputs, block.Root.Proof.Outputs);
        Assert.Equal(f.Blocks[1].Root.Child.Key.PreprocessedRoot, block.Root.Child.Key.PreprocessedRoot);
        // A tampered final proof is rejected by the verifier.
        var badFinal = Copy(f.FinalProof3.Top);
        badFinal.FinalPolynomial[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        Assert.False(f.Verifier.Verify(f.FinalProof3 with { Top = badFinal }).IsValid);
    }

    [Fact]
    public void AnotherProgramOrKeyUnderABlocksClaimIsRejected()
    {
        var f = Hello.Value;
        var misaligned = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        var otherKeys = KeysOf(misaligned);
        var other = ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(otherKeys, Execute(misaligned, "", 1L << 22));
        // misaligned's root proof checked against block 1's pinned program (hello's root of that shape): refused at the node.
        var underHelloKey = new Item(f.Blocks[1].Root with { Proof = other.Root.Proof }, true);
        output.WriteLine(Refusal(() => f.Three.Node(f.Three.Block(0), underHelloKey)));
        // Block 2's root (another shape of hello: two shards) under block 1's program: refused at the node.
        output.WriteLine(Refusal(() => f.Three.Node(f.Three.Block(0), new Item(f.Blocks[1].Root with { Proof = f.Blocks[2].Root.Proof }, true))));
        // An epoch node built over misaligned's root (its own key pinned) proves, but under block 1's claim the verifier,
        // which derives block 1's root program from hello's shards, rejects it.
        var forged = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(f.Keys, [f.Blocks[0], f.Blocks[1] with { Root = other.Root }]);
        var forgedRoot = forged.Root();
        var result = f.Verifier.Verify(forged.FromRoot(forgedRoot.Item).ToBytes());
        output.WriteLine(result.Error);
        Assert.False(result.IsValid);
        // Block 2's execution proof under block 1's claim (an honest proof of another key and statement): rejected.
        var another = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(f.Keys, [f.Blocks[0], f.Blocks[1] with { Root = f.Blocks[2].Root }]).Root();
        Assert.False(f.Verifier.Verify(f.RootProof2 with { Top = another.Item.Proof.Stark }).IsValid);
        // misaligned's aggregate is not a block of a hello epoch, and a final proof is not a block at all.
        var aggregate = ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.Of(misaligned.Digest, other.Summary, other.Root.Proof.Stark);
        Assert.Contains("one guest program", Assert.Throws<ArgumentException>(() => ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(f.Keys, aggregate)).Message);
        Assert.Contains("final proof", Assert.Throws<ArgumentException>(() =>
            ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>.BlockOf(otherKeys, aggregate with { Kind = ZkvmAggregateKind.Final })).Message);
        // misaligned's blocks' epoch checked by hello's verifier: another program.
        var misalignedEpoch = new ZkvmEpochAggregator<KoalaBearQuartic, KoalaBearDigest>(otherKeys, [other, other]);
        Assert.Contains("another program", f.Verifier.Verify(misalignedEpoch.FromRoot(misalignedEpoch.Root().Item).ToBytes()).Error);
    }

    [Fact]
    public void EpochAndExecutionFilesAreNotEachOther()
    {
        var f = Hello.Value;
        var epochBytes = f.FinalProof3.ToBytes();
        var blockAggregate = ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.Of(f.Program.Digest, f.Blocks[2].Summary, f.Blocks[2].Root.Proof.Stark);
        var aggregateVerifier = new ZkvmAggregateVerifier<KoalaBearQuartic, KoalaBearDigest>(f.Keys);
        Assert.True(aggregateVerifier.Verify(blockAggregate.ToBytes()).IsValid);
        // The epoch's bytes read as one execution's aggregated or final proof, and the reverse: the magic differs.
        output.WriteLine(aggregateVerifier.Verify(epochBytes).Error);
        Assert.False(aggregateVerifier.Verify(epochBytes).IsValid);
        Assert.False(aggregateVerifier.Verify(f.RootProof2.ToBytes()).IsValid);
        output.WriteLine(f.Verifier.Verify(blockAggregate.ToBytes()).Error);
        Assert.False(f.Verifier.Verify(blockAggregate.ToBytes()).IsValid);
        Assert.False(f.Verifier.Verify((blockAggregate with { Kind = ZkvmAggregateKind.Final }).ToBytes()).IsValid);
        // The epoch's top proof under an execution's claim and shards (as that execution's final proof): rejected; and an
        // execution's root as an epoch's top proof: rejected.
        Assert.False(aggregateVerifier.Verify(blockAggregate with { Kind = ZkvmAggregateKind.Final, Root = f.FinalProof3.Top }).IsValid);
        Assert.False(aggregateVerifier.Verify(blockAggregate with { Root = f.Root2.Item.Proof.Stark }).IsValid);
        Assert.False(f.Verifier.Verify(f.RootProof2 with { Top = f.Blocks[0].Root.Proof.Stark }).IsValid);
        // The epoch root labelled final, and the final proof labelled a root.
        Assert.False(f.Verifier.Verify(f.RootProof3 with { Kind = ZkvmAggregateKind.Final }).IsValid);
        Assert.False(f.Verifier.Verify(f.FinalProof3 with { Kind = ZkvmAggregateKind.Aggregated }).IsValid);
        // Envelopes: an epoch file is not accepted by the execution files' check, an aggregated file not by the epoch
        // files' check, and an epoch held in another statement's envelope (or the reverse kind) is rejected.
        foreach (string statement in new[] { ZkvmAggregateProofs.Statement, ZkvmAggregateProofs.FinalStatement })
            Assert.False(ZkvmAggregateProofs.Verify(f.Program, new ProofEnvelope(statement, "development", epochBytes).ToBytes(),
                policy: new VerificationPolicy { AllowInsecure = true }).Result.IsValid);
        var epochFile = new ProofEnvelope(ZkvmEpochProofs.FinalStatement, "development", epochBytes).ToBytes();
        var asExecution = ZkvmAggregateProofs.Verify(f.Program, epochFile, policy: new VerificationPolicy { AllowInsecure = true });
        output.WriteLine(asExecution.Result.Error);
        Assert.Contains("not an aggregated or final proof", asExecution.Result.Error);
        var aggregateFile = new ProofEnvelope(ZkvmAggregateProofs.Statement, "development", blockAggregate.ToBytes()).ToBytes();
        var asEpoch = ZkvmEpochProofs.Verify(f.Program, aggregateFile, new VerificationPolicy { AllowInsecure = true });
        output.WriteLine(asEpoch.Result.Error);
        Assert.Contains("not an epoch proof", asEpoch.Result.Error);
        Assert.Null(ZkvmEpochProofs.KindOf(aggregateFile));
        Assert.Equal(ZkvmAggregateKind.Final, ZkvmEpochProofs.KindOf(epochFile));
        Assert.Null(ZkvmAggregateProofs.KindOf(epochFile));
        // Truncations and trailing bytes are rejections, not exceptions.
        var verifier = f.Verifier;
        foreach (int cut in new[] { 0, 3, 9, 41, 60, epochBytes.Length / 2, epochBytes.Length - 1 })
            Assert.False(verifier.Verify(epochBytes.AsSpan(0, cut)).IsValid);
        Assert.False(verifier.Verify([.. epochBytes, 0]).IsValid);
        // A hostile block count or kind is a rejection before any allocation follows from it.
        var hostile = epochBytes.ToArray();
        BitConverter.TryWriteBytes(hostile.AsSpan(42, 4), uint.MaxValue);
        output.WriteLine(verifier.Verify(hostile).Error);
        Assert.Contains("blocks out of range", verifier.Verify(hostile).Error);
        hostile = epochBytes.ToArray();
        hostile[6] = 7;
        Assert.Contains("kind", verifier.Verify(hostile).Error);
    }

    [Fact]
    public void FilesAggregateFromExecutionAndAggregatedProofsAndRefuseMixedConfigurations()
    {
        var f = Hello.Value;
        var program = f.Program;
        // Block files: an execution proof file and an aggregated file, as prover prove and prover aggregate write them.
        var execution = new ProofEnvelope(ZkvmProofs.Statement, ShardConfig.Name, Execute(program, "ab", 1L << 22).ToBytes()).ToBytes();
        var aggregate = new ProofEnvelope(ZkvmAggregateProofs.Statement, ShardConfig.Name, ZkvmAggregateProof<KoalaBearQuartic, KoalaBearDigest>.Of(program.Digest, f.Blocks[1].Summary, f.Blocks[1].Root.Proof.Stark).ToBytes()).ToBytes();
        var layers = new List<string>();
        var report = ZkvmEpochProofs.Aggregate(f.Keys, [execution, aggregate], ZkvmAggregateKind.Aggregated, (layer, _, _) => layers.Add(layer));
        output.WriteLine(string.Join(", ", layers));
        Assert.Equal(["block 0: leaf 0", "block 0: lift", "epoch node"], layers);
        Assert.Equal(ZkvmAggregateKind.Aggregated, ZkvmEpochProofs.KindOf(report.File));
        var verdict = f.Verifier.Verify(ProofEnvelope.Parse(report.File).Proof);
        AssertBlocks(verdict, f.Blocks[..2]);
        Assert.Equal(f.Root2.Item.Child.Key.PreprocessedRoot.ToCanonical(), report.VerifyingKey);
        // Mixed configurations, too few files, a final or epoch file as a block, junk: clear errors.
        var provable = new ProofEnvelope(ZkvmProofs.Statement, StarkConfig.Provable100.Name, ProofEnvelope.Parse(execution).Proof).ToBytes();
        Assert.Contains("mixed configurations", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(program, [execution, provable])).Message);
        Assert.Contains("at least two", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(program, [execution])).Message);
        var final = new ProofEnvelope(ZkvmAggregateProofs.FinalStatement, ShardConfig.Name, ProofEnvelope.Parse(aggregate).Proof).ToBytes();
        Assert.Contains("final proof", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(program, [execution, final])).Message);
        Assert.Contains("epochs of epochs", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(program, [execution, report.File])).Message);
        Assert.Contains("not a proof file", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(program, [execution, [1, 2, 3]])).Message);
        // Another program's execution file as block 1.
        var misaligned = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        var otherFile = new ProofEnvelope(ZkvmProofs.Statement, ShardConfig.Name, Execute(misaligned, "", 1L << 22).ToBytes()).ToBytes();
        Assert.Contains("one guest program", Assert.Throws<ArgumentException>(() => ZkvmEpochProofs.Aggregate(f.Keys, [execution, otherFile])).Message);
    }
}
