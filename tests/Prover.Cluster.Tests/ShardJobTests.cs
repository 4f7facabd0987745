using Prover.Core.Zkvm.Proving;

namespace Prover.Cluster.Tests;

/// <summary>The Core seam without Orleans: shard jobs, the worker's two phases and the coordinator's assembly against the single-process prover.</summary>
public sealed class ShardJobTests
{
    [Fact]
    public void TheShardPathGivesTheSingleProcessProofBytes()
    {
        var guest = ClusterTestGuests.Hello;
        var program = guest.Program;
        byte[] input = [];
        var options = new ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = 128 };
        var (reference, referenceReport) = ZkvmProofs.Prove(program, input, options);
        Assert.Equal(2, referenceReport.Shards);

        var plan = ZkvmShardPlanner.Plan(program, input, 128);
        Assert.Equal(2, plan.Count);
        Assert.Equal(referenceReport.Cycles, plan.Cycles);
        // Jobs travel as bytes: what the worker proves is the parsed copy.
        var jobs = plan.Jobs.Select(j => ZkvmShardJob.Parse(j.ToBytes())).ToArray();
        var worker = new ZkvmShardWorker();
        var commitments = jobs.Select(j => worker.Commit(program, input, j, options.Config)).ToArray();
        var assembly = new ZkvmShardAssembly(program, options.Config, plan, input);
        var challenges = assembly.Challenges(commitments);
        // Phase 2 in reverse order: shard proofs do not depend on each other.
        var proofs = jobs.Reverse().Select(j => worker.Prove(program, input, j, options.Config, challenges[j.Index])).Reverse().ToArray();
        var (file, report) = assembly.Assemble(proofs, challenges, []);
        Assert.Equal(reference, file);
        Assert.Equal(2, report.Shards);
        Assert.True(ClusterTestGuests.Verify(guest, file, input).Result.IsValid);
    }

    [Theory(Skip = "Budget runs have boundary chunk shards (docs/design.md, Boundary chunks), which have no shard jobs yet: the shard path cannot make the single-process prover's shards; ClusterProver proves Budget runs in process")]
    [InlineData(64, 0)] // 2^6: shards cut by the budget's row limits before 2^6 cycles
    [InlineData(1024, 300)] // 2^10, hello with a 300-byte input: the last shard at a catalog entry of its own (2^10 here: the floor)
    public void TheShardPathGivesTheSingleProcessProofBytesUnderTheBudgetPolicy(long shardSize, int inputBytes)
    {
        // The plan cuts where the single-process prover cuts (the budget's row limits), every job carries the budget, and the
        // workers pad their traces as that prover does: the same file.
        var guest = ClusterTestGuests.Hello;
        var program = guest.Program;
        byte[] input = [.. Enumerable.Range(0, inputBytes).Select(i => (byte)(i * 7))];
        var options = new ZkvmProverOptions { Config = ClusterTestGuests.Development, ShardSize = shardSize, ShapePolicy = ShardShapePolicy.Budget };
        var (reference, referenceReport) = ZkvmProofs.Prove(program, input, options);
        var (natural, _) = ZkvmProofs.Prove(program, input, options with { ShapePolicy = ShardShapePolicy.Natural });
        Assert.NotEqual(natural, reference);

        var plan = ZkvmShardPlanner.Plan(program, input, shardSize, policy: ShardShapePolicy.Budget);
        Assert.Equal(referenceReport.Shards, plan.Count);
        Assert.Equal(ShardShapePolicy.Budget, plan.ShapePolicy);
        if (plan.Count > 1)
            Assert.Contains(plan.Jobs.SkipLast(1), j => j.Cycles < shardSize); // a cut the budget made
        var jobs = plan.Jobs.Select(j => ZkvmShardJob.Parse(j.ToBytes())).ToArray();
        Assert.All(jobs, j => Assert.Equal(System.Numerics.BitOperations.Log2((ulong)shardSize), j.BudgetLogShardSize));
        var worker = new ZkvmShardWorker();
        var commitments = jobs.Select(j => ShardPayload.DecodeCommitment(ShardPayload.EncodeCommitment(worker.Commit(program, input, j, options.Config)))).ToArray();
        var assembly = new ZkvmShardAssembly(program, options.Config, plan, input);
        var challenges = assembly.Challenges(commitments);
        var proofs = jobs.Select(j => worker.Prove(program, input, j, options.Config, challenges[j.Index])).ToArray();
        var (file, _) = assembly.Assemble(proofs, challenges, []);
        Assert.Equal(reference, file);
        Assert.True(ClusterTestGuests.Verify(guest, file, input).Result.IsValid);
    }

    [Fact(Skip = "Budget runs have boundary chunk shards (docs/design.md, Boundary chunks), which have no shard jobs yet: the shard path cannot make the single-process prover's shards; ClusterProver proves Budget runs in process")]
    public void AJobWhoseBudgetIsNotThePlansIsRefused()
    {
        var program = ClusterTestGuests.Hello.Program;
        byte[] input = [];
        var config = ClusterTestGuests.Development;
        var plan = ZkvmShardPlanner.Plan(program, input, 64, policy: ShardShapePolicy.Budget);
        Assert.True(plan.Count >= 3);
        var worker = new ZkvmShardWorker();
        var honest = plan.Jobs.Select(j => worker.Commit(program, input, j, config)).ToArray();
        _ = new ZkvmShardAssembly(program, config, plan, input).Challenges(honest);
        // A worker given a job with another budget (a larger one, or none) pads to other heights: the coordinator refuses its
        // commitment before any challenge is drawn, for a non-last and for the last shard.
        foreach (int s in new[] { 0, plan.Count - 1 })
            foreach (int? other in new int?[] { 7, null })
            {
                var commitments = (ShardCommitment[])honest.Clone();
                commitments[s] = worker.Commit(program, input, plan.Jobs[s] with { BudgetLogShardSize = other }, config);
                var e = Assert.Throws<InvalidOperationException>(() => new ZkvmShardAssembly(program, config, plan, input).Challenges(commitments));
                Assert.Contains("budget", e.Message, StringComparison.Ordinal);
            }
        // A budget smaller than the shard: malformed on the wire, and the worker's padding refuses it.
        var full = plan.Jobs.First(j => j.Cycles > 32);
        var small = full with { BudgetLogShardSize = 5 };
        Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(small.ToBytes()));
        Assert.Throws<InvalidOperationException>(() => worker.Commit(program, input, small, config));
        Assert.Throws<InvalidOperationException>(() => (full with { BudgetLogShardSize = 31 }).ToBytes());
        // A natural plan's jobs carry no budget.
        Assert.All(ZkvmShardPlanner.Plan(program, input, 64).Jobs, j => Assert.Null(j.BudgetLogShardSize));
    }

    [Fact]
    public void TheShardPathGivesTheSingleProcessProofBytesWithWideDigests()
    {
        // 12-element digests (provable-128's hash) on development's small parameters: the workers' commitments carry
        // 12-element roots through the wire format, and the statement transcript runs on Poseidon2-24 on both paths.
        var guest = ClusterTestGuests.Hello;
        var program = guest.Program;
        byte[] input = [7, 7, 7];
        var config = ClusterTestGuests.Development with { DigestElements = 12 };
        var options = new ZkvmProverOptions { Config = config, ShardSize = 128 };
        var (reference, referenceReport) = ZkvmProofs.Prove(program, input, options);
        Assert.True(referenceReport.Shards >= 2);

        var plan = ZkvmShardPlanner.Plan(program, input, 128);
        var jobs = plan.Jobs.Select(j => ZkvmShardJob.Parse(j.ToBytes())).ToArray();
        var worker = new ZkvmShardWorker();
        var commitments = jobs.Select(j => ShardPayload.DecodeCommitment(ShardPayload.EncodeCommitment(worker.Commit(program, input, j, config)))).ToArray();
        // The wire format keeps the digests' length.
        Assert.Throws<FormatException>(() => ShardPayload.DecodeCommitment(ShardPayload.EncodeCommitment(commitments[0] with
        {
            MainCommitment = [.. commitments[0].MainCommitment.Select(d => d[..10])],
        })));
        Assert.All(commitments, c => Assert.All(c.MainCommitment, d => Assert.Equal(12, d.Length)));
        var assembly = new ZkvmShardAssembly(program, config, plan, input);
        var challenges = assembly.Challenges(commitments);
        var proofs = jobs.Select(j => worker.Prove(program, input, j, config, challenges[j.Index])).ToArray();
        var (file, _) = assembly.Assemble(proofs, challenges, []);
        Assert.Equal(reference, file);
        var envelope = Prover.Core.Stark.ProofEnvelope.Parse(file);
        var result = new ZkvmVerifier<Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.WideDigest<Prover.Core.Field.KoalaBearParameters>>(config, program)
            .Verify(envelope.Proof);
        Assert.True(result.IsValid, result.Error);

        // 8-element digests in a cap where the configuration has 12: the coordinator refuses them.
        var narrow = commitments.Select(c => c with { MainCommitment = [.. c.MainCommitment.Select(d => d[..8])] }).ToArray();
        var refused = Assert.Throws<ArgumentException>(() => new ZkvmShardAssembly(program, config, plan, input).Challenges(narrow));
        Assert.Contains("12", refused.Message);
    }

    [Fact]
    public void AWorkerChecksTheAirsOnlyWhenAskedAndTheProofIsTheSame()
    {
        // The single-process prover leaves the AIR check off by default; a worker must too (it cost the cluster path about
        // half a second per 2^18-cycle shard), and run it when the request asks (ZkvmProverOptions.CheckConstraints).
        var program = ClusterTestGuests.Hello.Program;
        byte[] input = [];
        var config = ClusterTestGuests.Development;
        var plan = ZkvmShardPlanner.Plan(program, input, 128);
        var worker = new ZkvmShardWorker();
        var challenges = new ZkvmShardAssembly(program, config, plan, input).Challenges([.. plan.Jobs.Select(j => worker.Commit(program, input, j, config))]);
        var job = plan.Jobs[0];
        var quick = worker.Prove(program, input, job, config, challenges[0]);
        var withCheck = worker.Prove(program, input, job, config, challenges[0], checkConstraints: true);
        Assert.DoesNotContain(quick.Timings, t => t.Phase == Prover.Core.Stark.StarkProver<Prover.Core.Field.KoalaBearParameters,
            Prover.Core.Field.KoalaBearQuartic, Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>>.ConstraintCheckPhase);
        Assert.Contains(withCheck.Timings, t => t.Phase == "AIR constraint check");
        Assert.Equal(quick.Proof, withCheck.Proof);
    }

    [Fact]
    public void AJobRoundTripsAndMalformedBytesAreRejected()
    {
        var plan = ZkvmShardPlanner.Plan(ClusterTestGuests.Hello.Program, [], 64, policy: ShardShapePolicy.Budget);
        Assert.True(plan.Count >= 3);
        Assert.All(plan.Jobs, j => Assert.Equal(6, ZkvmShardJob.Parse(j.ToBytes()).BudgetLogShardSize));
        Assert.All(plan.Jobs, j => Assert.Equal(j.Index == plan.Count - 1, j.ExpectedEnd is null));
        Assert.NotEmpty(plan.Jobs[^1].PriorAccesses);
        foreach (var job in plan.Jobs)
        {
            var bytes = job.ToBytes();
            Assert.Equal(bytes, ZkvmShardJob.Parse(bytes).ToBytes());
            Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(bytes.AsSpan(0, bytes.Length - 1)));
            Assert.Throws<FormatException>(() => ZkvmShardJob.Parse([.. bytes, 0]));
            var huge = (byte[])bytes.Clone();
            // The initial-memory count sits after the header (4 + 2, the kind byte, 32 + 32 + 8 + 4 + 4, the budget byte), pc, clk, 32
            // registers and three lengths.
            Assert.Equal((byte)ZkvmShardKind.Cpu, bytes[6]);
            int countAt = 88 + 8 + 8 + 32 * 8 + 3 * 8;
            BitConverter.TryWriteBytes(huge.AsSpan(countAt), int.MaxValue);
            Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(huge));
            // The budget byte: a budget over 2^24 cycles, or one the shard's cycles pass, is malformed.
            foreach (byte budget in new byte[] { 25, 1 })
            {
                var bad = (byte[])bytes.Clone();
                Assert.Equal(6, bad[87]);
                bad[87] = budget;
                Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(bad));
            }
            // Earlier format versions are refused (1: no budget; 2: no kind byte), and a later one.
            foreach (ushort version in new ushort[] { 1, 2, 4 })
            {
                var old = (byte[])bytes.Clone();
                BitConverter.TryWriteBytes(old.AsSpan(4, 2), version);
                Assert.Contains("version", Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(old)).Message, StringComparison.Ordinal);
            }
        }
        var packed = ShardPayload.Compress(plan.Jobs[0].ToBytes());
        Assert.Equal(plan.Jobs[0].ToBytes(), ShardPayload.Decompress(packed));
        var lying = (byte[])packed.Clone();
        BitConverter.TryWriteBytes(lying.AsSpan(0, 4), 1 << 29);
        Assert.Throws<FormatException>(() => ShardPayload.Decompress(lying));
    }

    [Fact]
    public void AWorkerRefusesAJobOfAnotherInputAndAForgedJobNeverBecomesAProof()
    {
        var guest = ClusterTestGuests.Hello;
        var program = guest.Program;
        byte[] input = [1, 2, 3];
        var config = ClusterTestGuests.Development;
        var plan = ZkvmShardPlanner.Plan(program, input, 128);
        var worker = new ZkvmShardWorker();
        var e = Assert.Throws<InvalidOperationException>(() => worker.Commit(program, [1, 2, 4], plan.Jobs[0], config));
        Assert.Contains("another input", e.Message, StringComparison.Ordinal);

        // A job whose memory lies about a value the shard reads: the worker's own checks or the coordinator's bus check refuse it.
        var job = plan.Jobs[^1];
        var forgedMemory = job.Resume!.InitialMemory.Select((m, i) => i == 0 ? m with { Value = m.Value ^ 0x100 } : m).ToArray();
        var forged = job with { Resume = job.Resume with { InitialMemory = forgedMemory } };
        var jobs = plan.Jobs.Take(plan.Count - 1).Append(forged).ToArray();
        Assert.Throws<InvalidOperationException>(() =>
        {
            var commitments = jobs.Select(j => worker.Commit(program, input, j, config)).ToArray();
            var assembly = new ZkvmShardAssembly(program, config, plan, input);
            var challenges = assembly.Challenges(commitments);
            assembly.Assemble([.. jobs.Select(j => worker.Prove(program, input, j, config, challenges[j.Index]))], challenges, []);
        });
    }
}
