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

    [Fact]
    public void TheShardPathRefusesTheBudgetPolicyWhoseBoundaryChunkShardsHaveNoJobs()
    {
        // Under the budget policy the memory boundary and the input commitment are boundary chunk shards (docs/design.md,
        // "Boundary chunks"), built from the whole execution's boundary after the run: no shard job makes them yet, so the plan
        // refuses the policy (the cluster's coordinator proves a budget run in process: InProcessClusterTests).
        var program = ClusterTestGuests.Hello.Program;
        Assert.Throws<NotSupportedException>(() => ZkvmShardPlanner.Plan(program, [], 64, policy: ShardShapePolicy.Budget));
        // A natural plan's jobs carry no budget.
        Assert.All(ZkvmShardPlanner.Plan(program, [], 64).Jobs, j => Assert.Null(j.BudgetLogShardSize));
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
            // The initial-memory count sits after the header (4 + 2 + 32 + 32 + 8 + 4 + 4, the budget byte), pc, clk, 32 registers and three lengths.
            int countAt = 87 + 8 + 8 + 32 * 8 + 3 * 8;
            BitConverter.TryWriteBytes(huge.AsSpan(countAt), int.MaxValue);
            Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(huge));
            // The budget byte: a budget over 2^24 cycles, or one the shard's cycles pass, is malformed.
            foreach (byte budget in new byte[] { 25, 1 })
            {
                var bad = (byte[])bytes.Clone();
                Assert.Equal(6, bad[86]);
                bad[86] = budget;
                Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(bad));
            }
            // The previous format version is refused (its jobs carry no budget).
            var old = (byte[])bytes.Clone();
            BitConverter.TryWriteBytes(old.AsSpan(4, 2), (ushort)1);
            Assert.Throws<FormatException>(() => ZkvmShardJob.Parse(old));
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
        var forgedMemory = job.Resume.InitialMemory.Select((m, i) => i == 0 ? m with { Value = m.Value ^ 0x100 } : m).ToArray();
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
    [Fact]
    public void The_plan_refuses_accelerator_calls_under_the_budget_policy()
    {
        // Their accelerator shards (docs/design.md, "Accelerator shards") have no jobs yet: refused, not a proof that cannot balance.
        var program = ZkvmProgram.FromElf(File.ReadAllBytes(ClusterTestGuests.ElfPath("keccak")));
        byte[] input = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        var e = Assert.Throws<NotSupportedException>(() => ZkvmShardPlanner.Plan(program, input, 1L << 10, policy: ShardShapePolicy.Budget));
        Assert.Contains("accelerator", e.Message);
        Assert.True(ZkvmShardPlanner.Plan(program, input, 1L << 10).Count >= 1);
    }
}
